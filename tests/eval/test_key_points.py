"""Key-point recall, answer length and the analytic/on-topic summaries (rag.eval.metrics, rag.eval.runner)."""

from __future__ import annotations

import pytest

from rag.eval.datasets import EvalItem
from rag.eval.metrics import answer_words, key_point_recall
from rag.eval.runner import summarize

POINTS = ["Russia is focused on her disastrous war in Ukraine.",
          "Azerbaijan wants a corridor in Southern Armenia.",
          "The EU needs Azerbaijan's natural gas during an energy crisis."]


def test_key_point_is_covered_by_one_sentence_with_most_of_its_content_words() -> None:
    answer = ["Azerbaijan wants a corridor through Southern Armenia [2].",
              "Moscow is busy elsewhere [1]."]
    assert key_point_recall(answer, POINTS) == pytest.approx(1 / 3)


def test_words_spread_over_sentences_do_not_cover_a_point() -> None:
    answer = ["Russia is focused on sport.", "Ukraine is at war."]
    assert key_point_recall(answer, POINTS[:1]) == 0.0


def test_no_key_points_is_not_applicable() -> None:
    assert key_point_recall(["anything"], []) is None


def test_answer_words_ignores_markers_and_bullets() -> None:
    assert answer_words("- Baku attacked on 13 September [1]\n- It paused. [2][3]") == 7
    assert answer_words("") == 0


def test_key_points_round_trip_and_are_validated() -> None:
    item = EvalItem.from_dict({"id": "a", "question": "Why?", "answers": [], "evidence": POINTS,
                               "answerable": True, "key_points": POINTS})
    assert item.key_points == tuple(POINTS)
    assert EvalItem.from_dict(item.to_dict()) == item
    with pytest.raises(ValueError, match="key_points"):
        EvalItem.from_dict({"id": "a", "question": "Why?", "answers": [], "evidence": None,
                            "answerable": False, "key_points": POINTS})
    with pytest.raises(ValueError, match="key_points"):
        EvalItem.from_dict({"id": "a", "question": "Why?", "answers": ["x"], "evidence": None,
                            "answerable": True, "key_points": "one"})


def _scores(**kw: object) -> dict:
    base = {"answerable": True, "refused": False, "latency_s": 0.1, "recall_at_1": None, "recall_at_k": None,
            "mrr": None, "ndcg_at_k": None, "citation_recall": None, "citation_precision": None,
            "supported_share": None, "any_unsupported": None, "exact_match": None, "token_f1": None,
            "alias_containment": None, "analytic": False, "key_point_recall": None, "answer_words": 10,
            "top_similarity": 0.5}
    base.update(kw)
    return {"scores": base}


def test_summary_reports_key_points_length_and_on_topic_refusals() -> None:
    records = [
        _scores(analytic=True, key_point_recall=1.0, answer_words=120),
        _scores(analytic=True, key_point_recall=0.0, refused=True, answer_words=None),
        _scores(answerable=False, refused=True, answer_words=None, top_similarity=0.6),
        _scores(answerable=False, refused=False, answer_words=20, top_similarity=0.4),
        _scores(answerable=False, refused=False, answer_words=30, top_similarity=0.1),  # off-topic
    ]
    metrics = summarize(records, k=5)
    assert metrics["key_point_recall"] == 0.5
    assert metrics["analytic_refusal_rate"] == 0.5
    assert metrics["on_topic_refusal_rate"] == 0.5
    assert metrics["answer_words_median"] == 30.0  # of the answered: 120, 20, 30


def test_key_points_retrieved_tells_a_retrieval_miss_from_a_choice_of_sentences() -> None:
    from rag.eval.runner import score_answer
    from rag.records import Answer, Chunk, Passage, SentenceSupport

    text = ("Azerbaijan wants a corridor in Southern Armenia. Russia is focused on her disastrous war in Ukraine. "
            "The weather was mild.")
    passage = Passage(chunk=Chunk("c1", "a.txt", "A", text, 0, len(text), 0), score=1.0)
    item = EvalItem("q", "Why?", (), " ".join(POINTS), True, key_points=tuple(POINTS))
    answer = Answer(question="Why?", answer="- Azerbaijan wants a corridor in Southern Armenia. [1]", refused=False,
                    sentences=(SentenceSupport("Azerbaijan wants a corridor in Southern Armenia.", (1,), 1.0, True),),
                    passages=(passage,))
    scores = score_answer(item, answer, k=5, support=lambda s, ps: True, latency_s=0.1)
    # Two of the three points are in the passage (the gas point was not retrieved); the answer states one.
    assert scores["key_points_retrieved"] == pytest.approx(2 / 3)
    assert scores["key_point_recall"] == pytest.approx(1 / 3)
    refused = score_answer(item, Answer(question="Why?", answer="", refused=True, passages=(passage,)), k=5,
                           support=lambda s, ps: True, latency_s=0.1)
    assert refused["key_point_recall"] == 0.0 and refused["key_points_retrieved"] == pytest.approx(2 / 3)
    records = [{"scores": scores}, {"scores": score_answer(
        EvalItem("f", "When?", ("1921",), "Signed in 1921.", True), answer, k=5,
        support=lambda s, ps: True, latency_s=0.1)}]
    metrics = summarize(records, k=5)
    assert metrics["key_points_retrieved"] == pytest.approx(2 / 3)  # items without key points are not counted
