"""How relevant an analytic question's best point must be before key points are given (nineteenth round)."""

from __future__ import annotations

import pytest

import rag.backends.extractive as extractive
from rag.backends.extractive import MIN_POINT_RELEVANCE, NAMED_POINT_RELEVANCE, asked_names, extractive_result
from rag.records import REFUSAL, Chunk, Passage
from rag.testing import FakeEmbedder

ARTICLE = ("It is tempting to treat the Bison scandal as a story about individuals. "
           "The decisive error was the decision in 2019 to award the contract without competition. "
           "Without a rival bid, the ministry had no benchmark against which to judge the price.")


def _passages() -> list[Passage]:
    chunk = Chunk(id="c1", source="/corpus/bison.txt", title="The Bison affair", text=ARTICLE, start=0,
                  end=len(ARTICLE), index=0)
    return [Passage(chunk=chunk, score=1.0, similarity=0.5)]


@pytest.fixture
def relevance_of(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Every candidate gets the same relevance, so only the floor decides."""
    def set_to(value: float) -> None:
        monkeypatch.setattr(extractive, "point_relevance",
                            lambda ranking, *a, **k: {c.text: value for c in ranking.candidates})
    return set_to


def test_a_question_naming_what_its_passages_state_needs_less_relevance(relevance_of) -> None:  # type: ignore[no-untyped-def]
    between = (NAMED_POINT_RELEVANCE + MIN_POINT_RELEVANCE) / 2
    relevance_of(between)
    named = extractive_result("Why does the author call the Bison affair a systemic failure?", _passages(),
                              FakeEmbedder(), min_score=0.1)
    assert named.kind == "analytic" and named.text != REFUSAL
    unnamed = extractive_result("Why does the author call the affair a systemic failure?", _passages(),
                                FakeEmbedder(), min_score=0.1)
    assert unnamed.kind == "analytic" and unnamed.text == REFUSAL


def test_under_the_lower_floor_a_named_question_is_still_refused(relevance_of) -> None:  # type: ignore[no-untyped-def]
    relevance_of(NAMED_POINT_RELEVANCE - 0.01)
    result = extractive_result("Why does the author call the Bison affair a systemic failure?", _passages(),
                               FakeEmbedder(), min_score=0.1)
    assert result.text == REFUSAL


def test_common_abbreviations_are_no_names_the_passages_must_state() -> None:
    assert asked_names("On what grounds did opposition MPs object to the Lodravian law?") == {"lodravian"}
    assert "nato" in asked_names("How did NATO MPs react?")
