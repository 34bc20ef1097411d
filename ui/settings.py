"""Settings of the web UI: where uploads and feedback go, limits, login, queue sizes.

The library's :class:`rag.config.Config` says how questions are answered; these
settings say how the web app around it behaves. Precedence, lowest first:
defaults < the ``[ui]`` table of a TOML file (``RAG_UI_CONFIG``) < environment
variables ``RAG_UI_<FIELD>`` (``RAG_UI_USERS`` when ``RAG_UI_USERS_FILE`` is unset)
< explicit overrides. Like ``Config``, a pydantic-settings class
(:class:`rag.config.LayeredSettings`): ``UISettings(...)`` reads no environment.

Example:
    >>> settings = UISettings.load(overrides={"max_file_mb": 5}, environ={})
    >>> settings.max_file_mb, settings.uploads_path.name
    (5.0, 'uploads')
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar, Self

from pydantic import field_validator, model_validator

from rag.config import EnvironmentSource, LayeredSettings, read_toml


class UISettingsError(ValueError):
    """A UI setting is invalid; the message names the setting and the fix."""


class UISettings(LayeredSettings):
    """How the web app behaves (see the module docstring for where values come from)."""

    settings_error: ClassVar[type[ValueError]] = UISettingsError

    title: str = "Research assistant"
    # Uploaded files are copied here (one sub-folder per collection) before ingestion, so they
    # outlive Gradio's temporary upload folder and a later `rag ingest` of the corpus finds them.
    corpus_dir: str = "corpus"
    uploads_dir: str | None = None  # default: <corpus_dir>/uploads
    feedback_path: str = "eval/out/feedback.jsonl"
    # Login: a TOML/JSON file of users, groups and restricted collections (see rag.ui.access).
    users_file: str | None = None
    max_file_mb: float = 20.0
    default_collection: str = "default"
    # Groups allowed to upload and remove documents; empty means every (logged-in) user.
    editor_groups: tuple[str, ...] = ()
    # A signed-in session ends after this long without activity (0: never).
    session_idle_minutes: float = 30.0
    # A conversation export can be downloaded (by the user who made it) for this long.
    export_minutes: float = 10.0
    concurrency_limit: int = 4
    queue_max_size: int = 64
    max_k: int = 20

    @field_validator("editor_groups", mode="before")
    @classmethod
    def _comma_list(cls, value: Any) -> Any:
        """``"editors, admins"`` (an environment variable, a flag) is two groups."""
        if isinstance(value, str):
            return tuple(g.strip() for g in value.split(",") if g.strip())
        return value

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.max_file_mb <= 0:
            raise UISettingsError(f"max_file_mb: must be > 0, got {self.max_file_mb!r}")
        if self.session_idle_minutes < 0:
            raise UISettingsError(f"session_idle_minutes: must be >= 0 (0: never), got {self.session_idle_minutes!r}")
        if self.export_minutes <= 0:
            raise UISettingsError(f"export_minutes: must be > 0, got {self.export_minutes!r}")
        if self.concurrency_limit < 1:
            raise UISettingsError(f"concurrency_limit: must be >= 1, got {self.concurrency_limit!r}")
        if self.queue_max_size < 1:
            raise UISettingsError(f"queue_max_size: must be >= 1, got {self.queue_max_size!r}")
        if self.max_k < 1:
            raise UISettingsError(f"max_k: must be >= 1, got {self.max_k!r}")
        return self

    @property
    def uploads_path(self) -> Path:
        return Path(self.uploads_dir) if self.uploads_dir else Path(self.corpus_dir) / "uploads"

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None, overrides: Mapping[str, Any] | None = None,
             environ: Mapping[str, str] | None = None) -> UISettings:
        """Settings from a TOML file's ``[ui]`` table, ``RAG_UI_*`` variables and overrides."""
        environ = os.environ if environ is None else environ
        path = path or environ.get("RAG_UI_CONFIG")
        table: dict[str, Any] = {}
        if path:
            table = read_toml(path, "UI settings file", UISettingsError).get("ui", {})
            unknown = sorted(set(table) - set(cls.model_fields))
            if unknown:
                raise UISettingsError(f"{path}: {cls.unknown_message(unknown)}")
        # RAG_UI_USERS names the users file (or holds it inline as JSON); see rag.ui.access.
        environment = EnvironmentSource(cls, environ, "RAG_UI_", aliases={"users_file": "RAG_UI_USERS"})
        return cls.from_layers(overrides, environment, cls.dict_source(table))

    @classmethod
    def unknown_message(cls, names: list[str]) -> str:
        return f"unknown UI setting(s): {', '.join(names)}; known: {', '.join(sorted(cls.model_fields))}"
