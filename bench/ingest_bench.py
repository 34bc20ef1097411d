"""Ingestion benchmark: prints figures, asserts nothing.

Ingests a corpus (default: SQuAD 2.0 dev paragraphs written as .txt files, plus
the sample article) into a fresh index with the real embedding model and prints

- chunks per second for the whole ingest (load, chunk, embed, write),
- the same chunk texts encoded directly with sentence-transformers in the same
  process: the ingest's overhead as a ratio (goal: within 10 % of pure encoding),
- an unchanged re-ingest's time as a share of the first (goal: under 5 %).

Usage:
    python bench/ingest_bench.py [--docs 300] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REPO = Path(__file__).resolve().parent.parent
SQUAD = REPO.parent / "shared" / "datasets" / "squad_v2_dev" / "dev-v2.0.rebuilt.json"


def build_corpus(directory: Path, n_docs: int) -> Path:
    from eval.datasets import load_squad, write_corpus

    data = load_squad(SQUAD)
    write_corpus(data.documents[:n_docs], directory)
    for path in (REPO / "corpus" / "sample").iterdir():
        shutil.copy(path, directory / path.name)
    return directory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=300, help="SQuAD paragraphs to use as documents")
    parser.add_argument("--corpus", type=Path, help="ingest this folder instead")
    args = parser.parse_args()

    from rag.config import Config
    from rag.embed import SentenceTransformerEmbedder
    from rag.ingest import ingest
    from rag.store import ChunkStore

    work = Path(tempfile.mkdtemp(prefix="rag-bench-"))
    try:
        corpus = args.corpus or build_corpus(work / "corpus", args.docs)
        config = Config(index_dir=str(work / "index"))
        embedder = SentenceTransformerEmbedder(batch_size=config.embed_batch_size)
        embedder.embed_documents(["warm up the model so loading is not timed"])
        started = time.perf_counter()
        store = ChunkStore(config)
        store.chunks  # opening (creating) the index is a fixed cost, reported on its own
        open_s = time.perf_counter() - started

        started = time.perf_counter()
        first = ingest([corpus], store, embedder, config, progress=False, log=lambda _: None)
        ingest_s = time.perf_counter() - started

        texts = [c.text for c in ChunkStore(config).all_chunks()]
        started = time.perf_counter()
        embedder.model.encode(texts, batch_size=config.embed_batch_size, normalize_embeddings=True,
                              convert_to_numpy=True, show_progress_bar=False)
        encode_s = time.perf_counter() - started

        started = time.perf_counter()
        again = ingest([corpus], ChunkStore(config), embedder, config, progress=False, log=lambda _: None)
        rerun_s = time.perf_counter() - started

        n_files = len(first.added) + len(first.failed)
        print(f"corpus: {n_files} files, {first.chunks} chunks ({len(first.failed)} failed)")
        print(f"open/create index:   {open_s:8.2f} s  (fixed cost, not in the figures below)")
        print(f"first ingest:        {ingest_s:8.2f} s  {first.chunks / ingest_s:8.1f} chunks/s")
        print(f"pure encoding:       {encode_s:8.2f} s  {len(texts) / encode_s:8.1f} chunks/s")
        print(f"ingest / encoding:   {ingest_s / encode_s:8.3f}x  (overhead {100 * (ingest_s / encode_s - 1):+.1f} %; "
              "goal within +10 %)")
        print(f"unchanged re-ingest: {rerun_s:8.3f} s  = {100 * rerun_s / ingest_s:.2f} % of the first "
              f"(goal < 5 %); embedded {again.embedded}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
