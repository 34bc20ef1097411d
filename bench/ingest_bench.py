"""Ingestion benchmark: prints figures, asserts nothing.

Ingests a corpus (default: SQuAD 2.0 dev paragraphs written as .txt files, plus
the sample article) into a fresh index with the real embedding model and prints

- chunks per second for the whole ingest (load, chunk, embed, write),
- the same chunk texts encoded directly with sentence-transformers in the same
  process: the ingest's overhead as a ratio (goal: within 10 % of pure encoding),
- an unchanged re-ingest's time as a share of the first (goal: under 5 %),
- with ``--fixed-flush``: the same ingest with flushes of a fixed 16 model batches (the size before
  flushes were paced to ``ingest_flush_seconds`` so a killed run keeps its progress), timed in the
  same rounds: the cost of keeping progress (goal: within 3 %).

Usage:
    python bench/ingest_bench.py [--docs 300] [--corpus DIR] [--rounds 3] [--fixed-flush]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _common import REPO, SQUAD  # bench/ is this script's folder; sets the environment


def build_corpus(directory: Path, n_docs: int) -> Path:
    from rag.eval.datasets import load_squad, write_corpus

    data = load_squad(SQUAD)
    write_corpus(data.documents[:n_docs], directory)
    for path in (REPO / "corpus" / "sample").iterdir():
        shutil.copy(path, directory / path.name)
    return directory


def _chunk_texts(corpus: Path, embedder: object, config: object) -> list[str]:
    """The chunk texts an ingest of ``corpus`` will embed (same loaders, same chunker)."""
    from rag.chunk import chunk_document
    from rag.ingest import discover, source_key
    from rag.load import LoadError, LoadLimits, load_document

    limits = LoadLimits.from_config(config)
    texts: list[str] = []
    for path in discover([corpus])[0]:
        try:
            doc = load_document(path, source=source_key(path), limits=limits)
        except LoadError:
            continue
        texts.extend(c.text for c in chunk_document(doc, embedder.token_offsets,
                                                    max_tokens=config.chunk_tokens,
                                                    overlap=config.chunk_overlap))
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=300, help="SQuAD paragraphs to use as documents")
    parser.add_argument("--corpus", type=Path, help="ingest this folder instead")
    parser.add_argument("--rounds", type=int, default=3, help="encode/ingest/encode rounds (medians reported)")
    parser.add_argument("--fixed-flush", action="store_true",
                        help="also time ingests with fixed 16-batch flushes (no progress pacing) in each round")
    args = parser.parse_args()

    from rag.config import Config
    from rag.embed import SentenceTransformerEmbedder
    from rag.ingest import ingest
    from rag.store import ChunkStore

    work = Path(tempfile.mkdtemp(prefix="rag-bench-"))
    try:
        corpus = args.corpus or build_corpus(work / "corpus", args.docs)
        config = Config(index_dir=str(work / "index"))  # the settings; each round has its own index
        embedder = SentenceTransformerEmbedder(batch_size=config.embed_batch_size)
        texts = _chunk_texts(corpus, embedder, config)
        # Warm up with one untimed pass over the same texts: the first pass pays one-off costs
        # (allocations, kernel selection per shape) that would otherwise land on whichever of the
        # timings runs first.
        embedder.embed_documents(texts)

        def encode() -> float:
            started = time.perf_counter()
            embedder.model.encode(texts, batch_size=config.embed_batch_size, normalize_embeddings=True,
                                  convert_to_numpy=True, show_progress_bar=False)
            return time.perf_counter() - started

        # Rounds of encode → ingest (into a fresh index) → encode: pure encoding brackets every
        # ingest, so drift in the machine's speed (thermal, other load) favours neither side, and
        # the medians over rounds damp the noise of a shared 2-core machine.
        ingests: list[float] = []
        encodes: list[float] = []
        opens: list[float] = []
        ratios: list[float] = []
        fixed: list[float] = []

        def fixed_flush_ingest(round_no: int) -> None:
            # Pacing to a day of encoding = the old fixed flush of 16 batches (after a first, 2-batch one).
            old = Config(index_dir=str(work / f"fixed{round_no}"), ingest_flush_seconds=86_400.0)
            old_store = ChunkStore(old)
            _ = old_store.chunks
            started = time.perf_counter()
            ingest([corpus], old_store, embedder, old, progress=False, log=lambda _: None)
            fixed.append(time.perf_counter() - started)

        for round_no in range(args.rounds):
            if args.fixed_flush and round_no % 2 == 0:  # alternate which runs first
                fixed_flush_ingest(round_no)
            config = Config(index_dir=str(work / f"index{round_no}"))
            before = encode()
            started = time.perf_counter()
            store = ChunkStore(config)
            _ = store.chunks  # opening (creating) the index is a fixed cost, reported on its own
            opens.append(time.perf_counter() - started)
            started = time.perf_counter()
            first = ingest([corpus], store, embedder, config, progress=False, log=lambda _: None)
            ingests.append(time.perf_counter() - started)
            after = encode()
            encodes += [before, after]
            ratios.append(ingests[-1] / ((before + after) / 2))
            if args.fixed_flush and round_no % 2 == 1:
                fixed_flush_ingest(round_no)
            fixed_note = f", fixed-flush ingest {fixed[-1]:.2f} s" if fixed else ""
            print(f"round {round_no}: ingest {ingests[-1]:.2f} s, encoding {before:.2f}/{after:.2f} s"
                  f"{fixed_note}", flush=True)
            if round_no == 0:
                stored = sorted(c.text for c in ChunkStore(config).all_chunks())
                assert sorted(texts) == stored, "the baseline must encode exactly the chunks the ingest stored"

        started = time.perf_counter()
        again = ingest([corpus], ChunkStore(config), embedder, config, progress=False, log=lambda _: None)
        rerun_s = time.perf_counter() - started

        ingest_s, encode_s = statistics.median(ingests), statistics.median(encodes)
        n_files = len(first.added) + len(first.failed)
        print(f"corpus: {n_files} files, {first.chunks} chunks ({len(first.failed)} failed); "
              f"{args.rounds} rounds, medians")
        print(f"open/create index:   {statistics.median(opens):8.2f} s  (a fixed cost, like loading the model "
              "and importing the loaders: not in the figures below)")
        print(f"first ingest:        {ingest_s:8.2f} s  {first.chunks / ingest_s:8.1f} chunks/s")
        print(f"pure encoding:       {encode_s:8.2f} s  {len(texts) / encode_s:8.1f} chunks/s")
        print(f"ingest / encoding:   {ingest_s / encode_s:8.3f}x  (overhead {100 * (ingest_s / encode_s - 1):+.1f} %; "
              f"goal within +10 %); per round: {', '.join(f'{r:.3f}x' for r in ratios)}")
        print(f"unchanged re-ingest: {rerun_s:8.3f} s  = {100 * rerun_s / ingest_s:.2f} % of the first "
              f"(goal < 5 %); embedded {again.embedded}")
        if fixed:
            fixed_s = statistics.median(fixed)
            print(f"fixed 16-batch flush:{fixed_s:8.2f} s  paced / fixed = {ingest_s / fixed_s:.3f}x "
                  f"(cost of keeping progress {100 * (ingest_s / fixed_s - 1):+.1f} %; goal within +3 %); "
                  f"per round: {', '.join(f'{a / b:.3f}x' for a, b in zip(ingests, fixed))}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
