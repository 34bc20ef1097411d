"""Score question typing (analytic or factoid) on the blind question-shape probes.

``python -m rag.eval.question_shapes [FILE ...]`` prints, per file, the share of questions typed as
labelled, recall of each label and the share right per ``style`` (direct, request, imperative, search,
informal, yesno, followup). Files default to the three probes, each written by a helper blind to the typing
rules and to the other probes: ``eval/data/question_shapes`` and ``question_shapes_b`` (the rules were tuned
on both, the second after it had been scored once as held out) and ``question_shapes_c`` (held out: scored
once, after the tuning; see eval/README.md, "Eleventh round"); ``question_shapes_d``, written blind in the
nineteenth round, in a tune half (the rules were changed on its misses) and a report half (scored, not read).

Each line: ``{"id", "group", "question", "label": "analytic"|"factoid", "style"}``.

Example:
    >>> rows = [{"question": "Why did the junta quit ECOWAS?", "label": "analytic", "style": "direct"},
    ...         {"question": "When did the junta quit ECOWAS?", "label": "factoid", "style": "direct"}]
    >>> score(rows)["accuracy"]
    1.0
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from rag.questions import question_kind

DATA = Path(__file__).resolve().parent / "data"
PROBES = (*(DATA / name / f"{name}.jsonl" for name in ("question_shapes", "question_shapes_b", "question_shapes_c")),
          *(DATA / "question_shapes_d" / f"question_shapes_d_{half}.jsonl" for half in ("tune", "report")))
LABELS = ("analytic", "factoid")
FIELDS = {"id", "group", "question", "label", "style"}


def load(path: Path) -> list[dict[str, Any]]:
    """The probe's rows; a line that is not JSON, lacks the five fields or has another label is an error naming it."""
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            raise ValueError(f"{path}:{n}: not a JSON object ({err})") from None
        if not isinstance(row, dict) or set(row) != FIELDS or row["label"] not in LABELS:
            raise ValueError(f"{path}:{n}: want the fields {sorted(FIELDS)} and a label in {LABELS}, got {row}")
        rows.append(row)
    return rows


def score(rows: Iterable[Mapping[str, Any]], kind: Callable[[str], str] = question_kind) -> dict[str, Any]:
    """Accuracy, recall per label and accuracy per style of ``kind`` on ``rows``; ``missed`` lists the errors.

    The assistant types the question it searches for (:func:`rag.questions.plain_question`), which keeps the
    asked question's kind, so ``question_kind`` of the question as typed is what it answers by.
    """
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    missed = []
    for row in rows:
        ok = kind(row["question"]) == row["label"]
        for key in (row["label"], f"style:{row['style']}"):
            total[key] += 1
            right[key] += ok
        if not ok:
            missed.append(row)
    n = sum(total[label] for label in LABELS)
    return {"n": n, "accuracy": round(sum(right[label] for label in LABELS) / n, 3) if n else 0.0,
            **{f"recall_{label}": round(right[label] / total[label], 3) for label in LABELS if total[label]},
            "by_style": {key[6:]: f"{right[key]}/{total[key]}" for key in sorted(total) if key.startswith("style:")},
            "missed": missed}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rag.eval.question_shapes",
                                     description="Score question typing on the question-shape probes.")
    parser.add_argument("files", nargs="*", type=Path, default=list(PROBES))
    parser.add_argument("--missed", action="store_true", help="print the questions typed against their label")
    args = parser.parse_args(argv)
    for path in args.files:
        result = score(load(path))
        print(f"{path.name}: n {result['n']}, accuracy {result['accuracy']}, analytic recall "
              f"{result.get('recall_analytic')}, factoid recall {result.get('recall_factoid')}")
        print("  by style: " + ", ".join(f"{k} {v}" for k, v in result["by_style"].items()))
        for row in result["missed"] if args.missed else []:
            print(f"  missed ({row['label']}, {row['style']}): {row['question']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
