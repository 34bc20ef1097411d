"""How a document's location is shown to readers: never as an absolute server path.

The index keys documents by their resolved absolute path, which names the
server's folders and user accounts. Everything handed to a reader (the web
chat, its ``/ask`` API, ``rag ask --json``) shows instead the path relative to
the corpus root, or, for a file outside it, a short hash of the path and the
file name.

Example:
    >>> public_source("/srv/rag/corpus/reports/a.pdf", "/srv/rag/corpus")
    'reports/a.pdf'
    >>> public_source("/home/alice/secret/b.txt", "/srv/rag/corpus")
    'doc-d0fcbfdaec06e83f/b.txt'
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from rag.records import sha256_hex

_SOURCE_LISTS = ("citations", "related", "retrieved")


def public_source(source: str, root: str | Path | None) -> str:
    """``source`` relative to ``root`` (POSIX separators), else ``doc-<hash>/<file name>``.

    A source that is not an absolute path (a URL, an already relative name) is kept.
    """
    path = Path(source)
    if not path.is_absolute():
        return source
    if root is not None:
        base = Path(root).resolve()
        try:
            return PurePosixPath(*path.relative_to(base).parts).as_posix()
        except ValueError:
            pass
    return f"doc-{sha256_hex(source)[:16]}/{path.name}"


def public_answer(data: Mapping[str, Any], root: str | Path | None) -> dict[str, Any]:
    """A copy of ``Answer.to_dict()`` whose every ``source`` is a :func:`public_source`."""
    out = dict(data)
    for key in _SOURCE_LISTS:
        items = data.get(key)
        if isinstance(items, list):
            out[key] = [_public_item(item, root) for item in items]
    return out


def _public_item(item: Any, root: str | Path | None) -> Any:
    """One citation / related / retrieved entry with its ``source`` (and a related document's other
    renderings, ``other_sources``) made public."""
    if not isinstance(item, Mapping):
        return item
    out = dict(item)
    if "source" in item:
        out["source"] = public_source(str(item["source"]), root)
    if isinstance(item.get("other_sources"), list):
        out["other_sources"] = [public_source(str(s), root) for s in item["other_sources"]]
    return out
