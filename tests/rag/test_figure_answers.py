"""A question asking for a count, a sum, a share or a measure is answered by its most relevant sentence when that
sentence states a figure of the asked kind, at a lower learned answerability than other questions need
(``FIGURE_MIN_PROBABILITY``). Blind sets ask in other words than their sentences ("How many residents needed medical
treatment…" for "Local doctors treated 47 people"), and the learned model, fitted on SQuAD's word-copying questions,
scores such right sentences 0.01-0.09 against its threshold of 0.10 (news_a-p: 108 of 311 answerable factual
questions refused)."""

from __future__ import annotations

from typing import Any

import pytest

from rag import answer_model
from rag.backends import extractive
from rag.backends.extractive import asks_figure, extractive_result, rank
from rag.testing import passage

FLOOD = ("Heavy rain flooded the lower town of Brask on Sunday, and the army was called in to help. "
         "Local doctors treated 47 people, including nine children, and two elderly residents died in hospital "
         "within a week. "
         "The regional governor said the river had risen faster than at any time since records began. "
         "Engineers switched the pumping station to a 330-kilovolt reserve line that had been repaired only two weeks "
         "earlier. "
         "Repairs to the embankment are expected to cost about 12 million crowns and take until the spring.")
TREATED = "How many residents needed medical treatment after the Brask flood?"


@pytest.mark.parametrize("question", [
    TREATED, "How much is the shipment worth?", "What share of the workforce are subcontractors?",
    "What voltage does the reserve line carry?", "What is the estimated price tag for rebuilding the crossing?",
])
def test_questions_asking_for_a_figure(question: str) -> None:
    assert asks_figure(question)


@pytest.mark.parametrize("question", [
    # any number passes these questions' answer-type check ("four days after a banquet"): too loose to vouch
    "How long after the banquet did Kusala have a child?", "How old was the emperor?", "How far is the site?",
    # a date, and questions asking for no figure
    "When will the work be finished?", "Who commands the airlift?", "Why did the river rise?",
])
def test_questions_asking_for_no_figure_the_rule_may_vouch_for(question: str) -> None:
    assert not asks_figure(question)


def test_a_paraphrased_count_is_answered(real_embedder: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    passages = [passage(FLOOD, 1)]
    best = rank(TREATED, passages, real_embedder).candidates[0]
    assert best.text.startswith("Local doctors treated 47 people")
    result = extractive_result(TREATED, passages, real_embedder)
    assert not result.refused and "47 people" in result.text
    # Without the rule the learned model alone refuses it: the sentence shares few of the question's words.
    monkeypatch.setattr(extractive, "FIGURE_MIN_PROBABILITY", 1.01)
    assert rank(TREATED, passages, real_embedder).candidates[0].answerability < answer_model.THRESHOLD
    assert extractive_result(TREATED, passages, real_embedder).refused


@pytest.mark.parametrize("question", [
    # the most relevant sentence states no count of pumps
    "How many pumps did the engineers install?",
    # a date is not vouched for ("take until the spring" is there, but dates are left to the learned model)
    "When will the embankment work be finished?",
])
def test_no_figure_of_the_asked_kind_no_vouching(question: str, real_embedder: Any) -> None:
    passages = [passage(FLOOD, 1)]
    vouched = rank(question, passages, real_embedder).candidates[0].answerability
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(extractive, "FIGURE_MIN_PROBABILITY", 1.01)
        unvouched = rank(question, passages, real_embedder).candidates[0].answerability
    assert vouched == unvouched


def test_a_share_vouches_for_no_sum() -> None:
    from rag.backends.extractive import _answer_type_ok, _sum_if_asked

    # blind set news_l: "How much ransom did the hackers ask St Aldric to pay?" answered by a share of a budget
    question = "How much ransom did the hackers ask the hospital to pay?"
    share = "The hospital's IT budget was less than 2 per cent of its total spending."
    assert _answer_type_ok(question, share) == 1.0  # the answer-type check lets a share answer a sum…
    assert not _sum_if_asked(question, share)  # …the vouching does not
    assert _sum_if_asked(question, "The hackers demanded 4.5 million crowns in bitcoin.")
    assert _sum_if_asked("How many beds does the hospital have?", share)  # no sum asked
