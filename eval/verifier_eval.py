"""Measure a support verifier on human-labelled (document, claim) pairs: ``rag eval-verifier``.

Two input layouts, one JSON object per line:

- LLM-AggreFact: ``{"doc": str, "claim": str, "label": 0|1}`` (optional ``id``, ``dataset``, and
  ``group``: rows split into halves together, e.g. all claims about one article);
- WiCE: ``{"claim": str, "evidence": [str, ...], "label": "supported" | "partially_supported" |
  "not_supported", "meta": {"id": ...}}``; only ``supported`` counts as supported. The evidence
  sentences are joined one per line, so each stays a sentence for the verifier.

Reported: AUROC, balanced accuracy / F1 / accuracy at the configured threshold, the
threshold that maximises balanced accuracy (and the BA there), and latency per claim.
``--half tune|report`` keeps one half of a file (split by a hash of the row's ``group``, else its id:
the claim id for WiCE): the lexical verifier was fitted on WiCE's ``tune``, so ``report`` is its held-out
measurement.

Example:
    >>> auroc([True, False, True, False], [0.9, 0.1, 0.4, 0.6])
    0.75
    >>> f1_score([True, True, False, False], [True, False, True, False])
    0.5
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.eval.datasets import read_jsonl_lines
from rag.eval.metrics import balanced_accuracy, percentile
from rag.verify import SupportScorer, scorer_name

__all__ = ["Pair", "VerifierEvalError", "auroc", "best_threshold", "evaluate_verifier", "f1_score",
           "load_pairs", "metrics_at", "wice_half"]

WICE_SUPPORTED = "supported"
WICE_LABELS = frozenset({"supported", "partially_supported", "not_supported"})


class VerifierEvalError(ValueError):
    """A labelled-pairs file is unreadable; the message names the file, the line and the field."""


@dataclass(frozen=True)
class Pair:
    """One labelled example: does ``document`` fully support ``claim``?"""

    id: str
    claim: str
    document: str
    label: bool
    group: str = ""  # rows that are split together (an article's claims); the id when empty
    kind: str = ""  # how the claim was made ("synonyms", "negation"…), for the accepted share by kind


def wice_half(claim_id: str) -> str:
    """``"tune"`` or ``"report"``: a fixed split of WiCE by sha256 of the claim id (even = tune).

    Example:
        >>> wice_half("dev02986") in ("tune", "report")
        True
    """
    return "tune" if int(hashlib.sha256(claim_id.encode("utf-8")).hexdigest(), 16) % 2 == 0 else "report"


def _pair(row: Any, where: str, line: int) -> Pair:
    if not isinstance(row, dict):
        raise VerifierEvalError(f"{where}: not a JSON object")
    claim = row.get("claim")
    if not isinstance(claim, str) or not claim.strip():
        raise VerifierEvalError(f"{where}: 'claim' must be a non-empty string")
    label = row.get("label")
    if "evidence" in row:  # WiCE
        evidence = row["evidence"]
        if not isinstance(evidence, list) or not all(isinstance(e, str) for e in evidence):
            raise VerifierEvalError(f"{where}: 'evidence' must be a list of strings (WiCE layout)")
        if label not in WICE_LABELS:
            raise VerifierEvalError(f"{where}: 'label' must be one of {', '.join(sorted(WICE_LABELS))}, "
                                    f"got {label!r}")
        meta = row.get("meta")
        meta = meta if isinstance(meta, dict) else {}
        pair_id = str(meta.get("id") or row.get("id") or f"line{line}")
        return Pair(pair_id, claim, "\n".join(e.strip() for e in evidence), label == WICE_SUPPORTED)
    document = row.get("doc")
    if not isinstance(document, str):
        raise VerifierEvalError(f"{where}: needs 'doc' (LLM-AggreFact layout) or 'evidence' (WiCE layout)")
    if label not in (0, 1) or isinstance(label, float) and not float(label).is_integer():
        raise VerifierEvalError(f"{where}: 'label' must be 0 or 1 (LLM-AggreFact layout), got {label!r}")
    group, kind = row.get("group"), row.get("kind")
    for field, value in (("group", group), ("kind", kind)):
        if value is not None and not isinstance(value, str):
            raise VerifierEvalError(f"{where}: '{field}' must be a string, got {value!r}")
    return Pair(str(row.get("id") or f"line{line}"), claim, document, bool(label), group or "", kind or "")


def load_pairs(path: str | Path, half: str | None = None) -> list[Pair]:
    """Read LLM-AggreFact or WiCE JSONL; ``half`` (``tune``/``report``) keeps one half by claim id.

    A row's optional ``group`` (LLM-AggreFact layout) is split instead of its id, so that all claims about
    one source fall in the same half (eval/data/paraphrase groups by article).
    """
    path = Path(path)
    if half not in (None, "tune", "report"):
        raise VerifierEvalError(f"half: must be 'tune' or 'report', got {half!r}")
    try:
        rows = list(read_jsonl_lines(path, lambda row: row))
    except FileNotFoundError:
        raise VerifierEvalError(f"{path}: file not found") from None
    except UnicodeDecodeError as exc:
        raise VerifierEvalError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except ValueError as exc:  # a line that is not JSON, named "<path>:<line>: ..."
        raise VerifierEvalError(str(exc)) from None
    pairs = []
    for n, row in rows:
        pair = _pair(row, f"{path}:{n}", n)
        if half is None or wice_half(pair.group or pair.id) == half:
            pairs.append(pair)
    if not pairs:
        raise VerifierEvalError(f"{path}: no labelled pairs" + (f" in the {half} half" if half else ""))
    return pairs


# ------------------------------------------------------------------ metrics

def auroc(labels: Sequence[bool], scores: Sequence[float]) -> float | None:
    """Area under the ROC curve (ties count half); ``None`` when one class is missing."""
    if len(labels) != len(scores):
        raise ValueError(f"labels and scores differ in length ({len(labels)} != {len(scores)})")
    positives = [s for label, s in zip(labels, scores) if label]
    negatives = [s for label, s in zip(labels, scores) if not label]
    if not positives or not negatives:
        return None
    # Rank-sum (Mann-Whitney U) with average ranks for ties: O(n log n).
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    ranks = [0.0] * len(scores)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and scores[order[j + 1]] == scores[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    rank_sum = sum(r for r, label in zip(ranks, labels) if label)
    n_pos, n_neg = len(positives), len(negatives)
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def f1_score(labels: Sequence[bool], predictions: Sequence[bool]) -> float | None:
    """F1 of the positive class ("supported"); ``None`` when there is nothing to score."""
    tp = sum(1 for y, p in zip(labels, predictions, strict=True) if y and p)
    fp = sum(1 for y, p in zip(labels, predictions) if p and not y)
    fn = sum(1 for y, p in zip(labels, predictions) if y and not p)
    return None if tp + fp + fn == 0 else 2 * tp / (2 * tp + fp + fn)


def metrics_at(labels: Sequence[bool], scores: Sequence[float], threshold: float) -> dict[str, Any]:
    """AUROC, and balanced accuracy / F1 / accuracy of ``score >= threshold``."""
    predictions = [s >= threshold for s in scores]
    correct = sum(1 for y, p in zip(labels, predictions) if y == p)
    return {"n": len(labels), "n_supported": sum(1 for y in labels if y), "threshold": threshold,
            "auroc": _round(auroc(labels, scores)),
            "balanced_accuracy": _round(balanced_accuracy(list(labels), predictions)),
            "f1": _round(f1_score(labels, predictions)),
            "accuracy": _round(correct / len(labels) if labels else None)}


def best_threshold(labels: Sequence[bool], scores: Sequence[float]) -> tuple[float, float | None]:
    """The threshold (one of the scores) maximising balanced accuracy, and that balanced accuracy."""
    best: tuple[float, float | None] = (0.5, None)
    for t in sorted(set(scores)):
        ba = balanced_accuracy(list(labels), [s >= t for s in scores])
        if ba is not None and (best[1] is None or ba > best[1]):
            best = (t, ba)
    return round(best[0], 6), _round(best[1])


def _round(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else round(value, 4)


def evaluate_verifier(pairs: Sequence[Pair], scorer: SupportScorer, threshold: float = 0.5,
                      progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Score every pair with ``scorer`` and report the metrics, the best-BA threshold and latency.

    Example:
        >>> from rag.verify import lexical_support
        >>> pairs = [Pair("a", "Russia signed in 1997.", "Russia signed the deal in 1997.", True),
        ...          Pair("b", "Russia signed in 1998.", "Russia signed the deal in 1997.", False)]
        >>> evaluate_verifier(pairs, lexical_support)["auroc"]
        1.0
    """
    labels = [p.label for p in pairs]
    scores: list[float] = []
    seconds: list[float] = []
    fallbacks = 0
    name = scorer_name(scorer)
    for n, pair in enumerate(pairs, start=1):
        started = time.perf_counter()
        support = scorer(pair.claim, [pair.document])
        seconds.append(time.perf_counter() - started)
        scores.append(float(support.score))
        fallbacks += bool(support.verifier and support.verifier != name)
        if progress:
            progress(n, len(pairs))
    result = {"verifier": name, **metrics_at(labels, scores, threshold)}
    result["best_threshold"], result["best_balanced_accuracy"] = best_threshold(labels, scores)
    ms = [s * 1000 for s in seconds]
    result["latency_ms"] = {"mean": round(sum(ms) / len(ms), 3), "median": round(percentile(ms, 50), 3),
                            "p95": round(percentile(ms, 95), 3)}
    result["fallbacks"] = fallbacks
    if any(p.kind for p in pairs):
        # Which kinds of claim pass: a verifier can reach a fair balanced accuracy while letting every
        # flipped negation through.
        kinds: dict[tuple[bool, str], list[bool]] = {}
        for pair, score in zip(pairs, scores):
            kinds.setdefault((pair.label, pair.kind or "-"), []).append(score >= threshold)
        result["accepted_by_kind"] = {
            "supported" if label else "not supported": {
                kind: f"{sum(v)}/{len(v)}" for (lab, kind), v in sorted(kinds.items()) if lab == label}
            for label in (True, False)}
    return result
