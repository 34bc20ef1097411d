"""Fit the key-point model (rag.point_model) on eval sets with key points, and replay it on held-out ones.

Each analytic question of a set (a JSONL with ``key_points`` beside its corpus) is answered as the assistant
answers it; every candidate sentence of its retrieved passages is a row of :data:`rag.point_model.FEATURE_NAMES`,
labelled 1 when it states one of the question's key points (the rule of :func:`rag.eval.metrics.key_point_recall`:
60% of the key point's content words). A logistic model is fitted on the ``--fit`` sets; on the ``--report`` sets
the answer's points are chosen again (the selection of rag.backends.extractive) by the hand-made relevance and by
the fitted model, and both key-point recalls are printed. ``--write`` pastes the weights into rag/point_model.py
(with rag.eval.answerability.write_weights: the same markers).

Usage:
    python -m rag.eval.point_fit --fit eval/dev/blind/news_a ... --report eval/dev/blind/news_q ... [--write]

A set is a directory with ``questions.jsonl`` and ``corpus/`` (eval/dev/blind), or ``QUESTIONS.jsonl:CORPUS``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from rag.records import Passage

if TYPE_CHECKING:
    from rag.backends.extractive import Ranking


@dataclass
class Question:
    """One analytic question as answered: what the selection needs, the model's rows, and the labels."""

    name: str
    key_points: tuple[str, ...]
    ranking: Ranking
    passages: list[Passage]
    query_vector: np.ndarray
    relevance: dict[str, float]
    features: np.ndarray
    labels: np.ndarray


def _set_paths(spec: str) -> tuple[str, Path, Path]:
    if ":" in spec and not Path(spec).is_dir():
        questions, corpus = spec.rsplit(":", 1)
        return Path(questions).stem, Path(questions), Path(corpus)
    root = Path(spec)
    return root.name, root / "questions.jsonl", root / "corpus"


def states(sentence: str, key_point: str) -> bool:
    """Whether ``sentence`` states ``key_point`` by the metric's rule (one sentence, 60% of its content words)."""
    from rag.eval.metrics import key_point_recall

    return key_point_recall([sentence], [key_point]) == 1.0


def capture(spec: str, index_dir: Path, embedder: Any = None) -> list[Question]:
    """Answer a set's analytic questions and keep, for each, its candidates' rows and labels.

    Every analytic-typed question with key points is kept, those answered as a summary or a comparison too
    (the shipped weights were fitted so); ``index_dir`` must be a directory of its own for each spec.
    """
    from rag.assistant import Assistant
    from rag.backends import extractive as ex
    from rag.config import Config
    from rag.eval.datasets import load_jsonl
    from rag.point_model import point_features

    name, questions, corpus = _set_paths(spec)
    assistant = Assistant(config=Config.load(overrides={"index_dir": str(index_dir)}), embedder=embedder)
    assistant.ingest(corpus)
    out: list[Question] = []
    for item in load_jsonl(questions):
        if not item.key_points:
            continue
        answer = assistant.ask(item.question)
        if answer.question_kind != "analytic" or not answer.passages:
            continue
        question = answer.standalone_question or item.question
        passages = list(answer.passages)
        ranking = ex.rank(question, passages, assistant.embedder, None, assistant.sentence_cache)
        if not ranking.candidates:
            continue
        q_vec = assistant.embedder.embed_query(question)
        relevance = ex.point_relevance(ranking, q_vec, passages)
        rows = point_features(ranking, q_vec, passages, relevance, ex._lead_sentences(ranking.candidates, passages))
        labels = np.array([any(states(c.text, k) for k in item.key_points) for c in ranking.candidates], dtype=float)
        out.append(Question(name, item.key_points, ranking, passages, q_vec, relevance, rows, labels))
    return out


def replay(question: Question, weights: Sequence[float] | None) -> float:
    """Key-point recall of the points chosen by the hand-made relevance (``weights`` None) or by the model."""
    from rag.backends import extractive as ex
    from rag.eval.metrics import key_point_recall
    from rag.point_model import probabilities, scaled

    ranking = question.ranking
    if weights is None:
        order = ex.listed_first(ranking, ex.reports_first(ranking, question.relevance, question.passages),
                                question.passages)
        points = ex.select_key_points(ranking, order)
    else:
        scores = scaled(ranking.candidates, probabilities(question.features, weights[:-1], weights[-1]),
                        question.relevance)
        points = ex.select_key_points(ranking, ex.asked_first(ranking, scores, question.passages),
                                      relative_floor=ex.LEARNED_POINT_FLOOR, fill_runs=ex.RUN_FLOOR)
    return float(key_point_recall([c.text for c in points], question.key_points) or 0.0)


# Each set weighs as much as this many questions in the fit, whatever its size: a set of 42 questions over
# Wikipedia paragraphs would otherwise count twice a news set of 20 (eval/README.md, "Twenty-fifth round").
SET_QUESTIONS = 20


def fit(questions: Sequence[Question], l2: float = 1.0) -> tuple[list[float], float]:
    """Logistic weights and intercept over the questions' rows, each set weighing :data:`SET_QUESTIONS` questions."""
    from rag.answer_model import fit_logistic

    per_set: dict[str, int] = {}
    for q in questions:
        per_set[q.name] = per_set.get(q.name, 0) + 1
    weights = [SET_QUESTIONS / per_set[q.name] for q in questions for _ in q.labels]
    rows = [list(row) for q in questions for row in q.features]
    return fit_logistic(rows, [int(v) for q in questions for v in q.labels], l2, sample_weights=weights)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fit", nargs="+", required=True, metavar="SET", help="sets to fit on")
    parser.add_argument("--report", nargs="*", default=[], metavar="SET", help="sets to replay on (held out)")
    parser.add_argument("--l2", type=float, default=1.0, help="L2 strength of the fit")
    parser.add_argument("--write", action="store_true", help="paste the weights into rag/point_model.py")
    args = parser.parse_args(argv)
    from rag.config import Config
    from rag.embed import make_embedder
    from rag.eval.answerability import write_weights
    from rag.point_model import FEATURE_NAMES

    embedder = make_embedder(Config.load(overrides={}))
    with tempfile.TemporaryDirectory(prefix="point-fit-") as tmp:
        # (each spec its own index: two sets of one name, "tune.jsonl" of two corpora, are two corpora)
        fit_on = [q for n, spec in enumerate(args.fit) for q in capture(spec, Path(tmp) / f"fit-{n}", embedder)]
        report = [q for n, spec in enumerate(args.report)
                  for q in capture(spec, Path(tmp) / f"report-{n}", embedder)]
    weights, intercept = fit(fit_on, args.l2)
    sys.stdout.write(f"fitted on {len(fit_on)} questions, {sum(len(q.labels) for q in fit_on)} sentences\n")
    for name, value in zip(FEATURE_NAMES, weights):
        sys.stdout.write(f"  {name:32s} {value:8.3f}\n")
    sys.stdout.write(f"  {'intercept':32s} {intercept:8.3f}\n")
    for label, part in (("fit", fit_on), ("report", report)):
        names = list(dict.fromkeys(q.name for q in part))
        for name in [*names, "all"] if len(names) > 1 else names:
            some = [q for q in part if name in ("all", q.name)]
            by_hand = float(np.mean([replay(q, None) for q in some]))
            learned = float(np.mean([replay(q, [*weights, intercept]) for q in some]))
            sys.stdout.write(f"{label} {name}: {len(some)} questions; key-point recall by the relevance "
                             f"{by_hand:.3f}, by the model {learned:.3f}\n")
    if args.write:
        import rag.point_model

        path = Path(rag.point_model.__file__)
        write_weights(path, weights, intercept)  # (the markers and layout of rag/answer_model.py's)
        sys.stdout.write(f"weights written to {path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
