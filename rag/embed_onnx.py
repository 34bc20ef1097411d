"""The packaged embedding model on ONNX Runtime: exported (and int8-quantized) locally, cached.

``embed_backend = "onnx"`` runs the same all-MiniLM-L6-v2 weights through ONNX
Runtime; ``"onnx-int8"`` through a copy with dynamically quantized int8 weights
(``onnxruntime.quantization.quantize_dynamic``). The model is exported once from
the packaged model directory (``torch.onnx.export`` of the transformer with its
mean pooling; nothing is downloaded) into a cache folder next to the index, and
loaded from there afterwards.

Speed: the transformer is exported with eager attention, whose graph ONNX Runtime's
transformer optimizer fuses (``Attention``, ``EmbedLayerNormalization``,
``SkipLayerNormalization``, ``BiasGelu``) for BERT-type models; the int8 copy then
quantizes the fused attention too (``QAttention``). Texts are encoded longest first
in sub-batches of :attr:`OnnxEmbedder.max_batch` (less padding, and activations that
stay in cache), one single-threaded run per CPU side by side (no synchronisation
inside each operator); ``bench/embed_bench.py`` measures each choice against PyTorch.

Why not sentence-transformers' own ``backend="onnx"``: it goes through
``optimum-onnx``, whose current release (0.1.0) requires ``transformers<4.58``
and would downgrade this environment's transformers 5; exporting with torch and
running with ONNX Runtime needs only ``onnx`` and ``onnxruntime``.

Vectors: ``onnx`` gives the PyTorch vectors to float rounding (measured by
``bench/embed_bench.py``), so both are recorded as ``embed_vectors = "fp32"`` and
may share an index; ``onnx-int8`` vectors differ measurably and are recorded as
``"int8"``: an index refuses vectors of the other kind, as it refuses another model.

Example:
    >>> emb = OnnxEmbedder(cache_dir="index/onnx", quantize=True)   # cheap: nothing exported yet
    >>> emb.embed_query("drone strikes").shape                        # doctest: +SKIP
    (384,)
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from rag.embed import DEFAULT_MODEL_NAME, SentenceTransformerEmbedder

logger = logging.getLogger(__name__)

# Bump when the export changes (graph, opset, pooling), so cached exports are redone.
EXPORT_VERSION = "3"
OPSET = 17


class OnnxEmbedder(SentenceTransformerEmbedder):
    """A sentence-transformers model directory run on ONNX Runtime (mean pooling, optional int8).

    Shares tokenisation for chunking (``token_offsets``) with
    :class:`rag.embed.SentenceTransformerEmbedder`; only encoding differs.
    """

    # ONNX Runtime runs at most this many texts at once, whatever ``batch_size`` (the caller's batch)
    # says: on the 2-core machine, sub-batches of 16 encoded faster than 64 (bench/embed_bench.py);
    # ``workers`` sub-batches run side by side, one thread each.
    max_batch = 16

    def __init__(
        self,
        model_dir: str | Path | None = None,
        *,
        cache_dir: str | Path,
        quantize: bool = False,
        name: str = DEFAULT_MODEL_NAME,
        batch_size: int = 64,
        normalize: bool = True,
        threads: int | None = None,
        torch_fallback: bool = False,
    ) -> None:
        super().__init__(model_dir, name=name, batch_size=batch_size, normalize=normalize)
        self.cache_dir = Path(cache_dir)
        self.quantize = quantize
        self.threads = threads
        self._session: Any = None
        self._encoder: Any = None
        # embed_backend "auto": when the model cannot be exported or loaded, encode with torch instead.
        self.torch_fallback = torch_fallback
        self.fallback_reason: str | None = None

    @property
    def backend(self) -> str:
        """What encodes: ``onnx``, ``onnx-int8``, or ``torch`` after an ``auto`` fallback."""
        if self.fallback_reason:
            return "torch"
        return "onnx-int8" if self.quantize else "onnx"

    # ------------------------------------------------------------- the model
    def model_path(self) -> Path:
        """Where this model's export lives: keyed by the weights, the export version and the precision."""
        weights = next((self.model_dir / n for n in ("model.safetensors", "pytorch_model.bin")
                        if (self.model_dir / n).exists()), self.model_dir / "config.json")
        stat = weights.stat()
        key = hashlib.sha256(f"{weights.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{EXPORT_VERSION}|{OPSET}"
                             .encode()).hexdigest()[:12]
        return self.cache_dir / f"{Path(self.name).name}-{key}" / ("model_int8.onnx" if self.quantize else "model.onnx")

    def ensure_exported(self) -> Path:
        """Export (and quantize) once; later calls and other processes find the cached files."""
        target = self.model_path()
        if target.exists():
            return target
        from filelock import FileLock

        target.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(target.parent / ".export.lock")):
            if target.exists():  # another process exported it while we waited
                return target
            fp32 = target.with_name("model.onnx")
            if not fp32.exists():
                logger.info("exporting %s to ONNX at %s (once)", self.model_dir, fp32)
                _export(self.model_dir, fp32)
            if self.quantize:
                from onnxruntime.quantization import QuantType, quantize_dynamic

                logger.info("quantizing %s to int8 at %s (once)", fp32, target)
                partial = target.with_name(target.name + ".partial")
                # Per-channel scales on the MatMul weights only: the default (per-tensor, every op)
                # measured a median cosine of 0.952 to the PyTorch vectors here, this one 0.994.
                # The fused attention's projections are quantized as well (QAttention).
                quantize_dynamic(str(fp32), str(partial), weight_type=QuantType.QInt8, per_channel=True,
                                 op_types_to_quantize=["MatMul", "Attention"],
                                 extra_options={"DefaultTensorType": 1})  # FLOAT, for the fused ops' outputs
                os.replace(partial, target)
        return target

    @property
    def session(self) -> Any:
        """The ONNX Runtime session (exported first if needed); None after an ``auto`` fallback to torch."""
        if self._session is None and not self.fallback_reason:
            with self._lock:
                if self._session is None and not self.fallback_reason:
                    try:
                        self._session = self._load_session()
                    except Exception as exc:
                        if not self.torch_fallback:
                            raise
                        self.fallback_reason = f"{type(exc).__name__}: {exc}"
                        logger.warning("embed_backend auto: the ONNX model %s could not be exported or loaded "
                                       "(%s); encoding with torch instead (the same vectors)",
                                       self.model_path(), self.fallback_reason)
        return self._session

    def _load_session(self) -> Any:
        import onnxruntime as ort

        path = self.ensure_exported()
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # One thread per run, a query included: parallelism comes from running sub-batches side by
        # side (see embed_documents), which wastes no time synchronising threads inside each op, and
        # no idle ONNX Runtime thread spins on a busy machine (rag.embed.one_torch_thread, for torch).
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    @property
    def encoder(self) -> Any:
        """The fast tokenizer set up for encoding: truncated to the model's window, padded per batch."""
        if self._encoder is None:
            from tokenizers import Tokenizer

            try:  # the model's own window, as sentence-transformers truncates
                config = json.loads((self.model_dir / "sentence_bert_config.json").read_text(encoding="utf-8"))
                self.max_tokens = int(config["max_seq_length"])
            except (OSError, ValueError, KeyError, TypeError):
                pass

            tok = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
            tok.enable_truncation(max_length=self.max_tokens)
            tok.enable_padding(pad_id=0, pad_token="[PAD]")
            self._encoder = tok
        return self._encoder

    @property
    def dimension(self) -> int:
        session = self.session
        if session is None:
            return super().dimension
        return int(session.get_outputs()[0].shape[-1] or 384)

    @property
    def workers(self) -> int:
        """Sub-batches encoded at once: ``threads`` if given, else the CPUs this process may use."""
        if self.threads:
            return max(1, self.threads)
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except AttributeError:  # not on Linux
            return max(1, os.cpu_count() or 1)

    # ------------------------------------------------------------- encoding
    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        session = self.session
        if session is None:  # auto fell back to torch (logged once)
            return super().embed_documents(texts)
        encoder = self.encoder
        wanted = {i.name for i in session.get_inputs()}
        # Longest first, like sentence-transformers: sub-batches of similar lengths pad less.
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        step = max(1, min(self.batch_size, self.max_batch))
        batches = [order[start:start + step] for start in range(0, len(order), step)]

        def run(batch: list[int]) -> np.ndarray:
            encoded = encoder.encode_batch([texts[i] for i in batch])
            feeds = {
                "input_ids": np.array([e.ids for e in encoded], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in encoded], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in encoded], dtype=np.int64),
            }
            return np.asarray(session.run(None, {k: v for k, v in feeds.items() if k in wanted})[0])

        workers = min(self.workers, len(batches))
        if workers > 1:  # ONNX Runtime releases the GIL while it runs
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="onnx-embed") as pool:
                rows = list(pool.map(run, batches))
        else:
            rows = [run(batch) for batch in batches]
        stacked = np.vstack(rows).astype(np.float32)
        out = np.empty_like(stacked)
        out[np.asarray(order)] = stacked
        if self.normalize:
            out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out


def _export(model_dir: Path, target: Path) -> None:
    """The transformer plus mean pooling as one ONNX graph (dynamic batch and length), fused where it can be.

    Eager attention exports as MatMul/Softmax/MatMul, a pattern ONNX Runtime's transformer
    optimizer fuses; the default (SDPA) exports with NaN guards it does not recognise.
    """
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(model_dir), local_files_only=True, attn_implementation="eager").eval()

    class MeanPooled(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.inner(input_ids=input_ids, attention_mask=attention_mask,
                                token_type_ids=token_type_ids).last_hidden_state
            weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
            return (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)

    # eval() on the wrapper itself: a fresh Module is in training mode, and the exporter puts that mode back,
    # recursively, when it is done (dropout on in the model afterwards).
    wrapped = MeanPooled(model).eval()
    # An example with padding, so the traced graph keeps the masking path.
    ids = torch.tensor([[101, 2023, 2003, 1037, 3231, 102], [101, 2023, 102, 0, 0, 0]], dtype=torch.long)
    mask = (ids != 0).long()
    axes = {"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
            "token_type_ids": {0: "batch", 1: "tokens"}, "sentence_embedding": {0: "batch"}}
    partial = target.with_name(target.name + ".partial")
    import warnings

    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # tracer warnings about Python branches on shapes
        torch.onnx.export(wrapped, (ids, mask, torch.zeros_like(ids)), str(partial),
                          input_names=["input_ids", "attention_mask", "token_type_ids"],
                          output_names=["sentence_embedding"], dynamic_axes=axes, opset_version=OPSET,
                          dynamo=False)
    _fuse(partial, model.config)

    def reference(ids: np.ndarray, mask: np.ndarray, types: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            return np.asarray(wrapped(torch.from_numpy(ids), torch.from_numpy(mask), torch.from_numpy(types)))

    try:
        check_export(partial, reference, int(getattr(model.config, "vocab_size", 0) or 30522), shown=target)
    except Exception:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, target)


# Largest difference allowed between the export's and PyTorch's mean-pooled vectors, relative to the largest
# component: torch and onnx are recorded as one kind of vectors (fp32), so the export must reproduce them.
EXPORT_TOLERANCE = 1e-4


def check_export(path: Path, reference: Any, vocab_size: int, *, shown: Path | None = None) -> float:
    """Compare the ONNX graph at ``path`` with ``reference(ids, mask, token_types)`` on padded probe batches.

    Returns the relative difference; raises ``RuntimeError`` naming the file (``shown``, else
    ``path``) when it exceeds :data:`EXPORT_TOLERANCE` (a trace that fixed a shape, a fusion
    that changed the numbers).
    """
    import onnxruntime as ort

    rng = np.random.default_rng(0)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    wanted = {i.name for i in session.get_inputs()}
    worst = 0.0
    for lengths in ((41, 17, 5), (9, 9)):  # two batch shapes: dynamic batch and length axes
        width = max(lengths)
        ids = np.zeros((len(lengths), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, length in enumerate(lengths):
            ids[row, :length] = rng.integers(1000, max(vocab_size, 1001), size=length)
            mask[row, :length] = 1
        types = np.zeros_like(ids)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        got = np.asarray(session.run(None, {k: v for k, v in feeds.items() if k in wanted})[0])
        want = reference(ids, mask, types)
        worst = max(worst, float(np.abs(got - want).max() / max(float(np.abs(want).max()), 1e-12)))
    if not worst <= EXPORT_TOLERANCE:
        raise RuntimeError(f"{shown or path}: the ONNX export's vectors differ from the PyTorch model's by {worst:.2g} "
                           f"(relative; allowed {EXPORT_TOLERANCE:g}), so it is not used; "
                           "use embed_backend torch")
    logger.info("checked %s against PyTorch: largest relative difference %.2g", shown or path, worst)
    return worst


def _fuse(path: Path, config: Any) -> None:
    """Rewrite ``path`` with ONNX Runtime's BERT fusions; other model types are left as exported."""
    if getattr(config, "model_type", None) != "bert":
        logger.info("no transformer fusion for model type %r; the plain export is used",
                    getattr(config, "model_type", None))
        return
    from onnxruntime.transformers.optimizer import optimize_model

    fused = optimize_model(str(path), model_type="bert", num_heads=int(config.num_attention_heads),
                           hidden_size=int(config.hidden_size), opt_level=1, use_gpu=False)
    logger.info("fused %s: %s", path.name,
                {k: v for k, v in fused.get_fused_operator_statistics().items() if v})
    fused.save_model_to_file(str(path))

