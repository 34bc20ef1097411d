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
eval/dev/blind/news_{?,a?,b[a-j]} --in-domain-weight 3 --unanswerable-refusals 0.67 --write``
(``eval/README.md``, "Thirty-third round" and "Thirty-fourth round"; SQuAD alone until then: "Answerability, fifth
round"): nothing here is tuned by hand.

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
from collections.abc import Sequence
from dataclasses import dataclass

from rag.questions import QuestionProfile, asked_terms
from rag.text import names, numbers, terms

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


FEATURE_NAMES = (
    "score", "rule", "similarity", "passage_similarity", "rank", "score_gap", "passage", "answer_type", "unstated",
    *(f"type_{t}" for t in ANSWER_TYPES),
    "coverage", "coverage_with_context", "new_terms", "new_names", "numbers", "length",
    *(f"type_{t}*{f}" for t in ANSWER_TYPES for f in ("new_names", "numbers")),
)


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
    1.435295, 2.251716, 0.777185, -0.400600, -1.195404, -2.304618,
    -1.121335, 3.210933, -1.057815, 0.551474, 0.688143, -0.750606,
    -0.118909, -0.370102, 0.576674, -0.581398, -1.929160, 0.235750,
    0.980697, 0.360461, -0.854837, 1.011557, -0.822153, 0.902103,
    0.583553, 0.744626, 0.372997, -1.370903, 0.956191, -0.306687,
)
INTERCEPT: float = -5.394112
# --- end of fitted values ---
