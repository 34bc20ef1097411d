"""Analytic questions in shapes found by asking as an analyst would, end to end (real embedding model).

"Which factors made the Varenian offensive possible?", "List the safeguards the author proposes…", "What were
the main drivers of the Nordhavn policy change?", "What happened in Tandara after the coup?" and a search typed
as a noun phrase ("reasons for the offensive") were typed as factual questions, so no single sentence answered
them and each was refused. They ask for several points.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rag.assistant import Assistant
from rag.backends.extractive import MAX_POINT_WORDS
from rag.eval.metrics import answer_words
from tests.shared_data import analysis_library

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory, real_embedder: Any) -> Assistant:
    return analysis_library(tmp_path_factory.mktemp("shapes"), real_embedder,
                            ["azawi_coup.txt", "nordhavn_arms_exports.txt", "varenia_border_offensive.txt"])


@pytest.mark.parametrize("question, article, stated", [
    ("Which factors made the Varenian offensive possible?", "varenia_border_offensive.txt",
     ("None of these factors alone would have been enough.",)),
    ("List the safeguards the author proposes for Nordhavn's export policy.", "nordhavn_arms_exports.txt",
     ("Two safeguards would make the new policy defensible.",)),
    ("What were the main drivers of the Nordhavn policy change?", "nordhavn_arms_exports.txt", ()),
    ("reasons for the Varenian offensive", "varenia_border_offensive.txt", ()),
    ("What happened in Tandara after the coup?", "azawi_coup.txt",
     # what the article says followed the coup: the junta's broadcast, the detentions, prices in the capital
     ("calling itself the Committee for National Renewal", "they detained President", "Food prices in the capital")),
])
def test_points_asked_in_these_shapes_get_key_points_from_their_article(
        library: Assistant, question: str, article: str, stated: tuple[str, ...]) -> None:
    answer = library.ask(question)
    assert not answer.refused, question
    assert answer.to_dict()["question_kind"] == "analytic"
    lines = answer.answer.split("\n")
    assert len(lines) >= 3 and all(line.startswith("- ") for line in lines)
    assert answer_words(answer.answer) <= MAX_POINT_WORDS
    assert answer.citations and all(Path(c.source).name == article for c in answer.citations)
    if stated:
        assert any(s in answer.answer for s in stated)
