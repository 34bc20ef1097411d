"""Build the "why" dev set: SQuAD 2.0 dev questions that ask for reasons, effects or reactions.

The hand-written analytic dev set (``build_analytic_dev.py``) is small (37 tune questions). This
one is larger and written by other people: every answerable SQuAD 2.0 dev question that
:func:`rag.questions.question_kind` calls analytic and that asks *why* / for a reason or cause /
for an effect, impact or consequence / how someone reacted or responded. Its one key point is the
sentence of the paragraph that holds the SQuAD answer, so key-point recall is the share of questions
whose answer sentence is among the bullets.

Articles: all SQuAD 2.0 dev articles except the CI sample's (``sample_squad(..., 300, seed=0)``)
and the seven of the analytic dev set, each written as one ``.txt`` (its title line, then its
paragraphs). Both halves share that corpus, so every question meets the other articles as
distractors. Split by article, fixed before anything was measured: ``sha256(title)`` even is
*tune* (values are chosen there), odd is *report* (measured once per round, never tuned on).

Nothing is committed but this script: the text is CC BY-SA 4.0 SQuAD (Rajpurkar et al. 2018;
``/work/shared/datasets/squad_v2_dev/PROVENANCE.md``), written to ``OUT`` when run.

Run: ``python eval/dev/build_why_dev.py OUT [--squad PATH]``, then e.g.
``rag eval OUT/why_tune.jsonl --corpus OUT/corpus --index OUT/index --out OUT/tune-run``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

from rag.keypoints import question_aim
from rag.questions import question_kind
from rag.text import split_sentences

SQUAD = "/work/shared/datasets/squad_v2_dev/dev-v2.0.rebuilt.json"
# The CI sample's three articles and the analytic dev set's seven.
EXCLUDED = {"Southern_California", "Yuan_dynasty", "Intergovernmental_Panel_on_Climate_Change",
            "1973_oil_crisis", "Economic_inequality", "Black_Death", "Amazon_rainforest", "Civil_disobedience",
            "French_and_Indian_War", "Private_school"}
ASKS = re.compile(r"\bwhy\b|\breasons?\b|\bwhat (?:made|led|caused|prompted|motivated|drove)\b|\bcaus(?:e|ed|es)\b|"
                  r"\beffects?\b|\bimpacts?\b|\bconsequences?\b|\breact(?:ed|ion)?\b|\brespond(?:ed)?\b", re.I)


def half_of(title: str) -> str:
    """``tune`` for an even ``sha256(title)``, else ``report``."""
    return "tune" if int(hashlib.sha256(title.encode("utf-8")).hexdigest(), 16) % 2 == 0 else "report"


def answer_sentence(context: str, start: int) -> str | None:
    """The sentence of ``context`` that holds the character ``start``."""
    for span in split_sentences(context):
        if span.start <= start < span.end:
            return context[span.start:span.end]
    return None


def build(squad_path: str, out: Path) -> dict[str, int]:
    data = json.loads(Path(squad_path).read_text(encoding="utf-8"))["data"]
    (out / "corpus").mkdir(parents=True, exist_ok=True)
    rows: dict[str, list[dict[str, object]]] = {"tune": [], "report": []}
    for article in data:
        title = article["title"]
        if title in EXCLUDED:
            continue
        name = title.replace(" ", "_")
        paragraphs = [p["context"].strip() for p in article["paragraphs"]]
        text = title.replace("_", " ") + "\n\n" + "\n\n".join(paragraphs) + "\n"
        (out / "corpus" / f"{name}.txt").write_text(text, encoding="utf-8")
        for p in article["paragraphs"]:
            for q in p["qas"]:
                question = " ".join(q["question"].split())
                if q.get("is_impossible") or not q["answers"]:
                    continue
                if question_kind(question) != "analytic" or not ASKS.search(question):
                    continue
                sentence = answer_sentence(p["context"], q["answers"][0]["answer_start"])
                if not sentence:
                    continue
                rows[half_of(title)].append({
                    "id": q["id"], "question": question, "answers": [], "evidence": [sentence],
                    "answerable": True, "source": name, "key_points": [sentence],
                    "aim": question_aim(question)})
    counts = {}
    for half, items in rows.items():
        with (out / f"why_{half}.jsonl").open("w", encoding="utf-8") as f:
            for item in items:
                item.pop("aim")
                f.write(json.dumps(item, ensure_ascii=False) + "\n")
        counts[half] = len(items)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--squad", default=SQUAD)
    args = parser.parse_args(argv)
    counts = build(args.squad, args.out)
    print(f"why_tune.jsonl: {counts['tune']} questions; why_report.jsonl: {counts['report']}; "
          f"corpus in {args.out}/corpus")
    return 0


if __name__ == "__main__":
    sys.exit(main())
