"""Factual questions the sources answer in their own way, end to end (real embedding model, persistent index).

- The relevance gate: a passage develops several points, so its similarity to a short question about one
  name in it can fall under ``min_similarity``; a passage that states every name the question asks about is
  on topic all the same.
- Definitions: "What is X?" is answered by the sentence that defines X, not by one that only uses it.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from rag.assistant import Assistant

pytestmark = pytest.mark.integration

ANALYSIS = Path(__file__).resolve().parents[2] / "eval" / "dev" / "analysis" / "corpus"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory, real_embedder: Any) -> Assistant:
    root = tmp_path_factory.mktemp("gate")
    (root / "corpus").mkdir()
    shutil.copy(ANALYSIS / "lessia_grid_cyberattack.txt", root / "corpus" / "lessia.txt")
    a = Assistant(index_dir=root / "index", embedder=real_embedder)
    assert a.ingest([root / "corpus"], progress=False).ok
    return a


def test_a_question_about_a_name_the_passages_state_is_answered(assistant: Assistant) -> None:
    question = "What is the Frost Heron unit?"
    passages = assistant.retrieve(question)
    assert max(p.similarity or 0.0 for p in passages) < assistant.config.min_similarity  # the case this covers
    answer = assistant.ask(question)
    assert not answer.refused
    assert "military intelligence service" in answer.answer


@pytest.mark.parametrize("question", ["What is the capital of Australia?", "Who is the CEO of Apple?"])
def test_names_the_passages_do_not_state_are_still_refused(assistant: Assistant, question: str) -> None:
    assert assistant.ask(question).refused


def test_what_is_x_leads_with_the_sentence_that_defines_it(assistant: Assistant) -> None:
    answer = assistant.ask("What is Varmo Grid?")
    assert not answer.refused
    assert answer.sentences[0].text.startswith("At 18:40 on 16 January 2026, control-room staff at Lessia's "
                                               "largest electricity distribution company, Varmo Grid")
