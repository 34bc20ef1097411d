"""Scale benchmark: 10k and 100k chunk indexes (1M with --sizes). Prints figures, asserts nothing.

Text is real: SQuAD 2.0 dev sentence windows (one to three sentences), repeated
as further "editions" (each copy its own document, title and chunk ids) to reach
the size. Vectors are computed once with the real model for the distinct texts
(cached in ``--cache``) and reused for every copy with a little noise (then
renormalised), since this 2-core machine embeds about 30 chunks a second.

For each size it builds an embedded index by writing chunks and vectors
straight to the store (no encoding), brings the lexical index in step, and then
in a fresh process (so nothing is warm) measures:

- cold start: process start to the first extractive answer (imports, model, index),
- resident memory (RSS) after answering, and its peak,
- retrieval latency (query embedding + dense + lexical + fusion), median and p95,
- extractive answer latency (retrieval + sentence ranking + verification), median and p95,
- adding one new document (a file through ``Assistant.ingest``) and removing it, index loaded,
- on-disk size (Chroma + lexical index),

next to the design this replaced ("rebuild": every process loading every chunk
and vector from the store and building BM25 in memory at start and after each
write): its time and memory at the same size. Ingest throughput is the write
rate without encoding; the encoder's own rate is ``bench/embed_bench.py``'s.

Goals at 100k: cold start <= 5 s, RSS <= 1.5 GB, retrieval median <= 50 ms,
extractive answer median <= 200 ms, add/remove one document <= 2 s.

Usage:
    python bench/scale_bench.py [--sizes 10000,100000] [--questions 40] [--base 1000] [--work DIR]
                                [--embed-backends torch,auto] [--reuse]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from _common import REPO, SQUAD, p95  # bench/ is this script's folder; sets the environment

NEW_DOC = ("The Lachin corridor agreement of 2031 placed a joint customs post at the Hakari bridge, "
           "staffed by inspectors from both governments and observed by the mission. Trucks carrying "
           "humanitarian cargo were to be cleared within four hours.")


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def du_mb(path: Path) -> float:
    """Chroma + lexical index; an ONNX export cached in the index folder (the model, 90 MB) is left out."""
    files = [p for p in path.rglob("*") if p.is_file() and "onnx" not in p.relative_to(path).parts]
    return sum(p.stat().st_size for p in files) / 1e6


# ------------------------------------------------------------------- data
def base_texts(n: int) -> tuple[list[tuple[str, str]], list[str]]:
    """``n`` distinct (title, text) sentence windows and questions about their paragraphs."""
    from rag.chunk import split_sentences
    from rag.eval.datasets import load_squad

    data = load_squad(SQUAD)
    rng = random.Random(0)
    windows: list[tuple[str, str]] = []
    for width in (2, 1, 3):
        for _, title, text in data.documents:
            spans = split_sentences(text)
            for i in range(0, len(spans) - width + 1, width):
                windows.append((title, text[spans[i].start:spans[i + width - 1].end]))
    rng.shuffle(windows)
    windows = windows[:n]
    # Questions whose answer is in the indexed text, so answers are composed, not refused.
    joined = "\n".join(text for _, text in windows)
    questions = [item.question for item in data.items if item.answers and item.answers[0] in joined]
    rng.shuffle(questions)
    return windows, questions[:400]


def base_vectors(texts: list[tuple[str, str]], cache: Path) -> Any:
    import numpy as np

    path = cache / f"base-{len(texts)}.npy"
    if path.exists():
        return np.load(path)
    from rag.embed import SentenceTransformerEmbedder

    started = time.perf_counter()
    vectors = SentenceTransformerEmbedder().embed_documents([t for _, t in texts])
    print(f"embedded {len(texts)} distinct texts once in {time.perf_counter() - started:.0f} s "
          f"(cached in {path})", flush=True)
    cache.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def build(index: Path, size: int, texts: list[tuple[str, str]], vectors: Any, per_doc: int = 10) -> dict[str, float]:
    """Write ``size`` chunks (copies of ``texts``) straight into a fresh embedded index."""
    import numpy as np

    from rag.config import Config
    from rag.lexical import LexicalIndex, default_path
    from rag.records import Chunk
    from rag.store import ChunkStore, DocumentRecord

    shutil.rmtree(index, ignore_errors=True)
    config = Config(index_dir=str(index))
    store = ChunkStore(config)
    rng = np.random.default_rng(size)
    started = time.perf_counter()
    step = 5000
    written = 0
    while written < size:
        n = min(step, size - written)
        rows = np.arange(written, written + n) % len(texts)
        editions = np.arange(written, written + n) // len(texts)
        noise = rng.normal(0, 0.01, (n, vectors.shape[1])).astype(np.float32)
        batch_vectors = vectors[rows] + noise * (editions[:, None] > 0)
        batch_vectors /= np.linalg.norm(batch_vectors, axis=1, keepdims=True)
        chunks, records = [], {}
        for j, (row, edition) in enumerate(zip(rows, editions)):
            title, text = texts[int(row)]
            doc = (written + j) // per_doc
            source = f"/archive/{doc // 1000:03d}/doc-{doc:07d}.txt"
            title = f"{title} (edition {edition + 1})"
            chunks.append(Chunk(id=Chunk.make_id(source, text, j), source=source, title=title, text=text,
                                start=0, end=len(text), index=(written + j) % per_doc, doc_hash=source))
            records[source] = DocumentRecord(source=source, title=title, content_hash=f"h{doc}",
                                             chunks=min(per_doc, size - doc * per_doc), format="txt")
        store.put_documents(list(records.values()))
        store.upsert_chunks(chunks, batch_vectors)
        written += n
    store.bump_generation()
    store.record_config()
    write_s = time.perf_counter() - started
    started = time.perf_counter()
    LexicalIndex(default_path(config)).sync(store)
    lexical_s = time.perf_counter() - started
    return {"write_s": write_s, "lexical_s": lexical_s}


# ------------------------------------------------------------ the worker
def worker(index: Path, questions: list[str], scratch: Path, rebuild: bool, spawned: float,
           embed_backend: str | None = None) -> dict[str, Any]:
    """Runs in a fresh process: cold start, latencies, add/remove, memory; then the old rebuild."""
    from rag.assistant import Assistant

    assistant = Assistant(index_dir=index, **({"embed_backend": embed_backend} if embed_backend else {}))
    first = assistant.ask(questions[0])
    # CPU seconds next to wall-clock ones: on a machine shared with other work, wall time
    # measures the queue as much as the code.
    out: dict[str, Any] = {"cold_start_s": time.time() - spawned, "cold_start_cpu_s": time.process_time(),
                           "first_refused": first.refused,
                           "embed_backend": f"{assistant.config.embed_backend} -> "
                                            f"{getattr(assistant.embedder, 'backend', 'torch')}"}
    retrieval, answer, retrieval_cpu, answer_cpu, retrieval_acl = [], [], [], [], []
    for q in questions[1:]:
        t, c = time.perf_counter(), time.process_time()
        assistant.retrieve(q)
        retrieval.append((time.perf_counter() - t) * 1000)
        retrieval_cpu.append((time.process_time() - c) * 1000)
        # What a logged-in chat user gets: retrieval restricted to the collections they may read.
        t = time.perf_counter()
        assistant.retrieve(q, allowed_collections=["default", "analysts"])
        retrieval_acl.append((time.perf_counter() - t) * 1000)
        t, c = time.perf_counter(), time.process_time()
        assistant.ask(q)
        answer.append((time.perf_counter() - t) * 1000)
        answer_cpu.append((time.process_time() - c) * 1000)
    out.update(retrieval_ms=retrieval, retrieval_acl_ms=retrieval_acl, answer_ms=answer,
               retrieval_cpu_ms=retrieval_cpu, answer_cpu_ms=answer_cpu)
    out["load_average"] = os.getloadavg()[0]
    out["rss_mb"], out["peak_rss_mb"] = rss_mb()
    scratch.mkdir(parents=True, exist_ok=True)
    new = scratch / "new-article.txt"
    new.write_text(NEW_DOC, encoding="utf-8")
    t = time.perf_counter()
    report = assistant.ingest([new], prune=False, progress=False)
    out["add_s"] = time.perf_counter() - t
    hit = assistant.ask("Where was the joint customs post placed?")
    out["new_doc_answered"] = any(c.source == str(new.resolve()) for c in hit.citations)
    t = time.perf_counter()
    assistant.remove(str(new))
    out["remove_s"] = time.perf_counter() - t
    out["added_ok"] = report.ok
    if rebuild:
        # The replaced design: all chunks and vectors into memory, BM25 built from scratch.
        import bm25s

        from rag.text import terms

        before = rss_mb()[0]
        t = time.perf_counter()
        try:
            chunks, vectors = assistant.store.all_chunks_with_vectors()
        except Exception as exc:  # at 100k Chroma 1.5 refuses to return every row in one get
            out["rebuild_error"] = f"{type(exc).__name__}: {exc}"
            return out
        corpus = [terms(f"{c.title} {c.text}") or ["\x00"] for c in chunks]
        vocab: dict[str, int] = {}
        ids = [[vocab.setdefault(w, len(vocab)) for w in doc] for doc in corpus]
        bm25 = bm25s.BM25()
        bm25.index(bm25s.tokenization.Tokenized(ids=ids, vocab=vocab), show_progress=False)
        out["rebuild_s"] = time.perf_counter() - t
        out["rebuild_extra_rss_mb"] = rss_mb()[0] - before
        del chunks, vectors, corpus, bm25
    return out


def run_size(size: int, args: argparse.Namespace, texts: list[tuple[str, str]], vectors: Any,
             questions: list[str], embed_backend: str | None = None) -> dict[str, Any]:
    index = Path(args.work) / f"index-{size}"
    stamp = index / "bench-built.json"
    if args.reuse and stamp.exists():
        built = json.loads(stamp.read_text())
    else:
        built = build(index, size, texts, vectors)
        stamp.write_text(json.dumps(built))
    disk = du_mb(index)
    qfile = Path(args.work) / "questions.json"
    qfile.write_text(json.dumps(questions[:args.questions + 1]))
    cmd = [sys.executable, __file__, "--worker", str(index), "--questions-file", str(qfile),
           "--work", args.work] + (["--rebuild"] if size <= args.rebuild_max else []) + (
               ["--embed-backend", embed_backend] if embed_backend else [])
    cmd += ["--spawned", repr(time.time())]
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    if proc.returncode != 0:
        raise SystemExit(f"worker failed at {size}:\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result.update(size=size, disk_mb=disk, **built, ingest_chunks_per_s=size / (built["write_s"] + built["lexical_s"]))
    return result


def show(r: dict[str, Any]) -> None:
    ret, ans = r["retrieval_ms"], r["answer_ms"]
    print(f"\n{r['size']:,} chunks, embed_backend {r.get('embed_backend', '?')}")
    print(f"  ingest (write + lexical, no encoding) {r['ingest_chunks_per_s']:8.0f} chunks/s   "
          f"(store {r['write_s']:.1f} s, lexical index {r['lexical_s']:.1f} s)")
    print(f"  on disk                               {r['disk_mb']:8.0f} MB")
    print(f"  cold start to first answer            {r['cold_start_s']:8.2f} s     (goal <= 5 s at 100k; "
          f"CPU {r.get('cold_start_cpu_s', float('nan')):.1f} s)")
    print(f"  RSS after answering / peak            {r['rss_mb']:8.0f} MB / {r['peak_rss_mb']:.0f} MB (goal <= 1500)")
    print(f"  retrieval                     median {statistics.median(ret):7.1f} ms   "
          f"p95 {p95(ret):7.1f} ms   (goal <= 50 ms median)")
    if r.get("retrieval_acl_ms"):
        acl = r["retrieval_acl_ms"]
        print(f"  retrieval, access-controlled  median {statistics.median(acl):7.1f} ms   "
              f"p95 {p95(acl):7.1f} ms   (a reader allowed listed collections)")
    print(f"  extractive answer             median {statistics.median(ans):7.1f} ms   "
          f"p95 {p95(ans):7.1f} ms   (goal <= 200 ms median)")
    if "retrieval_cpu_ms" in r:
        print(f"  CPU time: retrieval median {statistics.median(r['retrieval_cpu_ms']):6.1f} ms, extractive answer "
              f"median {statistics.median(r['answer_cpu_ms']):6.1f} ms   (load average {r['load_average']:.1f} "
              f"on {os.cpu_count()} cores)")
    print(f"  add one document / remove it          {r['add_s']:8.2f} s / {r['remove_s']:.2f} s   (goal <= 2 s; "
          f"new document answered: {r['new_doc_answered']})")
    if "rebuild_error" in r:
        print(f"  replaced design: rebuild in memory    fails: {r['rebuild_error']}")
    if "rebuild_s" in r:
        print(f"  replaced design: rebuild in memory    {r['rebuild_s']:8.2f} s, "
              f"+{r['rebuild_extra_rss_mb']:.0f} MB RSS (at every start and after every write)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--base", type=int, default=1000, help="distinct texts embedded (then copied)")
    parser.add_argument("--work", default="/tmp/rag-scale-bench")
    parser.add_argument("--cache", default=None, help="where base vectors are cached (default: WORK/cache)")
    parser.add_argument("--rebuild-max", type=int, default=100000,
                        help="measure the replaced in-memory rebuild up to this size")
    parser.add_argument("--json", help="also write the results here")
    parser.add_argument("--reuse", action="store_true", help="reuse indexes a previous run built in --work")
    parser.add_argument("--embed-backends", default="",
                        help="comma-separated embed_backend values, one worker each (default: the configured one)")
    parser.add_argument("--embed-backend", help=argparse.SUPPRESS)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--questions-file", help=argparse.SUPPRESS)
    parser.add_argument("--rebuild", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--spawned", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        questions = json.loads(Path(args.questions_file).read_text())
        print(json.dumps(worker(Path(args.worker), questions, Path(args.work) / "scratch", args.rebuild,
                                args.spawned or time.time(), args.embed_backend)))
        return
    Path(args.work).mkdir(parents=True, exist_ok=True)
    texts, questions = base_texts(args.base)
    vectors = base_vectors(texts, Path(args.cache or Path(args.work) / "cache"))
    results = []
    for size in [int(s) for s in args.sizes.split(",")]:
        for backend in [b for b in args.embed_backends.split(",") if b] or [None]:
            result = run_size(size, args, texts, vectors, questions, backend)
            show(result)
            results.append(result)
            sys.stdout.flush()
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
