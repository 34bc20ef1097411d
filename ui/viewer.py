"""The in-app source viewer: a cited passage in its document, the quoted words highlighted.

For text, Markdown and HTML documents the viewer shows the paragraphs around
the passage; for a PDF the page itself, rendered with pypdfium2, the quote
painted over it. Offsets are the index's (``Citation.start``/``quote_start``):
the document is loaded again with the same loader, so they land on the same
characters.

Served by :func:`rag.ui.app.viewer_routes` behind the same rights as the files;
everything here is pure or reads only the file it is given.

Example:
    >>> html = context_html("Intro.\\n\\nThe deal was signed in 2004.\\n\\nLater.", [(21, 35)], title="T")
    >>> '<mark id="q0">signed in 2004</mark>' in html
    True
"""

from __future__ import annotations

import html
import io
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rag.load import load_document
from rag.records import SourceDocument

log = logging.getLogger(__name__)

_PARAGRAPH = re.compile(r"\n\s*\n")
_cache: OrderedDict[tuple[str, float], SourceDocument] = OrderedDict()
_cache_lock = threading.Lock()


def loaded(path: Path) -> SourceDocument:
    """The document as the index loaded it (a few recent ones kept, keyed by path and mtime)."""
    key = (str(path), path.stat().st_mtime)
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    document = load_document(path)
    with _cache_lock:
        _cache[key] = document
        while len(_cache) > 16:
            _cache.popitem(last=False)
    return document


def parse_spans(value: str | None, limit: int = 20) -> list[tuple[int, int]]:
    """``"12-40,90-120"`` → [(12, 40), (90, 120)]; anything malformed is dropped."""
    spans = []
    for part in (value or "").split(",")[:limit]:
        match = re.fullmatch(r"\s*(\d{1,9})-(\d{1,9})\s*", part)
        if match and int(match.group(1)) < int(match.group(2)):
            spans.append((int(match.group(1)), int(match.group(2))))
    return spans


def _paragraph_bounds(text: str) -> list[tuple[int, int]]:
    bounds, cursor = [], 0
    for match in _PARAGRAPH.finditer(text):
        bounds.append((cursor, match.start()))
        cursor = match.end()
    bounds.append((cursor, len(text)))
    return [b for b in bounds if b[1] > b[0]]


def _marked(text: str, offset: int, spans: Sequence[tuple[int, int]]) -> str:
    out: list[str] = []
    cursor = 0
    for a, b in sorted(spans):
        a, b = max(a - offset, cursor), min(b - offset, len(text))
        if a >= b:
            continue
        out.append(html.escape(text[cursor:a]) + f'<mark id="q{len(out)}">{html.escape(text[a:b])}</mark>')
        cursor = b
    out.append(html.escape(text[cursor:]))
    return "".join(out)


def context_html(text: str, spans: Sequence[tuple[int, int]], *, title: str = "", around: int = 2,
                 note: str = "") -> str:
    """A standalone page: the paragraphs holding ``spans`` and ``around`` paragraphs either side."""
    bounds = _paragraph_bounds(text)
    if spans:
        first = min(a for a, _ in spans)
        last = max(b for _, b in spans)
        hit = [i for i, (a, b) in enumerate(bounds) if a < last and b > first] or [0]
    else:
        hit = [0]
    lo, hi = max(0, hit[0] - around), min(len(bounds), hit[-1] + around + 1)
    body = "".join(f"<p>{_marked(text[a:b], a, spans)}</p>" for a, b in bounds[lo:hi])
    more_before = '<p class="more">…</p>' if lo > 0 else ""
    more_after = '<p class="more">…</p>' if hi < len(bounds) else ""
    return ("<!doctype html><html><head><meta charset='utf-8'><title>" + html.escape(title) + "</title>"
            "<style>body{font:15px/1.5 system-ui,sans-serif;margin:1em;color:#1f2937;background:#fff}"
            "p{white-space:pre-wrap;margin:.6em 0}mark{background:#ffe58a;color:#111}"
            ".more{color:#6b7280}h1{font-size:1.05em}.note{color:#6b7280;font-size:.9em}"
            "@media (prefers-color-scheme: dark){body{background:#111827;color:#e5e7eb}"
            ".more,.note{color:#9ca3af}}</style></head><body>"
            f"<h1>{html.escape(title)}</h1>{f'<p class=note>{html.escape(note)}</p>' if note else ''}"
            f"{more_before}{body}{more_after}</body></html>")


def _normalise(text: str) -> str:
    return " ".join(text.replace("\u00ad", "").split())


@dataclass(frozen=True)
class PageImage:
    """A rendered PDF page: the PNG, and where the first highlight starts (0..1 of the height)."""

    png: bytes
    first_hit: float | None


def pdf_page_png(path: Path, page: int, quotes: Sequence[str], scale: float = 1.6) -> PageImage:
    """Page ``page`` (1-based) of the PDF as PNG, each quote painted over in translucent yellow.

    The quote is searched in the page's own text layer: whole first, then by its
    first and last words, since line breaks and hyphenation differ between the
    page and the extracted text.
    """
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw

    pdf = pdfium.PdfDocument(str(path))
    try:
        if not 1 <= page <= len(pdf):
            raise ValueError(f"page: {page} is not a page of {path.name} (it has {len(pdf)})")
        pdf_page = pdf[page - 1]
        height = pdf_page.get_height()
        image = pdf_page.render(scale=scale).to_pil().convert("RGBA")
        overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(overlay)
        textpage = pdf_page.get_textpage()
        tops: list[float] = []
        for quote in quotes:
            for left, bottom, right, top in _quote_rects(textpage, _normalise(quote)):
                draw.rectangle([left * scale, (height - top) * scale, right * scale, (height - bottom) * scale],
                               fill=(255, 214, 0, 110), outline=(200, 150, 0, 200))
                tops.append(max(0.0, min(1.0, (height - top) / height)))
        out = io.BytesIO()
        Image.alpha_composite(image, overlay).convert("RGB").save(out, format="PNG", optimize=True)
        return PageImage(out.getvalue(), min(tops) if tops else None)
    finally:
        pdf.close()


def _quote_rects(textpage: object, quote: str) -> list[tuple[float, float, float, float]]:
    words = quote.split()
    tries = [quote] if quote else []
    if len(words) > 8:
        tries += [" ".join(words[:6]), " ".join(words[-6:])]
    rects: list[tuple[float, float, float, float]] = []
    for needle in tries:
        searcher = textpage.search(needle, match_case=False)  # type: ignore[attr-defined]
        found = searcher.get_next()
        if found:
            index, count = found
            n = textpage.count_rects(index, count)  # type: ignore[attr-defined]
            rects += [tuple(textpage.get_rect(i)) for i in range(n)]  # type: ignore[attr-defined]
            if needle == quote:
                break
    return rects
