"""Hand-checked cases for every metric in rag.eval.metrics."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

import pytest

from rag.eval.metrics import (
    alias_containment,
    any_unsupported,
    balanced_accuracy,
    citation_precision,
    citation_recall,
    citation_scores,
    exact_match,
    latency_summary,
    match_gold_by_text,
    mean,
    mrr,
    ndcg_at_k,
    normalize_answer,
    percentile,
    recall_at_k,
    refusal_rates,
    supported_share,
    token_f1,
)

# ------------------------------------------------------------------ retrieval


def test_recall_at_k_is_a_hit_rate_within_the_cutoff() -> None:
    assert recall_at_k(["a", "b", "g"], {"g"}, k=3) == 1.0
    assert recall_at_k(["a", "b", "g"], {"g"}, k=2) == 0.0
    # Two gold ids, one found: still a full hit (single-gold hit-rate semantics).
    assert recall_at_k(["g1", "x"], {"g1", "g2"}, k=2) == 1.0
    assert recall_at_k([], {"g"}, k=5) == 0.0


def test_retrieval_metrics_are_not_applicable_without_gold() -> None:
    assert recall_at_k(["a"], set(), k=1) is None
    assert mrr(["a"], []) is None
    assert ndcg_at_k(["a"], (), k=1) is None


@pytest.mark.parametrize("k", [0, -1, 1.5, True])
def test_invalid_k_is_rejected_with_its_value(k: object) -> None:
    with pytest.raises(ValueError, match="k must be a positive integer"):
        recall_at_k(["a"], {"a"}, k=k)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="k must be a positive integer"):
        ndcg_at_k(["a"], {"a"}, k=k)  # type: ignore[arg-type]


def test_mrr_uses_the_first_gold_rank() -> None:
    assert mrr(["g", "x"], {"g"}) == 1.0
    assert mrr(["x", "y", "g", "g2"], {"g", "g2"}) == pytest.approx(1 / 3)
    assert mrr(["x", "y"], {"g"}) == 0.0
    assert mrr(["x", "y", "g"], {"g"}, k=2) == 0.0
    assert mrr(["x", "g"], {"g"}, k=2) == 0.5


def test_ndcg_binary_relevance_by_hand() -> None:
    # DCG = 1/log2(3) + 1/log2(5); IDCG = 1 + 1/log2(3)
    expected = (1 / math.log2(3) + 1 / math.log2(5)) / (1 + 1 / math.log2(3))
    assert ndcg_at_k(["x", "g1", "y", "g2"], {"g1", "g2"}, k=4) == pytest.approx(expected)
    assert ndcg_at_k(["x", "g1", "y", "g2"], {"g1", "g2"}, k=4) == pytest.approx(0.650921, abs=1e-6)
    assert ndcg_at_k(["g1", "g2"], {"g1", "g2"}, k=2) == 1.0
    assert ndcg_at_k(["x", "y"], {"g"}, k=2) == 0.0


def test_ndcg_ideal_is_capped_at_k_and_duplicates_count_once() -> None:
    # Three gold ids but k=2: two gold at the top is already ideal.
    assert ndcg_at_k(["a", "b", "x"], {"a", "b", "c"}, k=2) == 1.0
    # The same gold id retrieved twice must not score above its single hit.
    assert ndcg_at_k(["g", "g"], {"g"}, k=2) == 1.0
    assert ndcg_at_k(["x", "g", "g"], {"g"}, k=3) == pytest.approx(1 / math.log2(3))


EVIDENCE = (
    "The Normans were the people who in the 10th and 11th centuries gave their name to "
    "Normandy, a region in France. They were descended from Norse raiders and pirates from "
    "Denmark, Iceland and Norway who, under their leader Rollo, agreed to swear fealty to "
    "King Charles III of West Francia."
)


def test_gold_match_when_the_passage_contains_the_whole_evidence() -> None:
    passage = "Intro about Europe.\n\n" + EVIDENCE.upper().replace(" ", "  \n") + " Another paragraph."
    assert match_gold_by_text([passage], EVIDENCE) == [True]


def test_gold_match_when_the_passage_is_mostly_a_piece_of_the_evidence() -> None:
    piece = "They were descended from Norse raiders and pirates from Denmark, Iceland and Norway"
    # 13 of 17 tokens come from the evidence: >= 50%.
    assert match_gold_by_text([piece + " and more words here."], EVIDENCE) == [True]
    # 13 of 29 tokens: under half, and no answer given -> not gold.
    padded = piece + " " + " ".join(f"filler{i}" for i in range(16))
    assert match_gold_by_text([padded], EVIDENCE) == [False]


def test_gold_match_for_evidence_straddling_a_chunk_boundary_needs_the_answer_in_the_overlap() -> None:
    # The chunk holds only the tail of the evidence: 15 shared tokens of its 35.
    tail = "under their leader Rollo, agreed to swear fealty to King Charles III of West Francia."
    chunk = tail + " " + " ".join(f"next{i}" for i in range(20))
    assert match_gold_by_text([chunk], EVIDENCE, answers=["Rollo"]) == [True]
    assert match_gold_by_text([chunk], EVIDENCE, answers=["Normandy"]) == [False]
    assert match_gold_by_text([chunk], EVIDENCE) == [False]
    # The answer outside the shared run (10 tokens, "agreed ... West") does not count.
    elsewhere = "Rollo " + " ".join(f"w{i}" for i in range(30)) + " agreed to swear fealty to King Charles III of West"
    assert match_gold_by_text([elsewhere], EVIDENCE, answers=["Rollo"]) == [False]


def test_gold_match_ignores_short_overlaps_even_with_the_answer() -> None:
    # "a region in France" is 4 shared tokens: below min_overlap_tokens=8.
    chunk = "Burgundy is a region in France " + " ".join(f"x{i}" for i in range(30))
    assert match_gold_by_text([chunk], EVIDENCE, answers=["France"]) == [False]
    assert match_gold_by_text([chunk], EVIDENCE, answers=["France"], min_overlap_tokens=4) == [True]


def test_gold_match_with_several_evidence_texts_and_unrelated_passages() -> None:
    flags = match_gold_by_text(
        ["Steam engines use water.", "Prime numbers have two divisors.", ""],
        ["Prime numbers have two divisors.", EVIDENCE],
    )
    assert flags == [False, True, False]


def test_gold_match_validates_its_thresholds() -> None:
    with pytest.raises(ValueError, match="min_share"):
        match_gold_by_text(["a"], "a", min_share=0.0)
    with pytest.raises(ValueError, match="min_overlap_tokens"):
        match_gold_by_text(["a"], "a", min_overlap_tokens=0)


# ------------------------------------------------------------------ citations
# Passages are sets of facts written as "F:<name>"; a sentence names the facts it
# needs. Support holds when the cited passages together contain all of them.

SENTENCE_NEEDS = {
    "s_a": {"A"},
    "s_ab": {"A", "B"},
    "s_c": {"C"},
}
P_A, P_B, P_C, P_A2, P_X = "F:A", "F:B", "F:C", "F:A also", "F:X"


class CountingSupport:
    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[str, ...]]] = []

    def __call__(self, sentence: str, passages: Sequence[str]) -> bool:
        self.calls.append((sentence, tuple(passages)))
        have = {word[2:] for passage in passages for word in passage.split() if word.startswith("F:")}
        return SENTENCE_NEEDS[sentence] <= have


def test_alce_sentence_without_citation_scores_zero_recall_and_adds_no_citations() -> None:
    scores = citation_scores([("s_a", [P_A]), ("s_c", [])], CountingSupport())
    assert scores.recall == 0.5
    assert scores.n_citations == 1
    assert scores.precision == 1.0


def test_alce_irrelevant_extra_citation_is_imprecise() -> None:
    # Supported by [1] alone; [2] adds nothing: [1] precise, [2] imprecise.
    scores = citation_scores([("s_a", [P_A, P_X])], CountingSupport())
    assert (scores.recall, scores.precision) == (1.0, 0.5)
    assert (scores.n_precise, scores.n_citations) == (1, 2)


def test_alce_citations_that_only_jointly_support_are_both_precise() -> None:
    scores = citation_scores([("s_ab", [P_A, P_B])], CountingSupport())
    assert (scores.recall, scores.precision) == (1.0, 1.0)


def test_alce_unsupported_sentence_makes_all_its_citations_imprecise() -> None:
    scores = citation_scores([("s_c", [P_A, P_B])], CountingSupport())
    assert (scores.recall, scores.precision) == (0.0, 0.0)
    assert scores.n_citations == 2


def test_alce_each_citation_alone_sufficient_both_precise() -> None:
    # Condition (b) needs the citation alone to fail; here each alone supports.
    assert citation_precision([("s_a", [P_A, P_A2])], CountingSupport()) == 1.0


def test_alce_joint_pair_plus_irrelevant_third() -> None:
    # [1]+[2] needed jointly, [3] irrelevant: removing [1] or [2] breaks support.
    scores = citation_scores([("s_ab", [P_A, P_B, P_X])], CountingSupport())
    assert scores.n_precise == 2
    assert scores.precision == pytest.approx(2 / 3)


def test_alce_single_supported_citation_is_precise_with_one_support_call() -> None:
    support = CountingSupport()
    assert citation_precision([("s_a", [P_A])], support) == 1.0
    assert support.calls == [("s_a", (P_A,))]


def test_alce_answer_level_aggregate_by_hand() -> None:
    sentences = [
        ("s_a", [P_A, P_X]),   # supported; 1 of 2 precise
        ("s_ab", [P_A, P_B]),  # supported jointly; 2 of 2 precise
        ("s_c", [P_A]),        # unsupported; 0 of 1 precise
        ("s_a", []),           # uncited
    ]
    assert citation_recall(sentences, CountingSupport()) == pytest.approx(2 / 4)
    assert citation_precision(sentences, CountingSupport()) == pytest.approx(3 / 5)


def test_alce_empty_inputs() -> None:
    none = citation_scores([], CountingSupport())
    assert none.recall is None and none.precision is None
    # Sentences but not one citation: ALCE gives precision 0, not "not applicable".
    uncited = citation_scores([("s_a", []), ("s_c", [])], CountingSupport())
    assert (uncited.recall, uncited.precision) == (0.0, 0.0)


def test_alce_caches_repeated_support_queries() -> None:
    support = CountingSupport()
    citation_scores([("s_ab", [P_A, P_B]), ("s_ab", [P_A, P_B])], support)
    # Joint, [A] alone, [B] alone; the leave-one-out sets are those same singletons.
    assert sorted(support.calls) == [("s_ab", (P_A,)), ("s_ab", (P_A, P_B)), ("s_ab", (P_B,))]


# ---------------------------------------------------------------- faithfulness


def test_supported_share_and_any_unsupported() -> None:
    assert supported_share([True, False, True, True]) == 0.75
    assert supported_share([]) is None
    assert any_unsupported([True, True]) is False
    assert any_unsupported([True, False]) is True
    assert any_unsupported([]) is False


# ------------------------------------------------------------------ SQuAD EM/F1


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("The Normans", "normans"),
        ("  the   10th and 11th centuries. ", "10th and 11th centuries"),
        ("A U.S.-led force", "usled force"),
        ("an apple, the pear", "apple pear"),
        ("Theatre", "theatre"),  # "the" only as a whole word
    ],
)
def test_normalize_answer_matches_squad(raw: str, normalised: str) -> None:
    assert normalize_answer(raw) == normalised


def test_exact_match_official_examples() -> None:
    assert exact_match("the Normans", ["Normans"]) == 1.0
    assert exact_match("Normans.", ["The Normans"]) == 1.0
    assert exact_match("France", ["Normandy", "france"]) == 1.0
    assert exact_match("10th and 11th centuries", ["in the 10th and 11th centuries"]) == 0.0


def test_token_f1_official_formula() -> None:
    # pred 4 tokens, gold 5 tokens ("in 10th and 11th centuries"), 4 shared: P=1, R=0.8.
    assert token_f1("10th and 11th centuries", ["in the 10th and 11th centuries"]) == pytest.approx(8 / 9)
    # Max over references.
    assert token_f1("10th and 11th centuries", ["in the 10th and 11th centuries", "10th and 11th centuries"]) == 1.0
    assert token_f1("Rollo", ["Charles III"]) == 0.0
    # Multiplicity: pred "a a b" vs gold "a b": common = {a:1, b:1} -> P=2/3, R=1.
    assert token_f1("x x y", ["x y"]) == pytest.approx(0.8)


def test_squad2_no_answer_conventions() -> None:
    assert exact_match("", []) == 1.0
    assert token_f1("", []) == 1.0
    assert exact_match("France", []) == 0.0
    assert token_f1("France", []) == 0.0
    # A reference that normalises to nothing is dropped, leaving a no-answer question...
    assert exact_match("", ["the"]) == 1.0
    # ...or leaving the real references only.
    assert exact_match("", ["the", "France"]) == 0.0
    assert token_f1("", [".", "France"]) == 0.0
    # An empty prediction against a real answer scores 0.
    assert token_f1("", ["France"]) == 0.0


def test_alias_containment() -> None:
    assert alias_containment("They settled in Normandy, a region in France.", ["France"]) == 1.0
    assert alias_containment("The answer is the Kingdom of France.", ["kingdom of france"]) == 1.0
    assert alias_containment("Frances was there.", ["France"]) == 0.0  # whole tokens only
    assert alias_containment("France of kingdom", ["kingdom of France"]) == 0.0  # order matters
    assert alias_containment("Paris", ["France", "Paris"]) == 1.0
    assert alias_containment("", []) == 1.0
    assert alias_containment("France", []) == 0.0


# ------------------------------------------------------------------- refusal


def test_refusal_rates_by_hand() -> None:
    records = [(True, False), (True, False), (True, True), (False, True), (False, False)]
    assert refusal_rates(records) == {
        "correct_refusal_rate": 0.5,
        "false_refusal_rate": pytest.approx(1 / 3),
        "n_answerable": 3,
        "n_unanswerable": 2,
    }


def test_refusal_rates_with_an_empty_group_are_none() -> None:
    rates = refusal_rates([(True, True)])
    assert rates["correct_refusal_rate"] is None
    assert rates["false_refusal_rate"] == 1.0
    assert refusal_rates([])["false_refusal_rate"] is None


# ------------------------------------------------------------------- latency


def test_percentile_matches_numpy_linear() -> None:
    np = pytest.importorskip("numpy")
    rng = random.Random(3)
    for size in (1, 2, 3, 10, 101):
        values = [rng.uniform(0, 5) for _ in range(size)]
        for q in (0, 1, 25, 50, 90, 95, 99, 100, 33.3):
            assert percentile(values, q) == pytest.approx(float(np.percentile(values, q)), rel=1e-12)


def test_percentile_by_hand_and_errors() -> None:
    assert percentile([4.0, 1.0, 3.0, 2.0], 50) == 2.5
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 95) == pytest.approx(4.8)
    with pytest.raises(ValueError, match="empty"):
        percentile([], 50)
    with pytest.raises(ValueError, match="q must be between 0 and 100"):
        percentile([1.0], 101)


def test_latency_summary_in_milliseconds() -> None:
    summary = latency_summary([0.1, 0.4, 0.2, 0.3])
    assert summary == {"median_ms": 250.0, "p95_ms": pytest.approx(385.0), "mean_ms": 250.0, "n": 4}
    assert latency_summary([]) == {"median_ms": None, "p95_ms": None, "mean_ms": None, "n": 0}


# ------------------------------------------------------------------- helpers


def test_balanced_accuracy_by_hand() -> None:
    labels = [True, True, True, True, False, False]
    preds = [True, True, True, False, True, False]
    # TPR 3/4, TNR 1/2
    assert balanced_accuracy(labels, preds) == pytest.approx(0.625)
    assert balanced_accuracy([True, True], [True, False]) == 0.5  # one class: plain accuracy
    assert balanced_accuracy([], []) is None
    with pytest.raises(ValueError, match="differ in length"):
        balanced_accuracy([True], [])


def test_mean_skips_none() -> None:
    assert mean([1.0, None, 0.0, None]) == 0.5
    assert mean([]) is None
    assert mean([None, None]) is None
    assert mean(iter([2, 4])) == 3.0
