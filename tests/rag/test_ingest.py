"""Sync: unchanged files cost nothing, changed files replace their chunks, deleted files leave."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from rag import testing_files as tf
from rag.assistant import Assistant
from rag.config import Config
from rag.ingest import ingest
from rag.store import ChunkStore, IndexBusyError, IndexMismatchError
from rag.testing import FakeEmbedder

ARTICLE = ("The fleet sailed at dawn on 3 May. Its commander reported calm seas. "
           "Supplies were loaded in the northern port. The crews trained for two weeks before departure. ")


def write_corpus(folder: Path, n: int = 3) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [tf.make_text(folder, f"article{i}.txt", f"Article {i}. " + ARTICLE * (i + 2)) for i in range(n)]


def make(tmp_path: Path, **overrides) -> tuple[ChunkStore, FakeEmbedder, Config]:
    config = Config(index_dir=str(tmp_path / "index"), chunk_tokens=30, chunk_overlap=5, **overrides)
    return ChunkStore(config), FakeEmbedder(), config


def consistent(store: ChunkStore) -> None:
    """Every document's chunks are present exactly once and nothing else is."""
    docs = {d.source: d for d in store.documents()}
    chunks = store.all_chunks()
    by_source: dict[str, list] = {}
    for c in chunks:
        by_source.setdefault(c.source, []).append(c)
    assert set(by_source) == set(docs), "orphaned chunks or empty documents"
    for source, doc in docs.items():
        assert doc.state == "complete"
        assert len(by_source[source]) == doc.chunks, source
        assert len({c.id for c in by_source[source]}) == doc.chunks
        assert {c.doc_hash for c in by_source[source]} == {doc.content_hash}


def test_first_ingest_then_unchanged_rerun_embeds_nothing(tmp_path: Path) -> None:
    files = write_corpus(tmp_path / "corpus")
    store, emb, config = make(tmp_path)
    first = ingest([tmp_path / "corpus"], store, emb, config)
    assert sorted(first.added) == sorted(str(f.resolve()) for f in files)
    assert first.embedded == first.chunks > 0
    generation = store.generation()
    second = ingest([tmp_path / "corpus"], store, emb, config)
    assert second.embedded == 0 and second.added == [] and second.updated == []
    assert sorted(second.unchanged) == sorted(first.added)
    assert second.chunks == first.chunks
    assert store.generation() == generation, "an unchanged sync must not touch the index"
    consistent(store)


def test_report_has_the_documented_keys(tmp_path: Path) -> None:
    write_corpus(tmp_path / "corpus", 1)
    store, emb, config = make(tmp_path)
    report = ingest([tmp_path / "corpus"], store, emb, config).to_dict()
    for key in ("added", "updated", "unchanged", "removed", "failed", "chunks", "embedded"):
        assert key in report
    assert isinstance(report["failed"], list) and isinstance(report["chunks"], int)


def test_changed_file_replaces_its_chunks_and_reuses_unchanged_vectors(tmp_path: Path) -> None:
    files = write_corpus(tmp_path / "corpus")
    # Paragraphs of ~20 words with 30-token chunks: one chunk per paragraph.
    paragraphs = [f"Paragraph {i} tells of the fleet that sailed at dawn and the crews who trained "
                  f"for two long weeks before it left port." for i in range(4)]
    files[2].write_text("\n\n".join(paragraphs))
    store, emb, config = make(tmp_path)
    ingest([tmp_path / "corpus"], store, emb, config)
    before = {c.id for c in store.all_chunks() if c.source == str(files[2].resolve())}
    paragraphs[0] = "Paragraph zero now tells of a storm at sea that scattered the fleet."
    files[2].write_text("\n\n".join(paragraphs))
    report = ingest([tmp_path / "corpus"], store, emb, config)
    assert report.updated == [str(files[2].resolve())]
    after = [c for c in store.all_chunks() if c.source == str(files[2].resolve())]
    assert any("storm at sea" in c.text for c in after)
    assert report.embedded == 1, "only the changed paragraph's chunk is embedded again"
    assert len(before - {c.id for c in after}) == 1, "the stale chunk was replaced"
    consistent(store)


def test_deleted_file_leaves_the_index_and_no_prune_keeps_it(tmp_path: Path) -> None:
    files = write_corpus(tmp_path / "corpus")
    store, emb, config = make(tmp_path)
    ingest([tmp_path / "corpus"], store, emb, config)
    files[0].unlink()
    kept = ingest([tmp_path / "corpus"], store, emb, config, prune=False)
    assert kept.removed == [] and str(files[0].resolve()) in {d.source for d in store.documents()}
    report = ingest([tmp_path / "corpus"], store, emb, config)
    assert report.removed == [str(files[0].resolve())]
    assert str(files[0].resolve()) not in {c.source for c in store.all_chunks()}
    consistent(store)


def test_prune_is_scoped_to_the_folders_named(tmp_path: Path) -> None:
    write_corpus(tmp_path / "a")
    write_corpus(tmp_path / "b")
    store, emb, config = make(tmp_path)
    ingest([tmp_path / "a"], store, emb, config)
    report = ingest([tmp_path / "b"], store, emb, config)
    assert report.removed == []
    assert len(store.documents()) == 6


def test_bad_files_are_reported_and_the_rest_ingested(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    good = write_corpus(folder, 2)
    bad = [tf.make_empty(folder), tf.make_binary_as_txt(folder), tf.make_corrupt_pdf(folder),
           tf.make_encrypted_pdf(folder), tf.make_image_only_pdf(folder), tf.make_pdf_bomb(folder),
           tf.make_oversized_text(folder, size_mb=2)]
    latin = tf.make_latin1_text(folder)
    (folder / "notes.xlsx").write_bytes(b"PK")
    store, emb, config = make(tmp_path, max_file_mb=1)
    report = ingest([folder], store, emb, config)
    failed = {f["path"]: f["reason"] for f in report.failed}
    assert set(failed) == {str(p.resolve()) for p in bad}
    assert all(reason for reason in failed.values())
    assert sorted(report.added) == sorted(str(p.resolve()) for p in good + [latin])
    assert report.skipped == [str(folder / "notes.xlsx")]
    consistent(store)


def test_a_changed_file_that_now_fails_keeps_its_previous_version(tmp_path: Path) -> None:
    files = write_corpus(tmp_path / "corpus", 2)
    store, emb, config = make(tmp_path)
    ingest([tmp_path / "corpus"], store, emb, config)
    chunks_before = store.count()
    files[0].write_bytes(b"\x00\x01\x02binary now")
    report = ingest([tmp_path / "corpus"], store, emb, config)
    assert [f["path"] for f in report.failed] == [str(files[0].resolve())]
    assert store.count() == chunks_before
    assert str(files[0].resolve()) in {d.source for d in store.documents()}


def test_index_refuses_another_embedding_model(tmp_path: Path) -> None:
    write_corpus(tmp_path / "corpus", 1)
    store, emb, config = make(tmp_path)
    ingest([tmp_path / "corpus"], store, emb, config)
    other = config.replace(embedding_model="someone/else")
    with pytest.raises(IndexMismatchError, match="embedding_model"):
        ingest([tmp_path / "corpus"], ChunkStore(other), emb, other)
    with pytest.raises(IndexMismatchError, match="embedding_model"):
        ChunkStore(other).documents()  # reading with another model is refused too


def test_chunking_is_checked_by_writers_only(tmp_path: Path) -> None:
    write_corpus(tmp_path / "corpus", 1)
    store, emb, config = make(tmp_path)
    first = ingest([tmp_path / "corpus"], store, emb, config)
    rechunked = config.replace(chunk_tokens=40)
    # Chunk size does not change what a query vector compares with: reading works.
    assert [d.chunks for d in ChunkStore(rechunked).documents()] == [first.chunks]
    assert ChunkStore(rechunked).recorded_settings()["chunk_tokens"] == 30
    # Adding chunks of another size is refused, naming the flags that would fit the index.
    (tmp_path / "corpus" / "new.txt").write_text("A new article about the harbour. " * 20)
    with pytest.raises(IndexMismatchError, match="chunk_tokens=30 .this run: 40.*--chunk-tokens 30"):
        ingest([tmp_path / "corpus"], ChunkStore(rechunked), emb, rechunked)
    consistent(store)
    assert store.count() == first.chunks


def test_rebuild_starts_over(tmp_path: Path) -> None:
    write_corpus(tmp_path / "corpus", 1)
    assistant = Assistant(index_dir=tmp_path / "index", embedder=FakeEmbedder(), chunk_tokens=30, chunk_overlap=5)
    first = assistant.ingest([tmp_path / "corpus"])
    again = assistant.ingest([tmp_path / "corpus"], rebuild=True)
    assert again.added == first.added and again.embedded == first.embedded


def test_index_records_its_configuration(tmp_path: Path) -> None:
    write_corpus(tmp_path / "corpus", 1)
    store, emb, config = make(tmp_path)
    ingest([tmp_path / "corpus"], store, emb, config)
    recorded = json.loads((tmp_path / "index" / "rag-config.json").read_text())
    assert recorded["chunk_tokens"] == 30 and recorded["embedding_model"] == config.embedding_model


def test_second_writer_gets_index_busy(tmp_path: Path) -> None:
    write_corpus(tmp_path / "corpus", 1)
    store, emb, config = make(tmp_path)
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import time
        from rag.config import Config
        from rag.store import ChunkStore
        store = ChunkStore(Config(index_dir={str(tmp_path / 'index')!r}, chunk_tokens=30, chunk_overlap=5))
        with store.write_lock():
            print("locked", flush=True)
            time.sleep(60)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        with pytest.raises(IndexBusyError, match=f"index is busy.*pid {holder.pid}"):
            ingest([tmp_path / "corpus"], store, emb, config)
        assert time.monotonic() - started < 5, "must fail fast, not hang"
    finally:
        holder.kill()
        holder.wait()
    # The lock dies with its holder (even on kill -9): the index is writable again.
    assert ingest([tmp_path / "corpus"], store, emb, config).ok


SLOW_INGEST = """
import sys, time
from rag.config import Config
from rag.ingest import ingest
from rag.store import ChunkStore
from rag.testing import FakeEmbedder

class SlowEmbedder(FakeEmbedder):
    def embed_documents(self, texts):
        time.sleep(0.05)
        print("batch", flush=True)
        return super().embed_documents(texts)

config = Config(index_dir=sys.argv[1], chunk_tokens=30, chunk_overlap=5, embed_batch_size=1)
report = ingest([sys.argv[2]], ChunkStore(config), SlowEmbedder(), config)
print("done", report.embedded, flush=True)
"""


@pytest.mark.parametrize("kill_after_batches", [1, 2, 3])
def test_ingest_killed_midway_heals_on_rerun(tmp_path: Path, kill_after_batches: int) -> None:
    corpus = tmp_path / "corpus"
    files = write_corpus(corpus, 40)
    script = tmp_path / "slow_ingest.py"
    script.write_text(SLOW_INGEST)
    index = tmp_path / "index"
    proc = subprocess.Popen([sys.executable, str(script), str(index), str(corpus)], stdout=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    seen = 0
    for line in proc.stdout:
        if line.startswith("batch"):
            seen += 1
            if seen >= kill_after_batches:
                os.kill(proc.pid, signal.SIGKILL)
                break
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    # Change one file and delete another while "down", as a real folder would.
    files[0].write_text(files[0].read_text() + " Then the weather turned.")
    files[-1].unlink()
    store, emb, config = make(tmp_path)
    report = ingest([corpus], store, emb, config)
    assert report.ok
    consistent(store)
    assert {d.source for d in store.documents()} == {str(f.resolve()) for f in files[:-1]}
    again = ingest([corpus], store, emb, config)
    assert again.embedded == 0 and len(again.unchanged) == len(files) - 1


class _FailingRecordStore(ChunkStore):
    """A store whose manifest write fails, as a full disk or a dropped server would."""

    def put_documents(self, records) -> None:
        raise OSError("disk full")


def test_failed_pending_write_stops_before_any_chunk_is_written(tmp_path: Path) -> None:
    # The pending records are written in a thread while the model encodes; its failure must
    # surface in the ingest and no chunk may reach the index without its record.
    write_corpus(tmp_path / "corpus")
    _, emb, config = make(tmp_path)
    store = _FailingRecordStore(config)
    with pytest.raises(OSError, match="disk full"):
        ingest([tmp_path / "corpus"], store, emb, config)
    assert ChunkStore(config).count() == 0


def test_moving_documents_to_another_collection_rewrites_them_without_embedding(tmp_path: Path) -> None:
    # Restricting published documents to a group must take effect on the next sync.
    write_corpus(tmp_path / "corpus", 2)
    store, emb, config = make(tmp_path)
    first = ingest([tmp_path / "corpus"], store, emb, config)
    moved = ingest([tmp_path / "corpus"], store, emb, config, collection="restricted")
    assert sorted(moved.updated) == sorted(first.added) and moved.embedded == 0
    assert {d.collection for d in store.documents()} == {"restricted"}
    assert {c.collection for c in store.all_chunks()} == {"restricted"}
    consistent(store)


def test_skipped_files_are_listed_once_by_absolute_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_corpus(tmp_path / "corpus", 1)
    (tmp_path / "corpus" / "notes.docx").write_bytes(b"PK\x03\x04")
    store, emb, config = make(tmp_path)
    monkeypatch.chdir(tmp_path)
    report = ingest(["corpus", str(tmp_path / "corpus")], store, emb, config)
    assert report.skipped == [str((tmp_path / "corpus" / "notes.docx").resolve())]


class _ManifestSpy:
    """Counts full manifest reads (``documents()``) of a store, passing every call through."""

    def __init__(self, store: ChunkStore) -> None:
        self.store, self.full_reads = store, 0

    def __getattr__(self, name: str):
        if name == "documents":
            self.full_reads += 1
        return getattr(self.store, name)


def test_adding_or_updating_named_files_reads_their_records_not_the_whole_manifest(tmp_path: Path) -> None:
    """One upload into a 10k-document index must not read 10k records (0.6 s at 100k chunks)."""
    files = write_corpus(tmp_path / "corpus")
    store, emb, config = make(tmp_path)
    ingest([tmp_path / "corpus"], store, emb, config)
    spy = _ManifestSpy(store)
    new = tf.make_text(tmp_path / "corpus", "new.txt", "Article new. " + ARTICLE * 2)
    files[1].write_text("Article one, revised. " + ARTICLE * 3, encoding="utf-8")

    added = ingest([new], spy, emb, config, prune=False)  # type: ignore[arg-type]
    again = ingest([new, files[0]], spy, emb, config)  # type: ignore[arg-type]  # named files: nothing to prune
    updated = ingest([files[1]], spy, emb, config)  # type: ignore[arg-type]

    assert spy.full_reads == 0
    assert added.added == [str(new.resolve())]
    assert again.unchanged == [str(new.resolve()), str(files[0].resolve())] and again.embedded == 0
    assert updated.updated == [str(files[1].resolve())] and updated.removed == []
    consistent(store)


def test_a_named_path_that_vanished_is_pruned_from_the_full_manifest(tmp_path: Path) -> None:
    """It may have been a folder: its documents are found by scanning every record."""
    write_corpus(tmp_path / "corpus" / "old")
    keep = write_corpus(tmp_path / "corpus" / "keep", 1)
    store, emb, config = make(tmp_path)
    ingest([tmp_path / "corpus"], store, emb, config)
    for f in (tmp_path / "corpus" / "old").iterdir():
        f.unlink()
    (tmp_path / "corpus" / "old").rmdir()
    spy = _ManifestSpy(store)

    report = ingest([tmp_path / "corpus" / "old"], spy, emb, config)  # type: ignore[arg-type]

    assert spy.full_reads == 1 and len(report.removed) == 3
    assert {d.source for d in store.documents()} == {str(keep[0].resolve())}


def test_remove_looks_the_document_up_by_id(tmp_path: Path) -> None:
    files = write_corpus(tmp_path / "corpus")
    assistant = Assistant(index_dir=tmp_path / "index", embedder=FakeEmbedder(), chunk_tokens=30, chunk_overlap=5)
    assistant.ingest([tmp_path / "corpus"], progress=False)
    spy = _ManifestSpy(assistant.store)  # type: ignore[arg-type]
    assistant._store = spy  # type: ignore[assignment]

    assert assistant.remove(str(files[0])) > 0
    with pytest.raises(KeyError, match="not in the index"):
        assistant.remove(str(files[0]))
    assert spy.full_reads == 0
    assert str(files[0].resolve()) not in {d.source for d in assistant.store.documents()}


def test_one_path_given_as_a_string_is_that_path_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Found in a library audit: ingest("notes.txt") iterated the string, so "." indexed every file of the
    # working folder (and "/" in an absolute path walked the whole machine).
    folder = tmp_path / "work"
    (folder / "private").mkdir(parents=True)
    for name in ("notes.txt", "other.txt", "private/diary.txt"):
        (folder / name).write_text(f"{name} says the harbour opened in 2024 after a long dispute.\n", encoding="utf-8")
    monkeypatch.chdir(folder)
    store, emb, config = make(tmp_path)
    report = ingest("notes.txt", store, emb, config)
    assert report.added == [str((folder / "notes.txt").resolve())] and report.failed == []
    again = ingest(folder / "other.txt", store, emb, config, prune=False)  # a Path alike
    assert again.added == [str((folder / "other.txt").resolve())] and again.failed == []
    raw = ingest(b"private/diary.txt", store, emb, config, prune=False)  # and bytes (found in review)
    assert raw.added == [str((folder / "private" / "diary.txt").resolve())] and raw.failed == []
