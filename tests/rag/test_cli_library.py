"""The `rag` command behaves like a well-mannered program over a library (issue 12, item 2): exit statuses
follow exception *types*, `--version`, `--json` wherever data is printed, `--prune/--no-prune`, `-v/-q`
set the log level, and `main()` leaves logging as it found it. Fast: fakes, no model."""

from __future__ import annotations

import argparse
import json
import logging
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from rag import cli
from rag import testing_files as tf
from rag.assistant import Assistant
from rag.config import Config
from rag.errors import (
    ConfigError,
    FilterError,
    IndexBusyError,
    IndexMismatchError,
    LoadError,
    MarkerError,
    RagError,
    StoreError,
    UsageError,
)
from rag.extras import MissingExtraError
from rag.ingest import ingest
from rag.store import ChunkStore
from rag.testing import FakeEmbedder


def failing(exc: BaseException) -> Any:
    def command(args: argparse.Namespace) -> int:
        raise exc

    return command


# ------------------------------------------------------------------ exit statuses by type

@pytest.mark.parametrize(("exc", "status"), [
    # The messages say nothing about the kind of error: only the type decides.
    (IndexBusyError("someone else has it"), cli.EXIT_BUSY),
    (StoreError("index is busy (but this is not the busy error type)"), cli.EXIT_USAGE),
    (IndexMismatchError("built with another model"), cli.EXIT_USAGE),
    (UsageError("bad"), cli.EXIT_USAGE),
    (ConfigError("k: must be > 0"), cli.EXIT_USAGE),
    (FilterError("date_from: not a date"), cli.EXIT_USAGE),
    (MarkerError("marker: empty"), cli.EXIT_USAGE),
    (MissingExtraError("gradio", "ui", "The chat UI"), cli.EXIT_USAGE),
    (LoadError("a.pdf", "encrypted"), cli.EXIT_FAILED),
    (RagError("anything else the library reports"), cli.EXIT_FAILED),
    (KeyboardInterrupt(), cli.EXIT_INTERRUPTED),
])
def test_exceptions_map_to_exit_statuses_by_type(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                                 exc: BaseException, status: int) -> None:
    monkeypatch.setitem(cli.COMMANDS, "docs", failing(exc))
    assert cli.main(["docs"]) == status
    if not isinstance(exc, KeyboardInterrupt):
        assert capsys.readouterr().err.strip() == f"rag docs: {exc}"


def test_an_unexpected_exception_is_not_swallowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(cli.COMMANDS, "docs", failing(ZeroDivisionError("bug")))
    with pytest.raises(ZeroDivisionError):
        cli.main(["docs"])


def test_old_import_paths_name_the_same_classes() -> None:
    from rag import collection_rules, config, load, retrieve, store

    assert store.IndexBusyError is IndexBusyError and store.StoreError is StoreError
    assert store.IndexMismatchError is IndexMismatchError and config.ConfigError is ConfigError
    assert load.LoadError is LoadError and retrieve.FilterError is FilterError
    assert collection_rules.MarkerError is MarkerError
    for cls in (IndexBusyError, ConfigError, LoadError, UsageError, MissingExtraError):
        assert issubclass(cls, RagError)
    assert issubclass(ConfigError, ValueError) and issubclass(MissingExtraError, ImportError)


def test_errors_pickle_with_their_fields() -> None:
    load = pickle.loads(pickle.dumps(LoadError("a.pdf", "encrypted")))
    assert (load.path, load.reason, str(load)) == ("a.pdf", "encrypted", "a.pdf: encrypted")
    extra = pickle.loads(pickle.dumps(MissingExtraError("gradio", "ui", "The chat UI")))
    assert (extra.module, extra.extra) == ("gradio", "ui") and "thinktank-rag[ui]" in str(extra)


def test_a_busy_index_exits_75_without_waiting(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The real path: another process holds the write lock; `rag ingest` fails at once with its own status."""
    tf.make_text(tmp_path / "corpus", "a.txt", "The convoy left the port at dawn. It reached the border.")
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import time
        from rag.config import Config
        from rag.store import ChunkStore
        with ChunkStore(Config(index_dir={str(tmp_path / 'index')!r})).write_lock():
            print("locked", flush=True)
            time.sleep(60)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        status = cli.main(["ingest", str(tmp_path / "corpus"), "--index", str(tmp_path / "index"), "-q"])
    finally:
        holder.kill()
        holder.wait()
    assert status == cli.EXIT_BUSY == 75
    assert f"pid {holder.pid}" in capsys.readouterr().err


# ------------------------------------------------------------------ flags

def test_version_names_the_distribution(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--version"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out.strip()
    name, version = out.split(" ", 1)
    assert name == "thinktank-rag" and version[0].isdigit(), out


def test_version_falls_back_to_the_source_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.metadata

    def not_installed(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", not_installed)
    version = cli.package_version()
    assert version[0].isdigit() and "not installed" in version


def test_every_command_that_prints_data_takes_json() -> None:
    parser = cli.build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    with_json = {name for name, p in subparsers.choices.items()
                 if any("--json" in a.option_strings for a in p._actions)}
    # chat is interactive and serve starts a server: neither prints data.
    assert with_json == set(cli.COMMANDS) - {"chat", "serve"}


@pytest.mark.parametrize(("argv", "prune"), [([], True), (["--prune"], True), (["--no-prune"], False)])
def test_ingest_takes_prune_and_no_prune(argv: list[str], prune: bool) -> None:
    args = cli.build_parser().parse_args(["ingest", "corpus", *argv])
    assert args.prune is prune


@pytest.mark.parametrize(("argv", "level"), [
    (["docs"], 0), (["-v", "docs"], 1), (["docs", "-v"], 1), (["-vv", "docs"], 2), (["docs", "-q"], -1),
    (["-q", "docs"], -1), (["docs", "--quiet"], -1),
])
def test_verbosity_flags_before_or_after_the_command(argv: list[str], level: int) -> None:
    assert cli.verbosity(cli.build_parser().parse_args(argv)) == level


def shout(args: argparse.Namespace) -> int:
    log = logging.getLogger("rag.somewhere")
    log.debug("debug record")
    log.info("info record")
    log.warning("warning record")
    log.error("error record")
    return 0


@pytest.mark.parametrize(("flag", "shown", "hidden", "timestamps"), [
    ([], {"warning", "error"}, {"info", "debug"}, False),
    (["-q"], {"error"}, {"warning", "info", "debug"}, False),
    (["-v"], {"info", "warning", "error"}, {"debug"}, True),
    (["-vv"], {"debug", "info", "warning", "error"}, set(), True),
])
def test_log_level_follows_v_and_q(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                   flag: list[str], shown: set[str], hidden: set[str], timestamps: bool) -> None:
    monkeypatch.setitem(cli.COMMANDS, "docs", shout)
    root = logging.getLogger()
    before = (list(root.handlers), root.level, logging.getLogger("rag").level, logging.getLogger("pypdf").level)
    assert cli.main([*flag, "docs"]) == 0
    err = capsys.readouterr().err
    for word in shown:
        assert f"{word} record" in err, (flag, err)
    for word in hidden:
        assert f"{word} record" not in err, (flag, err)
    line = next(line for line in err.splitlines() if "error record" in line)
    assert line[:2].isdigit() is timestamps, line  # "2026-… ERROR rag.somewhere: …" with -v
    if not timestamps:
        assert line == "error: error record"
    # main() undid its logging set-up: an in-process caller's logging is as it was.
    after = (list(root.handlers), root.level, logging.getLogger("rag").level, logging.getLogger("pypdf").level)
    assert after == before


@pytest.mark.parametrize(("argv", "logger"), [(["serve"], "rag.ui.login"),
                                             (["eval", "data.jsonl", "--out", "out"], "rag.eval.runner")])
def test_serve_and_eval_show_their_info_records_by_default(monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str],
                                                           argv: list[str], logger: str) -> None:
    """The server's sign-in audit lines, the eval's progress; not the rest of the library's info records."""
    def fake(args: argparse.Namespace) -> int:
        logging.getLogger(logger).info("shown")
        logging.getLogger("rag.retrieve").info("not shown")
        return 0

    monkeypatch.setitem(cli.COMMANDS, argv[0], fake)
    assert cli.main(argv) == 0
    err = capsys.readouterr().err
    assert "shown" in err.splitlines() and "not shown" not in err
    assert logging.getLogger(logger.rsplit(".", 1)[0]).level == logging.NOTSET


# ------------------------------------------------------------------ commands on a real (fake-embedded) index

def fake_index(tmp_path: Path) -> Path:
    index = tmp_path / "index"
    tf.make_text(tmp_path / "corpus", "kept.txt", "Engineers repaired the bridge in April. Traffic resumed in May.")
    tf.make_text(tmp_path / "corpus", "gone.txt", "The convoy left the port at dawn. It reached the border at noon.")
    assert Assistant(index_dir=index, embedder=FakeEmbedder()).ingest([tmp_path / "corpus"], progress=False).ok
    return index


def test_remove_json_reports_removed_and_failed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    index = fake_index(tmp_path)
    gone = str(tmp_path / "corpus" / "gone.txt")
    status = cli.main(["remove", gone, str(tmp_path / "corpus" / "never.txt"), "--index", str(index), "--json"])
    assert status == cli.EXIT_FAILED
    out = json.loads(capsys.readouterr().out)
    assert [Path(r["path"]).name for r in out["removed"]] == ["gone.txt"] and out["removed"][0]["chunks"] >= 1
    assert [Path(f["path"]).name for f in out["failed"]] == ["never.txt"] and out["failed"][0]["reason"]


def test_ingest_reports_progress_through_a_callback_not_stderr(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    for i in range(3):
        tf.make_text(tmp_path / "corpus", f"a{i}.txt", f"Article {i}. The fleet sailed at dawn on 3 May.")
    config = Config(index_dir=str(tmp_path / "index"))
    calls: list[tuple[int, int]] = []
    report = ingest([tmp_path / "corpus"], ChunkStore(config), FakeEmbedder(), config,
                    progress=lambda done, total: calls.append((done, total)))
    assert report.ok and calls == [(0, 3), (1, 3), (2, 3), (3, 3)]
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == "", "the library draws nothing itself"


def test_ingest_progress_true_logs_records(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    tf.make_text(tmp_path / "corpus", "a.txt", "The fleet sailed at dawn on 3 May.")
    config = Config(index_dir=str(tmp_path / "index"))
    caplog.set_level(logging.INFO, logger="rag.ingest")
    assert ingest([tmp_path / "corpus"], ChunkStore(config), FakeEmbedder(), config, progress=True).ok
    assert [r.getMessage() for r in caplog.records if r.name == "rag.ingest"] == ["ingest: file 1 of 1"]


def test_failed_files_are_warning_records(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    tf.make_text(tmp_path / "corpus", "good.txt", "The fleet sailed at dawn on 3 May.")
    tf.make_encrypted_pdf(tmp_path / "corpus")
    config = Config(index_dir=str(tmp_path / "index"))
    report = ingest([tmp_path / "corpus"], ChunkStore(config), FakeEmbedder(), config)
    assert len(report.failed) == 1
    warnings = [r for r in caplog.records if r.name == "rag.ingest" and r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "encrypted.pdf" in warnings[0].getMessage()


def test_the_terminal_shows_sources_relative_to_the_working_directory_like_json(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    from types import SimpleNamespace

    inside, outside = tmp_path / "corpus" / "a.txt", "/elsewhere/b.txt"
    cite = SimpleNamespace(id=1, title="A", page=None, source=str(inside), start=0, end=10, quote="Quoted text.")
    answer = SimpleNamespace(answer="It happened. [1]", refused=False, sentences=(), citations=[cite],
                             invalid_citations=(), related=(), verifier="lexical")
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    cli._print_answer(answer, out)
    assert "— corpus/a.txt (chars 0-10)" in out.getvalue() and str(tmp_path) not in out.getvalue()
    refusal = SimpleNamespace(answer="No.", refused=True, related=[SimpleNamespace(title="B", source=outside)])
    out = io.StringIO()
    cli._print_answer(refusal, out)
    assert "  - B (/elsewhere/b.txt)" in out.getvalue()  # outside the working directory: the full path
