"""Fit the lexical verifier's weights on the tune half of WiCE dev; report on the other half.

``python -m rag.eval.calibrate_verifier [WICE_JSONL]`` prints the weights for
:data:`rag.verify.LEXICAL_WEIGHTS` and the metrics on each half. Rows are split by a hash of
the WiCE claim id (:func:`rag.eval.verifier_eval.wice_half`), so all evidence chunks of one claim
fall in the same half; "partially supported" counts as not supported. Class-balanced weights
make 0.5 the balanced-accuracy threshold of the model; the intercept is then shifted (on tune)
so that 0.5 stays the balanced threshold after the number/name/negation penalties. The weights
are copied into rag/verify.py by hand, with this script named there as their source; nothing
here reads the report half to choose them (it is only printed).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from rag.eval.metrics import balanced_accuracy
from rag.eval.verifier_eval import Pair, load_pairs, metrics_at, wice_half
from rag.verify import CHECK_PENALTY, Features, support_features

LEXICAL = ["cov_best", "cov_all", "bigram_all", "number_missing", "name_missing"]
DEFAULT_DATA = Path("/work/shared/datasets/wice_dev/wice_oracle_claim_dev.jsonl")


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, iterations: int = 50) -> np.ndarray:
    """Class-balanced, L2-regularised logistic regression by Newton's method; the last weight is the bias."""
    x1 = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(x1.shape[1])
    balance = np.where(y, len(y) / (2 * y.sum()), len(y) / (2 * (~y).sum()))
    ridge = l2 * np.diag(np.r_[np.ones(x.shape[1]), 0.0])
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-x1 @ w))
        gradient = x1.T @ (balance * (p - y)) + ridge @ w
        hessian = (x1 * (balance * p * (1 - p))[:, None]).T @ x1 + ridge
        w -= np.linalg.solve(hessian, gradient)
    return w
def feature_rows(pairs: Sequence[Pair]) -> list[Features]:
    return [support_features(p.claim, [p.document]) for p in pairs]


def final_scores(rows: Sequence[Features], names: Sequence[str], weights: dict[str, float]) -> np.ndarray:
    """The scores :func:`rag.verify.lexical_support` gives: the logistic model, then the check penalties."""
    x = np.array([[r.values.get(f, 0.0) for f in names] for r in rows])
    z = x @ np.array([weights[f] for f in names]) + weights["bias"]
    penalty = np.array([CHECK_PENALTY ** len(r.reasons) * min(1.0, r.n_terms / 3) for r in rows])
    return penalty / (1 + np.exp(-z))


def shift_bias(rows: Sequence[Features], y: np.ndarray, names: Sequence[str], weights: dict[str, float]) -> float:
    """The intercept shift that maximises balanced accuracy at 0.5 *after* the penalties (tune rows only).

    The penalties (a changed number, a missing name, flipped negation) lower scores after the model,
    so the model's own 0.5 is no longer the balanced threshold; moving the intercept restores it.
    """
    best = (-1.0, 0.0)
    for shift in np.arange(-3.0, 3.0001, 0.05):
        scores = final_scores(rows, names, {**weights, "bias": weights["bias"] + shift})
        ba = balanced_accuracy(y.tolist(), (scores >= 0.5).tolist()) or 0.0
        if ba > best[0] + 1e-9 or (abs(ba - best[0]) <= 1e-9 and abs(shift) < abs(best[1])):
            best = (ba, float(shift))
    return best[1]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("data", nargs="?", default=str(DEFAULT_DATA))
    args = parser.parse_args(argv)
    pairs = load_pairs(args.data)
    rows = feature_rows(pairs)
    y = np.array([p.label for p in pairs])
    tune = np.array([wice_half(p.id) == "tune" for p in pairs])
    x = np.array([[r.values.get(f, 0.0) for f in LEXICAL] for r in rows])
    w = fit_logistic(x[tune], y[tune])
    weights = {**{f: round(float(v), 3) for f, v in zip(LEXICAL, w)}, "bias": round(float(w[-1]), 3)}
    tune_rows = [r for r, t in zip(rows, tune) if t]
    weights["bias"] = round(weights["bias"] + shift_bias(tune_rows, y[tune], LEXICAL, weights), 3)
    scores = final_scores(rows, LEXICAL, weights)
    out: dict[str, Any] = {"LEXICAL_WEIGHTS": weights,
                           "tune": metrics_at(y[tune].tolist(), scores[tune].tolist(), 0.5),
                           "report": metrics_at(y[~tune].tolist(), scores[~tune].tolist(), 0.5)}
    json.dump(out, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
