"""Integration tests for rag.testing_servers: real Chroma and llama.cpp servers on localhost.

Each server test also checks the process is gone (reaped, not a zombie) and
the port closed once the context exits.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import sys
from pathlib import Path

import pytest

from rag import testing_servers
from rag.testing_servers import (
    ServerStartError,
    chroma_server,
    free_port,
    llama_server,
    smollm2_gguf_path,
    wait_http,
)

pytestmark = [pytest.mark.integration, pytest.mark.network]

_HAS_PROC = sys.platform.startswith("linux") and Path("/proc/self/stat").exists()


def _child_pids() -> set[int]:
    """Pids whose parent is this test process, zombies included (they stay until reaped)."""
    me = os.getpid()
    pids: set[int] = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # exited while we were scanning
        # The command name may contain spaces or parentheses, so split after its last ")".
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == me:
            pids.add(int(entry.name))
    return pids


def _port_of(url: str) -> int:
    return int(url.removeprefix("http://").split("/", 1)[0].rsplit(":", 1)[1])


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _new_server_pid(before: set[int]) -> int | None:
    if not _HAS_PROC:
        return None
    new = _child_pids() - before
    assert len(new) == 1, f"expected exactly one server process, found {sorted(new)}"
    return new.pop()


def _assert_stopped(pid: int | None, port: int) -> None:
    if pid is not None:
        assert not Path(f"/proc/{pid}").exists(), f"server process {pid} still exists (running or zombie)"
        assert pid not in _child_pids()
    assert not _port_open(port), f"port {port} still accepts connections"


def _chroma_client(url: str):  # -> chromadb.api.ClientAPI
    import chromadb
    from chromadb.config import Settings

    return chromadb.HttpClient(
        host="127.0.0.1", port=_port_of(url), settings=Settings(anonymized_telemetry=False)
    )


def _remove_kept_log(text: str) -> None:
    """Delete the log folder a failed start (or a failed body) keeps for debugging."""
    match = re.search(r"(\S+[/\\]rag-(?:chroma|llama)-[^/\\\s]+)[/\\]\w+\.log", text)
    assert match, f"no log path in: {text[:500]}"
    shutil.rmtree(match.group(1), ignore_errors=True)


# --- helpers -----------------------------------------------------------------


def test_free_port_can_be_bound() -> None:
    port = free_port()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", port))


def test_wait_http_times_out_naming_the_last_error() -> None:
    url = f"http://127.0.0.1:{free_port()}/nothing"
    with pytest.raises(TimeoutError, match="did not answer within"):
        wait_http(url, timeout=0.5)


# --- Chroma ------------------------------------------------------------------


def test_chroma_server_round_trip_persists_and_stops(tmp_path: Path) -> None:
    path = tmp_path / "chroma"
    before = _child_pids() if _HAS_PROC else set()

    with chroma_server(path) as url:
        assert url.startswith("http://127.0.0.1:")
        pid = _new_server_pid(before)
        collection = _chroma_client(url).create_collection(
            "servers_test", embedding_function=None, metadata={"hnsw:space": "cosine"}
        )
        collection.upsert(
            ids=["x", "y", "z"],
            embeddings=[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
            documents=["about x", "about y", "about z"],
            metadatas=[{"axis": "x"}, {"axis": "y"}, {"axis": "z"}],
        )
        hits = collection.query(query_embeddings=[[0.9, 0.1, 0.0]], n_results=2)
        assert hits["ids"] == [["x", "y"]]
        assert hits["distances"][0][0] == pytest.approx(1 - 0.9 / (0.82**0.5), abs=1e-4)
    _assert_stopped(pid, _port_of(url))

    # A fresh server on the same path sees the same data.
    with chroma_server(path) as url2:
        pid2 = _new_server_pid(before)
        collection = _chroma_client(url2).get_collection("servers_test", embedding_function=None)
        assert collection.count() == 3
        assert collection.metadata["hnsw:space"] == "cosine"
        hits = collection.query(query_embeddings=[[0.0, 0.0, 1.0]], n_results=1, include=["documents"])
        assert hits["ids"] == [["z"]]
        assert hits["documents"] == [["about z"]]
    _assert_stopped(pid2, _port_of(url2))


def test_chroma_server_stops_when_the_body_raises(tmp_path: Path) -> None:
    before = _child_pids() if _HAS_PROC else set()
    with pytest.raises(KeyError) as info, chroma_server(tmp_path / "chroma") as url:
        pid = _new_server_pid(before)
        raise KeyError("boom")
    _assert_stopped(pid, _port_of(url))
    # The note points at the kept log, for debugging a server that crashed mid-test.
    notes = [note for note in info.value.__notes__ if "chroma server log:" in note]
    assert notes
    _remove_kept_log(notes[0])


def test_chroma_server_retries_when_its_port_is_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        busy = squatter.getsockname()[1]
        ports = iter([busy, free_port()])
        monkeypatch.setattr(testing_servers, "free_port", lambda host="127.0.0.1": next(ports))

        with chroma_server(tmp_path / "chroma") as url:
            assert _port_of(url) != busy
            assert _chroma_client(url).heartbeat() > 0


def test_chroma_server_rejects_a_file_as_path(tmp_path: Path) -> None:
    not_a_dir = tmp_path / "file.txt"
    not_a_dir.write_text("x")
    with pytest.raises(ValueError, match="file.txt"), chroma_server(not_a_dir):
        pass


# --- llama.cpp ---------------------------------------------------------------


@pytest.mark.usefixtures("llama_available")
def test_smollm2_gguf_is_packaged() -> None:
    path = smollm2_gguf_path()
    assert path.suffix == ".gguf" and path.stat().st_size > 50_000_000


@pytest.mark.usefixtures("llama_available")
def test_llama_server_chat_stream_and_stop() -> None:
    from langchain_openai import ChatOpenAI

    before = _child_pids() if _HAS_PROC else set()
    with llama_server() as base_url:
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v1")
        pid = _new_server_pid(before)
        llm = ChatOpenAI(
            base_url=base_url,
            api_key="not-needed",  # type: ignore[arg-type]  # pydantic coerces str to SecretStr
            model="smollm2",
            temperature=0,
            max_tokens=64,  # type: ignore[call-arg]  # a pydantic alias mypy cannot see
            # langchain-openai 1.x sends max_tokens as `max_completion_tokens`,
            # which llama-cpp-python's server ignores: without this the reply
            # runs on to n_ctx.
            extra_body={"max_tokens": 64},
        )

        reply = llm.invoke("What is the capital of France? Answer in one sentence.")
        # The GGUF's own ChatML template is used (no --chat_format); a broken
        # template makes a 135M model ramble instead of answering.
        assert "paris" in str(reply.content).lower()

        capped = llm.model_copy(update={"extra_body": {"max_tokens": 12}})
        story = capped.invoke("Write a long story about a dragon.")
        assert story.usage_metadata is not None
        assert story.usage_metadata["output_tokens"] <= 12

        chunks = [str(c.content) for c in llm.stream("Count from one to five in words.") if c.content]
        assert len(chunks) > 1, "the server should stream token by token"
        assert "".join(chunks).strip()
    _assert_stopped(pid, _port_of(base_url))


@pytest.mark.usefixtures("llama_available")
def test_llama_server_start_failure_includes_the_log(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.gguf"
    bogus.write_bytes(b"not a gguf file" * 100)
    with pytest.raises(ServerStartError) as info, llama_server(bogus, timeout=60):
        pass
    message = str(info.value)
    assert "llama server did not start" in message
    assert "bogus.gguf" in message  # the command line
    assert "last lines:" in message and "Traceback" in message
    _remove_kept_log(message)
