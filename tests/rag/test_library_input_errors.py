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
