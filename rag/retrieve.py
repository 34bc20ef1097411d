"""Hybrid retrieval as small parts (Haystack-style), composed by :class:`HybridRetriever`.

A question travels through:

1. **first-stage retrievers**, each ``search(query, vector, n, filters) -> [(chunk, score)]``:
   :class:`DenseRetriever` (the store's vector index) and :class:`LexicalRetriever`
   (the persistent BM25 index of :mod:`rag.lexical`);
2. **fusion**: :class:`WeightedRRF`, reciprocal rank fusion with one weight per
   retriever and ``config.rrf_k``;
3. an optional **reranker** (:mod:`rag.rerank`: ``Reranker.rerank(question, passages)``,
   e.g. a local cross-encoder), over the best ``fetch_k`` fused candidates;
4. **diversity**: optional :func:`mmr` (``config.mmr_lambda`` < 1), then a per-document
   cap (:func:`diversify`, ``config.max_per_source``).

Filters (sources, title, dates, collections) apply inside every first-stage
retriever — pushed into the query, and checked again on every hit — and access
control passes its allowed collections here, so a passage a user may not read
is never retrieved at all; later parts only see what the retrievers returned.

Example:
    >>> rrf([["a", "b"], ["b", "c"]], k=60)["b"] > rrf([["a", "b"], ["b", "c"]], k=60)["a"]
    True
    >>> WeightedRRF(k=60, weights={"lexical": 0.0}).fuse({"dense": ["a"], "lexical": ["b"]})["b"]
    0.0
"""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from rag.config import Config
from rag.embed import Embedder
from rag.errors import FilterError  # also importable as rag.retrieve.FilterError
from rag.lexical import LexicalIndex
from rag.lexical import default_path as lexical_path
from rag.records import Chunk, Passage
from rag.rerank import Reranker, make_reranker
from rag.store import Store

logger = logging.getLogger(__name__)

Hit = tuple[Chunk, float]



class Filterable(Protocol):
    """What the filters read: a chunk's or a document record's source, collection, title and date."""

    @property
    def source(self) -> str: ...
    @property
    def collection(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def date(self) -> str | None: ...


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

        def as_tuple(key: str, value: Any) -> tuple[str, ...]:
            if value in (None, "", [], ()):
                return ()
            if isinstance(value, (str, os.PathLike)):
                value = [value]
            if not isinstance(value, (list, tuple, set, frozenset)) or \
                    not all(isinstance(v, (str, os.PathLike)) for v in value):
                raise FilterError(f"{key}: expected a name or a list of names, got {value!r:.60}")
            # A Path names a file as ingestion does, by its absolute path (Path("corpus/a.txt") too).
            return tuple(v if isinstance(v, str) else os.path.abspath(v) if key == "source" else os.fspath(v)
                         for v in value)

        for key in ("date_from", "date_to"):
            if data.get(key) and _date_int(str(data[key])) is None:
                raise FilterError(f"{key}: {data[key]!r} is not a valid date (use YYYY-MM-DD or YYYY)")
        collections = as_tuple("collection", data.get("collections", data.get("collection")))
        return cls(
            sources=as_tuple("source", data.get("sources", data.get("source"))),
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

    def covering(self, present: Collection[str] | None) -> "Filters":
        """These filters without a collection restriction that excludes nothing in ``present``.

        For the *query* only (a filter that excludes nothing costs a Chroma
        query hundreds of milliseconds at 100k chunks); hits are still checked
        with :meth:`matches` of the full filters, so a stale ``present`` can
        cost recall, never access.
        """
        if self.collections is None or present is None or not set(present) <= set(self.collections):
            return self
        return dataclasses.replace(self, collections=None)

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

    def matches(self, chunk: Filterable) -> bool:
        """Whether ``chunk`` passes every filter (the check every retriever applies to its hits); a
        document's record (:class:`rag.store.DocumentRecord`) is checked the same way."""
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


def rrf(rankings: Iterable[Sequence[str]], k: int = 60, weights: Sequence[float] | None = None) -> dict[str, float]:
    """Reciprocal rank fusion (Cormack et al. 2009): sum of weight / (k + rank), rank from 1.

    ``weights`` (one per ranking, default 1) scale each ranking's votes.
    """
    scores: dict[str, float] = {}
    for position, ranking in enumerate(rankings):
        weight = 1.0 if weights is None else float(weights[position])
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return scores


@dataclass(frozen=True)
class WeightedRRF:
    """Fusion of named rankings by weighted RRF (Haystack's ``DocumentJoiner`` with weights).

    A retriever without a weight counts 1; weight 0 makes its ranking add nothing.
    """

    k: int = 60
    weights: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.k <= 0:
            raise ValueError(f"rrf_k: must be > 0, got {self.k!r}")
        bad = {name: w for name, w in self.weights.items() if not w >= 0}
        if bad:
            raise ValueError(f"fusion weights must be >= 0, got {bad}")

    def weight(self, name: str) -> float:
        return float(self.weights.get(name, 1.0))

    def fuse(self, rankings: Mapping[str, Sequence[str]]) -> dict[str, float]:
        """Scores by item id from rankings by retriever name."""
        names = list(rankings)
        return rrf([rankings[n] for n in names], k=self.k, weights=[self.weight(n) for n in names])

    def ranked(self, rankings: Mapping[str, Sequence[str]]) -> list[tuple[str, float]]:
        """(item, score), best first.

        Equal scores (dense 1st + lexical 2nd against dense 2nd + lexical 1st) are ordered by the
        rankings in the order given (the dense one first), then by item id: by what the retrievers
        said, not by an id that changes with the folder a file sits in.
        """
        scores = self.fuse(rankings)
        positions = [{item: i for i, item in enumerate(ranking)} for ranking in rankings.values()]
        missing = sum(len(r) for r in rankings.values()) + 1

        def key(item: tuple[str, float]) -> tuple[float, tuple[int, ...], str]:
            return -item[1], tuple(p.get(item[0], missing) for p in positions), item[0]

        return sorted(scores.items(), key=key)


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


def mmr(ranked: Sequence[str], vectors: Mapping[str, np.ndarray], lambda_: float,
        k: int | None = None) -> list[str]:
    """Maximal marginal relevance (Carbonell & Goldstein 1998): a relevant-and-novel reordering.

    Relevance is the fused rank (1 for the best, falling linearly), novelty one
    minus the highest cosine similarity to an item already taken. ``lambda_=1``
    keeps ``ranked`` as it is; lower values favour passages unlike those
    already chosen. Items without a vector keep their place by relevance alone.

    Example:
        >>> v = {"a": np.array([1.0, 0.0]), "b": np.array([1.0, 0.0]), "c": np.array([0.0, 1.0])}
        >>> mmr(["a", "b", "c"], v, lambda_=0.5)
        ['a', 'c', 'b']
    """
    if not 0.0 <= lambda_ <= 1.0:
        raise ValueError(f"mmr_lambda: must be between 0 and 1, got {lambda_!r}")
    k = len(ranked) if k is None else min(k, len(ranked))
    if lambda_ >= 1.0 or len(ranked) <= 1:
        return list(ranked[:k])
    relevance = {item: 1.0 - i / len(ranked) for i, item in enumerate(ranked)}
    left = list(ranked)
    chosen: list[str] = []
    while left and len(chosen) < k:
        def value(item: str) -> float:
            v = vectors.get(item)
            overlap = max((float(np.dot(v, vectors[c])) for c in chosen if c in vectors), default=0.0) \
                if v is not None else 0.0
            return lambda_ * relevance[item] - (1.0 - lambda_) * overlap

        best = max(left, key=lambda item: (value(item), relevance[item]))
        chosen.append(best)
        left.remove(best)
    return chosen


# ------------------------------------------------------------------ retrievers
@runtime_checkable
class FirstStageRetriever(Protocol):
    """A retriever the hybrid fuses: ``name`` keys its fusion weight and its rank in each passage."""

    name: str

    def search(self, query: str, vector: np.ndarray, n: int, filters: Filters) -> list[Hit]:
        """The ``n`` best chunks passing ``filters``, best first, with this retriever's score."""


class DenseRetriever:
    """Nearest chunks by embedding in the store (score: cosine similarity).

    ``present_collections`` (optional) tells which collections hold chunks, so a
    collection filter that excludes nothing is left out of the store query.
    """

    name = "dense"

    def __init__(self, store: Store,
                 present_collections: Callable[[], Collection[str] | None] | None = None) -> None:
        self.store = store
        self.present_collections = present_collections

    def search(self, query: str, vector: np.ndarray, n: int, filters: Filters) -> list[Hit]:
        present = self.present_collections() if self.present_collections else None
        pushed = filters.covering(present)
        # A few more than asked: copies of a passage (an article's .txt and .html) have the same vector, and
        # at the cut the store returns either copy from one query to the next; sorted first, the cut is the
        # same every time.
        want = (n if not filters.title else n * 4) + TIE_MARGIN
        if pushed.collections is not None and not (pushed.sources or pushed.date_from or pushed.date_to):
            # Only a collection restriction left: Chroma's filtered query costs time in proportion to the
            # chunks that pass (0.6 s for 90k of 100k), so first look among the nearest few hundred
            # unfiltered; a narrow restriction that leaves too few falls through to the filtered query.
            nearest = [(c, s) for c, s in self.store.query(vector, max(4 * want, 100), None) if filters.matches(c)]
            if len(nearest) >= n:
                return sorted(nearest, key=tie_order)[:n]
        hits = self.store.query(vector, want, pushed.where())
        return sorted(((chunk, sim) for chunk, sim in hits if filters.matches(chunk)), key=tie_order)[:n]


# How many more nearest chunks the dense search asks for than it keeps (see DenseRetriever.search).
TIE_MARGIN = 8


def tie_order(hit: Hit) -> tuple[float, str, int, str]:
    """Best score first; equal scores (copies of one passage) by file name, position and id."""
    chunk, score = hit
    return -round(score, 6), Path(chunk.source).name, chunk.start, chunk.id


class LexicalRetriever:
    """The best chunks by BM25 in a :class:`rag.lexical.LexicalIndex` (score: BM25, higher is better).

    ``index`` returns the index, in step with the store; filters other than the
    title run inside its SQL.
    """

    name = "lexical"

    def __init__(self, index: Callable[[], LexicalIndex]) -> None:
        self.index = index

    def search(self, query: str, vector: np.ndarray | None, n: int, filters: Filters) -> list[Hit]:
        index = self.index()
        pushed = filters.covering(index.collections())
        # A few more than asked, sorted before the cut: ties go by file name and position, not by the order
        # the chunks happened to be written in (see DenseRetriever.search).
        hits = index.search(
            query, (n if not filters.title else n * 4) + TIE_MARGIN, sources=pushed.sources,
            collections=pushed.collections, date_from=_date_int(filters.date_from) if filters.date_from else None,
            date_to=_date_int(filters.date_to, end=True) if filters.date_to else None)
        return sorted(((chunk, score) for chunk, score in hits if filters.matches(chunk)), key=tie_order)[:n]


class HybridRetriever:
    """Dense + BM25 retrieval: weighted RRF, an optional reranker, MMR and a per-document cap.

    The parts are attributes, each replaceable: ``retrievers`` (first stage,
    default :class:`DenseRetriever` and :class:`LexicalRetriever`), ``fusion``
    (:class:`WeightedRRF` from ``config.rrf_k``, ``config.dense_weight`` and
    ``config.lexical_weight``), ``reranker`` (from ``config.reranker``, or pass
    any :class:`rag.rerank.Reranker`), then :func:`mmr` and :func:`diversify`.

    Example:
        >>> retriever = HybridRetriever(store, embedder, config)      # doctest: +SKIP
        >>> retriever.reranker = MyReranker()                         # doctest: +SKIP
        >>> retriever.retrieve("drone strikes", k=5, filters={"collection": "public"})  # doctest: +SKIP
    """

    def __init__(self, store: Store, embedder: Embedder, config: Config,
                 lexical_index: LexicalIndex | None = None, *, reranker: Reranker | None = None) -> None:
        self.store = store
        self.embedder = embedder
        self.config = config
        self._lexical = lexical_index
        self._lock = threading.Lock()
        self._question = threading.local()  # the lexical index synced for the question in progress
        self.dense_retriever = DenseRetriever(store, present_collections=self._present_collections)
        self.lexical_retriever = LexicalRetriever(self._index_for_question)
        self.retrievers: list[FirstStageRetriever] = [self.dense_retriever, self.lexical_retriever]
        self.fusion = WeightedRRF(k=config.rrf_k, weights={
            "dense": getattr(config, "dense_weight", 1.0), "lexical": getattr(config, "lexical_weight", 1.0)})
        self.reranker = reranker if reranker is not None else make_reranker(getattr(config, "reranker", None))

    # ------------------------------------------------------------ lexical
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

    def _index_for_question(self) -> LexicalIndex:
        """The index synced once for the question in progress (one generation read, not one per part)."""
        index = getattr(self._question, "index", None)
        return index if index is not None else self.lexical()

    def _present_collections(self) -> Collection[str] | None:
        try:
            return self._index_for_question().collections()
        except Exception as exc:  # the dense side must not fail because the lexical file did
            logger.warning("lexical index unavailable for collection pruning: %s", exc)
            return None

    # ------------------------------------------------------------- parts
    def dense(self, query_vector: np.ndarray, n: int, filters: Filters) -> list[Hit]:
        """The ``n`` nearest chunks passing ``filters`` (the dense part alone)."""
        return self.dense_retriever.search("", query_vector, n, filters)

    def sparse(self, query: str, n: int, filters: Filters) -> list[Hit]:
        """The ``n`` best chunks by BM25 passing ``filters`` (the lexical part alone)."""
        return self.lexical_retriever.search(query, None, n, filters)

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
        self._question.index = self.lexical()
        try:
            hits = {part.name: part.search(query, vector, n, filters) for part in self.retrievers
                    if self.fusion.weight(part.name) > 0 or len(self.retrievers) == 1}
        finally:
            self._question.index = None
        # Copies of one article (.txt, .html, .pdf) give chunks with equal scores, which the store returns in
        # an order that changes from one index build to the next: ties go by file name and position, so the
        # same library gives the same passages however it was built.
        hits = one_copy({name: sorted(found, key=tie_order) for name, found in hits.items()})
        chunks: dict[str, Chunk] = {}
        for found in hits.values():
            chunks.update((c.id, c) for c, _ in found if c.id not in chunks)
        ranks = {name: {c.id: r for r, (c, _) in enumerate(found, start=1)} for name, found in hits.items()}
        similarity = {c.id: s for c, s in hits.get("dense", [])}
        fused = self.fusion.ranked({name: [c.id for c, _ in found] for name, found in hits.items()})
        passages = [Passage(chunk=chunks[i], score=score, dense_rank=ranks.get("dense", {}).get(i),
                            lexical_rank=ranks.get("lexical", {}).get(i), similarity=similarity.get(i))
                    for i, score in fused]
        if self.reranker is not None and passages:
            passages = list(self.reranker.rerank(query, passages[:n]))
        vectors: dict[str, np.ndarray] = {}
        mmr_lambda = float(getattr(self.config, "mmr_lambda", 1.0))
        if mmr_lambda < 1.0 and len(passages) > 1:
            vectors = stored_vectors(self.store, [p.chunk.id for p in passages])
            order = mmr([p.chunk.id for p in passages], vectors, mmr_lambda)
            by_id = {p.chunk.id: p for p in passages}
            passages = [by_id[i] for i in order]
        order = [p.chunk.id for p in passages]
        by_id = {p.chunk.id: p for p in passages}
        chosen = [by_id[i] for i in diversify(order, {i: by_id[i].chunk.source for i in order}, k,
                                               self.config.max_per_source)]
        # A part must never hand on what the filters exclude; this is the last line of that defence.
        chosen = [p for p in chosen if filters.matches(p.chunk)]
        missing = [p.chunk.id for p in chosen if p.similarity is None and p.chunk.id not in vectors]
        if missing:
            # Lexical-only hits still need a similarity for the relevance gate: their stored vectors.
            vectors.update(stored_vectors(self.store, missing))
        return [p if p.similarity is not None or p.chunk.id not in vectors else
                dataclasses.replace(p, similarity=float(np.dot(vectors[p.chunk.id], vector))) for p in chosen]

    def as_langchain(self, k: int | None = None, filters: Mapping[str, Any] | None = None) -> Any:
        """This retriever as a LangChain ``BaseRetriever`` (:class:`rag.langchain_adapters.RagRetriever`)."""
        from rag.langchain_adapters import RagRetriever

        return RagRetriever.wrapping(self, k=k, filters=filters)


def one_copy(hits: Mapping[str, Sequence[Hit]]) -> dict[str, list[Hit]]:
    """Each search's ``hits`` with one copy of each identical document: the same file stored under two paths (saved
    twice, or found again in another folder) gives chunks that tie, and they would fill the passages twice over
    with the same text, count twice in the fused ranks and split one article into two documents. The copy kept
    is the one with the first path among those found, in every search alike.

    Example:
        >>> from rag.records import Chunk
        >>> a = Chunk("a", "/lib/a.txt", "", "The pier opened in 2011.", 0, 24, 0, doc_hash="h")
        >>> b = Chunk("b", "/old/a.txt", "", "The pier opened in 2011.", 0, 24, 0, doc_hash="h")
        >>> {name: [c.id for c, _ in found] for name, found in one_copy({"dense": [(a, 0.9), (b, 0.9)]}).items()}
        {'dense': ['a']}
    """
    kept: dict[str, str] = {}
    for found in hits.values():
        for chunk, _ in found:
            if chunk.doc_hash:
                kept[chunk.doc_hash] = min(kept.get(chunk.doc_hash, chunk.source), chunk.source)
    return {name: [(c, s) for c, s in found if not c.doc_hash or kept[c.doc_hash] == c.source]
            for name, found in hits.items()}


def stored_vectors(store: Store, ids: Sequence[str]) -> dict[str, np.ndarray]:
    """The stored vectors of the chunks ``ids`` (absent ids are left out), fetched by id."""
    return store.vectors(list(ids)) if ids else {}
