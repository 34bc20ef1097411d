"""The web UI without a browser: handlers, rendering, feedback, export, access control, uploads.

A real :class:`rag.Assistant` over a tiny corpus with the package's FakeEmbedder,
so every test runs in well under a second after the index is built.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from rag import Assistant
from rag.eval.datasets import EvalItem
from rag.testing import FakeEmbedder
from rag.ui.access import AccessError, AccessPolicy, hash_password, verify_password
from rag.ui.access import main as access_main
from rag.ui.feedback import EVAL_KEYS, FEEDBACK_KINDS, feedback_record, feedback_to_eval, read_feedback
from rag.ui.render import answer_html, export_markdown, passage_html, sources_html, turn_messages
from rag.ui.service import ResearchService
from rag.ui.settings import UISettings, UISettingsError
from rag.ui.sources import document_id, source_url

KARSK = "When was the Karsk treaty on naval cooperation signed?"
VIENNA = "Where did the council meet in May 2015?"
NIGHTJAR = "When was Project Nightjar approved by the defence ministry?"
OFF_CORPUS = "Who won the 2018 FIFA World Cup?"

PW = {"alice": "alice-pw", "bob": "bob-pw"}


def _users() -> dict[str, Any]:
    # Few iterations: the hash format is what matters here, not its cost.
    return {"users": {"alice": {"password": hash_password(PW["alice"], iterations=1000), "groups": ["analysts"]},
                      "bob": {"password": hash_password(PW["bob"], iterations=1000), "groups": []}},
            "collections": {"restricted": ["analysts"]}}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ui-corpus")
    (root / "corpus" / "open").mkdir(parents=True)
    (root / "corpus" / "secret").mkdir(parents=True)
    (root / "corpus" / "open" / "karsk.txt").write_text(
        "Naval cooperation\n\nThe Karsk treaty on naval cooperation was signed in 2004 by the two admiralties. "
        "It covers joint patrols in the northern sea.\n", encoding="utf-8")
    (root / "corpus" / "open" / "vienna.txt").write_text(
        "Council notes\n\nThe <script>alert(1)</script> council met in Vienna on 12 May 2015 to discuss border "
        "monitoring. Delegates agreed on a follow-up meeting.\n", encoding="utf-8")
    (root / "corpus" / "secret" / "nightjar.txt").write_text(
        "Project Nightjar\n\nProject Nightjar was approved by the defence ministry in March 2019 after a "
        "long review.\n", encoding="utf-8")
    assistant = Assistant(index_dir=root / "index", embedder=FakeEmbedder())
    assert assistant.ingest([root / "corpus" / "open"], progress=False).ok
    assert assistant.ingest([root / "corpus" / "secret"], collection="restricted", progress=False).ok
    return root


@pytest.fixture
def assistant(corpus: Path) -> Assistant:
    # The fake embedder's similarities are arbitrary, so the learned answerability (fitted on real ones) is
    # low for every sentence; these tests are about the panels, not about refusing.
    return Assistant(index_dir=corpus / "index", embedder=FakeEmbedder(), min_answerability=0.0)


@pytest.fixture
def settings(corpus: Path, tmp_path: Path) -> UISettings:
    return UISettings(corpus_dir=str(tmp_path / "corpus"), feedback_path=str(tmp_path / "feedback.jsonl"),
                      max_file_mb=0.01)


def handlers_for(assistant: Assistant, settings: UISettings, policy: AccessPolicy | None = None) -> Any:
    from rag.ui.app import build_app

    return build_app(assistant, settings, policy or AccessPolicy()).handlers


def signed_in_app(routes: list[Any], policy: Any, clock: Any = None, idle_s: float = 1800.0,
                  may_upload: Any = None) -> tuple[Any, Any, dict[str, str]]:
    """A Starlette app with ``routes`` behind the app's SessionGuard, and live sessions for alice and bob.

    Returns (app, the SessionStore, user -> session token for the cookie ``rag.ui.sessions.SESSION_COOKIE``).
    """
    from starlette.applications import Starlette
    from starlette.middleware import Middleware

    from rag.ui.sessions import SessionGuard, SessionStore

    sessions = SessionStore(idle_timeout_s=idle_s, **({"clock": clock} if clock else {}))
    app = Starlette(routes=routes, middleware=[Middleware(SessionGuard, sessions=sessions,
                                                          policy=policy if callable(policy) else lambda: policy,
                                                          may_upload=may_upload)])
    return app, sessions, {user: sessions.start(user) for user in ("alice", "bob")}


def request(user: str | None = None) -> Any:
    """Stand-in for gr.Request: the handlers only read ``username``."""
    return SimpleNamespace(username=user)


def final(outputs: Iterator[tuple[Any, ...]]) -> tuple[Any, ...]:
    *_, last = list(outputs)
    return last


def ask(handlers: Any, question: str, turns: list[Any] | None = None, user: str | None = None,
        **settings: Any) -> tuple[Any, ...]:
    values = dict(backend="extractive", model="", k=5, strict=False, sources=[], title="", date_from="",
                  date_to="", collections=[])
    values.update(settings)
    return final(handlers.respond(question, turns or [], *values.values(), request(user)))


# ----------------------------------------------------------------------------- chat and sources panel
def test_chat_streams_then_shows_the_verified_answer(assistant: Assistant, settings: UISettings) -> None:
    handlers = handlers_for(assistant, settings)
    steps = list(handlers.respond(KARSK, [], "extractive", "", 5, False, [], "", "", "", [], request()))
    assert len(steps) > 2, "the answer should arrive in pieces"
    assert "rag-streaming" in steps[1][0][-1]["content"]
    assert steps[0][4] == ""  # the question leaves the box at once…
    chat, turns, selected, _, textbox = steps[-1]
    # …and the finished answer leaves the box alone: the reader may be typing the next question.
    assert selected == 0 and textbox == {"__type__": "update"}
    assert [m["role"] for m in chat] == ["user", "assistant"]
    assert "2004" in chat[-1]["content"] and "[1]" in chat[-1]["content"]
    assert turns[0]["answer"]["citations"][0]["source"].endswith("karsk.txt")


def test_sources_panel_highlights_the_quote_and_escapes_document_text(
        assistant: Assistant, settings: UISettings) -> None:
    chat, turns, _, panel, _ = ask(handlers_for(assistant, settings), VIENNA)
    assert "<mark>" in panel and "Vienna" in panel.split("<mark>", 1)[1].split("</mark>", 1)[0]
    # The document says "<script>": it must arrive as text, in the panel and in the chat.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in panel
    assert "<script>" not in panel and "<script>" not in chat[-1]["content"]
    citation = turns[0]["answer"]["citations"][0]
    assert f'href="source/{document_id(citation["source"])}"' in panel


def test_follow_up_uses_the_conversation(assistant: Assistant, settings: UISettings) -> None:
    handlers = handlers_for(assistant, settings)
    _, turns, *_ = ask(handlers, KARSK)
    chat, turns, selected, _, _ = ask(handlers, "And when was it signed?", turns)
    assert len(turns) == 2 and selected == 1 and len(chat) == 4
    assert "2004" in chat[-1]["content"]
    assert turns[1]["answer"]["standalone_question"] != "And when was it signed?"


def test_selecting_an_earlier_message_shows_its_sources(assistant: Assistant, settings: UISettings) -> None:
    handlers = handlers_for(assistant, settings)
    # Two separate questions, so the second is not read as a follow-up of the first.
    turns = ask(handlers, KARSK)[1] + ask(handlers, VIENNA)[1]
    panel, index = handlers.select(turns, SimpleNamespace(index=1))  # the first answer's message
    assert index == 0 and "answer 1 of 2" in panel and "Karsk" in panel
    panel, index = handlers.select(turns, SimpleNamespace(index=3))
    assert index == 1 and "Vienna" in panel


def test_refusal_looks_like_a_refusal_with_related_documents(assistant: Assistant, settings: UISettings) -> None:
    chat, turns, _, panel, _ = ask(handlers_for(assistant, settings), OFF_CORPUS)
    assert turns[0]["answer"]["refused"]
    assert "rag-refusal" in chat[-1]["content"] and "No answer found" in chat[-1]["content"]
    assert "rag-refusal-box" in panel and "No answer in the sources" in panel
    if turns[0]["answer"]["related"]:
        assert "Closest documents" in panel and "source/" in panel


def test_unsupported_sentences_are_marked() -> None:
    answer = {"question": "q", "answer": "A [1]. B [1].", "refused": False,
              "sentences": [{"text": "A.", "citations": [1], "support": 0.9, "supported": True},
                            {"text": "B <i>x</i>.", "citations": [1], "support": 0.1, "supported": False}],
              "citations": []}
    html = answer_html(answer)
    assert html.count("rag-unsupported") == 1 and "⚠ B &lt;i&gt;x&lt;/i&gt;. [1]" in html
    panel = sources_html([{"question": "q", "answer": answer}], None)
    assert "1 sentence(s) not supported" in panel and "⚠ unsupported 0.10" in panel


def test_passage_html_offsets_are_document_offsets() -> None:
    citation = {"text": "abc <def> ghi", "start": 100, "quote_start": 104, "quote_end": 109}
    assert passage_html(citation) == "abc <mark>&lt;def&gt;</mark> ghi"
    assert "<mark>" not in passage_html({**citation, "quote_start": 90})  # outside the passage: no guess
    assert passage_html({"text": "<x>", "start": 0}) == "&lt;x&gt;"


def test_pdf_citations_link_to_their_page() -> None:
    assert source_url("/c/a.pdf", 3) == f"source/{document_id('/c/a.pdf')}#page=3"
    assert source_url("/c/a.txt", 3) == f"source/{document_id('/c/a.txt')}"


def test_backend_errors_become_a_message_not_a_crash(assistant: Assistant, settings: UISettings) -> None:
    chat, turns, _, panel, _ = ask(handlers_for(assistant, settings), KARSK, date_from="last week")
    assert turns[0]["answer"] is None and "date_from" in turns[0]["error"]
    assert "rag-error" in chat[-1]["content"] and "rag-error" in panel


def test_filters_reach_the_library(assistant: Assistant, settings: UISettings) -> None:
    handlers = handlers_for(assistant, settings)
    vienna = next(d.source for d in assistant.documents() if d.source.endswith("vienna.txt"))
    _, turns, *_ = ask(handlers, KARSK, sources=[document_id(vienna)])
    cited = {c["source"] for c in (turns[0]["answer"] or {}).get("citations", [])}
    assert cited <= {vienna}
    _, turns, *_ = ask(handlers, KARSK, title="no such title")
    assert turns[0]["answer"]["refused"]


def test_the_passages_slider_at_its_start_lets_the_library_choose_k(
        assistant: Assistant, settings: UISettings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The chat always sends the slider's value; at its starting value that must mean "the default", or
    analytic questions lose the wider retrieval (analytic_k) that `rag ask` gives them."""
    seen: list[int | None] = []
    stream = assistant.stream

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs.get("k"))
        return stream(*args, **kwargs)

    monkeypatch.setattr(assistant, "stream", spy)
    handlers = handlers_for(assistant, settings)
    start = min(assistant.config.k, settings.max_k)
    assert handlers.service.default_k == start
    ask(handlers, "What are the main points of the Karsk treaty?", k=start)
    ask(handlers, "What are the main points of the Karsk treaty?", k=float(start))  # as a Gradio slider sends it
    ask(handlers, KARSK, k=start - 2)
    assert seen == [None, None, start - 2]


# ----------------------------------------------------------------------------- feedback
def _answered() -> dict[str, Any]:
    return {"question": "When?", "standalone_question": "When was it signed?", "answer": "In 2004. [1]",
            "refused": False, "citations": [{"id": 1, "source": "/c/karsk.txt", "text": "Signed in 2004.",
                                              "quote": "Signed in 2004."}],
            "sentences": [], "related": [], "retrieved": []}


def _refused() -> dict[str, Any]:
    return {"question": OFF_CORPUS, "answer": "The sources do not contain an answer to this question.",
            "refused": True, "citations": [], "sentences": [],
            "related": [{"source": "/c/karsk.txt", "title": "Naval cooperation", "score": 0.1}]}


@pytest.mark.parametrize("kind", FEEDBACK_KINDS)
@pytest.mark.parametrize("make", [_answered, _refused])
def test_feedback_lines_are_valid_eval_items(kind: str, make: Any) -> None:
    answer = make()
    record = feedback_record(answer, kind, user="alice", now=datetime(2025, 1, 2, tzinfo=UTC))
    item = EvalItem.from_dict({k: record[k] for k in EVAL_KEYS})  # raises on anything invalid
    assert record["feedback"] == kind and record["answer"] == answer
    assert record["user"] == "alice" and record["time"] == "2025-01-02T00:00:00+00:00"
    assert isinstance(record["answers"], list)
    assert item.answerable == (not (kind == "up" and answer["refused"]))
    if kind == "up" and not answer["refused"]:
        assert record["answers"] == ["In 2004."] and record["evidence"] == ["Signed in 2004."]
        assert record["question"] == "When was it signed?"  # the standalone form


def test_feedback_is_appended_as_jsonl(assistant: Assistant, settings: UISettings) -> None:
    handlers = handlers_for(assistant, settings)
    _, turns, *_ = ask(handlers, KARSK)
    _, turns, *_ = ask(handlers, OFF_CORPUS, turns)
    # The chat's thumbs and flag are the only feedback control (message 2k+1 is answer k).
    assert "helpful" in handlers.like(turns, SimpleNamespace(index=1, liked=True, value=""), request("alice"))
    assert "wrong citation" in handlers.like(turns, SimpleNamespace(index=3, liked="Wrong citation", value=""),
                                             request("alice"))
    assert "not helpful" in handlers.like(turns, SimpleNamespace(index=3, liked=False, value=""), request())
    handlers.like(turns, SimpleNamespace(index=3, liked=False, value=""), request())  # a double fire
    lines = read_feedback(settings.feedback_path)
    assert [line["feedback"] for line in lines] == ["up", "wrong_citation", "down"]
    assert len({line["id"] for line in lines}) == 3
    for line in lines:
        EvalItem.from_dict({k: line[k] for k in EVAL_KEYS})
        assert set(line) >= {"feedback", "answer", "user", "time"}
    assert [i["question"] for i in feedback_to_eval(lines)] == [KARSK]
    assert "no answer" in handlers.like([], SimpleNamespace(index=1, liked=True, value=""), request())


# ----------------------------------------------------------------------------- export
def test_export_renumbers_markers_into_one_bibliography() -> None:
    cite = {"id": 1, "source": "/c/a.pdf", "title": "Report <A>", "page": 2, "start": 0, "end": 10,
            "text": "0123456789", "quote": "2004 deal"}
    other = {**cite, "source": "/c/b.txt", "title": "Notes", "page": None, "quote": "Vienna"}
    turns = [
        {"question": "First?", "answer": {"answer": "X [1].", "refused": False, "citations": [cite],
                                          "sentences": [{"text": "X.", "citations": [1], "supported": True}]}},
        {"question": "Second?", "answer": {"answer": "Y [1]. Z [2].", "refused": False,
                                           "citations": [other, {**cite, "id": 2}],
                                           "sentences": [{"text": "Y.", "citations": [1], "supported": True},
                                                         {"text": "Z.", "citations": [2], "supported": False}]}},
        {"question": OFF_CORPUS, "answer": _refused()},
    ]
    md = export_markdown(turns, user="alice", now=datetime(2025, 1, 2, tzinfo=UTC))
    assert "## 1. First?" in md and "X. [1]" in md
    assert "Y. [2]" in md and "⚠ *(unsupported)* Z. [1]" in md  # the same passage keeps its number
    bibliography = md.split("## Bibliography", 1)[1]
    assert "**[1]** Report \\<A\\>. a.pdf, p. 2. “2004 deal”" in bibliography
    assert "**[2]** Notes. b.txt. “Vienna”" in bibliography and "**[3]**" not in bibliography
    assert "*No answer:" in md and "by alice" in md


def test_export_handler_writes_a_downloadable_file(assistant: Assistant, settings: UISettings) -> None:
    handlers = handlers_for(assistant, settings)
    _, turns, *_ = ask(handlers, KARSK)
    update = handlers.export(turns, request("alice"))
    token = update["value"].split('href="export/', 1)[1].split('"', 1)[0]
    path = handlers.service.export_path(token, "alice")
    assert update["visible"] and path is not None and path.suffix == ".md" and path.is_file()
    text = path.read_text(encoding="utf-8")
    assert "## Bibliography" in text and "karsk.txt" in text


# ----------------------------------------------------------------------------- access control
@pytest.fixture
def policy() -> AccessPolicy:
    return AccessPolicy.from_mapping(_users())


def test_a_user_outside_the_group_never_gets_restricted_passages(
        assistant: Assistant, settings: UISettings, policy: AccessPolicy) -> None:
    handlers = handlers_for(assistant, settings, policy)
    for user in ("bob", None):
        outputs = list(handlers.respond(NIGHTJAR, [], "extractive", "", 20, False, [], "", "", "", [],
                                        request(user)))
        turns = outputs[-1][1]
        assert turns[0]["answer"]["refused"]
        everything = json.dumps([o for step in outputs for o in step if isinstance(o, (str, list, dict))],
                                default=str)
        assert "Nightjar" not in everything.replace(NIGHTJAR, "") and "nightjar.txt" not in everything
        # Asking for the collection by name does not open it either.
        _, turns, *_ = ask(handlers, NIGHTJAR, user=user, collections=["restricted"])
        assert turns[0]["answer"]["refused"] and not turns[0]["answer"]["citations"]
    _, turns, _, panel, _ = ask(handlers, NIGHTJAR, user="alice")
    assert "March 2019" in turns[0]["answer"]["answer"] and "<mark>" in panel


def test_document_listings_hide_restricted_documents(
        assistant: Assistant, settings: UISettings, policy: AccessPolicy) -> None:
    handlers = handlers_for(assistant, settings, policy)
    service: ResearchService = handlers.service
    names = lambda user: {Path(d.source).name for d in service.documents(user)}  # noqa: E731
    assert names("alice") == {"karsk.txt", "vienna.txt", "nightjar.txt"}
    assert names("bob") == {"karsk.txt", "vienna.txt"}
    assert names(None) == set() and names("mallory") == set()  # login is on: no session, no documents
    who, table, remove_choices, source_choices, collections = handlers.refresh(request("bob"))
    assert "bob" in who
    assert "nightjar" not in json.dumps([table, remove_choices, source_choices, collections]).lower()
    secret = next(d.source for d in service.documents("alice") if d.source.endswith("nightjar.txt"))
    assert service.source_path(document_id(secret), "alice") == Path(secret)
    assert service.source_path(document_id(secret), "bob") is None
    assert "not in the index" in handlers.remove(document_id(secret), request("bob"))[0]
    assert secret in {d.source for d in assistant.documents()}


def test_api_endpoints_apply_the_same_rights(
        assistant: Assistant, settings: UISettings, policy: AccessPolicy) -> None:
    handlers = handlers_for(assistant, settings, policy)
    *_, text = handlers.api_chat(NIGHTJAR, None, request("bob"))
    assert "do not contain" in text and "March 2019" not in text
    data = handlers.api_ask(NIGHTJAR, None, 20, None, None, None, request("bob"))
    assert data["refused"] and "nightjar" not in json.dumps(data).lower().replace(NIGHTJAR.lower(), "")
    *_, text = handlers.api_chat(NIGHTJAR, None, request("alice"))
    assert "March 2019" in text and "[1]" in text
    *_, text = handlers.api_chat("And when?", [[KARSK, "The Karsk treaty ... 2004. [1]"]], request("bob"))
    assert "2004" in text


def test_source_route_serves_only_readable_indexed_files(
        assistant: Assistant, settings: UISettings, policy: AccessPolicy) -> None:
    from starlette.testclient import TestClient

    from rag.ui.app import source_route
    from rag.ui.sessions import SESSION_COOKIE

    service = ResearchService(assistant, settings, policy)
    app, _, tokens = signed_in_app([source_route(service)], policy)
    docs = {Path(d.source).name: d.source for d in service.documents("alice")}
    client = TestClient(app)
    vienna, secret = document_id(docs["vienna.txt"]), document_id(docs["nightjar.txt"])
    assert client.get(f"/source/{vienna}").status_code == 401  # not signed in
    client.cookies.set(SESSION_COOKIE, "forged-token")
    assert client.get(f"/source/{vienna}").status_code == 401
    client.cookies.set(SESSION_COOKIE, tokens["bob"])
    response = client.get(f"/source/{vienna}")
    assert response.status_code == 200 and "Vienna" in response.text
    assert response.headers["content-type"].startswith("text/plain")
    assert "sandbox" in response.headers["content-security-policy"]
    assert client.get(f"/source/{secret}").status_code == 404
    assert client.get("/source/..%2F..%2Fetc%2Fpasswd").status_code == 404
    assert client.get(f"/source/{document_id(str(Path(settings.feedback_path)))}").status_code == 404
    client.cookies.set(SESSION_COOKIE, tokens["alice"])
    assert client.get(f"/source/{secret}").status_code == 200


def test_passwords_are_hashed_and_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    stored = hash_password("s3cret", iterations=1000)
    assert stored.startswith("pbkdf2_sha256$1000$") and "s3cret" not in stored
    assert verify_password("s3cret", stored) and not verify_password("S3cret", stored)
    assert not verify_password("s3cret", "garbage")
    toml = tmp_path / "users.toml"
    toml.write_text(f'[users.carol]\npassword = "{stored}"\ngroups = ["analysts"]\n'
                    '[collections]\nrestricted = ["analysts"]\n', encoding="utf-8")
    policy = AccessPolicy.load(str(toml))
    assert policy.login_required and policy.check("carol", "s3cret") and not policy.check("carol", "x")
    assert not policy.check("nobody", "s3cret")
    assert AccessPolicy.load(json.dumps(_users())).check("bob", PW["bob"])  # inline JSON (RAG_UI_USERS)
    with pytest.raises(AccessError, match="plain"):
        AccessPolicy.from_mapping({"users": {"eve": {"password": "hunter2"}}})
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("pw-from-stdin\n"))
    assert access_main(["hash", "--password-stdin"]) == 0
    assert verify_password("pw-from-stdin", capsys.readouterr().out.strip())


def test_open_access_without_a_users_file_still_hides_restricted_collections(
        assistant: Assistant, settings: UISettings) -> None:
    policy = AccessPolicy.from_mapping({"collections": {"restricted": ["analysts"]}})
    handlers = handlers_for(assistant, settings, policy)
    _, turns, *_ = ask(handlers, NIGHTJAR)
    assert turns[0]["answer"]["refused"]
    _, turns, *_ = ask(handlers, KARSK)
    assert "2004" in turns[0]["answer"]["answer"]


# ----------------------------------------------------------------------------- uploads
def _upload(handlers: Any, paths: list[Path], collection: str = "default", user: str | None = None
            ) -> tuple[str, list[list[str]]]:
    message, rows, *_ = handlers.upload([str(p) for p in paths], collection, request(user))
    return message, rows["value"]


def test_upload_rejects_bad_files_with_reasons_and_reports_failed_ingests(
        assistant: Assistant, settings: UISettings, tmp_path: Path) -> None:
    handlers = handlers_for(assistant, settings)
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    (incoming / "tool.exe").write_bytes(b"MZ...")
    (incoming / "big.txt").write_text("x " * 10_000, encoding="utf-8")  # over the 0.01 MB test limit
    (incoming / "empty.md").write_text("", encoding="utf-8")
    (incoming / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (incoming / "lighthouse.txt").write_text(
        "Harbour notes\n\nThe Tallinn lighthouse agreement was concluded in 1999 by the port authority.\n",
        encoding="utf-8")
    before = {d.source for d in assistant.documents()}
    message, rows = _upload(handlers, sorted(incoming.iterdir()))
    status = {row[0]: (row[1], row[2]) for row in rows}
    assert status["tool.exe"][0] == "rejected" and "unsupported file type .exe" in status["tool.exe"][1]
    assert status["big.txt"][0] == "rejected" and "upload limit" in status["big.txt"][1]
    assert status["empty.md"] == ("rejected", "the file is empty")
    assert status["broken.pdf"][0] == "failed" and status["broken.pdf"][1]
    assert status["lighthouse.txt"] == ("added", "")
    assert "1 file(s) indexed" in message and "4 not indexed" in message
    # Copied into the persistent uploads folder, and nothing else was pruned from the index.
    copy = settings.uploads_path.resolve() / "default" / "lighthouse.txt"
    assert copy.is_file() and str(copy) in {d.source for d in assistant.documents()}
    assert before <= {d.source for d in assistant.documents()}
    assert not (settings.uploads_path / "default" / "broken.pdf").exists()  # a failed copy is not kept
    _, turns, *_ = ask(handlers, "When was the Tallinn lighthouse agreement concluded?")
    assert "1999" in turns[0]["answer"]["answer"]
    # The same file again is "unchanged"; the document can be removed and its copy goes with it.
    message, rows = _upload(handlers, [incoming / "lighthouse.txt"])
    assert rows == [["lighthouse.txt", "unchanged", ""]]
    assert message.startswith("0 file(s) indexed") and "1 already indexed, unchanged" in message
    message, *_ = handlers.remove(document_id(str(copy)), request())
    assert "Removed" in message and not copy.exists()


def test_upload_respects_collection_rights(assistant: Assistant, settings: UISettings, policy: AccessPolicy,
                                           tmp_path: Path) -> None:
    handlers = handlers_for(assistant, settings, policy)
    note = tmp_path / "note.txt"
    note.write_text("A short note about the Riga exercise held in 2012.\n", encoding="utf-8")
    message, rows = _upload(handlers, [note], collection="restricted", user="bob")
    assert rows[0][1] == "rejected" and "may not add" in message
    message, rows = _upload(handlers, [note], collection="../escape", user="alice")
    assert rows[0][1] == "rejected" and "not a valid name" in message
    message, rows = _upload(handlers, [note], collection="default", user=None)
    assert rows[0][1] == "rejected"  # login is on and there is no session


# ----------------------------------------------------------------------------- app wiring
def test_app_exposes_chat_and_ask_and_nothing_else(assistant: Assistant, settings: UISettings) -> None:
    from rag.ui.app import build_app

    demo = build_app(assistant, settings, AccessPolicy()).blocks
    endpoints = demo.get_api_info()["named_endpoints"]
    assert set(endpoints) == {"/chat", "/ask"}
    assert [p["parameter_name"] for p in endpoints["/chat"]["parameters"]] == ["message", "history"]


def test_theme_uses_system_fonts_only() -> None:
    import gradio as gr

    from rag.ui.app import theme

    t = theme()
    assert not any(isinstance(f, gr.themes.GoogleFont) for f in [*t.font, *t.font_mono])
    assert "googleapis" not in t._get_theme_css()


def test_turn_messages_are_two_per_turn() -> None:
    turns = [{"question": "a", "answer": _answered()}, {"question": "b", "answer": None, "error": "boom"}]
    messages = turn_messages(turns)
    assert [m["role"] for m in messages] == ["user", "assistant"] * 2 and "boom" in messages[-1]["content"]


def test_settings_from_environment(tmp_path: Path) -> None:
    settings = UISettings.load(environ={"RAG_UI_MAX_FILE_MB": "3", "RAG_UI_USERS": "/etc/users.toml",
                                        "RAG_UI_EDITOR_GROUPS": "editors, admins",
                                        "RAG_UI_CORPUS_DIR": str(tmp_path)})
    assert settings.max_file_mb == 3.0 and settings.users_file == "/etc/users.toml"
    assert settings.editor_groups == ("editors", "admins")
    assert settings.uploads_path == tmp_path / "uploads"
    with pytest.raises(UISettingsError, match="max_file_mb"):
        UISettings.load(environ={"RAG_UI_MAX_FILE_MB": "lots"})
    with pytest.raises(UISettingsError, match="unknown"):
        UISettings.load(overrides={"colour": "red"}, environ={})


@pytest.mark.network
def test_the_running_server_is_the_index_writer(tmp_path: Path) -> None:
    # Another process writing to an embedded index behind the server's back would leave the
    # server's Chroma client stale; it gets "index is busy" instead, until the server stops.
    import subprocess
    import sys

    from rag.testing_servers import free_port
    from rag.ui.app import serve

    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text("The depot was rebuilt in 2011. It stores fuel.", encoding="utf-8")
    assistant = Assistant(index_dir=tmp_path / "index", embedder=FakeEmbedder())
    assert assistant.ingest([tmp_path / "corpus"], progress=False).ok
    other_writer = [sys.executable, "-c", (
        "import sys\nfrom rag.config import Config\nfrom rag.store import ChunkStore, IndexBusyError\n"
        f"try:\n    with ChunkStore(Config(index_dir={str(tmp_path / 'index')!r})).write_lock():\n"
        "        print('wrote')\nexcept IndexBusyError as exc:\n    print(exc)\n")]
    settings = UISettings(corpus_dir=str(tmp_path / "corpus"))
    running = serve(assistant, port=free_port(), settings=settings, block=False, quiet=True)
    try:
        busy = subprocess.run(other_writer, capture_output=True, text=True, timeout=120).stdout
        assert "index is busy" in busy and f"pid {os.getpid()}" in busy
        # The server's own writes (uploads, removals) still go through.
        (tmp_path / "corpus" / "b.txt").write_text("The bridge was closed in 2019.", encoding="utf-8")
        assert assistant.ingest([tmp_path / "corpus"], progress=False).ok
    finally:
        running.close()
    assert subprocess.run(other_writer, capture_output=True, text=True, timeout=120).stdout.strip() == "wrote"
