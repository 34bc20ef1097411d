"""Ids and links for source documents, and how a document file is sent to a browser.

A document is named in URLs by :func:`document_id` (a hash of its source path),
never by the path itself, so a URL cannot point anywhere the index does not.
The route that serves files (``/source/{doc_id}``, see :mod:`rag.ui.app`) maps the
id back through the documents the current user may read.

Example:
    >>> source_url("/corpus/a.pdf", page=3).endswith("#page=3")
    True
    >>> len(document_id("/corpus/a.pdf"))
    32
"""

from __future__ import annotations

from pathlib import Path

from rag.load import loader_for
from rag.records import document_id, is_document_id

__all__ = ["SANDBOX_HEADERS", "VIEWER_HEADERS", "document_id", "is_document_id", "media_type", "source_url",
           "viewer_url"]

# Indexed documents are untrusted: a stored HTML page must not run script on this origin (it would
# act with the reader's session). The CSP sandbox gives it an opaque origin with scripts off.
SANDBOX_HEADERS: dict[str, str] = {
    "Content-Security-Policy": "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "private, no-store",
}


def source_url(source: str, page: int | None = None) -> str:
    """Relative link to the file (PDFs open at ``page``); relative so a mount path still works."""
    url = f"source/{document_id(source)}"
    if page is not None and Path(source).suffix.lower() == ".pdf":
        url += f"#page={int(page)}"
    return url


def media_type(path: str | Path) -> str | None:
    """How the original file is served: the media type its loader registered (:func:`rag.load.register_loader`);
    None for a file type that cannot be indexed, which is never served."""
    spec = loader_for(path)
    return spec.media_type if spec else None


def viewer_url(source: str, spans: "list[tuple[int, int]] | tuple[tuple[int, int], ...]") -> str:
    """Relative link to the in-app viewer of ``source`` with ``spans`` (document offsets) highlighted."""
    marks = ",".join(f"{int(a)}-{int(b)}" for a, b in spans)
    return f"viewer/{document_id(source)}" + (f"?marks={marks}" if marks else "")


VIEWER_HEADERS: dict[str, str] = {
    **SANDBOX_HEADERS,
    # The page is ours but shows document text: no script, and the PDF page comes inline as data:.
    "Content-Security-Policy": "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'",
}
