"""LangChain adapters at module level: :class:`RagRetriever` and :class:`RagEmbeddings`.

Both can be imported, subclassed, type-hinted and pickled. A pickle holds what
re-creates the live parts — the :class:`rag.config.Config` (index location,
model, retrieval settings) and the search settings — not open clients: the
store and the project's own embedders are rebuilt from the config on first
use after unpickling. Any other embedder (a fake, your own) is pickled with
the adapter.

Example:
    >>> from rag.langchain_adapters import RagRetriever
    >>> retriever = RagRetriever.from_index("index", k=5, filters={"collection": "public"})
    >>> docs = retriever.invoke("When did Etna erupt?")                # doctest: +SKIP
    >>> docs[0].metadata["source"], docs[0].metadata["title"]          # doctest: +SKIP
    >>> import pickle; pickle.loads(pickle.dumps(retriever)).search_kwargs["k"]
    5
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field, PrivateAttr, field_validator

from rag.config import Config

if TYPE_CHECKING:
    from rag.retrieve import HybridRetriever

SEARCH_KWARGS = ("k", "filters", "allowed_collections")
_REBUILT_FROM_CONFIG = ("rag.embed", "rag.embed_onnx")  # modules whose embedders make_embedder re-creates
_build_lock = threading.Lock()


def _portable(embedder: Any, config: Config | None) -> Any:
    """The embedder to pickle: None when the config re-creates it (rag's own embedders)."""
    if embedder is not None and config is not None and type(embedder).__module__ in _REBUILT_FROM_CONFIG:
        return None
    return embedder


class RagRetriever(BaseRetriever):
    """Hybrid dense + BM25 retrieval over a rag index, as a LangChain retriever.

    ``search_kwargs``: ``k`` (passages, default ``config.k``), ``filters`` (the
    mapping :meth:`rag.retrieve.Filters.from_mapping` takes: source, title,
    date_from, date_to, collection) and ``allowed_collections`` (access
    control: only these collections are searched). Documents carry the
    passage's metadata (source, title, page, start, end, collection, id, score,
    similarity).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    config: Any = Field(default_factory=Config)
    search_kwargs: dict[str, Any] = Field(default_factory=dict)
    embedder: Any = None
    _retriever: Any = PrivateAttr(default=None)

    @field_validator("config")
    @classmethod
    def _check_config(cls, value: Any) -> Config:
        if isinstance(value, Config):
            return value
        if isinstance(value, Mapping):
            return Config(**value)
        raise TypeError(f"config: expected a rag.config.Config or a mapping, got {type(value).__name__}")

    @field_validator("search_kwargs")
    @classmethod
    def _check_search_kwargs(cls, value: dict[str, Any]) -> dict[str, Any]:
        from rag.retrieve import Filters

        unknown = sorted(set(value) - set(SEARCH_KWARGS))
        if unknown:
            raise ValueError(f"search_kwargs: unknown key(s) {', '.join(unknown)}; known: {', '.join(SEARCH_KWARGS)}")
        k = value.get("k")
        if k is not None and (not isinstance(k, int) or isinstance(k, bool) or k <= 0):
            raise ValueError(f"search_kwargs: k must be a positive integer, got {k!r}")
        Filters.from_mapping(value.get("filters"))  # raises FilterError naming a bad filter
        allowed = value.get("allowed_collections")
        if allowed is not None and (isinstance(allowed, str) or not isinstance(allowed, Sequence)):
            raise ValueError(f"search_kwargs: allowed_collections must be a list of names, got {allowed!r}")
        return {key: v for key, v in value.items() if v is not None}

    # ------------------------------------------------------------ building
    @classmethod
    def from_index(cls, index_dir: str | None = None, *, config: Config | None = None, embedder: Any = None,
                   **search_kwargs: Any) -> "RagRetriever":
        """A retriever over the index at ``index_dir`` (or ``config``); keyword arguments are search_kwargs."""
        if config is None:
            config = Config.load(overrides={"index_dir": index_dir} if index_dir else None)
        elif index_dir:
            config = config.replace(index_dir=str(index_dir))
        return cls(config=config, embedder=embedder, search_kwargs=search_kwargs)

    @classmethod
    def wrapping(cls, retriever: "HybridRetriever", k: int | None = None,
                 filters: Mapping[str, Any] | None = None,
                 allowed_collections: Sequence[str] | None = None) -> "RagRetriever":
        """A LangChain view of a live :class:`rag.retrieve.HybridRetriever` (shares its store and model)."""
        kwargs = {"k": k, "filters": dict(filters) if filters else None,
                  "allowed_collections": list(allowed_collections) if allowed_collections is not None else None}
        out = cls(config=retriever.config, embedder=retriever.embedder, search_kwargs=kwargs)
        out._retriever = retriever
        return out

    @property
    def retriever(self) -> "HybridRetriever":
        """The live hybrid retriever (built from ``config`` on first use after unpickling)."""
        if self._retriever is None:
            with _build_lock:
                if self._retriever is None:
                    from rag.embed import make_embedder
                    from rag.retrieve import HybridRetriever
                    from rag.store import ChunkStore

                    embedder = self.embedder if self.embedder is not None else make_embedder(self.config)
                    self._retriever = HybridRetriever(ChunkStore(self.config), embedder, self.config)
        return self._retriever

    # ------------------------------------------------------------- pickling
    def __getstate__(self) -> dict[Any, Any]:
        state = super().__getstate__()
        state["__dict__"] = {**state["__dict__"], "embedder": _portable(self.embedder, self.config)}
        state["__pydantic_private__"] = {**(state.get("__pydantic_private__") or {}), "_retriever": None}
        return state

    # ------------------------------------------------------------ retrieving
    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun
                                ) -> list[Document]:
        from rag.retrieve import Filters

        kwargs = self.search_kwargs
        filters = Filters.from_mapping(kwargs.get("filters")).restrict(kwargs.get("allowed_collections"))
        passages = self.retriever.retrieve(query, k=kwargs.get("k"), filters=filters)
        return [p.to_langchain() for p in passages]


class RagEmbeddings(Embeddings):
    """A rag :class:`rag.embed.Embedder` as LangChain ``Embeddings`` (lists of floats).

    Give an ``embedder``, a ``config`` (its embedder is made on first use), or
    both (then a pickle keeps only the config when the config re-creates the
    embedder).

    Example:
        >>> from rag.testing import FakeEmbedder
        >>> len(RagEmbeddings(FakeEmbedder(dimension=8)).embed_query("drones"))
        8
    """

    def __init__(self, embedder: Any = None, config: Config | None = None) -> None:
        if embedder is None and config is None:
            config = Config()
        self.config = config
        self._embedder = embedder

    @property
    def embedder(self) -> Any:
        if self._embedder is None:
            with _build_lock:
                if self._embedder is None:
                    from rag.embed import make_embedder

                    self._embedder = make_embedder(self.config)
        return self._embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [list(map(float, row)) for row in self.embedder.embed_documents(list(texts))]

    def embed_query(self, text: str) -> list[float]:
        return [float(v) for v in self.embedder.embed_query(text)]

    def __getstate__(self) -> dict[str, Any]:
        return {"config": self.config, "_embedder": _portable(self._embedder, self.config)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
