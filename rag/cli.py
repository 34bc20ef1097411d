"""The ``rag`` command: ingest, docs, remove, ask, chat, serve, eval, eval-verifier.

Exit status (:data:`EXIT_CODES` maps the library's exception *types* to it):
0 success; 1 when some input failed (a file that could not be ingested, an eval
threshold breached); 2 for usage and configuration errors (a bad flag or setting, an
index built with another model, a model directory with no model, a model server that
cannot be reached: one line saying so, no traceback); 75 when the index is busy (another process is
writing to it: try again later); 130 when interrupted.

``-v`` shows the library's progress records (``-vv`` debug), with timestamps; ``-q``
only errors, and no progress bar. ``--json`` prints machine-readable data on every
command that prints data; ``--version`` the distribution and its version.

Importing this module changes nothing global: :func:`main` configures logging for
the run (and undoes it when called in-process) and sets the offline defaults
(``HF_HUB_OFFLINE`` …) the command runs under.

Example:
    $ rag ingest corpus/sample --index index --json
    $ rag -v ask "When did the offensive start?" --index index
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

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
from rag.extras import DISTRIBUTION, MissingExtraError

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_BUSY, EXIT_INTERRUPTED = 0, 1, 2, 75, 130

EXIT_CODES: dict[type[BaseException], int] = {
    RagError: EXIT_FAILED,
    LoadError: EXIT_FAILED,
    UsageError: EXIT_USAGE,
    ConfigError: EXIT_USAGE,
    FilterError: EXIT_USAGE,
    MarkerError: EXIT_USAGE,
    MissingExtraError: EXIT_USAGE,
    StoreError: EXIT_USAGE,  # no index there, a server that cannot be reached: fix the command or the setup
    IndexMismatchError: EXIT_USAGE,
    IndexBusyError: EXIT_BUSY,  # EX_TEMPFAIL (sysexits.h): another writer holds the index, try again
    KeyboardInterrupt: EXIT_INTERRUPTED,
}
"""Exit status for each exception type; the most specific class in an exception's MRO wins."""

# Loggers whose info records a command shows without -v: a server's sign-in audit lines and users-file
# reloads; an eval's progress (what it syncs, how many questions are answered).
INFO_BY_DEFAULT: dict[str, tuple[str, ...]] = {"serve": ("rag.ui",), "eval": ("rag.eval",)}

# What the command runs under unless the environment says otherwise: nothing downloads, no telemetry.
# Set by main() (the application), never at import.
OFFLINE_DEFAULTS = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
                    "ANONYMIZED_TELEMETRY": "False", "TOKENIZERS_PARALLELISM": "false"}


def exit_code(exc: BaseException) -> int | None:
    """The exit status :data:`EXIT_CODES` gives ``exc`` (by type, most specific first); None if unmapped."""
    for cls in type(exc).__mro__:
        if cls in EXIT_CODES:
            return EXIT_CODES[cls]
    return None


def package_version() -> str:
    """The installed distribution's version; in a source checkout that is not installed, pyproject's."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        pass
    import tomllib

    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    try:
        project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
    except (OSError, tomllib.TOMLDecodeError):
        project = {}
    if project.get("name") == DISTRIBUTION and project.get("version"):
        return f"{project['version']} (source tree, not installed)"
    return "unknown (not installed)"


# ---------------------------------------------------------------------- logging

class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg,unused-ignore]
    """Writes to whatever ``sys.stderr`` is when a record arrives (tests and pagers swap it)."""

    def __init__(self) -> None:
        super().__init__()

    @property  # type: ignore[override,unused-ignore]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:  # StreamHandler.__init__ assigns it; sys.stderr is always used
        pass

    def emit(self, record: logging.LogRecord) -> None:
        bar = _ProgressBar.drawing
        if bar is None:
            super().emit(record)
            return
        try:  # above the progress bar, not through it
            bar.write(self.format(record), file=sys.stderr)
        except Exception:  # noqa: BLE001 - logging's own contract: report, never raise
            self.handleError(record)


class _PlainFormatter(logging.Formatter):
    """Without -v: an info record is its message; others say what they are (``warning: …``), as git does."""

    def format(self, record: logging.LogRecord) -> str:
        message = super().format(record)
        return message if record.levelno == logging.INFO else f"{record.levelname.lower()}: {message}"


def verbosity(args: argparse.Namespace) -> int:
    """``-v`` counts up, ``-q`` down: -1 quiet, 0 normal, 1 info, 2 debug."""
    return int(getattr(args, "verbose", 0) or 0) - int(getattr(args, "quiet", 0) or 0)


def configure_logging(level: int, info: Sequence[str] = ()) -> Callable[[], None]:
    """Send log records to stderr for this run; returns the function that undoes it.

    ``level`` is :func:`verbosity`: -1 errors only; 0 warnings (the library's and
    other libraries'), without timestamps; 1 the library's info records, 2 its
    debug records (and other libraries' info), both with timestamps. pypdf's
    complaints about malformed files stay hidden below 2: the ingest report names
    each file that failed and why. Loggers named in ``info`` show info records at 0.
    """
    root, ours, pypdf = logging.getLogger(), logging.getLogger("rag"), logging.getLogger("pypdf")
    extra = [logging.getLogger(name) for name in info] if level == 0 else []
    saved = [(logger, logger.level) for logger in (root, ours, pypdf, *extra)]
    handler = _StderrHandler()
    if level >= 1:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    else:
        handler.setFormatter(_PlainFormatter())
    root.addHandler(handler)
    root.setLevel(logging.ERROR if level < 0 else logging.INFO if level >= 2 else logging.WARNING)
    ours.setLevel(logging.ERROR if level < 0 else logging.WARNING if level == 0
                  else logging.INFO if level == 1 else logging.DEBUG)
    if level < 2:
        pypdf.setLevel(logging.ERROR)
    for logger in extra:
        logger.setLevel(logging.INFO)

    def undo() -> None:
        root.removeHandler(handler)
        for logger, previous in saved:
            logger.setLevel(previous)

    return undo


def _set_offline_defaults() -> None:
    for key, value in OFFLINE_DEFAULTS.items():
        os.environ.setdefault(key, value)


def _verbosity_flags(parser: argparse.ArgumentParser, *, top: bool) -> None:
    # On the main parser and on every command, so `rag -v ask …` and `rag ask … -v` both work.
    default = 0 if top else argparse.SUPPRESS
    parser.add_argument("-v", "--verbose", action="count", default=default,
                        help="more log output: -v the library's progress, -vv debug (with timestamps)")
    parser.add_argument("-q", "--quiet", action="count", default=default,
                        help="only errors on stderr, and no progress bar")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--index", dest="index_dir", metavar="DIR", help="index directory (default: index)")
    parser.add_argument("--chroma-url", metavar="URL", help="use a Chroma server, e.g. http://localhost:8000")
    parser.add_argument("--config", metavar="TOML", help="configuration file (default: $RAG_CONFIG)")
    parser.add_argument("--embed-backend", choices=["auto", "torch", "onnx", "onnx-int8"],
                        help="how the embedding model runs (default auto: onnx where usable, else torch; "
                             "RAG_EMBED_BACKEND)")


def _answering(parser: argparse.ArgumentParser) -> None:
    from rag.backends import backends  # the registry: a registered backend is a valid choice

    described = "; ".join(f"{name} ({spec.description})" if spec.description else name
                          for name, spec in backends().items())
    parser.add_argument("--backend", choices=list(backends()),
                        help="answer backend: " + described.replace("%", "%%"))
    parser.add_argument("--model", dest="llm_model", help="chat model name (openai/ollama backends)")
    parser.add_argument("--base-url", dest="llm_base_url", help="OpenAI-compatible base URL, e.g. http://localhost:8080/v1")
    parser.add_argument("--ollama-url", help="Ollama server URL (default http://localhost:11434)")
    parser.add_argument("--gguf", dest="gguf_path", help="GGUF model file (llamacpp backend)")
    parser.add_argument("-k", type=int, dest="k", help="number of passages to retrieve")
    parser.add_argument("--strict", action="store_true", default=None, help="drop unsupported sentences")
    parser.add_argument("--source", action="append", help="only search this source (repeatable)")
    parser.add_argument("--title", help="only documents whose title contains this")
    parser.add_argument("--date-from", help="only documents dated on or after YYYY-MM-DD")
    parser.add_argument("--date-to", help="only documents dated on or before YYYY-MM-DD")
    _verifying(parser)
    parser.add_argument("--answer-checker", metavar="SPEC",
                        help="what decides that a sentence answers a factual question: empty for the built-in "
                             "model (default), cross-encoder:DIR, llm (the judge of --verifier-model/-base-url)")


def _verifying(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--verifier", metavar="SPEC",
                        help="support verifier: lexical (default), nli:DIR, llm (see rag.verifiers)")
    parser.add_argument("--verifier-model", help="judge model name for --verifier llm (e.g. bespoke-minicheck)")
    parser.add_argument("--verifier-base-url",
                        help="OpenAI-compatible URL of the judge, e.g. http://localhost:11434/v1 (Ollama)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rag", description="Grounded answers with verified citations.",
                                     epilog="exit status: 0 ok, 1 some input failed, 2 usage or configuration "
                                            "error, 75 index busy (try again), 130 interrupted")
    parser.add_argument("--version", action="version", version=f"{DISTRIBUTION} {package_version()}")
    _verbosity_flags(parser, top=True)
    flags = argparse.ArgumentParser(add_help=False)
    _verbosity_flags(flags, top=False)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", parents=[flags], help="sync files or folders into the index")
    p.add_argument("paths", nargs="+", metavar="PATH")
    _common(p)
    p.add_argument("--collection", help="collection new documents belong to (access groups; default: "
                   "'default', or the collection a folder's .rag-collection marker names)")
    p.add_argument("--move", action="store_true",
                   help="allow moving documents already indexed in a non-default collection to --collection")
    p.add_argument("--follow-symlinks", action="store_true",
                   help="also index symlinked files whose targets are outside the folders named")
    p.add_argument("--prune", action=argparse.BooleanOptionalAction, default=True,
                   help="remove documents whose files left the given folders (default: on)")
    p.add_argument("--rebuild", action="store_true", help="drop the index and build it again")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--chunk-tokens", type=int, help="chunk size in word pieces (max 254)")
    p.add_argument("--chunk-overlap", type=int, help="overlap between chunks in word pieces")
    p.add_argument("--max-file-mb", type=float, help="skip files larger than this")

    p = sub.add_parser("docs", parents=[flags], help="list indexed documents")
    _common(p)
    p.add_argument("--json", action="store_true", help="print the documents as JSON")

    p = sub.add_parser("remove", parents=[flags], help="remove documents from the index")
    p.add_argument("sources", nargs="+", metavar="PATH")
    _common(p)
    p.add_argument("--json", action="store_true",
                   help='print {"removed": [{"path", "chunks"}], "failed": [{"path", "reason"}]} as JSON')

    p = sub.add_parser("ask", parents=[flags], help="answer one question with citations")
    p.add_argument("question")
    _common(p)
    _answering(p)
    p.add_argument("--json", action="store_true", help="print Answer.to_dict() as JSON")

    p = sub.add_parser("chat", parents=[flags], help="a conversation in the terminal")
    _common(p)
    _answering(p)

    p = sub.add_parser("serve", parents=[flags], help="start the web chat")
    _common(p)
    _answering(p)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--users", help="users file for login (TOML/JSON)")
    p.add_argument("--corpus", default="corpus", help="folder where uploads are stored")
    p.add_argument("--editors", metavar="GROUPS",
                   help="comma-separated groups that may upload and remove documents "
                        "(default: every signed-in user; RAG_UI_EDITOR_GROUPS)")

    p = sub.add_parser("eval", parents=[flags], help="evaluate answers on a dataset")
    p.add_argument("dataset", help="JSONL dataset, or a SQuAD 2.0 JSON file")
    _common(p)
    _answering(p)
    p.add_argument("--out", required=True, help="output directory for results and reports")
    p.add_argument("--limit", type=int, help="evaluate only N questions")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--corpus", help="folder of documents to ingest for this dataset")
    p.add_argument("--baseline", help="report.json to compare against")
    p.add_argument("--thresholds", help="TOML file of metric thresholds and tolerances")
    p.add_argument("--judge", metavar="SPEC",
                   help="verifier that judges ALCE citations and faithfulness (same choices as --verifier); "
                        "default: the answering verifier, which the report then flags as self-graded")
    p.add_argument("--write-baseline", metavar="JSON",
                   help="also write report.json here as a baseline (refused from a dirty git tree)")
    p.add_argument("--json", action="store_true", help="print report.json to stdout instead of the summary table")

    p = sub.add_parser("eval-verifier", parents=[flags],
                       help="measure a support verifier on labelled (document, claim) pairs")
    p.add_argument("file", help="JSONL: LLM-AggreFact (doc, claim, label 0/1) or WiCE (claim, evidence, label)")
    p.add_argument("--config", metavar="TOML", help="configuration file (default: $RAG_CONFIG)")
    _verifying(p)
    p.add_argument("--threshold", type=float, help="support threshold (default: the configured support_threshold)")
    p.add_argument("--half", choices=["tune", "report"],
                   help="only one half of the file (split by each row's group, else its id; "
                        "lexical was fitted on WiCE's tune)")
    p.add_argument("--limit", type=int, help="only the first N pairs")
    p.add_argument("--json", action="store_true", help="print the metrics as JSON")
    return parser


def _config(args: argparse.Namespace) -> Any:
    from rag.config import Config

    fields = ("index_dir", "chroma_url", "backend", "llm_model", "llm_base_url", "ollama_url", "gguf_path", "k",
              "strict", "chunk_tokens", "chunk_overlap", "max_file_mb", "verifier", "verifier_model",
              "verifier_base_url", "embed_backend", "answer_checker")
    overrides = {name: getattr(args, name) for name in fields if getattr(args, name, None) is not None}
    return Config.load(getattr(args, "config", None), overrides=overrides)


def _indexed_under(config: Any, paths: Sequence[str]) -> bool:
    """Does the index hold documents at or under any of ``paths`` (files deleted since)?"""
    from rag.ingest import named_key
    from rag.store import ChunkStore

    scopes = [Path(named_key(p)) for p in paths]
    return any(Path(r.source) == scope or scope in Path(r.source).parents
               for r in ChunkStore(config).documents() for scope in scopes)


def _with_index_chunking(config: Any) -> Any:
    """An existing index keeps its own chunking unless the command line names another."""
    from rag.store import ChunkStore

    recorded = ChunkStore(config).recorded_settings()
    chunking = {key: recorded[key] for key in ("chunk_tokens", "chunk_overlap") if key in recorded}
    return config.replace(**chunking) if chunking else config


def _filters(args: argparse.Namespace) -> dict[str, Any] | None:
    from rag.ingest import named_key

    filters = {"source": [named_key(s) for s in (args.source or [])], "title": args.title,
               "date_from": args.date_from, "date_to": args.date_to}
    filters = {k: v for k, v in filters.items() if v}
    return filters or None


def _shown(source: str) -> str:
    """A source as the terminal shows it: relative to the working directory when inside it (as ``--json``)."""
    path = Path(source)
    if path.is_absolute():
        try:
            return path.relative_to(Path.cwd().resolve()).as_posix()
        except ValueError:
            pass
    return source


def _print_answer(answer: Any, stream: Any = sys.stdout) -> None:
    print(answer.answer, file=stream)
    if answer.refused:
        if answer.related:
            print("\nClosest related documents:", file=stream)
            for r in answer.related:
                others = getattr(r, "other_sources", ())  # the same article's other files (RelatedDocument)
                also = f"; also {', '.join(_shown(o) for o in others)}" if others else ""
                print(f"  - {r.title} ({_shown(r.source)}{also})", file=stream)
        return
    unsupported = [s for s in answer.sentences if not s.supported]
    if unsupported:
        print(f"\nNot supported by the cited passages (verifier: {answer.verifier or 'lexical'}):", file=stream)
        for s in unsupported:
            print(f"  ! {s.text} (support {s.support:.2f})", file=stream)
    print("\nSources:", file=stream)
    for c in answer.citations:
        page = f", p. {c.page}" if c.page else ""
        print(f"  [{c.id}] {c.title}{page} — {_shown(c.source)} (chars {c.start}-{c.end})", file=stream)
        print(f"      “{' '.join(c.quote.split())}”", file=stream)
    if answer.invalid_citations:
        print(f"\n(removed citations to passages that do not exist: {answer.invalid_citations})", file=stream)


class _ProgressBar:
    """Draws ingest progress (:data:`rag.ingest.ProgressCallback`) as a tqdm bar on stderr."""

    drawing: Any = None  # the bar on screen, if any: log records are written above it

    def __init__(self) -> None:
        self._bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            from tqdm import tqdm

            self._bar = _ProgressBar.drawing = tqdm(total=total, unit="file", desc="ingest", file=sys.stderr)
        self._bar.update(done - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            _ProgressBar.drawing = None


def cmd_ingest(args: argparse.Namespace) -> int:
    from rag.assistant import Assistant

    config = _config(args)
    missing = [p for p in args.paths if not Path(p).exists()]
    if len(missing) == len(args.paths) and not _indexed_under(config, missing):
        # Nothing named exists and nothing indexed came from there: a typo, not a sync.
        raise UsageError(f"{', '.join(missing)}: no such file or directory; nothing was ingested")
    if args.chunk_tokens is None and args.chunk_overlap is None and not args.rebuild:
        config = _with_index_chunking(config)
    assistant = Assistant(config=config)
    if args.move and not args.collection:
        raise UsageError("--move: name the collection to move documents to with --collection")
    bar = _ProgressBar() if verbosity(args) >= 0 and not args.json and sys.stderr.isatty() else None
    # Without a terminal (a log file, CI), -v shows the progress as info records instead of a bar.
    progress: Any = bar if bar is not None else verbosity(args) >= 1
    try:
        report = assistant.ingest(args.paths, collection=args.collection, prune=args.prune, progress=progress,
                                  rebuild=args.rebuild, move=args.move, follow_symlinks=args.follow_symlinks)
    finally:
        if bar is not None:
            bar.close()
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(f"added {len(report.added)}, updated {len(report.updated)}, unchanged {len(report.unchanged)}, "
              f"removed {len(report.removed)}, failed {len(report.failed)}; "
              f"embedded {report.embedded} chunks; index holds {report.chunks} chunks "
              f"({report.seconds:.1f} s)")
        for failure in report.failed:
            print(f"  failed: {failure['path']}: {failure['reason']}")
    return EXIT_OK if report.ok else EXIT_FAILED


def cmd_docs(args: argparse.Namespace) -> int:
    from rag.assistant import Assistant

    assistant = Assistant(config=_config(args))
    _require_index(assistant)
    docs = assistant.documents()
    if args.json:
        print(json.dumps([{"path": d.source, "title": d.title, "chunks": d.chunks, "format": d.format,
                           "collection": d.collection, "pages": d.pages, "state": d.state} for d in docs],
                         indent=2))
    else:
        for d in docs:
            # "pending": an ingest was interrupted while writing it; the next `rag ingest` repairs it.
            state = "" if d.state == "complete" else f"  [{d.state}: interrupted ingest, run rag ingest again]"
            print(f"{d.chunks:5d}  {d.title}  ({d.source}){state}")
        print(f"{len(docs)} documents, {sum(d.chunks for d in docs)} chunks (in the index: "
              f"{assistant.store.count()})")
    return EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    from rag.assistant import Assistant

    assistant = Assistant(config=_config(args))
    _require_index(assistant)
    removed: list[dict[str, Any]] = []
    failed: list[dict[str, str]] = []
    for source in args.sources:
        try:
            n = assistant.remove(source)
        except KeyError as exc:
            failed.append({"path": source, "reason": str(exc.args[0])})
            if not args.json:
                print(f"rag remove: {exc.args[0]}", file=sys.stderr)
            continue
        removed.append({"path": source, "chunks": n})
        if not args.json:
            print(f"removed {source} ({n} chunks)")
    if args.json:
        print(json.dumps({"removed": removed, "failed": failed}, indent=2, ensure_ascii=False))
    return EXIT_FAILED if failed else EXIT_OK


def cmd_ask(args: argparse.Namespace) -> int:
    from rag.assistant import Assistant

    if not args.question.strip():
        raise UsageError("QUESTION: must not be empty")
    assistant = Assistant(config=_config(args))
    _require_index(assistant)
    answer = assistant.ask(args.question, filters=_filters(args))
    if args.json:
        from rag.paths import public_answer

        # Paths relative to the working directory: the output is often pasted or shipped elsewhere.
        print(json.dumps(public_answer(answer.to_dict(), Path.cwd()), indent=2, ensure_ascii=False))
    else:
        _print_answer(answer)
    return EXIT_OK


def cmd_chat(args: argparse.Namespace) -> int:
    from rag.assistant import Assistant
    from rag.records import Answer

    assistant = Assistant(config=_config(args))
    _require_index(assistant)
    history: list[tuple[str, str]] = []
    print("Ask a question (empty line or Ctrl-D to quit).")
    while True:
        try:
            question = input("\n> ").strip()
        except EOFError:
            break
        if not question:
            break
        final = None
        for piece in assistant.stream(question, history, filters=_filters(args)):
            if isinstance(piece, Answer):
                final = piece
            else:
                print(piece, end="", flush=True)
        print()
        if final is not None:
            # The streamed draft is replaced by what survived verification.
            print("\n--- verified ---")
            _print_answer(final)
            history.append((question, final.answer))
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from rag.assistant import Assistant
    from rag.extras import require

    try:
        require("gradio", "ui", "The chat UI (rag serve)")
        from rag.ui.app import serve
    except MissingExtraError:
        raise
    except ImportError as exc:
        raise UsageError(f"the chat UI cannot be imported ({exc})") from None
    assistant = Assistant(config=_with_index_chunking(_config(args)))  # uploads add to the index as built
    # Serves until interrupted (Ctrl-C or SIGTERM).
    serve(assistant, host=args.host, port=args.port, users_file=args.users, corpus_dir=args.corpus,
          editor_groups=args.editors)
    return EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    try:
        from rag.eval.runner import run_eval
    except ImportError as exc:
        raise UsageError(f"the eval harness is not available ({exc})") from None
    return run_eval(args, _config(args))


def cmd_eval_verifier(args: argparse.Namespace) -> int:
    from rag.eval.verifier_eval import VerifierEvalError, evaluate_verifier, load_pairs
    from rag.verifiers import make_verifier

    config = _config(args)
    threshold = config.support_threshold if args.threshold is None else args.threshold
    try:
        pairs = load_pairs(args.file, half=args.half)
    except VerifierEvalError as exc:
        raise UsageError(str(exc)) from None
    if args.limit is not None:
        if args.limit <= 0:
            raise UsageError(f"--limit: must be > 0, got {args.limit}")
        pairs = pairs[:args.limit]
    scorer = make_verifier(config)
    result = evaluate_verifier(pairs, scorer, threshold)
    result.update(file=str(args.file), half=args.half)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{result['verifier']} on {args.file}{f' ({args.half} half)' if args.half else ''}: "
              f"n={result['n']} (supported {result['n_supported']})")
        print(f"  AUROC {result['auroc']}  balanced accuracy {result['balanced_accuracy']}  F1 {result['f1']}  "
              f"at threshold {threshold:g}")
        print(f"  best balanced accuracy {result['best_balanced_accuracy']} at threshold {result['best_threshold']}")
        lat = result["latency_ms"]
        print(f"  latency per claim: mean {lat['mean']:.1f} ms, median {lat['median']:.1f} ms, p95 {lat['p95']:.1f} ms"
              + (f"; {result['fallbacks']} scored by the fallback" if result["fallbacks"] else ""))
        for label, kinds in result.get("accepted_by_kind", {}).items():
            print(f"  accepted, {label}: " + ", ".join(f"{kind} {share}" for kind, share in kinds.items()))
    return EXIT_OK


def _require_index(assistant: Any) -> None:
    if not assistant.store.exists():
        raise UsageError(f"{assistant.store.location}: no index here yet; run `rag ingest PATH --index "
                         f"{assistant.config.index_dir}` first")


COMMANDS = {"ingest": cmd_ingest, "docs": cmd_docs, "remove": cmd_remove, "ask": cmd_ask, "chat": cmd_chat,
            "serve": cmd_serve, "eval": cmd_eval, "eval-verifier": cmd_eval_verifier}


def _model_server_error(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) is a model server that cannot be reached or did not answer: the
    errors of socket, httpx and the OpenAI client (``ConnectError``, ``APIConnectionError``, timeouts)."""
    current: BaseException | None = exc
    for _ in range(8):
        if current is None:
            return False
        name = type(current).__name__
        if isinstance(current, (ConnectionError, TimeoutError)) or "Connect" in name or "Timeout" in name:
            return True
        current = current.__cause__  # what raised it, not an error met while handling another
    return False


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``rag`` command; returns the exit status (see :data:`EXIT_CODES`)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    _set_offline_defaults()
    undo_logging = configure_logging(verbosity(args), info=INFO_BY_DEFAULT.get(args.command, ()))
    try:
        return COMMANDS[args.command](args)
    except BrokenPipeError:  # `rag docs --json | head` is fine
        sys.stderr.close()
        return EXIT_OK
    except (RagError, KeyboardInterrupt) as exc:
        code = exit_code(exc)
        if code is None:
            raise
        if not isinstance(exc, KeyboardInterrupt):
            print(f"rag {args.command}: {exc}", file=sys.stderr)
        return code
    except Exception as exc:
        if not _model_server_error(exc):
            raise
        # "Connection error." from deep inside a client library, said as the chat says it.
        from rag.ui.backends import friendly_error

        try:
            config = _config(args)
        except RagError:
            raise exc from None
        if config.backend == "extractive" and config.verifier != "llm":
            raise  # no model server in this setup: the error is something else
        message = friendly_error(exc, config, getattr(args, "backend", None))
        print(f"rag {args.command}: {message.replace(' in Options', ' (--backend extractive)')}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        undo_logging()


if __name__ == "__main__":
    sys.exit(main())
