"""Fusion as the Assistant uses it: the follow-up search is fused with ``config.rrf_k``, not a default."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rag.assistant import Assistant
from rag.records import Chunk, Passage
from rag.testing import FakeEmbedder


def passage(name: str) -> Passage:
    text = f"Passage {name} about the corridor."
    return Passage(chunk=Chunk(id=name, source=f"/docs/{name}.txt", title=name, text=text, start=0,
                               end=len(text), index=0), score=0.0, similarity=0.5)


class ScriptedRetriever:
    """Returns fixed rankings: one for the follow-up's own words, one for the query with carried terms."""

    def __init__(self, own: list[str], carried: list[str]) -> None:
        self.own, self.carried = own, carried

    def retrieve(self, query: str, k: int | None = None, filters: Any = None, query_vector: Any = None
                 ) -> list[Passage]:
        return [passage(n) for n in (self.carried if "(" in query else self.own)]


@pytest.mark.parametrize(("rrf_k", "first"), [(60, "both"), (1, "own-top")])
def test_follow_up_fusion_uses_the_configured_rrf_k(tmp_path: Path, rrf_k: int, first: str) -> None:
    # "both" is 3rd in each ranking, "own-top" 1st and 10th: 2/(k+3) beats 1/(k+1) + 1/(k+10) only for large k.
    assistant = Assistant(index_dir=tmp_path / "index", embedder=FakeEmbedder(), rrf_k=rrf_k)
    assistant._retriever = ScriptedRetriever(  # type: ignore[assignment]
        own=["own-top", "o2", "both"], carried=["c1", "c2", "both", "c4", "c5", "c6", "c7", "c8", "c9", "own-top"])
    state = {"question": "And the corridor?", "standalone": "And the corridor? (Lachin)", "carried": "Lachin"}

    out = assistant._retrieve(state)

    assert out["passages"][0].chunk.id == first
