"""OpenAI-compatible chat endpoints: vLLM, llama.cpp's server, LM Studio, OpenAI itself."""

from __future__ import annotations

from typing import Any

from rag.config import Config, ConfigError
from rag.extras import require


def make_openai_model(config: Config) -> Any:
    if not config.llm_base_url and not config.llm_api_key:
        raise ConfigError("llm_base_url: the openai backend needs a base URL (e.g. http://localhost:8080/v1) "
                          "or an API key for api.openai.com (RAG_LLM_API_KEY / OPENAI_API_KEY)")
    if not config.llm_model:
        raise ConfigError("llm_model: the openai backend needs a model name (--model / RAG_LLM_MODEL)")
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
