"""A killed ingest keeps its progress (issue 9, item 9): the re-run embeds only what was not stored."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from rag import testing_files as tf
from rag.config import Config
from rag.ingest import _FlushPacer, ingest
from rag.store import ChunkStore
from rag.testing import FakeEmbedder

ARTICLE = ("The fleet sailed at dawn on 3 May. Its commander reported calm seas. "
           "Supplies were loaded in the northern port. The crews trained for two weeks before departure. ")

# Encodes 50 chunks per second, so a flush sized to 0.3 s holds about 15 chunks.
SLOW_INGEST = """
import sys, time
from rag.config import Config
from rag.ingest import ingest
from rag.store import ChunkStore
from rag.testing import FakeEmbedder

class SlowEmbedder(FakeEmbedder):
    def embed_documents(self, texts):
        time.sleep(0.02 * len(texts))
        out = super().embed_documents(texts)
        print("batch", len(texts), flush=True)
        return out

config = Config(index_dir=sys.argv[1], chunk_tokens=30, chunk_overlap=5, embed_batch_size=8,
                ingest_flush_seconds=0.3)
ingest([sys.argv[2]], ChunkStore(config), SlowEmbedder(), config)
print("done", flush=True)
"""


def config_for(index: Path) -> Config:
    return Config(index_dir=str(index), chunk_tokens=30, chunk_overlap=5, embed_batch_size=8)


def test_rerun_after_kill_embeds_only_what_was_not_stored(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    for i in range(60):
        tf.make_text(corpus, f"article{i:02d}.txt", f"Article {i}. " + ARTICLE * 2)
    clean = ingest([corpus], ChunkStore(config_for(tmp_path / "clean")), FakeEmbedder(),
                   config_for(tmp_path / "clean"))
    total = clean.embedded
    assert 100 <= total < 128  # several flushes' worth; one flush under the old fixed size (16 batches)

    script = tmp_path / "slow_ingest.py"
    script.write_text(SLOW_INGEST)
    proc = subprocess.Popen([sys.executable, str(script), str(tmp_path / "index"), str(corpus)],
                            stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    batches = 0
    assert proc.stdout is not None
    for line in proc.stdout:
        batches += line.startswith("batch")
        if batches == 3:  # the writes of the first two flushes ran while this one was encoded
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the ingest finished before it could be killed"

    config = config_for(tmp_path / "index")
    store = ChunkStore(config)
    stored = store.count()
    assert stored > 0, "nothing was kept from the killed run"
    rerun = ingest([corpus], store, FakeEmbedder(), config)
    assert rerun.ok and rerun.embedded <= total - stored < total
    assert store.count() == total and {d.state for d in store.documents()} == {"complete"}


def test_flush_size_follows_the_encoding_rate() -> None:
    pacer = _FlushPacer(batch_size=64, seconds=5.0)
    assert pacer.limit == 128                   # the first flush measures the rate
    pacer.encoded(128, 2.0)                     # 64 chunks/s
    assert pacer.limit == 320
    pacer.encoded(320, 0.1)                     # very fast: capped at 16 batches
    assert pacer.limit == 1024
    pacer.encoded(1024, 1000.0)                 # very slow: at least 4 batches (less padding)
    assert pacer.limit == 256
    pacer.encoded(3, 10.0)                      # a tail flush is too small to measure: unchanged
    assert pacer.limit == 256
