"""The lexical verifier's calibration script: CV folds by claim, the fit, and pasting the weights."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from rag.eval.calibrate_verifier import (
    EMBEDDING_FEATURES,
    FEATURES,
    FileVectors,
    calibrate,
    fit_logistic,
    folds,
    write_weights,
)
from rag.eval.verifier_eval import Pair
from rag.testing import FakeEmbedder
from rag.verify import EMBEDDING_WEIGHTS, LEXICAL_WEIGHTS


def test_the_weights_in_verify_py_use_exactly_the_calibrated_features() -> None:
    assert set(LEXICAL_WEIGHTS) == {*FEATURES, "bias"}


def test_folds_keep_every_row_of_a_claim_together_and_differ_between_repeats() -> None:
    ids = [f"claim{i // 3}" for i in range(300)]  # three evidence rows per claim, as in WiCE

    first, second = folds(ids, 0), folds(ids, 1)

    for fold in (first, second):
        for i in range(0, 300, 3):
            assert fold[i] == fold[i + 1] == fold[i + 2]
        assert set(fold.tolist()) == {0, 1, 2, 3, 4}
    assert (first != second).any()


def test_fit_logistic_returns_weights_for_the_raw_features() -> None:
    rng = np.random.default_rng(0)
    x = np.c_[rng.random(400), 10 * rng.random(400)]  # a share and a count: different scales
    y = (x[:, 0] - 0.05 * x[:, 1] + 0.2 * rng.standard_normal(400)) > 0.3

    w = fit_logistic(x, y, l2=0.01)

    p = 1 / (1 + np.exp(-(x @ w[:-1] + w[-1])))
    assert w[0] > 0 > w[1]
    assert ((p >= 0.5) == y).mean() > 0.85


def test_calibrate_chooses_by_cross_validation_and_reports_tune_only() -> None:
    passage = "Armenia and Russia signed a deal on mutual military assistance in 1997 in Moscow."
    pairs = []
    for i in range(40):
        pairs.append(Pair(f"s{i}", f"Armenia and Russia signed a military deal in 1997 (case {i}).", passage, True))
        pairs.append(Pair(f"u{i}", f"Georgia and Turkey built a pipeline across Baku in 2005 (case {i}).", passage,
                          False))

    out = calibrate(pairs)

    assert set(out["LEXICAL_WEIGHTS"]) == {*FEATURES, "bias"}
    assert out["tune_cross_validated"]["auroc"] == 1.0
    assert out["l2"] in {float(k) for k in out["cv_auroc_by_l2"]}
    assert out["restates"] in {float(k) for k in out["cv_auroc_by_restates"]}
    assert "report_held_out" not in out


def test_write_weights_replaces_the_literal_and_nothing_else(tmp_path: Path) -> None:
    source = tmp_path / "verify.py"
    source.write_text('A = 1\nLEXICAL_WEIGHTS: dict[str, float] = {"cov_best": 1.0,\n    "bias": -2.0}\nB = 2\n'
                      "RESTATES = 0.8\nNEGATION_RESTATES = 0.8\n", encoding="utf-8")
    weights = {f"feature_{i}": float(i) for i in range(12)} | {"bias": -1.5}

    write_weights(weights, source, restates=0.95)

    namespace: dict[str, object] = {}
    exec(source.read_text(encoding="utf-8"), namespace)  # noqa: S102 - our own generated test file
    assert namespace["LEXICAL_WEIGHTS"] == weights and namespace["A"] == 1 and namespace["B"] == 2
    assert namespace["RESTATES"] == 0.95 and namespace["NEGATION_RESTATES"] == 0.8
    assert max(len(line) for line in source.read_text(encoding="utf-8").splitlines()) <= 120


def test_the_embedding_weights_use_exactly_the_calibrated_features() -> None:
    assert set(EMBEDDING_WEIGHTS) == {*EMBEDDING_FEATURES, "bias"}


def test_calibrate_with_vectors_fits_the_embedding_model_at_the_chosen_gate(tmp_path: Path) -> None:
    passage = "Armenia and Russia signed a deal on mutual military assistance in 1997 in Moscow."
    pairs = []
    for i in range(30):
        pairs.append(Pair(f"s{i}", f"Armenia and Russia signed a military deal in 1997 (case {i}).", passage, True))
        pairs.append(Pair(f"u{i}", f"Georgia and Turkey built a pipeline across Baku in 2005 (case {i}).", passage,
                          False))
    vectors = FileVectors(tmp_path / "vectors.npz", embedder=FakeEmbedder())

    out = calibrate(pairs, vectors)

    assert set(out["embedding"]["EMBEDDING_WEIGHTS"]) == {*EMBEDDING_FEATURES, "bias"}
    assert out["embedding"]["tune_cross_validated"]["auroc"] == 1.0
    # Each distinct text was encoded once and kept: a second run reads them from the file.
    kept = FileVectors(tmp_path / "vectors.npz", embedder=None)
    assert passage in kept.vectors and pairs[0].claim in kept.vectors
    assert kept([passage]).shape == (1, FakeEmbedder().dimension)


def test_write_weights_replaces_a_named_literal(tmp_path: Path) -> None:
    source = tmp_path / "verify.py"
    source.write_text('LEXICAL_WEIGHTS: dict[str, float] = {"a": 1.0}\nEMBEDDING_WEIGHTS: dict[str, float] = {}\n',
                      encoding="utf-8")

    write_weights({"sim_win": 1.5, "bias": -2.0}, source, name="EMBEDDING_WEIGHTS")

    namespace: dict[str, object] = {}
    exec(source.read_text(encoding="utf-8"), namespace)  # noqa: S102 - our own generated test file
    assert namespace["EMBEDDING_WEIGHTS"] == {"sim_win": 1.5, "bias": -2.0}
    assert namespace["LEXICAL_WEIGHTS"] == {"a": 1.0}
