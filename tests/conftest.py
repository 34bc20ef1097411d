"""Shared fixtures. Tests cannot reach the network unless marked ``network``
(servers on localhost only); models load only in ``integration`` tests."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REPO = Path(__file__).resolve().parent.parent
SAMPLE_DIR = REPO / "corpus" / "sample"
SAMPLE_TXT = SAMPLE_DIR / "000_37ea4592f850c55e.txt"

_LOCAL = ("127.0.0.1", "localhost", "::1", "0.0.0.0")


@pytest.fixture(autouse=True)
def _block_network(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse every outbound connection; ``network`` tests may reach localhost only."""
    allow_local = request.node.get_closest_marker("network") is not None
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def check(address: Any) -> None:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(address, (str, bytes)):  # unix sockets are local by nature
            return
        if allow_local and (str(host) in _LOCAL or str(host).startswith("127.")):
            return
        raise RuntimeError(f"network access blocked in tests: {address!r} (mark the test 'network' "
                           "to reach a server on localhost)")

    def guarded_connect(self: socket.socket, address: Any) -> Any:
        check(address)
        return real_connect(self, address)

    def guarded_connect_ex(self: socket.socket, address: Any) -> Any:
        check(address)
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)


@pytest.fixture
def fake_embedder() -> Any:
    from rag.testing import FakeEmbedder

    return FakeEmbedder()


@pytest.fixture(scope="session")
def real_embedder() -> Any:
    from rag.embed import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory: pytest.TempPathFactory, real_embedder: Any) -> Iterator[Path]:
    """The sample corpus ingested once with the real model, shared by read-only tests."""
    from rag.assistant import Assistant

    index = tmp_path_factory.mktemp("sample-index")
    report = Assistant(index_dir=index, embedder=real_embedder).ingest([SAMPLE_DIR], progress=False)
    assert report.ok, report.failed
    yield index


@pytest.fixture(scope="module")
def sample_assistant(sample_index: Path, real_embedder: Any) -> Any:
    """An :class:`~rag.assistant.Assistant` over :func:`sample_index` (the real model, the default backend)."""
    from rag.assistant import Assistant

    return Assistant(index_dir=sample_index, embedder=real_embedder)


def _require_llama() -> None:
    """Skip when llama-cpp-python's server cannot run here, but fail in CI, which must run it."""
    from rag.testing_servers import llama_server_available

    reason = llama_server_available()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the llama.cpp server tests: {reason}")
        pytest.skip(reason)


@pytest.fixture
def llama_available() -> None:
    """For a test that starts its own llama server: skips where it cannot run, fails in CI."""
    _require_llama()


@pytest.fixture(scope="module")
def llama_url() -> Iterator[str]:
    """One llama-cpp-python server (the packaged SmolLM2-135M) for a test module; yields its ``/v1`` base URL.

    Skips where the server cannot run, fails in CI.
    """
    from rag.testing_servers import llama_server

    _require_llama()
    with llama_server() as url:
        yield url
