"""CI's evaluation runs: the golden set and a fixed SQuAD 2.0 sample, through the `rag` command.

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
SQUAD = REPO.parent / "shared" / "datasets" / "squad_v2_dev" / "dev-v2.0.rebuilt.json"
ARTIFACTS = REPO / "artifacts" / "eval"

RUNS = {
    "golden": [str(REPO / "eval" / "golden" / "sample.jsonl"), "--corpus", str(REPO / "corpus" / "sample")],
    "squad": [str(SQUAD), "--seed", "0", "--limit", "300"],
}


@pytest.mark.parametrize("name", sorted(RUNS))
def test_eval_run_meets_thresholds_and_baseline(name: str, tmp_path: Path) -> None:
    if not SQUAD.is_file():  # the support scorer is measured on SQuAD in both runs
        if os.environ.get("CI"):
            pytest.fail(f"{SQUAD} is missing: CI must evaluate on it")
        pytest.skip(f"{SQUAD} not present")
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "rag.cli", "eval", *RUNS[name], "--index", str(tmp_path / "index"),
         "--out", str(out), "--thresholds", str(REPO / "eval" / "thresholds.toml"),
         "--baseline", str(REPO / "eval" / "baseline" / f"{name}.json")],
        capture_output=True, text=True, timeout=1200, cwd=REPO)
    kept = ARTIFACTS / name
    shutil.rmtree(kept, ignore_errors=True)
    shutil.copytree(out, kept, ignore=shutil.ignore_patterns("corpus"))
    print(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (kept / "report.html").stat().st_size > 0 and (kept / "results.jsonl").exists()
