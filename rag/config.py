"""One configuration object, loaded at the edge and passed explicitly.

Precedence, lowest first: defaults < TOML file (``--config`` or ``$RAG_CONFIG``)
< environment variables ``RAG_<FIELD>`` < explicit overrides (CLI flags,
keyword arguments). Every value is validated when the object is built, with a
message that names the field.

Example:
    >>> cfg = Config.load(overrides={"k": 8})
    >>> cfg.k
    8
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import logging
import os
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Iterable, Mapping

from rag.errors import ConfigError  # also importable as rag.config.ConfigError

logger = logging.getLogger(__name__)

EMBED_BACKENDS = ("torch", "onnx", "onnx-int8")
SECRET_FIELDS = frozenset({"llm_api_key", "verifier_api_key"})


def read_toml(path: str | os.PathLike[str], what: str = "config file",
              error: type[Exception] = ConfigError) -> dict[str, Any]:
    """Parse a TOML file; a missing or malformed file raises ``error`` naming the file."""
    p = Path(path)
    try:
        return tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(f"{p}: {what} not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{p}: not valid TOML ({exc})") from None


_MODEL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,127}$")


def check_model_name(name: str) -> str:
    """A chat model's name as servers spell them (``llama3.1:8b``, ``org/model-7b@q4``), else ConfigError.

    Names arrive from the web UI's Settings; anything else (spaces, control characters,
    URLs, 200 characters of text) is refused before a client is built for it.
    """
    if not isinstance(name, str) or not _MODEL_NAME.match(name) or "//" in name or ".." in name:
        shown = name if isinstance(name, str) and len(name) <= 60 else f"{str(name)[:60]}…"
        raise ConfigError(f"llm_model: {shown!r} is not a model name (letters, digits and . _ : / @ + -, "
                          "at most 128 characters, e.g. llama3.1:8b)")
    return name


@dataclass(frozen=True)
class Config:
    # Where the index lives: a directory for embedded Chroma, or a server URL.
    index_dir: str = "index"
    chroma_url: str | None = None
    collection_name: str = "rag"

    # Embedding: the packaged all-MiniLM-L6-v2 unless a model directory is given.
    embedding_model: str = "sentence-transformers/all-MiniLM-L6-v2"
    embedding_path: str | None = None
    embed_batch_size: int = 64
    normalize_embeddings: bool = True
    # How the model runs: torch, or ONNX Runtime (fp32, or int8-quantized weights); see rag.embed_onnx.
    embed_backend: str = "torch"

    # Lexical index replicas of Chroma server indexes (default ~/.cache/rag/lexical); see rag.lexical.
    lexical_dir: str | None = None

    # Chunking, in the embedding model's word pieces (its window is 256).
    chunk_tokens: int = 200
    chunk_overlap: int = 40

    # Ingestion limits.
    max_file_mb: float = 50.0
    max_pdf_pages: int = 2000
    max_text_chars: int = 2_000_000
    # Extracted characters per byte of the file: ordinary text and PDFs stay under ~5; a small
    # PDF whose streams inflate to millions of characters (text amplification) does not.
    max_chars_per_byte: float = 20.0
    max_chunks_per_file: int = 5000
    # A flush embeds about this many seconds of chunks: what a killed ingest loses at most.
    ingest_flush_seconds: float = 15.0

    # Retrieval.
    k: int = 5
    fetch_k: int = 30
    rrf_k: int = 60
    max_per_source: int = 3
    min_similarity: float = 0.25
    # Retrieval parts (rag.retrieve): RRF weight of each retriever (0 = not run), MMR trade-off
    # (1 = off; lower favours passages unlike those already taken), optional reranker spec (rag.rerank).
    dense_weight: float = 1.0
    lexical_weight: float = 1.0
    mmr_lambda: float = 1.0
    reranker: str = ""

    # Answering.
    backend: str = "extractive"
    strict: bool = False
    support_threshold: float = 0.5
    max_answer_sentences: int = 3
    # With the answerability gate below, relevance can be lower (was 0.50 alone): both were chosen on the
    # tune half of held-out SQuAD articles + on-topic noise (eval/answerability.py, eval/README.md).
    min_sentence_score: float = 0.25
    # A factoid sentence must state the question's focus and answer type (rag.questions).
    min_answerability: float = 0.5
    # Analytic questions (why / reasons / how did X react…) retrieve this many passages for key points.
    analytic_k: int = 10

    # Chat model backends.
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = field(default=None, repr=False)
    ollama_url: str = "http://localhost:11434"
    gguf_path: str | None = None
    temperature: float = 0.0
    max_tokens: int = 512
    request_timeout: float = 120.0
    max_chat_models: int = 4  # chat-model clients kept per Assistant (least recently used dropped)

    # Support verifier (rag.verifiers): "lexical", "nli:DIR" or "llm" (a judge model, not the answering one).
    verifier: str = "lexical"
    verifier_model: str | None = None
    verifier_base_url: str | None = None
    verifier_api_key: str | None = field(default=None, repr=False)
    verifier_timeout: float = 30.0
    verifier_concurrency: int = 4

    def __post_init__(self) -> None:
        def positive(name: str) -> None:
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name}: must be > 0, got {getattr(self, name)!r}")

        for name in ("embed_batch_size", "chunk_tokens", "max_file_mb", "max_pdf_pages",
                     "max_text_chars", "max_chars_per_byte", "max_chunks_per_file", "ingest_flush_seconds",
                     "k", "fetch_k", "rrf_k", "max_per_source",
                     "max_answer_sentences", "max_tokens", "request_timeout", "max_chat_models",
                     "verifier_timeout", "verifier_concurrency", "analytic_k"):
            positive(name)
        if self.chunk_tokens > 254:
            raise ConfigError(
                f"chunk_tokens: {self.chunk_tokens} exceeds the embedding model's 256 word-piece "
                "window (254 after [CLS] and [SEP]); text past it would be silently truncated")
        if not 0 <= self.chunk_overlap < self.chunk_tokens:
            raise ConfigError(
                f"chunk_overlap: must be >= 0 and < chunk_tokens ({self.chunk_tokens}), "
                f"got {self.chunk_overlap}")
        if self.embed_backend not in EMBED_BACKENDS:
            raise ConfigError(f"embed_backend: {self.embed_backend!r} is not one of {', '.join(EMBED_BACKENDS)}")
        from rag.backends import get_backend  # the backend registry; imports rag.config itself

        get_backend(self.backend)  # ConfigError naming the registered backends
        for name in ("support_threshold", "min_similarity", "min_sentence_score", "min_answerability"):
            value = getattr(self, name)
            if not -1.0 <= value <= 1.0:
                raise ConfigError(f"{name}: must be between 0 and 1, got {value!r}")
        for name in ("dense_weight", "lexical_weight"):
            if not getattr(self, name) >= 0:
                raise ConfigError(f"{name}: must be >= 0, got {getattr(self, name)!r}")
        if self.dense_weight == 0 and self.lexical_weight == 0:
            raise ConfigError("dense_weight, lexical_weight: at least one retriever needs a weight > 0")
        if not 0.0 <= self.mmr_lambda <= 1.0:
            raise ConfigError(f"mmr_lambda: must be between 0 and 1 (1 = off), got {self.mmr_lambda!r}")
        from rag.rerank import check_reranker_spec

        check_reranker_spec(self.reranker)
        from rag.verifiers import check_verifier_spec

        check_verifier_spec(self.verifier)
        if self.fetch_k < self.k:
            object.__setattr__(self, "fetch_k", self.k)
        if self.llm_model is not None:
            check_model_name(self.llm_model)
        if self.chroma_url is not None and not self.chroma_url.startswith(("http://", "https://")):
            raise ConfigError(
                f"chroma_url: {self.chroma_url!r} is not an http(s) URL (e.g. http://localhost:8000)")

    def check_backend(self) -> None:
        """Raise :class:`ConfigError` when the chosen backend lacks what it needs to connect."""
        from rag.backends import get_backend

        get_backend(self.backend).check_config(self)

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str] | None = None,
        overrides: Mapping[str, Any] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> "Config":
        """Build a config from a TOML file, ``RAG_*`` variables and overrides."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        path = path or environ.get("RAG_CONFIG")
        known = {f.name: f for f in fields(cls)}
        if path:
            data = read_toml(path)
            table = data["rag"] if isinstance(data.get("rag"), dict) else data
            for key, value in table.items():
                # Other tables at the top level ([ui], ...) belong to other parts; [rag] is ours alone.
                if key not in known and not (table is data and isinstance(value, dict)):
                    raise ConfigError(f"{path}: unknown setting {key!r}{_suggest(key, known)}")
            values.update({k: v for k, v in table.items() if k in known})
        warn_unknown_environment(environ, known)
        for name in known:
            env_value = environ.get(f"RAG_{name.upper()}")
            if env_value is not None:
                values[name] = env_value
        if "llm_api_key" not in values:
            key = environ.get("OPENAI_API_KEY")
            if key:
                values["llm_api_key"] = key
        for name, value in (overrides or {}).items():
            if value is not None:
                values[name] = value
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ConfigError(f"unknown setting {unknown[0]!r}{_suggest(unknown[0], known)}")
        return cls(**{name: _coerce(known[name], value) for name, value in values.items()})

    def replace(self, **changes: Any) -> "Config":
        known = {f.name: f for f in fields(self)}
        unknown = sorted(set(changes) - set(known))
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(unknown)}")
        return dataclasses.replace(self, **{k: _coerce(known[k], v) for k, v in changes.items()})

    def to_dict(self, include_secrets: bool = False) -> dict[str, Any]:
        """Everything needed to reproduce a result; secrets are left out."""
        data = dataclasses.asdict(self)
        if not include_secrets:
            for name in SECRET_FIELDS:
                data[name] = "***" if data.get(name) else None
        return data

    def index_settings(self) -> dict[str, Any]:
        """What an index records about how it was built; mixing others is refused."""
        return {
            "embedding_model": self.embedding_model,
            "chunk_tokens": self.chunk_tokens,
            "chunk_overlap": self.chunk_overlap,
            "normalize_embeddings": self.normalize_embeddings,
            # torch and onnx give the same vectors (to float rounding); int8 weights do not.
            "embed_vectors": "int8" if self.embed_backend == "onnx-int8" else "fp32",
        }

    def write_json(self, path: str | os.PathLike[str]) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n", encoding="utf-8")


# RAG_* variables that are not Config fields but are read elsewhere (their owners document them).
OTHER_ENVIRONMENT = frozenset({"RAG_CONFIG", "RAG_EVAL_SQUAD"})
OTHER_ENVIRONMENT_PREFIXES = ("RAG_UI_",)
_warned: set[str] = set()  # once per process: Config.load runs for every Assistant


def _suggest(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name.lower(), list(known), n=1, cutoff=0.5)
    return f" (did you mean {close[0]!r}?)" if close else " (no similar setting)"


def warn_unknown_environment(environ: Mapping[str, str], known: Iterable[str] = ()) -> list[str]:
    """Log a warning for each ``RAG_*`` variable no part of the project reads; returns the names.

    A mistyped variable (``RAG_EMBED_BACKEND``) would otherwise be silently ignored.
    """
    names = {f"RAG_{name.upper()}": name for name in (known or {f.name for f in fields(Config)})}
    unknown = sorted(var for var in environ if var.startswith("RAG_") and var not in names
                     and var not in OTHER_ENVIRONMENT and not var.startswith(OTHER_ENVIRONMENT_PREFIXES))
    for var in unknown:
        if var in _warned:
            continue
        _warned.add(var)
        close = difflib.get_close_matches(var, [*names, *OTHER_ENVIRONMENT], n=1, cutoff=0.5)
        hint = f"; did you mean {close[0]}?" if close else ""
        logger.warning("environment variable %s is not a setting and is ignored%s", var, hint)
    return unknown


def _coerce(f: dataclasses.Field[Any], value: Any) -> Any:
    """Turn strings from the environment or the command line into the field's type."""
    kind = str(f.type)
    if value is None:
        return None
    try:
        if kind.startswith("bool"):
            if isinstance(value, str):
                lowered = value.strip().lower()
                if lowered in {"1", "true", "yes", "on"}:
                    return True
                if lowered in {"0", "false", "no", "off"}:
                    return False
                raise ValueError(value)
            return bool(value)
        if kind.startswith("int"):
            if isinstance(value, float) and not value.is_integer():
                raise ValueError(value)
            return int(value)
        if kind.startswith("float"):
            return float(value)
        if kind.startswith("str"):
            return str(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{f.name}: expected {kind.split(' ')[0]}, got {value!r}") from None
    return value
