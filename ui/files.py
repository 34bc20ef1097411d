"""Files the app makes for one user (conversation exports), served only to that user.

Gradio's own file route serves whatever sits in its cache to any signed-in user
who has the URL, for as long as the cache keeps it. An export holds passages the
user was allowed to read, so it never goes there: :class:`PrivateFiles` keeps it
in a folder of its own (mode 0700) under an unguessable token, the
``/export/{token}`` route (:func:`rag.ui.app.export_route`) hands it only to the user
who made it, and it is deleted ``ttl_s`` seconds later.

Example:
    >>> import tempfile, pathlib
    >>> files = PrivateFiles(pathlib.Path(tempfile.mkdtemp()), ttl_s=60)
    >>> token = files.add_text("conversation.md", "# Hi", owner="alice")
    >>> files.get(token, "alice").read_text(), files.get(token, "bob")
    ('# Hi', None)
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


@dataclass(frozen=True)
class _Entry:
    path: Path
    owner: str | None
    expires: float


class PrivateFiles:
    """Per-user files behind unguessable tokens, deleted after ``ttl_s`` (see the module docstring)."""

    def __init__(self, folder: Path | None = None, *, ttl_s: float = 600.0, max_files: int = 1000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._folder = folder
        self.ttl_s = ttl_s
        self.max_files = max_files
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    @property
    def folder(self) -> Path:
        """Created on first use, readable by this process's user only."""
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="rag-ui-private-"))
        self._folder.mkdir(parents=True, exist_ok=True)
        os.chmod(self._folder, 0o700)
        return self._folder

    def add_text(self, name: str, text: str, owner: str | None) -> str:
        """Store ``text`` as a file called ``name`` for ``owner``; returns its token."""
        self.prune()
        token = secrets.token_urlsafe(24)
        directory = self.folder / token
        directory.mkdir(mode=0o700)
        path = directory / Path(name).name
        path.write_text(text, encoding="utf-8")
        with self._lock:
            self._entries[token] = _Entry(path, owner, self._clock() + self.ttl_s)
            while len(self._entries) > self.max_files:
                oldest = min(self._entries, key=lambda t: self._entries[t].expires)
                self._remove(oldest)
        return token

    def get(self, token: str, user: str | None) -> Path | None:
        """The file behind ``token`` if ``user`` made it and it has not expired."""
        if not _TOKEN.match(token or ""):
            return None
        self.prune()
        with self._lock:
            entry = self._entries.get(token)
        if entry is None or entry.owner != user or not entry.path.is_file():
            return None
        return entry.path

    def prune(self) -> None:
        """Delete expired files."""
        now = self._clock()
        with self._lock:
            for token in [t for t, e in self._entries.items() if e.expires <= now]:
                self._remove(token)

    def _remove(self, token: str) -> None:
        entry = self._entries.pop(token)
        shutil.rmtree(entry.path.parent, ignore_errors=True)

    def close(self) -> None:
        """Delete every file (the server is stopping)."""
        with self._lock:
            for token in list(self._entries):
                self._remove(token)
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)


def discard_uploads(paths: list[str], root: str | Path) -> int:
    """Delete Gradio's temporary copies of uploaded files as soon as the app has its own copy,
    so its file route has nothing left to serve. Only files inside ``root`` (Gradio's upload
    folder) and their then empty folders go; returns the number of files deleted."""
    base = Path(root).resolve()
    deleted = 0
    for raw in paths:
        path = Path(str(raw)).resolve()
        if base not in path.parents:
            continue
        try:
            if path.is_file():
                path.unlink()
                deleted += 1
            if path.parent != base:
                path.parent.rmdir()  # Gradio keeps each upload in a folder of its own
        except OSError:
            continue
    return deleted
