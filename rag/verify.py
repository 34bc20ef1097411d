"""Support scoring: does a passage back a sentence? Pure, pluggable scorers.

The default (``lexical``) scorer needs no model. It finds the best window of one to three
consecutive evidence sentences (the quote a UI highlights) and scores the claim with a small
logistic model fitted on human-labelled claims (WiCE; see :data:`LEXICAL_WEIGHTS`) over:

- content-word coverage (stemmed) of the best window and of all cited evidence together,
- coverage of the claim's consecutive word pairs (word order, not just a bag of words),
- numbers (digits or words) and capitalised names of the claim missing from the evidence;
- only when a caller passes sentence vectors (``embed``, of :data:`CALIBRATED_EMBEDDER`): the cosine
  similarity of the claim with its closest window and its two closest sentences
  (:func:`similarity_features`, :data:`EMBEDDING_WEIGHTS`). Nothing in the pipeline does: it gained
  +0.018 out-of-fold AUROC on WiCE tune but lost 0.011 on the held-out half (eval/README.md), so the
  default verifier is lexical only. Word-level soft matching (a missing claim word credited with its
  closest evidence word's vector similarity) was measured the same way and not used either
  (``calibrate_verifier --soft-words``; eval/README.md);

then applies the checks: a changed number, or a swapped name or flipped negation in a claim
that restates its window, halves the score (below the 0.5 threshold).

A scorer returns a :class:`Support` with the score in [0, 1] and the located
quote (character span inside the evidence). Other scorers (``nli:DIR``, the ``llm`` judge)
are chosen through :mod:`rag.verifiers`.

Example:
    >>> lexical_support("Russia signed the deal in 1997.", ["Armenia and Russia signed a deal in 1997."]).score > 0.5
    True
    >>> lexical_support("Russia signed the deal in 1998.", ["Armenia and Russia signed a deal in 1997."]).score < 0.5
    True
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

import numpy as np

from rag.errors import ModelDirError
from rag.text import (
    Span,
    has_negation,
    names,
    numbers,
    split_sentences,
    stem,
    terms,
    words,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Support:
    """How well evidence supports a claim, and where (``passage`` index, span in it)."""

    score: float
    passage: int | None = None
    start: int = 0
    end: int = 0
    reason: str = ""
    verifier: str = ""  # which scorer produced ``score``; empty = the scorer called


Embed = Callable[[Sequence[str]], np.ndarray]
"""Sentence vectors: one row per text (e.g. :meth:`rag.backends.extractive.VectorCache.embed`)."""

# The embedder whose similarities EMBEDDING_WEIGHTS were fitted on: another model's cosines sit on
# another scale, so vectors from any other model must not be passed as ``embed``.
CALIBRATED_EMBEDDER = "sentence-transformers/all-MiniLM-L6-v2"


class SupportScorer(Protocol):
    """Scores how well ``evidence`` (the cited passages) supports ``claim``; scorers carry a ``name``."""

    def __call__(self, claim: str, evidence: Sequence[str]) -> Support: ...


def scorer_name(scorer: object) -> str:
    """The name a scorer reports in answers: its ``name``, else the function's name ("lexical" for the default)."""
    name = getattr(scorer, "name", None)
    if isinstance(name, str) and name:
        return name
    if scorer is lexical_support:
        return "lexical"
    return getattr(scorer, "__name__", type(scorer).__name__)




def _windows(evidence: Sequence[str], split: Sequence[Sequence[Span]] | None = None,
             max_sentences: int = 3) -> list[tuple[int, int, int]]:
    """(passage index, start, end) of every run of 1..max_sentences sentences, shortest runs first."""
    out: list[tuple[int, int, int]] = []
    split = split if split is not None else [split_sentences(text) for text in evidence]
    for size in range(1, max_sentences + 1):
        for p, spans in enumerate(split):
            for i in range(len(spans) - size + 1):
                out.append((p, spans[i].start, spans[i + size - 1].end))
    for p, (text, spans) in enumerate(zip(evidence, split)):
        if not spans and text.strip():
            out.append((p, 0, len(text)))
    return out


def score_window(claim: str, window: str) -> tuple[float, str]:
    """Lexical support of ``claim`` by one window of evidence text, with the reason (the checks that failed)."""
    support = lexical_support(claim, [window])
    return support.score, support.reason


def _closest_sentence(claim_terms: set[str], window: str) -> str:
    """The window's sentence sharing most claim terms: polarity is judged there, not window-wide."""
    spans = split_sentences(window)
    if len(spans) <= 1:
        return window
    return max((window[s.start:s.end] for s in spans), key=lambda t: len(claim_terms & set(terms(t))))


_NUMBER_WORDS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
_NUMBER_WORDS.update({"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70",
                      "eighty": "80", "ninety": "90", "hundred": "100", "thousand": "1000", "million": "1e6",
                      "billion": "1e9", "dozen": "12", "twice": "2", "half": "0.5"})
_NUMBER_WORD = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b", re.IGNORECASE)
_ORDINAL = re.compile(r"(?<![\w.])(\d+)(?:st|nd|rd|th)\b", re.IGNORECASE)


def claim_numbers(text: str) -> set[str]:
    """Numbers in digits or words ("five" and "5" are the same number), for the changed-number check.

    Example:
        >>> sorted(claim_numbers("Five of the 1,200 troops left on the 4th of May 2022."))
        ['1200', '2022', '4', '5']
    """
    # "one" is a pronoun as often as a number ("the one who"): only digits and the other words count.
    # An ordinal is its number: "March 4th" states the 4 of "March 4".
    return (set(numbers(text)) | set(_ORDINAL.findall(text))
            | {_NUMBER_WORDS[w.lower()] for w in _NUMBER_WORD.findall(text) if w.lower() != "one"})


def _bigrams(seq: Sequence[str]) -> set[tuple[str, str]]:
    return set(zip(seq, seq[1:]))


# Logistic weights over the features of :func:`support_features`, fitted with class-balanced
# weights on the *tune* half of WiCE dev (oracle evidence chunks; claims whose sha256(id) is even;
# "partially supported" counted as not supported) by eval/calibrate_verifier.py, which chose the
# features, the L2 strength and the intercept (0.5 = the balanced-accuracy threshold of the
# out-of-fold scores) by 5-fold cross-validation grouped by claim within tune. The report half was
# not used to choose anything; eval/README.md has the figures. Refit there (``--write``), never by hand.
LEXICAL_WEIGHTS: dict[str, float] = {"cov_best": 1.122, "cov_all": 1.122, "bigram_all": 1.235,
    "number_missing": -0.901, "name_missing": -0.596, "names_missing_count": -0.148, "bias": -1.203}
# A changed number, a name the evidence lacks or flipped negation halves the score: with a model
# score below 1 the claim then falls under the 0.5 threshold. WiCE has few such edits (it costs
# ~0.01 AUROC there), but they are what a paraphrasing chat model gets wrong.
CHECK_PENALTY = 0.5
# The window coverage from which a claim counts as restating it, so that a name the evidence lacks
# is a swapped name; chosen with the weights by eval/calibrate_verifier.py (cross-validated on WiCE
# tune among 0.6-0.95).
RESTATES = 0.9
# The same for the negation check. WiCE has almost no negated claims, so cross-validation there cannot
# see what a looser gate catches: kept at the value the tests of inserted/removed "not" need.
NEGATION_RESTATES = 0.8


# LEXICAL_WEIGHTS' model plus the embedding similarities of :func:`similarity_features` (MiniLM
# vectors, :data:`CALIBRATED_EMBEDDER`), fitted the same way on the same tune half at the same gates;
# used only when a caller gives the verifier sentence vectors (off in the pipeline: no held-out gain,
# see the module docstring). Refit by eval/calibrate_verifier.py --embedding --write.
EMBEDDING_WEIGHTS: dict[str, float] = {"cov_best": 0.903, "cov_all": 0.903, "bigram_all": 1.015,
    "number_missing": -0.905, "name_missing": -0.467, "names_missing_count": -0.143, "sim_win": 1.411,
    "sim_top2": 1.652, "bias": -2.921}


@dataclass(frozen=True)
class Features:
    """What the lexical verifier looks at for one claim, plus the located best window."""

    values: dict[str, float]
    reasons: tuple[str, ...]
    passage: int | None
    start: int
    end: int
    n_terms: int


def support_features(claim: str, evidence: Sequence[str], embed: Embed | None = None) -> Features:
    """Features of ``claim`` against ``evidence`` (see :data:`LEXICAL_WEIGHTS`) and the best window.

    - ``cov_best``: share of the claim's content terms (stemmed) in the best window of 1-3 sentences;
    - ``cov_all``: share found anywhere in the cited evidence (joint support across passages);
    - ``bigram_all``: share of the claim's consecutive term pairs found consecutively in the evidence;
    - ``number_missing`` / ``name_missing``: share of the claim's numbers / names absent from the evidence;
    - ``names_missing_count``: how many of the claim's names are absent (a long claim with two unknown
      names usually adds a clause the evidence lacks);
    - with ``embed``: ``sim_win`` and ``sim_top2`` (:func:`similarity_features`).
    """
    claim_terms = set(terms(claim))
    n = len(claim_terms)
    best: tuple[float, int | None, int, int] = (0.0, None, 0, 0)
    best_terms: set[str] = set()
    sentence_texts: list[str] = []
    split = [split_sentences(text) for text in evidence]
    terms_of: dict[tuple[int, int], set[str]] = {}
    for p, spans in enumerate(split):
        for i, span in enumerate(spans):
            sentence = evidence[p][span.start:span.end]
            sentence_texts.append(sentence)
            terms_of[(p, i)] = set(terms(sentence))
    for p, start, end in _windows(evidence, split):
        window_terms = set().union(*(terms_of.get((p, i), set()) for i in _sentence_range(split[p], start, end))) \
            if split[p] else set(terms(evidence[p][start:end]))
        coverage = len(claim_terms & window_terms) / n if n else 0.0
        # A longer window must earn its length: the quote should be as tight as the evidence.
        if best[1] is None or coverage > best[0] + 0.05:
            best = (coverage, p, start, end)
            best_terms = window_terms
    all_text = "\n".join(evidence)
    all_terms = set().union(*terms_of.values()) if terms_of else set(terms(all_text))
    claim_seq = terms(claim)
    claim_bigrams = _bigrams(claim_seq)
    values = {
        "cov_best": best[0],
        "cov_all": len(claim_terms & all_terms) / n if n else 0.0,
        "bigram_all": len(claim_bigrams & _bigrams(terms(all_text))) / len(claim_bigrams) if claim_bigrams else 1.0,
    }
    reasons: list[str] = []
    in_claim = claim_numbers(claim)
    missing = in_claim - claim_numbers(all_text)
    values["number_missing"] = len(missing) / len(in_claim) if in_claim else 0.0
    if missing:
        reasons.append(f"number(s) not in source: {', '.join(sorted(missing))}")
    claim_names = names(claim)
    missing_names = claim_names - (names(all_text) | all_terms)
    values["name_missing"] = len(missing_names) / len(claim_names) if claim_names else 0.0
    values["names_missing_count"] = float(len(missing_names))
    # A name or polarity check fails only a claim that restates its window closely (a swapped name, an
    # inserted "not"); a loosely matching claim whose subject the passage leaves implicit is judged by the
    # model. On WiCE's tune half ungated checks fired on 292 of 540 claims and cost 0.05 balanced accuracy.
    rest = claim_terms - missing_names
    # How closely the claim, its missing names aside, restates its window.
    restated = len(rest & best_terms) / len(rest) if best[1] is not None and rest else 0.0
    if missing_names and restated >= RESTATES:
        reasons.append(f"name(s) not in source: {', '.join(sorted(_as_written(claim, missing_names)))}")
    _, best_passage, start, end = best
    window = evidence[best_passage][start:end] if best_passage is not None else ""
    if (restated >= NEGATION_RESTATES and window
            and has_negation(claim) != has_negation(_closest_sentence(claim_terms, window))):
        reasons.append("negation differs from the source")
    if embed is not None:
        sentences = [[evidence[p][s.start:s.end] for s in spans] or ([evidence[p]] if evidence[p].strip() else [])
                     for p, spans in enumerate(split)]
        values.update(similarity_features(claim, sentences, embed))
    return Features(values, tuple(reasons), best_passage, start, end, n)


def _unit(vectors: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.where(norm > 0, norm, 1.0)


def similarity_features(claim: str, sentences: Sequence[Sequence[str]], embed: Embed) -> dict[str, float]:
    """Embedding similarity of ``claim`` with the evidence (``sentences`` of each passage), one embed call.

    - ``sim_win``: cosine with the closest window of 1-3 consecutive sentences of one passage (a
      window's vector is the normalised mean of its sentences' vectors, so each sentence is encoded once);
    - ``sim_top2``: cosine with the normalised mean of the two closest sentences anywhere in the
      evidence (a claim that joins two statements of the page).

    Example:
        >>> from rag.testing import FakeEmbedder
        >>> features = similarity_features("a b", [["a b", "c d"]], FakeEmbedder().embed_documents)
        >>> round(features["sim_win"], 3)
        1.0
    """
    flat = [s for passage in sentences for s in passage]
    if not flat:
        return {"sim_win": 0.0, "sim_top2": 0.0}
    vectors = _unit(np.asarray(embed([claim, *flat]), dtype=np.float64))
    claim_vector, rows = vectors[0], vectors[1:]
    best, first = -1.0, 0
    for passage in sentences:
        own = rows[first:first + len(passage)]
        first += len(passage)
        for size in range(1, min(3, len(own)) + 1):
            for i in range(len(own) - size + 1):
                best = max(best, float(_unit(own[i:i + size].mean(0)) @ claim_vector))
    closest = np.argsort(-(rows @ claim_vector))[:2]
    return {"sim_win": best, "sim_top2": float(_unit(rows[closest].mean(0)) @ claim_vector)}


def _as_written(text: str, stems: set[str]) -> set[str]:
    """The words of ``text`` (lowercased) whose stems are ``stems``: a reason says "germany", not "germani"."""
    found = {w.lower().replace("’", "'").removesuffix("'s") for w in words(text) if stem(w) in stems}
    return found or stems


def _sentence_range(spans: Sequence[Span], start: int, end: int) -> range:
    first = next(i for i, s in enumerate(spans) if s.start == start)
    last = next(i for i, s in enumerate(spans) if s.end == end)
    return range(first, last + 1)


def _logistic(values: dict[str, float], weights: dict[str, float]) -> float:
    z = weights["bias"] + sum(w * values.get(name, 0.0) for name, w in weights.items() if name != "bias")
    return 1.0 / (1.0 + math.exp(-z))


def lexical_support(claim: str, evidence: Sequence[str], embed: Embed | None = None) -> Support:
    """Best support of ``claim`` by the evidence passages: a calibrated score and the located quote.

    A logistic model over :func:`support_features` (weights fitted on WiCE, :data:`LEXICAL_WEIGHTS`;
    :data:`EMBEDDING_WEIGHTS` when ``embed`` gives sentence vectors of :data:`CALIBRATED_EMBEDDER`),
    then the checks: a number the evidence lacks, or a name or polarity changed in a claim that
    restates its window, multiplies the score by :data:`CHECK_PENALTY`. If ``embed`` fails, the
    score is the lexical one (logged), never an error.
    """
    if not any(text.strip() for text in evidence):
        return Support(0.0, reason="no evidence")
    features = None
    if embed is not None and EMBEDDING_WEIGHTS:
        try:
            features = support_features(claim, evidence, embed)
        except Exception as exc:  # a missing or broken model must not fail an answer
            logger.warning("embedding similarity failed (%s); scoring this claim lexically", exc)
    if features is None:
        features = support_features(claim, evidence)
    if not features.n_terms:
        return Support(0.0, features.passage, features.start, features.end, "no content words")
    weights = EMBEDDING_WEIGHTS if "sim_win" in features.values else LEXICAL_WEIGHTS
    score = _logistic(features.values, weights)
    for _ in features.reasons:  # each failed check: a changed number, a missing name, flipped negation
        score *= CHECK_PENALTY
    # A one- or two-word claim ("PWNED [1].") echoes rather than states: it cannot be fully supported.
    score *= min(1.0, features.n_terms / 3)
    return Support(round(score, 6), features.passage, features.start, features.end, "; ".join(features.reasons))


class LexicalVerifier:
    """The ``lexical`` verifier (:func:`lexical_support`) as a named scorer.

    ``embed`` (optional) gives sentence vectors of :data:`CALIBRATED_EMBEDDER` for the similarity
    features; without it the verifier is lexical only. :meth:`with_embed` returns one that has them.

    Example:
        >>> verifier = LexicalVerifier()
        >>> verifier("Russia signed the deal in 1997.", ["Armenia and Russia signed a deal in 1997."]).score > 0.5
        True
    """

    name = "lexical"

    def __init__(self, embed: Embed | None = None) -> None:
        self.embed = embed

    def with_embed(self, embed: Embed) -> "LexicalVerifier":
        """This verifier with sentence vectors from ``embed`` (the calibrated embedder's)."""
        return LexicalVerifier(embed)

    def __call__(self, claim: str, evidence: Sequence[str]) -> Support:
        return replace(lexical_support(claim, evidence, self.embed), verifier=self.name)


class NLISupport:
    """The ``nli:DIR`` verifier: an NLI cross-encoder's entailment probability, best window wins.

    ``model_dir`` is a local sentence-transformers ``CrossEncoder`` directory whose
    labels include "entailment"; nothing is downloaded. Loaded on first use. The
    lexical scorer's located window is the quote when the NLI model ties.
    """

    def __init__(self, model_dir: str, entailment_label: str = "entailment", batch_size: int = 32) -> None:
        self.model_dir = model_dir
        self.entailment_label = entailment_label
        self.batch_size = batch_size
        self.name = f"nli:{model_dir}"
        self._model: Any = None
        self._index: int | None = None

    def _load(self) -> Any:
        if self._model is None:
            from pathlib import Path

            if not Path(self.model_dir, "config.json").is_file():
                raise ModelDirError(f"{self.model_dir}: not a CrossEncoder model directory (no config.json); "
                                        "give --verifier nli:DIR a local sentence-transformers NLI model")
            from sentence_transformers import CrossEncoder

            model = CrossEncoder(self.model_dir, local_files_only=True, device="cpu")
            id2label = model.model.config.id2label
            labels = {str(v).lower(): int(k) for k, v in id2label.items()}
            if self.entailment_label not in labels:
                raise ValueError(f"{self.model_dir}: its labels {sorted(labels)} have no "
                                 f"{self.entailment_label!r}; not an NLI model")
            self._index = labels[self.entailment_label]
            self._model = model
        return self._model

    def __call__(self, claim: str, evidence: Sequence[str]) -> Support:
        windows = _windows(evidence)
        if not windows:
            return Support(0.0, reason="no evidence", verifier=self.name)
        model = self._load()
        probs = np.asarray(model.predict([(evidence[p][s:e], claim) for p, s, e in windows],
                                         batch_size=self.batch_size, apply_softmax=True,
                                         show_progress_bar=False))
        if probs.ndim == 1:  # a one-label model gives a single logit per pair
            probs = probs[:, None]
        best = int(np.argmax(probs[:, self._index]))
        p, s, e = windows[best]
        return Support(float(probs[best][self._index]), p, s, e, "", self.name)
