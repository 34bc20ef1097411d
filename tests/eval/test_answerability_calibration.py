"""eval/answerability.py: stored inputs are re-ranked by the current code and scored per label (no model)."""

from __future__ import annotations

from rag import answer_model
from rag.eval.answerability import Inputs, rank_cases, rates, split_of
from rag.testing import FakeEmbedder

PASSAGE = ("The treaty was signed in 1997 in Moscow. It set up a joint air defence system. "
           "The two countries held talks about the border.")


def test_inputs_are_ranked_into_cases_and_scored_per_label() -> None:
    inputs = [
        Inputs("q1:answerable", "tune", "answerable", "When was the treaty signed?",
               (("doc", "Treaty", PASSAGE, 0.8),), ("1997",)),
        Inputs("q2:noise", "tune", "noise", "How many soldiers does the treaty station at the border?",
               (("doc", "Treaty", PASSAGE, 0.6),), ()),
    ]
    cases = rank_cases(inputs, FakeEmbedder())
    assert [c.label for c in cases] == ["answerable", "noise"]
    assert cases[0].ranked[0][2] is True  # the answer sentence is found and ranked first
    r = rates(cases, min_score=0.1, min_answerability=answer_model.THRESHOLD)
    assert r["false_refusal"] == 0.0 and r["answer_hit"] == 1.0
    assert r["refusal_noise"] == 1.0  # no sentence holds a count of soldiers


def test_split_is_a_stable_half() -> None:
    keys = [f"squad/article-{i}" for i in range(200)]
    halves = [split_of(k) for k in keys]
    assert halves == [split_of(k) for k in keys]
    assert 60 < halves.count("tune") < 140
