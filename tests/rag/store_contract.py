"""The contract every :class:`rag.store.Store` passes (Haystack's reusable ``DocumentStore`` tests, in small).

Subclass :class:`StoreContract` and override the ``open_store`` fixture: it
returns a function ``open(**config_overrides) -> Store`` that opens *the same
index* on every call (a second handle on it, as a second process would). The
in-memory store, embedded Chroma and a ``chroma run`` server all run it
(``tests/rag/test_store_contract.py``).

The vectors are small and written by hand, so each expected ranking can be
checked with a pencil; the where-filter table is the one behaviour where the
in-memory store imitates Chroma, so every row runs against all of them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from rag.config import Config
from rag.records import Chunk
from rag.store import DocumentRecord, IndexBusyError, IndexMismatchError, Store

Opener = Callable[..., Store]


def make_chunk(source: str, text: str, index: int = 0, *, collection: str = "default", page: int | None = None,
               author: str | None = None, date: str | None = None) -> Chunk:
    return Chunk(id=Chunk.make_id(source, text), source=source, title=f"Title of {source}", text=text,
                 start=100 * index, end=100 * index + len(text), index=index, page=page, author=author, date=date, collection=collection,
                 doc_hash=f"hash-{source}")


def record(source: str, chunks: int, *, collection: str = "default", state: str = "complete",
           content_hash: str = "h1", author: str | None = None, date: str | None = None) -> DocumentRecord:
    return DocumentRecord(source=source, title=f"Title of {source}", content_hash=content_hash, chunks=chunks,
                          state=state, format="txt", collection=collection, author=author, date=date, pages=0)


# Four documents in three collections; vectors in 4 dimensions.
A1 = make_chunk("a.txt", "alpha one", 0, collection="public", page=1, date="2021-05-01")
A2 = make_chunk("a.txt", "alpha two", 1, collection="public", page=2, date="2021-05-01")
B1 = make_chunk("b.txt", "beta", 0, collection="secret", author="Kim", date="2023-01-10")
C1 = make_chunk("c.txt", "gamma", 0)
CHUNKS = [A1, A2, B1, C1]
VECTORS = np.array([[1.0, 0.0, 0.0, 0.0], [0.9, 0.1, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]],
                   dtype=np.float32)
RECORDS = [record("a.txt", 2, collection="public", date="2021-05-01"),
           record("b.txt", 1, collection="secret", author="Kim", date="2023-01-10"), record("c.txt", 1)]


def fill(store: Store) -> None:
    with store.write_lock():
        store.check_write_settings()
        store.put_documents(RECORDS)
        store.upsert_chunks(CHUNKS, VECTORS)
        store.bump_generation()


def ids(hits: list[tuple[Chunk, float]]) -> list[str]:
    return [chunk.id for chunk, _ in hits]


NAMES = {A1.id: "A1", A2.id: "A2", B1.id: "B1", C1.id: "C1"}

# (where, the chunks it selects): Chroma's semantics, which the in-memory store must reproduce.
WHERE_TABLE: list[tuple[dict[str, Any], set[str]]] = [
    ({"source": "a.txt"}, {"A1", "A2"}),
    ({"source": {"$eq": "b.txt"}}, {"B1"}),
    ({"source": {"$ne": "a.txt"}}, {"B1", "C1"}),
    ({"collection": {"$in": ["public", "secret"]}}, {"A1", "A2", "B1"}),
    ({"collection": {"$nin": ["public"]}}, {"B1", "C1"}),
    ({"collection": {"$in": ["\x00none"]}}, set()),  # what Filters.where() sends for "no collection allowed"
    ({"page": 2}, {"A2"}),
    ({"page": {"$gt": 1}}, {"A2"}),
    ({"page": {"$gte": 1}}, {"A1", "A2"}),
    ({"page": {"$lt": 2}}, {"A1"}),
    ({"page": {"$lte": 2}}, {"A1", "A2"}),
    ({"page": {"$in": [1, 3]}}, {"A1"}),
    ({"page": {"$ne": 1}}, {"A2", "B1", "C1"}),  # a missing field passes $ne ...
    ({"page": {"$nin": [1, 2]}}, {"B1", "C1"}),  # ... and $nin
    ({"author": "Kim"}, {"B1"}),
    ({"author": {"$ne": "Kim"}}, {"A1", "A2", "C1"}),
    ({"date_int": {"$gte": 20220101}}, {"B1"}),
    ({"$and": [{"source": {"$in": ["a.txt", "b.txt"]}}, {"date_int": {"$lte": 20211231}}]}, {"A1", "A2"}),
    ({"$or": [{"source": "c.txt"}, {"author": "Kim"}]}, {"B1", "C1"}),
    ({"$or": [{"$and": [{"collection": "public"}, {"page": 2}]}, {"source": "c.txt"}]}, {"A2", "C1"}),
    ({"chunk_index": 1}, {"A2"}),
]

BAD_WHERE: list[dict[str, Any]] = [
    {"source": "a.txt", "page": 1},
    {"source": {"$regex": "a"}},
    {"source": {"$in": []}},
    {"page": {"$gt": "1"}},
    {"$and": [{"source": "a.txt"}]},
    {"source": None},
    {"page": {"$gt": 1, "$lt": 3}},
]


class StoreContract:
    """Behaviour every store shares; see the module docstring for how to run it on a new store."""

    #: Whether :meth:`Store.hold_write_lock` shuts other writers out until released (a Chroma server's
    #: leases cover one write each, so chat servers sharing it interleave their writes).
    held_lock_excludes_others = True

    @pytest.fixture
    def open_store(self, tmp_path: Path) -> Opener:
        raise NotImplementedError("a store's test class overrides the open_store fixture")

    @pytest.fixture
    def store(self, open_store: Opener) -> Iterator[Store]:
        store = open_store()
        yield store
        store.close()

    # ---------------------------------------------------------------- shape
    def test_it_is_a_store(self, store: Store) -> None:
        assert isinstance(store, Store)
        assert isinstance(store.location, str) and store.location
        assert isinstance(store.persistent, bool)

    def test_an_empty_store_reads_as_empty_and_reading_creates_nothing(self, store: Store) -> None:
        assert not store.exists()
        assert store.count() == 0 and store.documents() == [] and store.documents_of(["a.txt"]) == []
        assert store.query(VECTORS[0], 5) == [] and store.query(VECTORS[0], 5, {"source": "a.txt"}) == []
        assert store.all_chunks() == [] and store.all_chunks_with_vectors() == ([], None)
        assert store.vectors([A1.id]) == {} and store.chunks_of(["a.txt"]) == []
        assert store.embeddings_by_text("a.txt") == {}
        assert store.generation() == 0 and store.index_id() == "" and store.recorded_settings() == {}
        assert store.delete_document("a.txt") == 0 and store.delete_stale("a.txt", set()) == 0
        assert not store.exists(), "reading (or removing what is not there) must not create an index"

    # --------------------------------------------------------------- writes
    def test_written_chunks_read_back_exactly(self, store: Store) -> None:
        fill(store)
        assert store.exists() and store.count() == 4
        assert {c.id: c for c in store.all_chunks()} == {c.id: c for c in CHUNKS}
        chunks, matrix = store.all_chunks_with_vectors()
        assert matrix is not None and matrix.shape == (4, 4)
        for chunk, row in zip(chunks, matrix):  # row-aligned
            np.testing.assert_allclose(row, VECTORS[CHUNKS.index(chunk)], atol=1e-6)
        got = store.vectors([B1.id, "no-such-id", A2.id])
        assert set(got) == {B1.id, A2.id}
        np.testing.assert_allclose(got[A2.id], VECTORS[1], atol=1e-6)
        assert sorted(c.id for c in store.chunks_of(["a.txt", "c.txt"])) == sorted([A1.id, A2.id, C1.id])
        # A document's opening alone (its first chunk), without reading the rest of it.
        assert sorted(c.id for c in store.openings(["a.txt", "c.txt", "no-such.txt"])) == sorted([A1.id, C1.id])
        assert store.openings([]) == []
        # Where a document states something (a year), without reading all of it.
        assert [c.id for c in store.chunks_stating("a.txt", "two")] == [A2.id]
        assert [c.id for c in store.chunks_stating("a.txt", "alpha")] == [A1.id, A2.id]  # document order
        assert [c.id for c in store.chunks_stating("a.txt", "alpha", limit=1)] == [A1.id]  # the first, not any
        assert store.chunks_stating("a.txt", "gamma") == [] and store.chunks_stating("no-such.txt", "alpha") == []
        by_text = store.embeddings_by_text("a.txt")
        assert set(by_text) == {A1.text_hash, A2.text_hash}
        np.testing.assert_allclose(by_text[A1.text_hash], VECTORS[0], atol=1e-6)

    def test_chunks_stating_takes_the_first_in_the_document_whatever_the_write_order(self, store: Store) -> None:
        # A document re-ingested with a new dated paragraph at its top: its first chunk was written last.
        later = make_chunk("d.txt", "dated 2026, later on", 3)
        first = make_chunk("d.txt", "dated 2026, at the top", 0)
        with store.write_lock():
            store.check_write_settings()
            store.put_documents([record("d.txt", 2)])
            store.upsert_chunks([later, first], VECTORS[:2])
        assert [c.id for c in store.chunks_stating("d.txt", "2026", limit=1)] == [first.id]
        assert [c.id for c in store.chunks_stating("d.txt", "2026")] == [first.id, later.id]

    def test_upsert_is_idempotent(self, store: Store) -> None:
        fill(store)
        with store.write_lock():
            store.upsert_chunks(CHUNKS, VECTORS)
            store.upsert_chunks([A1], VECTORS[:1])
            store.put_documents(RECORDS)
        assert store.count() == 4 and len(store.all_chunks()) == 4
        assert len(store.documents()) == 3

    def test_an_upsert_with_a_known_id_replaces_its_metadata(self, store: Store) -> None:
        fill(store)
        moved = dataclasses.replace(A1, collection="secret")
        with store.write_lock():
            store.upsert_chunks([moved], VECTORS[:1])
        assert store.count() == 4
        assert {c.id: c.collection for c in store.all_chunks()}[A1.id] == "secret"
        assert ids(store.query(VECTORS[0], 1, {"collection": "public"})) == [A2.id]

    def test_a_documents_chunks_are_replaced(self, store: Store) -> None:
        fill(store)
        new = make_chunk("a.txt", "alpha three", 1, collection="public")
        with store.write_lock():
            store.upsert_chunks([A1, new], np.array([[1, 0, 0, 0], [0, 0, 0, 1]], dtype=np.float32))
            assert store.delete_stale("a.txt", {A1.id, new.id}) == 1
            store.put_document(record("a.txt", 2, collection="public", content_hash="h2"))
        assert sorted(c.id for c in store.chunks_of(["a.txt"])) == sorted([A1.id, new.id])
        assert store.count() == 4 and store.vectors([A2.id]) == {}
        assert {c.source for c in store.all_chunks()} == {"a.txt", "b.txt", "c.txt"}, "other documents untouched"
        assert [r.content_hash for r in store.documents_of(["a.txt"])] == ["h2"]
        with store.write_lock():
            assert store.delete_stale({"b.txt", "c.txt"}, {B1.id}) == 1
        assert store.chunks_of(["c.txt"]) == [] and store.count() == 3

    def test_delete_document_removes_its_chunks_and_record(self, store: Store) -> None:
        fill(store)
        with store.write_lock():
            assert store.delete_document("a.txt") == 2
            assert store.delete_document("a.txt") == 0
            assert store.delete_document("never.txt") == 0
        assert store.count() == 2 and [r.source for r in store.documents()] == ["b.txt", "c.txt"]
        assert store.chunks_of(["a.txt"]) == [] and A1.id not in ids(store.query(VECTORS[0], 10))

    # ------------------------------------------------------------- manifest
    def test_the_manifest_round_trips_and_filters_by_collection(self, store: Store) -> None:
        fill(store)
        assert store.documents() == sorted(RECORDS, key=lambda r: r.source)
        assert [r.source for r in store.documents(["secret", "default"])] == ["b.txt", "c.txt"]
        assert store.documents([]) == []
        assert store.documents_of(["c.txt", "a.txt", "missing.txt"]) == [RECORDS[0], RECORDS[2]]
        with store.write_lock():
            store.put_documents([record("d.txt", 0, state="pending")])
            store.put_document(record("d.txt", 3, state="complete"))
        (d,) = store.documents_of(["d.txt"])
        assert d.state == "complete" and d.chunks == 3 and d.author is None
        assert store.count() == 4, "document records are not chunks"

    # ---------------------------------------------------------------- query
    def test_query_orders_by_cosine_similarity(self, store: Store) -> None:
        fill(store)
        hits = store.query(np.array([1.0, 0.2, 0.0, 0.0]), 4)
        assert ids(hits) == [A2.id, A1.id, B1.id, C1.id]
        similarity = [s for _, s in hits]
        assert similarity == sorted(similarity, reverse=True)
        expected = VECTORS @ np.array([1.0, 0.2, 0, 0]) / np.linalg.norm(VECTORS, axis=1) / np.linalg.norm([1, 0.2])
        np.testing.assert_allclose(similarity, [expected[1], expected[0], expected[2], expected[3]], atol=1e-4)
        assert ids(store.query(np.array([0.0, 0.0, 2.0, 0.0]), 1)) == [C1.id]
        assert store.query(np.array([0.0, 0.0, 2.0, 0.0]), 1)[0][1] == pytest.approx(1.0, abs=1e-4)
        assert len(store.query(VECTORS[0], 100)) == 4, "n above the count returns everything"
        assert ids(store.query(VECTORS[0], 4, {})) == ids(store.query(VECTORS[0], 4, None)), "{} is no filter"

    def test_query_returns_chunks_with_their_provenance(self, store: Store) -> None:
        fill(store)
        (chunk, _), = store.query(VECTORS[2], 1)
        assert chunk == B1

    def test_access_control_and_source_filters(self, store: Store) -> None:
        from rag.retrieve import Filters

        fill(store)
        public = Filters().restrict(["public"]).where()
        assert set(ids(store.query(VECTORS[2], 10, public))) == {A1.id, A2.id}, "a secret chunk leaked"
        nothing = Filters().restrict([]).where()
        assert store.query(VECTORS[0], 10, nothing) == []
        by_source = Filters.from_mapping({"source": ["c.txt", "b.txt"]}).where()
        assert ids(store.query(VECTORS[0], 10, by_source)) in ([B1.id, C1.id], [C1.id, B1.id])
        dated = Filters.from_mapping({"date_from": "2022", "collection": ["public", "secret"]}).where()
        assert ids(store.query(VECTORS[0], 10, dated)) == [B1.id]

    @pytest.mark.parametrize("where,expected", WHERE_TABLE, ids=[str(w) for w, _ in WHERE_TABLE])
    def test_where_filters_select_as_chroma_does(self, store: Store, where: dict[str, Any], expected: set[str]
                                                 ) -> None:
        fill(store)
        assert {NAMES[i] for i in ids(store.query(VECTORS[0], 10, where))} == expected

    # ------------------------------------------------------------ bad input
    @pytest.mark.parametrize("where", BAD_WHERE, ids=[str(w) for w in BAD_WHERE])
    def test_a_bad_where_is_refused_naming_it(self, store: Store, where: dict[str, Any]) -> None:
        fill(store)
        with pytest.raises(ValueError, match=r"^where"):
            store.query(VECTORS[0], 3, where)

    def test_bad_writes_are_refused_naming_the_argument(self, store: Store) -> None:
        fill(store)
        with store.write_lock():
            with pytest.raises(ValueError, match=r"^vectors: expected one row per chunk"):
                store.upsert_chunks([A1, A2], VECTORS[:1])
            with pytest.raises(ValueError, match=r"^vectors: row 0 .*NaN"):
                store.upsert_chunks([A1], np.array([[np.nan, 0, 0, 0]]))
            with pytest.raises(ValueError, match=r"^chunks: id .* twice"):
                store.upsert_chunks([A1, A1], VECTORS[:2])
            with pytest.raises(ValueError, match=r"^vectors: dimension 3 does not match"):
                store.upsert_chunks([A1], np.array([[1.0, 0.0, 0.0]]))
            with pytest.raises(ValueError, match=r"^source: "):
                store.put_documents([record("", 1)])
            with pytest.raises(ValueError, match=r"^state: "):
                store.put_documents([record("e.txt", 1, state="half")])
        assert store.count() == 4 and len(store.documents()) == 3, "a refused write changes nothing"

    def test_bad_queries_are_refused_naming_the_argument(self, store: Store) -> None:
        fill(store)
        with pytest.raises(ValueError, match=r"^vector: dimension 3 does not match"):
            store.query(np.array([1.0, 0.0, 0.0]), 3)
        with pytest.raises(ValueError, match=r"^n: "):
            store.query(VECTORS[0], 0)
        with pytest.raises(ValueError, match=r"^vector: "):
            store.query(np.zeros((2, 4)), 3)

    # ------------------------------------------------------ settings guard
    def test_another_embedding_model_is_refused_for_reading_and_writing(self, store: Store,
                                                                         open_store: Opener) -> None:
        fill(store)
        other = open_store(embedding_model="some/other-model")
        with pytest.raises(IndexMismatchError, match=r"embedding_model='sentence-transformers/all-MiniLM-L6-v2' "
                                                     r"\(this run: 'some/other-model'\)"):
            other.documents()
        with pytest.raises(IndexMismatchError, match="incomparable"):
            other.query(VECTORS[0], 3)
        with pytest.raises(IndexMismatchError):
            other.check_write_settings()
        assert store.count() == 4

    def test_another_chunking_may_read_but_not_write(self, store: Store, open_store: Opener) -> None:
        fill(store)
        other = open_store(chunk_tokens=120)
        assert other.count() == 4 and len(other.documents()) == 3
        assert other.recorded_settings()["chunk_tokens"] == 200
        with pytest.raises(IndexMismatchError, match=r"chunk_tokens=200 \(this run: 120\).*--chunk-tokens 200"):
            other.check_write_settings()
        assert store.recorded_settings() == {k: v for k, v in Config().index_settings().items()}

    # ----------------------------------------------- generation and rebuild
    def test_generation_counts_writes_and_reset_starts_a_new_index(self, store: Store) -> None:
        fill(store)
        first = store.index_id()
        assert first and store.generation() == 1
        with store.write_lock():
            assert store.bump_generation() == 2
        assert store.generation() == 2 and store.index_id() == first
        with store.write_lock():
            store.reset()
        assert not store.exists() and store.count() == 0 and store.documents() == [] and store.generation() == 0
        fill(store)
        assert store.exists() and store.index_id() not in ("", first) and store.generation() == 1

    # -------------------------------------------------------------- locking
    def test_a_second_writer_is_refused_while_the_first_writes(self, store: Store, open_store: Opener) -> None:
        other = open_store()
        with store.write_lock():
            with pytest.raises(IndexBusyError, match="index is busy"):
                with other.write_lock():
                    pass
        with other.write_lock():  # released: the next writer gets it at once
            pass

    def test_a_held_lock_keeps_other_writers_out_and_lets_its_holder_write(self, store: Store,
                                                                           open_store: Opener) -> None:
        other = open_store()
        store.hold_write_lock()
        try:
            with store.write_lock():
                store.put_documents(RECORDS[:1])
            if self.held_lock_excludes_others:
                with pytest.raises(IndexBusyError):
                    with other.write_lock():
                        pass
        finally:
            store.release_write_lock()
        store.release_write_lock()  # twice is harmless
        with other.write_lock():
            pass

    # ------------------------------------------------------------ reopening
    def test_a_closed_store_reopened_finds_everything(self, store: Store, open_store: Opener) -> None:
        fill(store)
        index_id = store.index_id()
        store.close()
        again = open_store()
        try:
            assert again.exists() and again.index_id() == index_id and again.generation() == 1
            assert again.documents() == sorted(RECORDS, key=lambda r: r.source)
            assert {c.id: c for c in again.all_chunks()} == {c.id: c for c in CHUNKS}
            np.testing.assert_allclose(again.vectors([B1.id])[B1.id], VECTORS[2], atol=1e-6)
            assert ids(again.query(VECTORS[3], 1)) == [C1.id]
        finally:
            again.close()

    # ---------------------------------------------------- through the pipeline
    def test_the_assistant_ingests_and_retrieves_through_the_store(self, store: Store, tmp_path: Path) -> None:
        from rag.assistant import Assistant
        from rag.retrieve import Filters
        from rag.testing import FakeEmbedder

        corpus = tmp_path / "corpus"
        corpus.mkdir()
        (corpus / "drones.txt").write_text("Drone strikes hit the port of Odesa in July.", encoding="utf-8")
        (corpus / "grain.txt").write_text("The grain corridor reopened after talks in Istanbul.", encoding="utf-8")
        secret = tmp_path / "secret"
        secret.mkdir()
        (secret / "memo.txt").write_text("The memo on drone strikes stays internal.", encoding="utf-8")
        assistant = Assistant(store=store, embedder=FakeEmbedder(), min_similarity=0.0)
        assert assistant.ingest([corpus], progress=False).ok
        assert assistant.ingest([secret], collection="analysts", progress=False).ok
        assert {Path(d.source).name for d in assistant.documents()} == {"drones.txt", "grain.txt", "memo.txt"}
        public = assistant.retriever.retrieve("drone strikes", k=5, filters=Filters().restrict(["default"]))
        assert public and Path(public[0].chunk.source).name == "drones.txt"
        assert all(p.chunk.collection == "default" for p in public)
        again = assistant.ingest([corpus], progress=False)
        assert again.embedded == 0 and len(again.unchanged) == 2
        assert assistant.remove(str(corpus / "drones.txt")) == 1
        left = assistant.retriever.retrieve("drone strikes", k=5)
        assert {Path(p.chunk.source).name for p in left} <= {"grain.txt", "memo.txt"}
