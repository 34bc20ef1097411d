"""The chat's polish without a browser (a browser audit's four leftovers): one feedback control, a Stop
that does nothing while nothing streams, an honest document count, toasts that go and do not repeat.

The bundled sample article (one article as .txt, .html and .pdf) plus a short note, the package's
FakeEmbedder and a keyword-routed chat model without delay; a stand-in ``gr.Request``.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import gradio as gr
import pytest

from rag import Assistant
from rag.testing import FakeEmbedder, routed_chat_model
from rag.ui.app import STOPPED, ChatApp, Handlers, build_app
from rag.ui.feedback import read_feedback
from rag.ui.live import NOTICE_S, LivePage
from rag.ui.render import corpus_count, rendering_title, renderings, welcome_html
from rag.ui.settings import UISettings

SAMPLE = Path(__file__).resolve().parents[2] / "corpus" / "sample"
SAMPLE_TITLE = "Azerbaijan’s September 2022 offensive against Armenia"
HARBOUR = ("Tarvik harbour\n\nThe new harbour at Tarvik opened in 2011 after four years of building work. "
           "It handles grain and timber shipments for the whole northern coast.\n")
Q = "When did the Tarvik harbour open?"
ROUTES = [("harbour open", "The new harbour at Tarvik opened in 2011 after four years of building work [1].")]


@pytest.fixture(scope="module")
def chat(tmp_path_factory: pytest.TempPathFactory) -> ChatApp:
    root = tmp_path_factory.mktemp("polish-unit")
    corpus = root / "corpus"
    shutil.copytree(SAMPLE, corpus)
    (corpus / "harbour.txt").write_text(HARBOUR, encoding="utf-8")
    assistant = Assistant(index_dir=root / "index", embedder=FakeEmbedder(), backend="openai",
                          chat_model=routed_chat_model(ROUTES, delay_s=0.0))
    assert assistant.ingest([corpus], progress=False).ok
    return build_app(assistant, UISettings(corpus_dir=str(corpus), feedback_path=str(root / "feedback.jsonl")))


@pytest.fixture
def handlers(chat: ChatApp) -> Handlers:
    return chat.handlers


def _request(session: str, user: str | None = None) -> Any:
    return SimpleNamespace(username=user, session_hash=session)


def _respond(handlers: Handlers, question: str, session: str) -> Any:
    return handlers.respond(question, [], "openai", "", 4, False, [], "", "", "", [], _request(session))


# ----------------------------------------------------------------------------- 1. one feedback control
def test_the_chat_thumbs_and_flag_are_the_only_feedback_control(chat: ChatApp) -> None:
    ids = {getattr(block, "elem_id", None) for block in chat.blocks.blocks.values()}
    assert not ids & {"fb-up", "fb-down", "fb-wrong"}, "the buttons under the sources panel are gone"
    assert not hasattr(chat.handlers, "feedback")
    chatbot = next(b for b in chat.blocks.blocks.values() if getattr(b, "elem_id", None) == "chat")
    assert list(chatbot.feedback_options) == ["Like", "Dislike", "Wrong citation"]
    status = next(b for b in chat.blocks.blocks.values() if getattr(b, "elem_id", None) == "feedback-status")
    likes = [d for d in chat.blocks.fns.values() if any(t[1] == "like" for t in d.targets)]
    assert len(likes) == 1 and [o._id for o in likes[0].outputs] == [status._id]


def test_feedback_from_the_chat_is_recorded_as_before(chat: ChatApp, handlers: Handlers) -> None:
    turns = list(_respond(handlers, Q, "fb-page"))[-1][1]
    like = SimpleNamespace(index=1, liked=True, value="")
    assert handlers.like(turns, like, _request("fb-page", "alice")) == "Thank you: answer 1 marked “helpful”."
    flag = SimpleNamespace(index=1, liked="Wrong citation", value="")
    assert "“wrong citation”" in handlers.like(turns, flag, _request("fb-page", "alice"))
    lines = read_feedback(chat.service.settings.feedback_path)[-2:]
    assert [(line["feedback"], line["user"], line["question"]) for line in lines] == [
        ("up", "alice", Q), ("wrong_citation", "alice", Q)]
    assert "2011" in lines[0]["answers"][0] and lines[0]["answer"] == turns[0]["answer"]


# ----------------------------------------------------------------------------- 2. Stop
def test_stop_with_nothing_streaming_leaves_nothing_behind(handlers: Handlers) -> None:
    handlers.stop(_request("idle-page"))  # e.g. Enter on the focused button after the answer ended
    assert not handlers.pages.get("idle-page").stop.is_set()
    turns = list(_respond(handlers, Q, "idle-page"))[-1][1]
    assert turns[-1]["answer"] is not None and turns[-1]["error"] is None


def test_stop_as_soon_as_the_answer_shows_is_not_lost(handlers: Handlers) -> None:
    answer = _respond(handlers, Q, "quick-stop")
    chat, *_ = next(answer)  # the chat shows the answer streaming: Stop is live from here
    assert "rag-streaming" in chat[-1]["content"]
    handlers.stop(_request("quick-stop"))
    turns = list(answer)[-1][1]
    assert turns[-1]["answer"] is None and turns[-1]["error"] == STOPPED


# ----------------------------------------------------------------------------- 3. the document count
def test_renderings_of_one_article_count_once() -> None:
    docs = [SimpleNamespace(source="/c/000_37ea.html", title=SAMPLE_TITLE),
            SimpleNamespace(source="/c/000_37ea.pdf", title=SAMPLE_TITLE),
            SimpleNamespace(source="/c/000_37ea.txt", title="000 37ea"),
            SimpleNamespace(source="/c/other/000_37ea.txt", title="000 37ea"),  # another folder: another one
            SimpleNamespace(source="/c/harbour.txt", title="Tarvik harbour")]
    groups = renderings(docs)
    assert [len(g) for g in groups] == [3, 1, 1]
    assert [rendering_title(g) for g in groups] == [SAMPLE_TITLE, "000 37ea", "Tarvik harbour"]
    assert rendering_title([docs[2], docs[0]]) == SAMPLE_TITLE  # a real title wins over a file name's
    assert corpus_count(len(groups), len(docs)) == "3 documents in 5 files"
    assert corpus_count(1, 1) == "1 document" and corpus_count(2) == "2 documents"
    assert "<strong>1 document in 3 files</strong> loaded" in welcome_html(1, None, [SAMPLE_TITLE], files=3)


def test_first_screen_and_documents_tab_count_the_sample_article_once(handlers: Handlers) -> None:
    panel = handlers.first_screen(_request("count-page"))[0]
    assert "2 documents in 4 files" in panel and "4 documents" not in panel
    recent = panel.split('<ul class="rag-recent">', 1)[1].split("</ul>", 1)[0]
    assert recent.count("<li>") == 2 and SAMPLE_TITLE in recent and "37ea4592f850c55e" not in recent
    table, *_ = handlers.documents(_request("count-page"))
    assert table["label"] == "Indexed documents (2 documents in 4 files)"
    assert len(table["value"]) == 4  # the table still lists every file: files are what is removed


# ----------------------------------------------------------------------------- 4. toasts
@pytest.fixture
def toasts(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, Any]]:
    shown: list[tuple[str, str, Any]] = []
    for level in ("Info", "Warning"):
        monkeypatch.setattr(gr, level, lambda message, *a, level=level, **k: shown.append(
            (level, message, k.get("duration", "Gradio's default"))))
    return shown


def test_toasts_go_by_themselves_and_a_repeat_is_not_stacked(handlers: Handlers,
                                                             toasts: list[tuple[str, str, Any]]) -> None:
    for _ in range(4):
        list(_respond(handlers, "  ", "toast-page"))
    for _ in range(3):
        list(handlers.regenerate([], "openai", "", 4, False, [], "", "", "", [], _request("toast-page")))
    handlers.edit_last([], _request("toast-page"))
    handlers.copy_text([], None, _request("toast-page"))
    handlers.export([], _request("toast-page"))
    assert toasts == [("Info", "Type a question first.", NOTICE_S),
                      ("Warning", "Nothing to regenerate yet.", NOTICE_S),
                      ("Warning", "Nothing to edit yet.", NOTICE_S),
                      ("Warning", "No answer to copy yet.", NOTICE_S),
                      ("Warning", "Nothing to export yet: ask a question first.", NOTICE_S)]
    list(_respond(handlers, "", "another-page"))  # another page has not seen it
    assert toasts[-1] == ("Info", "Type a question first.", NOTICE_S)
    assert 2 <= NOTICE_S <= 6  # a few seconds: Gradio's default of ten let repeated clicks pile up


def test_a_toast_shows_again_once_the_last_one_has_gone() -> None:
    page = LivePage()
    assert page.shows("Nothing to edit yet.", now=100.0)
    assert not page.shows("Nothing to edit yet.", now=100.0 + NOTICE_S - 0.1)
    assert page.shows("Nothing to copy yet.", now=101.0)  # other words are another toast
    assert page.shows("Nothing to edit yet.", now=100.0 + NOTICE_S)
    assert set(page.notices) == {"Nothing to edit yet.", "Nothing to copy yet."}
    assert page.shows("Later words.", now=200.0) and set(page.notices) == {"Later words."}  # old ones forgotten
