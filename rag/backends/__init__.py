"""Answer backends: each turns (question, numbered passages) into text with ``[n]`` markers.

- ``extractive``: offline and deterministic, composes the answer from retrieved sentences.
- ``openai``: any OpenAI-compatible endpoint (vLLM, llama.cpp server, LM Studio, OpenAI).
- ``ollama``: a local Ollama server.
- ``llamacpp``: a GGUF model in-process through llama-cpp-python (optional extra).

The three chat backends are LangChain chat models driven by :mod:`rag.backends.chat`.
"""

from __future__ import annotations

from typing import Any

from rag.config import Config, ConfigError


def make_chat_model(config: Config) -> Any:
    """The LangChain chat model that ``config.backend`` names (None for extractive)."""
    if config.backend == "extractive":
        return None
    if config.backend == "openai":
        from rag.backends.openai import make_openai_model

        return make_openai_model(config)
    if config.backend == "ollama":
        from rag.backends.ollama import make_ollama_model

        return make_ollama_model(config)
    if config.backend == "llamacpp":
        from rag.backends.llamacpp import make_llamacpp_model

        return make_llamacpp_model(config)
    raise ConfigError(f"backend: unknown backend {config.backend!r}")
