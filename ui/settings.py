"""Settings of the web UI: where uploads and feedback go, limits, login, queue sizes.

The library's :class:`rag.config.Config` says how questions are answered; these
settings say how the web app around it behaves. Precedence, lowest first:
defaults < the ``[ui]`` table of a TOML file (``RAG_UI_CONFIG``) < environment
variables ``RAG_UI_<FIELD>`` < explicit overrides.

Example:
    >>> settings = UISettings.load(overrides={"max_file_mb": 5}, environ={})
    >>> settings.max_file_mb, settings.uploads_path.name
    (5.0, 'uploads')
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Mapping

from rag.config import read_toml


class UISettingsError(ValueError):
    """A UI setting is invalid; the message names the setting and the fix."""


@dataclass(frozen=True)
class UISettings:
    """How the web app behaves (see the module docstring for where values come from)."""

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

    def __post_init__(self) -> None:
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
        if isinstance(self.editor_groups, str):
            object.__setattr__(self, "editor_groups", tuple(
                g.strip() for g in self.editor_groups.split(",") if g.strip()))
        else:
            object.__setattr__(self, "editor_groups", tuple(self.editor_groups))

    @property
    def uploads_path(self) -> Path:
        return Path(self.uploads_dir) if self.uploads_dir else Path(self.corpus_dir) / "uploads"

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None, overrides: Mapping[str, Any] | None = None,
             environ: Mapping[str, str] | None = None) -> "UISettings":
        """Settings from a TOML file's ``[ui]`` table, ``RAG_UI_*`` variables and overrides."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        path = path or environ.get("RAG_UI_CONFIG")
        if path:
            values.update(read_toml(path, "UI settings file", UISettingsError).get("ui", {}))
        known = {f.name: f for f in fields(cls)}
        for name in known:
            raw = environ.get(f"RAG_UI_{name.upper()}")
            if raw is not None:
                values[name] = raw
        # RAG_UI_USERS names the users file (or holds it inline as JSON); see rag.ui.access.
        if "users_file" not in values and environ.get("RAG_UI_USERS"):
            values["users_file"] = environ["RAG_UI_USERS"]
        values.update({k: v for k, v in (overrides or {}).items() if v is not None})
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise UISettingsError(f"unknown UI setting(s): {', '.join(unknown)}; "
                                  f"known: {', '.join(sorted(known))}")
        return cls(**{name: _coerce(known[name], value) for name, value in values.items()})

    def replace(self, **changes: Any) -> "UISettings":
        return dataclasses.replace(self, **changes)


def _coerce(f: dataclasses.Field[Any], value: Any) -> Any:
    """Strings from the environment into the field's type, naming the field when that fails."""
    kind = str(f.type)
    if not isinstance(value, str):
        return value
    try:
        if kind.startswith("int"):
            return int(value)
        if kind.startswith("float"):
            return float(value)
        if kind.startswith("tuple"):
            return tuple(v.strip() for v in value.split(",") if v.strip())
    except ValueError:
        raise UISettingsError(f"{f.name}: expected {kind.split(' ')[0]}, got {value!r}") from None
    return value
