"""Answer backends: each turns (question, numbered passages) into text with ``[n]`` markers.

The registry below is the one list of backends: configuration validation, the
CLI's ``--backend`` choices, the web chat's backend list and :func:`make_chat_model`
all read it. A backend is one module plus one :func:`register_backend` call.

- ``extractive``: offline and deterministic, composes the answer from retrieved sentences.
- ``openai``: any OpenAI-compatible endpoint (vLLM, llama.cpp server, LM Studio, OpenAI).
- ``ollama``: a local Ollama server.
- ``llamacpp``: a GGUF model in-process through llama-cpp-python (optional extra).

The chat backends are LangChain chat models driven by :mod:`rag.backends.chat`.
Factories and checks may be given as ``"module:function"`` strings, so a backend's
module (and its client library) is imported only when that backend is used.

Example:
    >>> from rag.config import Config
    >>> spec = register_backend("echo", lambda config: object(), description="test double")
    >>> "echo" in backend_names() and Config(backend="echo").backend
    'echo'
    >>> unregister_backend("echo")
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rag.config import Config, ConfigError

logger = logging.getLogger(__name__)

__all__ = [
    "BackendSpec",
    "backend_names",
    "backends",
    "get_backend",
    "make_chat_model",
    "register_backend",
    "unregister_backend",
]

Factory = Callable[[Config], Any]
Check = Callable[[Config], None]
Address = Callable[[Config], str]


def _resolve(ref: Any, what: str) -> Any:
    """A callable, or the object a ``"module:attribute"`` string names (imported now)."""
    if not isinstance(ref, str):
        return ref
    module, sep, attribute = ref.partition(":")
    if not sep or not module or not attribute:
        raise ValueError(f"{what}: {ref!r} is neither a callable nor a 'module:function' reference")
    return getattr(importlib.import_module(module), attribute)


@dataclass(frozen=True)
class BackendSpec:
    """What the registry knows about one answer backend.

    ``factory`` builds the LangChain chat model from a :class:`~rag.config.Config`
    (``None``: the backend answers without a chat model, like ``extractive``);
    ``check`` raises :class:`~rag.config.ConfigError` when the configuration lacks
    what the backend needs, without building anything; ``server`` gives the address
    of the model server it talks to (``None``: it runs in-process); ``takes_model``
    says whether a model name (``--model``) selects what it runs.
    """

    name: str
    factory: Factory | str | None
    check: Check | str | None = None
    server: Address | str | None = None
    takes_model: bool = False
    description: str = ""

    @property
    def chat(self) -> bool:
        """Whether this backend answers through a chat model."""
        return self.factory is not None

    def make(self, config: Config) -> Any:
        """The chat model for ``config`` (None for a backend without one)."""
        if self.factory is None:
            return None
        return _resolve(self.factory, f"backend {self.name} factory")(config)

    def check_config(self, config: Config) -> None:
        """Raise :class:`ConfigError` naming the field when ``config`` cannot run this backend."""
        if self.check is not None:
            _resolve(self.check, f"backend {self.name} check")(config)

    def server_address(self, config: Config) -> str:
        """Where this backend sends questions ("" for in-process backends)."""
        if self.server is None:
            return ""
        return str(_resolve(self.server, f"backend {self.name} server")(config))


_REGISTRY: dict[str, BackendSpec] = {}


def register_backend(
    name: str,
    factory: Factory | str | None,
    *,
    check: Check | str | None = None,
    server: Address | str | None = None,
    takes_model: bool = False,
    description: str = "",
    replace: bool = False,
) -> BackendSpec:
    """Make ``name`` a backend that configuration, the CLI, the UI and the Assistant accept.

    ``factory(config)`` returns a LangChain chat model (or pass a ``"module:function"``
    string to import it lazily). Registering a taken name raises ``ValueError``
    unless ``replace`` is true.

    Example:
        >>> from rag.testing import ScriptedChatModel  # doctest: +SKIP
        >>> register_backend("scripted", lambda config: ScriptedChatModel(["Yes [1]."]))  # doctest: +SKIP
    """
    if not isinstance(name, str) or not name or not name.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"backend name {name!r}: use letters, digits, '-' or '_'")
    if name in _REGISTRY and not replace:
        raise ValueError(f"backend {name!r} is already registered (pass replace=True to override it)")
    spec = BackendSpec(name, factory, check=check, server=server, takes_model=takes_model,
                       description=description)
    _REGISTRY[name] = spec
    logger.debug("registered answer backend %s", name)
    return spec


def unregister_backend(name: str) -> None:
    """Forget a registered backend (tests, plugins being unloaded); unknown names are ignored."""
    _REGISTRY.pop(name, None)


def backends() -> dict[str, BackendSpec]:
    """A copy of the registry, in registration order (the default backend first)."""
    return dict(_REGISTRY)


def backend_names() -> tuple[str, ...]:
    """The names configuration accepts, in registration order."""
    return tuple(_REGISTRY)


def get_backend(name: str) -> BackendSpec:
    """The registered backend ``name``; :class:`ConfigError` naming the choices otherwise."""
    try:
        return _REGISTRY[name]
    except (KeyError, TypeError):
        raise ConfigError(f"backend: {name!r} is not one of {', '.join(_REGISTRY)}") from None


def make_chat_model(config: Config) -> Any:
    """The LangChain chat model that ``config.backend`` names (None for extractive)."""
    return get_backend(config.backend).make(config)


# The built-in backends: one line each; their modules load when first used.
register_backend(
    "extractive", None,
    description="offline and deterministic: the answer is composed of the retrieved sentences")
register_backend(
    "openai", "rag.backends.openai:make_openai_model", check="rag.backends.openai:check_openai",
    server="rag.backends.openai:server_address", takes_model=True,
    description="any OpenAI-compatible server (vLLM, llama.cpp server, LM Studio, OpenAI): --base-url, --model")
register_backend(
    "ollama", "rag.backends.ollama:make_ollama_model", check="rag.backends.ollama:check_ollama",
    server="rag.backends.ollama:server_address", takes_model=True,
    description="a model served by Ollama: --model, --ollama-url")
register_backend(
    "llamacpp", "rag.backends.llamacpp:make_llamacpp_model",
    description="a GGUF model in-process through llama-cpp-python: --gguf")
