"""The analysis-prose dev set (eval/dev/analysis): verbatim key points, the split rule, the project's loader."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from rag.eval.datasets import load_jsonl

HERE = Path(__file__).resolve().parents[2] / "eval" / "dev" / "analysis"


def _check_module():
    spec = importlib.util.spec_from_file_location("analysis_check", HERE / "check.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_analysis_dev_set_passes_its_own_checks() -> None:
    assert _check_module().check() == []


def test_both_halves_hold_analytic_factual_and_unanswerable_questions_on_different_articles() -> None:
    tune = load_jsonl(HERE / "analysis_tune.jsonl")
    report = load_jsonl(HERE / "analysis_report.jsonl")
    for half in (tune, report):
        assert sum(1 for i in half if i.key_points) >= 10
        assert any(i.answerable and not i.key_points for i in half)
        assert any(not i.answerable for i in half)
    assert not {i.source for i in tune} & {i.source for i in report}


def test_the_check_finds_a_key_point_that_is_not_in_its_article(tmp_path: Path, monkeypatch) -> None:
    module = _check_module()
    bad = tmp_path / "analysis_tune.jsonl"
    lines = (HERE / "analysis_tune.jsonl").read_text(encoding="utf-8").splitlines()
    bad.write_text("\n".join([lines[0].replace("\"key_points\": [\"", "\"key_points\": [\"Invented. "), *lines[1:]])
                   + "\n", encoding="utf-8")
    monkeypatch.setattr(module, "SPLITS", {**module.SPLITS, "tune": bad})
    assert module.check()


def test_the_styled_halves_reword_every_question_three_ways_and_keep_its_key_points() -> None:
    for half in ("tune", "report"):
        source = {i.id: i for i in load_jsonl(HERE / f"analysis_{half}.jsonl")}
        styled = load_jsonl(HERE / f"styled_{half}.jsonl")
        assert len(styled) == 3 * len(source)
        for item in styled:
            base, style = item.id.rsplit("-", 1)
            assert style in ("request", "chat", "search")
            assert item.key_points == source[base].key_points and item.answerable == source[base].answerable
            assert item.question != source[base].question
