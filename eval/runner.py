"""``rag eval``: run a QA set through the chat's :class:`~rag.assistant.Assistant` and score it.

One run writes three files to ``--out``:

- ``results.jsonl``: per question, the full ``Answer.to_dict()`` plus the item's fields
  (``id``, ``answers``, ``evidence``, ``answerable``, ``source``, ``context_id``) and ``scores``;
- ``report.json``: the metrics, the dataset (path, sha256, seed, limit), the ``Config`` that
  produced them, the support scorer's own measurement, timings, timestamp and git commit;
- ``report.html``: one self-contained page (no external files) for people (:mod:`rag.eval.report`).

With ``--thresholds`` (and optionally ``--baseline``) the run is a gate: it exits 1 and prints
one line per breached metric. The pieces are importable for tests and notebooks:
:func:`load_dataset`, :func:`evaluate` (takes any ``Assistant``), :func:`summarize`,
:func:`load_thresholds`, :func:`check_gate`.

Example:
    $ rag eval eval/golden/sample.jsonl --corpus corpus/sample --index eval/out/golden-index \\
        --out eval/out/golden --thresholds eval/thresholds.toml

    >>> from rag.testing import FakeEmbedder                                   # doctest: +SKIP
    >>> assistant = Assistant(index_dir="/tmp/ix", embedder=FakeEmbedder())     # doctest: +SKIP
    >>> records = evaluate(load_jsonl("eval/golden/sample.jsonl"), assistant)  # doctest: +SKIP
    >>> summarize(records, k=5)["alias_containment"]                           # doctest: +SKIP
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import logging
import math
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rag.config import read_toml
from rag.errors import RagError
from rag.eval.datasets import EvalItem, SquadData, load_jsonl, load_squad, sample_squad, write_corpus
from rag.eval.metrics import (
    Support,
    alias_containment,
    answer_words,
    any_unsupported,
    citation_scores,
    exact_match,
    key_point_recall,
    latency_summary,
    match_gold_by_text,
    mean,
    mrr,
    ndcg_at_k,
    recall_at_k,
    refusal_rates,
    supported_share,
    token_f1,
)
from rag.eval.report import fmt
from rag.eval.support_set import build_support_pairs, evaluate_scorer
from rag.ingest import named_key
from rag.records import file_sha256
from rag.text import sentences

log = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_SQUAD",
    "METRICS",
    "Breach",
    "Dataset",
    "Thresholds",
    "check_gate",
    "evaluate",
    "load_dataset",
    "load_thresholds",
    "lexical_support_at",
    "make_judge",
    "verifier_support_at",
    "measure_support_scorer",
    "run_eval",
    "score_answer",
    "summarize",
]

DEFAULT_SQUAD = Path(__file__).resolve().parent / "data" / "squad_v2_sample.json"
"""The SQuAD 2.0 sample shipped with the project (eval/data/PROVENANCE.md), used to measure the support
scorer when the dataset is not SQuAD itself; ``$RAG_EVAL_SQUAD`` names another (e.g. the full dev set)."""

SQUAD_ENV = "RAG_EVAL_SQUAD"
"""Environment variable naming another SQuAD 2.0 JSON for the support-scorer measurement ("" = skip)."""

SQUAD_LICENCE = ("SQuAD 2.0 (Rajpurkar, Jia, Liang 2018, \"Know What You Don't Know\"), paragraphs from "
                 "English Wikipedia; licence CC BY-SA 4.0")
"""Attribution carried into every report built from SQuAD text (its paragraphs appear in the reports)."""

SUPPORT_PAIRS = 400
DEFAULT_SQUAD_QUESTIONS = 300

ON_TOPIC_SIMILARITY = 0.25
"""An unanswerable question is *on-topic* when its best passage is at least this similar (the default
relevance gate, ``min_similarity``): the gate cannot refuse it, only answerability can."""

HIGHER = "higher"
LOWER = "lower"

METRICS: dict[str, str] = {
    # retrieval (answerable questions; gold = a retrieved passage holding the evidence)
    "recall_at_1": HIGHER,
    "recall_at_k": HIGHER,
    "mrr": HIGHER,
    "ndcg_at_k": HIGHER,
    # citations, ALCE (answered questions)
    "citation_recall": HIGHER,
    "citation_precision": HIGHER,
    # faithfulness (answered questions; the system's own per-sentence verdicts)
    "faithfulness": HIGHER,
    "unsupported_answer_rate": LOWER,
    # correctness on answerable questions (a refusal predicts "")
    "exact_match": HIGHER,
    "token_f1": HIGHER,
    "alias_containment": HIGHER,
    # correctness over all questions, SQuAD 2.0 style (an unanswerable one scores 1 iff refused)
    "squad_v2_exact_match": HIGHER,
    "squad_v2_f1": HIGHER,
    # refusal
    "correct_refusal_rate": HIGHER,
    "false_refusal_rate": LOWER,
    # latency per question, wall clock around ``Assistant.ask``
    # analytic questions (items with key_points) and answer shape
    "key_point_recall": HIGHER,
    # the same rule over the retrieved passages' sentences: the most key-point recall could reach
    "key_points_retrieved": HIGHER,
    "analytic_refusal_rate": LOWER,
    "answer_words_median": LOWER,
    # unanswerable questions whose retrieval is on-topic (top similarity >= ON_TOPIC_SIMILARITY)
    "on_topic_refusal_rate": HIGHER,
    "latency_median_ms": LOWER,
    "latency_p95_ms": LOWER,
    "latency_mean_ms": LOWER,
    # the support scorer itself, on labelled SQuAD sentence/passage pairs
    "support_scorer_balanced_accuracy": HIGHER,
}
"""Every gated metric and which direction is better. ``report.json["metrics"]`` holds these plus counts."""

_MACHINE_DEPENDENT = frozenset({"latency_median_ms", "latency_p95_ms", "latency_mean_ms"})


class EvalError(RagError):
    """A bad input to the eval (dataset, thresholds, index); the message names it and the fix."""


# ------------------------------------------------------------------ datasets

@dataclass
class Dataset:
    """The questions of one run and where they came from."""

    path: Path
    kind: str  # "jsonl" | "squad"
    items: list[EvalItem]
    sha256: str
    squad: SquadData | None = None  # the SQuAD sample (its documents are the corpus)
    full_squad: SquadData | None = None  # the whole file, for the support-scorer measurement
    source_keys: dict[str, str] = field(default_factory=dict)  # item.source -> indexed file stem

    @property
    def profile(self) -> str:
        """The thresholds section for this dataset: ``squad``, or the JSONL file's stem."""
        return "squad" if self.kind == "squad" else self.path.stem


def is_squad_file(path: Path) -> bool:
    """A ``.json`` file whose top level is an object with a ``data`` key."""
    if path.suffix.lower() != ".json":
        return False
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return False
    return isinstance(raw, dict) and "data" in raw


def load_dataset(path: str | Path, *, limit: int | None = None, seed: int = 0) -> Dataset:
    """Our JSONL format, or a SQuAD 2.0 JSON sampled with ``seed``.

    SQuAD: ``sample_squad(load_squad(path), n_questions=limit or 300, seed=seed)``: whole
    articles as the corpus, half the questions unanswerable. JSONL: the first ``limit`` items
    in file order (all without ``limit``).

    Example:
        >>> ds = load_dataset("eval/golden/sample.jsonl")  # doctest: +SKIP
        >>> ds.profile, len(ds.items)                      # doctest: +SKIP
        ('sample', 30)
    """
    path = Path(path)
    if not path.is_file():
        raise EvalError(f"{path}: dataset not found (give a JSONL file or a SQuAD 2.0 JSON)")
    if limit is not None and limit < 1:
        raise EvalError(f"--limit: must be >= 1, got {limit}")
    sha = file_sha256(path)
    try:
        if is_squad_file(path):
            full = load_squad(path)
            sample = sample_squad(full, n_questions=limit or DEFAULT_SQUAD_QUESTIONS, seed=seed)
            return Dataset(path, "squad", list(sample.items), sha, squad=sample, full_squad=full)
        items = load_jsonl(path)
    except ValueError as exc:
        raise EvalError(str(exc)) from None
    if not items:
        raise EvalError(f"{path}: no questions in the file")
    return Dataset(path, "jsonl", items[:limit] if limit else items, sha)


def _squad_stem(name: str) -> str:
    return name[:-len(".txt")] if name.endswith(".txt") else name


def write_squad_corpus(dataset: Dataset, directory: Path) -> Path:
    """Write the SQuAD sample's paragraphs to ``directory`` and drop stale ones from earlier samples.

    Only files named like ``write_corpus`` output for SQuAD (``squad__*.txt`` and their
    ``.meta.json``) are ever deleted, so a shared folder's other files are safe. Fills
    ``dataset.source_keys`` (paragraph id -> file stem) for gold matching.
    """
    assert dataset.squad is not None
    directory.mkdir(parents=True, exist_ok=True)
    paths = write_corpus(dataset.squad.documents, directory)
    keep = {p.name for p in paths.values()} | {p.name + ".meta.json" for p in paths.values()}
    for stale in directory.glob("squad__*"):
        if stale.is_file() and stale.name not in keep and stale.name.endswith((".txt", ".txt.meta.json")):
            stale.unlink()
    dataset.source_keys = {doc_id: _squad_stem(p.name) for doc_id, p in paths.items()}
    return directory


def source_key(source: str) -> str:
    """How a gold ``source`` and an indexed file are compared: the file name without folders and suffix.

    ``"corpus/sample/000_ab.pdf"``, ``"000_ab.txt"`` and ``"000_ab"`` all give ``"000_ab"``, so any
    rendering of a document (.txt, .html, .pdf) counts as that document.

    Example:
        >>> source_key("/abs/corpus/sample/000_37ea4592f850c55e.pdf")
        '000_37ea4592f850c55e'
    """
    name = source.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, suffix = name.rpartition(".")
    if dot and stem and suffix.lower() in {"txt", "md", "markdown", "html", "htm", "pdf"}:
        return stem
    return name


# -------------------------------------------------------------- evaluation

def lexical_support_at(threshold: float) -> Support:
    """The default ALCE support judge: ``lexical_support(sentence, passages).score >= threshold``.

    Example:
        >>> judge = lexical_support_at(0.5)
        >>> judge("Armenia and Russia signed a deal in 1997.", ["The two signed a deal in 1997. Armenia and Russia."])
        True
    """
    from rag.verify import lexical_support

    def support(sentence: str, passages: Sequence[str]) -> bool:
        return lexical_support(sentence, list(passages)).score >= threshold

    return support


def verifier_support_at(scorer: Any, threshold: float) -> Support:
    """An ALCE support judge from any :class:`rag.verify.SupportScorer`: ``score >= threshold``."""

    def support(sentence: str, passages: Sequence[str]) -> bool:
        return bool(passages) and scorer(sentence, list(passages)).score >= threshold

    return support


@dataclass(frozen=True)
class Judge:
    """Who grades citations and faithfulness in a run, and whether that is the answering verifier itself."""

    spec: str
    name: str
    answering_verifier: str
    support: Support
    self_graded: bool

    def warning(self) -> str | None:
        if not self.self_graded:
            return None
        return (f"citation recall/precision and faithfulness were judged by {self.name}, the same verifier "
                f"that checked the answers ({self.answering_verifier}): they grade the system by its own rule "
                "(pass --judge llm or --judge nli:DIR for an independent judge)")

    def to_dict(self) -> dict[str, Any]:
        return {"spec": self.spec, "name": self.name, "answering_verifier": self.answering_verifier,
                "self_graded": self.self_graded, "warning": self.warning()}


def make_judge(assistant: Any, spec: str | None) -> Judge:
    """The run's judge: ``spec`` (``--judge``) or, by default, the answering verifier's lexical rule."""
    from rag.verifiers import make_verifier
    from rag.verify import scorer_name

    config = assistant.config
    answering = scorer_name(assistant.scorer())
    if not spec:
        # The historical default: lexical support at the answering threshold, i.e. the system's own rule.
        return Judge(config.verifier, "lexical", answering, lexical_support_at(config.support_threshold),
                     self_graded=config.verifier == "lexical" or answering.startswith("lexical"))
    scorer = make_verifier(config, spec=spec)
    name = scorer_name(scorer)
    # The answering verifier's own kind grades by its own rule; another NLI model directory is another judge.
    family = spec.split(":", 1)[0]
    same = family == config.verifier.split(":", 1)[0] and (family != "nli" or spec == config.verifier)
    return Judge(spec, name, answering, verifier_support_at(scorer, config.support_threshold), self_graded=same)


def _gold_units(item: EvalItem, passages: Sequence[Any], item_source_key: str | None) -> list[str]:
    """Each retrieved passage's id for ranking: ``evidence:<i>`` when it holds evidence text ``i``.

    The unit of relevance is the evidence, not the chunk: three renderings of one article, or
    two chunks of one long gold paragraph, are one gold item, so retrieving a second copy earns
    nothing and nDCG's ideal is ``min(#evidence texts, k)``.
    """
    units = [p.chunk.id for p in passages]
    texts = [p.chunk.text for p in passages]
    eligible = [item_source_key is None or source_key(p.chunk.source) == item_source_key for p in passages]
    for i, evidence in enumerate(item.evidence_texts):
        flags = match_gold_by_text(texts, evidence, item.answers)
        for j, flag in enumerate(flags):
            if flag and eligible[j] and not units[j].startswith("evidence:"):
                units[j] = f"evidence:{i}"
    return units


def score_answer(item: EvalItem, answer: Any, *, k: int, support: Support, latency_s: float,
                 item_source_key: str | None = None, judge_faithfulness: bool = False) -> dict[str, Any]:
    """Per-question scores of one :class:`rag.records.Answer` against its item.

    ``None`` means "not applicable" (retrieval for an unanswerable question, citations for a
    refusal), as in :mod:`rag.eval.metrics`.
    """
    passages = list(answer.passages)
    refused = bool(answer.refused)
    prediction = "" if refused else " ".join(s.text for s in answer.sentences)
    # Analytic items carry key points instead of short answers: answer-string metrics do not apply.
    strings = not (item.answerable and not item.answers)
    scores: dict[str, Any] = {
        "answerable": item.answerable,
        "refused": refused,
        "prediction": prediction,
        "exact_match": exact_match(prediction, item.answers) if strings else None,
        "token_f1": token_f1(prediction, item.answers) if strings else None,
        "alias_containment": alias_containment(prediction, item.answers) if strings else None,
        "analytic": bool(item.key_points),
        "key_point_recall": (0.0 if refused else key_point_recall([s.text for s in answer.sentences],
                                                                   item.key_points)) if item.key_points else None,
        # Which key points the retrieved passages state at all: a point missing here is retrieval's miss, one
        # stated here but not in the answer is the choice of sentences'.
        "key_points_retrieved": key_point_recall([s for p in passages for s in sentences(p.chunk.text)],
                                                 item.key_points) if item.key_points else None,
        "answer_words": None if refused else answer_words(answer.answer),
        "latency_s": round(latency_s, 4),
        "top_similarity": max((p.similarity for p in passages if p.similarity is not None), default=None),
    }
    gold_ids = {f"evidence:{i}" for i in range(len(item.evidence_texts))} if item.answerable else set()
    if gold_ids:
        units = _gold_units(item, passages, item_source_key)
        scores.update(
            gold_ranks=[r for r, u in enumerate(units, start=1) if u in gold_ids],
            recall_at_1=recall_at_k(units, gold_ids, 1),
            recall_at_k=recall_at_k(units, gold_ids, k),
            mrr=mrr(units, gold_ids, k),
            ndcg_at_k=ndcg_at_k(units, gold_ids, k),
        )
    else:
        scores.update(gold_ranks=[], recall_at_1=None, recall_at_k=None, mrr=None, ndcg_at_k=None)
    if refused or not answer.sentences:
        scores.update(citation_recall=None, citation_precision=None, n_citations=0,
                      supported_share=None, any_unsupported=None)
    else:
        # An answer numbers its citations in reading order; each citation's rank says which passage it is.
        rank = {c.id: c.rank or c.id for c in answer.citations}
        cited = [(s.text, [passages[rank[n] - 1].chunk.text for n in s.citations
                           if n in rank and 1 <= rank[n] <= len(passages)])
                 for s in answer.sentences]
        alce = citation_scores(cited, support)
        if judge_faithfulness:  # the judge's verdict on each sentence, not the answering verifier's
            flags = [bool(passages_) and support(text, passages_) for text, passages_ in cited]
        else:
            flags = [bool(s.supported) for s in answer.sentences]
        scores.update(citation_recall=alce.recall, citation_precision=alce.precision,
                      n_citations=alce.n_citations, supported_share=supported_share(flags),
                      any_unsupported=any_unsupported(flags))
    scores["failures"] = failures(scores)
    return scores


def failures(scores: Mapping[str, Any]) -> list[str]:
    """What went wrong for one question, most serious first (empty when nothing did)."""
    out: list[str] = []
    if scores["answerable"] and scores["refused"]:
        out.append("false refusal")
    if not scores["answerable"] and not scores["refused"]:
        out.append("answered an unanswerable question")
    if scores["answerable"] and not scores["refused"] and scores["alias_containment"] == 0.0:
        out.append("answer lacks every reference answer")
    if scores.get("any_unsupported"):
        out.append("unsupported sentence")
    if scores.get("citation_precision") is not None and scores["citation_precision"] < 1.0:
        out.append("imprecise citation")
    if scores["answerable"] and scores.get("recall_at_k") == 0.0:
        out.append("evidence not retrieved")
    return out


def evaluate(
    items: Sequence[EvalItem],
    assistant: Any,
    *,
    support: Support | None = None,
    source_keys: Mapping[str, str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    judge_faithfulness: bool = False,
) -> list[dict[str, Any]]:
    """Ask every question through ``assistant.ask`` (as the chat does) and score the answer.

    Returns one record per item: ``Answer.to_dict()`` + the item's fields + ``scores``.
    ``support`` judges ALCE citation support (default: :func:`lexical_support_at` at the
    assistant's ``support_threshold``); ``source_keys`` maps an item's ``source`` to the indexed
    file stem when they differ (SQuAD paragraph ids). With ``judge_faithfulness`` faithfulness is
    ``support``'s verdict per sentence too, instead of the answer's own ``supported`` flags.
    """
    config = assistant.config
    support = support or lexical_support_at(config.support_threshold)
    source_keys = source_keys or {}
    if items:
        # Load the embedder and build the lexical index now, so question 1's latency is a question's.
        assistant.retrieve(items[0].question)
    records: list[dict[str, Any]] = []
    for n, item in enumerate(items, start=1):
        started = time.perf_counter()
        try:
            answer = assistant.ask(item.question)
        except Exception as exc:  # a dead model server would fail every question: stop at the first
            raise EvalError(f"question {item.id!r} failed after {n - 1} answered: {type(exc).__name__}: "
                            f"{exc}") from exc
        latency = time.perf_counter() - started
        key = None
        if item.source:
            key = source_keys.get(item.source) or source_key(item.source)
        scores = score_answer(item, answer, k=config.k, support=support, latency_s=latency, item_source_key=key,
                              judge_faithfulness=judge_faithfulness)
        record = {"id": item.id, **answer.to_dict()}
        record.update({name: value for name, value in item.to_dict().items() if name not in ("id", "question")})
        record["scores"] = scores
        records.append(record)
        if progress:
            progress(n, len(items))
    return records


def _median(values: Iterable[int | float | None]) -> float | None:
    kept = sorted(float(v) for v in values if v is not None)
    if not kept:
        return None
    middle = len(kept) // 2
    return kept[middle] if len(kept) % 2 else (kept[middle - 1] + kept[middle]) / 2


def _rate(values: Sequence[bool]) -> float | None:
    return sum(1 for v in values if v) / len(values) if values else None


def summarize(records: Sequence[Mapping[str, Any]], k: int) -> dict[str, Any]:
    """Aggregate per-question scores into the report's metrics (``None`` = not applicable)."""
    scores = [r["scores"] for r in records]
    answerable = [s for s in scores if s["answerable"]]
    answered = [s for s in scores if not s["refused"] and s.get("supported_share") is not None]
    refusal = refusal_rates([(s["answerable"], s["refused"]) for s in scores])
    latency = latency_summary([s["latency_s"] for s in scores])
    metrics: dict[str, Any] = {
        "n": len(scores),
        "n_answerable": refusal["n_answerable"],
        "n_unanswerable": refusal["n_unanswerable"],
        "n_answered": sum(1 for s in scores if not s["refused"]),
        "k": k,
        "recall_at_1": mean(s["recall_at_1"] for s in answerable),
        "recall_at_k": mean(s["recall_at_k"] for s in answerable),
        "mrr": mean(s["mrr"] for s in answerable),
        "ndcg_at_k": mean(s["ndcg_at_k"] for s in answerable),
        "citation_recall": mean(s["citation_recall"] for s in answered),
        "citation_precision": mean(s["citation_precision"] for s in answered),
        "faithfulness": mean(s["supported_share"] for s in answered),
        "unsupported_answer_rate": _rate([bool(s["any_unsupported"]) for s in answered]),
        "exact_match": mean(s["exact_match"] for s in answerable),
        "token_f1": mean(s["token_f1"] for s in answerable),
        "alias_containment": mean(s["alias_containment"] for s in answerable),
        "squad_v2_exact_match": mean(s["exact_match"] for s in scores),
        "squad_v2_f1": mean(s["token_f1"] for s in scores),
        "correct_refusal_rate": refusal["correct_refusal_rate"],
        "false_refusal_rate": refusal["false_refusal_rate"],
        "key_point_recall": mean(s.get("key_point_recall") for s in scores),
        "key_points_retrieved": mean(s.get("key_points_retrieved") for s in scores),
        "analytic_refusal_rate": _rate([s["refused"] for s in scores if s.get("analytic")]),
        "answer_words_median": _median([s.get("answer_words") for s in scores]),
        "on_topic_refusal_rate": _rate([s["refused"] for s in scores if not s["answerable"]
                                        and (s.get("top_similarity") or 0.0) >= ON_TOPIC_SIMILARITY]),
        "latency_median_ms": latency["median_ms"],
        "latency_p95_ms": latency["p95_ms"],
        "latency_mean_ms": latency["mean_ms"],
    }
    return {name: (round(v, 6) if isinstance(v, float) else v) for name, v in metrics.items()}


# --------------------------------------------------------- support scorer

def measure_support_scorer(data: SquadData, threshold: float, *, n: int = SUPPORT_PAIRS, seed: int = 0,
                           source: str | None = None) -> dict[str, Any]:
    """Balanced accuracy of ``lexical_support(s, [p]).score >= threshold`` on labelled SQuAD pairs."""
    from rag.verify import lexical_support

    started = time.perf_counter()
    pairs = build_support_pairs(data, n=n, seed=seed)
    result = evaluate_scorer(pairs, lambda s, p: lexical_support(s, [p]).score >= threshold)
    result.update(scorer="rag.verify.lexical_support", threshold=threshold, seed=seed, n_requested=n,
                  data=source, seconds=round(time.perf_counter() - started, 3))
    return result


def _support_measurement(dataset: Dataset, threshold: float, seed: int,
                         support_data: str | Path | None) -> dict[str, Any]:
    if dataset.full_squad is not None:
        return measure_support_scorer(dataset.full_squad, threshold, seed=seed, source=str(dataset.path))
    if support_data is None or str(support_data) == "":
        return {"skipped": f"no SQuAD file given (set ${SQUAD_ENV})"}
    path = Path(support_data)
    if not path.is_file():
        return {"skipped": f"{path}: not found (set ${SQUAD_ENV} to a SQuAD 2.0 JSON)"}
    try:
        data = load_squad(path)
    except ValueError as exc:
        return {"skipped": str(exc)}
    return measure_support_scorer(data, threshold, seed=seed, source=str(path))


# ---------------------------------------------------------------- the gate

@dataclass(frozen=True)
class Thresholds:
    """Floors, ceilings and baseline tolerances for one dataset profile."""

    minimum: dict[str, float] = field(default_factory=dict)
    maximum: dict[str, float] = field(default_factory=dict)
    tolerance: dict[str, float] = field(default_factory=dict)
    path: str | None = None
    profile: str | None = None

    def tolerance_for(self, metric: str) -> float | None:
        """Allowed regression vs the baseline; ``None`` = not compared (latency without its own entry)."""
        if metric in self.tolerance:
            return self.tolerance[metric]
        if metric in _MACHINE_DEPENDENT:
            return None
        return self.tolerance.get("default", 0.05)


def _table(data: Any, where: str, allow_default: bool = False) -> dict[str, float]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise EvalError(f"{where}: must be a table of metric = number")
    out: dict[str, float] = {}
    for name, value in data.items():
        if name == "default" and not allow_default:
            raise EvalError(f"{where}: 'default' is only allowed in [tolerance]")
        if name != "default" and name not in METRICS:
            raise EvalError(f"{where}: unknown metric {name!r}; known: {', '.join(METRICS)}")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
            raise EvalError(f"{where}.{name}: must be a number, got {value!r}")
        out[name] = float(value)
    return out


def load_thresholds(path: str | Path, profile: str | None = None) -> Thresholds:
    """Read a thresholds TOML; ``[dataset.<profile>.*]`` entries override the top-level ones.

    Example file::

        [min]
        citation_recall = 0.8
        [max]
        false_refusal_rate = 0.3
        [tolerance]
        default = 0.05
        [dataset.squad.min]
        recall_at_k = 0.7
    """
    path = Path(path)
    raw = read_toml(path, "thresholds file", EvalError)
    unknown = sorted(set(raw) - {"min", "max", "tolerance", "dataset"})
    if unknown:
        raise EvalError(f"{path}: unknown section [{unknown[0]}]; use [min], [max], [tolerance], [dataset.<name>]")
    sections = {name: _table(raw.get(name), f"{path} [{name}]", name == "tolerance")
                for name in ("min", "max", "tolerance")}
    datasets = raw.get("dataset", {})
    if not isinstance(datasets, dict):
        raise EvalError(f"{path}: [dataset] must hold tables like [dataset.squad.min]")
    for name, sub in datasets.items():
        if not isinstance(sub, dict) or set(sub) - {"min", "max", "tolerance"}:
            raise EvalError(f"{path}: [dataset.{name}] may only hold min, max and tolerance tables")
        for section in ("min", "max", "tolerance"):
            # Every profile is validated, so a typo in another one fails today, not in its own run.
            table = _table(sub.get(section), f"{path} [dataset.{name}.{section}]", section == "tolerance")
            if name == profile:
                sections[section].update(table)
    return Thresholds(sections["min"], sections["max"], sections["tolerance"], str(path), profile)


@dataclass(frozen=True)
class Breach:
    metric: str
    value: float | None
    limit: float
    kind: str  # "min" | "max" | "baseline"
    baseline: float | None = None

    def message(self) -> str:
        shown = "n/a (not measured)" if self.value is None else f"{self.value:.4f}"
        if self.kind == "min":
            return f"{self.metric} = {shown}: below the minimum {self.limit:g}"
        if self.kind == "max":
            return f"{self.metric} = {shown}: above the maximum {self.limit:g}"
        direction = "dropped" if METRICS[self.metric] == HIGHER else "rose"
        return (f"{self.metric} = {shown}: {direction} past the baseline {self.baseline:.4f} "
                f"by more than the tolerance {self.limit:g}")

    def to_dict(self) -> dict[str, Any]:
        return {"metric": self.metric, "value": self.value, "limit": self.limit, "kind": self.kind,
                "baseline": self.baseline, "message": self.message()}


def check_gate(metrics: Mapping[str, Any], thresholds: Thresholds | None,
               baseline: Mapping[str, Any] | None = None) -> list[Breach]:
    """Every breach of an absolute min/max and every regression past the tolerance vs ``baseline``.

    A thresholded metric that could not be measured (``None``) is a breach: a gate must not
    pass because nothing was measured. Baseline metrics that are ``None`` are not compared.

    Example:
        >>> [b.message() for b in check_gate({"citation_recall": 0.7}, Thresholds({"citation_recall": 0.8}))]
        ['citation_recall = 0.7000: below the minimum 0.8']
    """
    thresholds = thresholds or Thresholds()
    eps = 1e-9
    breaches: list[Breach] = []
    for name, limit in thresholds.minimum.items():
        value = metrics.get(name)
        if value is None or value < limit - eps:
            breaches.append(Breach(name, value, limit, "min"))
    for name, limit in thresholds.maximum.items():
        value = metrics.get(name)
        if value is None or value > limit + eps:
            breaches.append(Breach(name, value, limit, "max"))
    for name, direction in (METRICS.items() if baseline is not None else ()):
        assert baseline is not None
        base, value, tol = baseline.get(name), metrics.get(name), thresholds.tolerance_for(name)
        if base is None or tol is None or any(b.metric == name for b in breaches):
            continue
        if value is None:
            breaches.append(Breach(name, None, tol, "baseline", float(base)))
        elif direction == HIGHER and value < base - tol - eps:
            breaches.append(Breach(name, value, tol, "baseline", float(base)))
        elif direction == LOWER and value > base + tol + eps:
            breaches.append(Breach(name, value, tol, "baseline", float(base)))
    return breaches


def _load_baseline(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EvalError(f"{path}: baseline report not found") from None
    except json.JSONDecodeError as exc:
        raise EvalError(f"{path}: not a JSON report ({exc.msg})") from None
    if not isinstance(data, dict) or not isinstance(data.get("metrics"), dict):
        raise EvalError(f"{path}: not an eval report.json (no 'metrics' object)")
    return data


# -------------------------------------------------------------- the runner

def _git_commit() -> dict[str, Any] | None:
    root = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                                timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                               capture_output=True, text=True, timeout=10, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": commit, "dirty": bool(dirty)} if commit else None


def _fmt(value: Any) -> str:
    return fmt(value, digits=4)


def summary_table(metrics: Mapping[str, Any], thresholds: Thresholds | None,
                  baseline: Mapping[str, Any] | None, breaches: Sequence[Breach]) -> str:
    """The short plain-text table printed at the end of a run."""
    failed = {b.metric for b in breaches}
    rows = [("metric", "value", "min/max", "baseline", "")]
    for name in METRICS:
        limit = ""
        if thresholds and name in thresholds.minimum:
            limit = f">= {thresholds.minimum[name]:g}"
        if thresholds and name in thresholds.maximum:
            limit = (limit + " " if limit else "") + f"<= {thresholds.maximum[name]:g}"
        base = _fmt(baseline.get(name)) if baseline else ""
        rows.append((name, _fmt(metrics.get(name)), limit, base, "FAIL" if name in failed else ""))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths[:4]))
    counts = (f"n={metrics['n']} (answerable {metrics['n_answerable']}, unanswerable {metrics['n_unanswerable']}, "
              f"answered {metrics['n_answered']}), k={metrics['k']}")
    return counts + "\n" + "\n".join(lines)


def _progress() -> Callable[[int, int], None]:
    started = time.perf_counter()

    def report(done: int, total: int) -> None:
        if done == total or done % 25 == 0:
            log.info("answered %d/%d (%.0f s)", done, total, time.perf_counter() - started)

    return report


def run_eval(args: argparse.Namespace, config: Any, *, assistant: Any = None,
             support_data: str | Path | None = None, stdout: Any = None, stderr: Any = None) -> int:
    """``rag eval``: 0 when every threshold holds, 1 on a breach, 2 on a usage error.

    ``assistant`` replaces the one built from ``config`` (tests inject a fake embedder);
    ``support_data`` is the SQuAD JSON for the support-scorer measurement (default
    ``$RAG_EVAL_SQUAD``, else :data:`DEFAULT_SQUAD`; ignored when the dataset is SQuAD).
    """
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        return _run(args, config, assistant, support_data, stdout, stderr)
    except EvalError as exc:
        print(f"rag eval: {exc}", file=stderr)
        return 2


def _run(args: argparse.Namespace, config: Any, assistant: Any, support_data: str | Path | None,
         stdout: Any, stderr: Any) -> int:
    from rag.assistant import Assistant

    started = time.perf_counter()
    limit = getattr(args, "limit", None)
    seed = int(getattr(args, "seed", 0) or 0)
    dataset = load_dataset(args.dataset, limit=limit, seed=seed)
    if dataset.kind == "squad":
        limit = limit or DEFAULT_SQUAD_QUESTIONS  # recorded as the sample size it was
    # Validate the gate's inputs before the (long) run, so a typo fails in a second.
    thresholds = load_thresholds(args.thresholds, dataset.profile) if getattr(args, "thresholds", None) else None
    baseline_report = _load_baseline(args.baseline) if getattr(args, "baseline", None) else None
    if baseline_report is not None and thresholds is None:
        thresholds = Thresholds(profile=dataset.profile)

    if assistant is None:
        if dataset.kind == "squad" and getattr(args, "index_dir", None) is None and config.chroma_url is None:
            raise EvalError("a SQuAD run ingests its sample into the index: name one for it with --index DIR "
                            "(not your working index)")
        assistant = Assistant(config=config)
    config = assistant.config
    write_baseline = getattr(args, "write_baseline", None)
    git = _git_commit()
    if write_baseline and (git is None or git["dirty"]):
        state = "no git commit could be read" if git is None else f"commit {git['commit'][:12]} has uncommitted changes"
        raise EvalError(f"--write-baseline {write_baseline}: refused, {state}; a baseline must be measured "
                        "from a clean commit (commit or stash, then run again)")
    try:
        judge = make_judge(assistant, getattr(args, "judge", None))
    except Exception as exc:  # a bad --judge fails before the long run
        raise EvalError(f"--judge: {exc}") from exc
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    corpus_arg = getattr(args, "corpus", None)
    corpus: Path | None = None
    if dataset.kind == "squad":
        corpus = write_squad_corpus(dataset, Path(corpus_arg) if corpus_arg else out / "corpus")
    elif corpus_arg:
        corpus = Path(corpus_arg)
        if not corpus.exists():
            raise EvalError(f"--corpus {corpus}: folder not found")
    ingest_info: dict[str, Any] | None = None
    if corpus is not None:
        log.info("syncing %s into %s", corpus, assistant.store.location)
        report = assistant.ingest([corpus], progress=False)
        ingest_info = {k: v for k, v in report.to_dict().items() if not isinstance(v, list)}
        ingest_info.update({k: len(v) for k, v in report.to_dict().items() if isinstance(v, list)},
                           failed_files=report.failed, corpus=str(corpus))
        for failure in report.failed:
            log.warning("%s: %s", failure["path"], failure["reason"])
        # An index shared with another corpus (an earlier run with another --out) answers from both.
        root = Path(named_key(corpus))  # sources are stored under the key ingest gave the folder
        outside = sorted(d.source for d in assistant.documents() if not Path(d.source).is_relative_to(root))
        ingest_info["outside_corpus"] = len(outside)
        if outside:
            log.warning("%s holds %d document(s) outside %s (%s%s): they compete in retrieval, so these figures "
                        "are not the corpus's alone; use a dedicated --index per corpus", assistant.store.location,
                        len(outside), corpus, ", ".join(outside[:3]), " ..." if len(outside) > 3 else "")
    elif not assistant.store.exists():
        raise EvalError(f"{assistant.store.location}: no index here; pass --corpus DIR to ingest the "
                        "dataset's documents, or point --index at an existing index")
    ingest_s = time.perf_counter() - started

    indexed = {source_key(d.source) for d in assistant.documents()}
    missing = sorted({i.source for i in dataset.items if i.answerable and i.source
                      and dataset.source_keys.get(i.source, source_key(i.source)) not in indexed})
    if missing:
        log.warning("%d gold source(s) are not in the index, so their retrieval scores 0: %s%s", len(missing),
                    ", ".join(missing[:5]), " ..." if len(missing) > 5 else "")

    log.info("%d questions from %s (backend %s)", len(dataset.items), dataset.path, config.backend)
    answer_started = time.perf_counter()
    log.info("citations and faithfulness judged by %s", judge.name)
    records = evaluate(dataset.items, assistant, support=judge.support, source_keys=dataset.source_keys,
                       progress=_progress(), judge_faithfulness=bool(getattr(args, "judge", None)))
    answer_s = time.perf_counter() - answer_started
    metrics = summarize(records, config.k)

    support_started = time.perf_counter()
    if support_data is None:
        support_data = os.environ.get(SQUAD_ENV, str(DEFAULT_SQUAD))
    support_info = _support_measurement(dataset, config.support_threshold, seed, support_data)
    support_s = time.perf_counter() - support_started
    metrics["support_scorer_balanced_accuracy"] = support_info.get("balanced_accuracy")

    baseline_metrics = baseline_report["metrics"] if baseline_report else None
    breaches = check_gate(metrics, thresholds, baseline_metrics)
    notes: list[str] = []
    if judge.warning():
        notes.append(str(judge.warning()))
    if baseline_report and baseline_report.get("dataset", {}).get("sha256") != dataset.sha256:
        notes.append(f"baseline {args.baseline} was measured on a different dataset file; comparing anyway")
    elif baseline_report and (baseline_report.get("dataset", {}).get("seed"), baseline_report.get("dataset", {})
                              .get("limit")) != (seed, limit):
        notes.append(f"baseline {args.baseline} used another seed/limit; comparing anyway")

    report = {
        "schema": 1,
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "git": git,
        "judge": judge.to_dict(),
        "dataset": {"path": str(dataset.path), "sha256": dataset.sha256, "kind": dataset.kind,
                    "profile": dataset.profile, "seed": seed, "limit": limit,
                    "corpus": str(corpus) if corpus else None,
                    "corpus_documents": len(dataset.squad.documents) if dataset.squad else None,
                    "corpus_articles": len(dataset.squad.articles) if dataset.squad else None,
                    "licence": SQUAD_LICENCE if dataset.kind == "squad" else None},
        "n": metrics["n"],
        "metrics": metrics,
        "support_scorer": support_info,
        "ingest": ingest_info,
        "index": {"location": assistant.store.location, "documents": len(indexed), "chunks": assistant.store.count(),
                  # what encoded, after `embed_backend = "auto"` chose (or fell back)
                  "embed_backend": getattr(assistant.embedder, "backend", config.embed_backend)},
        "timing_s": {"ingest": round(ingest_s, 3), "answer": round(answer_s, 3), "support_scorer": round(support_s, 3),
                     "total": round(time.perf_counter() - started, 3)},
        "gate": {"thresholds": thresholds.path if thresholds else None, "profile": dataset.profile,
                 "minimum": thresholds.minimum if thresholds else {},
                 "maximum": thresholds.maximum if thresholds else {},
                 "baseline": str(args.baseline) if baseline_report else None,
                 "baseline_metrics": {k: baseline_metrics.get(k) for k in METRICS} if baseline_metrics else None,
                 "passed": not breaches, "breaches": [b.to_dict() for b in breaches], "notes": notes},
        "config": config.to_dict(),
    }
    _write_outputs(out, report, records)
    if write_baseline:
        Path(write_baseline).parent.mkdir(parents=True, exist_ok=True)
        Path(write_baseline).write_text((out / "report.json").read_text(encoding="utf-8"), encoding="utf-8")

    if getattr(args, "json", False):  # `rag eval --json`: report.json on stdout, messages stay on stderr
        print(json.dumps(report, indent=2, ensure_ascii=False), file=stdout)
        if judge.warning():
            log.warning("%s", judge.warning())
        return 1 if breaches else 0
    print(summary_table(metrics, thresholds, baseline_metrics, breaches), file=stdout)
    ba = support_info.get("balanced_accuracy")
    print(f"support scorer balanced accuracy: {_fmt(ba)}" if ba is not None
          else f"support scorer: skipped ({support_info.get('skipped')})", file=stdout)
    print(f"time: ingest {ingest_s:.1f} s, answering {answer_s:.1f} s, support scorer {support_s:.1f} s; "
          f"reports in {out}/", file=stdout)
    for note in notes:
        if note != judge.warning():  # that one is the warning just below (stderr), not said twice
            print(f"note: {note}", file=stdout)
    if judge.warning():
        log.warning("%s", judge.warning())
    if write_baseline:
        print(f"baseline written to {write_baseline} (commit {git['commit'][:12] if git else '?'})", file=stdout)
    for breach in breaches:
        print(f"FAIL {breach.message()}", file=stdout)
    return 1 if breaches else 0


def _write_outputs(out: Path, report: dict[str, Any], records: Sequence[Mapping[str, Any]]) -> None:
    from rag.eval.report import render_html

    with (out / "results.jsonl").open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    (out / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / "report.html").write_text(render_html(report, records), encoding="utf-8")
