"""Sync a folder (or files) of articles into the index.

``ingest`` makes the index match the files: unchanged files (same content
hash) cost nothing; a changed file's chunks are replaced (unchanged chunk
texts keep their vectors); files that left the given folders leave the index
(``prune``, on by default and scoped to the folders named in this run). A
file that fails to load is reported with its reason and the previous version,
if any, stays in the index.

Example:
    >>> report = ingest(["corpus/sample"], ChunkStore(cfg), embedder, cfg)   # doctest: +SKIP
    >>> report.to_dict()["failed"]                                            # doctest: +SKIP
    []
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

from rag.chunk import chunk_document
from rag.config import Config
from rag.embed import Embedder
from rag.load import SUPPORTED_SUFFIXES, LoadError, LoadLimits, check_size, load_document
from rag.records import Chunk, SourceDocument, sha256_hex
from rag.store import ChunkStore, DocumentRecord


@dataclass
class IngestReport:
    """What an ingest did; ``to_dict()`` is the ``rag ingest --json`` output."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[dict[str, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    chunks: int = 0
    embedded: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed

    def to_dict(self) -> dict[str, object]:
        return {
            "added": self.added, "updated": self.updated, "unchanged": self.unchanged,
            "removed": self.removed, "failed": self.failed, "skipped": self.skipped,
            "chunks": self.chunks, "embedded": self.embedded, "seconds": round(self.seconds, 3),
        }


def source_key(path: Path) -> str:
    """The name a file has in the index: its absolute path, so any working directory agrees."""
    return str(path.resolve())


def discover(paths: Iterable[str | Path]) -> tuple[list[Path], list[Path], list[dict[str, str]], list[str]]:
    """Expand the paths into files to ingest.

    Returns (files, scopes, failures, skipped): ``scopes`` are the folders and
    files whose deleted members may be pruned; unsupported files met while
    walking a folder are ``skipped`` (named explicitly, they fail).
    """
    files: list[Path] = []
    scopes: list[Path] = []
    failures: list[dict[str, str]] = []
    skipped: list[str] = []
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            scopes.append(path.resolve())
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    candidate = Path(root) / name
                    if name.startswith(".") or name.endswith(".meta.json"):
                        continue
                    if candidate.suffix.lower() not in SUPPORTED_SUFFIXES:
                        if source_key(candidate) not in skipped:
                            skipped.append(source_key(candidate))
                        continue
                    if candidate.resolve() not in seen:
                        seen.add(candidate.resolve())
                        files.append(candidate)
        elif path.is_file():
            scopes.append(path.resolve())
            if path.resolve() not in seen:
                seen.add(path.resolve())
                files.append(path)
        else:
            failures.append({"path": str(path), "reason": "no such file or directory"})
            scopes.append(path.resolve())  # a named file that vanished is pruned too
    return files, scopes, failures, skipped


def _in_scope(source: str, scopes: Sequence[Path]) -> bool:
    path = Path(source)
    return any(path == scope or scope in path.parents for scope in scopes)


@dataclass
class _Pending:
    doc: SourceDocument
    chunks: list[Chunk]
    status: str  # "added" | "updated"
    reuse: dict[str, np.ndarray]


def ingest(
    paths: Iterable[str | Path],
    store: ChunkStore,
    embedder: Embedder,
    config: Config,
    *,
    collection: str = "default",
    prune: bool = True,
    progress: bool | None = None,
    log: Callable[[str], None] | None = None,
) -> IngestReport:
    """Make the index match ``paths``; see the module docstring for the rules."""
    started = time.perf_counter()
    log = log or (lambda message: print(message, file=sys.stderr))
    report = IngestReport()
    files, scopes, failures, skipped = discover(paths)
    report.failed.extend(failures)
    report.skipped.extend(skipped)
    limits = LoadLimits.from_config(config)

    with store.write_lock(), _Writer() as writer:
        store.check_write_settings()
        known = {r.source: r for r in store.documents()}
        changed = False
        batch: list[_Pending] = []
        batch_chunks = 0
        show = progress if progress is not None else sys.stderr.isatty()
        bar = None
        if show and files:
            from tqdm import tqdm

            bar = tqdm(total=len(files), unit="file", desc="ingest", file=sys.stderr)

        def flush() -> None:
            nonlocal batch, batch_chunks, changed
            if not batch:
                return
            texts = [c.text for p in batch for c in p.chunks if c.text_hash not in p.reuse]
            # The pending records need no vectors: they are written while the model encodes
            # (as is the previous batch's data, queued before them on the same thread).
            records = _pending_records(batch)
            writer.submit(store.put_documents, records)
            vectors = embedder.embed_documents(texts) if texts else np.zeros((0, 0), dtype=np.float32)
            report.embedded += len(texts)
            rows: list[np.ndarray] = []
            cursor = 0
            for pending in batch:
                for chunk in pending.chunks:
                    if chunk.text_hash in pending.reuse:
                        rows.append(pending.reuse[chunk.text_hash])
                    else:
                        rows.append(vectors[cursor])
                        cursor += 1
            writer.submit(_write_batch, store, batch,
                          np.vstack(rows) if rows else np.zeros((0, 1), dtype=np.float32), records)
            for pending in batch:
                getattr(report, pending.status).append(pending.doc.source)
            changed = True
            batch, batch_chunks = [], 0

        for path in files:
            source = source_key(path)
            if bar is not None:
                bar.update(1)
            try:
                data = _read_bounded(path, source, limits)
                content_hash = file_hash(path, data)
                previous = known.get(source)
                if (previous and previous.content_hash == content_hash and previous.state == "complete"
                        and previous.collection == collection):
                    report.unchanged.append(source)
                    continue
                doc = load_document(path, source=source, limits=limits, collection=collection, data=data)
                doc = _with_hash(doc, content_hash)
                chunks = chunk_document(doc, embedder.token_offsets, max_tokens=config.chunk_tokens,
                                        overlap=config.chunk_overlap)
            except LoadError as exc:
                report.failed.append({"path": exc.path, "reason": exc.reason})
                log(f"skipped {exc}")
                continue
            except Exception as exc:  # one bad file must never stop the batch
                report.failed.append({"path": source, "reason": f"{type(exc).__name__}: {exc}"})
                log(f"skipped {source}: {type(exc).__name__}: {exc}")
                continue
            reuse = store.embeddings_by_text(source) if previous else {}
            batch.append(_Pending(doc, chunks, "updated" if previous else "added", reuse))
            batch_chunks += len(chunks)
            # Large flushes let sentence-transformers sort by length across many files (less padding).
            if batch_chunks >= config.embed_batch_size * 16:
                flush()
        flush()
        writer.drain()  # every batch is in the index before pruning and the generation bump
        if bar is not None:
            bar.close()

        if prune:
            present = {source_key(p) for p in files}
            for source, record in known.items():
                if source not in present and _in_scope(source, scopes) and not Path(source).exists():
                    store.delete_document(source)
                    report.removed.append(source)
                    changed = True
        if changed:
            store.bump_generation()
        store.record_config()
        report.chunks = store.count()
    report.seconds = time.perf_counter() - started
    return report


# Bump when loaders or the chunker change what they produce, so the next sync redoes every file.
PIPELINE_VERSION = "1"


def file_hash(path: Path, data: bytes) -> str:
    """What decides "unchanged": the bytes, the metadata sidecar and the pipeline version."""
    sidecar = path.with_name(path.name + ".meta.json")
    extra = sidecar.read_bytes() if sidecar.is_file() else b""
    return sha256_hex(PIPELINE_VERSION.encode() + b"\x00" + data + b"\x00" + extra)


def _read_bounded(path: Path, source: str, limits: LoadLimits) -> bytes:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise LoadError(source, f"cannot read file ({exc.strerror or exc})") from None
    check_size(source, size, limits)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LoadError(source, f"cannot read file ({exc.strerror or exc})") from None


def _with_hash(doc: SourceDocument, content_hash: str) -> SourceDocument:
    from dataclasses import replace

    return replace(doc, content_hash=content_hash)


class _Writer:
    """Index writes, in order, on one background thread, so they overlap the model's encoding.

    One thread keeps the per-document order (pending record → chunks → stale
    chunks removed → complete record) that crash safety rests on. After the
    first error nothing more is written; it is raised by the next ``submit``
    or by ``drain``. Leaving the ``with`` waits for writes in flight (the
    index lock must outlive them).
    """

    def __enter__(self) -> "_Writer":
        from concurrent.futures import Future, ThreadPoolExecutor

        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rag-ingest-writer")
        self._futures: list[Future[None]] = []
        self._error: BaseException | None = None
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._pool.shutdown(wait=True)

    def submit(self, fn: Callable[..., object], *args: object) -> None:
        if self._error is not None:
            raise self._error
        self._futures.append(self._pool.submit(self._run, fn, *args))

    def _run(self, fn: Callable[..., object], *args: object) -> None:
        if self._error is None:
            try:
                fn(*args)
            except BaseException as exc:  # handed to the ingest by submit/drain
                self._error = exc

    def drain(self) -> None:
        """Wait for every write; raise the first error."""
        for future in self._futures:
            future.result()
        if self._error is not None:
            raise self._error


def _pending_records(batch: Sequence[_Pending]) -> list[DocumentRecord]:
    return [DocumentRecord(
        source=p.doc.source, title=p.doc.title, content_hash=p.doc.content_hash, chunks=len(p.chunks),
        state="pending", format=p.doc.format, collection=p.doc.collection, author=p.doc.author,
        date=p.doc.date, pages=len(p.doc.pages)) for p in batch]


def _write_batch(store: ChunkStore, batch: Sequence[_Pending], vectors: np.ndarray,
                 records: Sequence[DocumentRecord]) -> None:
    """Chunks → stale chunks removed → complete records, once ``records`` were written as pending.

    With the pending records written first (``flush`` does it while the model
    encodes), each step is idempotent and a document's chunks are never
    written before its pending record, so a run killed between any two steps
    is repaired by running the ingest again. One store call per step for the
    whole batch: per-document round trips cost more than the embedding itself.
    """
    store.upsert_chunks([c for p in batch for c in p.chunks], vectors)
    # Only documents the index knew can have stale chunks (new ones had no record, hence no chunks).
    known = [p for p in batch if p.status == "updated"]
    if known:
        store.delete_stale({p.doc.source for p in known}, {c.id for p in known for c in p.chunks})
    from dataclasses import replace

    store.put_documents([replace(r, state="complete") for r in records])
