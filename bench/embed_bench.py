"""Encoder backends: throughput and agreement with PyTorch. Prints figures, asserts nothing.

Encodes the same chunk-sized SQuAD 2.0 dev paragraphs (about 120-200 word
pieces, like the index's chunks) with each ``embed_backend`` and prints chunks
per second, the ratio to PyTorch (measured before and after, so drift of the
machine favours neither side), the same per CPU-second of this process (steadier
than wall-clock time when other jobs share the cores), and how close the vectors are to PyTorch's:
the minimum and median cosine between the two vectors of the same text, and
the maximum absolute difference of any component.

Usage:
    python bench/embed_bench.py [--texts 512] [--rounds 2] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from _common import SQUAD  # bench/ is this script's folder; sets the environment


def texts(n: int) -> list[str]:
    from rag.eval.datasets import load_squad

    paragraphs = [text for _, _, text in load_squad(SQUAD).documents]
    return (paragraphs * (n // max(len(paragraphs), 1) + 1))[:n]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--texts", type=int, default=512)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--out", help="cache folder for the ONNX exports (default: a temporary one)")
    args = parser.parse_args()

    import numpy as np

    from rag.config import Config
    from rag.embed import make_embedder

    sample = texts(args.texts)
    cache = Path(args.out or tempfile.mkdtemp(prefix="embed-bench-"))
    embedders = {b: make_embedder(Config(index_dir=str(cache), embed_backend=b))
                 for b in ("torch", "onnx", "onnx-int8")}
    vectors: dict[str, np.ndarray] = {}
    for name, emb in embedders.items():
        started = time.perf_counter()
        emb.embed_documents(sample[:64])  # load (and for ONNX export once) outside the timing
        print(f"{name:<10} load/export {time.perf_counter() - started:6.1f} s", flush=True)

    rates: dict[str, list[float]] = {name: [] for name in embedders}
    cpu_rates: dict[str, list[float]] = {name: [] for name in embedders}
    order = ["torch", "onnx", "onnx-int8", "torch"]  # torch before and after
    for _ in range(args.rounds):
        for name in order:
            started, cpu_started = time.perf_counter(), time.process_time()
            vectors[name] = embedders[name].embed_documents(sample)
            rates[name].append(len(sample) / (time.perf_counter() - started))
            cpu_rates[name].append(len(sample) / max(time.process_time() - cpu_started, 1e-9))
    base = statistics.median(rates["torch"])
    cpu_base = statistics.median(cpu_rates["torch"])
    results = {}
    for name in embedders:
        rate = statistics.median(rates[name])
        cpu_ratio = statistics.median(cpu_rates[name]) / cpu_base
        cos = np.sum(vectors[name] * vectors["torch"], axis=1)
        diff = float(np.max(np.abs(vectors[name] - vectors["torch"])))
        results[name] = {"chunks_per_s": round(rate, 1), "vs_torch": round(rate / base, 2),
                         "vs_torch_cpu": round(cpu_ratio, 2),
                         "min_cos": float(cos.min()), "median_cos": float(np.median(cos)), "max_abs_diff": diff}
        print(f"{name:<10} {rate:7.1f} chunks/s  {rate / base:4.2f}x torch ({cpu_ratio:4.2f}x per CPU-s)   "
              f"cos to torch: min {cos.min():.6f} "
              f"median {np.median(cos):.6f}   max |diff| {diff:.2e}")
    print(json.dumps({"texts": len(sample), "rounds": args.rounds, "results": results}))


if __name__ == "__main__":
    main()
