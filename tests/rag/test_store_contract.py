"""The store contract (tests/rag/store_contract.py) on every store: in memory, embedded Chroma, a Chroma server."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from store_contract import CHUNKS, VECTORS, Opener, StoreContract, fill

from rag.config import Config
from rag.store import ChunkStore, InMemoryStore, Store


def base_config(tmp_path: Path, **overrides: Any) -> Config:
    return Config(index_dir=str(tmp_path / "index"), lexical_dir=str(tmp_path / "lexical")).replace(**overrides)


class TestInMemoryStore(StoreContract):
    @pytest.fixture
    def open_store(self, tmp_path: Path) -> Opener:
        name = f"contract-{uuid.uuid4().hex}"
        return lambda **overrides: InMemoryStore(base_config(tmp_path, **overrides), index=name)

    def test_unnamed_stores_are_separate_indexes(self) -> None:
        first, second = InMemoryStore(), InMemoryStore()
        fill(first)
        assert first.count() == 4 and second.count() == 0 and not second.exists()
        assert first.location != second.location and first.location.startswith("memory:")

    def test_nothing_touches_the_disk(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        from rag.assistant import Assistant
        from rag.testing import FakeEmbedder

        corpus = tmp_path / "corpus"
        corpus.mkdir()
        (corpus / "a.txt").write_text("Drone strikes hit the port of Odesa in July.", encoding="utf-8")
        monkeypatch.chdir(tmp_path)
        assistant = Assistant(store=InMemoryStore(), embedder=FakeEmbedder())
        assert assistant.ingest([corpus], progress=False).ok
        assert assistant.retriever.retrieve("drone strikes", k=1)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus"], "an in-memory index wrote files"
        assert assistant.retriever.lexical().path == ":memory:"

    def test_an_assistant_and_its_store_must_agree_on_the_index_settings(self) -> None:
        from rag.assistant import Assistant
        from rag.config import ConfigError
        from rag.testing import FakeEmbedder

        assert Assistant(store=InMemoryStore(Config(chunk_tokens=100)), embedder=FakeEmbedder()).config.chunk_tokens \
            == 100, "without a config the assistant takes the store's"
        with pytest.raises(ConfigError, match=r"^store: memory:\w+ was opened with chunk_tokens=200 "
                                              r"\(this Assistant: 100\)"):
            Assistant(store=InMemoryStore(), embedder=FakeEmbedder(), chunk_tokens=100)

    def test_an_assistant_holding_the_lock_keeps_other_writers_out_and_still_writes(self, tmp_path: Path) -> None:
        from rag.assistant import Assistant
        from rag.store import IndexBusyError
        from rag.testing import FakeEmbedder

        (tmp_path / "a.txt").write_text("Drone strikes hit the port of Odesa in July.", encoding="utf-8")
        name = f"held-{uuid.uuid4().hex}"
        assistant = Assistant(store=InMemoryStore(index=name), embedder=FakeEmbedder())
        assistant.hold_write_lock()
        try:
            with pytest.raises(IndexBusyError, match="index is busy"):
                with InMemoryStore(index=name).write_lock():
                    pass
            assert assistant.ingest([tmp_path / "a.txt"], progress=False).ok
        finally:
            assistant.release_write_lock()
        with InMemoryStore(index=name).write_lock():
            pass

    def test_concurrent_writes_and_reads_stay_consistent(self) -> None:
        import threading

        store = InMemoryStore()
        fill(store)
        errors: list[BaseException] = []

        def reader() -> None:
            try:
                for _ in range(200):
                    chunks, matrix = store.all_chunks_with_vectors()
                    assert matrix is not None and len(chunks) == matrix.shape[0]
                    store.query(VECTORS[0], 3, {"collection": {"$in": ["public", "default"]}})
            except BaseException as exc:  # handed to the main thread
                errors.append(exc)

        threads = [threading.Thread(target=reader) for _ in range(3)]
        for thread in threads:
            thread.start()
        for _ in range(200):
            store.upsert_chunks(CHUNKS, VECTORS)
            store.delete_document("c.txt")
        for thread in threads:
            thread.join()
        assert not errors, errors


class TestEmbeddedChroma(StoreContract):
    @pytest.fixture
    def open_store(self, tmp_path: Path) -> Opener:
        return lambda **overrides: ChunkStore(base_config(tmp_path, **overrides))

    def test_another_process_reads_what_this_one_wrote(self, store: Store, tmp_path: Path) -> None:
        fill(store)
        store.close()
        script = ("import sys; from rag.config import Config; from rag.store import ChunkStore; "
                  "s = ChunkStore(Config(index_dir=sys.argv[1])); "
                  "print(s.count(), len(s.documents()), s.generation(), s.query(__import__('numpy').eye(4)[2], 1)[0][0].id)")
        out = subprocess.run([sys.executable, "-c", script, str(tmp_path / "index")], capture_output=True, text=True,
                             timeout=120, env={"PYTHONPATH": ":".join(sys.path), "ANONYMIZED_TELEMETRY": "False"})
        assert out.returncode == 0, out.stderr[-2000:]
        assert out.stdout.split() == ["4", "3", "1", CHUNKS[3].id]


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from rag.testing_servers import chroma_server

    with chroma_server(tmp_path_factory.mktemp("chroma-contract")) as url:
        yield url


@pytest.mark.integration
@pytest.mark.network
class TestChromaServer(StoreContract):
    held_lock_excludes_others = False  # the server is the only process touching its files; see hold_write_lock

    @pytest.fixture
    def open_store(self, tmp_path: Path, chroma_url: str) -> Opener:
        name = f"c{uuid.uuid4().hex[:16]}"  # one index per test on the shared server
        return lambda **overrides: ChunkStore(base_config(tmp_path, chroma_url=chroma_url, collection_name=name,
                                                          **overrides))


def test_vectors_come_back_as_float32_rows() -> None:
    store = InMemoryStore()
    fill(store)
    got = store.vectors([CHUNKS[0].id])[CHUNKS[0].id]
    assert got.dtype == np.float32 and got.shape == (4,)
