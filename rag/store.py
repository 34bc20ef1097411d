"""The vector store: Chroma, embedded on disk or behind a ``chroma run`` server.

Two collections per index:

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
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence
from urllib.parse import urlparse

import numpy as np

from rag.config import Config
from rag.errors import IndexBusyError, IndexMismatchError, StoreError  # also importable from here
from rag.records import Chunk, sha256_hex

_META_ID = "__index__"
_LOCK_ID = "__write_lock__"
_RESERVED_IDS = frozenset({_META_ID, _LOCK_ID})
# A Chroma server writer's lease: renewed every third of it, left to expire by a writer that died.
LEASE_SECONDS = 60.0
LEASE_SETTLE_SECONDS = 0.3
CONFIG_FILENAME = "rag-config.json"
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


def _doc_id(source: str) -> str:
    return sha256_hex(source)[:32]


class ChunkStore:
    """Chroma behind the small interface the pipeline needs."""

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
        raise IndexMismatchError(f"{self.location}: this index was built with {built}; {why} "
                                 "with `rag ingest --rebuild`.")

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
        if not self.exists():
            return []
        got = self.docs.get(include=["metadatas"])
        records = []
        for doc_id, meta in zip(got["ids"], got["metadatas"]):
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

    def put_document(self, record: DocumentRecord) -> None:
        self.put_documents([record])

    def put_documents(self, records: Sequence[DocumentRecord]) -> None:
        if not records:
            return
        metas = [{k: v for k, v in {
            "source": r.source, "title": r.title, "content_hash": r.content_hash,
            "chunks": r.chunks, "state": r.state, "format": r.format,
            "collection": r.collection, "author": r.author, "date": r.date,
            "pages": r.pages}.items() if v is not None} for r in records]
        self.docs.upsert(ids=[_doc_id(r.source) for r in records], embeddings=[[1.0]] * len(records),
                         metadatas=metas, documents=[r.source for r in records])

    def delete_document(self, source: str) -> int:
        """Remove a document and its chunks; returns how many chunks went."""
        ids = self.chunks.get(where={"source": source}, include=[])["ids"]
        if ids:
            self.chunks.delete(ids=ids)
        self.docs.delete(ids=[_doc_id(source)])
        return len(ids)

    def embeddings_by_text(self, source: str) -> dict[str, np.ndarray]:
        """Existing vectors of a document, keyed by chunk text hash (to skip re-embedding)."""
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
        # Chroma caps one call's batch size; stay well under it.
        step = 1000
        for i in range(0, len(chunks), step):
            part = chunks[i:i + step]
            self.chunks.upsert(
                ids=[c.id for c in part], embeddings=vectors[i:i + step],
                documents=[c.text for c in part], metadatas=[c.metadata() for c in part])

    def delete_stale(self, sources: str | set[str], keep: set[str]) -> int:
        """Delete chunks of ``sources`` whose ids are not in ``keep``; heals half-finished writes."""
        sources = {sources} if isinstance(sources, str) else sources
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

    def all_chunks(self) -> list[Chunk]:
        return self.all_chunks_with_vectors(vectors=False)[0]

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
        if not self.exists():
            return []
        try:
            got = self.chunks.query(query_embeddings=[np.asarray(vector, dtype=np.float32)], n_results=n,
                                    where=where or None, include=["documents", "metadatas", "distances"])
        except Exception:
            # Older Chroma versions refuse n_results above the collection size.
            total = self.chunks.count()
            if total == 0:
                return []
            got = self.chunks.query(query_embeddings=[np.asarray(vector, dtype=np.float32)],
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
