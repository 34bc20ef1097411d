"""The paraphrase probe (eval/data/paraphrase): labelled claims a chat model might write about a cited passage."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from rag.eval.verifier_eval import load_pairs

ROOT = Path(__file__).resolve().parents[2]
PROBE = ROOT / "eval" / "data" / "paraphrase" / "paraphrase_probe.jsonl"
SOURCES = [ROOT / "eval" / "dev" / "analysis" / "corpus", ROOT / "corpus" / "sample"]


def _rows() -> list[dict]:
    return [json.loads(line) for line in PROBE.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_every_passage_is_a_verbatim_excerpt_of_its_article() -> None:
    articles = {p.stem: p.read_text(encoding="utf-8") for folder in SOURCES for p in folder.glob("*.txt")}
    for row in _rows():
        assert row["group"] in articles, row["id"]
        assert row["doc"] in articles[row["group"]], row["id"]


def test_both_labels_and_every_kind_are_in_both_halves() -> None:
    rows = {r["id"]: r for r in _rows()}
    assert len(rows) == len(_rows())  # ids are unique
    for half in ("tune", "report"):
        pairs = load_pairs(PROBE, half=half)
        kinds = Counter((rows[p.id]["kind"], p.label) for p in pairs)
        assert 0.4 <= sum(p.label for p in pairs) / len(pairs) <= 0.6
        assert {k for k, label in kinds if label} >= {"synonyms", "restructure", "merge", "summary", "pronoun"}
        assert {k for k, label in kinds if not label} >= {"changed_number", "swapped_role", "negation", "added_detail"}
