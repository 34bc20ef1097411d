"""A mistyped setting is never silently ignored (issue 14, item 2)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

import rag.config
from rag.config import Config, ConfigError, warn_unknown_environment


@pytest.fixture(autouse=True)
def fresh_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rag.config, "_warned", set())


def test_unknown_environment_variable_warns_with_the_closest_setting(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="rag.config"):
        config = Config.load(environ={"RAG_EMBED_BACKNED": "onnx", "RAG_CHUNK_TOKEN": "100"})
    assert config == Config()
    messages = [r.getMessage() for r in caplog.records]
    assert any("RAG_EMBED_BACKNED" in m and "did you mean RAG_EMBED_BACKEND?" in m for m in messages)
    assert any("RAG_CHUNK_TOKEN" in m and "did you mean RAG_CHUNK_TOKENS?" in m for m in messages)


def test_variables_read_elsewhere_are_not_reported(caplog: pytest.LogCaptureFixture) -> None:
    environ = {"RAG_LLM_API_KEY": "k", "RAG_UI_USERS": "users.toml", "RAG_UI_EDITOR_GROUPS": "editors",
               "RAG_EVAL_SQUAD": "", "RAG_K": "8", "PATH": "/bin", "RAGTIME": "x"}
    with caplog.at_level(logging.WARNING, logger="rag.config"):
        assert Config.load(environ=environ).k == 8
    assert caplog.records == []
    assert warn_unknown_environment(environ) == []


def test_unknown_key_in_a_config_file_is_an_error_naming_file_key_and_suggestion(tmp_path: Path) -> None:
    path = tmp_path / "rag.toml"
    path.write_text("chunk_tokens = 100\nmax_text_char = 5\n")
    with pytest.raises(ConfigError) as err:
        Config.load(path, environ={})
    assert str(path) in str(err.value) and "'max_text_char'" in str(err.value)
    assert "did you mean 'max_text_chars'?" in str(err.value)
    path.write_text("[rag]\nk = 8\nbackend_name = 'openai'\n")
    with pytest.raises(ConfigError, match=r"unknown setting 'backend_name' \(did you mean 'backend'\?\)"):
        Config.load(path, environ={})


def test_other_tables_may_share_the_config_file(tmp_path: Path) -> None:
    path = tmp_path / "rag.toml"
    path.write_text("k = 7\n\n[ui]\nmax_file_mb = 5\n")
    assert Config.load(path, environ={}).k == 7
    path.write_text("[rag]\nk = 6\n\n[ui]\nmax_file_mb = 5\n")
    assert Config.load(path, environ={}).k == 6
