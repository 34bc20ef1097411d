"""A local Ollama server (``ollama serve``), through langchain-ollama.

Registered as the ``ollama`` backend in :mod:`rag.backends`.
"""

from __future__ import annotations

from typing import Any

from rag.config import Config, ConfigError
from rag.extras import require


def check_ollama(config: Config) -> None:
    """Raise :class:`ConfigError` when ``config`` names no model."""
    if not config.llm_model:
        raise ConfigError("llm_model: the ollama backend needs a model name (--model, e.g. llama3.1:8b)")


def server_address(config: Config) -> str:
    """The Ollama server questions go to."""
    return config.ollama_url


def make_ollama_model(config: Config) -> Any:
    """A ``ChatOllama`` client for ``config`` (needs the ``ollama`` extra)."""
    check_ollama(config)
    ChatOllama = require("langchain_ollama", "ollama", "The ollama backend").ChatOllama

    return ChatOllama(
        base_url=config.ollama_url,
        model=config.llm_model,
        temperature=config.temperature,
        num_predict=config.max_tokens,
        client_kwargs={"timeout": config.request_timeout},
    )
