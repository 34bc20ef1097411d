"""The ``rag`` command: ingest, docs, remove, ask, chat, serve, eval, eval-verifier.

Exit status: 0 success, 1 when some input failed (e.g. a file that could not be
ingested, an eval threshold breached), 2 for usage and configuration errors.

Example:
    $ rag ingest corpus/sample --index index --json
    $ rag ask "When did the offensive start?" --index index
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, Sequence

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    pass


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--index", dest="index_dir", metavar="DIR", help="index directory (default: index)")
    parser.add_argument("--chroma-url", metavar="URL", help="use a Chroma server, e.g. http://localhost:8000")
    parser.add_argument("--config", metavar="TOML", help="configuration file (default: $RAG_CONFIG)")
    parser.add_argument("--embed-backend", choices=["torch", "onnx", "onnx-int8"],
                        help="how the embedding model runs (default torch; RAG_EMBED_BACKEND)")


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


def _verifying(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--verifier", metavar="SPEC",
                        help="support verifier: lexical (default), nli:DIR, llm (see rag.verifiers)")
    parser.add_argument("--verifier-model", help="judge model name for --verifier llm (e.g. bespoke-minicheck)")
    parser.add_argument("--verifier-base-url",
                        help="OpenAI-compatible URL of the judge, e.g. http://localhost:11434/v1 (Ollama)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rag", description="Grounded answers with verified citations.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="sync files or folders into the index")
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
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--chunk-tokens", type=int, help="chunk size in word pieces (max 254)")
    p.add_argument("--chunk-overlap", type=int, help="overlap between chunks in word pieces")
    p.add_argument("--max-file-mb", type=float, help="skip files larger than this")

    p = sub.add_parser("docs", help="list indexed documents")
    _common(p)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("remove", help="remove documents from the index")
    p.add_argument("sources", nargs="+", metavar="PATH")
    _common(p)

    p = sub.add_parser("ask", help="answer one question with citations")
    p.add_argument("question")
    _common(p)
    _answering(p)
    p.add_argument("--json", action="store_true", help="print Answer.to_dict() as JSON")

    p = sub.add_parser("chat", help="a conversation in the terminal")
    _common(p)
    _answering(p)

    p = sub.add_parser("serve", help="start the web chat")
    _common(p)
    _answering(p)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--users", help="users file for login (TOML/JSON)")
    p.add_argument("--corpus", default="corpus", help="folder where uploads are stored")
    p.add_argument("--editors", metavar="GROUPS",
                   help="comma-separated groups that may upload and remove documents "
                        "(default: every signed-in user; RAG_UI_EDITOR_GROUPS)")

    p = sub.add_parser("eval", help="evaluate answers on a dataset")
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

    p = sub.add_parser("eval-verifier", help="measure a support verifier on labelled (document, claim) pairs")
    p.add_argument("file", help="JSONL: LLM-AggreFact (doc, claim, label 0/1) or WiCE (claim, evidence, label)")
    p.add_argument("--config", metavar="TOML", help="configuration file (default: $RAG_CONFIG)")
    _verifying(p)
    p.add_argument("--threshold", type=float, help="support threshold (default: the configured support_threshold)")
    p.add_argument("--half", choices=["tune", "report"],
                   help="only one half of a WiCE file (split by claim id; lexical was fitted on tune)")
    p.add_argument("--limit", type=int, help="only the first N pairs")
    p.add_argument("--json", action="store_true", help="print the metrics as JSON")
    return parser


def _config(args: argparse.Namespace) -> Any:
    from rag.config import Config

    fields = ("index_dir", "chroma_url", "backend", "llm_model", "llm_base_url", "ollama_url", "gguf_path", "k",
              "strict", "chunk_tokens", "chunk_overlap", "max_file_mb", "verifier", "verifier_model",
              "verifier_base_url", "embed_backend")
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


def _print_answer(answer: Any, stream: Any = sys.stdout) -> None:
    print(answer.answer, file=stream)
    if answer.refused:
        if answer.related:
            print("\nClosest related documents:", file=stream)
            for r in answer.related:
                print(f"  - {r.title} ({r.source})", file=stream)
        return
    unsupported = [s for s in answer.sentences if not s.supported]
    if unsupported:
        print(f"\nNot supported by the cited passages (verifier: {answer.verifier or 'lexical'}):", file=stream)
        for s in unsupported:
            print(f"  ! {s.text} (support {s.support:.2f})", file=stream)
    print("\nSources:", file=stream)
    for c in answer.citations:
        page = f", p. {c.page}" if c.page else ""
        print(f"  [{c.id}] {c.title}{page} — {c.source} (chars {c.start}-{c.end})", file=stream)
        print(f"      “{' '.join(c.quote.split())}”", file=stream)
    if answer.invalid_citations:
        print(f"\n(removed citations to passages that do not exist: {answer.invalid_citations})", file=stream)


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
    report = assistant.ingest(args.paths, collection=args.collection, prune=args.prune,
                              progress=False if (args.quiet or args.json) else None, rebuild=args.rebuild,
                              move=args.move, follow_symlinks=args.follow_symlinks)
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
    status = EXIT_OK
    for source in args.sources:
        try:
            n = assistant.remove(source)
            print(f"removed {source} ({n} chunks)")
        except KeyError as exc:
            print(f"rag remove: {exc.args[0]}", file=sys.stderr)
            status = EXIT_FAILED
    return status


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
    except ImportError as exc:
        raise UsageError(str(exc)) from None
    assistant = Assistant(config=_with_index_chunking(_config(args)))  # uploads add to the index as built
    return serve(assistant, host=args.host, port=args.port, users_file=args.users, corpus_dir=args.corpus,
                 editor_groups=args.editors) or 0


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
    return EXIT_OK


def _require_index(assistant: Any) -> None:
    if not assistant.store.exists():
        raise UsageError(f"{assistant.store.location}: no index here yet; run `rag ingest PATH --index "
                         f"{assistant.config.index_dir}` first")


COMMANDS = {"ingest": cmd_ingest, "docs": cmd_docs, "remove": cmd_remove, "ask": cmd_ask, "chat": cmd_chat,
            "serve": cmd_serve, "eval": cmd_eval, "eval-verifier": cmd_eval_verifier}


def main(argv: Sequence[str] | None = None) -> int:
    from rag.config import ConfigError
    from rag.retrieve import FilterError
    from rag.store import StoreError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except (UsageError, ConfigError, FilterError) as exc:
        print(f"rag {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except StoreError as exc:
        print(f"rag {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE if "busy" not in str(exc) else EXIT_FAILED
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `rag docs --json | head` is fine
        sys.stderr.close()
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
