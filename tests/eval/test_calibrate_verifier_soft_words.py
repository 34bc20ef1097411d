"""Word-level soft matching as measured by calibrate_verifier --soft-words: what counts as a close match,
that names and numbers never soft-match, the CV measurement and the bootstrap of its gain."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import pytest

from rag.eval.calibrate_verifier import (
    FEATURES,
    TermMatch,
    TokenTableVectors,
    bootstrap_gain,
    measure_soft_words,
    soft_word_features,
    term_matches,
)
from rag.eval.verifier_eval import Pair

# Words a person would call the same thing: one vector per group; every other word gets its own direction.
SYNONYMS = [{"purchased", "bought"}, {"armenia", "azerbaijan"}, {"1997", "1998"}, {"five", "six"}]


def fake_word_vectors(texts: Sequence[str]) -> np.ndarray:
    """Deterministic word vectors: synonyms share a vector, other words are (almost surely) near-orthogonal."""
    rows = []
    for text in texts:
        key = next((min(group) for group in SYNONYMS if text in group), text)
        seed = int(hashlib.sha256(key.encode()).hexdigest(), 16) % 2**32
        rows.append(np.random.default_rng(seed).standard_normal(256))
    return np.vstack(rows)


def test_a_paraphrased_word_gets_soft_credit_and_an_exact_one_full_credit() -> None:
    evidence = "The museum bought the painting from a collector."

    matches = term_matches("The museum purchased the painting.", evidence, evidence, fake_word_vectors)

    by_sim = sorted(matches, key=lambda m: m.sim_all)
    assert [m.exact_all for m in matches].count(True) == 2  # museum, painting
    assert by_sim[-1].sim_all == pytest.approx(1.0) and not by_sim[-1].exact_all  # purchased ~ bought
    features = soft_word_features(matches, floor=0.8)
    assert features["soft_all"] == pytest.approx(1.0)
    assert features["soft_gain"] == pytest.approx(1 / 3)
    assert features["unmatched"] == 0.0


def test_names_and_numbers_never_soft_match_even_with_identical_vectors() -> None:
    evidence = "Armenia and Russia signed a deal in 1997 with five ministers."
    claim = "Azerbaijan and Russia signed a deal in 1998 with six ministers."

    matches = term_matches(claim, evidence, evidence, fake_word_vectors)

    features = soft_word_features(matches, floor=0.1)
    # azerbaijan (name), 1998 (digits) and six (a number word) stay missing: no credit, counted unmatched.
    assert features["unmatched"] == 3.0
    assert features["soft_gain"] == 0.0
    assert sum(m.hard and not m.exact_all for m in matches) == 3


def test_soft_features_by_hand_for_the_window_and_the_floor() -> None:
    matches = [TermMatch(True, True, False, 0.0, 0.0), TermMatch(False, False, False, 0.9, 0.7),
               TermMatch(False, False, True, 0.95, 0.95), TermMatch(False, False, False, 0.5, 0.5)]

    features = soft_word_features(matches, floor=0.8, alpha=0.5)

    assert features["soft_all"] == pytest.approx((1 + 0.45) / 4)
    assert features["soft_best"] == pytest.approx(1 / 4)  # 0.7 in the window is under the floor
    assert features["soft_gain"] == pytest.approx(0.45 / 4)
    assert features["unmatched"] == 2.0  # the name (hard) and the 0.5 word
    assert features["soft_other"] == pytest.approx((1 + 0.45) / 3)  # the name left out
    assert soft_word_features([], floor=0.8)["soft_all"] == 0.0


def test_bootstrap_of_identical_models_gives_a_zero_interval_and_a_better_model_a_positive_one() -> None:
    rng = np.random.default_rng(0)
    y = np.array([True, False] * 40)
    ids = [f"c{i // 2}" for i in range(80)]
    base = [rng.standard_normal(80) for _ in range(3)]
    penalty = np.ones(80)

    assert bootstrap_gain(y, ids, base, base, penalty, draws=50) == (0.0, 0.0)
    better = [b + 3.0 * y for b in base]
    low, high = bootstrap_gain(y, ids, base, better, penalty, draws=50)
    assert 0 < low <= high


def test_measure_soft_words_reports_the_tune_cv_gain_of_the_best_candidate() -> None:
    passage = "The museum bought the old painting from a private collector in Vienna in 1997."
    pairs = []
    for i in range(30):
        pairs.append(Pair(f"s{i}", f"The museum purchased the old painting in 1997 (lot {i}).", passage, True))
        pairs.append(Pair(f"u{i}", f"The museum sold a new statue to a dealer in 2005 (lot {i}).", passage, False))

    out = measure_soft_words(pairs, fake_word_vectors, "encoder", restates=0.9)

    assert out["best"]["features"][:len(FEATURES)] == FEATURES
    assert out["best"]["floor"] in (0.6, 0.7, 0.75, 0.8, 0.85, 0.9)
    assert out["best_cv_gain"] == pytest.approx(out["best"]["_cv_auroc"] - out["cv_auroc_lexical"], abs=1e-4)
    low, high = out["best_cv_gain_95ci"]
    assert low <= high
    assert "_logits" not in out["best"]


@pytest.mark.integration
def test_the_token_table_gives_the_packaged_models_word_piece_vectors() -> None:
    vectors = TokenTableVectors()(["purchased", "bought", "elephant"])

    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    assert vectors.shape == (3, 384)
    # Without padding turned off, every word would be mostly [PAD] and all cosines near 1.
    assert unit[0] @ unit[1] > 0.6 > unit[0] @ unit[2]
