"""The rules around the learned answerability that its scale does not decide (thirty-third round): a sentence carried
on by the chosen one, a name not shown holding the asked role, a fact asked of a source the library does not hold."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from rag import answer_model
from rag.backends.extractive import extractive_result
from rag.judge import JudgeError
from rag.testing import FakeEmbedder, passage

SUMMIT = "ECOWAS held an emergency summit on 10 July. It suspended Azawi from all its bodies."
TUSK = "Poland ordered the closure of Russia's consulate in Poznan. Prime Minister Donald Tusk said the decision was final."
NEWS = "Parliament votes to enlarge the reserve\nBy Kalle Vestergaard\n\nThe bill passed by 141 votes to 38."


class SummitChecker:
    """A checker sure of the summit sentence and not of the one carried on from it."""

    name = "summit"

    def score_many(self, question: str, pairs: Sequence[tuple[str, str]]) -> list[float]:
        return [0.9 if "summit" in sentence else 0.2 for sentence, _ in pairs]


class BrokenChecker:
    name = "broken"

    def score_many(self, question: str, pairs: Sequence[tuple[str, str]]) -> list[float]:
        raise JudgeError("http://judge/v1/chat/completions: no reply within 30 s")


def test_a_checker_holds_a_carried_on_sentence_to_its_own_threshold() -> None:
    # The learned model lets "It suspended…" join from 0.10 (CONTINUED_MIN_ANSWERABILITY, its old threshold); a
    # checker's 0.2 is under its threshold of 0.5, and the sentence stays out.
    result = extractive_result("What did ECOWAS decide at its emergency summit?", [passage(SUMMIT, 1)], FakeEmbedder(),
                               min_score=0.0, checker=SummitChecker(), checker_threshold=0.5)
    assert not result.refused and result.answerability_by == "summit"
    assert "emergency summit" in result.text and "It suspended" not in result.text


def test_a_carried_on_sentence_joins_from_the_old_threshold_with_the_learned_model(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Both sentences at 0.2: under the threshold (0.31), over CONTINUED_MIN_ANSWERABILITY (0.10).
    monkeypatch.setattr(answer_model, "answerability", lambda values, *args, **kwargs: 0.2)
    result = extractive_result("What did ECOWAS decide at its emergency summit?", [passage(SUMMIT, 1)], FakeEmbedder(),
                               min_score=0.0, min_answerability=0.15)
    assert "emergency summit" in result.text and "It suspended Azawi" in result.text
    assert extractive_result("What did ECOWAS decide at its emergency summit?", [passage(SUMMIT, 1)], FakeEmbedder(),
                             min_score=0.0).refused


def test_the_holder_rule_holds_when_the_learned_model_decides_for_a_failed_checker(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(answer_model, "answerability", lambda values, *args, **kwargs: 0.35)
    result = extractive_result("Who is Russia's prime minister?", [passage(TUSK, 1)], FakeEmbedder(), min_score=0.0,
                               checker=BrokenChecker())
    assert result.answerability_by.startswith("learned (fallback") and result.refused


def test_a_fact_asked_of_a_source_the_library_does_not_hold_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(answer_model, "answerability", lambda values, *args, **kwargs: 0.9)
    asked = "According to the Harnvik Institute commentary, by how many votes did the bill pass?"
    assert extractive_result(asked, [passage(NEWS, 1)], FakeEmbedder(), min_score=0.0).refused
    plain = extractive_result("By how many votes did the bill pass?", [passage(NEWS, 1)], FakeEmbedder(), min_score=0.0)
    assert not plain.refused and "141 votes to 38" in plain.text
