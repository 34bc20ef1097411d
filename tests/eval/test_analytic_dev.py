"""The analytic dev set (eval/dev): two parts split by article, key points verbatim from its corpus."""

from __future__ import annotations

from pathlib import Path

from rag.eval.datasets import load_jsonl

DEV = Path(__file__).resolve().parents[2] / "eval" / "dev"


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_tune_and_report_parts_load_and_cover_different_articles() -> None:
    tune = load_jsonl(DEV / "analytic_dev.jsonl")
    report = load_jsonl(DEV / "analytic_dev_report.jsonl")
    assert len(tune) >= 30 and len(report) >= 15
    assert len({i.id for i in [*tune, *report]}) == len(tune) + len(report)
    tune_sources = {i.source for i in tune}
    report_sources = {i.source for i in report}
    assert tune_sources and report_sources and not tune_sources & report_sources  # held out by article


def test_every_key_point_is_a_sentence_of_its_article() -> None:
    for name in ("analytic_dev.jsonl", "analytic_dev_report.jsonl"):
        for item in load_jsonl(DEV / name):
            article = _flat((DEV / "corpus" / f"{item.source}.txt").read_text(encoding="utf-8"))
            assert 2 <= len(item.key_points) <= 6, item.id
            assert len(set(item.key_points)) == len(item.key_points), item.id
            for point in item.key_points:
                assert _flat(point) in article, (item.id, point)
