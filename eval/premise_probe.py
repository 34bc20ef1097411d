"""On-topic analytic questions the sources do not answer: refused, or answered with related sentences?

An analyst's "Why did Durovia cut off gas supplies to Lessia?" over an article that reports no cut-off
retrieves the right article; its sentences about Durovia and Lessia are still no answer. This probe asks,
through the whole pipeline (ingest, hybrid retrieval, the extractive backend), two kinds of question over
the project's development corpora:

- ``unanswerable``: ``eval/dev/unanswerable/analytic_unanswerable.jsonl``, 98 analytic questions written
  against 14 documents (the six analysis articles, seven Wikipedia articles, the sample article), 7 per
  document, that the document does not answer (kinds: false premise, uncovered aspect, wrong actor,
  unstated reason). Should be refused.
- ``answerable``: the analytic questions with key points of the same corpora (analysis and reworded
  analysis halves, the Wikipedia dev halves, the golden set). Should be answered: a refusal is a false one.

Halves: the unanswerable questions of the 7 documents whose stems have the smallest SHA-256 tune, the
other 7 report (:data:`TUNE_DOCUMENTS`); the answerable sets keep their own tune/report files, and the
golden set (looked at in development) is reported on its own.

``--audit`` asks instead ``eval/dev/unanswerable/audit_questions.jsonl``: 60 answerable and 30 unanswerable
analytic questions a helper wrote blind (without seeing our sets) over the six analysis articles and the
sample, a third of the answerable ones paraphrased, asked in one library holding all seven articles.

``--reactions`` asks ``eval/dev/unanswerable/reaction_questions.jsonl``: 56 answerable and 28 unanswerable
"How did X react / respond…" questions a helper wrote blind over the 14 documents (names in other forms,
"Paris" for France; lower case; paraphrased events), each asked over its own corpus, halves by document as
above; an answerable question also counts as a hit when its answer quotes one of its evidence sentences.

Usage::

    python -m rag.eval.premise_probe --work /tmp/probe   # indexes kept there; a re-run only re-asks
    python -m rag.eval.premise_probe --work /tmp/probe --audit
    python -m rag.eval.premise_probe --work /tmp/probe --reactions
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPORA = {
    "analysis": ROOT / "eval/dev/analysis/corpus",
    "wikipedia": ROOT / "eval/dev/corpus",
    "sample": ROOT / "corpus/sample",
}
UNANSWERABLE = ROOT / "eval/dev/unanswerable/analytic_unanswerable.jsonl"
AUDIT = ROOT / "eval/dev/unanswerable/audit_questions.jsonl"
REACTIONS = ROOT / "eval/dev/unanswerable/reaction_questions.jsonl"
# (file, corpus, half) of the answerable analytic questions.
ANSWERABLE = [
    ("eval/golden/sample.jsonl", "sample", "golden"),
    ("eval/dev/analysis/analysis_tune.jsonl", "analysis", "tune"),
    ("eval/dev/analysis/styled_tune.jsonl", "analysis", "tune"),
    ("eval/dev/analytic_dev.jsonl", "wikipedia", "tune"),
    ("eval/dev/analysis/analysis_report.jsonl", "analysis", "report"),
    ("eval/dev/analysis/styled_report.jsonl", "analysis", "report"),
    ("eval/dev/analytic_dev_report.jsonl", "wikipedia", "report"),
]


def corpus_of(source: str) -> str:
    """Which corpus holds the document ``source`` (a file stem)."""
    for name, folder in CORPORA.items():
        if any(p.stem == source for p in folder.iterdir()):
            return name
    raise ValueError(f"{UNANSWERABLE}: no corpus holds the document {source!r}")


def tune_documents(sources: list[str]) -> set[str]:
    """The half of the documents whose stems have the smallest SHA-256: the tune half."""
    ordered = sorted(set(sources), key=lambda s: hashlib.sha256(s.encode()).hexdigest())
    return set(ordered[: len(ordered) // 2])


def _read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def cases() -> list[dict[str, Any]]:
    """Every question to ask: id, question, corpus, half, label and kind."""
    out = []
    rows = _read(UNANSWERABLE)
    tune = tune_documents([r["source"] for r in rows])
    for r in rows:
        out.append({"id": r["id"], "question": r["question"], "corpus": corpus_of(r["source"]),
                    "half": "tune" if r["source"] in tune else "report", "label": "unanswerable",
                    "kind": r.get("kind", "")})
    for path, corpus, half in ANSWERABLE:
        for r in _read(ROOT / path):
            if r.get("key_points") and r.get("answerable", True):
                out.append({"id": r["id"], "question": r["question"], "corpus": corpus, "half": half,
                            "label": "answerable", "kind": Path(path).stem})
    return out


def audit_cases() -> list[dict[str, Any]]:
    """The blind audit's questions, asked in one library ("mixed") of the analysis articles and the sample."""
    return [{"id": r["id"], "question": r["question"], "corpus": "mixed", "half": "audit", "label": r["label"],
             "kind": r.get("style", "")} for r in _read(AUDIT)]


def reaction_cases() -> list[dict[str, Any]]:
    """The blind reaction questions, each over the corpus of its document, halves by document."""
    rows = _read(REACTIONS)
    tune = tune_documents([r["document"] for r in rows])
    return [{"id": r["id"], "question": r["question"], "corpus": corpus_of(r["document"]),
             "half": "tune" if r["document"] in tune else "report",
             "label": "answerable" if r["answerable"] else "unanswerable", "kind": "reaction",
             "evidence": r["evidence"]} for r in rows]


def _quotes(answer: str, evidence: list[str]) -> bool:
    """Does ``answer`` quote one of the evidence sentences (its first 60 characters, spacing aside)?"""
    said = " ".join(answer.split()).lower()
    return any(" ".join(e.split()).lower()[:60] in said for e in evidence)


def run_audit(work: Path) -> list[dict[str, Any]]:
    """Ask the audit's questions in one library holding the six analysis articles and the sample."""
    from rag import Assistant

    assistant = Assistant(index_dir=work / "mixed")
    assistant.ingest([CORPORA["analysis"], CORPORA["sample"]])
    return [{**case, "refused": (answer := assistant.ask(case["question"])).refused,
             "question_kind": answer.question_kind, "answer": answer.answer} for case in audit_cases()]


def run(work: Path, asked: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Ask every case (:func:`cases` unless given) through a real index of its corpus (built under ``work``
    once)."""
    from rag import Assistant

    assistants = {}
    results = []
    for case in cases() if asked is None else asked:
        name = case["corpus"]
        if name not in assistants:
            assistants[name] = Assistant(index_dir=work / name)
            assistants[name].ingest(CORPORA[name])
        answer = assistants[name].ask(case["question"])
        results.append({**case, "refused": answer.refused, "question_kind": answer.question_kind,
                        "answer": answer.answer})
        if case.get("evidence"):
            results[-1]["hit"] = _quotes(answer.answer, case["evidence"])
    return results


def table(results: list[dict[str, Any]]) -> str:
    """Refusal rates by half and label (and by kind for the unanswerable questions)."""
    groups: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for r in results:
        groups[r["half"], r["label"]].append(r["refused"])
        if r["label"] == "unanswerable":
            groups[r["half"], f"unanswerable: {r['kind']}"].append(r["refused"])
    hits: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for r in results:
        if "hit" in r:
            hits[r["half"], r["label"]].append(r["hit"])
    lines = ["| half | questions | n | refused | quotes its evidence |", "|---|---|---:|---:|---:|"]
    for (half, label), refused in sorted(groups.items()):
        hit = hits.get((half, label))
        shown = f"{sum(hit) / len(hit):.3f}" if hit else ""
        lines.append(f"| {half} | {label} | {len(refused)} | {sum(refused) / len(refused):.3f} | {shown} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, required=True, help="folder for the three indexes (kept)")
    parser.add_argument("--out", type=Path, help="write every answer here (JSONL)")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--audit", action="store_true", help="ask the blind audit's questions instead")
    which.add_argument("--reactions", action="store_true", help="ask the blind reaction questions instead")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if args.audit:
        results = run_audit(args.work)
    else:
        results = run(args.work, reaction_cases() if args.reactions else None)
    if args.out:
        args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in results), encoding="utf-8")
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
