"""The blind news sets (eval/dev/blind): verbatim evidence and key points, the three kinds of question."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.eval.datasets import load_jsonl

HERE = Path(__file__).resolve().parents[2] / "eval" / "dev" / "blind"
SETS = sorted(p.name for p in HERE.glob("news_*") if p.is_dir())


def test_every_set_is_checked() -> None:
    # (every set the provenance lists, news_a to news_cx: 102)
    assert len(SETS) == 102 and {"news_a", "news_z", "news_aa", "news_ax", "news_bb", "news_bv", "news_bz", "news_ch",
                                "news_cl", "news_cp", "news_ct", "news_cx"} <= set(SETS)


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("name", SETS)
def test_every_evidence_and_key_point_is_verbatim_in_its_article(name: str) -> None:
    corpus = {p.stem: _flat(p.read_text(encoding="utf-8")) for p in (HERE / name / "corpus").glob("*.txt")}
    items = load_jsonl(HERE / name / "questions.jsonl")
    assert len({i.id for i in items}) == len(items) == 60
    for item in items:
        if not item.answerable:
            assert not item.evidence and not item.source, item.id  # nothing states it
            continue
        assert item.source in corpus, item.id
        texts = list(item.key_points or []) + ([item.evidence] if isinstance(item.evidence, str)
                                                else list(item.evidence or []))
        assert texts, item.id
        for text in texts:
            assert _flat(text) in corpus[item.source], (item.id, text[:60])


@pytest.mark.parametrize("name", SETS)
def test_each_set_holds_twenty_of_each_kind(name: str) -> None:
    items = load_jsonl(HERE / name / "questions.jsonl")
    assert sum(1 for i in items if i.key_points) == 20
    assert sum(1 for i in items if i.answerable and not i.key_points) == 20
    assert sum(1 for i in items if not i.answerable) == 20
