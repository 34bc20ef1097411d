"""An index in memory behind the :class:`rag.store.Store` protocol: for unit tests and throwaway indexes.

Everything the Chroma store does, without a disk or a server: chunks with
their vectors, the document manifest, exact cosine search with Chroma's
``where`` filters (same operators, same treatment of missing fields), the
settings guard, the writer lock and the generation counter. It passes the same
contract suite as Chroma (``tests/rag/store_contract.py``).

Stores opened with the same ``index`` name share one index for the life of the
process (as Haystack's ``InMemoryDocumentStore(index=...)`` does); without a
name each store is its own index.

Example:
    >>> import numpy as np
    >>> from rag.records import Chunk
    >>> store = InMemoryStore()
    >>> chunk = Chunk(id="c1", source="a.txt", title="A", text="Drones hit the port.", start=0, end=20, index=0)
    >>> with store.write_lock():
    ...     store.upsert_chunks([chunk], np.array([[1.0, 0.0]]))
    >>> [(c.id, round(s, 2)) for c, s in store.query(np.array([1.0, 0.0]), 5, where={"source": "a.txt"})]
    [('c1', 1.0)]

With the assistant (``FakeEmbedder`` from :mod:`rag.testing`)::

    assistant = Assistant(store=InMemoryStore(), embedder=FakeEmbedder())
    assistant.ingest(["corpus/sample"])
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rag.config import Config
from rag.records import Chunk
from rag.store import (
    VECTOR_SETTINGS,
    DocumentRecord,
    IndexBusyError,
    StoreHelpers,
    _scalar_type,
    check_chunks_and_vectors,
    check_query,
    check_records,
    check_settings,
    check_where,
    dimension_error,
)

logger = logging.getLogger(__name__)


def where_matches(meta: Mapping[str, Any], where: Mapping[str, Any] | None) -> bool:
    """Whether chunk metadata ``meta`` passes a ``where`` filter, as Chroma decides it.

    A field missing from ``meta`` fails ``$eq``, ``$in`` and the comparisons and
    passes ``$ne`` and ``$nin``; a bool never equals a number; comparisons only
    hold between numbers. ``where`` must be valid (:func:`rag.store.check_where`).

    Example:
        >>> where_matches({"source": "a", "date_int": 20240101}, {"date_int": {"$gte": 20230101}})
        True
        >>> where_matches({"source": "a"}, {"author": {"$ne": "X"}})
        True
    """
    if where is None:
        return True
    (key, value), = where.items()
    if key == "$and":
        return all(where_matches(meta, clause) for clause in value)
    if key == "$or":
        return any(where_matches(meta, clause) for clause in value)
    op, operand = next(iter(value.items())) if isinstance(value, Mapping) else ("$eq", value)
    present = key in meta
    actual = meta.get(key)
    if op == "$eq":
        return present and _equal(actual, operand)
    if op == "$ne":
        return not (present and _equal(actual, operand))
    if op == "$in":
        return present and any(_equal(actual, o) for o in operand)
    if op == "$nin":
        return not (present and any(_equal(actual, o) for o in operand))
    if not present or _scalar_type(actual) != "number":
        return False
    if op == "$gt":
        return bool(actual > operand)
    if op == "$gte":
        return bool(actual >= operand)
    if op == "$lt":
        return bool(actual < operand)
    return bool(actual <= operand)  # $lte


def _equal(actual: Any, expected: Any) -> bool:
    return _scalar_type(actual) == _scalar_type(expected) and actual == expected


@dataclass
class _Entry:
    text: str
    meta: dict[str, Any]
    vector: np.ndarray


@dataclass
class _Index:
    """The data one or more :class:`InMemoryStore` objects share."""

    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    settings: dict[str, Any] | None = None  # None: not created yet
    chunks: dict[str, _Entry] = field(default_factory=dict)
    docs: dict[str, DocumentRecord] = field(default_factory=dict)
    generation: int = 0
    dimension: int | None = None
    lock: threading.RLock = field(default_factory=threading.RLock)
    writer: threading.Lock = field(default_factory=threading.Lock)  # the one write slot, like the file lock

    def clear(self) -> None:
        self.id = uuid.uuid4().hex
        self.settings = None
        self.chunks = {}
        self.docs = {}
        self.generation = 0
        self.dimension = None


_NAMED: dict[str, _Index] = {}
_NAMED_LOCK = threading.Lock()


class InMemoryStore(StoreHelpers):
    """The :class:`rag.store.Store` protocol in memory (see the module docstring).

    ``config`` supplies the settings an index records (embedding model,
    chunking); ``index`` names an index shared by every store opened with that
    name in this process (default: a private one).
    """

    persistent = False

    def __init__(self, config: Config | None = None, *, index: str | None = None) -> None:
        self.config = config if config is not None else Config()
        if index is None:
            self._index = _Index()
        else:
            if not isinstance(index, str) or not index:
                raise ValueError(f"index: expected a non-empty name, got {index!r}")
            with _NAMED_LOCK:
                self._index = _NAMED.setdefault(index, _Index())
        self.name = index
        self._held = False
        self._writers = threading.Lock()  # one write at a time within a store that holds the lock

    def __repr__(self) -> str:
        return f"InMemoryStore({self.location!r}, chunks={len(self._index.chunks)})"

    # ------------------------------------------------------------ connection
    @property
    def location(self) -> str:
        return f"memory:{self.name or self._index.id[:12]}"

    def exists(self) -> bool:
        with self._index.lock:
            return self._readable()

    def index_id(self) -> str:
        with self._index.lock:
            return self._index.id if self._readable() else ""

    def close(self) -> None:
        """Release the writer lock; the data stays (named indexes: for other stores too)."""
        self.release_write_lock()

    def _readable(self) -> bool:
        """True when the index exists; refuses one built with another embedding model (like Chroma's)."""
        stored = self._index.settings
        if stored is None:
            return False
        check_settings(self.location, stored,
                       {k: v for k, v in self.config.index_settings().items() if k in VECTOR_SETTINGS})
        return True

    def _create(self) -> None:
        if not self._readable():
            self._index.settings = dict(self.config.index_settings())

    # ---------------------------------------------------------------- settings
    def check_write_settings(self) -> None:
        with self._index.lock:
            self._create()
            check_settings(self.location, self._index.settings or {}, self.config.index_settings())

    def recorded_settings(self) -> dict[str, Any]:
        with self._index.lock:
            if not self._readable():
                return {}
            stored = self._index.settings or {}
            return {key: stored[key] for key in self.config.index_settings() if key in stored}

    def record_config(self) -> None:
        """Nothing to write: an index in memory has no place for a config file."""

    # ---------------------------------------------------------------- locking
    @contextmanager
    def write_lock(self) -> Iterator[None]:
        if self._held:
            with self._writers:
                yield
            return
        self._acquire()
        try:
            yield
        finally:
            self._index.writer.release()

    def _acquire(self) -> None:
        if not self._index.writer.acquire(blocking=False):
            raise IndexBusyError(f"{self.location}: index is busy: another writer in this process holds it. "
                                 "Wait for it to finish, or use another index.")

    def hold_write_lock(self) -> None:
        if not self._held:
            self._acquire()
            self._held = True

    def release_write_lock(self) -> None:
        if self._held:
            self._held = False
            self._index.writer.release()

    # ------------------------------------------------------------- manifest
    def documents(self, collections: Sequence[str] | None = None) -> list[DocumentRecord]:
        with self._index.lock:
            if not self._readable():
                return []
            records = list(self._index.docs.values())
        if collections is not None:
            records = [r for r in records if r.collection in collections]
        return sorted(records, key=lambda r: r.source)

    def documents_of(self, sources: Sequence[str]) -> list[DocumentRecord]:
        with self._index.lock:
            if not self._readable():
                return []
            records = [self._index.docs[s] for s in set(sources) if s in self._index.docs]
        return sorted(records, key=lambda r: r.source)

    def put_documents(self, records: Sequence[DocumentRecord]) -> None:
        check_records(records)
        if not records:
            return
        with self._index.lock:
            self._create()
            for record in records:
                self._index.docs[record.source] = record

    def delete_document(self, source: str) -> int:
        with self._index.lock:
            if not self._readable():
                return 0
            ids = [i for i, e in self._index.chunks.items() if e.meta.get("source") == source]
            for chunk_id in ids:
                del self._index.chunks[chunk_id]
            self._index.docs.pop(source, None)
            return len(ids)

    # ---------------------------------------------------------------- chunks
    def upsert_chunks(self, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        if not chunks:
            return
        matrix = check_chunks_and_vectors(chunks, vectors)
        with self._index.lock:
            self._create()
            dimension = self._index.dimension
            if dimension is not None and matrix.shape[1] != dimension:
                raise dimension_error("vectors", self.location, matrix.shape[1],
                                      f"the index holds {dimension}-dimensional vectors")
            self._index.dimension = matrix.shape[1]
            for chunk, row in zip(chunks, matrix):
                self._index.chunks[chunk.id] = _Entry(chunk.text, chunk.metadata(), row.copy())

    def delete_stale(self, sources: str | set[str], keep: set[str]) -> int:
        sources = {sources} if isinstance(sources, str) else sources
        with self._index.lock:
            if not sources or not self._readable():
                return 0
            stale = [i for i, e in self._index.chunks.items() if e.meta.get("source") in sources and i not in keep]
            for chunk_id in stale:
                del self._index.chunks[chunk_id]
            return len(stale)

    def embeddings_by_text(self, source: str) -> dict[str, np.ndarray]:
        with self._index.lock:
            if not self._readable():
                return {}
            return {e.meta["text_hash"]: e.vector.copy() for e in self._index.chunks.values()
                    if e.meta.get("source") == source and e.meta.get("text_hash")}

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        with self._index.lock:
            if not self._readable():
                return {}
            return {i: self._index.chunks[i].vector.copy() for i in ids if i in self._index.chunks}

    def chunks_of(self, sources: Sequence[str]) -> list[Chunk]:
        wanted = set(sources)
        with self._index.lock:
            if not wanted or not self._readable():
                return []
            return [Chunk.from_store(i, e.text, dict(e.meta)) for i, e in self._index.chunks.items()
                    if e.meta.get("source") in wanted]

    def openings(self, sources: Sequence[str]) -> list[Chunk]:
        return [c for c in self.chunks_of(sources) if c.start == 0]

    def chunks_stating(self, source: str, text: str, limit: int = 3) -> list[Chunk]:
        if not text or limit < 1:
            return []
        return sorted((c for c in self.chunks_of([source]) if text in c.text), key=lambda c: c.start)[:limit]

    def all_chunks_with_vectors(self, vectors: bool = True) -> tuple[list[Chunk], np.ndarray | None]:
        with self._index.lock:
            if not self._readable():
                return [], None
            entries = list(self._index.chunks.items())
        chunks = [Chunk.from_store(i, e.text, dict(e.meta)) for i, e in entries]
        matrix = np.vstack([e.vector for _, e in entries]) if vectors and entries else None
        return chunks, matrix

    def count(self) -> int:
        with self._index.lock:
            return len(self._index.chunks) if self._readable() else 0

    def query(self, vector: np.ndarray, n: int, where: dict[str, Any] | None = None
              ) -> list[tuple[Chunk, float]]:
        """Exact cosine search: the ``n`` most similar chunks passing ``where``, best first."""
        array = check_query(vector, n)
        check_where(where or None)
        with self._index.lock:
            if not self._readable():
                return []
            dimension = self._index.dimension
            if dimension is not None and array.size != dimension:
                raise dimension_error("vector", self.location, array.size,
                                      f"the index holds {dimension}-dimensional vectors")
            entries = [(i, e) for i, e in self._index.chunks.items() if where_matches(e.meta, where or None)]
        if not entries:
            return []
        matrix = np.vstack([e.vector for _, e in entries])
        norms = np.linalg.norm(matrix, axis=1) * (float(np.linalg.norm(array)) or 1.0)
        similarity = (matrix @ array) / np.where(norms == 0, 1.0, norms)
        order = sorted(range(len(entries)), key=lambda row: (-float(similarity[row]), entries[row][0]))[:n]
        return [(Chunk.from_store(entries[row][0], entries[row][1].text, dict(entries[row][1].meta)),
                 float(similarity[row])) for row in order]

    # ------------------------------------------------------------ generation
    def generation(self) -> int:
        with self._index.lock:
            return self._index.generation if self._readable() else 0

    def bump_generation(self) -> int:
        with self._index.lock:
            self._create()
            self._index.generation += 1
            return self._index.generation

    def reset(self) -> None:
        """Drop everything (a new :meth:`index_id`); the next write creates the index again."""
        with self._index.lock:
            self._index.clear()
