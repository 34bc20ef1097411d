"""Bad arguments to the library's calls are RagErrors that name the argument (found in a library audit)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rag import RagError
from rag.assistant import Assistant
from rag.errors import FilterError, UsageError
from rag.store import InMemoryStore
from rag.testing import FakeEmbedder


@pytest.fixture()
def assistant(tmp_path: Path) -> Assistant:
    a = Assistant(store=InMemoryStore(), embedder=FakeEmbedder())
    (tmp_path / "note.txt").write_text("The harbour at Tarvik opened in 2024 after a long dispute over fees.\n",
                                       encoding="utf-8")
    assert a.ingest([tmp_path / "note.txt"], progress=False).ok
    return a


@pytest.mark.parametrize("call, error, named", [
    (dict(question=""), UsageError, "question"),
    # A pasted report is not a question: refused before it is read (32,000 characters had taken 29 s to type).
    (dict(question="The harbour report says " + "fees rose again. " * 2000 + "When did it open?"), UsageError,
     "question: 34,041 characters"),
    (dict(question="When did the harbour open?", k=-3), UsageError, "k: "),
    (dict(question="When did the harbour open?", k=0), UsageError, "k: "),  # had silently used the default
    (dict(question="When did the harbour open?", filters={"collection": 5}), FilterError, "collection"),
    (dict(question="And why?", history=["just a string"]), UsageError, "history[0]"),
    (dict(question="And why?", history=[("one", "two", "three")]), UsageError, "history[0]"),
])
def test_a_bad_argument_is_a_rag_error_naming_it(assistant: Assistant, call: dict[str, Any], error: type,
                                                 named: str) -> None:
    for method in (assistant.ask, lambda **kw: list(assistant.stream(**kw))):
        with pytest.raises(error, match=named.replace("[", r"\[")) as caught:
            method(**call)
        assert isinstance(caught.value, RagError) and isinstance(caught.value, ValueError)


def test_good_arguments_still_answer(assistant: Assistant, tmp_path: Path) -> None:
    answer = assistant.ask("When did the harbour open?", k=2, history=[("What is Tarvik?", "A harbour town.")],
                           filters={"source": [tmp_path / "note.txt"]})  # a Path is a name too
    assert answer.question == "When did the harbour open?"
    passages = assistant.retrieve("When did the harbour open?", k=2, filters={"source": [tmp_path / "note.txt"]})
    assert [p.chunk.source for p in passages] == [str(tmp_path / "note.txt")]


def test_the_titles_a_question_can_quote_follow_a_rebuild(tmp_path: Path) -> None:
    # Found in review: the document list was cached by the store's generation alone, which a rebuild starts
    # again from 1, so a rebuilt library kept the old titles.
    from rag.config import Config
    from rag.store import ChunkStore

    config = Config(index_dir=str(tmp_path / "index"), chunk_tokens=30, chunk_overlap=5)
    a = Assistant(store=ChunkStore(config), embedder=FakeEmbedder())
    old, new = tmp_path / "old", tmp_path / "new"
    for folder, title in ((old, "Harbour Dredging Plans Revisited"), (new, "Rail Freight Revival Plans")):
        folder.mkdir()
        (folder / "doc.txt").write_text(f"{title}\n\nThe plan was approved in 2024 after a long dispute.\n",
                                        encoding="utf-8")
    assert a.ingest([old], progress=False).ok
    assert [d.title for d in a._library()] == ["Harbour Dredging Plans Revisited"]
    assert a.ingest([new], rebuild=True, progress=False).ok
    assert [d.title for d in a._library()] == ["Rail Freight Revival Plans"]
    asked = a.ask("When was “Rail Freight Revival Plans” approved?")
    assert asked.standalone_question == "When was the article approved?"


def test_a_relative_path_filter_names_the_file_as_ingestion_does(assistant: Assistant, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # Found in review: Path("note.txt") was compared as the string "note.txt" with the absolute names stored.
    monkeypatch.chdir(tmp_path)
    passages = assistant.retrieve("When did the harbour open?", k=2, filters={"source": Path("note.txt")})
    assert [p.chunk.source for p in passages] == [str(tmp_path / "note.txt")]


def test_a_question_of_the_longest_length_allowed_is_answered(assistant: Assistant) -> None:
    from rag.assistant import MAX_QUESTION_CHARS

    question = "When did the harbour open?"
    question = "x " * ((MAX_QUESTION_CHARS - len(question)) // 2) + question
    assert len(question) <= MAX_QUESTION_CHARS
    assistant.ask(question)  # no UsageError
    with pytest.raises(UsageError, match="question: "):
        assistant.ask("x" * (MAX_QUESTION_CHARS - len(question)) + question + "?")
