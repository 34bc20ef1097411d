"""Learned key-point ranking: is this sentence one of the points an analytic answer should make? 0..1.

The hand-made relevance of :func:`rag.backends.extractive.point_relevance` (similarity to the question,
centrality, the question's focus, the role a sentence plays, passage rank, an article's lead) decides
*whether* an analytic question is answered. Which sentences become its points is ordered by this model:
a logistic model over those signals and a few more (the sentence's length, a quotation, "should", the names
asked, an article's opening by the kind of question) and about the sentence's document (its best relevance,
how many of the most relevant sentences it holds, whether it reports or argues), fitted on the key points of
the blind news sets that are development sets (``eval/dev/blind/news_a``–``news_v``: 20 analytic questions
each, written by people who never saw the code, with the 3-5 sentences a good answer states) and the tune halves
of eval/dev/analysis and eval/dev/analytic_dev.jsonl, each set weighing as much as 20 questions.

On four blind sets written afterwards and not fitted on (news_w–news_z), key-point recall went 0.454 → 0.556
with this model and 16 passages instead of 10 (eval/README.md, "Twenty-fifth round").

The weights below are written by ``python -m rag.eval.point_fit --write``: nothing here is tuned by hand.

Example:
    >>> len(WEIGHTS) == len(FEATURE_NAMES)
    True
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from rag.keypoints import (
    PRESCRIBES,
    asks_view,
    content_focus,
    narrative_score,
    question_aim,
    reacting_words,
    reporting_balance,
    role_score,
)
from rag.records import Passage, rendering_key
from rag.text import names, terms

if TYPE_CHECKING:  # (rag.backends.extractive imports this module)
    from rag.backends.extractive import Candidate, Ranking

FEATURE_NAMES = (
    "relevance", "similarity", "similarity_with_context", "centrality", "focus", "passage_rank", "role",
    "narrative", "lead", "lead_consequences", "lead_other_aims", "document_balance", "document_balance_unasked_view",
    "document_best", "document_share",
    "length", "quotation", "figure", "prescription", "attributed", "previous_relevance", "best_document",
    "content_focus", "document_opening",
    "similarity_with_context_gap", "similarity_gap", "similarity_with_context_rank", "focus_gap",
    "names_stated", "actor_stated",
)
# The most relevant sentences whose documents are counted ("document_share").
TOP_SENTENCES = 10
# The selection's scores are sqrt(p / max p): the probabilities of the few best sit far apart, and the
# selection (a relative floor, then maximal marginal relevance) needs a scale on which the next best still
# compete (eval/README.md, "Twenty-fifth round": power 1 left a fifth of the word budget unused).
SCORE_POWER = 0.5
_ATTRIBUTED = re.compile(r"\b(?:said|says|told|according to|announced|added|stated)\b", re.I)
_QUOTE = re.compile(r"[\"“”]")
_DIGIT = re.compile(r"\d")


def attributed(sentence: str) -> bool:
    """Whether ``sentence`` reports what someone said ("…, the minister said", "according to…")."""
    return bool(_ATTRIBUTED.search(sentence))


def document_sentences(cands: Sequence[Candidate], passages: Sequence[Passage]) -> dict[tuple[str, str], set[str]]:
    """The candidate sentences of each retrieved document; one article's renderings (a.txt, a.html, a.pdf) are one."""
    by_document: dict[tuple[str, str], set[str]] = {}
    for c in cands:
        by_document.setdefault(rendering_key(passages[c.passage - 1].chunk.source), set()).add(c.text)
    return by_document


def document_balance(cands: Sequence[Candidate], passages: Sequence[Passage]) -> dict[tuple[str, str], float]:
    """Each retrieved document's :func:`rag.keypoints.reporting_balance` over its candidate sentences (below 0: it
    argues, as a commentary does; above: it reports)."""
    return {d: reporting_balance(sorted(texts)) for d, texts in document_sentences(cands, passages).items()}


def point_features(ranking: Ranking, query_vector: np.ndarray, passages: Sequence[Passage],
                   relevance: dict[str, float], lead: set[str]) -> np.ndarray:
    """One row of :data:`FEATURE_NAMES` per candidate of ``ranking`` (in its order), each roughly 0..1.

    ``relevance`` is :func:`rag.backends.extractive.point_relevance`'s; ``lead`` the first sentences of each long
    document whose opening was retrieved (an article's opening tells what happened; whatever the question asks,
    the model weighs it).
    """
    from rag.backends.extractive import _name_stated, asked_names  # (that module imports this one)

    cands = ranking.candidates
    question = ranking.profile.question
    asked = sorted(asked_names(question))
    actors = reacting_words(question) if question_aim(question) == "reactions" else frozenset()
    matrix = np.vstack([ranking.vectors[c.text] for c in cands])
    centroid = matrix.mean(axis=0)
    central = matrix @ (centroid / (float(np.linalg.norm(centroid)) or 1.0))
    sims = matrix @ query_vector
    context = np.vstack([ranking.vectors.get(c.context, ranking.vectors[c.text]) for c in cands])
    mixed = matrix + 0.5 * context
    mixed /= np.linalg.norm(mixed, axis=1, keepdims=True)
    context_sims = mixed @ query_vector
    aim = question_aim(question)
    # An article's opening tells what happened: rarely why or how someone reacted, often what followed.
    lead_group = 0 if aim in ("reasons", "reactions") else 1 if aim == "consequences" else 2
    unasked_view = not asks_view(question)
    documents = [rendering_key(passages[c.passage - 1].chunk.source) for c in cands]
    by_document = document_sentences(cands, passages)
    balance = {d: reporting_balance(sorted(texts)) for d, texts in by_document.items()}
    top = max(relevance.values()) or 1e-9
    best_of = {d: max(relevance.get(t, 0.0) for t in texts) / top for d, texts in by_document.items()}
    order = sorted(range(len(cands)), key=lambda i: -relevance.get(cands[i].text, 0.0))
    share = {d: sum(documents[i] == d for i in order[:TOP_SENTENCES]) / TOP_SENTENCES for d in by_document}
    best_document = documents[order[0]]
    focus = set(content_focus(question))
    previous: dict[str, float] = {}
    by_position = sorted(cands, key=lambda c: c.position)
    for before, after in zip(by_position, by_position[1:]):
        if after.passage == before.passage and after.position == before.position + 1:
            previous[after.text] = relevance.get(before.text, 0.0) / top
    first: dict[int, int] = {}
    for c in cands:
        first[c.passage] = min(first.get(c.passage, c.position), c.position)
    context_rank = np.empty(len(cands))
    context_rank[np.argsort(-context_sims)] = np.arange(len(cands)) / len(cands)
    focus_values = np.array([c.answerability for c in cands])
    rows = []
    for i, c in enumerate(cands):
        chunk = passages[c.passage - 1].chunk
        document = documents[i]
        # The names asked, and who a reaction question asks about, stated in the sentence or the one before it
        # ("ECOWAS held an emergency summit. It suspended Azawi…").
        read = f"{c.context} {c.text}"
        words = names(read) | set(terms(read))
        rows.append([
            relevance.get(c.text, 0.0) / top, sims[i], context_sims[i], central[i], c.answerability,
            1.0 / (1.0 + 0.2 * (c.passage - 1)), role_score(aim, c.text), narrative_score(c.text),
            *(float(c.text in lead and lead_group == group) for group in range(3)),
            balance[document], balance[document] * unasked_view, best_of[document],
            share[document], min(len(c.text.split()), 60) / 60, float(bool(_QUOTE.search(c.text))),
            float(bool(_DIGIT.search(c.text))), float(bool(PRESCRIBES.search(c.text))),
            float(bool(_ATTRIBUTED.search(c.text))), previous.get(c.text, 0.0), float(document == best_document),
            len(focus & set(terms(c.text))) / max(1, len(focus)),
            float(chunk.start == 0 and c.position == first[c.passage]),
            context_sims[i] - context_sims.max(), sims[i] - sims.max(), context_rank[i],
            c.answerability - focus_values.max(),
            sum(_name_stated(name, words) for name in asked) / len(asked) if asked else 0.0,
            float(bool(actors & words)),
        ])
    return np.asarray(rows, dtype=float)


def probabilities(values: np.ndarray, weights: Sequence[float] | None = None,
                  intercept: float | None = None) -> np.ndarray:
    """``P(key point)`` of each row under the fitted (or the given) logistic model."""
    w = np.asarray(WEIGHTS if weights is None else weights, dtype=float)
    b = INTERCEPT if intercept is None else intercept
    if values.shape[1] != len(w):
        raise ValueError(f"point model: {values.shape[1]} features, but {len(w)} weights (FEATURE_NAMES changed?)")
    return 1.0 / (1.0 + np.exp(-np.clip(values @ w + b, -40.0, 40.0)))


def point_scores(ranking: Ranking, query_vector: np.ndarray, passages: Sequence[Passage],
                 relevance: dict[str, float], lead: set[str]) -> dict[str, float]:
    """Each candidate's score as a point, 0..1, the best 1.0: ``(p / max p) ** SCORE_POWER``.

    A sentence the hand-made relevance rules out (0: a byline, a biography, a document about another event)
    stays 0.
    """
    if not ranking.candidates:
        return {}
    return scaled(ranking.candidates, probabilities(point_features(ranking, query_vector, passages, relevance, lead)),
                  relevance)


def scaled(cands: Sequence[Candidate], p: np.ndarray, relevance: dict[str, float]) -> dict[str, float]:
    """The candidates' probabilities ``p`` as scores: ``(p / max p) ** SCORE_POWER``, the best of those the
    relevance allows taken as max; a sentence the relevance rules out (0) scores 0."""
    allowed = np.array([relevance.get(c.text, 0.0) > 0.0 for c in cands])
    best = float(p[allowed].max()) if allowed.any() else 1.0
    scores: dict[str, float] = {}
    for c, value in zip(cands, p):
        score = 0.0 if relevance.get(c.text, 0.0) <= 0.0 else math.pow(float(value) / best, SCORE_POWER)
        scores[c.text] = max(scores.get(c.text, 0.0), score)
    return scores


# --- fitted by `python -m rag.eval.point_fit --write` (do not edit by hand) ---
WEIGHTS: tuple[float, ...] = (
    1.618304, 0.184392, 0.621894, -0.906171, 0.271795, 1.679568,
    0.809421, -0.179129, -1.991736, -2.523648, -2.167000, -1.980651,
    4.710096, 2.504060, 0.541596, 1.910243, 0.073180, -0.030435,
    0.500672, -0.020023, 0.493262, -0.542040, -0.319091, -0.654625,
    0.376649, -0.422375, -0.958842, 0.149685, -0.352080, 0.229573,
)
INTERCEPT: float = -7.402839
# --- end of fitted values ---
