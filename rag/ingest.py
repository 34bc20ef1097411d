"""Sync a folder (or files) of articles into the index.

``ingest`` makes the index match the files: unchanged files (same content
hash) cost nothing; a changed file's chunks are replaced (unchanged chunk
texts keep their vectors); files that left the given folders leave the index
(``prune``, on by default and scoped to the folders named in this run). A
file that fails to load is reported with its reason and the previous version,
if any, stays in the index.

Files keep the path they were found at (links are not resolved) and never
move to a less restricted collection by accident; see
:mod:`rag.collection_rules`. A file over the text limits (characters, characters
per byte, chunks) fails before anything is embedded.

Example:
    >>> report = ingest(["corpus/sample"], ChunkStore(cfg), embedder, cfg)   # doctest: +SKIP
    >>> report.to_dict()["failed"]                                            # doctest: +SKIP
    []
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rag.chunk import chunk_document
from rag.collection_rules import DEFAULT_COLLECTION, MarkerError, MarkerLookup, may_move, move_refusal
from rag.config import Config
from rag.embed import Embedder
from rag.load import SUPPORTED_SUFFIXES, LoadError, LoadLimits, load_document, read_bounded
from rag.records import Chunk, SourceDocument, sha256_hex
from rag.store import DocumentRecord, Store

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]
"""``progress(done, total)``: called with ``done=0`` before the first file, then with ``done=n`` as the n-th
of the ``total`` files is taken up."""


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
    """The name a file has in the index: the absolute path it was found at.

    Links are not resolved: a link inside a public folder that points at a
    restricted file must not become that file (and move it to the link's
    collection). :func:`discover` resolves the folders named instead, so a file
    has the same name from any working directory.
    """
    return os.path.abspath(path)


def named_key(path: str | Path) -> str:
    """The index name of a path a user typed: its folder resolved, the file itself not followed.

    >>> named_key("/tmp/../tmp/a.txt")
    '/tmp/a.txt'
    """
    absolute = Path(os.path.abspath(path))
    return str(absolute.parent.resolve() / absolute.name)


def discover(paths: Iterable[str | Path], *, follow_symlinks: bool = False
             ) -> tuple[list[Path], list[Path], list[dict[str, str]], list[str]]:
    """Expand the paths into files to ingest, each under the path it was found at.

    The folders named are resolved once; files below them keep their own names
    (``corpus/public/alias.txt``, not the target of that link). A symlinked file
    whose target lies outside every folder named in this run is refused with a
    reason unless ``follow_symlinks``; symlinked folders are not walked. ``scopes``
    are the folders and files whose deleted members may be pruned; unsupported
    files met while walking a folder are ``skipped`` (named explicitly, they fail).
    """
    files: list[Path] = []
    scopes: list[Path] = []
    failures: list[dict[str, str]] = []
    skipped: list[str] = []
    seen: set[str] = set()
    named: list[tuple[Path, bool]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            named.append((path.resolve(), True))
        elif path.is_file():
            # A file named on the command line is the user's choice, link or not; only its folder is resolved.
            named.append((Path(named_key(path)), False))
        else:
            failures.append({"path": str(path), "reason": "no such file or directory"})
            scopes.append(Path(named_key(path)))  # a named file that vanished is pruned too
    roots = [root for root, is_dir in named if is_dir]

    def add(candidate: Path) -> None:
        key = source_key(candidate)
        if key not in seen:
            seen.add(key)
            files.append(candidate)

    for root, is_dir in named:
        scopes.append(root)
        if not is_dir:
            add(root)
            continue
        for folder, dirs, names in os.walk(root):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(names):
                candidate = Path(folder) / name
                if name.startswith(".") or name.endswith(".meta.json"):
                    continue
                if candidate.suffix.lower() not in SUPPORTED_SUFFIXES:
                    if source_key(candidate) not in skipped:
                        skipped.append(source_key(candidate))
                    continue
                if candidate.is_symlink() and not follow_symlinks:
                    target = candidate.resolve()
                    if not any(_within(target, r) for r in roots):
                        failures.append({"path": source_key(candidate), "reason": (
                            f"symlink to {target}, outside the folders named in this run — skipped "
                            "(--follow-symlinks to index it)")})
                        continue
                add(candidate)
    return files, scopes, failures, skipped


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _in_scope(source: str, scopes: Sequence[Path]) -> bool:
    return any(_within(Path(source), scope) for scope in scopes)


def _known_records(store: Store, files: Sequence[Path], scopes: Sequence[Path],
                   prune: bool) -> dict[str, DocumentRecord]:
    """The manifest records an ingest run needs, by source.

    Pruning a folder needs every record (which indexed files were under it); otherwise only
    the files themselves, their link targets and the named files are looked up, by id: adding
    one article to a 10k-document index then reads one record, not 10k (0.6 s at 100k chunks).
    A named path that no longer exists may have been a folder, so it is pruned from the full list.
    """
    if prune and not all(scope.is_file() for scope in scopes):
        return {r.source: r for r in store.documents()}
    wanted = {source_key(p) for p in files} | {str(s) for s in scopes}
    wanted |= {str(p.resolve()) for p in files if p.is_symlink()}  # _placement holds a link to its target's
    return {r.source: r for r in store.documents_of(sorted(wanted))}


@dataclass
class _Pending:
    doc: SourceDocument
    chunks: list[Chunk]
    status: str  # "added" | "updated"
    reuse: dict[str, np.ndarray]


def ingest(
    paths: Iterable[str | Path] | str | Path,
    store: Store,
    embedder: Embedder,
    config: Config,
    *,
    collection: str | None = None,
    prune: bool = True,
    progress: ProgressCallback | bool | None = None,
    log: Callable[[str], None] | None = None,
    move: bool = False,
    follow_symlinks: bool = False,
) -> IngestReport:
    """Make the index match ``paths``; see the module docstring for the rules.

    ``collection`` is where new documents go (``default`` when None), unless a
    folder marker pins another (see :mod:`rag.collection_rules`); an explicit
    one that contradicts a marker fails those files. A document already indexed
    in a non-default collection is only moved with ``move=True``.
    ``follow_symlinks`` indexes links whose targets leave the folders named.

    ``progress`` is called as ``progress(done, total)`` as each file is taken up
    (see :data:`ProgressCallback`; the ``rag`` command draws a bar with it); ``True`` logs the count
    as info records of this module's logger at every tenth, ``None``/``False``
    reports nothing. ``log`` receives one line per file that failed (default: a
    warning record of this module's logger).
    """
    # One path given as a string is one path, not an iterable of one-character paths ("notes.txt" read as
    # "n", "o", "t", "e", "s", ".": the "." walked the whole working folder, a "/" the whole machine).
    paths = [os.fsdecode(paths) if isinstance(paths, bytes) else paths] \
        if isinstance(paths, (str, bytes, os.PathLike)) else list(paths)
    started = time.perf_counter()
    log = log or (lambda message: logger.warning("%s", message))
    report = IngestReport()
    files, scopes, failures, skipped = discover(paths, follow_symlinks=follow_symlinks)
    markers = MarkerLookup()
    report.failed.extend(failures)
    report.skipped.extend(skipped)
    limits = LoadLimits.from_config(config)

    with store.write_lock(), _Writer() as writer:
        store.check_write_settings()
        known = _known_records(store, files, scopes, prune)
        changed = False
        batch: list[_Pending] = []
        batch_chunks = 0
        pacer = _FlushPacer(config.embed_batch_size, config.ingest_flush_seconds)
        report_progress = _progress_records if progress is True else progress or None
        if report_progress is not None and files:
            report_progress(0, len(files))

        def flush() -> None:
            nonlocal batch, batch_chunks, changed
            if not batch:
                return
            texts = [c.text for p in batch for c in p.chunks if c.text_hash not in p.reuse]
            # The pending records need no vectors: they are written while the model encodes
            # (as is the previous batch's data, queued before them on the same thread).
            records = _pending_records(batch)
            writer.submit(store.put_documents, records)
            encode_started = time.perf_counter()
            vectors = embedder.embed_documents(texts) if texts else np.zeros((0, 0), dtype=np.float32)
            pacer.encoded(len(texts), time.perf_counter() - encode_started)
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

        for done, path in enumerate(files, 1):
            source = source_key(path)
            if report_progress is not None:
                report_progress(done, len(files))
            try:
                previous = known.get(source)
                target = _placement(path, source, previous, collection, move, markers, known)
                data = read_bounded(path, source, limits)
                content_hash = file_hash(path, data)
                if (previous and previous.content_hash == content_hash and previous.state == "complete"
                        and previous.collection == target):
                    report.unchanged.append(source)
                    continue
                doc = load_document(path, source=source, limits=limits, collection=target, data=data)
                doc = _with_hash(doc, content_hash)
                chunks = chunk_document(doc, embedder.token_offsets, max_tokens=config.chunk_tokens,
                                        overlap=config.chunk_overlap)
                if len(chunks) > config.max_chunks_per_file:
                    raise LoadError(source, f"{len(chunks):,} chunks, over the {config.max_chunks_per_file:,} "
                                            "limit (max_chunks_per_file)")
            except LoadError as exc:
                report.failed.append({"path": exc.path, "reason": exc.reason})
                log(f"failed {exc}")
                continue
            except Exception as exc:  # one bad file must never stop the batch
                report.failed.append({"path": source, "reason": f"{type(exc).__name__}: {exc}"})
                log(f"failed {source}: {type(exc).__name__}: {exc}")
                continue
            reuse = store.embeddings_by_text(source) if previous else {}
            batch.append(_Pending(doc, chunks, "updated" if previous else "added", reuse))
            batch_chunks += len(chunks)
            if batch_chunks >= pacer.limit:
                flush()
        flush()
        writer.drain()  # every batch is in the index before pruning and the generation bump

        if prune:
            present = {source_key(p) for p in files}
            for source in known:
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


def _progress_records(done: int, total: int) -> None:
    """``progress=True``: an info record at every tenth of the files (and the last)."""
    step = max(1, total // 10)
    if done and (done % step == 0 or done == total):
        logger.info("ingest: file %d of %d", done, total)


# Bump when loaders or the chunker change what they produce, so the next sync redoes every file.
PIPELINE_VERSION = "3"  # 2: glued sentence ends mended, PDF hyphens and page breaks, HTML <q> and footnote numbers;
# 3: a byline with a role and a date ("By Jane Doe – Fellow, 24 July 2026") gives the author and the date


def file_hash(path: Path, data: bytes) -> str:
    """What decides "unchanged": the bytes, the metadata sidecar and the pipeline version."""
    sidecar = path.with_name(path.name + ".meta.json")
    extra = sidecar.read_bytes() if sidecar.is_file() else b""
    return sha256_hex(PIPELINE_VERSION.encode() + b"\x00" + data + b"\x00" + extra)


def _placement(path: Path, source: str, previous: DocumentRecord | None, requested: str | None, move: bool,
               markers: MarkerLookup, known: Mapping[str, DocumentRecord]) -> str:
    """The collection ``path`` goes to; :class:`LoadError` when that would loosen its restriction.

    A marker above the file decides (an explicit, different ``requested`` fails);
    otherwise ``requested`` or ``default``. Moving a document already indexed
    out of a non-default collection needs ``move``. A symlink is also held to
    its target's collection (marker or index record), so a link in a public
    folder cannot publish a restricted file's text under its own name.
    """
    try:
        pinned = markers.collection_for(source)
    except MarkerError as exc:
        raise LoadError(source, str(exc)) from None
    if pinned is not None:
        if requested is not None and requested != pinned[0]:
            raise LoadError(source, f"its folder is pinned to collection {pinned[0]!r} by {pinned[1]}, not "
                                    f"{requested!r} as asked — left unchanged (edit or remove that file to "
                                    "change it)")
        target = pinned[0]
    else:
        target = requested or DEFAULT_COLLECTION
    if previous is not None and not may_move(previous.collection, target, move=move):
        raise LoadError(source, move_refusal(previous.collection, target))
    if path.is_symlink():
        real = str(path.resolve())
        try:
            guard = markers.collection_for(real)
        except MarkerError as exc:
            raise LoadError(source, f"link to {real}: {exc}") from None
        for held in ({guard[0]} if guard else set()) | ({known[real].collection} if real in known else set()):
            if not may_move(held, target, move=move):
                raise LoadError(source, move_refusal(held, target, what=f"a link to {real}, which is "))
    return target


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


class _FlushPacer:
    """How many chunks to collect before a flush: as many as the model encodes in ``seconds``.

    Large flushes let sentence-transformers sort by length across many files
    (less padding), but what a run killed mid-flush loses is the flush being
    encoded, so a flush is sized to the measured encoding rate: a ``kill -9``
    costs at most about ``seconds`` of embedding. Bounded by 4 model batches
    below (flushes of one batch each cost 1.2-2x per chunk in padding on
    paragraphs of mixed lengths: measured on SQuAD paragraphs, 0.064-0.11 s vs
    0.055-0.058 s per chunk in 252-chunk flushes)
    and by 16 batches (the old fixed size) above.
    """

    def __init__(self, batch_size: int, seconds: float) -> None:
        self.batch, self.low, self.high, self.seconds = batch_size, batch_size * 4, batch_size * 16, seconds
        self.limit = batch_size * 2  # a first, small flush measures the rate

    def encoded(self, n: int, elapsed: float) -> None:
        if n >= self.batch and elapsed > 0:  # a tail flush under one batch says little about the rate
            self.limit = max(self.low, min(self.high, int(n / elapsed * self.seconds)))


def _pending_records(batch: Sequence[_Pending]) -> list[DocumentRecord]:
    return [DocumentRecord(
        source=p.doc.source, title=p.doc.title, content_hash=p.doc.content_hash, chunks=len(p.chunks),
        state="pending", format=p.doc.format, collection=p.doc.collection, author=p.doc.author,
        date=p.doc.date, pages=len(p.doc.pages)) for p in batch]


def _write_batch(store: Store, batch: Sequence[_Pending], vectors: np.ndarray,
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
