"""Issue 9 (items 3-5, 7, 8) in the web app: disclosure, login throttle and audit, policy reload and
session expiry, the bound on chat-model clients, and files served only through the rights-checking route.

A real :class:`rag.Assistant` over the tiny corpus of ``test_app_unit`` with the FakeEmbedder.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rag import Assistant
from rag.paths import public_answer, public_source
from rag.testing import FakeEmbedder
from tests.ui.test_app_unit import KARSK, NIGHTJAR, _users, ask, corpus, handlers_for, request  # noqa: F401
from ui.access import AccessPolicy
from ui.service import ResearchService
from ui.settings import UISettings
from ui.sources import source_url


@pytest.fixture
def assistant(corpus: Path) -> Assistant:  # noqa: F811
    return Assistant(index_dir=corpus / "index", embedder=FakeEmbedder())


@pytest.fixture
def settings(corpus: Path, tmp_path: Path) -> UISettings:  # noqa: F811
    """The corpus root is the folder the documents were ingested from."""
    return UISettings(corpus_dir=str(corpus / "corpus"), uploads_dir=str(tmp_path / "uploads"),
                      feedback_path=str(tmp_path / "feedback.jsonl"))


@pytest.fixture
def policy() -> AccessPolicy:
    return AccessPolicy.from_mapping(_users())


# ----------------------------------------------------------------------------- 9.8 disclosure
def test_public_source_is_relative_to_the_root_or_a_hash() -> None:
    assert public_source("/srv/corpus/a/b.pdf", "/srv/corpus") == "a/b.pdf"
    outside = public_source("/home/alice/secret/b.txt", "/srv/corpus")
    assert outside.startswith("doc-") and outside.endswith("/b.txt") and "alice" not in outside
    assert public_source("/home/alice/b.txt", None).startswith("doc-")
    assert public_source("open/b.txt", "/srv/corpus") == "open/b.txt"
    data = {"citations": [{"source": "/srv/corpus/x.txt", "id": 1}], "related": [{"source": "/srv/y.txt"}],
            "retrieved": [{"source": "/srv/corpus/x.txt"}], "answer": "a"}
    out = public_answer(data, "/srv/corpus")
    assert out["citations"][0] == {"source": "x.txt", "id": 1} and out["answer"] == "a"
    assert "/srv" not in json.dumps(out)
    assert data["citations"][0]["source"] == "/srv/corpus/x.txt"  # a copy: the input is unchanged


def test_ask_api_and_chat_show_no_server_paths(assistant: Assistant, settings: UISettings,
                                               corpus: Path) -> None:  # noqa: F811
    handlers = handlers_for(assistant, settings)
    data = handlers.api_ask(KARSK, None, 5, None, None, None, request())
    assert data["citations"] and data["citations"][0]["source"] == "open/karsk.txt"
    assert str(corpus) not in json.dumps(data)
    assert all(not r["source"].startswith("/") for r in data["retrieved"])
    refused = handlers.api_ask("Who won the 2018 FIFA World Cup?", None, 5, None, None, None, request())
    assert str(corpus) not in json.dumps(refused)
    _, turns, _, panel, _ = ask(handlers, KARSK)
    assert str(corpus) not in json.dumps(turns) and str(corpus) not in panel


def test_links_to_public_sources_still_open_through_the_rights_checking_route(
        assistant: Assistant, settings: UISettings, policy: AccessPolicy) -> None:
    service = ResearchService(assistant, settings, policy)
    data = service.ask(KARSK, user="bob")
    doc_id = source_url(data["citations"][0]["source"]).removeprefix("source/")
    path = service.source_path(doc_id, "bob")
    assert path is not None and path.name == "karsk.txt"
    secret = service.ask(NIGHTJAR, user="alice")["citations"][0]["source"]
    secret_id = source_url(secret).removeprefix("source/")
    assert service.source_path(secret_id, "alice") is not None
    assert service.source_path(secret_id, "bob") is None


def test_removed_message_escapes_the_title(tmp_path: Path) -> None:
    docs = tmp_path / "corpus"
    docs.mkdir()
    (docs / "evil.txt").write_text("[Click me](https://evil.example) **now** <img src=x>\n\n"
                                   "The depot was rebuilt in 2011. It stores fuel.\n", encoding="utf-8")
    assistant = Assistant(index_dir=tmp_path / "index", embedder=FakeEmbedder())
    assert assistant.ingest([docs], progress=False).ok
    service = ResearchService(assistant, UISettings(corpus_dir=str(docs)), AccessPolicy())
    record = service.documents(None)[0]
    assert "Click me" in record.title
    from ui.sources import document_id

    message = service.remove(document_id(record.source), None)
    assert "\\[Click me\\]\\(https://evil.example\\)" in message
    assert "**now**" not in message and "\\*\\*now\\*\\*" in message
    assert "\\<img" in message and " <img" not in message
