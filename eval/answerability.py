"""Calibrate the extractive backend's refusal on held-out SQuAD 2.0 articles and on-topic noise.

Data: SQuAD 2.0 dev articles that are NOT in the CI sample (``sample_squad(..., 300, seed=0)``),
split into a *tune* and a *report* half by a hash of the article key. Three kinds of question:

- ``answerable``: SQuAD answerable questions (should be answered);
- ``unanswerable``: SQuAD 2.0's adversarial unanswerables (should be refused);
- ``noise``: answerable questions whose answer sentence is deleted from its paragraph, so only
  on-topic noise is retrieved (should be refused; a few stay answerable from another paragraph,
  which this labelling counts as wrong refusals' opposite — a conservative bias).

Retrieval is simplified to dense top-``k`` paragraphs of the question's own article (on-topic by
construction) with the project's embedder; answering is :func:`rag.backends.extractive.rank`.
Each question's ranked candidates are kept, so the decision rule can be replayed at any
threshold without re-embedding.

Usage::

    python -m rag.eval.answerability --articles 16 --out /tmp/calib.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import random
import re
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rag.answer_model import FEATURE_NAMES, answerability, fit_logistic
from rag.backends.extractive import VectorCache, rank, source_unstated, without_named_source
from rag.chunk import split_sentences
from rag.eval.datasets import article_key, load_squad, sample_squad
from rag.records import Chunk, Passage, rendering_key

log = logging.getLogger(__name__)

DEFAULT_SQUAD = "/work/shared/datasets/squad_v2_dev/dev-v2.0.rebuilt.json"


def split_of(article: str) -> str:
    """``"tune"`` or ``"report"``: a stable hash of the article key, half and half."""
    return "tune" if int(hashlib.sha256(article.encode()).hexdigest(), 16) % 2 == 0 else "report"


@dataclass(frozen=True)
class Case:
    """One question with its ranked candidates: (score, answerability, holds an answer)."""

    id: str
    split: str
    label: str  # answerable | unanswerable | noise
    kind: str
    ranked: tuple[tuple[float, float, bool], ...]


def decide(case: Case, min_score: float, min_answerability: float) -> int | None:
    """Index of the sentence a factoid answer would start with, or None for a refusal (as extractive_result)."""
    for i, (score, able, _) in enumerate(case.ranked):
        if able >= min_answerability:
            return i if score >= min_score else None
    return None


def rates(cases: Sequence[Case], min_score: float, min_answerability: float) -> dict[str, float]:
    """Correct refusals (unanswerable, noise), false refusals and answer hits (answerable), factoid questions.

    Analytic questions are answered with key points, whose gate is relevance, not answerability.
    """
    out: dict[str, float] = {}
    for label in ("answerable", "unanswerable", "noise"):
        group = [c for c in cases if c.label == label and c.kind == "factoid"]
        if not group:
            continue
        picks = [decide(c, min_score, min_answerability) for c in group]
        refused = sum(p is None for p in picks) / len(group)
        if label == "answerable":
            out["false_refusal"] = refused
            out["answer_hit"] = sum(p is not None and c.ranked[p][2] for p, c in zip(picks, group)) / len(group)
            out["n_answerable"] = len(group)
        else:
            out[f"refusal_{label}"] = refused
            out[f"n_{label}"] = len(group)
    return out


def _passage(doc_id: str, title: str, text: str, similarity: float) -> Passage:
    chunk = Chunk(id=doc_id, source=doc_id, title=title, text=text, start=0, end=len(text), index=0)
    return Passage(chunk=chunk, score=similarity, similarity=similarity)


def _delete_answer_sentence(text: str, answer_start: int) -> str | None:
    for span in split_sentences(text):
        if span.start <= answer_start < span.end:
            rest = (text[:span.start] + text[span.end:]).strip()
            return rest if len(rest.split()) >= 20 else None
    return None


@dataclass(frozen=True)
class Inputs:
    """What one case is answered from: the question, its label, the passages and the reference answers."""

    id: str
    split: str
    label: str
    question: str
    passages: tuple[tuple[str, str, str, float], ...]  # (doc id, title, text, similarity), best first
    answers: tuple[str, ...]


def build_inputs(squad_path: str, n_articles: int, per_article: int, k: int, seed: int = 7) -> list[Inputs]:
    """Retrieve for questions of ``n_articles`` held-out articles (see the module docstring)."""
    raw = json.loads(Path(squad_path).read_text(encoding="utf-8"))
    starts: dict[str, int] = {}
    for article in raw["data"]:
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                if qa.get("answers"):
                    starts[qa["id"]] = int(qa["answers"][0]["answer_start"])
    data = load_squad(squad_path)
    ci = {article_key(d[0]) for d in sample_squad(data, 300, seed=0).documents}
    rng = random.Random(seed)
    held_out = rng.sample([a for a in data.articles if a not in ci], n_articles)
    embedder = _embedder(None)
    out: list[Inputs] = []
    for article in held_out:
        split = split_of(article)
        docs = [d for d in data.documents if article_key(d[0]) == article]
        vectors = embedder.embed_documents([d[2] for d in docs])
        index = {d[0]: i for i, d in enumerate(docs)}
        items = [it for it in data.items if it.context_id and article_key(it.context_id) == article]
        items = rng.sample(items, min(per_article, len(items)))
        for item in items:
            q_vec = embedder.embed_query(item.question)
            sims = vectors @ q_vec
            texts = {d[0]: d[2] for d in docs}
            labels = [("answerable" if item.answerable else "unanswerable", texts, sims)]
            if item.answerable and item.context_id in index and item.id in starts:
                cut = _delete_answer_sentence(texts[item.context_id], starts[item.id])
                if cut is not None:
                    noisy = dict(texts, **{item.context_id: cut})
                    noisy_sims = sims.copy()
                    noisy_sims[index[item.context_id]] = float(embedder.embed_documents([cut])[0] @ q_vec)
                    labels.append(("noise", noisy, noisy_sims))
            for label, corpus, s in labels:
                top = np.argsort(-s)[:k]
                answers = tuple(item.answers) if label == "answerable" else ()
                out.append(Inputs(f"{item.id}:{label}", split, label, item.question,
                                  tuple((docs[i][0], docs[i][1], corpus[docs[i][0]], float(s[i])) for i in top),
                                  answers))
        log.info("%s (%s): %d cases so far", article, split, len(out))
    return out


@dataclass(frozen=True)
class Row:
    """One candidate's learned-answerability inputs and whether it holds a reference answer."""

    case: str
    article: str
    split: str
    label: str
    score: float
    features: tuple[float, ...]
    hit: bool


def _embedder(embedder: Any) -> Any:
    if embedder is not None:
        return embedder
    from rag.config import Config
    from rag.embed import make_embedder

    return make_embedder(Config.load(overrides={}))


def rank_cases(inputs: Sequence[Inputs], embedder: Any = None, cache: VectorCache | None = None,
               rows: list[Row] | None = None, checker: Any = None) -> list[Case]:
    """Answer each input with the current :func:`rag.backends.extractive.rank` (cheap with a warm ``cache``).

    A case's candidates are kept in the order the answer considers them (by learned answerability,
    then relevance, for factoid questions; by relevance otherwise), so :func:`decide` replays it.
    ``rows`` collects the learned model's inputs per candidate (for :func:`fit`); with ``checker``
    (:mod:`rag.answer_checkers`) the checker's scores are the answerability instead.
    """
    embedder = _embedder(embedder)
    cache = cache or VectorCache(embedder)
    cases: list[Case] = []
    for inp in inputs:
        passages = [_passage(doc_id, title, text, sim) for doc_id, title, text, sim in inp.passages]
        ranking = rank(inp.question, passages, embedder, None, cache, checker=checker)
        answers = [a.lower() for a in inp.answers]
        ordered = list(ranking.candidates)
        if ranking.answerability_by != "rules":
            ordered.sort(key=lambda c: (-c.answerability, -c.score))
        ranked = tuple((round(c.score, 4), round(c.answerability, 4),
                        any(a in c.text.lower() for a in answers)) for c in ordered[:25])
        cases.append(Case(inp.id, inp.split, inp.label, ranking.profile.kind, ranked))
        if rows is not None:
            article = article_key(inp.passages[0][0]) if inp.passages else inp.id
            for c in ranking.candidates:
                if c.text in ranking.features:
                    rows.append(Row(inp.id, article, inp.split, inp.label, c.score,
                                    tuple(ranking.features[c.text]), any(a in c.text.lower() for a in answers)))
    return cases


IN_DOMAIN_SPLIT = "domain"


def in_domain_rows(dataset: str | Path, corpus: str | Path, index_dir: str | Path,
                   embedder: Any = None) -> list[Row]:
    """Learned-answerability rows from one of our own eval sets, answered as the assistant answers.

    SQuAD's questions were written looking at their sentence and repeat its words; an analyst's
    paraphrase ("How many times did the warship shoot in warning?" for "the frigate fired two warning
    bursts") shares few. Rows of sets written that way (eval/dev/blind: news articles, paraphrased
    factual questions, on-topic unanswerable ones) teach the fit what such an answer looks like. The
    ``corpus`` is ingested into ``index_dir``; each factoid question's passages are the assistant's
    retrieval, and a candidate holds the answer when it contains a reference answer (lower-cased), as
    in :func:`rank_cases` but as a whole word. A fact asked of a named source is read as the answer reads it (the
    source's documents only; none when no retrieved document is that source, which the answer refuses by rule).
    Rows get the split :data:`IN_DOMAIN_SPLIT`: they are fitted on, and the threshold is chosen on SQuAD's tune half
    or, with ``unanswerable_refusals``, on these rows out of fold (:func:`fit`).
    """
    from rag.assistant import Assistant
    from rag.config import Config
    from rag.eval.datasets import load_jsonl

    embedder = _embedder(embedder)
    assistant = Assistant(config=Config.load(overrides={"index_dir": str(index_dir)}), embedder=embedder)
    assistant.ingest(corpus)
    cache = VectorCache(embedder)
    name = Path(dataset).parent.name if Path(dataset).stem == "questions" else Path(dataset).stem
    rows: list[Row] = []
    for item in load_jsonl(dataset):
        if item.key_points:
            continue  # an analytic question: answered with key points, not gated by answerability
        passages = assistant.retrieve(item.question)
        if source_unstated(item.question, passages):
            continue  # refused whatever the model says (rag.backends.extractive.source_unstated)
        # As the answer reads it: "According to the Harnvik Institute commentary, how many…?" asks the fact, of
        # the documents that state the source's names (rag.backends.extractive.without_named_source).
        attributed = without_named_source(item.question, passages)
        ranking = rank(attributed[0] if attributed else item.question, passages, embedder, None, cache)
        if ranking.profile.kind != "factoid":
            continue
        allowed = attributed[1] if attributed else None
        # A short answer ("4", "19") holds only as a whole word: not inside "2024" or "14 ships".
        answers = [re.compile(rf"(?<!\w){re.escape(a.lower())}(?!\w)") for a in item.answers if a.strip()] \
            if item.answerable else []
        label = "answerable" if item.answerable else "unanswerable"
        for c in ranking.candidates:
            if allowed is not None and rendering_key(passages[c.passage - 1].chunk.source) not in allowed:
                continue
            if c.text in ranking.features:
                rows.append(Row(f"{name}:{item.id}", name, IN_DOMAIN_SPLIT, label, c.score,
                                tuple(ranking.features[c.text]), any(a.search(c.text.lower()) for a in answers)))
    return rows


def cases_from_rows(rows: Sequence[Row], probabilities: Sequence[float]) -> list[Case]:
    """Factoid cases replayed with other answerability probabilities (one per row)."""
    grouped: dict[str, list[tuple[float, float, bool]]] = {}
    meta: dict[str, Row] = {}
    for row, p in zip(rows, probabilities):
        grouped.setdefault(row.case, []).append((row.score, float(p), row.hit))
        meta.setdefault(row.case, row)
    return [Case(key, meta[key].split, meta[key].label, "factoid",
                 tuple(sorted(ranked, key=lambda r: (-r[1], -r[0])))) for key, ranked in grouped.items()]


def threshold_for(cases: Sequence[Case], min_score: float, false_refusals: float) -> float:
    """The highest answerability threshold (step 0.01) whose false refusals stay at most ``false_refusals``."""
    best = 0.0
    for step in range(1, 100):
        t = step / 100
        if rates(cases, min_score, t).get("false_refusal", 1.0) <= false_refusals:
            best = t
    return best


def lowest_threshold_refusing(cases: Sequence[Case], min_score: float, share: float) -> float:
    """The lowest answerability threshold (step 0.01) at which ``cases`` refuse at least ``share`` of their
    unanswerable questions; ValueError when none up to 0.99 does (a threshold that refuses everything is no answer).

    Example:
        >>> cases = [Case("a", "domain", "answerable", "factoid", ((0.5, 0.6, True),)),
        ...          Case("u1", "domain", "unanswerable", "factoid", ((0.5, 0.2, False),)),
        ...          Case("u2", "domain", "unanswerable", "factoid", ((0.5, 0.4, False),))]
        >>> lowest_threshold_refusing(cases, 0.25, 0.5), lowest_threshold_refusing(cases, 0.25, 1.0)
        (0.21, 0.41)
    """
    for step in range(1, 100):
        if rates(cases, min_score, step / 100).get("refusal_unanswerable", 0.0) >= share:
            return step / 100
    raise ValueError(f"no threshold up to 0.99 refuses {share:g} of the unanswerable questions")


RULE_GATE = 0.5  # the hand-written answerability's threshold before the learned model (min_answerability 0.5)


def rule_rates(rows: Sequence[Row], min_score: float = 0.25) -> dict[str, float]:
    """The rates of the rules alone (answerability >= 0.5, best relevance first) on the same rows.

    A passing candidate counts 1 and the others 0, so :func:`cases_from_rows`' order (answerability,
    then relevance) is the rules' order: the most relevant passing candidate answers.
    """
    rule = FEATURE_NAMES.index("rule")
    passing = [1.0 if row.features[rule] >= RULE_GATE else 0.0 for row in rows]
    return rates(cases_from_rows(rows, passing), min_score, 0.5)


def fit(rows: Sequence[Row], l2: float = 1.0, folds: int = 5, min_score: float = 0.25,
        false_refusals: float | None = None, in_domain_weight: float = 1.0,
        unanswerable_refusals: float | None = None) -> dict[str, Any]:
    """Fit the learned answerability on the *tune* rows; choose its threshold out of fold.

    The threshold is the highest at which the out-of-fold (grouped by article) false refusals
    of the tune half stay at ``false_refusals`` — by default at the rules' own false refusals on
    the same cases (:func:`rule_rates`): the model must answer as often as the rules did, and
    refuse more. Rows of our own sets (split :data:`IN_DOMAIN_SPLIT`, :func:`in_domain_rows`) are
    fitted on too, each counting ``in_domain_weight`` times (they are few beside SQuAD's), in every
    fold; the threshold is read on SQuAD's tune cases alone. Returns weights, intercept, the
    threshold and both sets of rates.

    With ``unanswerable_refusals`` the threshold is read on our own sets instead: each in-domain row is
    predicted by a fit that never saw its set (``folds`` folds of sets, SQuAD's tune half in every fit),
    and the threshold is the lowest (step 0.01) at which those out-of-fold predictions refuse at least
    that share of the sets' unanswerable questions: as many correct refusals as asked, and the fewest
    false refusals the model allows there (``domain_oof``: the in-domain rates at that threshold).
    """
    tune = [r for r in rows if r.split == "tune"]
    domain = [r for r in rows if r.split == IN_DOMAIN_SPLIT]
    rules = rule_rates(tune, min_score)
    if false_refusals is None:
        false_refusals = rules["false_refusal"]
    # (a SQuAD article's fold, or one of our sets')
    fold_of = {a: int(hashlib.sha256(f"fold:{a}".encode()).hexdigest(), 16) % folds for a in {r.article for r in rows}}

    def fitted(squad: Sequence[Row], ours: Sequence[Row]) -> tuple[list[float], float]:
        both = [*squad, *ours]
        weights = [1.0] * len(squad) + [in_domain_weight] * len(ours)
        return fit_logistic([r.features for r in both], [int(r.hit) for r in both], l2, sample_weights=weights)

    def out_of_fold(held: Sequence[Row], fitted_without: Callable[[int], tuple[list[float], float]]) -> list[float]:
        """Each of ``held``'s rows predicted by the fit made without its fold (of ``r.article``)."""
        predicted = [0.0] * len(held)
        for f in range(folds):
            weights, intercept = fitted_without(f)
            for i, r in enumerate(held):
                if fold_of[r.article] == f:
                    predicted[i] = answerability(r.features, weights, intercept)
        return predicted

    oof = out_of_fold(tune, lambda f: fitted([r for r in tune if fold_of[r.article] != f], domain))
    threshold = threshold_for(cases_from_rows(tune, oof), min_score, false_refusals)
    domain_oof: dict[str, float] = {}
    if unanswerable_refusals is not None:
        if not any(r.label == "unanswerable" for r in domain):
            raise ValueError("unanswerable_refusals needs in-domain rows of unanswerable questions")
        domain_cases = cases_from_rows(domain, out_of_fold(
            domain, lambda f: fitted(tune, [r for r in domain if fold_of[r.article] != f])))
        threshold = lowest_threshold_refusing(domain_cases, min_score, unanswerable_refusals)
        domain_oof = rates(domain_cases, min_score, threshold)
    weights, intercept = fitted(tune, domain)
    return {"weights": weights, "intercept": intercept, "threshold": threshold, "l2": l2, "rules": rules,
            "oof": rates(cases_from_rows(tune, oof), min_score, threshold), "n_rows": len(tune),
            "n_articles": len({r.article for r in tune}), "n_domain_rows": len(domain),
            "in_domain_weight": in_domain_weight, "domain_oof": domain_oof}


def write_weights(path: Path, weights: Sequence[float], intercept: float, threshold: float | None = None) -> None:
    """Paste fitted weights between the markers of ``rag/answer_model.py`` (and its ``THRESHOLD``, if given), or of
    ``rag/point_model.py`` (``python -m rag.eval.point_fit --write``: no threshold).

    ``rag.config``'s ``min_answerability`` default must then be set to the same threshold (a test checks).
    """
    text = path.read_text(encoding="utf-8")
    if threshold is not None:
        text = re.sub(r"(?m)^THRESHOLD = .*$", f"THRESHOLD = {threshold:.2f}", text)
    start = text.index("# --- fitted by")
    end = text.index("# --- end of fitted values ---")
    header = text[start:text.index("\n", start) + 1]
    body = "WEIGHTS: tuple[float, ...] = (\n"
    for i in range(0, len(weights), 6):
        body += "    " + " ".join(f"{w:.6f}," for w in weights[i:i + 6]) + "\n"
    body += f")\nINTERCEPT: float = {intercept:.6f}\n"
    path.write_text(text[:start] + header + body + text[end:], encoding="utf-8")


def build_cases(squad_path: str, n_articles: int, per_article: int, k: int, seed: int = 7) -> list[Case]:
    """Rank candidates for questions of ``n_articles`` held-out articles (see the module docstring)."""
    return rank_cases(build_inputs(squad_path, n_articles, per_article, k, seed))


def _print_grid(cases: Sequence[Case], thresholds: Sequence[float], min_scores: Sequence[float]) -> None:
    for split in ("tune", "report", IN_DOMAIN_SPLIT):
        part = [c for c in cases if c.split == split]
        if not part and split == IN_DOMAIN_SPLIT:
            continue
        analytic = sum(c.kind == "analytic" for c in part)
        sys.stdout.write(f"\n{split}: {len(part)} cases ({analytic} analytic, left out below)\n")
        sys.stdout.write("min_score min_ans | false_refusal answer_hit | refusal_unanswerable refusal_noise\n")
        for min_score in min_scores:
            for min_ans in thresholds:
                r = rates(part, min_score, min_ans)
                sys.stdout.write(f"{min_score:9.2f} {min_ans:7.2f} | {r.get('false_refusal', 0):13.3f} "
                                 f"{r.get('answer_hit', 0):10.3f} | {r.get('refusal_unanswerable', 0):20.3f} "
                                 f"{r.get('refusal_noise', 0):13.3f}\n")


def _load_inputs(path: str) -> list[Inputs]:
    return [Inputs(**{**i, "passages": tuple(tuple(p) for p in i["passages"]), "answers": tuple(i["answers"])})
            for i in json.loads(Path(path).read_text())]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--squad", default=DEFAULT_SQUAD)
    parser.add_argument("--articles", type=int, default=16)
    parser.add_argument("--per-article", type=int, default=30)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7, help="which held-out articles and questions are drawn")
    parser.add_argument("--cases", help="reuse cases saved by an earlier run (JSON)")
    parser.add_argument("--out", help="save the cases here (JSON)")
    parser.add_argument("--inputs", help="retrieved inputs: reused when the file exists, else saved there (JSON); "
                                         "re-ranking them with the current code needs no new retrieval")
    parser.add_argument("--fit", action="store_true",
                        help="fit the learned answerability (rag/answer_model.py) on the tune half")
    parser.add_argument("--l2", type=float, default=1.0, help="L2 strength of the fit")
    parser.add_argument("--false-refusals", type=float, default=None,
                        help="the threshold is the highest whose out-of-fold false refusals stay at this "
                             "(default: the rules' own false refusals on the tune half)")
    parser.add_argument("--in-domain", action="extend", nargs="+", default=[], metavar="SET",
                        help="with --fit: also fit on the factual questions of our own eval sets, answered by "
                             "the assistant over their corpora: QUESTIONS.jsonl:CORPUS, or a directory holding "
                             "questions.jsonl and corpus/ (eval/dev/blind/news_a); see in_domain_rows")
    parser.add_argument("--in-domain-weight", type=float, default=1.0,
                        help="how many times each in-domain row counts in the fit")
    parser.add_argument("--unanswerable-refusals", type=float, default=None, metavar="SHARE",
                        help="with --in-domain: read the threshold on the in-domain sets, out of fold by set: the "
                             "lowest that refuses at least this share of their unanswerable questions")
    parser.add_argument("--write", action="store_true", help="with --fit: paste the weights into rag/answer_model.py")
    parser.add_argument("--checker", metavar="SPEC",
                        help="measure an answer checker (rag.answer_checkers: cross-encoder:DIR, llm) instead")
    args = parser.parse_args(argv)
    if (args.in_domain or args.in_domain_weight != 1.0) and not args.fit:
        parser.error("--in-domain and --in-domain-weight go with --fit")
    if args.in_domain_weight < 0:
        parser.error(f"--in-domain-weight {args.in_domain_weight:g}: a row cannot count a negative number of times")
    if args.unanswerable_refusals is not None and not args.in_domain:
        parser.error("--unanswerable-refusals is read on the --in-domain sets: give some")
    if args.unanswerable_refusals is not None and args.false_refusals is not None:
        parser.error("--false-refusals reads the threshold on SQuAD, --unanswerable-refusals on the --in-domain sets: "
                     "give one")
    if args.unanswerable_refusals is not None and not 0 < args.unanswerable_refusals <= 1:
        parser.error(f"--unanswerable-refusals {args.unanswerable_refusals:g}: a share, in (0, 1]")
    in_domain = []
    for spec in args.in_domain:
        dataset, sep, corpus = spec.partition(":")
        if not sep and Path(spec).is_dir():
            dataset, corpus = str(Path(spec) / "questions.jsonl"), str(Path(spec) / "corpus")
        if not Path(dataset).is_file() or not Path(corpus).exists():
            parser.error(f"--in-domain {spec!r}: expected QUESTIONS.jsonl:CORPUS or a directory with "
                         "questions.jsonl and corpus/, both existing")
        if (dataset, corpus) not in in_domain:  # (overlapping globs: a set counted twice would weigh double)
            in_domain.append((dataset, corpus))
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.cases:
        cases = [Case(**{**c, "ranked": tuple(tuple(r) for r in c["ranked"])})
                 for c in json.loads(Path(args.cases).read_text())]
        _print_grid(cases, (0.0, 0.3, 0.4, 0.5, 0.6, 0.7), (0.25, 0.3, 0.35, 0.4, 0.45, 0.5))
        return 0
    if args.inputs and Path(args.inputs).exists():
        inputs = _load_inputs(args.inputs)
    else:
        inputs = build_inputs(args.squad, args.articles, args.per_article, args.k, args.seed)
        if args.inputs:
            Path(args.inputs).write_text(json.dumps([i.__dict__ for i in inputs]))
    rows: list[Row] = []
    checker = None
    if args.checker:
        from rag.answer_checkers import make_answer_checker
        from rag.config import Config

        checker = make_answer_checker(Config.load(overrides={}), args.checker)
    cases = rank_cases(inputs, rows=rows, checker=checker)
    if args.out:
        Path(args.out).write_text(json.dumps([c.__dict__ for c in cases]))
    if checker is not None:
        _print_grid(cases, (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9), (0.0, 0.25))
        return 0
    if not args.fit:
        _print_grid(cases, (0.05, 0.1, 0.15, 0.2, 0.3, 0.5), (0.0, 0.25, 0.4))
        return 0
    if in_domain:
        with tempfile.TemporaryDirectory(prefix="rag-in-domain-") as work:
            for n, (dataset, corpus) in enumerate(in_domain):
                rows += in_domain_rows(dataset, corpus, Path(work) / f"index-{n}")
                log.info("%s: %d in-domain rows so far", dataset, sum(r.split == IN_DOMAIN_SPLIT for r in rows))
    result = fit(rows, l2=args.l2, false_refusals=args.false_refusals, in_domain_weight=args.in_domain_weight,
                 unanswerable_refusals=args.unanswerable_refusals)
    sys.stdout.write(f"fitted on {result['n_rows']} tune rows ({result['n_articles']} articles) and "
                     f"{result['n_domain_rows']} in-domain rows (each × {result['in_domain_weight']:g}); "
                     f"out-of-fold at threshold {result['threshold']:.2f}: {json.dumps(result['oof'])}\n"
                     f"the rules alone on the same tune cases: {json.dumps(result['rules'])}\n")
    if result["domain_oof"]:
        sys.stdout.write(f"in-domain, out of fold by set, at {result['threshold']:.2f}: "
                         f"{json.dumps(result['domain_oof'])}\n")
    sys.stdout.write(json.dumps({"weights": result["weights"], "intercept": result["intercept"]}) + "\n")
    if args.write:
        write_weights(Path(__file__).resolve().parent.parent / "rag" / "answer_model.py",
                      result["weights"], result["intercept"], result["threshold"])
    probabilities = [answerability(r.features, result["weights"], result["intercept"]) for r in rows]
    refit = cases_from_rows(rows, probabilities)
    t = result["threshold"]
    _print_grid(refit, sorted({round(t - 0.04, 2), round(t - 0.02, 2), t, round(t + 0.02, 2), round(t + 0.04, 2),
                               round(t + 0.08, 2)}), (0.0, 0.25))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
