"""The in-app source viewer (issue 11): context paragraphs, the PDF page with the quote painted."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from rag.ui.render import answer_html, sources_html
from rag.ui.sources import viewer_url
from rag.ui.viewer import context_html, loaded, parse_spans

REPO = Path(__file__).resolve().parents[2]
SAMPLE_PDF = REPO / "corpus" / "sample" / "000_37ea4592f850c55e.pdf"


def test_context_shows_the_paragraphs_around_the_marks() -> None:
    paragraphs = [f"Paragraph {i} text." for i in range(10)]
    text = "\n\n".join(paragraphs)
    start = text.index("Paragraph 5")
    html = context_html(text, [(start, start + 11)], title="<T>", around=1)
    assert '<mark id="q0">Paragraph 5</mark>' in html and "Paragraph 4" in html and "Paragraph 6" in html
    assert "Paragraph 3" not in html and "Paragraph 7" not in html and html.count("…") == 2
    assert "&lt;T&gt;" in html and "<script" not in html


def test_spans_from_the_query_string_are_checked() -> None:
    assert parse_spans("1-5,x,9-3,10-20") == [(1, 5), (10, 20)]
    assert parse_spans(None) == [] and parse_spans("-1-5") == []


def test_the_panel_offers_the_viewer_and_markers_link_to_their_source() -> None:
    citation = {"id": 3, "source": "/c/a.pdf", "title": "A", "page": 2, "start": 0, "end": 20,
                "text": "The deal was signed.", "quote": "deal", "quote_start": 4, "quote_end": 8}
    answer = {"question": "q", "answer": "Signed [3].", "refused": False, "invalid_citations": [],
              "citations": [citation],
              "sentences": [{"text": "Signed.", "citations": [3], "supported": True,
                             "quotes": [{"citation": 3, "quote": "deal was", "quote_start": 4,
                                         "quote_end": 12}]}]}
    panel = sources_html([{"question": "q", "answer": answer}], None)
    assert "Show the page" in panel and f'src="{viewer_url("/c/a.pdf", [(4, 12)])}#hit"' in panel
    chat = answer_html(answer, turn=2)
    assert 'href="#cite-2-1"' in chat and "title=\"“deal was” (A)\"" in chat and ">[1]</a>" in chat


def test_a_pdf_page_is_rendered_with_the_quote_painted_over_it() -> None:
    pytest.importorskip("pypdfium2")
    from PIL import Image

    from rag.ui.viewer import pdf_page_png

    document = loaded(SAMPLE_PDF)
    page = document.pages[0]
    quote = document.text[page.start + 200:page.start + 320]
    plain_page, marked_page = pdf_page_png(SAMPLE_PDF, 1, []), pdf_page_png(SAMPLE_PDF, 1, [quote])
    plain = Image.open(io.BytesIO(plain_page.png)).convert("RGB")
    marked = Image.open(io.BytesIO(marked_page.png)).convert("RGB")
    assert plain.size == marked.size
    assert plain_page.first_hit is None and marked_page.first_hit is not None and 0.1 < marked_page.first_hit < 0.5

    def yellow(image: Image.Image) -> int:
        import numpy as np

        pixels = np.asarray(image).astype(int)
        return int(((pixels[..., 0] > 200) & (pixels[..., 1] > 180) & (pixels[..., 2] < 150)).sum())

    assert yellow(plain) < 50 < yellow(marked)
    with pytest.raises(ValueError, match="page: 99"):
        pdf_page_png(SAMPLE_PDF, 99, [])
