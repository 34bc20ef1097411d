"""A local Ollama server (``ollama serve``), through langchain-ollama."""

from __future__ import annotations

from typing import Any

from rag.config import Config, ConfigError
from rag.extras import require


def make_ollama_model(config: Config) -> Any:
    if not config.llm_model:
        raise ConfigError("llm_model: the ollama backend needs a model name, e.g. llama3.1:8b")
    ChatOllama = require("langchain_ollama", "ollama", "The ollama backend").ChatOllama

    return ChatOllama(
        base_url=config.ollama_url,
        model=config.llm_model,
        temperature=config.temperature,
        num_predict=config.max_tokens,
        client_kwargs={"timeout": config.request_timeout},
    )
