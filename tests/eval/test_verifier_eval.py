"""``rag eval-verifier``: metrics on hand-computed examples, both input layouts, the CLI; and the
eval's judge and the refusal to write a baseline from a dirty tree."""

from __future__ import annotations

import argparse
import io
import json
import logging
from pathlib import Path
from typing import Any

import pytest

from rag.cli import main
from rag.eval import runner
from rag.eval.verifier_eval import (
    Pair,
    VerifierEvalError,
    auroc,
    best_threshold,
    evaluate_verifier,
    f1_score,
    load_pairs,
    metrics_at,
    wice_half,
)
from rag.verify import Support


# ------------------------------------------------------------------ metrics
def test_auroc_by_hand() -> None:
    # Positives 0.9, 0.4; negatives 0.6, 0.1: of 4 (pos, neg) pairs, 3 are ordered right.
    assert auroc([True, False, True, False], [0.9, 0.1, 0.4, 0.6]) == 0.75
    # A tie between a positive and a negative counts half: (1 + 0.5) / 2.
    assert auroc([True, True, False], [0.8, 0.5, 0.5]) == 0.75
    assert auroc([True, False], [0.2, 0.9]) == 0.0
    assert auroc([True, True], [0.2, 0.9]) is None


def test_f1_balanced_accuracy_and_threshold_by_hand() -> None:
    labels = [True, True, True, False, False]
    scores = [0.9, 0.6, 0.3, 0.55, 0.1]
    # At 0.5: predictions T T F T F -> tp 2, fp 1, fn 1: F1 = 4/6; recall+ 2/3, recall- 1/2.
    m = metrics_at(labels, scores, 0.5)
    assert m["f1"] == round(4 / 6, 4)
    assert m["balanced_accuracy"] == round((2 / 3 + 1 / 2) / 2, 4)
    assert m["accuracy"] == 0.6 and m["n"] == 5 and m["n_supported"] == 3
    # At 0.6: T T F F F -> recall+ 2/3, recall- 1: BA 5/6, the best any threshold reaches.
    assert best_threshold(labels, scores) == (0.6, round(5 / 6, 4))
    assert f1_score([False, False], [False, False]) is None


def test_evaluate_verifier_reports_metrics_latency_and_fallbacks() -> None:
    pairs = [Pair("a", "c1", "d", True), Pair("b", "c2", "d", False), Pair("c", "c3", "d", True)]
    scores = {"c1": 0.9, "c2": 0.7, "c3": 0.4}

    class Scripted:
        name = "scripted"

        def __call__(self, claim: str, evidence: Any) -> Support:
            return Support(scores[claim], verifier="lexical (fallback)" if claim == "c3" else "scripted")

    result = evaluate_verifier(pairs, Scripted(), threshold=0.5)

    assert result["verifier"] == "scripted"
    assert result["auroc"] == 0.5 and result["balanced_accuracy"] == 0.25
    assert result["best_threshold"] == 0.9 and result["best_balanced_accuracy"] == 0.75
    assert result["fallbacks"] == 1
    assert set(result["latency_ms"]) == {"mean", "median", "p95"}


# ------------------------------------------------------------------ input
def write_jsonl(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_reads_llm_aggrefact_and_wice_layouts(tmp_path: Path) -> None:
    aggrefact = write_jsonl(tmp_path / "a.jsonl", [{"doc": "D.", "claim": "C.", "label": 1},
                                                   {"doc": "D.", "claim": "E.", "label": 0, "id": "x"}])
    wice = write_jsonl(tmp_path / "w.jsonl", [
        {"claim": "C.", "evidence": ["One.", "Two."], "label": "supported", "meta": {"id": "dev1"}},
        {"claim": "C.", "evidence": ["One."], "label": "partially_supported", "meta": {"id": "dev2"}}])

    assert load_pairs(aggrefact) == [Pair("line1", "C.", "D.", True), Pair("x", "E.", "D.", False)]
    assert load_pairs(wice) == [Pair("dev1", "C.", "One.\nTwo.", True), Pair("dev2", "C.", "One.", False)]
    halves = {wice_half("dev1"), wice_half("dev2")}
    for half in halves:
        assert all(wice_half(p.id) == half for p in load_pairs(wice, half=half))


def test_a_half_keeps_every_row_of_a_group_together(tmp_path: Path) -> None:
    # Claims about one article must not fall into both halves: one is tuned on, the other reported.
    groups = ["azawi_coup", "lessia_grid_cyberattack", "nordhavn_arms_exports", "strait_naval_incident"]
    rows = [{"id": f"{g}-{n}", "group": g, "doc": "D.", "claim": f"C{n}.", "label": n % 2} for g in groups for n in range(6)]
    path = write_jsonl(tmp_path / "grouped.jsonl", rows)
    tune, report = load_pairs(path, half="tune"), load_pairs(path, half="report")
    assert len(tune) + len(report) == len(rows) and tune and report
    assert not {p.group for p in tune} & {p.group for p in report}
    assert {p.group for p in tune} == {g for g in groups if wice_half(g) == "tune"}


def test_the_accepted_share_is_reported_by_kind_of_claim(tmp_path: Path) -> None:
    from rag.verify import lexical_support

    doc = "Russia signed the deal in 1997."
    rows = [{"doc": doc, "claim": "Russia signed the deal in 1997.", "label": 1, "kind": "near_verbatim"},
            {"doc": doc, "claim": "Russia signed the deal in 1998.", "label": 0, "kind": "changed_number"},
            {"doc": doc, "claim": "Russia signed the deal in 2001.", "label": 0, "kind": "changed_number"}]
    result = evaluate_verifier(load_pairs(write_jsonl(tmp_path / "k.jsonl", rows)), lexical_support)
    assert result["accepted_by_kind"] == {"supported": {"near_verbatim": "1/1"},
                                          "not supported": {"changed_number": "0/2"}}
    unkinded = [{k: v for k, v in r.items() if k != "kind"} for r in rows]
    assert "accepted_by_kind" not in evaluate_verifier(load_pairs(write_jsonl(tmp_path / "n.jsonl", unkinded)),
                                                       lexical_support)


@pytest.mark.parametrize("row, message", [
    ({"doc": "D", "claim": "C", "label": 2}, "'label' must be 0 or 1"),
    ({"claim": "C", "evidence": ["E"], "label": "yes"}, "'label' must be one of"),
    ({"claim": "C", "label": 1}, "needs 'doc'"),
    ({"doc": "D", "claim": "", "label": 1}, "'claim' must be a non-empty string"),
    ({"doc": "D", "claim": "C", "label": 1, "group": 3}, "'group' must be a string"),
])
def test_bad_rows_name_the_file_line_and_field(tmp_path: Path, row: dict[str, Any], message: str) -> None:
    path = write_jsonl(tmp_path / "bad.jsonl", [{"doc": "D", "claim": "C", "label": 1}, row])
    with pytest.raises(VerifierEvalError, match=f"bad.jsonl:2: {message}"):
        load_pairs(path)


def test_cli_prints_json_metrics(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", [
        {"doc": "Armenia and Russia signed a deal in 1997.", "claim": "Russia signed a deal in 1997.", "label": 1},
        {"doc": "Armenia and Russia signed a deal in 1997.", "claim": "Russia signed a deal in 1998.", "label": 0},
        {"doc": "The glacier lost 6 percent of its ice.", "claim": "Russia annexed the glacier.", "label": 0}])

    assert main(["eval-verifier", str(path), "--json"]) == 0

    result = json.loads(capsys.readouterr().out)
    assert result["verifier"] == "lexical" and result["n"] == 3
    assert result["auroc"] == 1.0 and result["balanced_accuracy"] == 1.0 and result["threshold"] == 0.5


def test_cli_names_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval-verifier", str(tmp_path / "none.jsonl")]) == 2
    assert "none.jsonl: file not found" in capsys.readouterr().err


# ------------------------------------------------------------------ eval judge and baselines
def eval_args(tmp_path: Path, **extra: Any) -> argparse.Namespace:
    golden = Path(__file__).resolve().parents[2] / "eval" / "golden" / "sample.jsonl"
    values = dict(dataset=str(golden), out=str(tmp_path / "out"), limit=1, seed=0, corpus=None, baseline=None,
                  thresholds=None, index_dir=str(tmp_path / "index"), judge=None, write_baseline=None)
    values.update(extra)
    return argparse.Namespace(**values)


def test_a_baseline_from_a_dirty_tree_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rag.config import Config

    monkeypatch.setattr(runner, "_git_commit", lambda: {"commit": "abc123def4567890", "dirty": True})
    stderr = io.StringIO()
    code = runner.run_eval(eval_args(tmp_path, write_baseline=str(tmp_path / "b.json")),
                           Config(index_dir=str(tmp_path / "index")), stdout=io.StringIO(), stderr=stderr)
    assert code == 2
    assert "--write-baseline" in stderr.getvalue() and "uncommitted changes" in stderr.getvalue()
    assert not (tmp_path / "b.json").exists()


def test_the_default_judge_is_flagged_as_self_graded(fake_embedder: Any, tmp_path: Path) -> None:
    from rag.assistant import Assistant

    assistant = Assistant(index_dir=tmp_path / "index", embedder=fake_embedder)
    judge = runner.make_judge(assistant, None)
    assert judge.self_graded and "same verifier that checked the answers" in (judge.warning() or "")
    assert runner.make_judge(assistant, "lexical").self_graded


def test_an_independent_judge_is_not_flagged(fake_embedder: Any, tmp_path: Path) -> None:
    from rag.assistant import Assistant

    assistant = Assistant(index_dir=tmp_path / "index", embedder=fake_embedder, verifier_model="judge",
                          verifier_base_url="http://127.0.0.1:9/v1")
    judge = runner.make_judge(assistant, "llm")
    assert not judge.self_graded and judge.warning() is None
    assert judge.to_dict()["name"] == "llm:judge" and judge.to_dict()["answering_verifier"] == "lexical"


def tiny_run(tmp_path: Path, *extra: str) -> tuple[int, dict[str, Any], str]:
    from rag.assistant import Assistant
    from rag.cli import build_parser
    from rag.testing import FakeEmbedder

    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    (corpus / "kars.txt").write_text("Treaty of Kars\n\nThe Treaty of Kars was signed in 1921 by Turkey and the "
                                     "Soviet republics.\n", encoding="utf-8")
    dataset = write_jsonl(tmp_path / "tiny.jsonl", [{
        "id": "kars", "question": "When was the Treaty of Kars signed?", "answers": ["1921"],
        "evidence": "The Treaty of Kars was signed in 1921 by Turkey and the Soviet republics.", "answerable": True}])
    out = tmp_path / "out"
    args = build_parser().parse_args(["eval", str(dataset), "--index", str(tmp_path / "index"), "--out", str(out),
                                      "--corpus", str(corpus), *extra])
    assistant = Assistant(index_dir=tmp_path / "index", embedder=FakeEmbedder())
    stderr = io.StringIO()
    code = runner.run_eval(args, assistant.config, assistant=assistant, support_data="", stdout=io.StringIO(),
                           stderr=stderr)
    return code, json.loads((out / "report.json").read_text(encoding="utf-8")), stderr.getvalue()


def test_a_self_graded_run_warns_in_the_report_and_on_the_terminal(tmp_path: Path,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    code, report, stderr = tiny_run(tmp_path)

    assert code == 0
    assert report["judge"]["self_graded"] and report["judge"]["name"] == "lexical"
    assert any("same verifier that checked the answers" in n for n in report["gate"]["notes"])
    # A warning record of the runner's logger: `rag eval` prints it on stderr.
    assert any(r.levelno == logging.WARNING and "same verifier" in r.getMessage()
               for r in caplog.records if r.name == "rag.eval.runner")
    assert report["git"] is None or set(report["git"]) == {"commit", "dirty"}


def test_an_independent_judge_grades_citations_and_faithfulness(tmp_path: Path,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    from rag import verifiers

    class Sceptic:
        name = "sceptic"

        def __call__(self, claim: str, evidence: Any) -> Support:
            return Support(0.0, 0, 0, 1)

    verifiers.register_verifier("sceptic", lambda argument, config: Sceptic())
    try:
        code, report, stderr = tiny_run(tmp_path, "--judge", "sceptic")
    finally:
        verifiers._REGISTRY.pop("sceptic")

    assert not report["judge"]["self_graded"] and report["judge"]["name"] == "sceptic"
    metrics = report["metrics"]
    # The answer's own verifier accepted its sentence; the judge did not, and the metrics are the judge's.
    assert metrics["n_answered"] == 1
    assert metrics["citation_recall"] == 0.0 and metrics["faithfulness"] == 0.0
    assert not any("same verifier" in r.getMessage() for r in caplog.records)


def test_a_line_that_is_not_json_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"doc": "D", "claim": "C", "label": 1}\n\n{not json\n', encoding="utf-8")
    with pytest.raises(VerifierEvalError, match=r"bad\.jsonl:3: invalid JSON"):
        load_pairs(path)
