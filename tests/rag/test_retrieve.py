"""Hybrid retrieval: RRF, diversity, filters and the HybridRetriever over a small FakeEmbedder index."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rag.assistant import Assistant
from rag.records import Passage
from rag.retrieve import FilterError, Filters, diversify, rrf
from rag.testing import FakeEmbedder


# ----------------------------------------------------------------------- rrf
def test_rrf_by_hand() -> None:
    scores = rrf([["a", "b", "c"], ["b", "d"]], k=60)

    assert scores == pytest.approx({
        "a": 1 / (60 + 1),
        "b": 1 / (60 + 2) + 1 / (60 + 1),
        "c": 1 / (60 + 3),
        "d": 1 / (60 + 2),
    })


def test_rrf_item_in_both_lists_beats_a_single_first_place() -> None:
    scores = rrf([["a", "b"], ["c", "b"]], k=60)

    assert scores["b"] > scores["a"] == scores["c"]


def test_rrf_k_controls_the_weight_of_the_top_ranks() -> None:
    small = rrf([["a", "b"]], k=1)
    large = rrf([["a", "b"]], k=1000)

    assert small == pytest.approx({"a": 1 / 2, "b": 1 / 3})
    assert large == pytest.approx({"a": 1 / 1001, "b": 1 / 1002})
    assert small["a"] / small["b"] > large["a"] / large["b"]


def test_rrf_of_nothing_is_empty() -> None:
    assert rrf([]) == {}
    assert rrf([[], []]) == {}


def test_rrf_accepts_any_iterable_of_rankings() -> None:
    scores = rrf((r for r in (["x"], ["x"], ["x"])), k=60)

    assert scores == pytest.approx({"x": 3 / 61})


# ------------------------------------------------------------------ diversify
GROUPS = {"a1": "A", "a2": "A", "a3": "A", "a4": "A", "b1": "B", "b2": "B", "c1": "C"}


def test_diversify_caps_each_group_while_others_remain() -> None:
    ranked = ["a1", "a2", "a3", "b1", "a4", "c1", "b2"]

    chosen = diversify(ranked, GROUPS, k=4, max_per_group=2)

    assert chosen == ["a1", "a2", "b1", "c1"]
    assert sum(GROUPS[i] == "A" for i in chosen) == 2


def test_diversify_keeps_rank_order() -> None:
    ranked = ["b1", "a1", "a2", "a3", "c1"]

    chosen = diversify(ranked, GROUPS, k=4, max_per_group=1)

    # b1, a1, c1 by the cap; a2 lifts it because only A is left; the result is in rank order.
    assert set(chosen) == {"b1", "a1", "c1", "a2"}
    assert chosen == ["b1", "a1", "a2", "c1"]


def test_diversify_lifts_the_cap_when_other_groups_run_out() -> None:
    ranked = ["a1", "a2", "a3", "b1", "a4"]

    chosen = diversify(ranked, GROUPS, k=5, max_per_group=2)

    assert chosen == ["a1", "a2", "a3", "b1", "a4"]


def test_diversify_fills_k_from_a_single_group() -> None:
    ranked = ["a1", "a2", "a3", "a4"]

    assert diversify(ranked, GROUPS, k=3, max_per_group=1) == ["a1", "a2", "a3"]


def test_diversify_never_returns_more_than_k_or_more_than_given() -> None:
    ranked = ["a1", "b1", "c1"]

    assert diversify(ranked, GROUPS, k=2, max_per_group=5) == ["a1", "b1"]
    assert diversify(ranked, GROUPS, k=10, max_per_group=1) == ranked


# -------------------------------------------------------------------- Filters
def test_empty_mapping_means_no_filter() -> None:
    for empty in (None, {}):
        flt = Filters.from_mapping(empty)
        assert flt == Filters()
        assert flt.where() is None


def test_unknown_filter_key_is_named() -> None:
    with pytest.raises(FilterError) as info:
        Filters.from_mapping({"sorce": "a.txt", "title": "Etna"})

    message = str(info.value)
    assert "sorce" in message
    assert "source" in message  # the known keys are listed as the fix
    assert "title" not in message.split(";")[0]


@pytest.mark.parametrize("key", ["date_from", "date_to"])
@pytest.mark.parametrize("bad", ["yesterday", "13/09/2022", "2022-9"])
def test_bad_date_is_named(key: str, bad: str) -> None:
    with pytest.raises(FilterError) as info:
        Filters.from_mapping({key: bad})

    assert key in str(info.value)
    assert bad in str(info.value)


@pytest.mark.parametrize("bad", ["2023-13-01", "2023-02-30"])
def test_impossible_date_is_rejected(bad: str) -> None:
    with pytest.raises(FilterError, match="date_from"):
        Filters.from_mapping({"date_from": bad})


def test_from_mapping_accepts_singular_and_plural_keys() -> None:
    assert Filters.from_mapping({"source": "a.txt"}).sources == ("a.txt",)
    assert Filters.from_mapping({"sources": ["a.txt", "b.txt"]}).sources == ("a.txt", "b.txt")
    assert Filters.from_mapping({"collection": "news"}).collections == ("news",)
    assert Filters.from_mapping({"collections": ["a", "b"]}).collections == ("a", "b")
    assert Filters.from_mapping({"collection": []}).collections is None
    assert Filters.from_mapping({"title": "  Etna "}).title == "Etna"
    assert Filters.from_mapping({"title": ""}).title is None


def test_where_single_clause_is_not_wrapped() -> None:
    assert Filters(sources=("a.txt",)).where() == {"source": {"$in": ["a.txt"]}}
    assert Filters(collections=("x",)).where() == {"collection": {"$in": ["x"]}}


def test_where_combines_clauses_with_and() -> None:
    flt = Filters.from_mapping({"sources": ["a.txt", "b.txt"], "collection": "news",
                                "date_from": "2022-09-13", "date_to": "2023"})

    assert flt.where() == {"$and": [
        {"source": {"$in": ["a.txt", "b.txt"]}},
        {"collection": {"$in": ["news"]}},
        {"date_int": {"$gte": 20220913}},
        {"date_int": {"$lte": 20231231}},
    ]}


def test_year_only_date_to_includes_the_whole_year() -> None:
    where = Filters.from_mapping({"date_to": "2023"}).where()

    assert where == {"date_int": {"$lte": 20231231}}


def test_title_is_not_part_of_the_where_clause() -> None:
    assert Filters(title="Etna").where() is None


def test_restrict_without_access_control_changes_nothing() -> None:
    flt = Filters(sources=("a.txt",), collections=("x",))

    assert flt.restrict(None) == flt


def test_restrict_all_collections_to_the_allowed_ones() -> None:
    flt = Filters(sources=("a.txt",)).restrict(["b", "a", "b"])

    assert flt.collections == ("a", "b")
    assert flt.sources == ("a.txt",)


def test_restrict_intersects_requested_with_allowed() -> None:
    flt = Filters(collections=("public", "secret")).restrict(["public", "internal"])

    assert flt.collections == ("public",)


def test_empty_intersection_matches_nothing() -> None:
    flt = Filters(collections=("secret",)).restrict(["public"])

    assert flt.collections == ()
    # An empty list would be invalid for Chroma's $in and must not mean "everything".
    assert flt.where() == {"collection": {"$in": ["\x00none"]}}


def test_restrict_to_no_collections_matches_nothing() -> None:
    assert Filters().restrict([]).collections == ()


# ------------------------------------------------------- HybridRetriever fixture
ARTICLES = {
    "etna.txt": ("Mount Etna Eruption",
                 "Mount Etna erupted on 21 May 2023 in Sicily. Lava flows reached the village of Zafferana "
                 "within two days. The Catania airport closed for 48 hours because of volcanic ash. "
                 "Geologists measured lava temperatures of 1,100 degrees Celsius."),
    "coffee.txt": ("Coffee Harvest in Colombia",
                   "Colombian coffee farmers harvested 12 million bags in 2022. Heavy rains in Antioquia "
                   "damaged many plantations. The National Federation of Coffee Growers raised the minimum "
                   "purchase price. Exports to Japan grew by 15 percent."),
    "chess.txt": ("Chess Championship in Astana",
                  "Ding Liren won the World Chess Championship in Astana in April 2023. He defeated Ian "
                  "Nepomniachtchi in rapid tiebreaks. The match lasted fourteen classical games. Magnus "
                  "Carlsen had declined to defend his title."),
}
MORE_ARTICLES = {
    "whales.txt": ("Humpback Whales Return",
                   "Humpback whales returned to the Hudson River estuary in 2021. Marine biologists counted "
                   "32 individual whales near New York. Cleaner water brought back large schools of menhaden, "
                   "their prey."),
    "bridge.txt": ("Harbour Bridge Repairs",
                   "Engineers began repainting the Sydney Harbour Bridge in 2019. The project uses 30,000 "
                   "litres of paint. Workers remove old lead paint with abrasive blasting."),
}
DATES = {"etna.txt": "2023-05-22", "coffee.txt": "2022-11-02", "chess.txt": "2023-04-30",
         "whales.txt": "2021-08-10", "bridge.txt": "2019-03-01"}


def write_articles(folder: Path, articles: dict[str, tuple[str, str]]) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, (title, body) in articles.items():
        path = folder / name
        path.write_text(f"{title}\n\n{body}\n", encoding="utf-8")
        (folder / f"{name}.meta.json").write_text(json.dumps({"date": DATES[name]}), encoding="utf-8")
        paths[name] = path
    return paths


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Two collections: a = three articles, b = two more."""
    root = tmp_path_factory.mktemp("retrieve")
    paths = {**write_articles(root / "a", ARTICLES), **write_articles(root / "b", MORE_ARTICLES)}
    assistant = Assistant(index_dir=root / "index", embedder=FakeEmbedder(), min_similarity=0.0)
    report_a = assistant.ingest([root / "a"], collection="a", progress=False)
    report_b = assistant.ingest([root / "b"], collection="b", progress=False)
    assert report_a.ok and report_b.ok, (report_a.failed, report_b.failed)
    assert len(report_a.added) == 3 and len(report_b.added) == 2
    return {"assistant": assistant, "paths": {k: str(v.resolve()) for k, v in paths.items()}}


def sources(passages: list[Passage]) -> list[str]:
    return [Path(p.chunk.source).name for p in passages]


@pytest.mark.parametrize(("query", "expected"), [
    ("When did Mount Etna erupt and close the Catania airport?", "etna.txt"),
    ("How many bags did Colombian coffee farmers harvest?", "coffee.txt"),
    ("Who won the World Chess Championship in Astana?", "chess.txt"),
    ("How many humpback whales returned to the Hudson River?", "whales.txt"),
    ("How much paint does the Sydney Harbour Bridge repainting use?", "bridge.txt"),
])
def test_right_document_ranks_first(corpus: dict[str, Any], query: str, expected: str) -> None:
    passages = corpus["assistant"].retriever.retrieve(query, k=5)

    assert sources(passages)[0] == expected
    assert passages[0].score > passages[1].score
    assert passages[0].dense_rank is not None or passages[0].lexical_rank is not None


def test_scores_are_the_rrf_of_the_reported_ranks(corpus: dict[str, Any]) -> None:
    assistant = corpus["assistant"]
    rrf_k = assistant.config.rrf_k

    passages = assistant.retriever.retrieve("Lava flows reached Zafferana", k=5)

    assert passages
    for p in passages:
        expected = sum(1 / (rrf_k + r) for r in (p.dense_rank, p.lexical_rank) if r is not None)
        assert p.score == pytest.approx(expected)
        assert p.similarity is not None
    assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)


def test_k_limits_the_passages(corpus: dict[str, Any]) -> None:
    retriever = corpus["assistant"].retriever

    assert len(retriever.retrieve("volcanic ash over Sicily", k=2)) == 2
    assert len(retriever.retrieve("volcanic ash over Sicily", k=50)) == 5  # the whole index


def test_source_filter_is_honoured(corpus: dict[str, Any]) -> None:
    coffee = corpus["paths"]["coffee.txt"]

    passages = corpus["assistant"].retriever.retrieve("When did Mount Etna erupt?", k=5,
                                                      filters={"source": coffee})

    assert passages
    assert {p.chunk.source for p in passages} == {coffee}


def test_several_sources_filter(corpus: dict[str, Any]) -> None:
    wanted = {corpus["paths"]["chess.txt"], corpus["paths"]["bridge.txt"]}

    passages = corpus["assistant"].retriever.retrieve("When did Mount Etna erupt?", k=5,
                                                      filters={"sources": sorted(wanted)})

    assert {p.chunk.source for p in passages} == wanted


def test_title_filter_is_honoured(corpus: dict[str, Any]) -> None:
    passages = corpus["assistant"].retriever.retrieve("coffee harvest in Colombia", k=5,
                                                      filters={"title": "chess"})

    assert passages
    assert all("chess" in p.chunk.title.lower() for p in passages)


def test_date_filters_are_honoured(corpus: dict[str, Any]) -> None:
    passages = corpus["assistant"].retriever.retrieve(
        "Mount Etna erupted in Sicily", k=5, filters={"date_from": "2022-01-01", "date_to": "2023-04-30"})

    assert sorted(sources(passages)) == ["chess.txt", "coffee.txt"]


def test_collection_filter_is_honoured(corpus: dict[str, Any]) -> None:
    retriever = corpus["assistant"].retriever

    only_b = retriever.retrieve("When did Mount Etna erupt?", k=5, filters={"collection": "b"})
    only_a = retriever.retrieve("Sydney Harbour Bridge paint", k=5, filters={"collection": "a"})

    assert sorted(sources(only_b)) == ["bridge.txt", "whales.txt"]
    assert {p.chunk.collection for p in only_b} == {"b"}
    assert sorted(sources(only_a)) == ["chess.txt", "coffee.txt", "etna.txt"]


def test_allowed_collections_restrict_retrieval(corpus: dict[str, Any]) -> None:
    assistant = corpus["assistant"]

    passages = assistant.retrieve("Sydney Harbour Bridge paint", k=5, allowed_collections=["a"])
    unrestricted = assistant.retrieve("Sydney Harbour Bridge paint", k=5)

    assert sources(unrestricted)[0] == "bridge.txt"  # what access control must hide
    assert passages and {p.chunk.collection for p in passages} == {"a"}


def test_empty_intersection_retrieves_nothing(corpus: dict[str, Any]) -> None:
    assistant = corpus["assistant"]
    flt = Filters.from_mapping({"collection": "b"}).restrict(["a"])

    assert assistant.retriever.retrieve("Sydney Harbour Bridge paint", k=5, filters=flt) == []
    assert assistant.retrieve("Sydney Harbour Bridge paint", filters={"collection": "b"},
                              allowed_collections=["a"]) == []
    assert assistant.retrieve("Sydney Harbour Bridge paint", allowed_collections=[]) == []


def test_unknown_filter_is_refused_before_retrieving(corpus: dict[str, Any]) -> None:
    with pytest.raises(FilterError, match="colection"):
        corpus["assistant"].retriever.retrieve("Etna", filters={"colection": "a"})


def test_as_langchain_returns_documents_with_provenance(corpus: dict[str, Any]) -> None:
    from langchain_core.documents import Document
    from langchain_core.retrievers import BaseRetriever

    retriever = corpus["assistant"].retriever
    lc = retriever.as_langchain(k=2)

    docs = lc.invoke("How many bags did Colombian coffee farmers harvest?")

    assert isinstance(lc, BaseRetriever)
    assert len(docs) == 2 and all(isinstance(d, Document) for d in docs)
    top = docs[0]
    assert top.metadata["source"] == corpus["paths"]["coffee.txt"]
    assert top.metadata["title"] == "Coffee Harvest in Colombia"
    assert top.metadata["end"] - top.metadata["start"] == len(top.page_content)
    assert "12 million bags" in top.page_content
    assert Path(top.metadata["source"]).read_text(encoding="utf-8").count(top.page_content) == 1
    for doc in docs:
        assert {"source", "title", "start", "end"} <= set(doc.metadata)


def test_as_langchain_applies_filters(corpus: dict[str, Any]) -> None:
    lc = corpus["assistant"].retriever.as_langchain(k=5, filters={"collection": "b"})

    docs = lc.invoke("When did Mount Etna erupt?")

    assert docs and {Path(d.metadata["source"]).name for d in docs} <= {"whales.txt", "bridge.txt"}


def test_per_source_cap_spreads_passages_over_documents(tmp_path: Path) -> None:
    # Small chunks: each article becomes several passages, and one article would fill k on its own.
    write_articles(tmp_path / "docs", ARTICLES)
    assistant = Assistant(index_dir=tmp_path / "index", embedder=FakeEmbedder(), chunk_tokens=12,
                          chunk_overlap=0, max_per_source=1)
    assistant.ingest([tmp_path / "docs"], progress=False)
    query = "Mount Etna lava Zafferana Catania airport volcanic ash Sicily"

    capped = assistant.retriever.retrieve(query, k=3)
    uncapped = Assistant(index_dir=tmp_path / "index", embedder=FakeEmbedder(), chunk_tokens=12,
                         chunk_overlap=0, max_per_source=3).retriever.retrieve(query, k=3)

    assert sources(uncapped) == ["etna.txt"] * 3
    assert sorted(sources(capped)) == ["chess.txt", "coffee.txt", "etna.txt"]
    assert sources(capped)[0] == "etna.txt"


def test_one_document_corpus_still_fills_k(tmp_path: Path) -> None:
    write_articles(tmp_path / "docs", {"etna.txt": ARTICLES["etna.txt"]})
    assistant = Assistant(index_dir=tmp_path / "index", embedder=FakeEmbedder(), chunk_tokens=12,
                          chunk_overlap=0, max_per_source=1)
    assistant.ingest([tmp_path / "docs"], progress=False)

    passages = assistant.retriever.retrieve("Mount Etna", k=3)

    assert len(passages) == 3
    assert len({p.chunk.id for p in passages}) == 3


def test_a_document_record_is_filtered_as_its_chunks_are() -> None:
    # The ambiguity check lists the library by its records: the date, title and source filters apply to them too.
    from rag.store import DocumentRecord

    record = DocumentRecord(source="a.txt", title="The Coup in Azawi", content_hash="h", chunks=3,
                            collection="public", date="2026-07-24")
    assert Filters().matches(record)
    assert Filters.from_mapping({"date_from": "2026-01-01", "title": "coup"}).matches(record)
    assert not Filters.from_mapping({"date_to": "2025"}).matches(record)
    assert not Filters.from_mapping({"title": "grid"}).matches(record)
    assert not Filters.from_mapping({"collection": "restricted"}).matches(record)
    undated = DocumentRecord(source="b.txt", title="Undated", content_hash="h", chunks=1)
    assert not Filters.from_mapping({"date_from": "2026"}).matches(undated)
