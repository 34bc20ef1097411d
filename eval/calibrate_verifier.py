"""Fit the lexical verifier's weights on the tune half of WiCE dev, choosing everything by cross-validation.

``python -m rag.eval.calibrate_verifier [WICE_JSONL] [--write] [--report]`` prints the weights for
:data:`rag.verify.LEXICAL_WEIGHTS` with the cross-validated figures on the tune half; ``--write``
pastes the weights into rag/verify.py; ``--report`` also prints the held-out figures (run it once,
after everything is chosen: nothing here reads the report half unless asked, and nothing is chosen
on it).

Rows are split by a hash of the WiCE claim id (:func:`rag.eval.verifier_eval.wice_half`), so all
evidence chunks of one claim fall in the same half; "partially supported" counts as not supported.
Within *tune*, rows are cut into :data:`FOLDS` folds by a hash of the claim id (all rows of a claim
in one fold), :data:`REPEATS` times with different hashes. The L2 strength is the one of
:data:`L2_GRID` with the best mean out-of-fold AUROC; the intercept is then shifted so that 0.5,
applied to the out-of-fold scores *after* the number/name/negation penalties, maximises balanced
accuracy (in-sample scores are over-confident, so a threshold chosen on them moves on new claims).
The final weights are fitted on all of *tune* with class-balanced weights.

With ``--embedding`` a second model is fitted: :data:`rag.verify.EMBEDDING_WEIGHTS` (the lexical
features plus the MiniLM similarities of :func:`rag.verify.similarity_features`), at the gate chosen
for the first. It is not used by the pipeline (no held-out gain; eval/README.md); the flag keeps the
measurement reproducible. The sentence vectors are computed once with the packaged all-MiniLM-L6-v2
(~13,000 distinct texts, minutes on a CPU) and kept in ``--vectors`` (default under /tmp).

With ``--soft-words tokens|encoder`` the word-level soft matching of :func:`soft_word_features` is
measured the same way (context-free word vectors: the MiniLM input token-embedding table, or MiniLM
encoding each word alone, kept in ``--word-vectors``): every floor of :data:`SOFT_FLOORS` and
feature of :data:`SOFT_CANDIDATES`, added to the lexical features, by grouped CV on tune, with a
claim-grouped bootstrap interval of the best one's CV gain; ``--report`` adds its held-out figures.
It is not used by the pipeline either (no gain; eval/README.md).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from rag import verify
from rag.eval.metrics import balanced_accuracy
from rag.eval.verifier_eval import Pair, auroc, load_pairs, metrics_at
from rag.text import names, split_sentences, terms, words
from rag.verify import CHECK_PENALTY, Embed, Features, claim_numbers, support_features

# The features of rag.verify.support_features the model uses, chosen by the same grouped 5-fold
# cross-validation within tune: forward selection over ~30 candidates (min/mean clause coverage,
# the longest run of missing terms, IDF-weighted coverage (IDF from SQuAD contexts), prefix-tolerant
# coverage, trigram and word-pair coverage, claim length, name/number counts) kept only
# ``names_missing_count`` (+0.007 mean out-of-fold AUROC); none of the others added 0.002.
FEATURES = ["cov_best", "cov_all", "bigram_all", "number_missing", "name_missing", "names_missing_count"]
# With sentence vectors (--embedding), chosen by the same CV on tune: the best-window similarity added
# +0.014 mean out-of-fold AUROC (0.834 -> 0.848), the two-closest-sentences similarity +0.004 more
# (0.851). Not kept (< 0.002 or worse): best single sentence, whole evidence, min/mean over claim
# clauses, its square, its product with coverage; wordfreq-IDF-weighted coverage / missing mass.
# Held out, the model with both lost 0.011 AUROC (0.813 vs 0.824), so the pipeline does not use it.
# Word-level soft matching (--soft-words) added at most +0.003 (bootstrap interval across 0) and
# nothing held out (0.8245 encoded words, 0.815 token table): not used either.
EMBEDDING_FEATURES = [*FEATURES, "sim_win", "sim_top2"]
L2_GRID = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0)
RESTATES_GRID = (0.6, 0.7, 0.8, 0.85, 0.9, 0.95)
FOLDS = 5
REPEATS = 5
DEFAULT_DATA = Path("/work/shared/datasets/wice_dev/wice_oracle_claim_dev.jsonl")
DEFAULT_VECTORS = Path("/tmp/rag-calibrate-verifier-minilm.npz")
# Word-level soft matching (--soft-words): the similarity floors tried for each word-vector source
# (cosines of context-free word vectors: the token table's sit lower than the encoder's) and the
# features of soft_word_features tried, one at a time, on top of FEATURES.
SOFT_FLOORS = {"tokens": (0.4, 0.5, 0.6, 0.7, 0.8), "encoder": (0.6, 0.7, 0.75, 0.8, 0.85, 0.9)}
SOFT_CANDIDATES = (("soft_gain",), ("soft_all",), ("soft_best",), ("soft_other",), ("unmatched",),
                   ("soft_all", "soft_best"))
DEFAULT_WORD_VECTORS = Path("/tmp/rag-calibrate-verifier-minilm-words.npz")
BOOTSTRAP_DRAWS = 1000
VERIFY_PY = Path(__file__).resolve().parents[1] / "rag" / "verify.py"


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, iterations: int = 50) -> np.ndarray:
    """Class-balanced, L2-regularised logistic regression by Newton's method; the last weight is the bias.

    The penalty applies to standardised features (so one ``l2`` treats a share and a count alike);
    the weights returned are for the raw features.
    """
    mean, scale = x.mean(0), x.std(0)
    scale = np.where(scale > 0, scale, 1.0)
    w = _fit_standardised((x - mean) / scale, y, l2, iterations)
    raw = w[:-1] / scale
    return np.r_[raw, w[-1] - raw @ mean]


def _fit_standardised(x: np.ndarray, y: np.ndarray, l2: float, iterations: int) -> np.ndarray:
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


class FileVectors:
    """Sentence vectors by text, kept in an ``.npz`` file: each distinct sentence is encoded once, ever.

    ``embedder`` (default: the configured one, the packaged all-MiniLM-L6-v2) loads on the first miss.
    """

    def __init__(self, path: Path, embedder: Any = None) -> None:
        self.path = Path(path)
        self.embedder = embedder
        self.vectors: dict[str, np.ndarray] = {}
        if self.path.is_file():
            with np.load(self.path, allow_pickle=False) as data:
                self.vectors = dict(zip(data["texts"].tolist(), data["vectors"]))

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self.vectors]
        if missing:
            if self.embedder is None:
                from rag.config import Config
                from rag.embed import make_embedder

                self.embedder = make_embedder(Config())
            self.vectors.update(zip(missing, np.asarray(self.embedder.embed_documents(missing))))
        return np.vstack([self.vectors[t] for t in texts])

    def prefetch(self, texts: Sequence[str]) -> None:
        """Encode all of ``texts`` not yet kept in one batch and save the file."""
        before = len(self.vectors)
        self(list(texts))
        if len(self.vectors) != before:
            texts_kept = list(self.vectors)
            np.savez(self.path, texts=np.array(texts_kept), vectors=np.vstack([self.vectors[t] for t in texts_kept]))


def feature_rows(pairs: Sequence[Pair], embed: Embed | None = None) -> list[Features]:
    """The verifier's features of every pair (with the similarities when ``embed`` is given)."""
    if isinstance(embed, FileVectors):
        embed.prefetch([t for p in pairs for t in (p.claim, *_sentences(p.document))])
    return [support_features(p.claim, [p.document], embed) for p in pairs]


def _sentences(text: str) -> list[str]:
    return [text[s.start:s.end] for s in split_sentences(text)] or [text]


def matrix(rows: Sequence[Features], names: Sequence[str]) -> np.ndarray:
    return np.array([[r.values.get(f, 0.0) for f in names] for r in rows], dtype=float)


def penalties(rows: Sequence[Features]) -> np.ndarray:
    """What :func:`rag.verify.lexical_support` multiplies the model's score by (failed checks, short claims)."""
    return np.array([CHECK_PENALTY ** len(r.reasons) * min(1.0, r.n_terms / 3) for r in rows])


def final_scores(rows: Sequence[Features], names: Sequence[str], weights: dict[str, float]) -> np.ndarray:
    """The scores :func:`rag.verify.lexical_support` gives: the logistic model, then the check penalties."""
    z = matrix(rows, names) @ np.array([weights[f] for f in names]) + weights["bias"]
    return penalties(rows) / (1 + np.exp(-z))


def folds(ids: Sequence[str], repeat: int, k: int = FOLDS) -> np.ndarray:
    """Fold number of each row: a hash of its claim id, so a claim's rows never straddle train and test."""
    return np.array([int(hashlib.sha256(f"{repeat}:{i}".encode()).hexdigest(), 16) % k for i in ids])


def out_of_fold_logits(x: np.ndarray, y: np.ndarray, ids: Sequence[str], l2: float) -> list[np.ndarray]:
    """For each repeat, every row's logit from a model fitted on the other folds."""
    out = []
    for repeat in range(REPEATS):
        fold = folds(ids, repeat)
        z = np.zeros(len(y))
        for f in range(FOLDS):
            train, test = fold != f, fold == f
            w = fit_logistic(x[train], y[train], l2=l2)
            z[test] = x[test] @ w[:-1] + w[-1]
        out.append(z)
    return out


def best_shift(logits: Sequence[np.ndarray], y: np.ndarray, penalty: np.ndarray) -> float:
    """The intercept shift maximising mean balanced accuracy of ``score >= 0.5`` over the repeats."""
    best = (-1.0, 0.0)
    for shift in np.arange(-3.0, 3.0001, 0.05):
        ba = float(np.mean([balanced_accuracy(y.tolist(), (penalty / (1 + np.exp(-(z + shift))) >= 0.5).tolist())
                            or 0.0 for z in logits]))
        if ba > best[0] + 1e-9 or (abs(ba - best[0]) <= 1e-9 and abs(shift) < abs(best[1])):
            best = (ba, float(shift))
    return best[1]


def cross_validated(logits: Sequence[np.ndarray], y: np.ndarray, penalty: np.ndarray, shift: float) -> dict[str, Any]:
    """Mean out-of-fold AUROC / balanced accuracy / F1 at 0.5 over the repeats (tune half only)."""
    runs = [metrics_at(y.tolist(), (penalty / (1 + np.exp(-(z + shift)))).tolist(), 0.5) for z in logits]
    return {k: round(float(np.mean([r[k] for r in runs])), 4) for k in ("auroc", "balanced_accuracy", "f1")}


def calibrate(pairs: Sequence[Pair], embed: Embed | None = None) -> dict[str, Any]:
    """Choose the check gate, L2 and the intercept by grouped CV on ``pairs`` (the tune half); fit; return all.

    :data:`rag.verify.RESTATES` (from which window coverage the name and negation checks apply) is
    chosen among :data:`RESTATES_GRID` by the best mean out-of-fold AUROC, like L2. With ``embed``
    (sentence vectors), the model with the similarities (``"embedding"``) is fitted at that gate.
    """
    saved = verify.RESTATES
    try:
        results = []
        for restates in RESTATES_GRID:
            verify.RESTATES = restates
            results.append({**_calibrate_at(pairs, feature_rows(pairs), FEATURES), "restates": restates})
        best = max(results, key=lambda r: r["_cv_auroc"])
        if embed is not None:
            verify.RESTATES = best["restates"]
            embedding = _calibrate_at(pairs, feature_rows(pairs, embed), EMBEDDING_FEATURES)
            embedding.pop("_cv_auroc")
            embedding.pop("_logits")
            best["embedding"] = {("EMBEDDING_WEIGHTS" if k == "LEXICAL_WEIGHTS" else k): v
                                 for k, v in embedding.items()}
    finally:
        verify.RESTATES = saved
    best["cv_auroc_by_restates"] = {str(r["restates"]): r["_cv_auroc"] for r in results}
    for r in results:
        r.pop("_cv_auroc")
        r.pop("_logits")
    return best


def _calibrate_at(pairs: Sequence[Pair], rows: Sequence[Features], names: Sequence[str]) -> dict[str, Any]:
    y = np.array([p.label for p in pairs])
    ids = [p.id for p in pairs]
    x = matrix(rows, names)
    penalty = penalties(rows)
    by_l2 = {}
    for l2 in L2_GRID:
        logits = out_of_fold_logits(x, y, ids, l2)
        by_l2[l2] = (float(np.mean([auroc(y.tolist(), (penalty / (1 + np.exp(-z))).tolist()) or 0.0
                                    for z in logits])), logits)
    l2 = max(L2_GRID, key=lambda v: by_l2[v][0])
    logits = by_l2[l2][1]
    shift = best_shift(logits, y, penalty)
    w = fit_logistic(x, y, l2=l2)
    weights = {**{f: round(float(v), 3) for f, v in zip(names, w)}, "bias": round(float(w[-1]) + shift, 3)}
    scores = final_scores(rows, names, weights)
    return {"LEXICAL_WEIGHTS": weights, "l2": l2, "intercept_shift": round(shift, 3),
            "cv_auroc_by_l2": {str(k): round(v[0], 4) for k, v in by_l2.items()},
            "tune_cross_validated": cross_validated(logits, y, penalty, shift),
            "tune_in_sample": metrics_at(y.tolist(), scores.tolist(), 0.5), "_cv_auroc": round(by_l2[l2][0], 4),
            "_logits": logits}


class TokenTableVectors:
    """Context-free word vectors with no encoding: the mean of a word's word-piece rows in the input
    token-embedding table of a BERT-style sentence-transformers model (default: the packaged MiniLM).

    Loaded on first use from the model directory's ``model.safetensors`` and ``tokenizer.json``.
    """

    def __init__(self, model_dir: Path | None = None) -> None:
        self.model_dir = model_dir
        self._table: np.ndarray | None = None
        self._tokenizer: Any = None

    def _load(self) -> tuple[np.ndarray, Any]:
        if self._table is None:
            from safetensors.numpy import load_file
            from tokenizers import Tokenizer

            from rag.embed import packaged_model_dir

            directory = Path(self.model_dir or packaged_model_dir())
            tensors = load_file(str(directory / "model.safetensors"))
            key = next((k for k in tensors if k.endswith("word_embeddings.weight")), None)
            if key is None:
                raise ValueError(f"{directory / 'model.safetensors'}: no '*word_embeddings.weight' tensor")
            tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
            tokenizer.no_padding()  # the packaged tokenizer pads to a fixed length: a word would be mostly [PAD]
            tokenizer.no_truncation()
            self._table, self._tokenizer = tensors[key].astype(np.float32), tokenizer
        return self._table, self._tokenizer

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        table, tokenizer = self._load()
        rows = [table[tokenizer.encode(t, add_special_tokens=False).ids or [0]].mean(0) for t in texts]
        return np.vstack(rows) if rows else np.zeros((0, table.shape[1]), dtype=np.float32)


@dataclass(frozen=True)
class TermMatch:
    """One content term of a claim: matched exactly (same stem) in the evidence / its best window, whether it
    is a name or number (never soft-matched), and its best cosine with an evidence / window word."""

    exact_all: bool
    exact_best: bool
    hard: bool
    sim_all: float
    sim_best: float


def _content_words(text: str) -> dict[str, str]:
    """Stem -> first surface word (lowercased) of each content term of ``text`` (as :func:`rag.text.terms`)."""
    out: dict[str, str] = {}
    for word in words(text):
        for term in terms(word):  # [] for a stop word: the same filter as the verifier's terms
            out.setdefault(term, word.lower().replace("\u2019", "'").removesuffix("'s"))
    return out


def term_matches(claim: str, evidence: str, window: str, vectors: Embed) -> list[TermMatch]:
    """How each content term of ``claim`` is matched in ``evidence`` and in its best ``window``.

    Names (capitalised words) and numbers (digits, number words, ordinals) only match exactly: a soft
    match must never turn "1997" into "1998" or "Armenia" into "Azerbaijan".
    """
    claim_words = _content_words(claim)
    if not claim_words:
        return []
    evidence_words, window_words = _content_words(evidence), _content_words(window)
    claim_names = names(claim)
    hard = {s: s in claim_names or bool(claim_numbers(w)) or any(c.isdigit() for c in w)
            for s, w in claim_words.items()}
    soft = [w for s, w in claim_words.items() if not hard[s] and s not in evidence_words]
    pool = sorted(set(evidence_words.values()))
    sims: dict[str, tuple[float, float]] = {}
    if soft and pool:
        from rag.verify import _unit

        m = _unit(np.asarray(vectors([*soft, *pool]), dtype=np.float64))
        cos = m[:len(soft)] @ m[len(soft):].T
        in_window = np.array([w in set(window_words.values()) for w in pool])
        for i, w in enumerate(soft):
            sims[w] = (float(cos[i].max()), float(cos[i][in_window].max()) if in_window.any() else 0.0)
    return [TermMatch(s in evidence_words, s in window_words, hard[s], *sims.get(w, (0.0, 0.0)))
            for s, w in claim_words.items()]


def soft_word_features(matches: Sequence[TermMatch], floor: float, alpha: float = 1.0) -> dict[str, float]:
    """Soft coverage of a claim's terms: an exact match counts 1, else ``alpha * cosine`` when the cosine is
    at least ``floor`` (never for names and numbers), else 0.

    - ``soft_all`` / ``soft_best``: mean over the claim's terms against all the evidence / the best window;
    - ``soft_gain``: what the soft matches alone add to ``soft_all``;
    - ``soft_other``: ``soft_all`` over the words that are neither names nor numbers (1 when there are
      none), the part soft matching can change;
    - ``unmatched``: how many terms have neither an exact nor a close match in the evidence.

    Example:
        >>> m = [TermMatch(True, True, False, 0.0, 0.0), TermMatch(False, False, False, 0.9, 0.5)]
        >>> soft_word_features(m, floor=0.8)["soft_all"], soft_word_features(m, floor=0.8)["soft_best"]
        (0.95, 0.5)
    """
    if not matches:
        return {"soft_all": 0.0, "soft_best": 0.0, "soft_gain": 0.0, "soft_other": 0.0, "unmatched": 0.0}

    def credit(exact: bool, sim: float, hard: bool) -> float:
        return 1.0 if exact else alpha * sim if not hard and sim >= floor else 0.0

    all_ = [credit(m.exact_all, m.sim_all, m.hard) for m in matches]
    best = [credit(m.exact_best, m.sim_best, m.hard) for m in matches]
    n = len(matches)
    other = [c for c, m in zip(all_, matches) if not m.hard]
    return {"soft_all": sum(all_) / n, "soft_best": sum(best) / n,
            "soft_other": sum(other) / len(other) if other else 1.0,
            "soft_gain": sum(c for c, m in zip(all_, matches) if not m.exact_all) / n,
            "unmatched": float(sum(c == 0.0 for c in all_))}


def with_soft_words(pairs: Sequence[Pair], rows: Sequence[Features], matches: Sequence[Sequence[TermMatch]],
                    floor: float) -> list[Features]:
    """``rows`` with the :func:`soft_word_features` of each pair at ``floor`` added to their values."""
    return [replace(r, values={**r.values, **soft_word_features(m, floor)}) for r, m in zip(rows, matches)]


def all_term_matches(pairs: Sequence[Pair], rows: Sequence[Features], vectors: Embed) -> list[list[TermMatch]]:
    """:func:`term_matches` of every pair (its best window from ``rows``); a :class:`FileVectors` is filled first."""
    if isinstance(vectors, FileVectors):
        vectors.prefetch(sorted({w for p in pairs for t in (p.claim, p.document) for w in _content_words(t).values()}))
    return [term_matches(p.claim, p.document, p.document[r.start:r.end] if r.passage is not None else p.document,
                         vectors) for p, r in zip(pairs, rows)]


def _auroc_fast(y: np.ndarray, s: np.ndarray) -> float:
    """AUROC over all positive/negative pairs (ties count half), vectorised for the bootstrap."""
    diff = s[y][:, None] - s[~y][None, :]
    return float((diff > 0).mean() + 0.5 * (diff == 0).mean())


def bootstrap_gain(y: np.ndarray, ids: Sequence[str], base: Sequence[np.ndarray], new: Sequence[np.ndarray],
                   penalty: np.ndarray, draws: int = BOOTSTRAP_DRAWS, seed: int = 0) -> tuple[float, float]:
    """95% interval of the mean out-of-fold AUROC gain of ``new`` over ``base`` logits, resampling claims."""
    claims = sorted(set(ids))
    rows_of: dict[str, list[int]] = {c: [] for c in claims}
    for i, c in enumerate(ids):
        rows_of[c].append(i)
    base_s = [penalty / (1 + np.exp(-z)) for z in base]
    new_s = [penalty / (1 + np.exp(-z)) for z in new]
    rng = np.random.default_rng(seed)
    gains = []
    for _ in range(draws):
        pick = np.concatenate([rows_of[claims[j]] for j in rng.integers(0, len(claims), len(claims))])
        if y[pick].all() or not y[pick].any():
            continue
        gains.append(np.mean([_auroc_fast(y[pick], n[pick]) - _auroc_fast(y[pick], b[pick])
                              for b, n in zip(base_s, new_s)]))
    lo, hi = np.percentile(gains, [2.5, 97.5])
    return round(float(lo), 4), round(float(hi), 4)


def measure_soft_words(pairs: Sequence[Pair], vectors: Embed, source: str, restates: float) -> dict[str, Any]:
    """Every floor x candidate of word-level soft matching by grouped CV on ``pairs`` (tune), at gate ``restates``."""
    saved = verify.RESTATES
    verify.RESTATES = restates
    try:
        rows = feature_rows(pairs)
        matches = all_term_matches(pairs, rows, vectors)
        base = _calibrate_at(pairs, rows, FEATURES)
        tried: dict[str, float] = {}
        best: dict[str, Any] | None = None
        for floor in SOFT_FLOORS[source]:
            soft_rows = with_soft_words(pairs, rows, matches, floor)
            for extra in SOFT_CANDIDATES:
                fit = _calibrate_at(pairs, soft_rows, [*FEATURES, *extra])
                tried[f"{floor} +{'+'.join(extra)}"] = fit["_cv_auroc"]
                if best is None or fit["_cv_auroc"] > best["_cv_auroc"]:
                    best = {**fit, "floor": floor, "features": [*FEATURES, *extra]}
    finally:
        verify.RESTATES = saved
    assert best is not None
    y = np.array([p.label for p in pairs])
    interval = bootstrap_gain(y, [p.id for p in pairs], base["_logits"], best.pop("_logits"), penalties(rows))
    return {"source": source, "restates": restates, "cv_auroc_lexical": base["_cv_auroc"],
            "cv_auroc_by_floor_and_features": tried, "best": best,
            "best_cv_gain": round(best["_cv_auroc"] - base["_cv_auroc"], 4), "best_cv_gain_95ci": interval}


def write_weights(weights: dict[str, float], path: Path = VERIFY_PY, restates: float | None = None,
                  name: str = "LEXICAL_WEIGHTS") -> None:
    """Replace the ``NAME: dict[str, float] = {...}`` literal (and ``RESTATES = x`` when given) in rag/verify.py."""
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(rf"^{name}: dict\[str, float\] = \{{.*?\}}$", re.MULTILINE | re.DOTALL)
    if not pattern.search(text):
        raise SystemExit(f"{path}: no '{name}: dict[str, float] = {{...}}' literal to replace")
    items = [f'"{k}": {v!r}' for k, v in weights.items()]
    lines, line = [], f"{name}: dict[str, float] = {{"
    for n, item in enumerate(items):
        piece = item + ("," if n < len(items) - 1 else "}")
        if len(line) + len(piece) + 1 > 118:
            lines.append(line.rstrip())
            line = "    "
        line += piece + " "
    lines.append(line.rstrip())
    text = pattern.sub(lambda _: "\n".join(lines), text, count=1)
    if restates is not None:
        gate = re.compile(r"^RESTATES = [0-9.]+$", re.MULTILINE)
        if not gate.search(text):
            raise SystemExit(f"{path}: no 'RESTATES = x' line to replace")
        text = gate.sub(f"RESTATES = {restates!r}", text, count=1)
    path.write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("data", nargs="?", default=str(DEFAULT_DATA))
    parser.add_argument("--write", action="store_true", help="paste the weights into rag/verify.py")
    parser.add_argument("--report", action="store_true",
                        help="also score the held-out report half (once, after everything is chosen)")
    parser.add_argument("--vectors", type=Path, default=DEFAULT_VECTORS,
                        help=f"file keeping the MiniLM sentence vectors between runs (default {DEFAULT_VECTORS})")
    parser.add_argument("--embedding", action="store_true",
                        help="also fit EMBEDDING_WEIGHTS (lexical + MiniLM similarity; not used by the pipeline)")
    parser.add_argument("--soft-words", choices=sorted(SOFT_FLOORS),
                        help="also measure word-level soft matching with these word vectors (not used by the pipeline)")
    parser.add_argument("--word-vectors", type=Path, default=DEFAULT_WORD_VECTORS,
                        help=f"file keeping the encoder's word vectors between runs (default {DEFAULT_WORD_VECTORS})")
    args = parser.parse_args(argv)
    embed = FileVectors(args.vectors) if args.embedding else None
    out = calibrate(load_pairs(args.data, half="tune"), embed)
    word_vectors: Embed | None = None
    if args.soft_words:
        word_vectors = TokenTableVectors() if args.soft_words == "tokens" else FileVectors(args.word_vectors)
        out["soft_words"] = measure_soft_words(load_pairs(args.data, half="tune"), word_vectors, args.soft_words,
                                               out["restates"])
    if args.report:
        report = load_pairs(args.data, half="report")
        labels = [p.label for p in report]
        saved = verify.RESTATES
        verify.RESTATES = out["restates"]
        try:
            scores = final_scores(feature_rows(report), FEATURES, out["LEXICAL_WEIGHTS"])
            out["report_held_out"] = metrics_at(labels, scores.tolist(), 0.5)
            if embed is not None:
                scores = final_scores(feature_rows(report, embed), EMBEDDING_FEATURES,
                                      out["embedding"]["EMBEDDING_WEIGHTS"])
                out["embedding"]["report_held_out"] = metrics_at(labels, scores.tolist(), 0.5)
            if word_vectors is not None:
                soft = out["soft_words"]["best"]
                rows = feature_rows(report)
                rows = with_soft_words(report, rows, all_term_matches(report, rows, word_vectors), soft["floor"])
                scores = final_scores(rows, soft["features"], soft["LEXICAL_WEIGHTS"])
                out["soft_words"]["report_held_out"] = metrics_at(labels, scores.tolist(), 0.5)
        finally:
            verify.RESTATES = saved
    if args.write:
        write_weights(out["LEXICAL_WEIGHTS"], restates=out["restates"])
        if embed is not None:
            write_weights(out["embedding"]["EMBEDDING_WEIGHTS"], name="EMBEDDING_WEIGHTS")
    json.dump(out, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
