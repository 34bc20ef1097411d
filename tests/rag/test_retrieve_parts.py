"""The retrieval parts one by one: weighted fusion, MMR, collection pruning, dense and lexical retrievers
alone, the reranker hook (fake and a tiny local CrossEncoder), and the pickling LangChain adapters."""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from rag.assistant import Assistant
from rag.config import Config, ConfigError
from rag.records import Chunk, Passage
from rag.rerank import CrossEncoderReranker, Reranker, make_reranker
from rag.retrieve import DenseRetriever, Filters, HybridRetriever, LexicalRetriever, WeightedRRF, mmr, rrf
from rag.testing import FakeEmbedder, tiny_cross_encoder

DOCS = {
    "a": {"etna.txt": "Mount Etna erupted in May 2023. Lava flows reached the village of Zafferana.",
          "coffee.txt": "Colombian coffee farmers harvested 12 million bags in 2022 despite heavy rains."},
    "b": {"bridge.txt": "Engineers repainted the Sydney Harbour Bridge with 30,000 litres of paint.",
          "lava.txt": "Lava flows from Etna crossed the road near Zafferana, officials said."},
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """Collection a: etna, coffee; collection b: bridge and a second Etna text (what access control hides)."""
    root = tmp_path_factory.mktemp("parts")
    assistant = Assistant(index_dir=root / "index", embedder=FakeEmbedder(), min_similarity=0.0)
    for collection, docs in DOCS.items():
        folder = root / collection
        folder.mkdir()
        for name, text in docs.items():
            (folder / name).write_text(text + "\n", encoding="utf-8")
        assert assistant.ingest([folder], collection=collection, progress=False).ok
    return assistant


def names(hits: Sequence[Any]) -> list[str]:
    return [Path((h.chunk if isinstance(h, Passage) else h[0]).source).name for h in hits]


# ------------------------------------------------------------------ fusion
def test_weighted_rrf_by_hand() -> None:
    fusion = WeightedRRF(k=10, weights={"dense": 2.0, "lexical": 0.5})

    scores = fusion.fuse({"dense": ["a", "b"], "lexical": ["b", "c"]})

    assert scores == pytest.approx({"a": 2 / 11, "b": 2 / 12 + 0.5 / 11, "c": 0.5 / 12})
    assert rrf([["a", "b"], ["b", "c"]], k=10, weights=[2.0, 0.5]) == pytest.approx(scores)


def test_weight_zero_adds_nothing_and_unknown_retrievers_count_one() -> None:
    fusion = WeightedRRF(k=60, weights={"lexical": 0.0})

    scores = fusion.fuse({"lexical": ["x"], "dense": ["y"], "mine": ["y"]})

    assert scores["x"] == 0.0 and scores["y"] == pytest.approx(2 / 61)


def test_fusion_ranking_breaks_ties_by_the_first_ranking_then_by_id() -> None:
    # Equal fused scores follow the dense ranking, not chunk ids (which change with the folder a file is in).
    assert WeightedRRF().ranked({"dense": ["b"], "lexical": ["a"]}) == [("b", 1 / 61), ("a", 1 / 61)]
    assert [i for i, _ in WeightedRRF().ranked({"dense": ["z", "a"], "lexical": ["a", "z"]})] == ["z", "a"]
    assert [i for i, _ in WeightedRRF().ranked({"dense": ["b", "a"], "lexical": []})] == ["b", "a"]
    assert WeightedRRF(weights={"dense": 0.0}).ranked({"dense": ["b"], "other": ["a"]})[0][0] == "a"


@pytest.mark.parametrize("weights", [{"dense": -1.0}, {"lexical": float("nan")}])
def test_fusion_refuses_negative_weights(weights: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="weights must be >= 0"):
        WeightedRRF(weights=weights)


def test_config_validates_the_retrieval_settings() -> None:
    with pytest.raises(ConfigError, match="dense_weight"):
        Config(dense_weight=-1)
    with pytest.raises(ConfigError, match="at least one retriever"):
        Config(dense_weight=0, lexical_weight=0)
    with pytest.raises(ConfigError, match="mmr_lambda"):
        Config(mmr_lambda=1.5)
    with pytest.raises(ConfigError, match="reranker: 'bm42' is not one of cross-encoder:DIR"):
        Config(reranker="bm42")
    with pytest.raises(ConfigError, match="needs an argument: cross-encoder:DIR"):
        Config(reranker="cross-encoder")
    assert Config.load(environ={"RAG_LEXICAL_WEIGHT": "0.5", "RAG_MMR_LAMBDA": "0.7"}).lexical_weight == 0.5


# --------------------------------------------------------------------- mmr
def test_mmr_by_hand_prefers_the_novel_passage() -> None:
    v = {"a": np.array([1.0, 0.0]), "b": np.array([0.99, 0.141]), "c": np.array([0.0, 1.0])}

    assert mmr(["a", "b", "c"], v, lambda_=1.0) == ["a", "b", "c"]
    assert mmr(["a", "b", "c"], v, lambda_=0.5) == ["a", "c", "b"]
    assert mmr(["a", "b", "c"], v, lambda_=0.5, k=2) == ["a", "c"]


def test_mmr_without_vectors_keeps_relevance_order_and_checks_lambda() -> None:
    assert mmr(["a", "b", "c"], {}, lambda_=0.3) == ["a", "b", "c"]
    with pytest.raises(ValueError, match="mmr_lambda"):
        mmr(["a"], {}, lambda_=-0.1)


# ------------------------------------------------------ collection pruning
def test_covering_drops_only_a_collection_filter_that_excludes_nothing() -> None:
    both = Filters(collections=("a", "b"), sources=("s",))

    assert both.covering({"a", "b"}).collections is None
    assert both.covering({"a", "b"}).sources == ("s",)  # the other filters stay
    assert both.covering({"a", "b", "c"}) == both        # c exists and is not allowed
    assert both.covering(None) == both                   # unknown: keep the filter
    assert Filters().covering({"a"}) == Filters()


# --------------------------------------------------------- each retriever alone
@pytest.mark.parametrize("stale", [None, {"a"}])
def test_dense_retriever_alone_applies_access_control(corpus: Assistant, stale: set[str] | None) -> None:
    # ``stale``: what a lexical index that missed collection b would claim; the query then runs without a
    # collection filter, and every hit must still be checked.
    dense = DenseRetriever(corpus.store, present_collections=lambda: stale)
    query = "Lava flows Etna Zafferana"
    flt = Filters().restrict(["a"])

    hits = dense.search(query, corpus.embedder.embed_query(query), 5, flt)
    unrestricted = dense.search(query, corpus.embedder.embed_query(query), 5, Filters())

    assert "lava.txt" in names(unrestricted)
    assert hits and {c.collection for c, _ in hits} == {"a"}
    assert all(-1.0 <= s <= 1.0 for _, s in hits)


def test_lexical_retriever_alone_applies_access_control(corpus: Assistant) -> None:
    lexical = LexicalRetriever(corpus.retriever.lexical)

    hits = lexical.search("Lava Zafferana", None, 5, Filters().restrict(["a"]))
    unrestricted = lexical.search("Lava Zafferana", None, 5, Filters())

    assert names(hits) == ["etna.txt"]
    assert sorted(names(unrestricted)) == ["etna.txt", "lava.txt"]


def test_lexical_index_knows_its_collections(corpus: Assistant) -> None:
    assert corpus.retriever.lexical().collections() == {"a", "b"}


def test_lexical_filtered_search_equals_the_exact_query_when_the_filter_is_narrow(tmp_path: Path) -> None:
    # 300 matching chunks in "wide", 2 in "narrow" ranked last: the over-fetch misses them, the fallback not.
    from rag.lexical import LexicalIndex

    index = LexicalIndex(tmp_path / "lexical.sqlite3")
    chunks = [Chunk(id=f"w{i}", source=f"w{i}", title="T", text="drone drone drone strike", start=0, end=1,
                    index=0, collection="wide") for i in range(300)]
    chunks += [Chunk(id=f"n{i}", source=f"n{i}", title="T", text="drone " + "filler words here " * 20,
                     start=0, end=1, index=0, collection="narrow") for i in range(2)]
    index.replace_documents({c.source: "k" for c in chunks}, chunks)

    narrow = index.search("drone", 5, collections=["narrow"])
    top = index.search("drone", 5)

    assert [c.id for c, _ in narrow] == ["n0", "n1"]
    assert all(c.collection == "wide" for c, _ in top)


# ----------------------------------------------------------------- reranker hook
class ReversingReranker:
    """A fake reranker: reverses the order and records what it was shown."""

    def __init__(self) -> None:
        self.seen: list[list[Passage]] = []

    def rerank(self, question: str, passages: Sequence[Passage]) -> list[Passage]:
        self.seen.append(list(passages))
        return [Passage(p.chunk, score=float(i), dense_rank=p.dense_rank, lexical_rank=p.lexical_rank,
                        similarity=p.similarity) for i, p in enumerate(reversed(passages))]


class InjectingReranker:
    """A broken reranker that adds a passage it was not given."""

    def __init__(self, intruder: Passage) -> None:
        self.intruder = intruder

    def rerank(self, question: str, passages: Sequence[Passage]) -> list[Passage]:
        return [self.intruder, *passages]


def hybrid(corpus: Assistant, **changes: Any) -> HybridRetriever:
    return HybridRetriever(corpus.store, corpus.embedder, corpus.config.replace(max_per_source=5, **changes))


def test_a_reranker_reorders_the_fused_candidates(corpus: Assistant) -> None:
    reranker = ReversingReranker()
    plain = hybrid(corpus).retrieve("Lava flows Etna Zafferana", k=4)
    retriever = hybrid(corpus)
    retriever.reranker = reranker

    reranked = retriever.retrieve("Lava flows Etna Zafferana", k=4)

    assert isinstance(reranker, Reranker)
    assert len(reranker.seen) == 1 and [p.chunk.id for p in reranker.seen[0]] == [p.chunk.id for p in plain]
    assert [p.chunk.id for p in reranked] == [p.chunk.id for p in reversed(plain)]
    assert all(p.similarity is not None for p in reranked)


def test_the_reranker_only_sees_what_access_control_allows(corpus: Assistant) -> None:
    reranker = ReversingReranker()
    retriever = hybrid(corpus)
    retriever.reranker = reranker

    passages = retriever.retrieve("Lava flows Etna Zafferana", k=4, filters=Filters().restrict(["a"]))

    assert passages and {p.chunk.collection for p in passages} == {"a"}
    assert {p.chunk.collection for p in reranker.seen[0]} == {"a"}


def test_a_passage_a_reranker_invents_never_passes_the_filters(corpus: Assistant) -> None:
    secret = hybrid(corpus).retrieve("Sydney Harbour Bridge paint", k=1, filters={"collection": "b"})[0]
    retriever = hybrid(corpus)
    retriever.reranker = InjectingReranker(secret)

    passages = retriever.retrieve("Sydney Harbour Bridge paint", k=3, filters=Filters().restrict(["a"]))

    assert passages and secret.chunk.id not in {p.chunk.id for p in passages}


def test_weight_zero_leaves_a_retriever_out(corpus: Assistant) -> None:
    lexical_only = hybrid(corpus, dense_weight=0.0).retrieve("Lava Zafferana", k=3)
    dense_only = hybrid(corpus, lexical_weight=0.0).retrieve("Lava Zafferana", k=3)

    assert lexical_only and all(p.dense_rank is None and p.lexical_rank for p in lexical_only)
    assert all(p.similarity is not None for p in lexical_only)  # from the stored vectors
    assert dense_only and all(p.lexical_rank is None and p.dense_rank for p in dense_only)


def test_mmr_setting_keeps_the_candidates_and_the_best_first(corpus: Assistant) -> None:
    plain = hybrid(corpus).retrieve("Lava flows Etna Zafferana", k=4)
    diverse = hybrid(corpus, mmr_lambda=0.5).retrieve("Lava flows Etna Zafferana", k=4)

    assert {p.chunk.id for p in diverse} == {p.chunk.id for p in plain}
    assert diverse[0].chunk.id == plain[0].chunk.id


def test_make_reranker_from_a_spec(tmp_path: Path) -> None:
    assert make_reranker("") is None and make_reranker(None) is None and make_reranker("none") is None
    with pytest.raises(FileNotFoundError, match="not a CrossEncoder model directory"):
        make_reranker(f"cross-encoder:{tmp_path}")


@pytest.mark.integration  # loads the real sentence-transformers CrossEncoder stack (slow to import)
def test_cross_encoder_reranker_orders_by_the_local_model(corpus: Assistant, tmp_path: Path) -> None:
    from sentence_transformers import CrossEncoder

    question = "Lava flows Etna Zafferana"
    model_dir = tiny_cross_encoder(tmp_path / "ce", question + " " + " ".join(
        t for docs in DOCS.values() for t in docs.values()))
    retriever = hybrid(corpus, reranker=f"cross-encoder:{model_dir}")
    assert isinstance(retriever.reranker, CrossEncoderReranker)

    passages = retriever.retrieve(question, k=4)

    model = CrossEncoder(str(model_dir), local_files_only=True, device="cpu")
    expected = [float(s) for s in model.predict([(question, p.chunk.text) for p in passages])]
    assert [p.score for p in passages] == pytest.approx(expected, abs=1e-5)
    assert expected == sorted(expected, reverse=True)


# ------------------------------------------------------------ LangChain adapters
def test_langchain_retriever_is_module_level_and_pickles(corpus: Assistant) -> None:
    from langchain_core.documents import Document
    from langchain_core.retrievers import BaseRetriever

    from rag.langchain_adapters import RagRetriever

    lc = corpus.retriever.as_langchain(k=2, filters={"collection": "a"})
    before = lc.invoke("Lava flows Etna Zafferana")

    again = pickle.loads(pickle.dumps(lc))
    after = again.invoke("Lava flows Etna Zafferana")

    assert isinstance(lc, RagRetriever) and isinstance(again, BaseRetriever)
    assert again.search_kwargs == {"k": 2, "filters": {"collection": "a"}}
    assert again.retriever is not corpus.retriever  # rebuilt from the config, not carried live
    assert [d.id for d in after] == [d.id for d in before] and len(after) == 2
    assert all(isinstance(d, Document) for d in after)
    top = after[0]
    assert Path(top.metadata["source"]).name == "etna.txt"
    assert {"source", "title", "start", "end", "collection", "id", "score"} <= set(top.metadata)
    assert {d.metadata["collection"] for d in after} == {"a"}


def test_langchain_retriever_search_kwargs_are_checked_and_applied(corpus: Assistant) -> None:
    from rag.langchain_adapters import RagRetriever

    with pytest.raises(ValueError, match="unknown key"):
        RagRetriever(config=corpus.config, search_kwargs={"kk": 3})
    with pytest.raises(ValueError, match="colection"):
        RagRetriever(config=corpus.config, search_kwargs={"filters": {"colection": "a"}})
    lc = RagRetriever(config=corpus.config, embedder=corpus.embedder,
                      search_kwargs={"k": 3, "allowed_collections": ["b"]})

    docs = lc.invoke("Lava flows Etna Zafferana")

    assert docs and {d.metadata["collection"] for d in docs} == {"b"}


def test_a_pickle_leaves_the_projects_own_embedder_to_be_rebuilt(tmp_path: Path) -> None:
    from rag.embed import SentenceTransformerEmbedder
    from rag.langchain_adapters import RagEmbeddings, RagRetriever

    config = Config(index_dir=str(tmp_path / "index"))
    lc = RagRetriever(config=config, embedder=SentenceTransformerEmbedder(), search_kwargs={"k": 1})
    embeddings = RagEmbeddings(SentenceTransformerEmbedder(), config=config)

    assert pickle.loads(pickle.dumps(lc)).embedder is None  # made from the config on first use
    assert pickle.loads(pickle.dumps(embeddings))._embedder is None
    assert pickle.loads(pickle.dumps(lc)).config == config


def test_langchain_embeddings_adapter_pickles_with_a_fake() -> None:
    from langchain_core.embeddings import Embeddings

    from rag.embed import LangChainEmbeddings
    from rag.langchain_adapters import RagEmbeddings

    adapter = RagEmbeddings(FakeEmbedder(dimension=8))
    again = pickle.loads(pickle.dumps(adapter))

    assert isinstance(again, Embeddings) and isinstance(LangChainEmbeddings(FakeEmbedder()), RagEmbeddings)
    assert again.embed_query("drones strike") == adapter.embed_query("drones strike")
    assert len(again.embed_documents(["a", "b"])) == 2 and len(again.embed_documents(["a"])[0]) == 8


class CountingStore:
    """Wraps a store, recording the ``where`` of every vector query."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.wheres: list[Any] = []

    def query(self, vector: np.ndarray, n: int, where: Any = None) -> Any:
        self.wheres.append(where)
        return self.store.query(vector, n, where)


@pytest.mark.parametrize(("n", "queries"), [(1, 1), (5, 2)])
def test_dense_partial_collection_access_looks_among_the_nearest_first(corpus: Assistant, n: int,
                                                                       queries: int) -> None:
    store = CountingStore(corpus.store)
    dense = DenseRetriever(store, present_collections=lambda: {"a", "b"})  # type: ignore[arg-type]
    query = "Lava flows Etna Zafferana"
    vector = corpus.embedder.embed_query(query)
    flt = Filters().restrict(["a"])

    hits = dense.search(query, vector, n, flt)
    exact = [(c, s) for c, s in corpus.store.query(vector, n, flt.where())]

    assert [c.id for c, _ in hits] == [c.id for c, _ in exact][:n]
    assert len(store.wheres) == queries and store.wheres[0] is None  # the unfiltered look came first
    assert all(c.collection == "a" for c, _ in hits)


class TiedRetriever:
    """A first-stage retriever that returns equal scores in the order it is given (as a store may, build by build)."""

    def __init__(self, name: str, hits: list[tuple[Chunk, float]]) -> None:
        self.name = name
        self.hits = hits

    def search(self, query: str, vector: Any, n: int, filters: Filters) -> list[tuple[Chunk, float]]:
        return list(self.hits[:n])


def test_equal_scores_are_ordered_by_file_name_and_position_not_by_the_stores_order(corpus: Assistant) -> None:
    # Copies of one article (.txt, .html, .pdf) score alike; the store returned them in an order that changed
    # with each index build, and so did the passages (one golden question of 51 across three builds).
    copies = [Chunk(id=f"id-{name}-{start}", source=f"/lib/{name}", title="Copy", text=f"Sentence {start}.",
                    start=start, end=start + 12, index=0) for name, start in (("c.txt", 0), ("a.html", 40), ("a.html", 0))]
    orders = (copies, copies[::-1], [copies[1], copies[2], copies[0]])
    results = []
    for dense_order in orders:
        retriever = hybrid(corpus)
        retriever.retrievers = [TiedRetriever("dense", [(c, 0.5) for c in dense_order]),  # type: ignore[list-item]
                                TiedRetriever("lexical", [(c, 2.0) for c in dense_order[::-1]])]  # type: ignore[list-item]
        results.append([(Path(p.chunk.source).name, p.chunk.start) for p in retriever.retrieve("same", k=3)])
    assert results[0] == results[1] == results[2] == [("a.html", 0), ("a.html", 40), ("c.txt", 0)]
