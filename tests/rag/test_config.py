"""rag.config.Config: precedence of its sources, messages that name the field, round-trips (issue 12)."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
from pydantic import ValidationError

from rag.config import Config, ConfigError


def test_defaults_read_no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Building a Config directly is pure: only Config.load reads files and RAG_* variables."""
    monkeypatch.setenv("RAG_K", "9")
    assert Config().k == 5
    assert Config.load(environ={}).k == 5


def test_precedence_defaults_file_environment_overrides(tmp_path: Path) -> None:
    path = tmp_path / "rag.toml"
    path.write_text("k = 7\nfetch_k = 40\nbackend = 'ollama'\nllm_model = 'from-file'\n")
    env = {"RAG_FETCH_K": "50", "RAG_LLM_MODEL": "from-env"}

    config = Config.load(path, overrides={"llm_model": "from-flag", "strict": None}, environ=env)

    assert (config.k, config.fetch_k, config.backend, config.llm_model) == (7, 50, "ollama", "from-flag")
    assert config.strict is False  # a None override (flag not given) leaves the lower layers alone
    assert Config.load(environ={"RAG_CONFIG": str(path)}).k == 7  # the file may come from RAG_CONFIG


def test_environment_strings_become_the_fields_types() -> None:
    config = Config.load(environ={"RAG_STRICT": "yes", "RAG_MAX_FILE_MB": "2.5", "RAG_CHUNK_TOKENS": "120",
                                  "RAG_NORMALIZE_EMBEDDINGS": "off"})
    assert config.strict is True and config.normalize_embeddings is False
    assert config.max_file_mb == 2.5 and config.chunk_tokens == 120


@pytest.mark.parametrize("env, message", [
    ({"RAG_K": "lots"}, r"^k: expected int, got 'lots'$"),
    ({"RAG_STRICT": "maybe"}, r"^strict: expected bool, got 'maybe'$"),
    ({"RAG_MIN_SIMILARITY": "high"}, r"^min_similarity: expected float, got 'high'$"),
    ({"RAG_K": "0"}, r"^k: must be > 0, got 0$"),
    ({"RAG_MIN_SIMILARITY": "2"}, r"^min_similarity: must be between 0 and 1, got 2.0$"),
    ({"RAG_BACKEND": "gpt"}, r"^backend: 'gpt' is not one of extractive, openai, ollama, llamacpp$"),
    ({"RAG_CHUNK_OVERLAP": "300"}, r"^chunk_overlap: must be >= 0 and < chunk_tokens \(200\), got 300$"),
    ({"RAG_CHROMA_URL": "localhost:8000"}, r"^chroma_url: 'localhost:8000' is not an http\(s\) URL"),
])
def test_bad_values_name_the_field_and_the_value(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Config.load(environ=env)


def test_bad_values_in_a_file_and_in_overrides_name_the_field(tmp_path: Path) -> None:
    path = tmp_path / "rag.toml"
    path.write_text("k = 2.5\n")
    with pytest.raises(ConfigError, match=r"^k: expected int, got 2.5$"):
        Config.load(path, environ={})
    with pytest.raises(ConfigError, match=r"^max_tokens: must be > 0, got -1$"):
        Config.load(overrides={"max_tokens": -1}, environ={})
    with pytest.raises(ConfigError, match=r"unknown setting 'kk' \(did you mean 'k'\?\)"):
        Config.load(overrides={"kk": 3}, environ={})


def test_missing_and_malformed_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nowhere\.toml: config file not found"):
        Config.load(tmp_path / "nowhere.toml", environ={})
    bad = tmp_path / "bad.toml"
    bad.write_text("k = = 3\n")
    with pytest.raises(ConfigError, match=r"bad\.toml: not valid TOML"):
        Config.load(bad, environ={})


def test_paths_are_accepted_and_stored_as_text(tmp_path: Path) -> None:
    assert Config.load(overrides={"index_dir": tmp_path}, environ={}).index_dir == str(tmp_path)
    assert Config(index_dir=tmp_path).replace(embedding_path=tmp_path / "m").embedding_path == str(tmp_path / "m")


def test_direct_construction_validates_too() -> None:
    with pytest.raises(ConfigError, match=r"^chunk_tokens: 300 exceeds the embedding model's 256 word-piece"):
        Config(chunk_tokens=300)
    assert Config(k=40).fetch_k == 40  # fetch_k is at least k


def test_openai_api_key_is_a_fallback_below_the_file_and_rag_llm_api_key(tmp_path: Path) -> None:
    assert Config.load(environ={"OPENAI_API_KEY": "sk-env"}).llm_api_key == "sk-env"
    path = tmp_path / "rag.toml"
    path.write_text("llm_api_key = 'sk-file'\n")
    assert Config.load(path, environ={"OPENAI_API_KEY": "sk-env"}).llm_api_key == "sk-file"
    assert Config.load(path, environ={"OPENAI_API_KEY": "sk-env", "RAG_LLM_API_KEY": "sk-rag"}).llm_api_key == "sk-rag"


def test_frozen_equal_hashable_and_secrets_hidden() -> None:
    config = Config(llm_api_key="sk-secret", k=3)
    with pytest.raises(ValidationError):  # frozen
        config.k = 4  # type: ignore[misc]
    assert config == Config(k=3, llm_api_key="sk-secret") and hash(config) == hash(Config(k=3, llm_api_key="sk-secret"))
    assert "sk-secret" not in repr(config)
    assert config.to_dict()["llm_api_key"] == "***" and config.to_dict()["verifier_api_key"] is None
    assert config.to_dict(include_secrets=True)["llm_api_key"] == "sk-secret"


def test_replace_validates_and_names_unknown_settings() -> None:
    config = Config()
    assert config.replace(k="8").k == 8 and config.k == 5
    with pytest.raises(ConfigError, match="k: must be > 0"):
        config.replace(k=0)
    with pytest.raises(ConfigError, match=r"unknown setting 'colour'"):
        config.replace(colour="red")


def test_the_json_written_next_to_an_index_round_trips(tmp_path: Path) -> None:
    config = Config(index_dir=str(tmp_path / "index"), k=8, strict=True, embed_backend="onnx-int8",
                    chroma_url="http://h:8000", max_file_mb=3.5)
    path = tmp_path / "rag-config.json"
    config.write_json(path)
    data = json.loads(path.read_text())
    assert data["k"] == 8 and data["embed_backend"] == "onnx-int8" and data["llm_api_key"] is None
    assert list(data) == sorted(data)
    assert Config(**data) == config
    assert set(data) == set(Config().to_dict())
    assert pickle.loads(pickle.dumps(config)) == config
