"""Text amplification is refused before embedding (issue 9, item 2)."""

from __future__ import annotations

import time
from pathlib import Path

from rag import testing_files as tf
from rag.config import Config
from rag.ingest import ingest
from rag.load import LoadLimits
from rag.store import ChunkStore
from rag.testing import FakeEmbedder

# One literal string of 200 words shown per operator: a 900 KB stream (under the per-page stream cap)
# that deflate shrinks to about a kilobyte, shared by 6 pages: ~5 million characters of text.
WORDS = b"(" + b"lorem ipsum dolor sit amet " * 40 + b")'"


def amplification_pdf(folder: Path) -> Path:
    return tf.make_pdf_bomb(folder, "amplify.pdf", decompressed_size=900_000, unit=WORDS, pages=6)


def make(tmp_path: Path, **overrides) -> tuple[ChunkStore, FakeEmbedder, Config]:
    config = Config(index_dir=str(tmp_path / "index"), chunk_tokens=30, chunk_overlap=5, **overrides)
    return ChunkStore(config), FakeEmbedder(), config


def test_defaults() -> None:
    config = Config()
    assert (config.max_text_chars, config.max_chunks_per_file) == (2_000_000, 5000)
    assert LoadLimits.from_config(config).max_chars_per_byte == config.max_chars_per_byte == 20.0


def test_amplification_pdf_is_refused_with_one_reason_before_embedding(tmp_path: Path) -> None:
    pdf = amplification_pdf(tmp_path / "corpus")
    assert pdf.stat().st_size < 20_000
    tf.make_text(tmp_path / "corpus", "fine.txt", "A plain article about harbours. " * 20)
    store, emb, config = make(tmp_path)
    started = time.monotonic()
    report = ingest([tmp_path / "corpus"], store, emb, config)
    assert time.monotonic() - started < 30
    [failure] = report.failed
    assert failure["path"].endswith("amplify.pdf")
    assert "max_chars_per_byte" in failure["reason"] and "\n" not in failure["reason"]
    assert report.embedded == store.count() > 0  # only fine.txt was embedded
    assert all(c.source.endswith("fine.txt") for c in store.all_chunks())


def test_character_limit_applies_when_the_ratio_allows_the_file(tmp_path: Path) -> None:
    amplification_pdf(tmp_path / "corpus")
    store, emb, config = make(tmp_path, max_chars_per_byte=100_000.0)
    [failure] = ingest([tmp_path / "corpus"], store, emb, config).failed
    assert "max_text_chars" in failure["reason"]
    assert emb.calls == []


def test_chunk_limit_refuses_a_file_before_embedding(tmp_path: Path) -> None:
    tf.make_text(tmp_path / "corpus", "long.txt", "The crews trained for two weeks before departure. " * 200)
    store, emb, config = make(tmp_path, max_chunks_per_file=10)
    [failure] = ingest([tmp_path / "corpus"], store, emb, config).failed
    assert "over the 10 limit (max_chunks_per_file)" in failure["reason"]
    assert emb.calls == [] and store.count() == 0


def test_ordinary_files_are_well_under_the_ratio(tmp_path: Path) -> None:
    from rag.load import load_document

    sample = Path(__file__).resolve().parents[2] / "corpus" / "sample"
    for path in sorted(sample.iterdir()):
        doc = load_document(path)
        assert len(doc.text) / path.stat().st_size < 2, path.name
    pdf = tf.make_pdf(tmp_path, "article.pdf", ["A short page of text about the harbour. " * 40] * 3)
    assert len(load_document(pdf).text) / pdf.stat().st_size < 5
