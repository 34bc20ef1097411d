"""The vector store: the :class:`Store` protocol and its Chroma implementation.

:class:`Store` names everything the pipeline asks of an index (ingest,
retrieval, the lexical index, the chat, the CLI and the eval go through it and
nothing else). Two implementations pass one contract suite
(``tests/rag/store_contract.py``):

- :class:`ChunkStore`: Chroma, embedded on disk or behind a ``chroma run`` server;
- :class:`rag.memory_store.InMemoryStore`: a throwaway index in memory, for unit
  tests and short-lived uses (``Assistant(store=InMemoryStore(), embedder=...)``).

The Chroma store keeps two collections per index:

- ``<name>_chunks``: one record per chunk (id = content hash, embedding,
  text, provenance metadata). Its collection metadata records the embedding
  model and chunking settings that built it; opening it with others is refused.
- ``<name>_documents``: the sync manifest, one record per source document
  (content hash, title, chunk count, ``state``). A document is marked
  ``pending`` before its chunks are written and ``complete`` after, which is
  what makes an ingest killed at any point safe to re-run.

Writers take an exclusive file lock next to an embedded index (a lease record
on a Chroma server), so a second writing process fails fast with
:class:`IndexBusyError` instead of corrupting it.

Example:
    >>> store = ChunkStore(Config(index_dir="index"))   # cheap: nothing opened yet
    >>> store.count()                                   # doctest: +SKIP
    0
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import (
    TYPE_CHECKING,
    Any,
    Protocol,
    runtime_checkable,
)
from urllib.parse import urlparse

import numpy as np

from rag.config import Config
from rag.errors import IndexBusyError, IndexMismatchError, StoreError  # also importable from here
from rag.records import Chunk, document_id

if TYPE_CHECKING:
    from rag.memory_store import InMemoryStore as InMemoryStore

_META_ID = "__index__"
_LOCK_ID = "__write_lock__"
_RESERVED_IDS = frozenset({_META_ID, _LOCK_ID})
# A Chroma server writer's lease: renewed every third of it, left to expire by a writer that died.
LEASE_SECONDS = 60.0
LEASE_SETTLE_SECONDS = 0.3
CONFIG_FILENAME = "rag-config.json"
# Chroma caps the size of one `$in` filter / one get; stay well under it.
_FETCH_SOURCES = 100
LOCK_FILENAME = ".rag-write.lock"
# Settings that decide whether vectors are comparable: a reader must match them. Chunking only
# matters to writers (one index, one chunking).
VECTOR_SETTINGS = frozenset({"embedding_model", "normalize_embeddings", "embed_vectors"})


@dataclass(frozen=True)
class DocumentRecord:
    """One source document as the index knows it."""

    source: str
    title: str
    content_hash: str
    chunks: int
    state: str = "complete"
    format: str = ""
    collection: str = "default"
    author: str | None = None
    date: str | None = None
    pages: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.source, "source": self.source, "title": self.title, "chunks": self.chunks,
                "format": self.format, "collection": self.collection, "author": self.author,
                "date": self.date, "pages": self.pages, "state": self.state}


@runtime_checkable
class Store(Protocol):
    """What the pipeline needs from an index of chunks and the manifest of their documents.

    Chunks are written with their vectors and read back as :class:`rag.records.Chunk`;
    documents are :class:`DocumentRecord`. ``where`` filters use Chroma's
    operators (``$eq $ne $gt $gte $lt $lte $in $nin $and $or``, see
    :func:`check_where`). Reading never creates an index; writes go inside
    :meth:`write_lock`. Bad input raises ``ValueError`` naming the argument.

    Example:
        >>> from rag.memory_store import InMemoryStore
        >>> store: Store = InMemoryStore()
        >>> store.exists(), store.count(), store.documents()
        (False, 0, [])
    """

    config: Config

    @property
    def location(self) -> str:
        """Where the index lives, for messages (a directory, a server URL, ``memory:NAME``)."""
        ...

    @property
    def persistent(self) -> bool:
        """Whether the index outlives the process (caches derived from it may then live on disk)."""
        ...

    def exists(self) -> bool:
        """True once the index has been created (reading never creates one)."""
        ...

    def index_id(self) -> str:
        """Identity of this incarnation of the index: it changes when :meth:`reset` drops it."""
        ...

    def close(self) -> None:
        """Release the writer lock and connections; a later call reopens them."""
        ...

    # settings guard
    def check_write_settings(self) -> None:
        """Raise :class:`IndexMismatchError` unless the index was built with this config's model and chunking."""
        ...

    def recorded_settings(self) -> dict[str, Any]:
        """The settings the index was built with ({} when there is none)."""
        ...

    def record_config(self) -> None:
        """Keep the configuration next to the index, for reproducibility (a no-op where there is no place)."""
        ...

    # locking
    def write_lock(self) -> AbstractContextManager[None]:
        """Exclusive writer lock; :class:`IndexBusyError` at once when another writer holds it."""
        ...

    def hold_write_lock(self) -> None:
        """Keep the writer lock until :meth:`release_write_lock` (a long-lived writer, e.g. the chat server).

        Embedded and in-memory indexes then refuse other writers; a Chroma server
        does not need to (it alone touches its files) and keeps taking one lease per write.
        """
        ...

    def release_write_lock(self) -> None:
        """Give back a lock taken by :meth:`hold_write_lock` (no-op when not held)."""
        ...

    # the manifest
    def documents(self, collections: Sequence[str] | None = None) -> list[DocumentRecord]:
        """Every document record sorted by source, optionally only those of ``collections``."""
        ...

    def documents_of(self, sources: Sequence[str]) -> list[DocumentRecord]:
        """The records of ``sources`` (unknown ones left out), sorted by source; no full manifest read."""
        ...

    def put_document(self, record: DocumentRecord) -> None:
        """Insert or replace one document record (keyed by its source)."""
        ...

    def put_documents(self, records: Sequence[DocumentRecord]) -> None:
        """Insert or replace document records (keyed by source)."""
        ...

    def delete_document(self, source: str) -> int:
        """Remove a document's record and chunks; returns how many chunks went (0 when unknown)."""
        ...

    # chunks
    def upsert_chunks(self, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        """Insert or replace chunks (keyed by id) with their vectors, row-aligned."""
        ...

    def delete_stale(self, sources: str | set[str], keep: set[str]) -> int:
        """Delete chunks of ``sources`` whose ids are not in ``keep``; returns how many."""
        ...

    def embeddings_by_text(self, source: str) -> dict[str, np.ndarray]:
        """A document's stored vectors keyed by chunk text hash (to skip re-embedding)."""
        ...

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors of the chunks ``ids``; absent ids are left out."""
        ...

    def chunks_of(self, sources: Sequence[str]) -> list[Chunk]:
        """Every stored chunk (no vectors) of ``sources``."""
        ...

    def openings(self, sources: Sequence[str]) -> list[Chunk]:
        """The first chunk (``start == 0``) of each of ``sources``: one read per document, not its whole text."""
        ...

    def chunks_stating(self, source: str, text: str, limit: int = 3) -> list[Chunk]:
        """Up to ``limit`` chunks of ``source`` whose text contains ``text`` (as written), in document order:
        where a document states a year, without reading all of it."""
        ...

    def all_chunks(self) -> list[Chunk]:
        """Every stored chunk."""
        ...

    def all_chunks_with_vectors(self, vectors: bool = True) -> tuple[list[Chunk], np.ndarray | None]:
        """Every chunk and (optionally) the row-aligned matrix of their vectors (None when empty)."""
        ...

    def count(self) -> int:
        """How many chunks the index holds."""
        ...

    def query(self, vector: np.ndarray, n: int, where: dict[str, Any] | None = None
              ) -> list[tuple[Chunk, float]]:
        """The ``n`` chunks nearest ``vector`` that match ``where`` (None or {}: all), with their cosine similarity,
        best first."""
        ...

    # generation and rebuild
    def generation(self) -> int:
        """A counter bumped by every write, so readers can refresh caches."""
        ...

    def bump_generation(self) -> int:
        """Count one more write; returns the new generation."""
        ...

    def reset(self) -> None:
        """Drop the whole index (``rag ingest --rebuild``)."""
        ...


_WHERE_OPERATORS = frozenset({"$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin"})
_NUMERIC_OPERATORS = frozenset({"$gt", "$gte", "$lt", "$lte"})


def _scalar_type(value: Any) -> str | None:
    """The kind of a metadata scalar as Chroma compares them (bool is not a number)."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "str"
    return None


def check_where(where: Mapping[str, Any] | None, path: str = "where") -> None:
    """Refuse a ``where`` filter that Chroma would refuse, naming the bad part.

    The grammar (Chroma's): ``{"field": value}`` (equality), ``{"field": {"$op":
    operand}}`` with exactly one operator, or ``{"$and" | "$or": [where, where, …]}``
    with at least two clauses. Values are str, int, float or bool; ``$gt``-style
    operands are numbers; ``$in``/``$nin`` take a non-empty list of one type.

    Example:
        >>> check_where({"$and": [{"source": "a.txt"}, {"date_int": {"$gte": 20200101}}]})
        >>> check_where({"source": {"$in": []}})
        Traceback (most recent call last):
        ...
        ValueError: where.source: $in needs a non-empty list of values of one type, got []
    """
    if where is None:
        return
    if not isinstance(where, Mapping) or len(where) != 1:
        raise ValueError(f"{path}: expected a mapping with exactly one field or $and/$or, got {where!r}")
    (key, value), = where.items()
    if key in ("$and", "$or"):
        if not isinstance(value, list) or len(value) < 2:
            raise ValueError(f"{path}.{key}: expected a list of at least two where clauses, got {value!r}")
        for i, clause in enumerate(value):
            check_where(clause, f"{path}.{key}[{i}]")
        return
    if not isinstance(key, str) or key.startswith("$"):
        raise ValueError(f"{path}: {key!r} is not a field name (operators: $and, $or)")
    if not isinstance(value, Mapping):
        if _scalar_type(value) is None:
            raise ValueError(f"{path}.{key}: expected a str, int, float, bool or operator expression, got {value!r}")
        return
    if len(value) != 1:
        raise ValueError(f"{path}.{key}: expected exactly one operator, got {dict(value)!r}")
    (op, operand), = value.items()
    if op not in _WHERE_OPERATORS:
        raise ValueError(f"{path}.{key}: unknown operator {op!r} (known: {', '.join(sorted(_WHERE_OPERATORS))})")
    if op in _NUMERIC_OPERATORS:
        if _scalar_type(operand) != "number":
            raise ValueError(f"{path}.{key}: {op} needs an int or a float, got {operand!r}")
    elif op in ("$in", "$nin"):
        kinds = {_scalar_type(v) for v in operand} if isinstance(operand, list) else {None}
        if not operand or len(kinds) != 1 or None in kinds:
            raise ValueError(f"{path}.{key}: {op} needs a non-empty list of values of one type, got {operand!r}")
    elif _scalar_type(operand) is None:
        raise ValueError(f"{path}.{key}: {op} needs a str, int, float or bool, got {operand!r}")


def check_settings(location: str, stored: Mapping[str, Any], wanted: Mapping[str, Any]) -> None:
    """Raise :class:`IndexMismatchError` when ``wanted`` settings differ from those an index ``stored``."""
    stored = {"embed_vectors": "fp32", **stored}  # indexes from before the setting: PyTorch vectors
    differing = {key: value for key, value in wanted.items() if key in stored and stored[key] != value}
    if not differing:
        return
    if differing.keys() & VECTOR_SETTINGS:
        why = "mixing them would make its vectors incomparable. Use another --index, or rebuild this one"
    else:
        flags = " ".join(f"--{key.replace('_', '-')} {stored[key]}" for key in differing)
        why = (f"one index has one chunking. Add to it with `{flags}` (the CLI does so by itself when "
               "no chunking is given), or rebuild it with the new chunking")
    built = ", ".join(f"{key}={stored[key]!r} (this run: {value!r})" for key, value in differing.items())
    raise IndexMismatchError(f"{location}: this index was built with {built}; {why} "
                             "with `rag ingest --rebuild`.")


def check_chunks_and_vectors(chunks: Sequence[Chunk], vectors: Any) -> np.ndarray:
    """The vectors of ``chunks`` as a float32 matrix, or a ``ValueError`` naming what is wrong."""
    matrix = np.asarray(vectors, dtype=np.float32)
    if matrix.ndim != 2 or matrix.shape[0] != len(chunks):
        raise ValueError(f"vectors: expected one row per chunk ({len(chunks)} x dimension), got shape "
                         f"{tuple(matrix.shape)}")
    if matrix.shape[1] == 0:
        raise ValueError("vectors: rows are empty (dimension 0)")
    if not np.isfinite(matrix).all():
        row = int(np.argwhere(~np.isfinite(matrix))[0][0])
        raise ValueError(f"vectors: row {row} (chunk {chunks[row].id}) holds NaN or infinity")
    seen: set[str] = set()
    for chunk in chunks:
        if not chunk.id:
            raise ValueError(f"chunks: a chunk of {chunk.source!r} has an empty id")
        if chunk.id in seen:
            raise ValueError(f"chunks: id {chunk.id} appears twice in one write")
        seen.add(chunk.id)
    return matrix


def check_query(vector: Any, n: int) -> np.ndarray:
    """A query vector as float32, or a ``ValueError`` naming ``vector`` or ``n``."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n: expected a positive number of results, got {n!r}")
    array = np.asarray(vector, dtype=np.float32)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"vector: expected one non-empty vector, got shape {tuple(array.shape)}")
    if not np.isfinite(array).all():
        raise ValueError("vector: holds NaN or infinity")
    return array


def check_records(records: Sequence[DocumentRecord]) -> None:
    """Refuse document records the manifest cannot key or read back."""
    for record in records:
        if not isinstance(record, DocumentRecord):
            raise ValueError(f"records: expected DocumentRecord, got {type(record).__name__}")
        if not record.source:
            raise ValueError("source: a document record needs a non-empty source")
        if record.state not in ("pending", "complete"):
            raise ValueError(f"state: {record.state!r} for {record.source}; expected 'pending' or 'complete'")


class StoreHelpers:
    """The :class:`Store` methods that every store writes the same way in terms of the others."""

    def put_document(self, record: DocumentRecord) -> None:
        """Insert or replace one document record (keyed by its source)."""
        self.put_documents([record])

    def put_documents(self, records: Sequence[DocumentRecord]) -> None:
        raise NotImplementedError

    def all_chunks(self) -> list[Chunk]:
        """Every stored chunk (no vectors)."""
        return self.all_chunks_with_vectors(vectors=False)[0]

    def all_chunks_with_vectors(self, vectors: bool = True) -> tuple[list[Chunk], np.ndarray | None]:
        raise NotImplementedError


def dimension_error(field: str, location: str, given: int, detail: str) -> ValueError:
    """The error for vectors whose dimension differs from the index's."""
    return ValueError(f"{field}: dimension {given} does not match the vectors already in {location} ({detail})")


def _is_dimension_error(exc: Exception) -> bool:
    return "dimension" in str(exc).lower()


def _stored_chunks(got: Mapping[str, Any]) -> list[Chunk]:
    """The chunks of a Chroma ``get`` that included documents and metadatas."""
    return [Chunk.from_store(chunk_id, text or "", meta or {})
            for chunk_id, text, meta in zip(got["ids"], got["documents"], got["metadatas"])]


class ChunkStore(StoreHelpers):
    """Chroma behind the :class:`Store` protocol (embedded on disk, or a ``chroma run`` server)."""

    persistent = True

    def __init__(self, config: Config) -> None:
        self.config = config
        self._client: Any = None
        self._chunks: Any = None
        self._docs: Any = None
        self._lock = threading.RLock()
        self._held: Any = None
        # Not self._lock: a write's helper threads open collections under that one.
        self._writers = threading.Lock()

    # ------------------------------------------------------------ connection
    @property
    def location(self) -> str:
        return self.config.chroma_url or str(Path(self.config.index_dir))

    def close(self) -> None:
        """Release the writer lock and drop the connection; the next call opens it again.

        Chroma keeps one embedded system per path and process, so a store
        opened again on the same directory reads what this one wrote.
        """
        self.release_write_lock()
        with self._lock:
            self._client = self._chunks = self._docs = None

    def index_id(self) -> str:
        """The chunk collection's id: a rebuild (:meth:`reset`) makes a new one ("" when no index)."""
        return str(self.chunks.id) if self.exists() else ""

    @property
    def client(self) -> Any:
        if self._client is None:
            import chromadb
            from chromadb.config import Settings

            settings = Settings(anonymized_telemetry=False, allow_reset=False)
            if self.config.chroma_url:
                url = urlparse(self.config.chroma_url)
                try:
                    self._client = chromadb.HttpClient(
                        host=url.hostname or "localhost", port=url.port or (443 if url.scheme == "https" else 8000),
                        ssl=url.scheme == "https", settings=settings)
                    self._client.heartbeat()
                except Exception as exc:
                    raise StoreError(f"{self.config.chroma_url}: cannot reach the Chroma server "
                                     f"({type(exc).__name__}: {exc}); is `chroma run` started?") from None
            else:
                path = Path(self.config.index_dir)
                if path.exists() and not path.is_dir():
                    raise StoreError(f"{path}: exists and is not a directory; choose another --index")
                path.mkdir(parents=True, exist_ok=True)
                self._client = chromadb.PersistentClient(path=str(path), settings=settings)
        return self._client

    def _collections(self, create: bool) -> tuple[Any, Any] | None:
        with self._lock:
            if self._chunks is None:
                name = self.config.collection_name
                settings = self.config.index_settings()
                if create:
                    chunks = self.client.get_or_create_collection(
                        f"{name}_chunks", embedding_function=None,
                        metadata={"hnsw:space": "cosine", **settings})
                    docs = self.client.get_or_create_collection(
                        f"{name}_documents", embedding_function=None, metadata={"hnsw:space": "cosine"})
                else:
                    client = self.client  # connection errors must surface, not read as "no index"
                    try:
                        chunks = client.get_collection(f"{name}_chunks", embedding_function=None)
                        docs = client.get_collection(f"{name}_documents", embedding_function=None)
                    except Exception:
                        return None
                # Reading needs comparable vectors only; chunking is checked by writers.
                self._check_settings(chunks.metadata or {},
                                     {k: v for k, v in settings.items() if k in VECTOR_SETTINGS})
                self._chunks, self._docs = chunks, docs
            return self._chunks, self._docs

    def _check_settings(self, stored: dict[str, Any], wanted: dict[str, Any]) -> None:
        check_settings(self.location, stored, wanted)

    def check_write_settings(self) -> None:
        """Refuse to add chunks made with other settings than the index's (model and chunking)."""
        self._check_settings(self.chunks.metadata or {}, self.config.index_settings())

    def recorded_settings(self) -> dict[str, Any]:
        """The settings the existing index was built with ({} when there is no index yet)."""
        if not self.exists():
            return {}
        meta = self.chunks.metadata or {}
        return {key: meta[key] for key in self.config.index_settings() if key in meta}

    @property
    def chunks(self) -> Any:
        return self._collections(create=True)[0]  # type: ignore[index]

    @property
    def docs(self) -> Any:
        return self._collections(create=True)[1]  # type: ignore[index]

    def exists(self) -> bool:
        """True when the index has been created (reading never creates one)."""
        if not self.config.chroma_url and not (Path(self.config.index_dir) / "chroma.sqlite3").exists():
            return False
        return self._collections(create=False) is not None

    # ---------------------------------------------------------------- locking
    @contextmanager
    def write_lock(self) -> Iterator[None]:
        """Exclusive writer lock; raises :class:`IndexBusyError` at once if held elsewhere."""
        if self.config.chroma_url:
            with self._server_lease():
                yield
            return
        if self._held is not None:  # a long-lived writer (the chat server) already holds it
            with self._writers:  # one write at a time within the process
                yield
            return
        lock = self._acquire_file_lock()
        try:
            yield
        finally:
            lock.release()

    def _acquire_file_lock(self) -> Any:
        from filelock import FileLock, Timeout

        directory = Path(self.config.index_dir)
        directory.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(directory / LOCK_FILENAME), timeout=0)
        owner_file = directory / (LOCK_FILENAME + ".pid")
        try:
            lock.acquire()
        except Timeout:
            owner = owner_file.read_text().strip() if owner_file.exists() else "unknown"
            raise IndexBusyError(
                f"{directory}: index is busy: another process (pid {owner}) is writing to it or serving "
                "it. Wait for it to finish (or add files through the chat's Documents tab), or use "
                "another --index.") from None
        owner_file.write_text(str(os.getpid()))
        return lock

    def hold_write_lock(self) -> None:
        """Keep the writer lock until :meth:`release_write_lock` (the chat server does, for its life).

        Chroma is not process-safe: another process writing to an embedded index
        behind a running server's back leaves the server's client stale ("Error
        finding id" on every query). Holding the lock turns that into an
        "index is busy" error for the other writer; the server's own writes
        (uploads, removals) go through this store. A Chroma server needs none of
        this: it is the only process touching its files.
        """
        if self.config.chroma_url or self._held is not None:
            return
        self._held = self._acquire_file_lock()

    def release_write_lock(self) -> None:
        if self._held is not None:
            self._held.release()
            self._held = None

    @contextmanager
    def _server_lease(self) -> Iterator[None]:
        """The writer lock on a Chroma server: a lease record other writers can see.

        Chroma has no compare-and-swap, so a claim is written, then read back
        after a pause: of two processes claiming at the same moment the one
        whose write landed last keeps the lease and the other gets
        :class:`IndexBusyError`. The lease is renewed while the writer works
        and expires ``LEASE_SECONDS`` after a writer that died (kill -9).
        """
        import socket
        import time
        import uuid

        docs = self.docs
        me = {"owner": uuid.uuid4().hex, "host": socket.gethostname(), "pid": os.getpid()}

        def holder() -> dict[str, Any] | None:
            got = docs.get(ids=[_LOCK_ID], include=["metadatas"])
            return (got["metadatas"][0] or {}) if got["ids"] else None

        def claim() -> None:
            docs.upsert(ids=[_LOCK_ID], embeddings=[[1.0]], documents=[_LOCK_ID],
                        metadatas=[{**me, "expires": time.time() + LEASE_SECONDS}])

        def busy(other: dict[str, Any]) -> IndexBusyError:
            left = max(0.0, float(other.get("expires", 0)) - time.time())
            return IndexBusyError(
                f"{self.location}: index is busy: another process (pid {other.get('pid', '?')} on "
                f"{other.get('host', '?')}) is writing to it. Wait for it to finish (if it died, its lease "
                f"ends in {left:.0f} s), or use another collection.")

        current = holder()
        if current and current.get("owner") != me["owner"] and float(current.get("expires", 0)) > time.time():
            raise busy(current)
        claim()
        time.sleep(LEASE_SETTLE_SECONDS)  # a simultaneous claim lands in this pause
        current = holder()
        if not current or current.get("owner") != me["owner"]:
            raise busy(current or {})
        stop = threading.Event()

        def renew() -> None:
            while not stop.wait(LEASE_SECONDS / 3):
                try:
                    claim()
                except Exception:  # the server is away; the writer's own calls will say so
                    pass

        renewer = threading.Thread(target=renew, name="rag-lease-renewer", daemon=True)
        renewer.start()
        try:
            yield
        finally:
            stop.set()
            renewer.join()
            try:
                current = holder()
                if current and current.get("owner") == me["owner"]:
                    docs.delete(ids=[_LOCK_ID])
            except Exception:  # the lease then simply expires
                pass

    # ---------------------------------------------------------------- records
    def record_config(self) -> None:
        """Write the configuration next to an embedded index, for reproducibility."""
        if not self.config.chroma_url:
            self.config.write_json(Path(self.config.index_dir) / CONFIG_FILENAME)

    def documents(self, collections: Sequence[str] | None = None) -> list[DocumentRecord]:
        """Every document record sorted by source, optionally only those of ``collections``."""
        if not self.exists():
            return []
        got = self.docs.get(include=["metadatas"])
        return self._records(zip(got["ids"], got["metadatas"]), collections)

    def documents_of(self, sources: Sequence[str]) -> list[DocumentRecord]:
        """The records of ``sources`` (unknown ones left out), sorted by source; read by id."""
        if not sources or not self.exists():
            return []
        pairs: list[tuple[str, Any]] = []
        wanted = sorted(set(sources))
        for i in range(0, len(wanted), _FETCH_SOURCES):  # Chroma caps the size of one get
            got = self.docs.get(ids=[document_id(s) for s in wanted[i:i + _FETCH_SOURCES]], include=["metadatas"])
            pairs.extend(zip(got["ids"], got["metadatas"]))
        asked = set(wanted)
        return [r for r in self._records(pairs, None) if r.source in asked]

    @staticmethod
    def _records(pairs: Iterable[tuple[str, Any]], collections: Sequence[str] | None) -> list[DocumentRecord]:
        records = []
        for doc_id, meta in pairs:
            if doc_id in _RESERVED_IDS or meta is None:
                continue
            record = DocumentRecord(
                source=meta["source"], title=meta.get("title", ""), content_hash=meta.get("content_hash", ""),
                chunks=int(meta.get("chunks", 0)), state=meta.get("state", "complete"),
                format=meta.get("format", ""), collection=meta.get("collection", "default"),
                author=meta.get("author"), date=meta.get("date"), pages=int(meta.get("pages", 0)))
            if collections is None or record.collection in collections:
                records.append(record)
        return sorted(records, key=lambda r: r.source)

    def put_documents(self, records: Sequence[DocumentRecord]) -> None:
        check_records(records)
        if not records:
            return
        metas = [{k: v for k, v in {
            "source": r.source, "title": r.title, "content_hash": r.content_hash,
            "chunks": r.chunks, "state": r.state, "format": r.format,
            "collection": r.collection, "author": r.author, "date": r.date,
            "pages": r.pages}.items() if v is not None} for r in records]
        self.docs.upsert(ids=[document_id(r.source) for r in records], embeddings=[[1.0]] * len(records),
                         metadatas=metas, documents=[r.source for r in records])

    def delete_document(self, source: str) -> int:
        """Remove a document and its chunks; returns how many chunks went."""
        if not self.exists():  # nothing to remove, and removing must not create an index
            return 0
        ids = self.chunks.get(where={"source": source}, include=[])["ids"]
        if ids:
            self.chunks.delete(ids=ids)
        self.docs.delete(ids=[document_id(source)])
        return len(ids)

    def embeddings_by_text(self, source: str) -> dict[str, np.ndarray]:
        """Existing vectors of a document, keyed by chunk text hash (to skip re-embedding)."""
        if not self.exists():
            return {}
        got = self.chunks.get(where={"source": source}, include=["metadatas", "embeddings"])
        out: dict[str, np.ndarray] = {}
        embeddings = got.get("embeddings")
        if embeddings is None:
            return out
        for meta, vector in zip(got["metadatas"], embeddings):
            if meta and meta.get("text_hash"):
                out[meta["text_hash"]] = np.asarray(vector, dtype=np.float32)
        return out

    def upsert_chunks(self, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        if not chunks:
            return
        matrix = check_chunks_and_vectors(chunks, vectors)
        # Chroma caps one call's batch size; stay well under it.
        step = 1000
        for i in range(0, len(chunks), step):
            part = chunks[i:i + step]
            try:
                self.chunks.upsert(
                    ids=[c.id for c in part], embeddings=matrix[i:i + step],
                    documents=[c.text for c in part], metadatas=[c.metadata() for c in part])
            except Exception as exc:
                if _is_dimension_error(exc):
                    raise dimension_error("vectors", self.location, matrix.shape[1], str(exc)) from None
                raise

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors of the chunks ``ids``; absent ids are left out."""
        if not ids or not self.exists():
            return {}
        out: dict[str, np.ndarray] = {}
        wanted = list(dict.fromkeys(ids))
        for i in range(0, len(wanted), 1000):
            got = self.chunks.get(ids=wanted[i:i + 1000], include=["embeddings"])
            embeddings = got.get("embeddings")
            if embeddings is not None:
                out.update((c, np.asarray(v, dtype=np.float32)) for c, v in zip(got["ids"], embeddings))
        return out

    def chunks_of(self, sources: Sequence[str]) -> list[Chunk]:
        """Every stored chunk (text and metadata, no vectors) of ``sources``."""
        return self._chunks_of(sources)

    def openings(self, sources: Sequence[str]) -> list[Chunk]:
        """The first chunk of each of ``sources`` (a 500-page PDF's opening without listing its chunks)."""
        return self._chunks_of(sources, {"start": 0})

    def _chunks_of(self, sources: Sequence[str], also: dict[str, Any] | None = None) -> list[Chunk]:
        """The stored chunks of ``sources`` (a few sources per read) that also match the ``also`` clause."""
        if not sources or not self.exists():
            return []
        wanted = sorted(set(sources))
        out: list[Chunk] = []
        for i in range(0, len(wanted), _FETCH_SOURCES):
            part = wanted[i:i + _FETCH_SOURCES]
            where: dict[str, Any] = {"source": part[0]} if len(part) == 1 else {"source": {"$in": part}}
            out.extend(_stored_chunks(self.chunks.get(where={"$and": [where, also]} if also else where,
                                                      include=["documents", "metadatas"])))
        return out

    def chunks_stating(self, source: str, text: str, limit: int = 3) -> list[Chunk]:
        if not text or limit < 1 or not self.exists():
            return []
        # Chroma applies a limit in its storage order, not the document's: the positions of every match
        # first (metadata only), then the text of the first ``limit`` of them.
        hits = self.chunks.get(where={"source": source}, where_document={"$contains": text}, include=["metadatas"])
        first = sorted(zip(hits["ids"], hits["metadatas"]), key=lambda h: int((h[1] or {}).get("start", 0)))[:limit]
        if not first:
            return []
        found = _stored_chunks(self.chunks.get(ids=[i for i, _ in first], include=["documents", "metadatas"]))
        return sorted(found, key=lambda c: c.start)

    def delete_stale(self, sources: str | set[str], keep: set[str]) -> int:
        """Delete chunks of ``sources`` whose ids are not in ``keep``; heals half-finished writes."""
        sources = {sources} if isinstance(sources, str) else sources
        if not sources or not self.exists():
            return 0
        where = {"source": next(iter(sources))} if len(sources) == 1 else {"source": {"$in": sorted(sources)}}
        ids = self.chunks.get(where=where, include=[])["ids"]
        stale = [i for i in ids if i not in keep]
        if stale:
            self.chunks.delete(ids=stale)
        return len(stale)

    # ----------------------------------------------------------- generation
    def generation(self) -> int:
        """A counter bumped by every write, so readers can refresh caches (BM25)."""
        if not self.exists():
            return 0
        got = self.docs.get(ids=[_META_ID], include=["metadatas"])
        if not got["ids"]:
            return 0
        return int((got["metadatas"][0] or {}).get("generation", 0))

    def bump_generation(self) -> int:
        value = self.generation() + 1
        self.docs.upsert(ids=[_META_ID], embeddings=[[1.0]], metadatas=[{"generation": value}],
                         documents=[_META_ID])
        return value

    # ---------------------------------------------------------------- reading
    def count(self) -> int:
        return self.chunks.count() if self.exists() else 0

    def all_chunks_with_vectors(self, vectors: bool = True) -> tuple[list[Chunk], np.ndarray | None]:
        """Every chunk (and optionally the matrix of their vectors, row-aligned)."""
        if not self.exists():
            return [], None
        include = ["documents", "metadatas", "embeddings"] if vectors else ["documents", "metadatas"]
        got = self.chunks.get(include=include)
        chunks = [Chunk.from_store(i, d, m) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"])]
        matrix = None
        if vectors and got.get("embeddings") is not None and len(chunks):
            matrix = np.asarray(got["embeddings"], dtype=np.float32)
        return chunks, matrix

    def query(self, vector: np.ndarray, n: int, where: dict[str, Any] | None = None
              ) -> list[tuple[Chunk, float]]:
        """Nearest chunks with their cosine similarity."""
        array = check_query(vector, n)
        check_where(where or None)
        if not self.exists():
            return []
        try:
            got = self.chunks.query(query_embeddings=[array], n_results=n,
                                    where=where or None, include=["documents", "metadatas", "distances"])
        except Exception as exc:
            if _is_dimension_error(exc):
                raise dimension_error("vector", self.location, array.size, str(exc)) from None
            # Older Chroma versions refuse n_results above the collection size.
            total = self.chunks.count()
            if total == 0:
                return []
            got = self.chunks.query(query_embeddings=[array],
                                    n_results=min(n, total), where=where or None,
                                    include=["documents", "metadatas", "distances"])
        return [(Chunk.from_store(i, d, m), 1.0 - float(dist))
                for i, d, m, dist in zip(got["ids"][0], got["documents"][0], got["metadatas"][0],
                                         got["distances"][0])]

    def reset(self) -> None:
        """Drop both collections (``rag ingest --rebuild``)."""
        name = self.config.collection_name
        for suffix in ("_chunks", "_documents"):
            try:
                self.client.delete_collection(f"{name}{suffix}")
            except Exception:  # absent already
                pass
        self._chunks = self._docs = None


def read_index_config(index_dir: str | Path) -> dict[str, Any] | None:
    path = Path(index_dir) / CONFIG_FILENAME
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def __getattr__(name: str) -> Any:
    # ``from rag.store import InMemoryStore`` works; it is defined in rag.memory_store, which imports
    # this module (a plain import here would fail when rag.memory_store is imported first).
    if name == "InMemoryStore":
        from rag.memory_store import InMemoryStore

        return InMemoryStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
