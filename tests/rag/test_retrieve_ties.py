"""Copies of one passage tie on score; the first-stage searches cut their lists the same way every time.

Chroma returned either of two equal-vector copies (an article's .txt and .html chunk) at the cut of the
dense list from one query to the next, so one golden question was answered from 9 or 10 passages in
alternate runs of the same build. The searches now ask for a few more, sort ties by file name and
position, then cut.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rag.records import Chunk
from rag.retrieve import TIE_MARGIN, DenseRetriever, Filters


def _chunk(name: str, n: int) -> Chunk:
    text = f"passage {n}"
    return Chunk(id=f"{name}-{n}", source=f"/docs/{name}", title="T", text=text, start=100 * n, end=100 * n + 9,
                 index=n)


class FlakyStore:
    """Returns its hits best first; among equal scores, in an order that alternates from call to call."""

    def __init__(self) -> None:
        self.calls = 0
        # Five distinct passages, then two copies of a sixth (same score), then more.
        self.hits = [(_chunk("a.txt", i), 0.9 - 0.01 * i) for i in range(5)]
        self.hits += [(_chunk("a.html", 5), 0.5), (_chunk("a.txt", 5), 0.5)]
        self.hits += [(_chunk("b.txt", i), 0.3 - 0.01 * i) for i in range(10)]

    def query(self, vector: np.ndarray, n: int, where: dict[str, Any] | None = None) -> list[tuple[Chunk, float]]:
        self.calls += 1
        hits = list(self.hits)
        if self.calls % 2:
            hits[5], hits[6] = hits[6], hits[5]
        return hits[:n]


def test_the_dense_cut_keeps_the_same_copy_whatever_order_the_store_returns_ties_in() -> None:
    retriever = DenseRetriever(FlakyStore())  # type: ignore[arg-type]
    vector = np.ones(4, dtype=np.float32)
    results = [[c.id for c, _ in retriever.search("q", vector, 6, Filters())] for _ in range(4)]
    assert all(r == results[0] for r in results)
    assert results[0][-1] == "a.html-5"  # the tie goes by file name: a.html before a.txt
    assert TIE_MARGIN >= 2
