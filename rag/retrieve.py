"""Hybrid retrieval: dense (Chroma) + lexical (BM25, :mod:`rag.lexical`) fused by reciprocal rank.

Filters (sources, title, dates, collections) apply to both sides; access
control passes its allowed collections here, so a passage a user may not read
is never retrieved at all. Diversity caps how many passages one document may
take before others get a turn.

Example:
    >>> rrf([["a", "b"], ["b", "c"]], k=60)["b"] > rrf([["a", "b"], ["b", "c"]], k=60)["a"]
    True
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from rag.config import Config
from rag.embed import Embedder
from rag.errors import FilterError  # also importable as rag.retrieve.FilterError
from rag.lexical import LexicalIndex
from rag.lexical import default_path as lexical_path
from rag.records import Chunk, Passage
from rag.store import Store


@dataclass(frozen=True)
class Filters:
    """Metadata filters. ``collections=None`` means every collection."""

    sources: tuple[str, ...] = ()
    title: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    collections: tuple[str, ...] | None = None

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> "Filters":
        """From ``{"source": ..., "title": ..., "date_from": ..., "date_to": ..., "collection": ...}``."""
        if not data:
            return cls()
        known = {"source", "sources", "title", "date_from", "date_to", "collection", "collections"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise FilterError(f"unknown filter(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")

        def as_tuple(value: Any) -> tuple[str, ...]:
            if value in (None, "", [], ()):
                return ()
            return (value,) if isinstance(value, str) else tuple(str(v) for v in value)

        for key in ("date_from", "date_to"):
            if data.get(key) and _date_int(str(data[key])) is None:
                raise FilterError(f"{key}: {data[key]!r} is not a valid date (use YYYY-MM-DD or YYYY)")
        collections = as_tuple(data.get("collections", data.get("collection")))
        return cls(
            sources=as_tuple(data.get("sources", data.get("source"))),
            title=(str(data["title"]).strip() or None) if data.get("title") else None,
            date_from=data.get("date_from") or None,
            date_to=data.get("date_to") or None,
            collections=collections or None,
        )

    def restrict(self, allowed: Sequence[str] | None) -> "Filters":
        """Intersect with the collections a user may read (access control)."""
        if allowed is None:
            return self
        allowed_set = tuple(sorted(set(allowed)))
        if self.collections is None:
            return Filters(self.sources, self.title, self.date_from, self.date_to, allowed_set)
        return Filters(self.sources, self.title, self.date_from, self.date_to,
                       tuple(c for c in self.collections if c in allowed_set))

    def where(self) -> dict[str, Any] | None:
        """The same filters as a Chroma ``where`` clause (title is matched afterwards)."""
        clauses: list[dict[str, Any]] = []
        if self.sources:
            clauses.append({"source": {"$in": list(self.sources)}})
        if self.collections is not None:
            clauses.append({"collection": {"$in": list(self.collections) or ["\x00none"]}})
        if self.date_from:
            clauses.append({"date_int": {"$gte": _date_int(self.date_from)}})
        if self.date_to:
            clauses.append({"date_int": {"$lte": _date_int(self.date_to, end=True)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def matches(self, chunk: Chunk) -> bool:
        if self.sources and chunk.source not in self.sources:
            return False
        if self.collections is not None and chunk.collection not in self.collections:
            return False
        if self.title and self.title.lower() not in chunk.title.lower():
            return False
        if self.date_from or self.date_to:
            value = _date_int(chunk.date or "")
            if value is None:
                return False
            if self.date_from and value < (_date_int(self.date_from) or 0):
                return False
            if self.date_to and value > (_date_int(self.date_to, end=True) or 0):
                return False
        return True


def _date_int(value: str, end: bool = False) -> int | None:
    """YYYYMMDD as an int for range filters; a bare year spans the whole year. None if invalid."""
    import datetime

    value = value.strip()
    if len(value) == 4 and value.isdigit():
        return int(value + ("1231" if end else "0101"))
    try:
        day = datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None
    return day.year * 10000 + day.month * 100 + day.day


def rrf(rankings: Iterable[Sequence[str]], k: int = 60) -> dict[str, float]:
    """Reciprocal rank fusion (Cormack et al. 2009): sum of 1 / (k + rank), rank from 1."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return scores


def diversify(ranked: Sequence[str], group_of: Mapping[str, str], k: int, max_per_group: int) -> list[str]:
    """Take the best ``k`` items, at most ``max_per_group`` from any group while others remain.

    When every other group is exhausted the cap is lifted, so a one-document
    corpus still fills all ``k`` slots.
    """
    chosen: list[str] = []
    held_back: list[str] = []
    per_group: dict[str, int] = {}
    for item in ranked:
        if len(chosen) >= k:
            break
        group = group_of[item]
        if per_group.get(group, 0) < max_per_group:
            chosen.append(item)
            per_group[group] = per_group.get(group, 0) + 1
        else:
            held_back.append(item)
    for item in held_back:
        if len(chosen) >= k:
            break
        chosen.append(item)
    order = {item: i for i, item in enumerate(ranked)}
    return sorted(chosen, key=order.__getitem__)


class HybridRetriever:
    """Dense + BM25 retrieval with RRF, filters and per-document diversity.

    The dense side is the store's vector index; the lexical side is a
    persistent :class:`rag.lexical.LexicalIndex` that follows the store's
    writes per document (nothing is loaded into memory wholesale).
    """

    def __init__(self, store: Store, embedder: Embedder, config: Config,
                 lexical_index: LexicalIndex | None = None) -> None:
        self.store = store
        self.embedder = embedder
        self.config = config
        self._lexical = lexical_index
        self._lock = threading.Lock()

    def lexical(self) -> LexicalIndex:
        """The lexical index, brought in step with the store (cheap when nothing changed)."""
        with self._lock:
            if self._lexical is None:
                self._lexical = LexicalIndex(lexical_path(self.config, self.store))
        self._lexical.sync(self.store)
        return self._lexical

    def lexical_changed(self, sources: Sequence[str], before: str) -> None:
        """This process just wrote ``sources``: bring the lexical index in step by re-reading only them."""
        with self._lock:
            if self._lexical is None:
                self._lexical = LexicalIndex(lexical_path(self.config, self.store))
        self._lexical.apply(self.store, sources, before)

    def dense(self, query_vector: np.ndarray, n: int, filters: Filters) -> list[tuple[Chunk, float]]:
        hits = self.store.query(query_vector, n if not filters.title else n * 4, filters.where())
        return [(chunk, sim) for chunk, sim in hits if filters.matches(chunk)][:n]

    def sparse(self, query: str, n: int, filters: Filters) -> list[tuple[Chunk, float]]:
        """The ``n`` best chunks by BM25; filters other than the title run inside the index."""
        hits = self.lexical().search(
            query, n if not filters.title else n * 4, sources=filters.sources, collections=filters.collections,
            date_from=_date_int(filters.date_from) if filters.date_from else None,
            date_to=_date_int(filters.date_to, end=True) if filters.date_to else None)
        return [(chunk, score) for chunk, score in hits if filters.matches(chunk)][:n]

    def retrieve(self, query: str, k: int | None = None, filters: Filters | Mapping[str, Any] | None = None,
                 query_vector: np.ndarray | None = None) -> list[Passage]:
        """The top ``k`` passages for ``query``, best first."""
        k = k or self.config.k
        if not isinstance(filters, Filters):
            filters = Filters.from_mapping(filters)
        if filters.collections == ():
            return []
        n = max(self.config.fetch_k, k)
        vector = self.embedder.embed_query(query) if query_vector is None else query_vector
        dense = self.dense(vector, n, filters)
        sparse = self.sparse(query, n, filters)
        chunks = {c.id: c for c, _ in dense}
        chunks.update({c.id: c for c, _ in sparse})
        dense_rank = {c.id: r for r, (c, _) in enumerate(dense, start=1)}
        sparse_rank = {c.id: r for r, (c, _) in enumerate(sparse, start=1)}
        similarity = {c.id: s for c, s in dense}
        fused = rrf([[c.id for c, _ in dense], [c.id for c, _ in sparse]], k=self.config.rrf_k)
        ranked = sorted(fused, key=lambda i: (-fused[i], i))
        chosen = diversify(ranked, {i: chunks[i].source for i in ranked}, k, self.config.max_per_source)
        missing = [i for i in chosen if i not in similarity]
        if missing:
            # Lexical-only hits still need a similarity for the relevance gate: their stored vectors.
            for i, stored in stored_vectors(self.store, missing).items():
                similarity[i] = float(np.dot(stored, vector))
        return [Passage(chunk=chunks[i], score=fused[i], dense_rank=dense_rank.get(i),
                        lexical_rank=sparse_rank.get(i), similarity=similarity.get(i)) for i in chosen]

    def as_langchain(self, k: int | None = None, filters: Mapping[str, Any] | None = None) -> Any:
        """This retriever as a LangChain ``BaseRetriever`` (returns ``Document`` objects)."""
        return make_langchain_retriever(self, k=k, filters=filters)


def stored_vectors(store: Store, ids: Sequence[str]) -> dict[str, np.ndarray]:
    """The stored vectors of the chunks ``ids`` (absent ids are left out), fetched by id."""
    return store.vectors(ids)


def make_langchain_retriever(retriever: HybridRetriever, k: int | None = None,
                             filters: Mapping[str, Any] | None = None) -> Any:
    from langchain_core.callbacks import CallbackManagerForRetrieverRun
    from langchain_core.documents import Document
    from langchain_core.retrievers import BaseRetriever

    class RagRetriever(BaseRetriever):
        """Hybrid dense + BM25 retriever over a rag index."""

        search_k: int | None = None
        search_filters: dict[str, Any] | None = None

        def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun
                                    ) -> list[Document]:
            passages = retriever.retrieve(query, k=self.search_k, filters=self.search_filters)
            return [p.to_langchain() for p in passages]

    return RagRetriever(search_k=k, search_filters=dict(filters) if filters else None)
