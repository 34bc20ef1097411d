"""Check the analysis-prose dev set: every key point and evidence sentence occurs verbatim in its article.

Run from the repository root::

    python eval/dev/analysis/check.py

Exits 1 and names the file, line and field of every problem. It also checks that ids are unique, that
each line loads with the project's own JSONL loader, that factual evidence contains one of its answers,
and that the tune/report split follows the rule in PROVENANCE.md (tune: sha256(slug) is even).
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SPLITS = {"tune": HERE / "analysis_tune.jsonl", "report": HERE / "analysis_report.jsonl"}
# The same questions reworded as users type them (a request, chat style, search keywords): the same articles,
# key points and split.
STYLED = {"tune": HERE / "styled_tune.jsonl", "report": HERE / "styled_report.jsonl"}


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def split_of(slug: str) -> str:
    return "tune" if int(hashlib.sha256(slug.encode("utf-8")).hexdigest(), 16) % 2 == 0 else "report"


def check() -> list[str]:
    problems: list[str] = []
    articles = {p.stem: normalise(p.read_text(encoding="utf-8")) for p in sorted((HERE / "corpus").glob("*.txt"))}
    seen: set[str] = set()
    used: set[str] = set()
    try:
        from rag.eval.datasets import EvalItem
    except ImportError:  # the format check is optional; the verbatim checks below are the point
        EvalItem = None  # type: ignore[assignment,misc]
    for split, path in [*SPLITS.items(), *STYLED.items()]:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            where = f"{path.name}:{n}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append(f"{where}: not JSON ({exc})")
                continue
            if EvalItem is not None:
                try:
                    EvalItem.from_dict(row)
                except ValueError as exc:
                    problems.append(f"{where}: {exc}")
            rid, slug = row.get("id"), row.get("source")
            if rid in seen:
                problems.append(f"{where}: duplicate id {rid!r}")
            seen.add(rid)
            if slug not in articles:
                problems.append(f"{where}: field 'source' {slug!r} names no file in corpus/")
                continue
            used.add(slug)
            if split_of(slug) != split:
                problems.append(f"{where}: {slug!r} belongs in analysis_{split_of(slug)}.jsonl")
            if not str(rid).startswith(f"{slug}-"):
                problems.append(f"{where}: id {rid!r} does not start with its source {slug!r}")
            evidence = row.get("evidence")
            texts = [] if evidence is None else [evidence] if isinstance(evidence, str) else list(evidence)
            for field, values in (("evidence", texts), ("key_points", row.get("key_points") or [])):
                for text in values:
                    if normalise(text) not in articles[slug]:
                        problems.append(f"{where}: field {field!r} is not verbatim in corpus/{slug}.txt: {text[:60]!r}")
            if row.get("key_points") and row["key_points"] != texts:
                problems.append(f"{where}: 'evidence' should list the same sentences as 'key_points'")
            if row.get("answers") and isinstance(evidence, str):
                if not any(a.lower() in evidence.lower() for a in row["answers"]):
                    problems.append(f"{where}: field 'evidence' contains none of the answers")
            if row.get("answerable") is False and row.get("evidence") is not None:
                problems.append(f"{where}: unanswerable but has evidence")
    for slug in sorted(set(articles) - used):
        problems.append(f"corpus/{slug}.txt: no question uses this article")
    return problems


if __name__ == "__main__":
    found = check()
    for problem in found:
        print(problem)
    print(f"{len(found)} problem(s)")
    sys.exit(1 if found else 0)
