"""rag.ui.settings.UISettings: precedence of its sources and messages naming the setting (issue 12)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from rag.ui.settings import UISettings, UISettingsError


def test_precedence_defaults_file_environment_overrides(tmp_path: Path) -> None:
    path = tmp_path / "ui.toml"
    path.write_text("k = 3\n\n[ui]\ntitle = 'From file'\nmax_file_mb = 5\nqueue_max_size = 10\n")
    env = {"RAG_UI_CONFIG": str(path), "RAG_UI_MAX_FILE_MB": "7", "RAG_UI_QUEUE_MAX_SIZE": "12"}

    settings = UISettings.load(overrides={"queue_max_size": 20, "max_k": None}, environ=env)

    assert settings.title == "From file" and settings.max_file_mb == 7.0 and settings.queue_max_size == 20
    assert settings.max_k == 20 and settings.concurrency_limit == 4
    assert UISettings.load(path, environ={}).max_file_mb == 5.0


def test_defaults_read_no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAG_UI_MAX_K", "3")
    assert UISettings().max_k == 20


def test_users_variable_names_the_users_file() -> None:
    assert UISettings.load(environ={"RAG_UI_USERS": "/etc/users.toml"}).users_file == "/etc/users.toml"
    both = {"RAG_UI_USERS": "/etc/users.toml", "RAG_UI_USERS_FILE": "/srv/users.toml"}
    assert UISettings.load(environ=both).users_file == "/srv/users.toml"


def test_users_variable_is_an_environment_layer_above_the_file(tmp_path: Path) -> None:
    path = tmp_path / "ui.toml"
    path.write_text("[ui]\nusers_file = 'file-users.toml'\n")
    assert UISettings.load(path, environ={}).users_file == "file-users.toml"
    assert UISettings.load(path, environ={"RAG_UI_USERS": "env-users.toml"}).users_file == "env-users.toml"
    assert UISettings.load(path, environ={"RAG_UI_USERS": ""}).users_file == "file-users.toml"


def test_editor_groups_from_a_comma_list_anywhere() -> None:
    assert UISettings(editor_groups="a, b,,c").editor_groups == ("a", "b", "c")  # type: ignore[arg-type]
    assert UISettings(editor_groups=["x"]).editor_groups == ("x",)  # type: ignore[arg-type]
    assert UISettings.load(environ={"RAG_UI_EDITOR_GROUPS": "editors"}).editor_groups == ("editors",)
    assert UISettings().replace(editor_groups="p,q").editor_groups == ("p", "q")


@pytest.mark.parametrize("env, message", [
    ({"RAG_UI_MAX_FILE_MB": "lots"}, r"^max_file_mb: expected float, got 'lots'$"),
    ({"RAG_UI_QUEUE_MAX_SIZE": "many"}, r"^queue_max_size: expected int, got 'many'$"),
    ({"RAG_UI_MAX_FILE_MB": "0"}, r"^max_file_mb: must be > 0, got 0.0$"),
    ({"RAG_UI_SESSION_IDLE_MINUTES": "-1"}, r"^session_idle_minutes: must be >= 0 \(0: never\), got -1.0$"),
    ({"RAG_UI_CONCURRENCY_LIMIT": "0"}, r"^concurrency_limit: must be >= 1, got 0$"),
])
def test_bad_values_name_the_setting_and_the_value(env: dict[str, str], message: str) -> None:
    with pytest.raises(UISettingsError, match=message):
        UISettings.load(environ=env)


def test_unknown_settings_and_missing_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(UISettingsError, match=r"unknown UI setting\(s\): colour; known: .*max_file_mb"):
        UISettings.load(overrides={"colour": "red"}, environ={})
    path = tmp_path / "ui.toml"
    path.write_text("[ui]\nmax_filemb = 3\n")
    with pytest.raises(UISettingsError, match=r"unknown UI setting\(s\): max_filemb"):
        UISettings.load(path, environ={})
    with pytest.raises(UISettingsError, match=r"none\.toml: UI settings file not found"):
        UISettings.load(tmp_path / "none.toml", environ={})


def test_frozen_with_derived_paths(tmp_path: Path) -> None:
    settings = UISettings(corpus_dir=str(tmp_path), max_file_mb=1)
    assert settings.uploads_path == tmp_path / "uploads" and settings.max_file_bytes == 1024 * 1024
    with pytest.raises(ValidationError):  # frozen
        settings.max_k = 2  # type: ignore[misc]
    assert settings.replace(max_k=3).max_k == 3 and settings.max_k == 20
