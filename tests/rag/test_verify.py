"""Support scoring (rag.verify.lexical_support) on sentences from the sample article."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from rag.chunk import split_sentences
from rag.verify import (
    LexicalVerifier,
    Support,
    lexical_support,
    score_window,
    similarity_features,
    support_features,
)

SAMPLE = Path(__file__).resolve().parents[2] / "corpus" / "sample" / "000_37ea4592f850c55e.txt"
DOC = SAMPLE.read_text(encoding="utf-8")
THRESHOLD = 0.5  # Config.support_threshold's default: what "supported" means to the pipeline


def span(first: str, last_exclusive: str) -> str:
    """The article text from ``first`` up to (not including) ``last_exclusive``, stripped."""
    start = DOC.index(first)
    return DOC[start:DOC.index(last_exclusive, start)].strip()


OFFENSIVE = span("In the early hours of September 13, 2022", "There is no doubt")
RUSSIA = span("Let us return to 2022.", "Aliyevwould never proceed")
RUSSIA_WIDE = span("Let us return to 2022.", "On her part, Russia would never")
UN = span("Nevertheless, the targeting of civilian infrastructure", "A ‘Treaty of Versailles’")
VERSAILLES = span("In 1919, the Allied Powers", "Only Armenia will have to make")
INTERNAL = span("Additional problems emerge for the regime", "The Aliyevregime")


def sentences_of(text: str) -> list[str]:
    return [text[s.start:s.end] for s in split_sentences(text)]


def test_passages_are_real_article_text() -> None:
    for passage in (OFFENSIVE, RUSSIA, UN, VERSAILLES, INTERNAL):
        assert passage in DOC and len(sentences_of(passage)) >= 2


# ------------------------------------------------------------- the five cases
@pytest.mark.parametrize(("claim", "evidence"), [
    ("Azerbaijan launched an offensive against Armenia on September 13, 2022.", OFFENSIVE),
    ("Armenia and Russia signed a mutual military assistance deal in 1997.", RUSSIA),
    ("France called a special UN Security Council meeting.", UN),
    ("The Allied Powers imposed the Treaty of Versailles in 1919 to punish the German Empire.", VERSAILLES),
    ("Armenia is a member of the Collective Security Treaty Organisation led by Russia.", RUSSIA),
])
def test_paraphrase_with_the_same_content_words_is_supported(claim: str, evidence: str) -> None:
    support = lexical_support(claim, [evidence])

    assert support.score >= THRESHOLD
    assert support.reason == ""
    assert support.passage == 0


@pytest.mark.parametrize(("claim", "evidence", "wrong"), [
    ("The two countries signed a deal on mutual military assistance in 1998.", RUSSIA, "1998"),
    ("Azerbaijan launched an offensive against Armenia on September 14, 2022.", OFFENSIVE, "14"),
    ("In 1920, the Allied Powers imposed the Treaty of Versailles.", VERSAILLES, "1920"),
])
def test_changed_number_is_not_supported(claim: str, evidence: str, wrong: str) -> None:
    support = lexical_support(claim, [evidence])

    assert support.score < THRESHOLD
    assert "number" in support.reason and wrong in support.reason


def test_changed_number_scores_below_the_true_number() -> None:
    true = lexical_support("The two countries signed a deal on mutual military assistance in 1997.", [RUSSIA])
    false = lexical_support("The two countries signed a deal on mutual military assistance in 1998.", [RUSSIA])

    assert true.score >= THRESHOLD > false.score


@pytest.mark.parametrize(("claim", "evidence", "swapped"), [
    ("Germany and Armenia signed a deal on mutual military assistance in 1997.", RUSSIA, "germany"),
    ("Georgia launched an offensive against Armenia in the early hours of September 13, 2022.",
     OFFENSIVE, "georgia"),
    pytest.param(
        "Germany called a special meeting of the UN Security Council.", UN, "germany"),
    pytest.param(
        "Germany, the US, Norway and Ireland condemned Azerbaijan’s aggression.", UN, "germany"),
])
def test_swapped_entity_is_not_supported(claim: str, evidence: str, swapped: str) -> None:
    support = lexical_support(claim, [evidence])

    assert swapped in support.reason
    assert support.score < THRESHOLD


def test_swapped_entity_scores_below_the_true_entity() -> None:
    true = lexical_support("France called a special meeting of the UN Security Council.", [UN])
    false = lexical_support("Germany called a special meeting of the UN Security Council.", [UN])

    assert true.score >= THRESHOLD
    assert false.score < true.score
    assert "germany" in false.reason


@pytest.mark.parametrize(("claim", "evidence"), [
    ("France did not call a special meeting of the UN Security Council.", UN),
    ("The two countries did not sign a deal on mutual military assistance in 1997.", RUSSIA),
    # The reverse: the source negates, the claim does not.
    ("Russian president Putin is going to militarily assist Armenia.", RUSSIA_WIDE),
])
def test_negated_claim_is_not_supported(claim: str, evidence: str) -> None:
    support = lexical_support(claim, [evidence])

    assert support.score < THRESHOLD
    assert "negation" in support.reason


def test_claim_negated_like_its_source_is_supported() -> None:
    support = lexical_support("Russian president Putin is not going to militarily assist Armenia.", [RUSSIA_WIDE])

    assert support.score >= THRESHOLD
    assert "Putin is not going" in RUSSIA_WIDE[support.start:support.end]


def test_negation_from_a_neighbouring_sentence_does_not_rescue_a_negated_claim() -> None:
    support = lexical_support("The two countries did not sign a deal on mutual military assistance in 1997.",
                              [RUSSIA_WIDE])

    assert support.score < THRESHOLD


@pytest.mark.parametrize(("claim", "evidence"), [
    ("Azerbaijan is an oil-rich wealthy nation.", RUSSIA),
    ("Nancy Pelosi visited Armenia.", VERSAILLES),
    ("War veterans face financial difficulties.", UN),
    ("The Treaty of Versailles punished the German Empire.", OFFENSIVE),
])
def test_unrelated_sentence_is_not_supported(claim: str, evidence: str) -> None:
    assert lexical_support(claim, [evidence]).score < THRESHOLD


def test_the_same_unrelated_claims_are_supported_by_their_own_passage() -> None:
    # Guards the test above: those claims fail because of the evidence, not because they are unscorable.
    assert lexical_support("Azerbaijan is an oil-rich wealthy nation.", [INTERNAL]).score >= THRESHOLD
    assert lexical_support("Nancy Pelosi visited Armenia.", [UN]).score >= THRESHOLD
    assert lexical_support("The Treaty of Versailles punished the German Empire.", [VERSAILLES]).score >= THRESHOLD


def test_claim_without_content_words_scores_zero() -> None:
    assert lexical_support("It was.", [RUSSIA]).score == 0.0


def test_no_evidence_scores_zero() -> None:
    support = lexical_support("Azerbaijan attacked Armenia.", [])

    assert support == Support(0.0, reason="no evidence")


# ------------------------------------------------------------------ joint support
JOINT_A = "The two countries signed a deal on mutual military assistance in 1997."
JOINT_B = ("Moreover, Armenia is a member of the Russian-led Collective Security Treaty Organisation (CSTO), "
           "and the Russian military maintains bases and outposts in Armenia.")
JOINT_CLAIM = ("Armenia, a member of the Collective Security Treaty Organisation, "
               "signed a mutual military assistance deal in 1997.")


def test_joint_support_across_two_passages() -> None:
    assert JOINT_A in DOC and JOINT_B in DOC
    alone_a = lexical_support(JOINT_CLAIM, [JOINT_A])
    alone_b = lexical_support(JOINT_CLAIM, [JOINT_B])

    together = lexical_support(JOINT_CLAIM, [JOINT_A, JOINT_B])

    assert alone_a.score < THRESHOLD and alone_b.score < THRESHOLD
    assert together.score >= THRESHOLD
    assert together.score > max(alone_a.score, alone_b.score)
    assert together.passage in (0, 1)
    assert together.end > together.start


def test_joint_support_does_not_forgive_a_number_neither_passage_has() -> None:
    claim = JOINT_CLAIM.replace("1997", "1998")

    assert lexical_support(claim, [JOINT_A, JOINT_B]).score < THRESHOLD


def test_best_passage_is_reported() -> None:
    support = lexical_support("France called a special meeting of the UN Security Council.",
                              [RUSSIA, VERSAILLES, UN])

    assert support.passage == 2
    assert "France called a special meeting" in UN[support.start:support.end]


# ---------------------------------------------------------------- located span
def test_located_span_is_the_single_sentence_that_supports() -> None:
    claim = "The two countries signed a deal on mutual military assistance in 1997."

    support = lexical_support(claim, [RUSSIA])

    assert RUSSIA[support.start:support.end] == JOINT_A
    assert RUSSIA[support.start:support.end] in sentences_of(RUSSIA)


def test_located_span_is_the_tightest_window_that_holds_the_claim() -> None:
    # "Armenia"/"Russia" are only in the sentence before the one with the deal: two sentences, not three.
    claim = "Armenia and Russia signed a mutual military assistance deal in 1997."
    sents = sentences_of(RUSSIA)

    support = lexical_support(claim, [RUSSIA])

    quote = RUSSIA[support.start:support.end]
    assert quote == RUSSIA[RUSSIA.index(sents[1]):RUSSIA.index(sents[2]) + len(sents[2])]
    assert len(split_sentences(quote)) == 2
    # Every wider window containing it scores no better, so the tighter one wins.
    wider = RUSSIA[RUSSIA.index(sents[0]):RUSSIA.index(sents[2]) + len(sents[2])]
    assert score_window(claim, wider)[0] <= support.score + 0.05


def test_located_span_is_inside_the_right_passage() -> None:
    claim = "Brussels decided to minimise EU dependence on Russian natural gas and oil."
    gas = span("In addition, the Aliyev regime", "In their quest")

    support = lexical_support(claim, [RUSSIA, gas])

    assert support.passage == 1
    assert gas[support.start:support.end].startswith("Following the invasion of Ukraine")
    assert gas[support.start:support.end].endswith("natural gas and oil.")


def test_score_window_reasons_name_the_failed_checks() -> None:
    score, reason = score_window("Germany signed the deal in 1998.", "Russia signed the deal in 1997.")
    swapped, name_reason = score_window("Germany signed the deal in 1997.", "Russia signed the deal in 1997.")

    assert score < THRESHOLD and "1998" in reason
    assert swapped < THRESHOLD and "germany" in name_reason


def test_number_words_count_as_numbers() -> None:
    passage = "The committee has five members and meets twice a year."
    assert lexical_support("The committee has seven members.", [passage]).score < THRESHOLD
    assert lexical_support("The committee has five members.", [passage]).score >= THRESHOLD
    assert "7" in lexical_support("The committee has seven members.", [passage]).reason


# ------------------------------------------- paraphrases a chat model writes (WiCE recalibration)
@pytest.mark.parametrize(("claim", "evidence"), [
    # Both scored below 0.5 before the WiCE refit (0.45, 0.47): correct sentences marked unsupported.
    ("Armenia and Russia have been military allies since a 1997 agreement on mutual assistance.", RUSSIA),
    ("In 1919 the Allied Powers made Germany accept the Treaty of Versailles.", VERSAILLES),
    ("On September 13, 2022, Azerbaijani forces began an offensive against Armenia.", OFFENSIVE),
    ("France requested that the UN Security Council hold a special meeting.", UN),
    ("The Aliyev regime faces additional internal problems.", INTERNAL),
])
def test_reworded_correct_sentences_are_supported(claim: str, evidence: str) -> None:
    support = lexical_support(claim, [evidence])

    assert support.score >= THRESHOLD, support
    assert support.reason == ""


def test_an_ordinal_date_states_the_same_number() -> None:
    passage = "Foxtel will be airing episodes weekly in Australia from March 4th, 2019."

    same = lexical_support("Foxtel aired the episodes in Australia from March 4, 2019.", [passage])
    other = lexical_support("Foxtel aired the episodes in Australia from March 5, 2019.", [passage])

    assert "number" not in same.reason and same.score >= THRESHOLD
    assert "5" in other.reason and other.score < THRESHOLD


def test_each_name_the_evidence_lacks_lowers_the_score() -> None:
    passage = "The committee met in Paris and approved the budget for the next year."
    one = lexical_support("The committee met in Paris with Smith and approved the budget.", [passage])
    two = lexical_support("The committee met in Paris with Smith and Jones and approved the budget.", [passage])

    assert support_features("The committee met in Paris with Smith and Jones.", [passage]).values[
        "names_missing_count"] == 2
    assert two.score < one.score


# ---------------------------------------------------------------- embedding similarity (MiniLM vectors)

class TableEmbed:
    """Sentence vectors a person can check: each text's row from a table; records every call."""

    def __init__(self, table: dict[str, list[float]]) -> None:
        self.table = table
        self.calls: list[list[str]] = []

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return np.array([self.table[t] for t in texts], dtype=float)


def _same_vector(texts: Sequence[str]) -> np.ndarray:
    return np.ones((len(texts), 3))  # every text "means" the same: similarity 1.0


SIMILAR = {"C": [1, 0, 0], "A": [0, 1, 0], "B": [1, 1, 0], "D": [1, 0, 1]}


def test_similarity_features_by_hand_window_and_two_closest_sentences() -> None:
    embed = TableEmbed(SIMILAR)

    features = similarity_features("C", [["B", "A", "D"]], embed)

    # Windows: B .707, A 0, D .707, B+A .383, A+D .5, B+A+D .607 -> best .707 (cos 45°).
    assert features["sim_win"] == pytest.approx(2 ** -0.5, abs=1e-6)
    # The two closest sentences, B and D, together: (.707, .354, .354) / .866 -> .816.
    assert features["sim_top2"] == pytest.approx(0.8165, abs=1e-3)
    assert embed.calls == [["C", "B", "A", "D"]]  # one call, each sentence once


def test_similarity_windows_stay_inside_a_passage_but_the_two_closest_sentences_do_not() -> None:
    features = similarity_features("C", [["B"], ["D"]], TableEmbed(SIMILAR))

    assert features["sim_win"] == pytest.approx(2 ** -0.5, abs=1e-6)  # no window joins B and D
    assert features["sim_top2"] == pytest.approx(0.8165, abs=1e-3)


def test_sentence_vectors_raise_a_paraphrase_and_need_no_embedder_otherwise() -> None:
    claim = "The regime's troops attacked Armenian villages in 2022."
    evidence = [OFFENSIVE]

    lexical_only = lexical_support(claim, evidence)
    with_vectors = lexical_support(claim, evidence, _same_vector)

    assert "sim_win" not in support_features(claim, evidence).values
    assert support_features(claim, evidence, _same_vector).values["sim_win"] == pytest.approx(1.0)
    assert with_vectors.score > lexical_only.score
    assert (with_vectors.passage, with_vectors.start, with_vectors.end) == \
        (lexical_only.passage, lexical_only.start, lexical_only.end)  # the quote is still the lexical one


@pytest.mark.parametrize("claim", [
    "Russia signed the deal in 1998.",  # changed number
    "Russia did not sign a deal in 1997.",  # inserted negation
])
def test_the_checks_still_fail_a_claim_the_vectors_call_identical(claim: str) -> None:
    evidence = ["Armenia and Russia signed a deal in 1997."]

    support = lexical_support(claim, evidence, _same_vector)

    assert support.score < THRESHOLD and support.reason


def test_a_failing_embedder_falls_back_to_the_lexical_score(caplog: pytest.LogCaptureFixture) -> None:
    def broken(texts: Sequence[str]) -> np.ndarray:
        raise RuntimeError("model files missing")

    claim, evidence = "Russia signed the deal in 1997.", ["Armenia and Russia signed a deal in 1997."]
    with caplog.at_level(logging.WARNING, logger="rag.verify"):
        support = lexical_support(claim, evidence, broken)

    assert support == lexical_support(claim, evidence)
    assert "model files missing" in caplog.text


def test_lexical_verifier_uses_vectors_only_when_given_them() -> None:
    claim, evidence = "The regime's troops attacked Armenian villages in 2022.", [OFFENSIVE]

    plain = LexicalVerifier()
    with_vectors = plain.with_embed(_same_vector)

    assert plain(claim, evidence).score == lexical_support(claim, evidence).score
    assert with_vectors(claim, evidence).score == lexical_support(claim, evidence, _same_vector).score
    assert with_vectors.name == plain.name == "lexical"
