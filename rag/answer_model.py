"""Learned answerability: does this sentence answer this factual question? A probability, 0..1.

The extractive backend ranks every sentence of the retrieved passages (relevance:
embedding similarity plus term coverage) and checks it by hand-written rules
(:func:`rag.backends.extractive.answerability`: the question's focus is stated, the
answer type is there). Neither alone tells "on the topic" from "the answer": a
sentence about NATO's network is on the topic of NATO's budget. This module
combines those signals, and a few more, by a logistic model fitted on held-out
SQuAD 2.0 dev articles (questions whose answer is in a sentence, adversarial
unanswerables, and answerable questions whose answer sentence was deleted: on-topic
noise) and on the factual questions of the blind news sets that are development sets
(eval/dev/blind: paraphrased questions and on-topic unanswerable ones, answered over their
corpora as the assistant answers them; each of their rows counts three times).
``P(the sentence holds the answer)`` is the candidate's answerability; a factual answer
needs it above ``min_answerability`` (``rag.config``).

The weights below are written by ``python -m rag.eval.answerability --fit --in-domain
eval/dev/blind/news_{?,a?,b[a-z]} --in-domain-weight 3 --unanswerable-refusals 0.67 --write``
(``eval/README.md``, "Thirty-sixth round", which added :func:`soft_coverages`; the rounds since the
"Thirty-third" fitted the same way; SQuAD alone until then: "Answerability, fifth round"): nothing here is
tuned by hand.

Example:
    >>> from rag.questions import profile
    >>> row = CandidateSignals(score=0.6, rule=1.0, similarity=0.7, passage_similarity=0.6, rank=0,
    ...                        best_score=0.6, passage=1)
    >>> p = probability(features(profile("When did the war start?"), "The war started in 2020.", "", row))
    >>> 0.0 < p < 1.0
    True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from rag.questions import QuestionProfile, asked_terms, unattributed
from rag.text import STOPWORDS, names, numbers, stem, terms, words

# How many of the best-scored candidates get a probability; the rest are not answers (0.0).
TOP_CANDIDATES = 12
ANSWER_TYPES = ("date", "number", "other", "person", "place")


@dataclass(frozen=True)
class CandidateSignals:
    """What the ranking already knows about one candidate sentence."""

    score: float  # relevance (0.45 × similarity + 0.55 × term coverage, with the checks)
    rule: float  # the hand-written answerability (focus × answer type × names asked)
    similarity: float  # cosine of the sentence and the question
    passage_similarity: float  # the retrieved passage's similarity to the question
    rank: int  # 0-based, by relevance
    best_score: float  # the best candidate's relevance
    passage: int  # 1-based, in retrieval order
    answer_type: float = 1.0  # the kind of thing asked for is there (1.0) or not (down to 0.3)
    unstated: int = 0  # the asked names / figures its document never states (0..2)
    soft_coverage: float | None = None  # :func:`soft_coverages` (None: the exact coverage)


FEATURE_NAMES = (
    "score", "rule", "similarity", "passage_similarity", "rank", "score_gap", "passage", "answer_type", "unstated",
    *(f"type_{t}" for t in ANSWER_TYPES),
    "coverage", "coverage_with_context", "new_terms", "new_names", "numbers", "length",
    *(f"type_{t}*{f}" for t in ANSWER_TYPES for f in ("new_names", "numbers")),
    "soft_coverage",
)

# A question word the sentence does not state is credited with its closest sentence word's cosine (the
# embedder's vectors of the single words): nothing at SOFT_FLOOR, in full at SOFT_FULL. MiniLM: "wage" and
# "pay" 0.73, "staff" and "personnel" 0.71, "value" and "worth" 0.62; "wage" and "strike" 0.38, "budget" and
# "network" 0.25. (eval/README.md, "Thirty-sixth round": graded credit did as well as a floor of 0.55 or 0.6.)
SOFT_FLOOR, SOFT_FULL = 0.4, 0.75


def _soft_words(text: str) -> list[str]:
    return [w.lower() for w in words(text) if w.isalpha() and len(w) >= 3 and w.lower() not in STOPWORDS]


def soft_coverages(question: str, sentences: Sequence[str],
                   vectors: Callable[[Sequence[str]], np.ndarray]) -> list[float]:
    """Per sentence, the share of the question's asked terms it states, a paraphrase counting by similarity.

    A term the sentence states (stemmed) counts 1; a lower-case question word it does not state counts by its
    best cosine with a word of the sentence (:data:`SOFT_FLOOR` .. :data:`SOFT_FULL`); a name or a number counts
    only when stated (the question's first word, capitalised as every first word is, is read as a common word).
    ``vectors`` embeds words (one call for every sentence's words; a cache makes repeats free).

    Example:
        >>> from rag.testing import FakeEmbedder
        >>> soft_coverages("What wage rise do workers want?", ["Workers want a wage rise.", "It rained."],
        ...                FakeEmbedder().embed_documents)
        [1.0, 0.0]
    """
    asked = set(asked_terms(question))
    if not asked:
        return [1.0] * len(sentences)
    stated = [set(terms(s)) for s in sentences]
    soft: dict[str, str] = {}  # asked stem -> the question's word, for the words that may be paraphrased
    for i, word in enumerate(words(unattributed(question))):
        lower = word.lower()
        # (a capital inside the question is a name; its first word is capitalised anyway)
        if (word == lower or i == 0) and lower.isalpha() and len(lower) >= 3 and stem(lower) in asked:
            soft.setdefault(stem(lower), lower)
    pools = [list(dict.fromkeys(_soft_words(s))) for s in sentences]
    vocab = list(dict.fromkeys([*soft.values(), *(w for pool in pools for w in pool)]))
    index = {w: i for i, w in enumerate(vocab)}
    unit = None
    if soft and len(vocab) > len(soft):
        m = np.asarray(vectors(vocab), dtype=np.float64)
        unit = m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-12)
    out = []
    for said, pool in zip(stated, pools):
        credit = float(len(asked & said))
        missing = [w for s, w in soft.items() if s not in said]
        if unit is not None and missing and pool:
            cos = unit[[index[w] for w in missing]] @ unit[[index[w] for w in pool]].T
            credit += float(np.clip((cos.max(axis=1) - SOFT_FLOOR) / (SOFT_FULL - SOFT_FLOOR), 0.0, 1.0).sum())
        out.append(credit / len(asked))
    return out


def features(prof: QuestionProfile, sentence: str, context: str, signals: CandidateSignals) -> list[float]:
    """The model's inputs for one candidate, in :data:`FEATURE_NAMES` order (each roughly 0..1)."""
    q_terms, s_terms, c_terms = set(asked_terms(prof.question)), set(terms(sentence)), set(terms(context))
    coverage = len(q_terms & s_terms) / max(1, len(q_terms))
    with_context = len(q_terms & (s_terms | c_terms)) / max(1, len(q_terms))
    new_terms = min(len(s_terms - q_terms), 30) / 30
    new_names = min(len(names(sentence) - names(prof.question)), 5) / 5
    n_numbers = min(len(numbers(sentence)), 5) / 5
    length = len(sentence.split()) / 50
    kinds = [1.0 if prof.answer_type == t else 0.0 for t in ANSWER_TYPES]
    return [
        signals.score, signals.rule, signals.similarity, signals.passage_similarity,
        min(signals.rank, TOP_CANDIDATES) / TOP_CANDIDATES, signals.best_score - signals.score,
        (signals.passage - 1) / 5, signals.answer_type, signals.unstated / 2,
        *kinds,
        coverage, with_context, new_terms, new_names, n_numbers, length,
        *(k * f for k in kinds for f in (new_names, n_numbers)),
        coverage if signals.soft_coverage is None else signals.soft_coverage,
    ]


def probability(values: Sequence[float], weights: Sequence[float] | None = None,
                intercept: float | None = None) -> float:
    """``P(answer)`` of one feature vector under the fitted (or the given) logistic model."""
    w = WEIGHTS if weights is None else weights
    b = INTERCEPT if intercept is None else intercept
    if len(values) != len(w):
        raise ValueError(f"answer model: {len(values)} features, but {len(w)} weights (FEATURE_NAMES changed?)")
    z = b + sum(x * c for x, c in zip(values, w))
    return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))


_TYPE = FEATURE_NAMES.index("answer_type")
_NEEDS_VALUE = tuple(FEATURE_NAMES.index(f"type_{t}") for t in ("date", "number"))


def answerability(values: Sequence[float], weights: Sequence[float] | None = None,
                  intercept: float | None = None) -> float:
    """:func:`probability`, except that a "when" / "how many" candidate without a time / a quantity is 0.

    The model weighs the answer-type check like any other signal (on SQuAD it is a weak one:
    some answers are "during the Renaissance"); an answer to "How long is the corridor?" that
    states no length is still not an answer, so the check is kept as a rule.
    """
    if values[_TYPE] <= 0.3 and any(values[i] for i in _NEEDS_VALUE) or values[_TYPE] == 0.0:
        return 0.0
    return probability(values, weights, intercept)


def fit_logistic(rows: Sequence[Sequence[float]], labels: Sequence[int], l2: float = 1.0,
                 iterations: int = 50, sample_weights: Sequence[float] | None = None) -> tuple[list[float], float]:
    """L2-regularised logistic regression by Newton's method (numpy; the intercept is not penalised).

    ``sample_weights`` (default 1 each) count a row that many times.
    """
    import numpy as np

    x = np.hstack([np.asarray(rows, dtype=float), np.ones((len(rows), 1))])
    y = np.asarray(labels, dtype=float)
    s = np.ones(len(y)) if sample_weights is None else np.asarray(sample_weights, dtype=float)
    w = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -40, 40)))
        gradient = x.T @ (s * (p - y)) + penalty * w
        hessian = (x * (s * p * (1 - p))[:, None]).T @ x + np.diag(penalty) + 1e-9 * np.eye(x.shape[1])
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return [float(v) for v in w[:-1]], float(w[-1])


# The answerability a factual answer needs (``min_answerability``): the lowest threshold at which the fits that
# never saw a development set refuse as many of its unanswerable factual questions as the previous model did there
# (0.67): as many correct refusals, fewer false ones (rag.config uses it; eval/README.md, "Thirty-third round").
THRESHOLD = 0.31

# --- fitted by `python -m rag.eval.answerability --fit --write` (do not edit by hand) ---
WEIGHTS: tuple[float, ...] = (
    0.972633, 2.111339, 0.491654, -0.404872, -1.010531, -2.676352,
    -1.070711, 3.364767, -1.089831, 0.554913, 0.673670, -0.744335,
    -0.161358, -0.322890, -3.245203, -0.057190, -2.362680, 0.249857,
    0.864684, 0.253193, -0.881330, 1.194840, -0.829128, 1.156012,
    0.482094, 1.036060, 0.579757, -2.178895, 0.898463, -0.343333,
    4.281842,
)
INTERCEPT: float = -5.641224
# --- end of fitted values ---
