"""Rerankers: an optional second look at the fused candidates, before diversity and the top ``k``.

A reranker is anything with ``rerank(question, passages) -> passages`` (the
:class:`Reranker` protocol): it returns the passages it keeps, best first, and
may set their ``score``. :class:`rag.retrieve.HybridRetriever` gives it the best
``fetch_k`` fused candidates, already filtered (access control included), so a
reranker can reorder and drop passages but never adds one.

Configured by a spec string, ``NAME`` or ``NAME:ARGUMENT`` (``Config.reranker``,
``RAG_RERANKER``; empty = none):

=======================  ===============================================================
``cross-encoder:DIR``    a local sentence-transformers ``CrossEncoder`` relevance model
                         (e.g. a saved ms-marco-MiniLM-L-6-v2); nothing is downloaded
=======================  ===============================================================

A new reranker is a class with ``rerank`` plus one :func:`register_reranker`
call; or pass an instance: ``HybridRetriever(..., reranker=mine)`` /
``assistant.retriever.reranker = mine``.

Example:
    >>> make_reranker("") is None
    True
    >>> make_reranker("bm42")
    Traceback (most recent call last):
    ...
    rag.errors.ConfigError: reranker: 'bm42' is not one of cross-encoder:DIR (or empty for none)
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from rag.errors import ModelDirError
from rag.records import Passage
from rag.registry import Registration, SpecRegistry

logger = logging.getLogger(__name__)


@runtime_checkable
class Reranker(Protocol):
    """Reorders (and may drop) retrieved passages for a question."""

    def rerank(self, question: str, passages: Sequence[Passage]) -> list[Passage]:
        """The passages to keep, best first (each a passage it was given, its score possibly replaced)."""


RerankerFactory = Callable[[str], Reranker]
"""Builds a reranker from the spec's argument. Must be cheap: models load on first use."""

_REGISTRY: SpecRegistry[RerankerFactory] = SpecRegistry("reranker")


def register_reranker(name: str, factory: RerankerFactory, *, argument: str | None = None,
                      help: str = "") -> None:
    """Make ``name`` (``name:ARGUMENT`` when ``argument`` is given) a valid ``reranker`` setting."""
    _REGISTRY.register(name, factory, argument=argument, help=help)


def describe_rerankers() -> str:
    """For messages and ``--help``: ``cross-encoder:DIR``."""
    return _REGISTRY.describe()


def check_reranker_spec(spec: str | None) -> tuple[Registration[RerankerFactory], str] | None:
    """Validate a spec eagerly (None when no reranker); raise ``ConfigError`` naming the field."""
    if spec is None or not str(spec).strip() or str(spec).strip().lower() == "none":
        return None
    return _REGISTRY.check(str(spec).strip(), suffix=" (or empty for none)")


def make_reranker(spec: str | None) -> Reranker | None:
    """The reranker ``spec`` names (None for an empty spec), built cheaply."""
    checked = check_reranker_spec(spec)
    if checked is None:
        return None
    registration, argument = checked
    return registration.factory(argument)


class LocalCrossEncoder:
    """A sentence-transformers ``CrossEncoder`` from a local directory, loaded once on first use.

    The directory is checked eagerly (cheap); the model loads lazily, from that
    directory only. ``setting`` names the configuration field in the error
    (``reranker``, ``answer_checker``). Shared by :class:`CrossEncoderReranker` and
    :class:`rag.answer_checkers.CrossEncoderChecker`.
    """

    setting = "reranker"

    def __init__(self, model_dir: str | Path, *, batch_size: int = 32, device: str = "cpu",
                 max_length: int = 512) -> None:
        self.model_dir = str(model_dir)
        if not Path(self.model_dir, "config.json").is_file():  # eager and cheap: the model itself loads later
            raise ModelDirError(
                f"{self.model_dir}: not a CrossEncoder model directory (no config.json); give "
                f"{self.setting} = cross-encoder:DIR a local sentence-transformers CrossEncoder model")
        self.batch_size = batch_size
        self.device = device
        self.max_length = max_length
        self.name = f"cross-encoder:{self.model_dir}"
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                from sentence_transformers import CrossEncoder

                logger.info("loading %s %s", self.setting, self.model_dir)
                self._model = CrossEncoder(self.model_dir, local_files_only=True, device=self.device,
                                           max_length=self.max_length)
            return self._model

    def predict(self, pairs: Sequence[tuple[str, str]]) -> Any:
        """The model's raw outputs for (question, text) pairs."""
        return self._load().predict(list(pairs), batch_size=self.batch_size, show_progress_bar=False)


class CrossEncoderReranker(LocalCrossEncoder):
    """Scores (question, passage text) pairs with a local sentence-transformers ``CrossEncoder``.

    ``model_dir`` is a saved CrossEncoder relevance model (one output: a
    relevance logit); the model loads on first use, from that directory only.
    Each passage's ``score`` becomes the model's score; ties keep the fused order.

    Example:
        >>> reranker = CrossEncoderReranker("/models/ms-marco-MiniLM-L-6-v2")   # doctest: +SKIP
        >>> reranker.rerank("When did Etna erupt?", passages)                    # doctest: +SKIP
    """

    def scores(self, question: str, texts: Sequence[str]) -> list[float]:
        """The model's relevance score of each text for ``question`` (higher is more relevant)."""
        if not texts:
            return []
        raw = self.predict([(question, t) for t in texts])
        values = [float(v) if getattr(v, "ndim", 0) == 0 else float(v[-1]) for v in raw]
        return values

    def rerank(self, question: str, passages: Sequence[Passage]) -> list[Passage]:
        scores = self.scores(question, [p.chunk.text for p in passages])
        order = sorted(range(len(passages)), key=lambda i: (-scores[i], i))
        return [dataclasses.replace(passages[i], score=scores[i]) for i in order]


register_reranker("cross-encoder", CrossEncoderReranker, argument="DIR",
                  help="a local sentence-transformers CrossEncoder model directory")
