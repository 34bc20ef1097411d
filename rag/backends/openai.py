"""OpenAI-compatible chat endpoints: vLLM, llama.cpp's server, LM Studio, OpenAI itself.

Registered as the ``openai`` backend in :mod:`rag.backends`.
"""

from __future__ import annotations

from typing import Any

from rag.config import Config, ConfigError
from rag.extras import require

DEFAULT_BASE_URL = "https://api.openai.com/v1"


def check_openai(config: Config) -> None:
    """Raise :class:`ConfigError` when ``config`` lacks a model name or a server to send it to."""
    if not config.llm_model:
        raise ConfigError("llm_model: the openai backend needs a model name (--model / RAG_LLM_MODEL)")
    if not (config.llm_base_url or config.llm_api_key):
        raise ConfigError("llm_base_url: the openai backend needs a base URL (--base-url, e.g. "
                          "http://localhost:8080/v1) or an API key for api.openai.com (RAG_LLM_API_KEY)")


def server_address(config: Config) -> str:
    """The endpoint questions go to."""
    return config.llm_base_url or DEFAULT_BASE_URL


def make_openai_model(config: Config) -> Any:
    """A ``ChatOpenAI`` client for ``config`` (needs the ``openai`` extra)."""
    check_openai(config)
    ChatOpenAI = require("langchain_openai", "openai", "The openai backend").ChatOpenAI

    return ChatOpenAI(
        base_url=config.llm_base_url,
        api_key=config.llm_api_key or "not-needed",  # local servers ignore it; the client insists on one
        model=config.llm_model,
        temperature=config.temperature,
        max_tokens=config.max_tokens,
        # langchain-openai sends max_completion_tokens, which vLLM/llama.cpp servers may ignore;
        # the classic field keeps a small local model from running on to its context size.
        extra_body={"max_tokens": config.max_tokens},
        timeout=config.request_timeout,
        max_retries=1,
        streaming=True,
    )
