"""Client/server mode against a real `chroma run` started on localhost by the test."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.assistant import Assistant
from rag.testing_servers import chroma_server

pytestmark = [pytest.mark.integration, pytest.mark.network]

SAMPLE = Path(__file__).resolve().parents[2] / "corpus" / "sample"


def test_ingest_sync_and_ask_through_a_chroma_server(tmp_path: Path, real_embedder) -> None:
    with chroma_server(tmp_path / "chroma") as url:
        assistant = Assistant(chroma_url=url, embedder=real_embedder)
        first = assistant.ingest([SAMPLE], progress=False)
        assert first.ok and len(first.added) == 3 and first.embedded == first.chunks
        again = Assistant(chroma_url=url, embedder=real_embedder).ingest([SAMPLE], progress=False)
        assert again.embedded == 0 and len(again.unchanged) == 3
        answer = assistant.ask("In what year did the two countries sign a deal on mutual military assistance?")
        assert not answer.refused and "1997" in answer.answer
        assert answer.citations[0].source.startswith(str(SAMPLE))
    # The server's data persisted on disk: a new server over the same path still has it.
    with chroma_server(tmp_path / "chroma") as url:
        docs = Assistant(chroma_url=url, embedder=real_embedder).documents()
        assert len(docs) == 3 and sum(d.chunks for d in docs) == first.chunks


def test_unreachable_server_is_a_clear_error() -> None:
    from rag.store import StoreError
    from rag.testing_servers import free_port

    assistant = Assistant(chroma_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(StoreError, match="cannot reach the Chroma server"):
        assistant.documents()


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory):
    with chroma_server(tmp_path_factory.mktemp("chroma-lease")) as url:
        yield url


def _store(url: str, name: str):
    from rag.config import Config
    from rag.store import ChunkStore

    return ChunkStore(Config(chroma_url=url, collection_name=name))


def test_a_second_writer_on_the_server_gets_index_busy(server_url: str) -> None:
    from rag.store import IndexBusyError

    first, second = _store(server_url, "lease_a"), _store(server_url, "lease_a")
    with first.write_lock():
        with pytest.raises(IndexBusyError, match=r"index is busy: another process \(pid \d+ on "):
            with second.write_lock():
                pass
        # Another index on the same server is not blocked by this one's writer.
        with _store(server_url, "lease_other").write_lock():
            pass
        assert first.documents() == [], "the lease record is not a document"
    with second.write_lock():  # released: the next writer gets it at once
        pass


def test_a_lease_left_by_a_dead_writer_blocks_until_it_expires(server_url: str) -> None:
    import time

    from rag.store import _LOCK_ID, IndexBusyError

    store = _store(server_url, "lease_dead")

    def leave_lease(expires: float) -> None:  # what a writer killed with -9 leaves behind
        store.docs.upsert(ids=[_LOCK_ID], embeddings=[[1.0]], documents=[_LOCK_ID],
                          metadatas=[{"owner": "dead", "host": "elsewhere", "pid": 4242, "expires": expires}])

    leave_lease(time.time() + 30)
    with pytest.raises(IndexBusyError, match=r"pid 4242 on elsewhere.*lease ends in \d+ s"):
        with store.write_lock():
            pass
    leave_lease(time.time() - 1)
    with store.write_lock():
        pass


RACER = """
import sys, time
from rag.config import Config
from rag.store import ChunkStore, IndexBusyError

store = ChunkStore(Config(chroma_url=sys.argv[1], collection_name="lease_race"))
store.docs  # connect before the start line, so both claims leave within milliseconds of each other
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
try:
    with store.write_lock():
        print("acquired", flush=True)
        time.sleep(2)
except IndexBusyError as exc:
    print("busy", exc, flush=True)
"""


@pytest.mark.parametrize("attempt", range(2))
def test_processes_claiming_at_the_same_moment_leave_exactly_one_writer(server_url: str, attempt: int) -> None:
    import subprocess
    import sys
    import time

    start = time.time() + 8  # both processes are connected and waiting by then
    racers = [subprocess.Popen([sys.executable, "-c", RACER, server_url, str(start)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [racer.communicate(timeout=120) for racer in racers]
    lines = sorted(out.strip() for out, _ in outputs)
    assert lines[0] == "acquired" and lines[1].startswith("busy"), outputs
    assert "index is busy" in lines[1]


def test_a_working_writer_keeps_renewing_its_lease(server_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from rag import store as store_module
    from rag.store import IndexBusyError

    monkeypatch.setattr(store_module, "LEASE_SECONDS", 1.5)
    writer, other = _store(server_url, "lease_renew"), _store(server_url, "lease_renew")
    with writer.write_lock():
        time.sleep(3.0)  # twice the lease: only renewal keeps it
        with pytest.raises(IndexBusyError):
            with other.write_lock():
                pass
