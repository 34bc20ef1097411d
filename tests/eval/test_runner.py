"""rag.eval.runner: the end-to-end run (fake embedder, tiny corpus), the reports and the threshold gate."""

from __future__ import annotations

import argparse
import io
import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest

from rag.assistant import Assistant
from rag.cli import build_parser
from rag.eval.datasets import EvalItem
from rag.eval.runner import (
    METRICS,
    Breach,
    EvalError,
    Thresholds,
    check_gate,
    load_thresholds,
    run_eval,
    score_answer,
    source_key,
    summarize,
)
from rag.testing import FakeEmbedder

DOCS = {
    "alpha.txt": "The Treaty of Kars was signed in 1921 by Turkey and the Soviet republics. It fixed the border "
                 "between Turkey and the South Caucasus republics. The treaty is still in force today.",
    "beta.txt": "The Port of Gdansk handles grain and coal exports from Poland. In 2019 the port handled 52 million "
                "tonnes of cargo. A new container terminal opened there in 2007.",
    "gamma.txt": "Lake Sevan is the largest lake in Armenia. It lies at an altitude of 1900 metres. The lake is fed "
                 "by 28 rivers and streams.",
}

ITEMS = [
    {"id": "kars", "question": "When was the Treaty of Kars signed?", "answers": ["1921"],
     "evidence": "The Treaty of Kars was signed in 1921 by Turkey and the Soviet republics.", "answerable": True,
     "source": "alpha"},
    {"id": "gdansk", "question": "How much cargo did the Port of Gdansk handle in 2019?",
     "answers": ["52 million tonnes"], "evidence": "In 2019 the port handled 52 million tonnes of cargo.",
     "answerable": True, "source": "beta.txt"},
    {"id": "sevan", "question": "Which lake is the largest lake in Armenia?", "answers": ["Lake Sevan"],
     "evidence": "Lake Sevan is the largest lake in Armenia.", "answerable": True, "source": "gamma"},
    {"id": "mona", "question": "Who painted the Mona Lisa?", "answers": [], "evidence": None, "answerable": False},
    {"id": "xss", "question": "Is <script>alert('x')</script> & \"quoted\" mercury boiling?", "answers": [],
     "evidence": None, "answerable": False},
]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("tiny-eval")
    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in DOCS.items():
        (corpus / name).write_text(text + "\n", encoding="utf-8")
    dataset = root / "tiny.jsonl"
    dataset.write_text("".join(json.dumps(i) + "\n" for i in ITEMS), encoding="utf-8")
    return {"root": root, "corpus": corpus, "dataset": dataset, "index": root / "index"}


def _args(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(["eval", *argv])


def _run(tiny: dict[str, Path], out: Path, *extra: str, **kwargs: Any) -> tuple[int, str, str]:
    args = _args(str(tiny["dataset"]), "--index", str(tiny["index"]), "--out", str(out),
                 "--corpus", str(tiny["corpus"]), *extra)
    assistant = Assistant(index_dir=tiny["index"], embedder=FakeEmbedder())
    stdout, stderr = io.StringIO(), io.StringIO()
    kwargs.setdefault("support_data", "")
    code = run_eval(args, assistant.config, assistant=assistant, stdout=stdout, stderr=stderr, **kwargs)
    return code, stdout.getvalue(), stderr.getvalue()


@pytest.fixture(scope="module")
def first_run(tiny: dict[str, Path]) -> dict[str, Any]:
    out = tiny["root"] / "out"
    code, stdout, stderr = _run(tiny, out)
    return {"code": code, "stdout": stdout, "stderr": stderr, "out": out,
            "report": json.loads((out / "report.json").read_text(encoding="utf-8"))}


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------- the run

def test_run_writes_one_result_line_per_question(first_run: dict[str, Any]) -> None:
    assert first_run["code"] == 0, first_run["stderr"]
    lines = (first_run["out"] / "results.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["id"] for r in records] == [i["id"] for i in ITEMS]
    for record, item in zip(records, ITEMS):
        # The full Answer.to_dict() ...
        for key in ("question", "answer", "refused", "citations", "sentences", "retrieved", "timings", "backend"):
            assert key in record, key
        # ... plus the item's fields and its scores.
        assert record["answers"] == item["answers"] and record["answerable"] == item["answerable"]
        assert record["evidence"] == item["evidence"]
        assert {"exact_match", "token_f1", "alias_containment", "recall_at_k", "citation_recall",
                "latency_s", "failures"} <= set(record["scores"])


def test_run_answers_from_the_gold_document_and_refuses_off_topic(first_run: dict[str, Any]) -> None:
    records = {json.loads(line)["id"]: json.loads(line)
               for line in (first_run["out"] / "results.jsonl").read_text(encoding="utf-8").splitlines()}
    kars = records["kars"]
    assert not kars["refused"] and "1921" in kars["answer"]
    assert kars["scores"]["gold_ranks"][:1] == [1]
    assert kars["citations"][0]["source"].endswith("alpha.txt")
    assert records["mona"]["refused"] and records["mona"]["scores"]["recall_at_k"] is None
    metrics = first_run["report"]["metrics"]
    assert metrics["recall_at_k"] == 1.0
    assert metrics["correct_refusal_rate"] == 1.0
    assert metrics["false_refusal_rate"] == 0.0
    assert metrics["alias_containment"] == 1.0
    assert metrics["citation_recall"] == 1.0


def test_report_json_records_what_produced_it(first_run: dict[str, Any], tiny: dict[str, Path]) -> None:
    report = first_run["report"]
    assert {"created", "git", "dataset", "n", "metrics", "support_scorer", "config", "timing_s", "gate"} <= set(report)
    assert report["n"] == len(ITEMS)
    assert set(METRICS) <= set(report["metrics"])
    dataset = report["dataset"]
    assert dataset["path"] == str(tiny["dataset"]) and dataset["kind"] == "jsonl" and dataset["profile"] == "tiny"
    assert re.fullmatch(r"[0-9a-f]{64}", dataset["sha256"])
    assert dataset["seed"] == 0 and dataset["limit"] is None
    assert report["config"]["backend"] == "extractive"
    assert report["config"]["index_dir"] == str(tiny["index"])
    assert report["index"]["embed_backend"] == "auto"  # a fake embedder names no backend: the configured one
    assert report["support_scorer"] == {"skipped": "no SQuAD file given (set $RAG_EVAL_SQUAD)"}
    assert report["gate"]["passed"] is True


def test_report_html_is_self_contained_and_escaped(first_run: dict[str, Any]) -> None:
    page = (first_run["out"] / "report.html").read_text(encoding="utf-8")
    assert 'id="questions"' in page
    for item in ITEMS:
        assert f"<code>{item['id']}</code>" in page
    assert "<script" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert "<link" not in page and "@import" not in page
    assert "<svg" in page  # the distribution plots are inline
    assert "The Treaty of Kars was signed in 1921" in page  # the citation quote


def test_stdout_has_a_summary_table(first_run: dict[str, Any]) -> None:
    out = first_run["stdout"]
    assert "citation_recall" in out and "false_refusal_rate" in out and "FAIL" not in out


def test_json_prints_the_report_instead_of_the_table(tiny: dict[str, Path], first_run: dict[str, Any]) -> None:
    code, stdout, stderr = _run(tiny, tiny["root"] / "json", "--json")
    assert code == 0, stderr
    report = json.loads(stdout)  # nothing but the report on stdout: no table, no notes
    assert report["n"] == first_run["report"]["n"] and report["gate"]["passed"]
    assert report == json.loads((tiny["root"] / "json" / "report.json").read_text(encoding="utf-8"))


def test_rerun_embeds_nothing(tiny: dict[str, Path], first_run: dict[str, Any]) -> None:
    code, _, stderr = _run(tiny, tiny["root"] / "again")
    assert code == 0, stderr
    report = json.loads((tiny["root"] / "again" / "report.json").read_text(encoding="utf-8"))
    assert report["ingest"]["embedded"] == 0 and report["ingest"]["unchanged"] == len(DOCS)


def test_limit_takes_the_first_items(tiny: dict[str, Path], first_run: dict[str, Any]) -> None:
    code, _, stderr = _run(tiny, tiny["root"] / "limited", "--limit", "2")
    assert code == 0, stderr
    lines = (tiny["root"] / "limited" / "results.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["kars", "gdansk"]


# ------------------------------------------------------------------ the gate

def test_breached_threshold_exits_1_naming_the_metric(tiny: dict[str, Path], first_run: dict[str, Any]) -> None:
    # The extractive backend answers with whole sentences, so exact match on answerable questions is 0.
    thresholds = _write(tiny["root"] / "strict.toml", "[min]\nexact_match = 0.9\nrecall_at_k = 0.5\n")
    code, stdout, _ = _run(tiny, tiny["root"] / "breach", "--thresholds", str(thresholds))
    assert code == 1
    fails = [line for line in stdout.splitlines() if line.startswith("FAIL")]
    assert fails == ["FAIL exact_match = 0.0000: below the minimum 0.9"]
    report = json.loads((tiny["root"] / "breach" / "report.json").read_text(encoding="utf-8"))
    assert report["gate"]["passed"] is False and report["gate"]["breaches"][0]["metric"] == "exact_match"
    assert "below the minimum" in (tiny["root"] / "breach" / "report.html").read_text(encoding="utf-8")


def test_thresholds_that_hold_exit_0(tiny: dict[str, Path], first_run: dict[str, Any]) -> None:
    thresholds = _write(tiny["root"] / "ok.toml",
                        "[min]\nrecall_at_k = 0.5\ncitation_recall = 0.8\n[max]\nfalse_refusal_rate = 0.3\n"
                        "[dataset.tiny.min]\nalias_containment = 0.9\n[dataset.other.min]\nexact_match = 1.0\n")
    code, stdout, _ = _run(tiny, tiny["root"] / "pass", "--thresholds", str(thresholds))
    assert code == 0, stdout
    assert "FAIL" not in stdout


def test_regression_against_a_baseline_exits_1(tiny: dict[str, Path], first_run: dict[str, Any]) -> None:
    baseline = json.loads(json.dumps(first_run["report"]))
    baseline["metrics"]["alias_containment"] = 1.0 + 0.2  # the new run (1.0) is 0.2 below it
    baseline["metrics"]["false_refusal_rate"] = 0.0
    path = _write(tiny["root"] / "baseline.json", json.dumps(baseline))
    thresholds = _write(tiny["root"] / "tol.toml", "[tolerance]\ndefault = 0.05\n")
    code, stdout, _ = _run(tiny, tiny["root"] / "regress", "--baseline", str(path), "--thresholds", str(thresholds))
    assert code == 1
    fails = [line for line in stdout.splitlines() if line.startswith("FAIL")]
    assert len(fails) == 1 and fails[0].startswith("FAIL alias_containment = 1.0000: dropped past the baseline 1.2000")


def test_same_results_as_the_baseline_pass(tiny: dict[str, Path], first_run: dict[str, Any]) -> None:
    path = tiny["root"] / "same.json"
    path.write_text(json.dumps(first_run["report"]), encoding="utf-8")
    code, stdout, _ = _run(tiny, tiny["root"] / "same", "--baseline", str(path))
    assert code == 0, stdout


def test_a_typo_in_the_thresholds_fails_before_the_run(tiny: dict[str, Path], first_run: dict[str, Any]) -> None:
    thresholds = _write(tiny["root"] / "typo.toml", "[min]\ncitaton_recall = 0.8\n")
    code, _, stderr = _run(tiny, tiny["root"] / "typo", "--thresholds", str(thresholds))
    assert code == 2
    assert "unknown metric 'citaton_recall'" in stderr
    assert not (tiny["root"] / "typo" / "report.json").exists()


def test_jsonl_without_corpus_needs_an_existing_index(tmp_path: Path, tiny: dict[str, Path]) -> None:
    args = _args(str(tiny["dataset"]), "--index", str(tmp_path / "none"), "--out", str(tmp_path / "out"))
    assistant = Assistant(index_dir=tmp_path / "none", embedder=FakeEmbedder())
    stderr = io.StringIO()
    code = run_eval(args, assistant.config, assistant=assistant, stdout=io.StringIO(), stderr=stderr)
    assert code == 2 and "no index here; pass --corpus DIR" in stderr.getvalue()


def test_a_failing_question_stops_the_run_naming_it(tiny: dict[str, Path], first_run: dict[str, Any]) -> None:
    assistant = Assistant(index_dir=tiny["index"], embedder=FakeEmbedder())

    def broken(question: str, **_: Any) -> Any:
        raise ConnectionError("connection refused by localhost:8080")

    assistant.ask = broken  # type: ignore[method-assign]
    args = _args(str(tiny["dataset"]), "--index", str(tiny["index"]), "--out", str(tiny["root"] / "broken"))
    stderr = io.StringIO()
    code = run_eval(args, assistant.config, assistant=assistant, support_data="", stdout=io.StringIO(), stderr=stderr)
    assert code == 2
    assert "question 'kars' failed after 0 answered: ConnectionError: connection refused" in stderr.getvalue()


# ------------------------------------------------------------- SQuAD input

def _squad_file(path: Path) -> Path:
    def paragraph(context: str, qas: list[tuple[str, str, str | None]]) -> dict[str, Any]:
        return {"context": context, "qas": [
            {"id": qid, "question": q, "is_impossible": a is None,
             "answers": [] if a is None else [{"text": a, "answer_start": context.index(a)}]}
            for qid, q, a in qas]}

    data = {"version": "v2.0", "data": [
        {"title": "Kars", "paragraphs": [
            paragraph(DOCS["alpha.txt"], [("k1", "When was the Treaty of Kars signed?", "1921"),
                                          ("k2", "Who repealed the Treaty of Kars in 1950?", None)]),
            paragraph("The Kars fortress was rebuilt by Russian engineers in 1878 after the siege of the city.",
                      [("k3", "When was the Kars fortress rebuilt?", "1878")])]},
        {"title": "Gdansk", "paragraphs": [
            paragraph(DOCS["beta.txt"], [("g1", "How much cargo did the Port of Gdansk handle in 2019?",
                                          "52 million tonnes"),
                                         ("g2", "How much cargo did the Port of Gdansk handle in 1870?", None)])]},
    ]}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_squad_input_writes_its_corpus_and_measures_the_scorer(tmp_path: Path) -> None:
    squad = _squad_file(tmp_path / "mini-squad.json")
    index, out = tmp_path / "index", tmp_path / "out"
    assistant = Assistant(index_dir=index, embedder=FakeEmbedder())
    args = _args(str(squad), "--index", str(index), "--out", str(out), "--limit", "4", "--seed", "3")
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run_eval(args, assistant.config, assistant=assistant, stdout=stdout, stderr=stderr)
    assert code == 0, stderr.getvalue()
    assert sorted(p.name for p in (out / "corpus").glob("*.txt")) == [
        "squad__gdansk__000.txt", "squad__kars__000.txt", "squad__kars__001.txt"]
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["dataset"]["kind"] == "squad" and report["dataset"]["profile"] == "squad"
    assert report["dataset"]["seed"] == 3 and report["dataset"]["limit"] == 4
    assert report["n"] == 4 and report["metrics"]["n_unanswerable"] == 2
    # The gold source is a paragraph id; it must resolve to the written file for retrieval to count.
    records = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert all(r["scores"]["gold_ranks"][:1] == [1] for r in records if r["answerable"]), records
    assert "balanced_accuracy" in report["support_scorer"]
    assert report["support_scorer"]["data"] == str(squad)


def test_squad_input_without_index_is_a_usage_error(tmp_path: Path) -> None:
    from rag.config import Config

    squad = _squad_file(tmp_path / "mini-squad.json")
    args = _args(str(squad), "--out", str(tmp_path / "out"), "--limit", "4")
    stderr = io.StringIO()
    assert run_eval(args, Config(), stdout=io.StringIO(), stderr=stderr) == 2
    assert "--index DIR" in stderr.getvalue()


# ------------------------------------------------------------- pure pieces

def test_source_key_matches_any_rendering() -> None:
    assert {source_key(s) for s in ("/a/b/000_x.pdf", "000_x.txt", "000_x", "c\\000_x.html")} == {"000_x"}
    assert source_key("report.v2.pdf") == "report.v2"


def test_gate_min_max_and_unmeasured() -> None:
    thresholds = Thresholds(minimum={"citation_recall": 0.8, "correct_refusal_rate": 0.5},
                            maximum={"false_refusal_rate": 0.3})
    breaches = check_gate({"citation_recall": 0.85, "correct_refusal_rate": None, "false_refusal_rate": 0.4},
                          thresholds)
    assert [(b.metric, b.kind) for b in breaches] == [("correct_refusal_rate", "min"), ("false_refusal_rate", "max")]
    assert "n/a" in breaches[0].message()
    assert check_gate({"citation_recall": 0.8}, Thresholds(minimum={"citation_recall": 0.8})) == []


def test_gate_baseline_directions_and_latency() -> None:
    base = {"alias_containment": 0.8, "false_refusal_rate": 0.1, "latency_p95_ms": 100.0}
    now = {"alias_containment": 0.76, "false_refusal_rate": 0.2, "latency_p95_ms": 900.0}
    breaches = check_gate(now, Thresholds(tolerance={"default": 0.05}), base)
    # Within tolerance for a higher-is-better metric; past it for a lower-is-better one; latency
    # depends on the machine, so it is compared only when given its own tolerance.
    assert [b.metric for b in breaches] == ["false_refusal_rate"]
    assert "rose past the baseline" in breaches[0].message()
    breaches = check_gate(now, Thresholds(tolerance={"default": 0.01, "latency_p95_ms": 500}), base)
    assert [b.metric for b in breaches] == ["alias_containment", "false_refusal_rate", "latency_p95_ms"]


def test_load_thresholds_profiles_and_errors(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.toml", "[min]\nrecall_at_k = 0.5\n[max]\nfalse_refusal_rate = 0.3\n"
                                       "[tolerance]\ndefault = 0.02\n[dataset.squad.min]\nrecall_at_k = 0.7\n")
    squad = load_thresholds(path, "squad")
    assert squad.minimum == {"recall_at_k": 0.7} and squad.maximum == {"false_refusal_rate": 0.3}
    assert squad.tolerance_for("mrr") == 0.02 and squad.tolerance_for("latency_p95_ms") is None
    assert load_thresholds(path, "sample").minimum == {"recall_at_k": 0.5}
    for text, message in [("[min]\nrecall = 1\n", "unknown metric 'recall'"),
                          ("[minimum]\n", "unknown section [minimum]"),
                          ("[min]\nmrr = 'high'\n", "must be a number"),
                          ("[min]\ndefault = 0.1\n", "only allowed in [tolerance]"),
                          ("[dataset.x.min]\nmrrr = 0.1\n", "unknown metric 'mrrr'"),
                          ("[min\n", "not valid TOML")]:
        with pytest.raises(EvalError, match=re.escape(message)):
            load_thresholds(_write(tmp_path / "bad.toml", text), "sample")


def test_breach_message_names_value_and_limit() -> None:
    assert Breach("mrr", 0.5, 0.05, "baseline", 0.6).message() == (
        "mrr = 0.5000: dropped past the baseline 0.6000 by more than the tolerance 0.05")


def test_score_answer_and_summarize_for_a_refusal() -> None:
    from rag.records import REFUSAL, Answer

    item = EvalItem("q", "When?", ("1921",), "Signed in 1921.", True, source="alpha")
    refusal = Answer(question="When?", answer=REFUSAL, refused=True)
    scores = score_answer(item, refusal, k=5, support=lambda s, ps: True, latency_s=0.2)
    assert scores["prediction"] == "" and scores["exact_match"] == 0.0
    assert scores["recall_at_k"] == 0.0 and scores["citation_recall"] is None
    assert scores["failures"] == ["false refusal", "evidence not retrieved"]
    metrics = summarize([{"scores": scores}], k=5)
    assert metrics["false_refusal_rate"] == 1.0 and metrics["citation_recall"] is None
    assert metrics["correct_refusal_rate"] is None and metrics["latency_median_ms"] == 200.0


def test_an_index_shared_with_another_corpus_is_named_in_a_warning_and_the_report(
        tmp_path: Path, tiny: dict[str, Path], first_run: dict[str, Any], caplog: pytest.LogCaptureFixture) -> None:
    assert first_run["report"]["ingest"]["outside_corpus"] == 0
    other = tmp_path / "other-corpus"
    other.mkdir()
    (other / "delta.txt").write_text("The Kura river flows into the Caspian Sea.\n", encoding="utf-8")
    args = _args(str(tiny["dataset"]), "--index", str(tiny["index"]), "--out", str(tmp_path / "out"),
                 "--corpus", str(other))
    assistant = Assistant(index_dir=tiny["index"], embedder=FakeEmbedder())
    with caplog.at_level(logging.WARNING, logger="rag.eval.runner"):
        run_eval(args, assistant.config, assistant=assistant, support_data="", stdout=io.StringIO(),
                 stderr=io.StringIO())
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["ingest"]["outside_corpus"] == len(DOCS)  # the tiny corpus's files are still in the index
    assert any("3 document(s) outside" in r.getMessage() and "dedicated --index" in r.getMessage()
               for r in caplog.records)
    assistant.remove(str((other / "delta.txt").resolve()))
