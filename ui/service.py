"""What the web app does for a user, with no Gradio in it: the handlers in
:mod:`rag.ui.app` only translate between widgets and these methods.

Every method takes the user's name (``None`` when login is off) and applies
the access policy: the collections a user may read are passed to the
library as ``allowed_collections``, so a passage from any other collection is
never retrieved, listed, cited or served.

Example:
    >>> from rag import Assistant
    >>> service = ResearchService(Assistant(index_dir="index"), UISettings())   # doctest: +SKIP
    >>> answer = service.ask("When was the deal signed?", user=None)             # doctest: +SKIP
"""

from __future__ import annotations

import logging
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rag import Assistant
from rag.collection_rules import COLLECTION_MARKER, pin_collection
from rag.load import SUPPORTED_SUFFIXES
from rag.paths import public_answer, public_source
from rag.records import file_sha256
from rag.retrieve import Filters
from rag.store import DocumentRecord, IndexBusyError
from rag.ui.access import AccessPolicy, PolicyFile
from rag.ui.feedback import append_feedback, feedback_record
from rag.ui.files import PrivateFiles
from rag.ui.markdown import escape_markdown
from rag.ui.render import Turn, export_markdown
from rag.ui.settings import UISettings
from rag.ui.sources import document_id, is_document_id, media_type

log = logging.getLogger(__name__)

_COLLECTION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class AccessDenied(PermissionError):
    """The user may not do this; the message says why."""


@dataclass(frozen=True)
class AskOptions:
    """The Settings tab: backend, model, passages, strictness and metadata filters.

    ``sources`` are document ids (as listed to the user), mapped back to paths
    only through the documents that user may read.
    """

    backend: str | None = None
    model: str | None = None
    k: int | None = None
    strict: bool | None = None
    sources: tuple[str, ...] = ()
    title: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    collections: tuple[str, ...] = ()


@dataclass
class UploadRow:
    file: str
    status: str  # added | updated | unchanged | failed | rejected
    reason: str = ""
    collection: str = ""

    def as_list(self) -> list[str]:
        return [self.file, self.status, self.reason]


@dataclass
class UploadResult:
    rows: list[UploadRow] = field(default_factory=list)
    message: str = ""

    @property
    def ok(self) -> bool:
        return all(r.status not in ("failed", "rejected") for r in self.rows)


class ResearchService:
    """The app's behaviour over one :class:`rag.Assistant` (see the module docstring)."""

    def __init__(self, assistant: Assistant, settings: UISettings | None = None,
                 policy: AccessPolicy | Callable[[], AccessPolicy] | None = None) -> None:
        self.assistant = assistant
        self.settings = settings or UISettings()
        # Rights are looked up per request: a PolicyFile re-reads the users file when it changes.
        if policy is None:
            policy = PolicyFile(self.settings.users_file)
        self._policy: Callable[[], AccessPolicy] = policy if callable(policy) else (lambda: policy)
        # One writer at a time from this process: the index's own lock would refuse a second one.
        self._write_lock = threading.Lock()
        self.private_files = PrivateFiles(ttl_s=self.settings.export_minutes * 60)
        self._recent_feedback: dict[tuple[Any, ...], float] = {}
        self._feedback_lock = threading.Lock()
        _pin_upload_folders(self.settings.uploads_path)

    # ------------------------------------------------------------------ access
    @property
    def policy(self) -> AccessPolicy:
        """The access policy in force now."""
        return self._policy()

    def allowed_collections(self, user: str | None) -> list[str] | None:
        """The ``allowed_collections`` for this user (None: no restriction configured)."""
        if not self.policy.restricted and not self.policy.login_required:
            return None
        return self.policy.allowed_collections(user, {d.collection for d in self.assistant.documents()})

    def documents(self, user: str | None) -> list[DocumentRecord]:
        """The documents this user may read."""
        if self.policy.login_required and user not in self.policy.users:
            return []
        return self.assistant.documents(allowed_collections=self.allowed_collections(user))

    @property
    def default_k(self) -> int:
        """Where the chat's passages slider starts. Left there, it means "the server's default", so the
        library picks k by question kind (analytic questions get ``analytic_k`` passages, as on the CLI)."""
        return min(self.assistant.config.k, self.settings.max_k)

    def may_edit(self, user: str | None) -> bool:
        return self.policy.may_edit(user, self.settings.editor_groups)

    # -------------------------------------------------------------------- chat
    def filters(self, options: AskOptions, user: str | None) -> dict[str, Any] | None:
        """The library's filter mapping; raises ``rag.retrieve.FilterError`` on a bad date."""
        data: dict[str, Any] = {}
        if options.sources:
            by_id = {document_id(d.source): d.source for d in self.documents(user)}
            data["source"] = [by_id[i] for i in options.sources if i in by_id] or ["\x00none"]
        if options.title and options.title.strip():
            data["title"] = options.title.strip()
        if options.date_from and options.date_from.strip():
            data["date_from"] = options.date_from.strip()
        if options.date_to and options.date_to.strip():
            data["date_to"] = options.date_to.strip()
        if options.collections:
            data["collection"] = list(options.collections)
        Filters.from_mapping(data)  # validate now, so the error reaches the user before any work
        return data or None

    def stream(self, question: str, history: Any = None, options: AskOptions | None = None,
               user: str | None = None) -> Iterator[str | dict[str, Any]]:
        """Text pieces as they come, then the verified answer as ``Answer.to_dict()``.

        ``history`` is what the library accepts: (question, answer) pairs or
        ``{"role", "content"}`` messages.
        """
        options = options or AskOptions()
        allowed = self.allowed_collections(user)
        if self.policy.login_required and user not in self.policy.users:
            allowed = []  # defence in depth: Gradio's login should already have stopped this
        # One Assistant (one index, retriever and embedder) for every backend and model name;
        # it keeps at most a few chat-model clients (rag.config.Config.max_chat_models).
        assistant = self.assistant
        k = None if options.k is None else max(1, min(int(options.k), self.settings.max_k))
        for item in assistant.stream(question, history, k=k, filters=self.filters(options, user),
                                     strict=options.strict, backend=options.backend or None,
                                     model=options.model, allowed_collections=allowed):
            # Readers see paths relative to the corpus root, never the server's folders.
            yield item if isinstance(item, str) else public_answer(item.to_dict(), self.settings.corpus_dir)

    def ask(self, question: str, history: Any = None, options: AskOptions | None = None,
            user: str | None = None) -> dict[str, Any]:
        """The verified answer (``Answer.to_dict()``) without streaming."""
        final: dict[str, Any] = {}
        for item in self.stream(question, history, options, user):
            if isinstance(item, dict):
                final = item
        return final

    @staticmethod
    def history_of(turns: Sequence[Turn]) -> list[tuple[str, str]]:
        """(question, answer text) pairs for the library; failed turns are left out."""
        return [(t["question"], t["answer"]["answer"]) for t in turns if t.get("answer")]

    # ------------------------------------------------------------- documents
    def upload(self, paths: Sequence[str | Path], collection: str | None, user: str | None) -> UploadResult:
        """Check, copy into the uploads folder and ingest files; one row per file.

        Files are ingested with ``prune=False``: an upload adds documents and never
        removes others. A copy whose ingestion failed is deleted again, so a later
        ``rag ingest`` of the corpus does not trip over it.
        """
        result = UploadResult()
        collection = (collection or self.settings.default_collection).strip()
        if not paths:
            result.message = "Choose one or more files first."
            return result
        names = [Path(str(p)).name for p in paths]
        if not self.may_edit(user):
            result.rows = [UploadRow(n, "rejected", "you may not upload documents") for n in names]
            result.message = "You may not upload documents (ask an administrator to add you to an editor group)."
            return result
        if not _COLLECTION.match(collection):
            result.rows = [UploadRow(n, "rejected", f"collection {collection!r} is not a valid name") for n in names]
            result.message = (f"Collection {collection!r} is not a valid name: use letters, digits, '-', '_' "
                              "or '.', at most 64 characters.")
            return result
        if not self.policy.may_read(user, collection):
            result.rows = [UploadRow(n, "rejected", f"you may not add to collection {collection!r}") for n in names]
            result.message = f"You may not add documents to collection {collection!r}."
            return result

        target_dir = (self.settings.uploads_path / collection).resolve()
        copies: dict[str, UploadRow] = {}
        fresh: set[str] = set()
        for raw, name in zip(paths, names, strict=True):
            row = UploadRow(name, "rejected", collection=collection)
            result.rows.append(row)
            path = Path(str(raw))
            suffix = path.suffix.lower()
            if suffix not in SUPPORTED_SUFFIXES:  # what can be indexed may be uploaded; nothing else
                row.reason = (f"unsupported file type {suffix or '(none)'}; accepted: "
                              f"{', '.join(SUPPORTED_SUFFIXES)}")
                continue
            try:
                size = path.stat().st_size
            except OSError as exc:
                row.reason = f"cannot read the uploaded file ({exc.strerror or exc})"
                continue
            if size == 0:
                row.reason = "the file is empty"
                continue
            if size > self.settings.max_file_bytes:
                row.reason = (f"file is {size / 1e6:.1f} MB, over the {self.settings.max_file_mb:g} MB "
                              "upload limit (max_file_mb)")
                continue
            copy, is_new = _copy_into(path, target_dir, name)
            if is_new:
                fresh.add(copy)
            copies[copy] = row

        if copies:
            # The marker keeps these files in this collection on every later `rag ingest` (and --rebuild).
            pin_collection(target_dir, collection)
            try:
                with self._write_lock:
                    report = self.assistant.ingest(list(copies), collection=collection, prune=False,
                                                   progress=False)
            except IndexBusyError as exc:
                for copy, row in copies.items():
                    row.status, row.reason = "failed", str(exc)
                    if copy in fresh:
                        Path(copy).unlink(missing_ok=True)
            else:
                for status in ("added", "updated", "unchanged"):
                    for source in getattr(report, status):
                        if source in copies:
                            copies[source].status = status
                            copies[source].reason = ""
                for failure in report.failed:
                    failed_row = copies.get(failure["path"])
                    if failed_row is not None:
                        failed_row.status = "failed"
                        failed_row.reason = _short_reason(failure["reason"], failure["path"])
                        if failure["path"] in fresh:
                            Path(failure["path"]).unlink(missing_ok=True)
        counts = {status: sum(r.status == status for r in result.rows) for status in ("added", "updated", "unchanged")}
        indexed = counts["added"] + counts["updated"]
        bad = len(result.rows) - indexed - counts["unchanged"]
        parts = [f"{indexed} file(s) indexed in collection {collection!r}"]
        if counts["unchanged"]:  # the same content again: nothing was re-embedded
            parts.append(f"{counts['unchanged']} already indexed, unchanged")
        if bad:
            parts.append(f"{bad} not indexed (see the reasons below)")
        result.message = "; ".join(parts) + "."
        return result

    def remove(self, doc_id: str, user: str | None) -> str:
        """Remove a document the user can see; an uploaded file is deleted with it."""
        if not self.may_edit(user):
            raise AccessDenied("You may not remove documents.")
        record = next((d for d in self.documents(user) if document_id(d.source) == doc_id), None)
        if record is None:
            raise KeyError("That document is not in the index (or not visible to you).")
        with self._write_lock:
            removed = self.assistant.remove(record.source)
        path = Path(record.source)
        uploads = self.settings.uploads_path.resolve()
        if uploads in path.parents:
            path.unlink(missing_ok=True)
            note = "The uploaded file was deleted too."
        else:
            note = "Its file stays in the corpus folder, so the next `rag ingest` of that folder adds it again."
        # The message is rendered as Markdown, and a title is document text.
        return f"Removed “{escape_markdown(record.title or path.name)}” ({removed} passages). {note}"

    def source_path(self, doc_id: str, user: str | None) -> Path | None:
        """The file behind ``doc_id`` if it is an indexed document this user may read."""
        if not is_document_id(doc_id):
            return None
        for record in self.documents(user):
            # Links in answers name the public (corpus-relative) source; the documents list the stored one.
            if doc_id in (document_id(record.source),
                          document_id(public_source(record.source, self.settings.corpus_dir))):
                path = Path(record.source)
                index_dir = Path(self.assistant.config.index_dir).resolve()
                if path.is_file() and media_type(path) and index_dir not in path.resolve().parents:
                    return path
                return None
        return None

    # --------------------------------------------------------- feedback, export
    def record_feedback(self, turns: Sequence[Turn], index: int, kind: str, user: str | None
                        ) -> dict[str, Any] | None:
        """Append feedback on turn ``index`` to the feedback file; returns the line written
        (None for a repeat of the same judgement within seconds)."""
        if not 0 <= index < len(turns) or turns[index].get("answer") is None:
            raise IndexError("There is no answer to give feedback on.")
        answer = turns[index]["answer"]
        key = (user, answer.get("question"), answer.get("answer"), kind)
        now = time.monotonic()
        with self._feedback_lock:
            # The chat's flag menu can fire twice for one click; one line per judgement is enough.
            self._recent_feedback = {k: t for k, t in self._recent_feedback.items() if now - t < 5.0}
            if key in self._recent_feedback:
                return None
            self._recent_feedback[key] = now
        record = feedback_record(answer, kind, user=user)
        append_feedback(self.settings.feedback_path, record)
        return record

    def export(self, turns: Sequence[Turn], user: str | None) -> str:
        """Write the conversation as Markdown for ``user``; returns the token of ``/export/{token}``.

        The file is kept apart from Gradio's cache (which serves to anyone signed in who
        has the URL) and is deleted after ``settings.export_minutes``.
        """
        now = datetime.now(UTC)
        text = export_markdown(turns, title=self.settings.title, user=user, now=now)
        return self.private_files.add_text(f"conversation-{now.strftime('%Y%m%d-%H%M%S')}.md", text, user)

    def export_path(self, token: str, user: str | None) -> Path | None:
        """The export behind ``token`` if this user made it and it has not expired."""
        if self.policy.login_required and user not in self.policy.users:
            return None
        return self.private_files.get(token, user)


def _safe_name(name: str) -> str:
    stem, suffix = Path(name).stem, Path(name).suffix.lower()
    stem = re.sub(r"[^\w.-]+", "_", stem).strip("._")[:100] or "document"
    return stem + suffix


def _pin_upload_folders(uploads: Path) -> None:
    """Uploads stored before folders carried a collection marker get one now (named by their folder)."""
    if not uploads.is_dir():
        return
    for folder in uploads.iterdir():
        if folder.is_dir() and _COLLECTION.match(folder.name) and not (folder / COLLECTION_MARKER).exists():
            pin_collection(folder, folder.name)


def _copy_into(path: Path, folder: Path, name: str) -> tuple[str, bool]:
    """Copy an upload into ``folder``; returns (absolute path, whether it is a new file).

    The same bytes under the same name reuse the existing copy (ingest then finds it
    unchanged); different bytes under a taken name get a content-hash suffix rather
    than silently replacing someone else's document.
    """
    folder.mkdir(parents=True, exist_ok=True)
    data_hash = file_sha256(path)
    target = folder / _safe_name(name)
    if target.exists():
        if file_sha256(target) == data_hash:
            return str(target.resolve()), False
        target = target.with_name(f"{target.stem}-{data_hash[:8]}{target.suffix}")
        if target.exists():
            return str(target.resolve()), False
    shutil.copyfile(path, target)
    return str(target.resolve()), True


def _short_reason(reason: str, path: str) -> str:
    """The library's reasons may start with the path; the row already names the file."""
    return reason[len(path) + 2:] if reason.startswith(path + ": ") else reason


def options_from(values: Mapping[str, Any]) -> AskOptions:
    """AskOptions from loosely typed values (widgets, API calls): empty means unset."""
    def tup(value: Any) -> tuple[str, ...]:
        if not value:
            return ()
        return (value,) if isinstance(value, str) else tuple(str(v) for v in value)

    k = values.get("k")
    strict = values.get("strict")
    return AskOptions(
        backend=values.get("backend") or None,
        model=values.get("model") or None,
        k=int(k) if k not in (None, "") else None,
        strict=None if strict is None else bool(strict),
        sources=tup(values.get("sources")),
        title=values.get("title") or None,
        date_from=values.get("date_from") or None,
        date_to=values.get("date_to") or None,
        collections=tup(values.get("collections")),
    )
