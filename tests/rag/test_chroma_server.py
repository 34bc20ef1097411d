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
