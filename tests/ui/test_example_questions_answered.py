"""The chat's one-click example questions, asked of a real library: each must be answered, not refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rag.ui.render import example_questions
from tests.shared_data import ANALYSIS_CORPUS, analysis_library

pytestmark = pytest.mark.integration


def test_every_example_question_of_the_first_screen_is_answered(tmp_path: Path, real_embedder: Any) -> None:
    # Found in a browser audit: two of the four examples over the six analysis articles ("Who are the main
    # actors in “…”?", "What are the consequences described in “…”?") were refused or answered with causes.
    names = sorted(p.name for p in ANALYSIS_CORPUS.glob("*.txt"))
    assistant = analysis_library(tmp_path, real_embedder, names)
    titles = [d.title for d in assistant.store.documents()]
    questions = example_questions(titles)
    assert len(questions) == 4
    for question in questions:
        answer = assistant.ask(question)
        assert not answer.refused, question
        title = question.split("“", 1)[1].split("”", 1)[0]
        # Answered from the document the example names, and from no other.
        assert {c.title for c in answer.citations} == {title}, (question, answer.answer)
