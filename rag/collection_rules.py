"""Which collection a document belongs to, and when an ingest may change it.

Access control is applied per collection at retrieval time, so a document that
silently changes collection changes who may read it. Two rules keep that from
happening by accident:

- **A marker file pins a folder's collection.** A folder holding a
  ``.rag-collection`` file (one line: the collection name) and everything below
  it belong to that collection on every ingest, including ``rag ingest corpus``
  and after ``--rebuild``. The chat writes one into each
  ``corpus/uploads/<collection>/`` folder. A ``--collection`` that contradicts
  a marker is refused; edit or remove the marker to change it.
- **No silent move to a less restricted collection.** Without a users file the
  library cannot rank collections, so only one direction counts as safe: out of
  ``default`` (readable by everyone) into another collection, i.e. restricting
  published documents. Any other change (out of a non-default collection)
  needs ``--move``.

Example:
    >>> may_move("default", "analysts", move=False)
    True
    >>> may_move("analysts", "default", move=False)
    False
"""

from __future__ import annotations

import re
from pathlib import Path

from rag.errors import MarkerError  # also importable as rag.collection_rules.MarkerError

DEFAULT_COLLECTION = "default"
COLLECTION_MARKER = ".rag-collection"
_VALID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def valid_collection(name: str) -> bool:
    """Letters, digits, ``.``, ``_`` and ``-``, at most 64 characters, not starting with punctuation."""
    return bool(_VALID.match(name))


def may_move(old: str, new: str, *, move: bool) -> bool:
    """May a document indexed in ``old`` be put into ``new``? Only restricting is implicit."""
    return old == new or move or old == DEFAULT_COLLECTION


def move_refusal(old: str, new: str, what: str = "") -> str:
    """The reason line for a refused move; names both collections and the way to do it anyway."""
    return (f"{what}indexed in collection {old!r}; this run would move it to {new!r}, which may be less "
            f"restricted — left unchanged (to move it on purpose: --collection {new} --move)")


def pin_collection(folder: str | Path, collection: str) -> Path:
    """Write the marker that keeps ``folder``'s documents in ``collection``; returns its path.

    >>> import tempfile; marker = pin_collection(tempfile.mkdtemp(), "analysts")
    >>> MarkerLookup().collection_for(marker.parent / "report.txt")[0]
    'analysts'
    """
    if not valid_collection(collection):
        raise MarkerError(f"{collection!r}: not a valid collection name (letters, digits, '.', '_', '-')")
    path = Path(folder) / COLLECTION_MARKER
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_text(encoding="utf-8").strip() != collection:
        path.write_text(collection + "\n", encoding="utf-8")
    return path


class MarkerLookup:
    """Finds the nearest marker above a file (cached per folder, for one ingest run)."""

    def __init__(self) -> None:
        self._cache: dict[Path, tuple[str, Path] | None] = {}

    def collection_for(self, path: str | Path) -> tuple[str, Path] | None:
        """(collection, marker file) of the nearest marker in ``path``'s folder or above, or None.

        Raises :class:`MarkerError` for a marker that is unreadable or names no valid collection,
        so the files below it fail with that reason rather than fall back to ``default``.
        """
        folder = Path(path).parent
        chain: list[Path] = []
        found: tuple[str, Path] | None = None
        for directory in (folder, *folder.parents):
            if directory in self._cache:
                found = self._cache[directory]
                break
            chain.append(directory)
            marker = directory / COLLECTION_MARKER
            if marker.is_file():
                found = (self._read(marker), marker)
                break
        for directory in chain:
            self._cache[directory] = found
        return found

    @staticmethod
    def _read(marker: Path) -> str:
        try:
            name = marker.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise MarkerError(f"{marker}: collection marker cannot be read ({exc})") from None
        if not valid_collection(name):
            raise MarkerError(f"{marker}: collection marker holds {name[:80]!r}, not a valid collection name")
        return name
