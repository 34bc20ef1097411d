"""CI's evaluation runs: the golden set and the shipped SQuAD 2.0 sample, through the `rag` command.

Each run is gated by eval/thresholds.toml and compared with eval/baseline/*.json; a breach fails
the test with the runner's lines naming each metric. The HTML reports are kept in artifacts/eval/.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
# Shipped with the project (eval/data/PROVENANCE.md): the 3 articles and 300 questions that
# `--seed 0 --limit 300` draws from the full SQuAD 2.0 dev set, so a fresh clone evaluates the same.
SQUAD = REPO / "eval" / "data" / "squad_v2_sample.json"
ARTIFACTS = REPO / "artifacts" / "eval"

RUNS = {
    "golden": [str(REPO / "eval" / "golden" / "sample.jsonl"), "--corpus", str(REPO / "corpus" / "sample")],
    "squad": [str(SQUAD), "--seed", "0", "--limit", "300"],
}


@pytest.mark.parametrize("name", sorted(RUNS))
def test_eval_run_meets_thresholds_and_baseline(name: str, tmp_path: Path) -> None:
    # The project's own data: missing means a broken checkout, never a reason to skip.
    assert SQUAD.is_file(), f"{SQUAD} is missing: it ships with the project (see eval/data/PROVENANCE.md)"
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "rag.cli", "eval", *RUNS[name], "--index", str(tmp_path / "index"),
         "--out", str(out), "--thresholds", str(REPO / "eval" / "thresholds.toml"),
         "--baseline", str(REPO / "eval" / "baseline" / f"{name}.json")],
        capture_output=True, text=True, timeout=1200, cwd=REPO,
        env={**os.environ, "RAG_EVAL_SQUAD": str(SQUAD)})  # the support scorer, in both runs
    kept = ARTIFACTS / name
    shutil.rmtree(kept, ignore_errors=True)
    shutil.copytree(out, kept, ignore=shutil.ignore_patterns("corpus"))
    print(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (kept / "report.html").stat().st_size > 0 and (kept / "results.jsonl").exists()
