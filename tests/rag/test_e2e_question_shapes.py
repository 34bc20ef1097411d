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
    # Asked as a request, with a possessive or "reasons why": refused before (typed factual).
    ("Can you list the reasons for the Varenian offensive?", "varenia_border_offensive.txt", ()),
    ("Could you tell me the main reasons behind the Varenian offensive?", "varenia_border_offensive.txt", ()),
    ("Main reasons why Nordhavn changed its export policy", "nordhavn_arms_exports.txt", ()),
    # A contraction, causes asked with a verb (refused before: typed factual).
    ("What's behind the Varenian offensive?", "varenia_border_offensive.txt", ("The timing is the first thing",)),
    ("What contributed to the coup in Azawi?", "azawi_coup.txt", ("an old rivalry played its part",)),
    # A how-clause inside a request (the clause alone, "How ECOWAS reacted…", would read as a fact).
    ("Can you tell me how ECOWAS reacted to the coup in Azawi?", "azawi_coup.txt", ("emergency summit",)),
    ("What happened in Tandara after the coup?", "azawi_coup.txt",
     # what the article says followed the coup: the junta's broadcast, the detentions, the crowds in the square,
     # prices in the capital (since the twenty-fifth round the learned point model holds back an article's
     # opening, where the broadcast and the detentions are told, for every kind of question)
     ("calling itself the Committee for National Renewal", "they detained President", "Food prices in the capital",
      "people had gathered in Tandara's central square", "price of a litre of diesel")),
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


@pytest.mark.parametrize("asked, plain", [
    ("Could you please tell me who the spokesman of the Committee for National Renewal was?",
     "Who was the spokesman of the Committee for National Renewal?"),
    ("Do you know how many soldiers were killed at Dalla?", "How many soldiers were killed at Dalla?"),
])
def test_a_fact_asked_as_a_request_is_answered_as_the_plain_question(library: Assistant, asked: str,
                                                                     plain: str) -> None:
    """The request's words ("could", "please", "tell", "know") were read as what is asked about."""
    wrapped, direct = library.ask(asked), library.ask(plain)
    assert not direct.refused, plain
    assert wrapped.to_dict()["question_kind"] == "factoid"
    assert wrapped.answer == direct.answer
