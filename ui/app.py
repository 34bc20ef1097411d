"""The Gradio app: chat with a sources panel, documents, settings, feedback, export, login.

Only wiring lives here: widgets in, :class:`rag.ui.service.ResearchService` calls,
:mod:`rag.ui.render` strings out. Retrieval, answering and citation checking are
the library's (``rag.Assistant``).

API (``gradio_client``), both streaming-capable and subject to the same login
and collection rights as the page:

- ``/chat`` ``(message: str, history: list | None = None) -> str``: the
  verified answer text with its ``[n]`` markers (``history``: ``[[q, a], ...]``
  or ``{"role", "content"}`` messages).
- ``/ask`` ``(question, history=None, k=None, strict=None, backend=None,
  filters=None) -> dict``: the full ``Answer.to_dict()``.

Example:
    >>> from rag.ui.app import serve
    >>> running = serve("index", host="127.0.0.1", port=7860, block=False)   # doctest: +SKIP
    >>> from gradio_client import Client
    >>> Client(running.url).predict("When was the deal signed?", api_name="/chat")  # doctest: +SKIP
"""

from __future__ import annotations

import base64
import contextlib
import logging
import os
import re
import signal
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape as html_escape
from pathlib import Path
from typing import Any, Literal, overload

# Importing this module changes no environment variable: no telemetry because the Blocks are built with
# analytics_enabled=False (Gradio's documented switch; it is read there, not at import).
import gradio as gr  # noqa: E402
from gradio.utils import get_upload_folder  # noqa: E402
from starlette.concurrency import run_in_threadpool  # noqa: E402
from starlette.requests import Request  # noqa: E402
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response  # noqa: E402
from starlette.routing import Route  # noqa: E402

from rag import Assistant  # noqa: E402
from rag.config import Config  # noqa: E402
from rag.load import SUPPORTED_SUFFIXES  # noqa: E402
from rag.ui.access import AccessPolicy, PolicyFile  # noqa: E402
from rag.ui.backends import backend_choices, friendly_error, model_server, takes_model_name  # noqa: E402
from rag.ui.conversations import ConversationStore  # noqa: E402
from rag.ui.files import discard_uploads  # noqa: E402
from rag.ui.live import NOTICE_S, LivePage, LivePages  # noqa: E402
from rag.ui.login import Authenticator  # noqa: E402
from rag.ui.markdown import escape_markdown  # noqa: E402
from rag.ui.render import (  # noqa: E402
    CHAT_JS,
    CSS,
    UNDATED_NOTE,
    Turn,
    answer_with_footnotes,
    corpus_count,
    example_questions,
    filter_chips,  # noqa: E402
    filter_chips_html,
    question_html,
    queued_html,
    rendering_title,
    renderings,
    sources_html,
    streaming_html,
    turn_messages,
    welcome_html,
)
from rag.ui.server import ServerThread, web_app  # noqa: E402
from rag.ui.service import AccessDenied, ResearchService, options_from  # noqa: E402
from rag.ui.sessions import SessionStore, request_user  # noqa: E402
from rag.ui.settings import UISettings  # noqa: E402
from rag.ui.sources import SANDBOX_HEADERS, VIEWER_HEADERS, document_id, media_type  # noqa: E402
from rag.ui.viewer import context_html, loaded, parse_spans, pdf_page_png  # noqa: E402

log = logging.getLogger(__name__)

FEEDBACK_OPTIONS = ("Like", "Dislike", "Wrong citation")
_FEEDBACK_KIND = {True: "up", False: "down", "Like": "up", "Dislike": "down", "Wrong citation": "wrong_citation"}
CONVERSATIONS_FILE = "conversations.sqlite3"  # next to the index
EXAMPLES = 4  # example questions on the first screen
STOPPED = "Stopped before the answer was finished; nothing unverified is kept. Regenerate to ask again."
MAX_QUEUED = 1  # questions a page may have waiting behind its running answer
_QUEUE_WAIT_S = 600.0  # how long a queued question waits for the answer before it gives up
DOC_HEADERS = ["Title", "File", "Collection", "Date", "Format", "Pages", "Chunks"]
DOCS_LABEL = "Indexed documents"  # one row per file; the label counts a document in several formats once
NO_DATE = "— none found"
UPLOAD_HEADERS = ["File", "Status", "Reason"]


def theme() -> gr.themes.Base:
    """The default look with system fonts: the stock theme would fetch Google Fonts."""
    return gr.themes.Default(
        font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"],
        font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"],
    )


def _user(request: gr.Request | None) -> str | None:
    return getattr(request, "username", None) if request is not None else None


class Handlers:
    """Gradio event handlers; each takes widget values and the ``gr.Request``.

    Kept as plain methods (not closures) so tests call them with a stand-in
    request carrying ``username``.
    """

    def __init__(self, service: ResearchService, conversations: ConversationStore | None = None) -> None:
        self.service = service
        self.pages = LivePages()
        self.conversations = conversations or ConversationStore(
            Path(service.assistant.config.index_dir) / CONVERSATIONS_FILE)

    # ------------------------------------------------------- saved conversations
    def _owner(self, request: gr.Request | None, browser: str | None) -> str | None:
        """Whose conversations: the signed-in user, else this browser's random id (None: unknown yet)."""
        user = _user(request)
        if user:
            return f"user:{user}"
        if self.service.policy.login_required:
            return None
        return f"browser:{browser}" if browser else None

    def _conversation_list(self, owner: str | None, value: str | None = None) -> Any:
        items = self.conversations.list(owner) if owner else []
        return gr.update(choices=[(c.label(), c.id) for c in items], value=value)

    def start_conversations(self, browser: str | None, request: gr.Request) -> tuple[Any, Any]:
        """On page load: give a new browser its id; list the owner's saved conversations."""
        browser = browser or uuid.uuid4().hex
        return browser, self._conversation_list(self._owner(request, browser))

    def save_conversation(self, turns: list[Turn] | None, conversation: str | None, browser: str | None,
                          request: gr.Request) -> tuple[Any, Any]:
        """After each answer: store the conversation; outputs (its id, the list)."""
        owner = self._owner(request, browser)
        if owner is None or not turns:
            return gr.skip(), gr.skip()
        conversation = self.conversations.save(owner, conversation, turns)
        return conversation, self._conversation_list(owner, conversation)

    def open_conversation(self, conversation: str | None, browser: str | None,
                          request: gr.Request) -> tuple[Any, ...]:
        """Reopen a saved conversation; outputs (chat, turns, selected, panel, its id, export file)."""
        owner = self._owner(request, browser)
        turns = self.conversations.load(owner, conversation) if owner and conversation else None
        if turns is None:
            self._notice(request, "That conversation is not there any more.")
            return (gr.skip(),) * 6
        key = getattr(request, "session_hash", None)
        if key:
            self.pages.get(key).turns = list(turns)
        return (turn_messages(turns), turns, None, sources_html(turns, None), conversation,
                gr.update(value=None, visible=False))

    def resume(self, conversation: str | None, browser: str | None, request: gr.Request) -> tuple[Any, ...]:
        """On page load: reopen the conversation this browser had open (a reload loses nothing)."""
        owner = self._owner(request, browser)
        if not owner or not conversation or self.conversations.load(owner, conversation) is None:
            return (gr.skip(),) * 6
        return self.open_conversation(conversation, browser, request)

    def rename_conversation(self, conversation: str | None, title: str | None, browser: str | None,
                            request: gr.Request) -> tuple[Any, str]:
        owner = self._owner(request, browser)
        if not owner or not conversation:
            return gr.skip(), "Open a saved conversation first."
        try:
            done = self.conversations.rename(owner, conversation, title or "")
        except ValueError as exc:
            return gr.skip(), f"⚠ {exc}"
        return self._conversation_list(owner, conversation), ("Renamed." if done else "⚠ Not found.")

    def confirm_delete_conversation(self, conversation: str | None, browser: str | None,
                                    request: gr.Request) -> tuple[Any, str, str | None]:
        """First click on Delete: name the conversation and ask; nothing is deleted yet.

        Outputs (the question's row, the status, the conversation asked about: "Yes" deletes that one).
        """
        owner = self._owner(request, browser)
        if not owner or not conversation:
            return gr.update(visible=False), "Open a saved conversation first.", None
        found = next((c for c in self.conversations.list(owner) if c.id == conversation), None)
        if found is None:
            return gr.update(visible=False), "⚠ Not found.", None
        return gr.update(visible=True), f"Delete **{_md_safe(found.label())}**? This cannot be undone.", conversation

    def delete_conversation(self, conversation: str | None, browser: str | None,
                            request: gr.Request) -> tuple[Any, ...]:
        """The confirmed deletion of the conversation "Delete" asked about; a new one starts."""
        owner = self._owner(request, browser)
        hide = gr.update(visible=False)
        if not owner or not conversation:
            return (gr.skip(),) * 3 + ("Open a saved conversation first.", hide)
        done = self.conversations.delete(owner, conversation)
        return (None, self._conversation_list(owner), "", "Deleted." if done else "⚠ Not found.", hide)

    # ---------------------------------------------------------------- chat
    def respond(self, message: str, turns: list[Turn] | None, backend: str | None, model: str | None,
                k: float | None, strict: bool | None, sources: list[str] | None, title: str | None,
                date_from: str | None, date_to: str | None, collections: list[str] | None,
                request: gr.Request) -> Iterator[tuple[Any, ...]]:
        """Stream an answer into the chat; outputs (chat, turns, selected, sources panel, textbox).

        One answer per page at a time: a question sent while another streams is shown
        as queued under it and answered next, on top of the history that answer leaves.
        """
        question = (message or "").strip()
        if not question:
            self._notice(request, "Type a question first.", info=True)  # not silently ignored (browser audit)
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip(), ""
            return
        page = self._page(request)
        if page.lock.locked() and len(page.queued) >= MAX_QUEUED:
            # A waiting question holds a worker; more than one per page would starve other users.
            self._notice(request, "A question is already waiting for the answer in progress; send this one after it.")
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        page.queued.append(question)
        if not page.lock.acquire(blocking=False):
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip(), ""  # the running answer shows it as queued
            if not page.lock.acquire(timeout=_QUEUE_WAIT_S):
                page.queued.remove(question)
                self._notice(request, "The previous answer is taking too long; send the question again.")
                return
        try:
            page.queued.remove(question)
            turns = list(page.turns if page.turns is not None else (turns or []))
            yield from self._answer(question, turns, page, backend=backend, model=model, k=k, strict=strict,
                                    sources=sources, title=title, date_from=date_from, date_to=date_to,
                                    collections=collections, user=_user(request))
        finally:
            page.lock.release()

    def _answer(self, question: str, turns: list[Turn], page: LivePage, *, user: str | None,
                **values: Any) -> Iterator[tuple[Any, ...]]:
        if values.get("k") not in (None, "") and float(values["k"]) == self.service.default_k:
            values = {**values, "k": None}  # the slider left at its start: k chosen per question kind
        options = options_from(values)

        def waiting() -> list[dict[str, str]]:
            return [{"role": "user", "content": queued_html(q)} for q in list(page.queued)]

        pending = turn_messages(turns) + [{"role": "user", "content": question_html(question)}]
        # Cleared before Stop shows (it is live while the chat shows this answer streaming): a click made
        # as soon as it shows is not lost, and a late click meant for the answer before does not carry over.
        page.stop.clear()
        yield (pending + [{"role": "assistant", "content": streaming_html("")}] + waiting(), turns, None,
               sources_html(turns, None) if turns else gr.skip(), "")
        text = ""
        turn: dict[str, Any] = {"question": question, "answer": None, "error": None,
                                "filters": self._chips(values, user)[0]}
        try:
            for item in self.service.stream(question, ResearchService.history_of(turns), options, user):
                if page.stop.is_set():  # Stop: the unfinished, unverified text is not kept
                    turn["error"] = STOPPED
                    break
                if isinstance(item, str):
                    text += item
                    yield (pending + [{"role": "assistant", "content": streaming_html(text)}] + waiting(),
                           gr.skip(), gr.skip(), gr.skip(), gr.skip())
                else:
                    turn["answer"] = item
        except Exception as exc:  # a backend or filter error must not kill the session
            log.warning("answering %r failed: %s", question, exc)
            turn["error"] = f"Could not answer: {friendly_error(exc, self.service.assistant.config, options.backend)}"
        turns = turns + [turn]
        page.turns = turns
        # The textbox is left alone: the reader may already be typing the next question.
        yield (turn_messages(turns) + waiting(), turns, len(turns) - 1, sources_html(turns, len(turns) - 1),
               gr.skip())

    # ------------------------------------------------------ per-answer actions
    def stop(self, request: gr.Request) -> None:
        """The Stop button: the streaming answer of this page ends at its next piece.

        With no answer running, a click (one the page sent before it disabled the button, or
        a scripted one) does nothing: it must not wait as a flag for an answer not yet asked."""
        page = self._page(request)
        if page.lock.locked():
            page.stop.set()

    def regenerate(self, turns: list[Turn] | None, backend: str | None, model: str | None, k: float | None,
                   strict: bool | None, sources: list[str] | None, title: str | None, date_from: str | None,
                   date_to: str | None, collections: list[str] | None,
                   request: gr.Request) -> Iterator[tuple[Any, ...]]:
        """Ask the last question again in place of its answer (same outputs as :meth:`respond`)."""
        page = self._page(request)
        current = list(page.turns if page.turns is not None else (turns or []))
        if page.lock.locked() or not current:
            self._notice(request, "Nothing to regenerate yet." if not current else "Wait for the answer to finish.")
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        page.turns = current[:-1]
        yield from self.respond(current[-1]["question"], current[:-1], backend, model, k, strict, sources,
                                title, date_from, date_to, collections, request)

    def edit_last(self, turns: list[Turn] | None, request: gr.Request) -> tuple[Any, ...]:
        """Take the last question back into the box to edit and send again; its answer goes.
        Outputs (chat, turns, selected, sources panel, textbox)."""
        page = self._page(request)
        current = list(page.turns if page.turns is not None else (turns or []))
        if page.lock.locked() or not current:
            self._notice(request, "Nothing to edit yet." if not current else "Wait for the answer to finish.")
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        last, current = current[-1], current[:-1]
        page.turns = current
        return turn_messages(current), current, None, sources_html(current, None), last["question"]

    def copy_text(self, turns: list[Turn] | None, selected: int | None, request: gr.Request) -> str:
        """The answer shown in the sources panel, as text with footnotes, for the clipboard."""
        turns = turns or []
        index = len(turns) - 1 if selected is None else int(selected)
        if not 0 <= index < len(turns) or turns[index].get("answer") is None:
            self._notice(request, "No answer to copy yet.")
            return ""
        return answer_with_footnotes(turns[index]["answer"])

    def _notice(self, request: gr.Request | None, message: str, *, info: bool = False) -> None:
        """A toast that goes by itself after a few seconds (Gradio's default is ten, and a few
        repeated clicks piled up), shown once while the same words are still on the page."""
        if self._page(request).shows(message):
            (gr.Info if info else gr.Warning)(message, duration=NOTICE_S)

    def _page(self, request: gr.Request | None) -> LivePage:
        key = getattr(request, "session_hash", None)
        return self.pages.get(key) if key else LivePage()

    def forget_page(self, request: gr.Request) -> None:
        """The page closed: drop what the server kept for it."""
        key = getattr(request, "session_hash", None)
        if key:
            self.pages.forget(key)

    def select(self, turns: list[Turn] | None, evt: gr.SelectData) -> tuple[str, int | None]:
        """Clicking a message shows the sources of that exchange."""
        turns = turns or []
        index = _turn_index(evt.index)
        if index is None or not 0 <= index < len(turns):
            return gr.skip(), gr.skip()
        return sources_html(turns, index), index

    def clear(self, request: gr.Request = None) -> tuple[Any, ...]:  # type: ignore[assignment]
        """A new conversation (the button, or the chat's own trash icon): the turns, the selected
        answer, the sources panel, the feedback note and the export all start empty."""
        key = getattr(request, "session_hash", None)
        if key:
            self.pages.get(key).turns = []
        return [], [], None, self._welcome(_user(request)), "", gr.update(value=None, visible=False)

    def _welcome(self, user: str | None) -> str:
        docs = self.service.documents(user)
        updated = None
        stamps = [Path(d.source).stat().st_mtime for d in docs if Path(d.source).is_file()]
        if stamps:
            updated = datetime.fromtimestamp(max(stamps), UTC).strftime("%Y-%m-%d %H:%M UTC")
        held = renderings(_recent(docs))  # a document in .txt, .html and .pdf is counted and listed once
        return welcome_html(len(held), updated, [rendering_title(g) for g in held[:5]], files=len(docs))

    def first_screen(self, request: gr.Request) -> tuple[Any, ...]:
        """On page load: the corpus in the sources panel, and example questions from its titles."""
        user = _user(request)
        recent = [d for d in _recent(self.service.documents(user)) if d.title]
        authored = {" ".join(d.title.split()).rstrip(".") for d in recent if getattr(d, "author", None)}
        examples = example_questions([d.title for d in recent], authored=authored)
        buttons = [gr.update(value=q, visible=True) if q else gr.update(visible=False)
                   for q in (examples + [""] * EXAMPLES)[:EXAMPLES]]
        return (self._welcome(user), gr.update(visible=bool(examples)), *buttons)

    # ------------------------------------------------------------ feedback
    def like(self, turns: list[Turn] | None, evt: gr.LikeData, request: gr.Request) -> str:
        """The chat's thumbs and flag: feedback on the message they sit on.

        The only feedback control: buttons under the sources panel once rated "the answer shown
        there" too, and a reader saw two ways to rate one answer (found in a browser audit)."""
        kind = _FEEDBACK_KIND.get(evt.liked) if isinstance(evt.liked, (bool, str)) else None
        index = _turn_index(evt.index)
        if kind is None or index is None:
            return gr.skip()
        try:
            record = self.service.record_feedback(turns or [], index, kind, _user(request))
        except IndexError as exc:
            return f"⚠ {exc}"
        if record is None:
            return gr.skip()
        label = {"up": "helpful", "down": "not helpful", "wrong_citation": "wrong citation"}[kind]
        return f"Thank you: answer {index + 1} marked “{label}”."

    def export(self, turns: list[Turn] | None, request: gr.Request) -> Any:
        if not turns:
            self._notice(request, "Nothing to export yet: ask a question first.")
            return gr.update(value=None, visible=False)
        token = self.service.export(turns, _user(request))
        # Served by /export/{token} to this user only, never through Gradio's shared file cache.
        return gr.update(value=f'<a href="export/{token}" download>Download the conversation (Markdown)</a>',
                         visible=True)

    # ----------------------------------------------------------- documents
    def _doc_views(self, user: str | None) -> tuple[Any, Any, Any, Any]:
        """The documents table, the remove and source-filter choices, the collections."""
        docs = self.service.documents(user)
        rows = [[d.title, Path(d.source).name, d.collection, d.date or NO_DATE, d.format, d.pages or "", d.chunks]
                for d in docs]
        choices = [(f"{d.title or Path(d.source).name} ({Path(d.source).name}, {d.collection})",
                    document_id(d.source)) for d in docs]
        collections = sorted({d.collection for d in docs})
        label = f"{DOCS_LABEL} ({corpus_count(len(renderings(docs)), len(docs))})" if docs else DOCS_LABEL
        return (gr.update(value=rows or None, label=label), gr.update(choices=choices, value=None),
                gr.update(choices=choices), gr.update(choices=collections))

    def refresh(self, request: gr.Request) -> tuple[Any, ...]:
        """On page load: who is signed in, and the documents this user may see."""
        user = _user(request)
        who = f"Signed in as **{_md_safe(user)}**" if user else ""
        return (who, *self._doc_views(user))

    def editing(self, request: gr.Request) -> tuple[Any, Any, Any]:
        """On page load: upload and remove controls for editors only, a note for everyone else."""
        may = self.service.may_edit(_user(request))
        note = "" if may else ("You can read and search these documents; adding and removing them is for "
                               "editors (ask an administrator).")
        return gr.update(visible=may), gr.update(visible=may), note

    def chips(self, sources: list[str] | None, collections: list[str] | None, title: str | None,
              date_from: str | None, date_to: str | None, request: gr.Request) -> str:
        """The active filters, shown on the Ask tab."""
        return filter_chips_html(*self._chips(dict(sources=sources, collections=collections, title=title,
                                                   date_from=date_from, date_to=date_to), _user(request)))

    def _chips(self, values: dict[str, Any], user: str | None) -> tuple[list[str], int]:
        """Chip labels for the filter values, and how many readable documents have no date."""
        active = any(values.get(k) for k in ("sources", "collections", "title", "date_from", "date_to"))
        if not active:
            return [], 0
        docs = self.service.documents(user)
        titles = {document_id(d.source): d.title or Path(d.source).name for d in docs}
        return filter_chips(values, titles), sum(1 for d in docs if not d.date)

    def confirm_remove(self, doc_id: str | None, request: gr.Request) -> tuple[Any, str, str]:
        """First click on Remove: name the document and what happens to its file; nothing is removed yet."""
        if not doc_id:
            return gr.update(visible=False), "", "Choose a document to remove."
        record = next((d for d in self.service.documents(_user(request)) if document_id(d.source) == doc_id), None)
        if record is None:
            return gr.update(visible=False), "", "⚠ That document is not in the index (or not visible to you)."
        uploaded = self.service.settings.uploads_path.resolve() in Path(record.source).resolve().parents
        fate = "its uploaded file is deleted too" if uploaded else "its file stays in the corpus folder"
        return (gr.update(visible=True),
                f"Remove **{_md_safe(record.title or Path(record.source).name)}** "
                f"({_md_safe(Path(record.source).name)}) from the index? {fate.capitalize()}.", "")

    def documents(self, request: gr.Request) -> tuple[Any, ...]:
        return self._doc_views(_user(request))

    def upload(self, files: list[Any] | None, collection: str | None, request: gr.Request) -> tuple[Any, ...]:
        """Copy, ingest and report per file; outputs (message, results, docs..., cleared picker)."""
        user = _user(request)
        paths = [getattr(f, "name", f) for f in (files or [])]
        try:
            result = self.service.upload(paths, collection, user)
        finally:
            # The app keeps its own copy (or none); Gradio's must not stay servable.
            discard_uploads(paths, get_upload_folder())
        rows = [r.as_list() for r in result.rows] or None
        return (result.message, gr.update(value=rows), *self._doc_views(user), None)

    def remove(self, doc_id: str | None, request: gr.Request) -> tuple[Any, ...]:
        """The confirmed removal; outputs (message, docs...)."""
        user = _user(request)
        if not doc_id:
            message = "Choose a document to remove."
        else:
            try:
                message = self.service.remove(doc_id, user)
            except (AccessDenied, KeyError) as exc:
                message = f"⚠ {exc.args[0] if exc.args else exc}"
        return (message, *self._doc_views(user))

    # ----------------------------------------------------------------- API
    def api_chat(self, message: str, history: list[Any] | None = None,
                 request: gr.Request = None) -> Iterator[str]:  # type: ignore[assignment]
        """Answer ``message`` (a follow-up of ``history``: [[question, answer], ...] or role/content
        messages); streams the text, and the last value is the verified answer with its [n] markers."""
        _check_history(history)
        text = ""
        for item in self.service.stream(message, history or None, None, _user(request)):
            if isinstance(item, str):
                text += item
                yield text
            else:
                yield str(item["answer"])

    def api_ask(self, question: str, history: list[Any] | None = None, k: int | None = None,
                strict: bool | None = None, backend: str | None = None, filters: dict[str, Any] | None = None,
                request: gr.Request = None) -> dict[str, Any]:  # type: ignore[assignment]
        """The full verified answer (Answer.to_dict()): text, citations with quotes, sentence support.
        ``filters``: {"sources": [doc ids], "title", "date_from", "date_to", "collections"}."""
        _check_history(history)
        values: dict[str, Any] = dict(filters or {})
        unknown = sorted(set(values) - {"sources", "title", "date_from", "date_to", "collections"})
        if unknown:
            raise gr.Error(f"filters: unknown key(s) {', '.join(unknown)}; "
                           "known: sources, title, date_from, date_to, collections")
        options = options_from({**values, "k": k, "strict": strict, "backend": backend})
        try:
            return self.service.ask(question, history or None, options, _user(request))
        except ValueError as exc:
            raise gr.Error(str(exc)) from None


def _recent(docs: Sequence[Any]) -> list[Any]:
    """Documents newest first: by their own date when they have one, else by file time."""
    def key(d: Any) -> tuple[str, float]:
        path = Path(d.source)
        return (d.date or "", path.stat().st_mtime if path.is_file() else 0.0)

    return sorted(docs, key=key, reverse=True)


def _check_history(history: Any) -> None:
    if history is None:
        return
    if not isinstance(history, list) or not all(
            isinstance(h, dict) or (isinstance(h, (list, tuple)) and len(h) == 2) for h in history):
        raise gr.Error("history: give a list of [question, answer] pairs or {role, content} messages")


def _turn_index(index: Any) -> int | None:
    """Chat message index (an int, or a list for some layouts) → turn index (2 messages per turn)."""
    if isinstance(index, (list, tuple)):
        index = index[0] if index else None
    return int(index) // 2 if isinstance(index, int) else None


_md_safe = escape_markdown  # one definition (rag.ui.markdown)


@contextlib.contextmanager
def _queue_env() -> Iterator[None]:
    """Gradio summarises every finished event with pandas for its (local, unused here) monitoring page;
    once per 100 events is plenty and spares each answer that work. Its queue reads the frequency from
    GRADIO_ANALYTICS_CACHE_FREQUENCY when it is built, so the default is set only around that call
    (an explicit value in the environment wins)."""
    key = "GRADIO_ANALYTICS_CACHE_FREQUENCY"
    if key in os.environ:
        yield
        return
    os.environ[key] = "100"
    try:
        yield
    finally:
        os.environ.pop(key, None)


@dataclass(frozen=True)
class ChatApp:
    """The app built by :func:`build_app`: the Gradio ``blocks``, their event ``handlers`` and the
    ``service`` (the app's behaviour over the Assistant) that the file routes also use."""

    blocks: gr.Blocks
    handlers: "Handlers"
    service: ResearchService

    def routes(self) -> list[Route]:
        """The app's own routes besides Gradio's: ``/source``, ``/viewer`` and ``/export``."""
        return [source_route(self.service), export_route(self.service), viewer_route(self.service)]


def build_app(assistant: Assistant, settings: UISettings | None = None,
              policy: AccessPolicy | Callable[[], AccessPolicy] | None = None) -> ChatApp:
    """The Gradio Blocks of the app over ``assistant``, with their handlers and service (no server
    started; see :func:`serve`).

    Serving the blocks yourself, mount them as :func:`serve` does (:func:`rag.ui.server.web_app`
    with ``routes=chat.routes()``, the theme and ``css=rag.ui.render.CSS``), or the source links
    have nothing to open and nobody can sign in.
    """
    settings = settings or UISettings()
    service = ResearchService(assistant, settings, policy)
    handlers = Handlers(service, ConversationStore(Path(assistant.config.index_dir) / CONVERSATIONS_FILE))
    cfg = assistant.config
    private: dict[str, Any] = {"api_visibility": "private"}

    # Uploads are deleted from Gradio's cache once handled; any left (picked, never sent) go within minutes.
    with gr.Blocks(title=settings.title, analytics_enabled=False, fill_width=True,
                   delete_cache=(300, 600)) as demo:
        turns = gr.State([])
        selected = gr.State(None)
        # The open saved conversation's id, kept in the browser so a reload reopens it.
        conversation = gr.BrowserState(None, storage_key="rag-chat-current",
                                       secret=handlers.conversations.secret())
        # With login off, this browser's random id (the owner of its saved conversations).
        browser = gr.BrowserState(None, storage_key="rag-chat-owner", secret=handlers.conversations.secret())
        with gr.Row(equal_height=True):
            gr.Markdown(f"## {_md_safe(settings.title)}", scale=3)
            who = gr.Markdown("", elem_id="who", elem_classes=["rag-who"], scale=1)
            # Same tab: the page that showed restricted content is replaced by the sign-in page.
            logout = gr.Button("Log out", elem_id="logout-btn", size="sm", scale=0, min_width=90,
                               visible=service.policy.login_required)
        with gr.Tabs():
            with gr.Tab("Ask", id="ask"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=1, min_width=200, elem_id="conv-col"):
                        conv_list = gr.Radio([], label="Saved conversations", elem_id="conv-list")
                        conv_title = gr.Textbox("", label="Rename the open conversation", max_lines=1,
                                                elem_id="conv-title")
                        with gr.Row():
                            conv_rename = gr.Button("Rename", size="sm", elem_id="conv-rename")
                            conv_delete = gr.Button("Delete", size="sm", variant="stop", elem_id="conv-delete")
                        conv_status = gr.Markdown("", elem_id="conv-status")
                        conv_pending = gr.State(None)  # the conversation "Delete" asked about
                        with gr.Row(visible=False) as conv_confirm_row:
                            conv_confirm = gr.Button("Yes, delete it", size="sm", variant="stop",
                                                     elem_id="conv-delete-confirm")
                            conv_cancel = gr.Button("Cancel", size="sm", elem_id="conv-delete-cancel")
                    with gr.Column(scale=3):
                        chips = gr.HTML("", elem_id="filter-chips")
                        chat = gr.Chatbot(
                            elem_id="chat", label="Conversation", height=560, layout="bubble",
                            feedback_options=FEEDBACK_OPTIONS, latex_delimiters=[], buttons=[],
                            placeholder="Ask about the published articles. Every sentence of an answer cites "
                                        "the passage it rests on.")
                        # Next to the thumbs and flag it reports on, not under the sources panel.
                        feedback_status = gr.Markdown("", elem_id="feedback-status")
                        with gr.Row():
                            question = gr.Textbox(elem_id="question", show_label=False, scale=6, lines=1,
                                                  max_lines=6, placeholder="Ask a question…", autofocus=True)
                            ask = gr.Button("Ask", elem_id="ask-btn", variant="primary", scale=1, min_width=80)
                        with gr.Row(visible=False, elem_id="examples") as examples_row:
                            gr.Markdown("**Try:**", elem_classes=["rag-try"])
                            example_buttons = [gr.Button("", size="sm", visible=False, elem_id=f"example-{i}",
                                                         elem_classes=["rag-example"]) for i in range(EXAMPLES)]
                        with gr.Row():
                            stop = gr.Button("■ Stop", elem_id="stop-btn", size="sm", variant="stop")
                            regen = gr.Button("↻ Regenerate", elem_id="regen-btn", size="sm")
                            edit = gr.Button("✎ Edit last question", elem_id="edit-btn", size="sm")
                            copy = gr.Button("Copy answer", elem_id="copy-btn", size="sm")
                        with gr.Row():
                            clear = gr.Button("New conversation", elem_id="clear-btn", size="sm")
                            export = gr.Button("Export as Markdown", elem_id="export-btn", size="sm")
                        copy_text = gr.Textbox("", visible=False, elem_id="copy-text")
                        copy_status = gr.Markdown("", elem_id="copy-status")
                        export_file = gr.HTML("", elem_id="export-file", visible=False)
                    with gr.Column(scale=2):
                        panel = gr.HTML(sources_html([], None), elem_id="sources", label="Sources")
            with gr.Tab("Documents", id="documents") as documents_tab:
                edit_note = gr.Markdown("", elem_id="edit-note")
                # Hidden until the page load says this user may edit (see Handlers.editing).
                with gr.Row(visible=False) as upload_row:
                    files = gr.File(label=f"Add documents ({', '.join(SUPPORTED_SUFFIXES)}; "
                                          f"at most {settings.max_file_mb:g} MB each)",
                                    file_count="multiple", file_types=list(SUPPORTED_SUFFIXES),
                                    elem_id="upload-files", scale=3)
                    with gr.Column(scale=1):
                        collection = gr.Textbox(settings.default_collection, label="Collection",
                                                elem_id="upload-collection")
                        upload = gr.Button("Upload and index", elem_id="upload-btn", variant="primary")
                upload_message = gr.Markdown("", elem_id="upload-message")
                upload_rows = gr.Dataframe(headers=UPLOAD_HEADERS, value=None, interactive=False,
                                           elem_id="upload-results", label="Upload results", wrap=True,
                                           latex_delimiters=[], column_widths=["30%", "12%", "58%"])
                docs = gr.Dataframe(headers=DOC_HEADERS, value=None, interactive=False, elem_id="docs-table",
                                    label=DOCS_LABEL, wrap=True, latex_delimiters=[],
                                    column_widths=["34%", "20%", "10%", "12%", "8%", "8%", "8%"])
                gr.Markdown(f"*Date:* {UNDATED_NOTE.replace('<', '&lt;')} A date filter leaves undated "
                            "documents out.", elem_id="docs-date-note")
                with gr.Column(visible=False) as remove_col:
                    with gr.Row():
                        remove_choice = gr.Dropdown([], label="Document to remove", elem_id="remove-doc", scale=3)
                        remove = gr.Button("Remove from index…", elem_id="remove-btn", variant="stop", scale=1)
                    with gr.Row(visible=False) as confirm_row:
                        confirm_text = gr.Markdown("", elem_id="remove-confirm-text")
                        confirm = gr.Button("Yes, remove it", elem_id="remove-confirm", variant="stop",
                                            size="sm")
                        cancel = gr.Button("Cancel", elem_id="remove-cancel", size="sm")
                remove_message = gr.Markdown("", elem_id="remove-message")
            # Not "Settings": Gradio's footer has its own Settings (theme, language).
            with gr.Tab("Options", id="settings"):
                with gr.Row():
                    choices = backend_choices(cfg, ready=assistant.has_chat_model())
                    backend = gr.Dropdown(choices, value=cfg.backend if cfg.backend in choices else "extractive",
                                          label="Answer backend", elem_id="backend",
                                          info="extractive quotes the passages and works offline; other "
                                               "backends are set up by the administrator (rag serve --backend)")
                    model = gr.Textbox(cfg.llm_model or "", label="Model", elem_id="model",
                                       visible=takes_model_name(cfg.backend),
                                       info=f"a model the server at {model_server(cfg, cfg.backend)} serves"
                                       if takes_model_name(cfg.backend) else None)
                with gr.Row():
                    k = gr.Slider(1, settings.max_k, value=service.default_k, step=1,
                                  label="Passages retrieved (k)", elem_id="k",
                                  info=f"at {service.default_k}, the default: more for analytic questions")
                    strict = gr.Checkbox(cfg.strict, label="Strict: drop sentences the passages do not support",
                                         elem_id="strict")
                gr.Markdown("**Filters** (empty means no filter)")
                with gr.Row():
                    source_filter = gr.Dropdown([], multiselect=True, label="Only these documents",
                                                elem_id="filter-source")
                    collection_filter = gr.Dropdown([], multiselect=True, label="Only these collections",
                                                    elem_id="filter-collection")
                with gr.Row():
                    title_filter = gr.Textbox("", label="Title contains", elem_id="filter-title")
                    date_from = gr.Textbox("", label="Published from (YYYY-MM-DD)", elem_id="filter-date-from")
                    date_to = gr.Textbox("", label="Published to (YYYY-MM-DD)", elem_id="filter-date-to")

        ask_inputs = [question, turns, backend, model, k, strict, source_filter, title_filter, date_from,
                      date_to, collection_filter]
        ask_outputs = [chat, turns, selected, panel, question]
        for trigger in (question.submit, ask.click):
            # "multiple": a second question while one streams is queued by respond(), not dropped.
            trigger(handlers.respond, ask_inputs, ask_outputs, show_progress="hidden", trigger_mode="multiple",
                    **private).then(handlers.save_conversation, [turns, conversation, browser],
                                    [conversation, conv_list], show_progress="hidden", **private)
        regen.click(handlers.regenerate, ask_inputs[1:], ask_outputs, show_progress="hidden", **private).then(
            handlers.save_conversation, [turns, conversation, browser], [conversation, conv_list],
            show_progress="hidden", **private)
        edit.click(handlers.edit_last, [turns], ask_outputs, show_progress="hidden", **private)
        stop.click(handlers.stop, None, None, queue=False, show_progress="hidden", **private)
        copy.click(handlers.copy_text, [turns, selected], [copy_text], show_progress="hidden", **private).then(
            None, [copy_text], [copy_status], show_progress="hidden", **private,
            js="""(text) => { if (!text) return "";
                 return navigator.clipboard.writeText(text).then(() => "Copied, with the sources as footnotes.",
                                                                 () => "⚠ The browser did not allow copying."); }""")
        chat.select(handlers.select, [turns], [panel, selected], show_progress="hidden", **private)
        chat.like(handlers.like, [turns], [feedback_status], show_progress="hidden", **private)
        cleared = [chat, turns, selected, panel, feedback_status, export_file]
        clear.click(handlers.clear, None, cleared, show_progress="hidden", **private)
        # The chat's own trash icon empties only the chat widget: reset everything else with it.
        chat.clear(handlers.clear, None, cleared, show_progress="hidden", **private)
        for trigger in (clear.click, chat.clear):  # the next answer starts a new saved conversation
            trigger(lambda: (None, gr.update(value=None), "", gr.update(visible=False), "", None), None,
                    [conversation, conv_list, conv_title, conv_confirm_row, conv_status, conv_pending],
                    queue=False, show_progress="hidden", **private)
        demo.load(handlers.start_conversations, [browser], [browser, conv_list], **private)
        conv_list.input(handlers.open_conversation, [conv_list, browser],
                        [chat, turns, selected, panel, conversation, export_file], show_progress="hidden",
                        **private)
        conv_rename.click(handlers.rename_conversation, [conversation, conv_title, browser],
                          [conv_list, conv_status], show_progress="hidden", **private)
        conv_delete.click(handlers.confirm_delete_conversation, [conversation, browser],
                          [conv_confirm_row, conv_status, conv_pending], show_progress="hidden", **private)
        # "Yes" deletes the conversation the question named, whatever is open by then.
        conv_confirm.click(handlers.delete_conversation, [conv_pending, browser],
                           [conversation, conv_list, conv_title, conv_status, conv_confirm_row],
                           show_progress="hidden", **private).then(handlers.clear, None, cleared,
                                                                   show_progress="hidden", **private)
        # Another conversation opened: the question was about the one before.
        conv_list.input(lambda: (gr.update(visible=False), None), None, [conv_confirm_row, conv_pending],
                        show_progress="hidden", queue=False, **private)
        conv_cancel.click(lambda: (gr.update(visible=False), "Nothing was deleted."), None,
                          [conv_confirm_row, conv_status], show_progress="hidden", queue=False, **private)
        export.click(handlers.export, [turns], [export_file], **private)

        demo.unload(handlers.forget_page)
        demo.load(handlers.first_screen, None, [panel, examples_row, *example_buttons], **private).then(
            handlers.resume, [conversation, browser], [chat, turns, selected, panel, conversation, export_file],
            show_progress="hidden", **private)
        for button in example_buttons:
            button.click(lambda q: q, [button], [question], queue=False, **private).then(
                handlers.respond, ask_inputs, ask_outputs, show_progress="hidden", trigger_mode="multiple",
                **private).then(handlers.save_conversation, [turns, conversation, browser],
                                [conversation, conv_list], show_progress="hidden", **private)
        doc_views = [docs, remove_choice, source_filter, collection_filter]
        demo.load(handlers.refresh, None, [who, *doc_views], **private)
        logout.click(None, None, None, js="() => { window.location.assign('logout'); }")
        documents_tab.select(handlers.documents, None, doc_views, show_progress="hidden", **private)
        # Writes to the index go one at a time (the index takes a single writer).
        upload.click(handlers.upload, [files, collection], [upload_message, upload_rows, *doc_views, files],
                     concurrency_limit=1, concurrency_id="index-write", **private)
        remove.click(handlers.confirm_remove, [remove_choice], [confirm_row, confirm_text, remove_message],
                     show_progress="hidden", **private)
        cancel.click(lambda: (gr.update(visible=False), "Nothing was removed."), None,
                     [confirm_row, remove_message], show_progress="hidden", **private)
        confirm.click(lambda: gr.update(visible=False), None, [confirm_row], queue=False, **private).then(
            handlers.remove, [remove_choice], [remove_message, *doc_views],
            concurrency_limit=1, concurrency_id="index-write", **private)
        demo.load(handlers.editing, None, [upload_row, remove_col, edit_note], **private)
        backend.change(lambda b: gr.update(visible=takes_model_name(b)), [backend], [model], queue=False,
                       show_progress="hidden", **private)
        filter_inputs: list[gr.Dropdown | gr.Textbox] = [source_filter, collection_filter, title_filter,
                                                         date_from, date_to]
        # One listener for all five, sent again with the last values once an earlier one returns: a slow
        # answer for stale values never lands after the answer for the values now on screen.
        gr.on([widget.change for widget in filter_inputs], handlers.chips, filter_inputs, [chips],
              show_progress="hidden", trigger_mode="always_last", **private)

        gr.api(handlers.api_chat, api_name="chat")
        gr.api(handlers.api_ask, api_name="ask")

    with _queue_env():
        demo.queue(default_concurrency_limit=settings.concurrency_limit, max_size=settings.queue_max_size)
    return ChatApp(demo, handlers, service)


# --------------------------------------------------------------------------- source files
async def _readable_source(service: ResearchService, request: Request) -> Path | Response:
    """The file behind ``{doc_id}`` if this request's user may read it, else the refusal to send."""
    user = request_user(request)
    if service.policy.login_required and user is None:
        return PlainTextResponse("Log in first.", status_code=401)
    path = await run_in_threadpool(service.source_path, request.path_params["doc_id"], user)
    if path is None:
        return PlainTextResponse("No such document.", status_code=404)
    return path


def source_route(service: ResearchService) -> Route:
    """``GET /source/{doc_id}``: an indexed document's file, if the signed-in user may read it.

    Nothing else is reachable: the id is looked up among the user's documents,
    never joined onto a path.
    """

    async def endpoint(request: Request) -> Response:
        path = await _readable_source(service, request)
        if isinstance(path, Response):
            return path
        kind = media_type(path) or "application/octet-stream"
        headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"}
        if not kind.startswith("application/pdf"):
            # Chromium will not show a PDF in a sandboxed document, and PDFs cannot run page script.
            headers.update(SANDBOX_HEADERS)
        ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", path.name)
        headers["Content-Disposition"] = f'inline; filename="{ascii_name}"'
        return FileResponse(path, media_type=kind, headers=headers)

    return Route("/source/{doc_id}", endpoint, methods=["GET", "HEAD"])


def export_route(service: ResearchService) -> Route:
    """``GET /export/{token}``: a conversation export, only to the user who made it."""


    async def endpoint(request: Request) -> Response:
        user = request_user(request)
        if service.policy.login_required and user is None:
            return PlainTextResponse("Log in first.", status_code=401)
        path = service.export_path(request.path_params["token"], user)
        if path is None:
            return PlainTextResponse("No such export (they are kept for a few minutes).", status_code=404)
        return FileResponse(path, media_type="text/markdown; charset=utf-8", headers={
            "Content-Disposition": f'attachment; filename="{path.name}"', "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store"})

    return Route("/export/{token}", endpoint, methods=["GET", "HEAD"])


def viewer_route(service: ResearchService) -> Route:
    """``GET /viewer/{doc_id}?marks=a-b,...``: the in-app viewer page (see :mod:`rag.ui.viewer`), with the
    same rights as ``/source/{doc_id}``: text around the marks, or the PDF page with them painted."""

    def render(path: Path, marks: list[tuple[int, int]]) -> str:
        document = loaded(path)
        title = document.title or path.name
        if path.suffix.lower() == ".pdf" and document.pages:
            page = document.page_at(marks[0][0]) if marks else 1
            quotes = [document.text[a:b] for a, b in marks]
            image = pdf_page_png(path, page or 1, quotes)
            png = base64.b64encode(image.png).decode("ascii")
            # An anchor a little above the first highlight: the frame opens at "#hit" (no script needed).
            hit = max(0.0, (image.first_hit or 0.0) * 100 - 4)
            return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html_escape(title)}</title>"
                    "<style>body{margin:0;background:#525659}.page{position:relative}"
                    "img{width:100%;display:block}#hit{position:absolute;left:0;width:1px;height:1px}"
                    "p{font:13px system-ui,sans-serif;color:#fff;margin:.4em .6em}</style></head><body>"
                    f"<p>{html_escape(path.name)}, page {page}</p><div class='page'>"
                    f"<span id='hit' style='top:{hit:.2f}%'></span>"
                    f"<img alt='Page {page} of {html_escape(path.name)}, the quote highlighted' "
                    f"src='data:image/png;base64,{png}'></div></body></html>")
        return context_html(document.text, marks, title=title, note=path.name)

    async def endpoint(request: Request) -> Response:
        path = await _readable_source(service, request)
        if isinstance(path, Response):
            return path
        marks = parse_spans(request.query_params.get("marks"))
        try:
            page = await run_in_threadpool(render, path, marks)
        except Exception as exc:  # a file that changed or broke since indexing: say so, do not crash
            log.warning("viewer: %s: %s", path.name, exc)
            return PlainTextResponse(f"{path.name}: cannot be shown ({type(exc).__name__}).", status_code=422)
        return HTMLResponse(page, headers=VIEWER_HEADERS)

    return Route("/viewer/{doc_id}", endpoint, methods=["GET"])


# --------------------------------------------------------------------------- serving
@dataclass
class RunningApp:
    """A started server: its URL, the app (blocks, handlers, service) and the server thread."""

    chat: ChatApp
    url: str
    server: ServerThread
    authenticator: Authenticator

    @property
    def service(self) -> ResearchService:
        return self.chat.service

    def wait(self) -> None:
        """Block until the server stops or Ctrl-C."""
        self.server.wait()

    def close(self) -> None:
        """Stop the server (open pages do not hold it up) and release the index."""
        self.server.stop()
        self.chat.blocks.close(verbose=False)  # stops Gradio's queue
        self.authenticator.close()
        self.service.private_files.close()
        self.service.assistant.release_write_lock()


@overload
def serve(assistant: Assistant | str | Path | None = None, *, host: str = ..., port: int = ...,
          settings: UISettings | None = ..., config: Config | None = ..., users_file: str | None = ...,
          corpus_dir: str | Path | None = ..., editor_groups: str | Sequence[str] | None = ...,
          block: Literal[True] = ..., quiet: bool = ...) -> None: ...
@overload
def serve(assistant: Assistant | str | Path | None = None, *, host: str = ..., port: int = ...,
          settings: UISettings | None = ..., config: Config | None = ..., users_file: str | None = ...,
          corpus_dir: str | Path | None = ..., editor_groups: str | Sequence[str] | None = ...,
          block: Literal[False], quiet: bool = ...) -> RunningApp: ...
def serve(assistant: Assistant | str | Path | None = None, *, host: str = "127.0.0.1", port: int = 7860,
          settings: UISettings | None = None, config: Config | None = None, users_file: str | None = None,
          corpus_dir: str | Path | None = None, editor_groups: str | Sequence[str] | None = None,
          block: bool = True, quiet: bool = False) -> RunningApp | None:
    """Start the web app (``rag serve``).

    ``assistant`` is an :class:`rag.Assistant` to serve, or an index directory
    (an Assistant is then built from ``config``, the library's configuration,
    with that index). ``settings`` are the UI's (default: ``RAG_UI_*`` variables);
    ``users_file`` turns login on, ``corpus_dir`` says where uploads go
    (``<corpus_dir>/uploads``) and ``editor_groups`` who may upload and remove
    documents, all overriding ``settings``.

    With ``block=True`` (the CLI) it serves until interrupted and returns None;
    with ``block=False`` it returns the :class:`RunningApp` at once.

    Sign-in is the app's own (``/login``, a server-side session cookie; see
    :mod:`rag.ui.server`); Gradio is mounted at ``/`` with an ``auth_dependency``
    that hands it the session's user.

    Example:
        >>> serve(Assistant(index_dir="index"), host="127.0.0.1", port=7860)    # doctest: +SKIP
    """
    settings = settings or UISettings.load()
    if users_file is not None:
        settings = settings.replace(users_file=str(users_file))
    if corpus_dir is not None:
        settings = settings.replace(corpus_dir=str(corpus_dir))
    if editor_groups is not None:
        settings = settings.replace(editor_groups=editor_groups)
    if not isinstance(assistant, Assistant):
        index_dir = None if assistant is None else str(assistant)
        if config is not None:
            assistant = Assistant(config=config if index_dir is None else config.replace(index_dir=index_dir))
        else:
            assistant = Assistant(index_dir=index_dir)
    # The server is the index's writer while it runs (see Assistant.hold_write_lock).
    assistant.hold_write_lock()
    authenticator: Authenticator | None = None
    try:
        # Re-read when the users file changes; rights are checked against it on every request.
        policy = PolicyFile(settings.users_file, initial=AccessPolicy.load(settings.users_file))
        chat = build_app(assistant, settings, policy)
        service = chat.service
        if not quiet:  # `rag serve` shows rag.ui's info records on stderr
            log.info("loading the embedding model and the index at %s…", assistant.config.index_dir)
        # Components load lazily; loading them once here keeps the first users from waiting (and racing).
        assistant.warm_up()
        # The corpus, the uploads and the index are reached only through /source/{id}; Gradio's own
        # file route must never serve them, whatever a client asks for.
        blocked = sorted({str(Path(p).resolve()) for p in (assistant.config.index_dir, settings.corpus_dir,
                                                             settings.uploads_path)})
        # Backoff after failures, an audit line per attempt, PBKDF2 in its own small pool.
        authenticator = Authenticator(lambda: service.policy)
        app = web_app(
            chat.blocks, policy=lambda: service.policy,
            sessions=SessionStore(idle_timeout_s=settings.session_idle_minutes * 60),
            authenticator=authenticator, may_upload=service.may_edit, routes=chat.routes(),
            title=settings.title, auth_message="Sign in with your research account.",
            max_file_size=settings.max_file_bytes, blocked_paths=blocked, allowed_paths=[],
            show_error=False, ssr_mode=False, mcp_server=False, footer_links=["api", "settings"],
            run_history=False, theme=theme(), css=CSS, js=CHAT_JS)
        server = ServerThread(app, host, port)
        server.start()
    except BaseException:
        if authenticator is not None:
            authenticator.close()
        assistant.release_write_lock()
        raise
    running = RunningApp(chat, server.url, server, authenticator)
    if not quiet:
        log.info("serving at %s", running.url)
    if not block:
        return running
    if threading.current_thread() is threading.main_thread():
        # A service manager stops us with SIGTERM: close the server as Ctrl-C would.
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        running.wait()  # returns on Ctrl-C
    except KeyboardInterrupt:
        pass
    finally:
        running.close()
    return None


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt
