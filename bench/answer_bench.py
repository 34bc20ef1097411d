"""Retrieval and answer latency benchmark: prints figures, asserts nothing.

Builds indexes of about 1k and 10k chunks from SQuAD 2.0 dev text (real
embeddings), then times, for a fixed set of questions,

- retrieval (query embedding + dense + BM25 + fusion): median and p95,
- a full extractive answer (retrieval + sentence ranking + verification),
- the same for as many analytic questions (key points from ``analytic_k`` passages),

and, when an OpenAI-compatible server is given (``--base-url``) or can be
started (llama-cpp-python + the packaged SmolLM2 GGUF, ``--llama``), the time
to first streamed token through ``Assistant.stream`` against the model's own
time to first token on the same prompt, i.e. what the pipeline adds.

Goals on a 2-core machine: retrieval < 30 ms median at 10k chunks; extractive
answer < 150 ms.

Usage:
    python bench/answer_bench.py [--sizes 1000,10000] [--questions 50] [--llama]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from _common import SQUAD, p95  # bench/ is this script's folder; sets the environment


def timed(fn: Callable[[str], object], questions: Sequence[str]) -> list[float]:
    fn(questions[0])  # warm caches (BM25 build, model)
    out = []
    for q in questions:
        started = time.perf_counter()
        fn(q)
        out.append((time.perf_counter() - started) * 1000)
    return out


def report(label: str, ms: Sequence[float], goal: float | None = None) -> None:
    med = statistics.median(ms)
    note = f"  (goal < {goal:.0f} ms median: {'met' if med < goal else 'NOT met'})" if goal else ""
    print(f"  {label:<22} median {med:7.1f} ms   p95 {p95(ms):7.1f} ms{note}")


def build_index(directory: Path, size: int, embedder: object) -> "object":
    """An index of ``size`` chunks: SQuAD paragraphs cut into sentence-sized chunks."""
    from rag.chunk import split_sentences
    from rag.config import Config
    from rag.eval.datasets import load_squad
    from rag.records import Chunk
    from rag.store import ChunkStore, DocumentRecord

    data = load_squad(SQUAD)
    chunks: list[Chunk] = []
    # Windows of one, two, then three sentences: realistic passage lengths, and enough for 10k.
    for width in (1, 2, 3):
        for doc_id, title, text in data.documents:
            spans = split_sentences(text)
            for i in range(len(spans) - width + 1):
                start, end = spans[i].start, spans[i + width - 1].end
                piece = text[start:end]
                chunks.append(Chunk(id=Chunk.make_id(doc_id, piece, width * 100_000 + i), source=doc_id, title=title,
                                    text=piece, start=start, end=end, index=i))
                if len(chunks) >= size:
                    break
            if len(chunks) >= size:
                break
        if len(chunks) >= size:
            break
    config = Config(index_dir=str(directory))
    store = ChunkStore(config)
    step = 512
    for i in range(0, len(chunks), step):
        part = chunks[i:i + step]
        store.upsert_chunks(part, embedder.embed_documents([c.text for c in part]))  # type: ignore[attr-defined]
    sources = sorted({c.source for c in chunks})
    store.put_documents([DocumentRecord(source=s, title=s, content_hash="bench", chunks=0) for s in sources])
    store.bump_generation()
    return config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--questions", type=int, default=50)
    parser.add_argument("--base-url", help="OpenAI-compatible server for the time-to-first-token figure")
    parser.add_argument("--model", default="smollm2")
    parser.add_argument("--llama", action="store_true", help="start llama-cpp-python's server with SmolLM2")
    args = parser.parse_args()

    from rag.assistant import Assistant
    from rag.embed import SentenceTransformerEmbedder
    from rag.eval.datasets import load_squad

    embedder = SentenceTransformerEmbedder()
    embedder.embed_query("warm up")
    from rag.questions import question_kind

    items = load_squad(SQUAD).items
    questions = [it.question for it in random.Random(0).sample(items, args.questions)]
    # Analytic questions ("Why…", "How did … react") retrieve analytic_k passages and rank them for key points:
    # timed on their own, the same number of them.
    analytic = [it.question for it in items if question_kind(it.question) == "analytic"]
    analytic = random.Random(0).sample(analytic, min(args.questions, len(analytic)))
    work = Path(tempfile.mkdtemp(prefix="rag-answer-bench-"))
    try:
        last = None
        for size in (int(s) for s in args.sizes.split(",")):
            started = time.perf_counter()
            config = build_index(work / f"index-{size}", size, embedder)
            built = time.perf_counter() - started
            assistant = Assistant(config=config, embedder=embedder)
            print(f"index of {assistant.store.count()} chunks (built in {built:.0f} s), "
                  f"{len(questions)} questions:")
            report("retrieval", timed(assistant.retrieve, questions), 30)
            report("extractive answer", timed(assistant.ask, questions), 150)
            report("analytic answer", timed(assistant.ask, analytic))
            last = assistant
        if last is not None and (args.base_url or args.llama):
            ttft(last, questions[:10], args)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def ttft(assistant: "object", questions: Sequence[str], args: argparse.Namespace) -> None:
    from contextlib import nullcontext

    from rag.testing_servers import llama_server

    context = nullcontext(args.base_url) if args.base_url else llama_server()
    with context as url:
        chat = assistant.__class__(config=assistant.config.replace(  # type: ignore[attr-defined]
            backend="openai", llm_base_url=url, llm_model=args.model, max_tokens=32),
            embedder=assistant.embedder)  # type: ignore[attr-defined]
        pipeline, own = [], []
        for q in questions:
            # The model's own time to first token is timed inside the same call (Answer.timings),
            # so llama.cpp's prompt cache cannot flatter either figure.
            started = time.perf_counter()
            first = None
            final = None
            for piece in chat.stream(q):
                if first is None and isinstance(piece, str):
                    first = (time.perf_counter() - started) * 1000
                final = piece
            if first is not None and final is not None and final.timings.get("first_token"):
                pipeline.append(first)
                own.append(final.timings["first_token"] * 1000)
        print(f"time to first token over {len(questions)} questions ({url}):")
        report("through Assistant", pipeline)
        report("model alone", own)
        print(f"  added by the pipeline: median {statistics.median(pipeline) - statistics.median(own):.1f} ms")


if __name__ == "__main__":
    sys.exit(main())
