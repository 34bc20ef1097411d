"""Chat handlers without a browser (issue 11): queued questions, the trash icon, filter chips, removal.

A real :class:`rag.Assistant` over a tiny corpus with the FakeEmbedder and a
keyword-routed chat model (no delay), and a stand-in ``gr.Request``.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from rag import Assistant
from rag.testing import FakeEmbedder, routed_chat_model
from rag.ui.app import DOC_HEADERS, NO_DATE, Handlers
from rag.ui.render import filter_chips, filter_chips_html
from rag.ui.service import ResearchService
from rag.ui.settings import UISettings
from rag.ui.sources import document_id

Q1 = "When did the Tarvik harbour open?"
Q2 = "What does the Tarvik harbour handle?"
ROUTES = [("harbour open", "The new harbour at Tarvik opened in 2011 [1]."),
          ("harbour handle", "It handles grain and timber shipments [1].")]


@pytest.fixture(scope="module")
def handlers(tmp_path_factory: pytest.TempPathFactory) -> Handlers:
    root = tmp_path_factory.mktemp("chat-unit")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "harbour.txt").write_text(
        "Tarvik harbour\n\nThe new harbour at Tarvik opened in 2011 after four years of building work. "
        "It handles grain and timber shipments for the whole northern coast.\n", encoding="utf-8")
    (corpus / "dated.md").write_text("---\ntitle: Dated note\ndate: 2019-05-01\n---\n\nA short dated note "
                                     "about fishing quotas.\n", encoding="utf-8")
    assistant = Assistant(index_dir=root / "index", embedder=FakeEmbedder(), backend="openai",
                          chat_model=routed_chat_model(ROUTES, delay_s=0.0))
    assert assistant.ingest([corpus], progress=False).ok
    settings = UISettings(corpus_dir=str(corpus), feedback_path=str(root / "feedback.jsonl"))
    return Handlers(ResearchService(assistant, settings))


def _request(session: str, user: str | None = None) -> Any:
    return SimpleNamespace(username=user, session_hash=session)


def _respond(handlers: Handlers, question: str, turns: list[Any], session: str) -> Any:
    return handlers.respond(question, turns, "openai", "", 4, False, [], "", "", "", [], _request(session))


def test_a_question_sent_while_another_streams_waits_and_keeps_both_turns(handlers: Handlers) -> None:
    first = _respond(handlers, Q1, [], "page-1")
    chat, *_ = next(first)  # Q1 is streaming
    second = _respond(handlers, Q2, [], "page-1")  # the page's state did not have Q1's turn yet
    *_, textbox = next(second)
    assert textbox == ""  # taken from the box, waiting
    outputs = list(first)
    chat, turns = outputs[-1][0], outputs[-1][1]
    assert [t["question"] for t in turns] == [Q1]
    assert "queued" in chat[-1]["content"] and Q2.split()[0] in chat[-1]["content"]
    outputs = list(second)
    turns = outputs[-1][1]
    assert [t["question"] for t in turns] == [Q1, Q2]
    assert "2011" in turns[0]["answer"]["answer"] and "grain" in turns[1]["answer"]["answer"]


def test_other_pages_do_not_wait_for_each_other(handlers: Handlers) -> None:
    first = _respond(handlers, Q1, [], "page-a")
    next(first)
    outputs = list(_respond(handlers, Q2, [], "page-b"))
    assert [t["question"] for t in outputs[-1][1]] == [Q2]
    list(first)


def test_clearing_resets_what_the_next_question_builds_on(handlers: Handlers) -> None:
    turns = list(_respond(handlers, Q1, [], "page-2"))[-1][1]
    assert len(turns) == 1
    chat, state, selected, panel, note, export = handlers.clear(_request("page-2"))
    assert chat == [] and state == [] and selected is None and "rag-welcome" in panel
    assert export["visible"] is False
    turns = list(_respond(handlers, Q2, turns, "page-2"))[-1][1]  # even with a stale state
    assert [t["question"] for t in turns] == [Q2]


def test_filter_chips_name_every_active_filter() -> None:
    chips = filter_chips({"sources": ["abc"], "collections": ["news"], "title": " treaty ",
                          "date_from": "2020-01-01", "date_to": ""}, {"abc": "Harbour report"})
    assert chips == ["Documents: Harbour report", "Collections: news", "Title contains “treaty”",
                     "Published from 2020-01-01"]
    assert filter_chips({}) == [] and filter_chips_html([]) == ""
    html = filter_chips_html(["Published from 2020-01-01", "<b>"], undated=3)
    assert "&lt;b&gt;" in html and "leaves out the 3 document(s) without a date" in html


def test_a_refusal_under_filters_says_the_filters_may_be_why(handlers: Handlers) -> None:
    outputs = list(handlers.respond(Q1, [], "openai", "", 4, False, [], "", "2030-01-01", "", [],
                                    _request("page-3")))
    turns, panel = outputs[-1][1], outputs[-1][3]
    assert turns[0]["answer"]["refused"]
    assert "Filters were on: Published from 2030-01-01" in panel and "may have excluded" in panel
    chips = handlers.chips([], [], "", "2030-01-01", "", _request("page-3"))
    assert "Published from 2030-01-01" in chips and "without a date" in chips


def test_documents_table_has_a_date_column_that_says_when_none_was_found(handlers: Handlers) -> None:
    table = handlers.documents(_request("page-4"))[0]["value"]
    dates = {row[1]: row[DOC_HEADERS.index("Date")] for row in table}
    assert dates == {"harbour.txt": NO_DATE, "dated.md": "2019-05-01"}


def test_removal_asks_for_confirmation_first(handlers: Handlers) -> None:
    service = handlers.service
    source = next(d.source for d in service.documents(None) if d.source.endswith("dated.md"))
    row, question, message = handlers.confirm_remove(document_id(source), _request("page-5"))
    assert row["visible"] and "Dated note" in question and "stays in the corpus folder" in question
    assert source in {d.source for d in service.documents(None)}  # nothing removed yet
    row, question, message = handlers.confirm_remove(None, _request("page-5"))
    assert not row["visible"] and "Choose a document" in message


def test_upload_and_remove_controls_only_for_editors(tmp_path: Path) -> None:
    from rag.ui.access import AccessPolicy, hash_password

    policy = AccessPolicy.from_mapping({"users": {
        "ed": {"password": hash_password("pw-ed-123", iterations=1000), "groups": ["editors"]},
        "ann": {"password": hash_password("pw-ann-123", iterations=1000), "groups": []}}})
    assistant = Assistant(index_dir=tmp_path / "index", embedder=FakeEmbedder())
    service = ResearchService(assistant, UISettings(corpus_dir=str(tmp_path), editor_groups=("editors",)), policy)
    handlers = Handlers(service)
    upload, remove, note = handlers.editing(_request("p", "ann"))
    assert upload["visible"] is False and remove["visible"] is False and "editors" in note
    upload, remove, note = handlers.editing(_request("p", "ed"))
    assert upload["visible"] is True and remove["visible"] is True and note == ""


def test_answers_are_saved_and_reopen_in_a_new_page(handlers: Handlers) -> None:
    browser, listing = handlers.start_conversations(None, _request("page-6"))
    assert browser and listing["choices"] == []
    turns = list(_respond(handlers, Q1, [], "page-6"))[-1][1]
    cid, listing = handlers.save_conversation(turns, None, browser, _request("page-6"))
    assert listing["value"] == cid and listing["choices"][0][0].startswith(Q1)
    # A reload: a new page of the same browser lists it and reopens it, and follow-ups build on it.
    _, listing = handlers.start_conversations(browser, _request("page-7"))
    assert [c[1] for c in listing["choices"]] == [cid]
    chat, reopened, _, panel, opened, _ = handlers.open_conversation(cid, browser, _request("page-7"))
    assert opened == cid and [t["question"] for t in reopened] == [Q1] and "2011" in chat[1]["content"]
    turns = list(_respond(handlers, Q2, [], "page-7"))[-1][1]
    assert [t["question"] for t in turns] == [Q1, Q2]
    # Another browser sees none of it.
    _, listing = handlers.start_conversations("another-browser", _request("page-8"))
    assert listing["choices"] == []
    assert handlers.open_conversation(cid, "another-browser", _request("page-8"))[4] != cid


def test_first_screen_names_the_corpus_and_offers_questions_from_it(handlers: Handlers) -> None:
    panel, row, *buttons = handlers.first_screen(_request("page-9"))
    assert "2 documents" in panel and "last updated" in panel and "Dated note" in panel
    assert "What it does not do" in panel
    shown = [b["value"] for b in buttons if b.get("visible")]
    assert row["visible"] and len(shown) == 2
    assert any("Tarvik harbour" in q for q in shown) and any("Dated note" in q for q in shown)
    # The newest document (by its own date) comes first.
    assert panel.index("Dated note") < panel.index("Tarvik harbour")
    assert "2 documents" in handlers.clear(_request("page-9"))[3]  # a new conversation shows it again


def test_example_questions_come_from_titles() -> None:
    from rag.ui.render import example_questions

    questions = example_questions(["Truce talks", "truce talks", "x", "Tarvik harbour opens"])
    assert questions == ["What are the main points of “Truce talks”?",
                         "What does “Tarvik harbour opens” say happened, and when?"]


def test_a_reload_reopens_the_conversation_the_browser_had_open(handlers: Handlers) -> None:
    browser, _ = handlers.start_conversations(None, _request("page-10"))
    turns = list(_respond(handlers, Q1, [], "page-10"))[-1][1]
    cid, _ = handlers.save_conversation(turns, None, browser, _request("page-10"))
    chat, reopened, _, _, opened, _ = handlers.resume(cid, browser, _request("page-11"))
    assert opened == cid and [t["question"] for t in reopened] == [Q1]
    assert all(v == {"__type__": "update"} for v in handlers.resume(cid, "stranger", _request("page-12")))
    assert all(v == {"__type__": "update"} for v in handlers.resume(None, browser, _request("page-12")))


def test_only_one_question_per_page_waits_behind_a_running_answer(handlers: Handlers) -> None:
    first = _respond(handlers, Q1, [], "page-13")
    next(first)
    second = _respond(handlers, Q2, [], "page-13")
    assert next(second)[4] == ""  # queued
    third = list(_respond(handlers, "And a third question?", [], "page-13"))
    assert len(third) == 1 and third[0][4] == {"__type__": "update"}  # refused, left in the box
    list(first)
    assert [t["question"] for t in list(second)[-1][1]] == [Q1, Q2]


def test_example_questions_skip_titles_made_from_hashed_file_names() -> None:
    # Found in a browser audit: the sample .txt has no heading, so its title is "000 37ea4592f850c55e" and the
    # one-click example built from it was refused.
    from rag.ui.render import example_questions

    questions = example_questions(["000 37ea4592f850c55e", "Drone doctrine 2023", "Report B52 review"])
    assert not any("37ea4592f850c55e" in q for q in questions)
    assert any("Drone doctrine 2023" in q for q in questions) and any("Report B52 review" in q for q in questions)


def test_an_empty_question_says_what_to_do_and_changes_nothing(handlers: Handlers,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import gradio as gr

    shown: list[str] = []
    monkeypatch.setattr(gr, "Info", lambda message, *a, **k: shown.append(message))
    outputs = list(_respond(handlers, "   ", [], "page-empty"))
    assert shown == ["Type a question first."]
    assert len(outputs) == 1 and outputs[0][:4] == (gr.skip(),) * 4 and outputs[0][4] == ""


def test_who_wrote_is_offered_only_for_a_document_that_knows_its_author() -> None:
    from rag.ui.render import example_questions

    titles = ["Truce talks", "Tarvik harbour opens", "Drone doctrine 2023", "Grid attack review"]
    offered = example_questions(titles, authored={"Drone doctrine 2023"})
    assert "Who wrote “Drone doctrine 2023”?" in offered
    assert example_questions(titles, authored=set())[2] == "What does “Drone doctrine 2023” conclude?"
