"""One configuration object, loaded at the edge and passed explicitly.

Precedence, lowest first: defaults < TOML file (``--config`` or ``$RAG_CONFIG``)
< environment variables ``RAG_<FIELD>`` < explicit overrides (CLI flags,
keyword arguments). Every value is validated when the object is built, with a
message that names the field.

Both the library's :class:`Config` and the web UI's ``rag.ui.settings.UISettings``
are pydantic-settings classes built on :class:`LayeredSettings`: ``Config(...)``
takes only its arguments (and defaults), ``Config.load(...)`` stacks the file, the
environment and the overrides as pydantic-settings sources.

Example:
    >>> cfg = Config.load(overrides={"k": 8})
    >>> cfg.k
    8
"""

from __future__ import annotations

import difflib
import json
import logging
import os
import re
import tomllib
import types
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Any, ClassVar, NoReturn, Self

from pydantic import Field, ValidationError, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from rag.errors import ConfigError  # also importable as rag.config.ConfigError

logger = logging.getLogger(__name__)

EMBED_BACKENDS = ("auto", "torch", "onnx", "onnx-int8")
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


# The sources Config.load / UISettings.load stack under the constructor's arguments, for the class
# being loaded; a plain ``Config(...)`` sees none and reads neither files nor the environment.
_LAYERS: ContextVar[tuple[type[BaseSettings], tuple[PydanticBaseSettingsSource, ...]] | None] = ContextVar(
    "rag_settings_layers", default=None)


class EnvironmentSource(PydanticBaseSettingsSource):
    """``<PREFIX><FIELD>`` variables of an environment mapping (``os.environ`` unless a caller passes one).

    ``aliases`` maps a field to another variable read when the field's own is unset.
    Values stay strings; the settings class turns them into the field's type.
    """

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str], prefix: str,
                 aliases: Mapping[str, str] | None = None) -> None:
        super().__init__(settings_cls)
        self.environ, self.prefix, self.aliases = environ, prefix, dict(aliases or {})

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        value = self.environ.get(f"{self.prefix}{field_name.upper()}")
        if value is None and field_name in self.aliases:
            value = self.environ.get(self.aliases[field_name]) or None
        return value, field_name, False

    def __call__(self) -> dict[str, Any]:
        values = {}
        for name, info in self.settings_cls.model_fields.items():
            value, key, _ = self.get_field_value(info, name)
            if value is not None:
                values[key] = value
        return values


class LayeredSettings(BaseSettings):
    """A frozen pydantic-settings class whose errors are one exception naming the field and the bad value.

    Subclasses set :attr:`settings_error` and :meth:`unknown_message`; their ``load``
    calls :meth:`from_layers` with the sources under the explicit overrides.
    """

    model_config = SettingsConfigDict(frozen=True, extra="forbid", case_sensitive=True,
                                      coerce_numbers_to_str=True)
    settings_error: ClassVar[type[ValueError]] = ValueError

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except ValidationError as exc:
            type(self).raise_readable(exc)

    @model_validator(mode="before")
    @classmethod
    def _paths_as_text(cls, data: Any) -> Any:
        """``Path`` objects are accepted wherever a path is set (stored as text, so the JSON round-trips)."""
        if isinstance(data, dict):
            return {k: os.fspath(v) if isinstance(v, os.PathLike) else v for k, v in data.items()}
        return data

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """The constructor's arguments, then (inside :meth:`from_layers` only) the loaded layers, highest first."""
        layers = _LAYERS.get()
        if layers is None or layers[0] is not settings_cls:
            return (init_settings,)
        return (init_settings, *layers[1])

    @classmethod
    def from_layers(cls, overrides: Mapping[str, Any] | None, *layers: PydanticBaseSettingsSource) -> Self:
        """Build from ``overrides`` (``None`` values skipped) over ``layers`` (highest first) over the defaults."""
        values = {name: value for name, value in (overrides or {}).items() if value is not None}
        token = _LAYERS.set((cls, layers))
        try:
            return cls(**values)
        finally:
            _LAYERS.reset(token)

    @classmethod
    def dict_source(cls, values: Mapping[str, Any]) -> PydanticBaseSettingsSource:
        """A layer of plain values (a TOML table, a fallback variable)."""
        return InitSettingsSource(cls, init_kwargs=dict(values))

    @classmethod
    def unknown_message(cls, names: list[str]) -> str:
        return f"unknown setting(s): {', '.join(names)}"

    @classmethod
    def raise_readable(cls, exc: ValidationError) -> NoReturn:
        """Re-raise pydantic's error as :attr:`settings_error`: ``field: expected int, got 'lots'``."""
        errors = exc.errors()
        extra = sorted(str(e["loc"][0]) for e in errors if e["type"] == "extra_forbidden" and e["loc"])
        if extra:
            raise cls.settings_error(cls.unknown_message(extra)) from None
        for error in errors:
            raised = (error.get("ctx") or {}).get("error")
            if isinstance(raised, cls.settings_error):
                raise raised from None
        error = errors[0]
        name = str(error["loc"][0]) if error["loc"] else ""
        if name in cls.model_fields:
            raise cls.settings_error(
                f"{name}: expected {_type_name(cls.model_fields[name].annotation)}, got {error['input']!r}") from None
        raise cls.settings_error(f"{name or cls.__name__}: {error['msg']}") from None

    def replace(self, **changes: Any) -> Self:
        """A copy with ``changes`` applied and validated like any other value."""
        unknown = sorted(set(changes) - set(type(self).model_fields))
        if unknown:
            raise self.settings_error(type(self).unknown_message(unknown))
        return type(self)(**{**self.model_dump(), **changes})


def _type_name(annotation: Any) -> str:
    """``int`` for ``int``, ``str`` for ``str | None``, ``tuple`` for ``tuple[str, ...]``."""
    if isinstance(annotation, types.UnionType):
        annotation = next(a for a in annotation.__args__ if a is not type(None))
    origin = getattr(annotation, "__origin__", annotation)
    return getattr(origin, "__name__", str(origin))


class Config(LayeredSettings):
    """How questions are answered and indexes built (see the module docstring for where values come from)."""

    settings_error: ClassVar[type[ValueError]] = ConfigError

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
    embed_backend: str = "auto"  # auto: onnx (fp32) where usable, else torch; see rag.embed.auto_backend

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
    # Below this best passage similarity the question is not about the sources (refused) unless a passage
    # states every name the question asks about (rag.assistant.Assistant._relevant).
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
    # A factoid answer's sentence needs this learned probability of holding the answer (rag.answer_model):
    # chosen out of fold by set on the development news sets, at the previous model's correct refusals there.
    min_answerability: float = 0.31
    # A QA/NLI cross-encoder or the judge LLM deciding answerability instead (rag.answer_checkers):
    # "" (the built-in model), "cross-encoder:DIR", "llm"; a factual answer then needs answer_checker_threshold.
    answer_checker: str = ""
    answer_checker_threshold: float = 0.5
    # Analytic questions (why / reasons / how did X react…) retrieve this many passages for key points. (10 until
    # the twenty-fifth round: on news_a-p 16 put 99% of the key points in reach against 84%; eval/README.md.)
    analytic_k: int = 16
    # Refuse an analytic question when even the retrieved document that states most of its content words leaves
    # out this many of them (rag.backends.extractive.unstated_premise); 0 = off, the default. At 2 it refuses
    # about a fifth of written false-premise questions, but also an answerable question in twelve worded away
    # from the article ("what lies behind", "how did investigators uncover"): eval/README.md, "Seventeenth round".
    premise_words: int = 0

    # Chat model backends.
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = Field(default=None, repr=False)
    ollama_url: str = "http://localhost:11434"
    gguf_path: str | None = None
    temperature: float = 0.0
    max_tokens: int = 512
    # The chat model's context window in tokens (llama.cpp's n_ctx, the model's limit): passages that would
    # not fit beside the prompt and max_tokens are left out of the prompt, best ones kept (estimated at
    # 3 characters a token). A model server given more returns nothing (llama.cpp) or an error.
    llm_context_tokens: int = 4096
    request_timeout: float = 120.0
    max_chat_models: int = 4  # chat-model clients kept per Assistant (least recently used dropped)

    # Support verifier (rag.verifiers): "lexical", "nli:DIR" or "llm" (a judge model, not the answering one).
    verifier: str = "lexical"
    verifier_model: str | None = None
    verifier_base_url: str | None = None
    verifier_api_key: str | None = Field(default=None, repr=False)
    verifier_timeout: float = 30.0
    verifier_concurrency: int = 4

    @model_validator(mode="after")
    def _check(self) -> Self:
        def positive(name: str) -> None:
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name}: must be > 0, got {getattr(self, name)!r}")

        for name in ("embed_batch_size", "chunk_tokens", "max_file_mb", "max_pdf_pages",
                     "max_text_chars", "max_chars_per_byte", "max_chunks_per_file", "ingest_flush_seconds",
                     "k", "fetch_k", "rrf_k", "max_per_source",
                     "max_answer_sentences", "max_tokens", "request_timeout", "max_chat_models", "llm_context_tokens",
                     "verifier_timeout", "verifier_concurrency", "analytic_k"):
            positive(name)
        if self.index_dir and os.path.exists(self.index_dir) and not os.path.isdir(self.index_dir):
            raise ConfigError(f"index_dir: {self.index_dir} is a file, not a folder; give a folder for the index")
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
        for name in ("support_threshold", "min_similarity", "min_sentence_score", "min_answerability",
                     "answer_checker_threshold"):
            value = getattr(self, name)
            if not -1.0 <= value <= 1.0:
                raise ConfigError(f"{name}: must be between 0 and 1, got {value!r}")
        for name in ("dense_weight", "lexical_weight", "premise_words"):
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
        from rag.answer_checkers import check_answer_checker_spec

        check_answer_checker_spec(self.answer_checker)
        if self.fetch_k < self.k:
            self.__dict__["fetch_k"] = self.k  # frozen: set once, while validating
        if self.llm_model is not None:
            check_model_name(self.llm_model)
        if self.chroma_url is not None and not self.chroma_url.startswith(("http://", "https://")):
            raise ConfigError(
                f"chroma_url: {self.chroma_url!r} is not an http(s) URL (e.g. http://localhost:8000)")
        return self

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
    ) -> Config:
        """Build a config from a TOML file, ``RAG_*`` variables and overrides (highest wins).

        ``OPENAI_API_KEY`` fills ``llm_api_key`` when neither the file nor ``RAG_LLM_API_KEY`` does.
        """
        environ = os.environ if environ is None else environ
        path = path or environ.get("RAG_CONFIG")
        known = cls.model_fields
        table: dict[str, Any] = {}
        if path:
            data = read_toml(path)
            table = data["rag"] if isinstance(data.get("rag"), dict) else data
            for key, value in table.items():
                # Other tables at the top level ([ui], ...) belong to other parts; [rag] is ours alone.
                if key not in known and not (table is data and isinstance(value, dict)):
                    raise ConfigError(f"{path}: unknown setting {key!r}{_suggest(key, known)}")
            table = {k: v for k, v in table.items() if k in known}
        warn_unknown_environment(environ, known)
        fallback = {"llm_api_key": environ["OPENAI_API_KEY"]} if environ.get("OPENAI_API_KEY") else {}
        return cls.from_layers(overrides, EnvironmentSource(cls, environ, "RAG_"), cls.dict_source(table),
                               cls.dict_source(fallback))

    @classmethod
    def unknown_message(cls, names: list[str]) -> str:
        return f"unknown setting {names[0]!r}{_suggest(names[0], cls.model_fields)}"

    def to_dict(self, include_secrets: bool = False) -> dict[str, Any]:
        """Everything needed to reproduce a result; secrets are left out."""
        data = self.model_dump()
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
    names = {f"RAG_{name.upper()}": name for name in (known or Config.model_fields)}
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

