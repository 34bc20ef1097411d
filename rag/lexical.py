"""The lexical (BM25) index: SQLite FTS5, persisted, kept in step with the store per document.

Rebuilding BM25 from every chunk in every process does not scale to an archive
(100k chunks: every start and every upload would reload all texts and vectors).
This index is a SQLite file with an FTS5 table over each chunk's search terms
(:func:`rag.text.terms` of title and text, so lexical search matches the same
words as before) plus the chunk's text and metadata, so a lexical hit needs no
trip to the store. FTS5 ranks with BM25 (``bm25()``: k1=1.2, b=0.75), filters
(sources, collections, dates) are pushed into the SQL, and the file opens in
milliseconds.

**Keeping in step.** The store's manifest (one record per document: content
hash, collection, chunk count, state) is the truth. :meth:`LexicalIndex.sync`
compares the store's *generation token* (the chunk collection's id and the
generation counter every write bumps) with the one the file last saw; when they
differ it reads the manifest only, and re-reads the chunk texts of just the
documents whose record changed (added, replaced, moved, removed). Adding or
removing one document thus costs one manifest read and that document's chunks,
whoever made the change: this process, another process on an embedded index,
or another machine on a Chroma server.

**Where it lives.** Next to an embedded index (``<index>/lexical.sqlite3``).
For a Chroma server, Chroma 1.5's own BM25 (sparse vector indexes behind its
Search API) is refused by the single-node server ("Sparse vector indexing is
not enabled in local") and its ``where_document`` full-text filter does not
rank, so each answering process keeps a local replica of this file (under
``lexical_dir``, default ``~/.cache/rag/lexical``, one file per server and
collection) that follows the server's generation incrementally as above: the
shared truth stays in the server, and a restart reads only what changed.

Example (opening an index is cheap: the file opens on first use):
    >>> index = LexicalIndex(default_path(config))   # doctest: +SKIP
    >>> index.sync(store)                            # doctest: +SKIP
    >>> index.search("drone strikes", 5)             # doctest: +SKIP
    [(Chunk(...), 7.31), ...]
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from rag.records import Chunk
from rag.text import TERMS_VERSION, terms

logger = logging.getLogger(__name__)

FILENAME = "lexical.sqlite3"
# Bump when what is indexed changes (the terms of a chunk), so existing files are rebuilt; a new
# tokenizer (rag.text.TERMS_VERSION: stemmer, stop words) changes it too.
SCHEMA_VERSION = f"1/{TERMS_VERSION}"
# Chroma caps the size of one `$in` filter / one get; stay well under it.
_FETCH_SOURCES = 100

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (source TEXT PRIMARY KEY, key TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chunks (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    collection TEXT NOT NULL,
    date_int INTEGER,
    text TEXT NOT NULL,
    meta TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_source ON chunks(source);
CREATE INDEX IF NOT EXISTS chunks_collection ON chunks(collection);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(body, tokenize = 'unicode61 remove_diacritics 0');
"""


def search_body(chunk: Chunk) -> str:
    """What lexical search matches for a chunk: the terms of its title and text."""
    return " ".join(terms(f"{chunk.title} {chunk.text}"))


def match_expression(query: str) -> str | None:
    """An FTS5 query matching any of the query's terms (None when it has none).

    Each term is a quoted string, so FTS5 syntax in a question ("AND", "NEAR",
    quotes, colons) is never interpreted.
    """
    unique = list(dict.fromkeys(terms(query)))
    if not unique:
        return None
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in unique)


def document_key(record: Any) -> str:
    """What decides whether a manifest record changed since the index last read it."""
    return f"{record.content_hash}|{record.collection}|{record.chunks}|{record.state}"


def default_path(config: Any, store: Any = None) -> Path:
    """Where the lexical index of a :class:`rag.config.Config` lives.

    Next to an embedded index; for a Chroma server, a local replica named after
    the server URL and collection (under ``config.lexical_dir`` or
    ``$XDG_CACHE_HOME/rag/lexical``); in memory (``:memory:``) for a ``store``
    that is not persistent (:class:`rag.memory_store.InMemoryStore`).
    """
    if store is not None and not store.persistent:
        return Path(":memory:")
    if not config.chroma_url:
        return Path(config.index_dir) / FILENAME
    base = getattr(config, "lexical_dir", None) or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "rag", "lexical")
    digest = hashlib.sha256(f"{config.chroma_url.rstrip('/')}|{config.collection_name}".encode()).hexdigest()[:16]
    return Path(base) / f"{config.collection_name}-{digest}.sqlite3"


class LexicalIndex:
    """A persistent BM25 index over chunks; see the module docstring.

    Cheap to construct; the file opens on first use. Thread-safe (one
    connection behind a lock); several processes may share the file (SQLite
    locking, WAL journal).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.RLock()
        self._collections: tuple[str, frozenset[str]] | None = None  # (token, collections) cache

    # ------------------------------------------------------------ connection
    @property
    def conn(self) -> sqlite3.Connection:
        with self._lock:
            if self._conn is None:
                if self.path != ":memory:":
                    Path(self.path).parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(self.path, check_same_thread=False, timeout=30.0,
                                       isolation_level=None)
                try:
                    conn.execute("PRAGMA journal_mode=WAL")
                    conn.executescript(_SCHEMA)
                except sqlite3.DatabaseError as exc:
                    conn.close()
                    raise RuntimeError(f"{self.path}: not a usable lexical index ({exc}); delete the file "
                                       "and it is rebuilt from the index") from None
                row = conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
                if row is None or row[0] != SCHEMA_VERSION:
                    if row is not None:
                        logger.info("%s: lexical index schema %s, want %s: rebuilding", self.path, row[0],
                                    SCHEMA_VERSION)
                    with _transaction(conn):
                        for table in ("docs", "chunks", "fts", "meta"):
                            conn.execute(f"DELETE FROM {table}")
                        conn.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
                self._conn = conn
            return self._conn

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    # ----------------------------------------------------------------- state
    @property
    def token(self) -> str:
        """The store generation token this file reflects ("" when never synced)."""
        with self._lock:
            row = self.conn.execute("SELECT value FROM meta WHERE key='token'").fetchone()
        return row[0] if row else ""

    def count(self) -> int:
        with self._lock:
            return int(self.conn.execute("SELECT count(*) FROM chunks").fetchone()[0])

    def collections(self) -> frozenset[str]:
        """The collections that have chunks in this index (cached until the index changes).

        Retrieval uses it to leave out a collection filter that excludes nothing
        (a reader allowed every collection there is): such a filter costs a
        Chroma query hundreds of milliseconds at 100k chunks and changes nothing.
        """
        with self._lock:
            token = self.token
            if self._collections is not None and self._collections[0] == token:
                return self._collections[1]
            # A skip-scan over the collection index: one probe per collection, not per chunk.
            rows = self.conn.execute(
                "WITH RECURSIVE c(x) AS (SELECT min(collection) FROM chunks UNION ALL "
                "SELECT (SELECT min(collection) FROM chunks WHERE collection > x) FROM c WHERE x IS NOT NULL) "
                "SELECT x FROM c WHERE x IS NOT NULL").fetchall()
            found = frozenset(str(r[0]) for r in rows)
            self._collections = (token, found)
            return found

    def document_keys(self) -> dict[str, str]:
        with self._lock:
            return dict(self.conn.execute("SELECT source, key FROM docs").fetchall())

    # ---------------------------------------------------------------- writes
    def replace_documents(self, keys: Mapping[str, str], chunks: Iterable[Chunk],
                          removed: Iterable[str] = (), token: str | None = None) -> None:
        """In one transaction: drop the chunks of ``keys``' and ``removed``'s sources, add ``chunks``.

        ``keys`` maps each replaced source to its manifest key; ``token``, when
        given, is recorded as the generation this state reflects.
        """
        with self._lock:
            conn = self.conn
            self._collections = None
            with _transaction(conn):
                for source in [*keys, *removed]:
                    self._delete_source(conn, source)
                conn.executemany("INSERT OR REPLACE INTO docs VALUES (?, ?)", list(keys.items()))
                for chunk in chunks:
                    self._delete_id(conn, chunk.id)  # a chunk id is unique even if a doc listed it twice
                    meta = chunk.metadata()
                    cur = conn.execute(
                        "INSERT INTO chunks (id, source, collection, date_int, text, meta) VALUES (?,?,?,?,?,?)",
                        (chunk.id, chunk.source, chunk.collection, meta.get("date_int"), chunk.text,
                         json.dumps(meta, ensure_ascii=False)))
                    conn.execute("INSERT INTO fts (rowid, body) VALUES (?, ?)", (cur.lastrowid, search_body(chunk)))
                if token is not None:
                    conn.execute("INSERT OR REPLACE INTO meta VALUES ('token', ?)", (token,))

    @staticmethod
    def _delete_source(conn: sqlite3.Connection, source: str) -> None:
        conn.execute("DELETE FROM fts WHERE rowid IN (SELECT rowid FROM chunks WHERE source = ?)", (source,))
        conn.execute("DELETE FROM chunks WHERE source = ?", (source,))
        conn.execute("DELETE FROM docs WHERE source = ?", (source,))

    @staticmethod
    def _delete_id(conn: sqlite3.Connection, chunk_id: str) -> None:
        row = conn.execute("SELECT rowid FROM chunks WHERE id = ?", (chunk_id,)).fetchone()
        if row is not None:
            conn.execute("DELETE FROM fts WHERE rowid = ?", (row[0],))
            conn.execute("DELETE FROM chunks WHERE rowid = ?", (row[0],))

    def sync(self, store: Any) -> int:
        """Bring the index in step with ``store`` (a :class:`rag.store.ChunkStore`); returns sources re-read.

        Costs one generation read when nothing changed; otherwise one manifest
        read plus the chunks of the documents whose record changed.
        """
        token = store_token(store)
        if token == self.token:
            return 0
        with self._lock:
            # Read the token before the manifest: a write landing in between leaves an older
            # token recorded, so the next call syncs again rather than missing it.
            token = store_token(store)
            records = {r.source: document_key(r) for r in store.documents()} if token else {}
            have = self.document_keys()
            changed = [s for s, key in records.items() if have.get(s) != key]
            removed = [s for s in have if s not in records]
            if not changed and not removed:
                with _transaction(self.conn):
                    self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('token', ?)", (token,))
                return 0
            chunks = list(fetch_chunks(store, changed))
            self.replace_documents({s: records[s] for s in changed}, chunks, removed, token=token)
            logger.info("%s: lexical index synced: %d document(s) re-read (%d chunks), %d removed",
                        self.path, len(changed), len(chunks), len(removed))
            return len(changed) + len(removed)

    def apply(self, store: Any, sources: Sequence[str], before: str) -> bool:
        """After this process wrote ``sources`` (added, replaced or removed): re-read just those.

        The fast path for the writer, which knows what it changed: no manifest
        read. Valid only when this index was in step at ``before`` (the token
        when the write began) and the store moved by exactly one generation
        since (this write's bump; writers hold the index lock, so another
        bump means another writer): otherwise a full :meth:`sync`. Returns
        True when the fast path was taken.
        """
        with self._lock:
            token = store_token(store)
            if token == before:
                return True  # the write changed nothing
            if not before or self.token != before or token != _next(before):
                self.sync(store)
                return False
            sources = list(dict.fromkeys(sources))
            records: dict[str, str] = {}
            for i in range(0, len(sources), _FETCH_SOURCES):
                part = sources[i:i + _FETCH_SOURCES]
                records.update((r.source, document_key(r)) for r in store.documents_of(part))
            present = [s for s in sources if s in records]
            removed = [s for s in sources if s not in records]
            self.replace_documents({s: records[s] for s in present}, list(fetch_chunks(store, present)),
                                   removed, token=token)
            return True

    # ---------------------------------------------------------------- search
    def search(self, query: str, n: int, *, sources: Sequence[str] = (), collections: Sequence[str] | None = None,
               date_from: int | None = None, date_to: int | None = None) -> list[tuple[Chunk, float]]:
        """The ``n`` best chunks for ``query`` by BM25 (higher score is better), filters applied."""
        expression = match_expression(query)
        if expression is None or n <= 0:
            return []
        clauses: list[str] = ["fts MATCH ?"]
        params: list[str | int] = [expression]
        if sources:
            clauses.append(f"c.source IN ({','.join('?' * len(sources))})")
            params.extend(sources)
        if collections is not None:
            if not collections:
                return []
            clauses.append(f"c.collection IN ({','.join('?' * len(collections))})")
            params.extend(collections)
        if date_from is not None:
            clauses.append("c.date_int >= ?")
            params.append(date_from)
        if date_to is not None:
            clauses.append("c.date_int <= ?")
            params.append(date_to)
        # Rank in FTS5 alone, then join only the best rows: joining every match to its chunk row
        # before sorting cost 3-4x more at 100k chunks (a common term matches thousands of chunks).
        # Ties break by rowid (insertion order), the same in both queries below.
        best = "SELECT rowid, bm25(fts) AS r FROM fts WHERE fts MATCH ? ORDER BY r, rowid LIMIT ?"
        select = f"SELECT c.id, c.text, c.meta, f.r FROM ({best}) f JOIN chunks c ON c.rowid = f.rowid"
        with self._lock:
            if len(clauses) == 1:
                rows = self.conn.execute(f"{select} ORDER BY f.r, f.rowid", [expression, n]).fetchall()
            else:
                # Filters: the best few hundred usually hold n that pass; when not (a narrow filter),
                # the exact query ranks every match that passes.
                where = " AND ".join(clauses[1:])
                over = max(8 * n, 200)
                rows = self.conn.execute(f"{select} WHERE {where} ORDER BY f.r, f.rowid LIMIT ?",
                                         [expression, over, *params[1:], n]).fetchall()
                if len(rows) < n:
                    rows = self.conn.execute(
                        "SELECT c.id, c.text, c.meta, bm25(fts) AS r FROM fts JOIN chunks c ON c.rowid = fts.rowid "
                        f"WHERE {' AND '.join(clauses)} ORDER BY r, c.rowid LIMIT ?", [*params, n]).fetchall()
        return [(Chunk.from_store(i, text, json.loads(meta)), -float(rank)) for i, text, meta, rank in rows]


def store_token(store: Any) -> str:
    """The store's generation token: which collection (rebuilds make a new one) and which write."""
    if not store.exists():
        return ""
    return f"{store.index_id()}:{store.generation()}"


def _next(token: str) -> str:
    """The token one write after ``token``."""
    collection, _, generation = token.rpartition(":")
    return f"{collection}:{int(generation or 0) + 1}"


def fetch_chunks(store: Any, sources: Sequence[str]) -> Iterable[Chunk]:
    """The stored chunks (text and metadata, no vectors) of ``sources``."""
    for i in range(0, len(sources), _FETCH_SOURCES):
        yield from store.chunks_of(list(sources[i:i + _FETCH_SOURCES]))


class _transaction:
    """BEGIN IMMEDIATE … COMMIT (ROLLBACK on error) on an autocommit connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: Any, *rest: Any) -> None:
        self.conn.execute("ROLLBACK" if exc_type else "COMMIT")
