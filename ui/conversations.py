"""Saved conversations per user, in an SQLite file next to the index.

A conversation is the chat's list of turns (see :mod:`rag.ui.render`), stored as
JSON with its owner, a title (the first question, until renamed) and times.
Every read and write names the owner, so one user never lists, opens,
renames or deletes another's conversation; an unknown id and a foreign id look
the same ("not found").

With login on, the owner is the user name; with login off, a random id kept in
the browser (``gr.BrowserState``), so a reload finds its conversations and a
different browser does not.

Example:
    >>> import tempfile, pathlib
    >>> store = ConversationStore(pathlib.Path(tempfile.mkdtemp()) / "c.sqlite3")
    >>> cid = store.save("alice", None, [{"question": "When was the deal signed?", "answer": None}])
    >>> [c.title for c in store.list("alice")], store.list("bob")
    (['When was the deal signed?'], [])
"""

from __future__ import annotations

import builtins
import json
import logging
import sqlite3
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rag.ui.render import Turn

log = logging.getLogger(__name__)

TITLE_CHARS = 80
_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    title TEXT NOT NULL,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    turns TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS conversations_owner ON conversations (owner, updated);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True)
class ConversationSummary:
    """One line of a user's conversation list."""

    id: str
    title: str
    created: str
    updated: str
    turns: int

    def label(self) -> str:
        """"Title · 2025-01-02 14:03" for a list."""
        return f"{self.title} · {self.updated[:16].replace('T', ' ')}"


def title_of(turns: Sequence[Turn]) -> str:
    """The first question, on one line and cut at a word near :data:`TITLE_CHARS`."""
    text = " ".join(str(turns[0].get("question") or "").split()) if turns else ""
    if len(text) <= TITLE_CHARS:
        return text or "Untitled conversation"
    cut = text[:TITLE_CHARS].rsplit(" ", 1)[0]
    return cut + "…"


class ConversationStore:
    """Conversations in one SQLite file; safe to share between the server's threads."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, check_same_thread=False, timeout=10)
            db.executescript(_SCHEMA)
            self._db = db
        return self._db

    @staticmethod
    def _now() -> str:
        return datetime.now(UTC).isoformat(timespec="seconds")

    def save(self, owner: str, conversation_id: str | None, turns: Sequence[Turn]) -> str:
        """Store ``turns`` as conversation ``conversation_id`` of ``owner`` (a new one when None or
        not theirs); returns its id. The title stays as it was (or as renamed)."""
        data = json.dumps(list(turns), ensure_ascii=False)
        now = self._now()
        with self._lock:
            db = self._conn()
            if conversation_id:
                updated = db.execute("UPDATE conversations SET turns = ?, updated = ? WHERE id = ? AND owner = ?",
                                     (data, now, conversation_id, owner)).rowcount
                if updated:
                    db.commit()
                    return conversation_id
            new_id = uuid.uuid4().hex
            db.execute("INSERT INTO conversations (id, owner, title, created, updated, turns) "
                       "VALUES (?, ?, ?, ?, ?, ?)", (new_id, owner, title_of(turns), now, now, data))
            db.commit()
            return new_id

    # Annotations below say builtins.list: inside the class, `list` is this method.
    def list(self, owner: str, limit: int = 200) -> builtins.list[ConversationSummary]:
        """The owner's conversations, most recently updated first."""
        with self._lock:
            rows = self._conn().execute(
                "SELECT id, title, created, updated, turns FROM conversations WHERE owner = ? "
                "ORDER BY updated DESC, created DESC LIMIT ?", (owner, limit)).fetchall()
        return [ConversationSummary(r[0], r[1], r[2], r[3], len(json.loads(r[4]))) for r in rows]

    def load(self, owner: str, conversation_id: str) -> builtins.list[dict[str, Any]] | None:
        """The turns, or None when there is no such conversation of this owner."""
        with self._lock:
            row = self._conn().execute("SELECT turns FROM conversations WHERE id = ? AND owner = ?",
                                       (conversation_id, owner)).fetchone()
        return None if row is None else list(json.loads(row[0]))

    def rename(self, owner: str, conversation_id: str, title: str) -> bool:
        title = " ".join(title.split())[:200]
        if not title:
            raise ValueError("title: give a name for the conversation")
        with self._lock:
            db = self._conn()
            done = db.execute("UPDATE conversations SET title = ? WHERE id = ? AND owner = ?",
                              (title, conversation_id, owner)).rowcount
            db.commit()
        return bool(done)

    def delete(self, owner: str, conversation_id: str) -> bool:
        with self._lock:
            db = self._conn()
            done = db.execute("DELETE FROM conversations WHERE id = ? AND owner = ?",
                              (conversation_id, owner)).rowcount
            db.commit()
        return bool(done)

    def secret(self) -> str:
        """A random key made once per store: it encrypts the browser's anonymous id, and must
        outlive a restart or every browser would lose its conversations."""
        with self._lock:
            db = self._conn()
            row = db.execute("SELECT value FROM meta WHERE key = 'browser_secret'").fetchone()
            if row is None:
                value = uuid.uuid4().hex + uuid.uuid4().hex
                db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('browser_secret', ?)", (value,))
                db.commit()
                row = db.execute("SELECT value FROM meta WHERE key = 'browser_secret'").fetchone()
            return str(row[0])

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
