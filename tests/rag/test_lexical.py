"""The persistent lexical index: search, per-document sync, reopen, generations, server replicas."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from rag.assistant import Assistant
from rag.config import Config
from rag.lexical import (
    FILENAME,
    SCHEMA_VERSION,
    LexicalIndex,
    default_path,
    match_expression,
    search_body,
)
from rag.records import Chunk
from rag.testing import FakeEmbedder


def chunk(source: str, text: str, *, title: str = "T", collection: str = "default",
          date: str | None = None, n: int = 0) -> Chunk:
    return Chunk(id=Chunk.make_id(source, text, n), source=source, title=title, text=text, start=0,
                 end=len(text), index=n, collection=collection, date=date)


# ------------------------------------------------------------ pure helpers
def test_search_body_is_the_terms_of_title_and_text() -> None:
    assert search_body(chunk("a", "Drones were striking depots", title="The War")) == "war drone strike depot"


def test_match_expression_quotes_every_term_so_question_syntax_is_inert() -> None:
    assert match_expression('What did "NEAR" AND the drones do?') == '"near" OR "and" OR "drone"'
    assert match_expression("what is it?") is None


def test_default_path_is_next_to_an_embedded_index(tmp_path: Path) -> None:
    assert default_path(Config(index_dir=str(tmp_path / "ix"))) == tmp_path / "ix" / FILENAME


def test_server_replicas_are_one_file_per_server_and_collection(tmp_path: Path) -> None:
    a = default_path(Config(chroma_url="http://h:8000", lexical_dir=str(tmp_path)))
    b = default_path(Config(chroma_url="http://h:8000/", lexical_dir=str(tmp_path)))
    c = default_path(Config(chroma_url="http://other:8000", lexical_dir=str(tmp_path)))
    d = default_path(Config(chroma_url="http://h:8000", collection_name="team", lexical_dir=str(tmp_path)))
    assert a == b and a.parent == tmp_path
    assert len({a, c, d}) == 3


# ------------------------------------------------------- the index by itself
@pytest.fixture
def index(tmp_path: Path) -> LexicalIndex:
    ix = LexicalIndex(tmp_path / FILENAME)
    ix.replace_documents({"a": "ka", "b": "kb"}, [
        chunk("a", "Drones struck the fuel depot near the border.", date="2022-09-13"),
        chunk("a", "The ceasefire was brokered in November.", n=1, date="2022-09-13"),
        chunk("b", "Peacekeepers patrol the corridor.", collection="restricted", date="2020-11-10"),
    ])
    return ix


def test_search_ranks_by_bm25_and_returns_full_chunks(index: LexicalIndex) -> None:
    hits = index.search("Which depot did the drones strike?", 5)

    assert [c.text for c, _ in hits] == ["Drones struck the fuel depot near the border."]
    assert hits[0][0].source == "a" and hits[0][0].date == "2022-09-13" and hits[0][1] > 0


def test_more_matching_terms_rank_higher(index: LexicalIndex) -> None:
    hits = index.search("drones ceasefire depot", 5)

    assert [c.index for c, _ in hits] == [0, 1]
    assert hits[0][1] > hits[1][1]


def test_filters_run_inside_the_index(index: LexicalIndex) -> None:
    query = "drones ceasefire peacekeepers"
    assert {c.source for c, _ in index.search(query, 5, sources=["b"])} == {"b"}
    assert {c.collection for c, _ in index.search(query, 5, collections=["default"])} == {"default"}
    assert index.search(query, 5, collections=[]) == []
    assert {c.source for c, _ in index.search(query, 5, date_to=20201231)} == {"b"}
    assert {c.source for c, _ in index.search(query, 5, date_from=20220101)} == {"a"}


def test_replacing_a_document_drops_its_old_chunks(index: LexicalIndex) -> None:
    index.replace_documents({"a": "ka2"}, [chunk("a", "Artillery shelled the bridge.")])

    assert index.search("drone depot", 5) == []
    assert [c.text for c, _ in index.search("artillery", 5)] == ["Artillery shelled the bridge."]
    assert index.document_keys() == {"a": "ka2", "b": "kb"}
    assert index.count() == 2


def test_removed_documents_leave_the_index(index: LexicalIndex) -> None:
    index.replace_documents({}, [], removed=["b"])

    assert index.search("peacekeepers", 5) == []
    assert set(index.document_keys()) == {"a"}


def test_the_index_persists_across_reopening(index: LexicalIndex, tmp_path: Path) -> None:
    index.replace_documents({}, [], token="col:3")
    index.close()

    again = LexicalIndex(tmp_path / FILENAME)
    assert again.token == "col:3"
    assert [c.text for c, _ in again.search("ceasefire", 5)] == ["The ceasefire was brokered in November."]


def test_a_failed_write_leaves_the_index_as_it_was(index: LexicalIndex) -> None:
    class Boom(Exception):
        pass

    def chunks() -> Any:
        yield chunk("a", "Half written.")
        raise Boom

    with pytest.raises(Boom):
        index.replace_documents({"a": "new"}, chunks())

    assert index.document_keys()["a"] == "ka"
    assert len(index.search("drones", 5)) == 1


def _write_as_schema(path: Path, schema: str, *statements: str) -> None:
    """A one-document index at ``path``, then marked as written under ``schema`` (and ``statements`` run on it)."""
    ix = LexicalIndex(path)
    ix.replace_documents({"a": "k"}, [chunk("a", "Drones struck.")], token="t:1")
    ix.close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value=? WHERE key='schema'", (schema,))
        for statement in statements:
            conn.execute(statement)


def test_an_older_schema_is_rebuilt_not_misread(tmp_path: Path) -> None:
    path = tmp_path / FILENAME
    _write_as_schema(path, "0")

    again = LexicalIndex(path)
    assert again.token == "" and again.count() == 0  # the next sync re-reads everything


def test_an_index_written_by_the_old_stemmer_is_rebuilt(tmp_path: Path) -> None:
    # Schema "1" held the toy stemmer's terms ("dron", "strik"); the Snowball stems differ ("drone",
    # "strike"), so such a file would silently miss words until rebuilt.
    path = tmp_path / FILENAME
    _write_as_schema(path, "1", "UPDATE fts SET body='dron struck'")

    again = LexicalIndex(path)
    assert again.token == "" and again.count() == 0
    again.replace_documents({"a": "k"}, [chunk("a", "Drones struck.")], token="t:1")
    assert [c.source for c, _ in again.search("drone", 5)] == ["a"]
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()[0] == SCHEMA_VERSION


# ------------------------------------------- following a store, per document
ARTICLES = {
    "drones.txt": "Drones struck the fuel depot near the border on Tuesday.",
    "ceasefire.txt": "The ceasefire was brokered by Russia in November 2020.",
    "corridor.txt": "Peacekeepers patrol the Lachin corridor every day.",
}


def write(folder: Path, articles: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in articles.items():
        (folder / name).write_text(text, encoding="utf-8")


@pytest.fixture
def built(tmp_path: Path) -> tuple[Assistant, Path]:
    corpus = tmp_path / "corpus"
    write(corpus, ARTICLES)
    assistant = Assistant(index_dir=tmp_path / "index", embedder=FakeEmbedder(), min_similarity=0.0)
    assert assistant.ingest([corpus], progress=False).ok
    return assistant, corpus


def lexical_sources(assistant: Assistant, query: str) -> set[str]:
    return {Path(c.source).name for c, _ in assistant.retriever.lexical().search(query, 10)}


def test_ingest_fills_the_index_file_next_to_the_index(built: tuple[Assistant, Path], tmp_path: Path) -> None:
    assistant, _ = built

    assert (tmp_path / "index" / FILENAME).is_file()
    assert LexicalIndex(tmp_path / "index" / FILENAME).count() == 3
    assert lexical_sources(assistant, "fuel depot") == {"drones.txt"}


def test_sync_rereads_only_the_documents_that_changed(built: tuple[Assistant, Path],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    assistant, corpus = built
    import rag.lexical

    fetched: list[list[str]] = []
    real = rag.lexical.fetch_chunks

    def spy(store: Any, sources: Any) -> Any:
        fetched.append([Path(s).name for s in sources])
        return real(store, sources)

    monkeypatch.setattr(rag.lexical, "fetch_chunks", spy)
    (corpus / "drones.txt").write_text("Artillery shelled the bridge at dawn.", encoding="utf-8")
    (corpus / "new.txt").write_text("Sanctions were extended by the council.", encoding="utf-8")
    (corpus / "corridor.txt").unlink()
    assert assistant.ingest([corpus], progress=False).ok

    assert [sorted(f) for f in fetched] == [["drones.txt", "new.txt"]]
    assert lexical_sources(assistant, "fuel depot") == set()
    assert lexical_sources(assistant, "artillery bridge") == {"drones.txt"}
    assert lexical_sources(assistant, "sanctions") == {"new.txt"}
    assert lexical_sources(assistant, "peacekeepers corridor") == set()


def test_nothing_is_reread_while_the_generation_stands(built: tuple[Assistant, Path],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    assistant, _ = built
    import rag.lexical

    monkeypatch.setattr(rag.lexical, "fetch_chunks", lambda *a: pytest.fail("re-read without a write"))
    for _ in range(3):
        assistant.retrieve("fuel depot")
    assert assistant.retriever.lexical().sync(assistant.store) == 0


def test_remove_takes_the_document_out_at_once(built: tuple[Assistant, Path]) -> None:
    assistant, corpus = built

    assistant.remove(str(corpus / "ceasefire.txt"))

    assert lexical_sources(assistant, "ceasefire brokered") == set()
    assert "ceasefire.txt" not in {Path(p.chunk.source).name for p in assistant.retrieve("ceasefire brokered")}


def test_another_process_view_notices_a_newer_generation(built: tuple[Assistant, Path], tmp_path: Path) -> None:
    """A second reader (its own file handle and store client) follows writes it did not make."""
    assistant, corpus = built
    reader = Assistant(index_dir=tmp_path / "index", embedder=FakeEmbedder(), min_similarity=0.0)
    assert lexical_sources(reader, "sanctions") == set()

    write(corpus, {"new.txt": "Sanctions were extended by the council."})
    assert assistant.ingest([corpus], progress=False).ok

    assert lexical_sources(reader, "sanctions") == {"new.txt"}


def test_a_rebuilt_index_is_not_mistaken_for_the_old_one(built: tuple[Assistant, Path], tmp_path: Path) -> None:
    """After --rebuild the generation counter starts again; the collection id tells them apart."""
    assistant, corpus = built
    other = tmp_path / "other"
    write(other, {"solo.txt": "Sanctions were extended by the council."})

    assistant.ingest([other], rebuild=True, progress=False)

    assert lexical_sources(assistant, "fuel depot") == set()
    assert lexical_sources(assistant, "sanctions") == {"solo.txt"}


def test_a_deleted_index_file_is_rebuilt_from_the_store(built: tuple[Assistant, Path], tmp_path: Path) -> None:
    _, _ = built
    (tmp_path / "index" / FILENAME).unlink()
    for suffix in ("-wal", "-shm"):
        (tmp_path / "index" / (FILENAME + suffix)).unlink(missing_ok=True)

    fresh = Assistant(index_dir=tmp_path / "index", embedder=FakeEmbedder(), min_similarity=0.0)
    assert lexical_sources(fresh, "peacekeepers") == {"corridor.txt"}


def test_lexical_only_hits_get_their_similarity_from_the_stored_vectors(built: tuple[Assistant, Path]) -> None:
    assistant, _ = built
    retriever = assistant.retriever
    query = "fuel depot"
    vector = assistant.embedder.embed_query(query)
    stored = {c.id: c for c in assistant.store.all_chunks()}
    # The dense side finds nothing, so every passage is a lexical-only hit.
    retriever.dense_retriever.search = lambda *a, **k: []  # type: ignore[method-assign]

    passages = retriever.retrieve(query, k=3, query_vector=vector)

    assert passages and all(p.dense_rank is None for p in passages)
    for p in passages:
        expected = float(assistant.embedder.embed_documents([stored[p.chunk.id].text])[0] @ vector)
        assert p.similarity == pytest.approx(expected, abs=1e-5)


def test_the_writer_updates_without_reading_the_manifest(built: tuple[Assistant, Path],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The process that wrote knows what changed: no full manifest read (10k records at 100k chunks)."""
    assistant, corpus = built
    write(corpus, {"new.txt": "Sanctions were extended by the council."})
    real = type(assistant.store).documents
    calls: list[str] = []

    def counting(self: Any, *args: Any) -> Any:
        calls.append("documents")
        return real(self, *args)

    monkeypatch.setattr(type(assistant.store), "documents", counting)
    assert assistant.ingest([corpus / "new.txt"], prune=False, progress=False).ok
    assistant.remove(str(corpus / "corridor.txt"))

    assert calls == []  # neither the ingest nor the removal (they read their records by id) nor the lexical index
    assert lexical_sources(assistant, "sanctions") == {"new.txt"}
    assert lexical_sources(assistant, "peacekeepers corridor") == set()


def test_the_fast_path_falls_back_to_a_full_sync_when_another_writer_came_between(
        built: tuple[Assistant, Path], tmp_path: Path) -> None:
    assistant, corpus = built
    lexical = assistant.retriever.lexical()
    before = lexical.token
    other = Assistant(index_dir=tmp_path / "index", embedder=FakeEmbedder(), min_similarity=0.0)
    write(tmp_path / "elsewhere", {"other.txt": "Artillery shelled the bridge at dawn."})
    other.ingest([tmp_path / "elsewhere"], progress=False)  # a write this process did not make
    write(corpus, {"new.txt": "Sanctions were extended by the council."})
    from rag.ingest import ingest

    report = ingest([corpus / "new.txt"], assistant.store, assistant.embedder, assistant.config, prune=False)

    assert lexical.apply(assistant.store, report.added, before) is False
    assert lexical_sources(assistant, "artillery bridge") == {"other.txt"}
    assert lexical_sources(assistant, "sanctions") == {"new.txt"}
