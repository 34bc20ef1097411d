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
    # Where the learned model is unsure of it (the sentence shares few of the question's words: a model fitted on
    # questions that copy their sentence scored it 0.01-0.09), the rule vouches for it; without the rule, refused.
    monkeypatch.setattr(answer_model, "answerability", lambda values, *args, **kwargs: 0.05)
    assert rank(TREATED, passages, real_embedder).candidates[0].answerability >= answer_model.THRESHOLD
    assert not extractive_result(TREATED, passages, real_embedder).refused
    monkeypatch.setattr(extractive, "FIGURE_MIN_PROBABILITY", 1.01)
    assert rank(TREATED, passages, real_embedder).candidates[0].answerability < answer_model.THRESHOLD
    assert extractive_result(TREATED, passages, real_embedder).refused


@pytest.mark.parametrize("question", [
    "How far is the site, in kilometres?",  # a distance's check takes its units, but "how far" is left out whole
    "How much longer will the talks last?",  # any quantity passes "how much longer / more"
])
def test_how_far_and_how_much_longer_are_not_vouched_for(question: str) -> None:
    assert not asks_figure(question)


WORTH = "How much is the shipment worth?"
SENTENCE = "The cargo, worth an estimated 85 million euros, consists of shells and rocket motors."


def test_each_condition_of_the_vouching() -> None:
    from rag.backends.extractive import FIGURE_MIN_PROBABILITY, figure_vouched
    from rag.questions import profile

    worth = profile(WORTH)
    assert figure_vouched(worth, SENTENCE, FIGURE_MIN_PROBABILITY, 1.0)
    assert not figure_vouched(worth, SENTENCE, FIGURE_MIN_PROBABILITY - 0.01, 1.0)  # too unlikely
    assert not figure_vouched(worth, SENTENCE, FIGURE_MIN_PROBABILITY, 0.4)  # fails the answer-type check
    assert not figure_vouched(worth, SENTENCE, FIGURE_MIN_PROBABILITY, 1.0, unstated=1)  # a name asked is not there
    # a share is no sum, and a year is no figure (the review: "What number of French soldiers are still stationed in
    # Mali?" answered by "…left the base at Gao in August 2022")
    assert not figure_vouched(worth, "The cargo is less than 2 per cent of the firm's exports.", 0.09, 1.0)
    soldiers = profile("What number of French soldiers are still stationed in Mali?")
    assert not figure_vouched(soldiers, "The last French soldiers left the base at Gao in August 2022.", 0.09, 1.0)
    assert figure_vouched(soldiers, "About 400 French soldiers remain at the base at Gao.", 0.09, 1.0)
    share = profile("What share of the workforce is made up of subcontractors?")  # a share in words (news_h)
    assert figure_vouched(share, "Subcontractors now make up nearly half the workforce in some halls.", 0.09, 1.0)
    # a time of day is a measure, but a date: left to the learned model
    fire = profile("At what time did the fire start?")
    assert fire.answer_type == "date" and asks_figure(fire.question)
    assert not figure_vouched(fire, "The fire started at 02:40, an hour after the shift ended.", 0.09, 1.0)


def test_a_prescription_or_another_count_of_people_vouches_for_no_fact() -> None:
    from rag.backends.extractive import figure_vouched
    from rag.questions import profile

    # held-out blind sets news_s / news_v, read after their run (twenty-fourth round): each had been answered
    stocks = profile("How many days of strategic fuel stocks does the country have?")
    assert not figure_vouched(stocks, "Third, it should raise strategic fuel reserves to at least 45 days.", 0.09, 1.0)
    assert figure_vouched(stocks, "The country holds only 19 days of strategic fuel reserves.", 0.09, 1.0)
    died = profile("How many people have died trying to cross the strait this year?")
    assert not figure_vouched(died, "Coast guard vessels turned back boats carrying an estimated 740 people.", 0.09, 1.0)
    assert figure_vouched(died, "At least 31 people have died trying to cross the strait since January.", 0.09, 1.0)
    # a figure stated before the prescription is a fact (news_h), one after it is not (news_f)
    share = profile("What share of the workforce is made up of subcontractors?")
    assert figure_vouched(share, "Subcontractors, who now make up nearly half the workforce, should be vetted.", 0.09, 1.0)
    jobs = profile("How many jobs is the planned civilian airport expected to create?")
    assert not figure_vouched(jobs, "The government should not pretend a civilian airport will replace 1,150 jobs.",
                              0.09, 1.0)
    # a prescription the question asks for is no reason to refuse
    should = profile("How many days of reserves should the country hold, according to the analyst?")
    assert figure_vouched(should, "It should raise strategic fuel reserves to at least 45 days.", 0.09, 1.0)
