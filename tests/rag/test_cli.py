"""The `rag` command as a user runs it: real model, real index on disk, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rag import testing_files as tf

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "corpus" / "sample"


def rag(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "rag.cli", *args], capture_output=True, text=True,
                          cwd=cwd or REPO, env={**os.environ, "HF_HUB_OFFLINE": "1"}, timeout=300)


def test_ingest_json_report_then_unchanged_rerun(tmp_path: Path) -> None:
    index = tmp_path / "index"
    first = rag("ingest", str(SAMPLE), "--index", str(index), "--json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert set(report) >= {"added", "updated", "unchanged", "removed", "failed", "chunks", "embedded"}
    assert len(report["added"]) == 3 and report["failed"] == []
    assert report["embedded"] == report["chunks"] > 0
    second = json.loads(rag("ingest", str(SAMPLE), "--index", str(index), "--json").stdout)
    assert second["embedded"] == 0 and len(second["unchanged"]) == 3 and second["chunks"] == report["chunks"]

    docs = json.loads(rag("docs", "--index", str(index), "--json").stdout)
    assert {Path(d["path"]).suffix for d in docs} == {".txt", ".html", ".pdf"}
    assert all(d["title"] and d["chunks"] > 0 for d in docs)
    assert sum(d["chunks"] for d in docs) == report["chunks"]

    answer = rag("ask", "When does the Russian peacekeeping mission end?", "--index", str(index), "--json")
    assert answer.returncode == 0, answer.stderr
    data = json.loads(answer.stdout)
    assert not data["refused"] and "2025" in data["answer"]
    assert data["citations"] and "2025" in data["citations"][0]["quote"]


def test_exit_status_one_when_a_file_fails_and_others_still_land(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    tf.make_text(folder, "good.txt", "The brigade moved north in April. It reached the river by May. "
                                     "Engineers built a bridge there.")
    tf.make_encrypted_pdf(folder)
    result = rag("ingest", str(folder), "--index", str(tmp_path / "index"), "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert [Path(p).name for p in report["added"]] == ["good.txt"]
    assert report["failed"][0]["path"].endswith("encrypted.pdf")
    assert "encrypted PDF" in report["failed"][0]["reason"]
    plain = rag("ingest", str(folder), "--index", str(tmp_path / "index"))
    assert "encrypted.pdf: encrypted PDF" in plain.stdout + plain.stderr


def test_usage_errors_exit_two_with_a_message(tmp_path: Path) -> None:
    missing = rag("ingest", str(tmp_path / "nope"), "--index", str(tmp_path / "index"))
    assert missing.returncode == 2 and "no such file or directory" in missing.stderr
    no_index = rag("ask", "anything", "--index", str(tmp_path / "empty"))
    assert no_index.returncode == 2 and "no index here yet" in no_index.stderr
    bad_backend = rag("ask", "q", "--index", str(tmp_path / "x"), "--backend", "openai")
    assert bad_backend.returncode == 2 and "llm_model" in bad_backend.stderr
    bad_flag = rag("ingest")
    assert bad_flag.returncode == 2


def test_missing_models_and_unreachable_servers_are_one_line_not_a_traceback(tmp_path: Path,
                                                                             sample_index: Path) -> None:
    # Found in a library audit: each of these printed a Python traceback and exited 1.
    question = ("ask", "When does the Russian peacekeeping mission end?", "--index", str(sample_index))
    for extra in (("--verifier", "nli:/nonexistent"), ("--answer-checker", "cross-encoder:/nonexistent")):
        result = rag(*question, *extra)
        assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
        assert "/nonexistent: not a CrossEncoder model directory" in result.stderr
    # A closed port on this machine: no model server behind it.
    server = rag(*question, "--backend", "openai", "--model", "x", "--base-url", "http://127.0.0.1:9/v1")
    assert server.returncode == 2 and "Traceback" not in server.stderr, server.stderr
    assert "is not reachable" in server.stderr and "127.0.0.1:9" in server.stderr
    a_file = tmp_path / "index"
    a_file.write_text("not an index", encoding="utf-8")
    for command in (("ingest", str(SAMPLE), "--index", str(a_file)), ("ask", "anything", "--index", str(a_file))):
        result = rag(*command)
        assert result.returncode == 2 and "is a file, not a folder" in result.stderr, result.stderr
    assert a_file.read_text(encoding="utf-8") == "not an index"


def test_terminal_chat_answers_and_follows_up(tmp_path: Path) -> None:
    index = tmp_path / "index"
    assert rag("ingest", str(SAMPLE), "--index", str(index)).returncode == 0
    chat = subprocess.run(
        [sys.executable, "-m", "rag.cli", "chat", "--index", str(index)],
        input="Which countries condemned Azerbaijan's aggression at the UN Security Council?\n"
              "And who called that meeting?\n\n",
        capture_output=True, text=True, timeout=300, cwd=REPO)
    assert chat.returncode == 0, chat.stderr
    assert chat.stdout.count("--- verified ---") == 2
    second = chat.stdout.split("--- verified ---")[2]
    assert "France called a special meeting" in second and "Sources:" in second


def test_index_housekeeping_from_the_command_line(tmp_path: Path) -> None:
    index, corpus = tmp_path / "index", tmp_path / "corpus"
    gone = tf.make_text(corpus, "gone.txt", "The convoy left the port at dawn. It reached the border at noon.")
    tf.make_text(corpus, "kept.txt", "Engineers repaired the bridge in April. Traffic resumed in May.")
    # An index built with its own chunking stays usable with no chunking flags at all.
    assert rag("ingest", str(corpus), "--index", str(index), "--chunk-tokens", "100",
               "--chunk-overlap", "20").returncode == 0
    docs = rag("docs", "--index", str(index), "--json")
    assert docs.returncode == 0, docs.stderr
    assert {d["state"] for d in json.loads(docs.stdout)} == {"complete"}
    tf.make_text(corpus, "new.txt", "The harbour was dredged in June. Larger ships can now dock.")
    again = rag("ingest", str(corpus), "--index", str(index), "--json")
    assert again.returncode == 0, again.stderr
    assert [Path(p).name for p in json.loads(again.stdout)["added"]] == ["new.txt"]
    # A file named on the command line that was deleted since leaves the index (exit 1: it failed to load).
    gone.unlink()
    pruned = rag("ingest", str(gone), "--index", str(index), "--json")
    assert pruned.returncode == 1, pruned.stderr
    assert [Path(p).name for p in json.loads(pruned.stdout)["removed"]] == ["gone.txt"]
    # Mistakes are usage errors that touch nothing.
    for args in (("docs", "--index", str(tmp_path / "typo")), ("remove", "x.txt", "--index", str(tmp_path / "typo"))):
        result = rag(*args)
        assert result.returncode == 2 and "no index here yet" in result.stderr, result
    assert not (tmp_path / "typo").exists()
    empty = rag("ask", "  ", "--index", str(index))
    assert empty.returncode == 2 and "must not be empty" in empty.stderr and "Traceback" not in empty.stderr
