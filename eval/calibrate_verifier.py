"""Fit the lexical verifier's weights on the tune half of WiCE dev; report on the other half.

``python -m eval.calibrate_verifier [WICE_JSONL] [--embed-cache FILE]`` prints the
weights for :data:`rag.verify.LEXICAL_WEIGHTS` and :data:`rag.verify.EMBEDDING_WEIGHTS`
and the metrics of both models on each half. Rows are split by a hash of the WiCE claim
id (:func:`eval.verifier_eval.wice_half`), so all evidence chunks of one claim fall in the
same half; "partially supported" counts as not supported. Class-balanced weights make 0.5
the balanced-accuracy threshold. The weights are copied into rag/verify.py by hand, with
this script named there as their source; nothing here reads the report half to choose them.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from eval.verifier_eval import Pair, load_pairs, metrics_at, wice_half
from rag.verify import support_features

LEXICAL = ["cov_best", "cov_all", "bigram_all", "number_missing", "name_missing"]
EMBEDDING = [*LEXICAL, "sim_max", "sim_top3", "sim_window"]
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


class CachedEmbed:
    """The packaged MiniLM with a text -> vector cache kept on disk between runs."""

    def __init__(self, path: Path | None) -> None:
        from rag.embed import SentenceTransformerEmbedder

        self.embedder = SentenceTransformerEmbedder()
        self.path = path
        self.vectors: dict[str, np.ndarray] = {}
        if path and path.is_file():
            self.vectors = pickle.loads(path.read_bytes())

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self.vectors]
        if missing:
            self.vectors.update(zip(missing, self.embedder.embed_documents(missing)))
        return np.vstack([self.vectors[t] for t in texts])

    def save(self) -> None:
        if self.path:
            self.path.write_bytes(pickle.dumps(self.vectors))


def feature_rows(pairs: Sequence[Pair], embed: Any) -> list[dict[str, float]]:
    return [support_features(p.claim, [p.document], embed).values for p in pairs]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", nargs="?", default=str(DEFAULT_DATA))
    parser.add_argument("--embed-cache", type=Path, help="pickle of text -> vector, reused between runs")
    parser.add_argument("--lexical-only", action="store_true", help="fit LEXICAL_WEIGHTS only (no model needed)")
    args = parser.parse_args(argv)
    pairs = load_pairs(args.data)
    embed = None if args.lexical_only else CachedEmbed(args.embed_cache)
    rows = feature_rows(pairs, embed)
    if embed is not None:
        embed.save()
    y = np.array([p.label for p in pairs])
    tune = np.array([wice_half(p.id) == "tune" for p in pairs])
    out: dict[str, Any] = {}
    models = [("LEXICAL_WEIGHTS", LEXICAL)] + ([] if args.lexical_only else [("EMBEDDING_WEIGHTS", EMBEDDING)])
    for name, names in models:
        x = np.array([[r.get(f, 0.0) for f in names] for r in rows])
        w = fit_logistic(x[tune], y[tune])
        weights = {**{f: round(float(v), 3) for f, v in zip(names, w)}, "bias": round(float(w[-1]), 3)}
        scores = 1 / (1 + np.exp(-(x @ np.array([weights[f] for f in names]) + weights["bias"])))
        out[name] = {"weights": weights,
                     "tune": metrics_at(y[tune].tolist(), scores[tune].tolist(), 0.5),
                     "report": metrics_at(y[~tune].tolist(), scores[~tune].tolist(), 0.5)}
    json.dump(out, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
