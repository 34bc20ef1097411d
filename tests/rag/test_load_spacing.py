"""Loaders keep words and sentences apart: no glue across sentence ends, line ends, hyphens or pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag import testing_files as tf
from rag.load import load_document, mend_glued_sentences
from rag.text import sentences

SAMPLE = Path(__file__).resolve().parents[2] / "corpus" / "sample"
STEM = "000_37ea4592f850c55e"
FILLER = "The delegation met the ministers of both countries in the capital on Monday to talk. "


def _words(text: str) -> str:
    return " ".join(text.split())


# ------------------------------------------------------- glued sentence ends

@pytest.mark.parametrize("glued, mended", [
    ("What about the rest of the world?Aliyev acknowledges it.",
     "What about the rest of the world? Aliyev acknowledges it."),
    ("It stopped at the border.The army waited.", "It stopped at the border. The army waited."),
    ("Nobody moved!Then the shelling began.", "Nobody moved! Then the shelling began."),
    ("He called it “a victory.”The talks failed.", "He called it “a victory.” The talks failed."),
    ("They waited…Nothing came.", "They waited… Nothing came."),
])
def test_a_sentence_end_glued_to_the_next_sentence_gets_its_space(glued: str, mended: str) -> None:
    assert mend_glued_sentences(glued) == mended
    assert len(sentences(mend_glued_sentences(glued))) == 2


@pytest.mark.parametrize("text", [
    "See https://example.org/search?Query=Armenia for the archive.",
    "Write to press@example.org.Uk offices reply later.",  # an address, not a sentence end
    "The U.S.Army and the e.g.For cases stay as written.",  # initials and abbreviations
    "It runs on Node.js and ASP.NET servers.",  # names with a dot, not sentence ends
    "Book it on Booking.Com today.",
    "Version 3.A of the plan, and 2.5 per cent.",
    "A normal sentence. Another one? Yes!",
])
def test_dots_that_are_not_sentence_ends_are_left_alone(text: str) -> None:
    assert mend_glued_sentences(text) == text


def test_every_format_mends_the_glue_and_keeps_pdf_page_spans(tmp_path: Path) -> None:
    body = FILLER * 3 + "But what about the others?Aliyev acknowledges that.The talks failed."
    txt = load_document(tf.make_text(tmp_path, "a.txt", body))
    html = load_document(tf.make_html(tmp_path, "a.html", "Glue", [body, FILLER * 2]))
    pdf = load_document(tf.make_pdf(tmp_path, "a.pdf", [FILLER * 2, body, FILLER * 2]))
    for doc in (txt, html, pdf):
        assert "others? Aliyev acknowledges that. The talks failed." in doc.text, doc.format
        assert "Aliyev acknowledges that." in sentences(doc.text), doc.format
    # Spaces inserted on page 2 shift page 3's span: each span still holds exactly its page's text.
    pages = [FILLER * 2, mend_glued_sentences(body), FILLER * 2]
    assert [_words(pdf.text[p.start:p.end]) for p in pdf.pages] == [_words(page) for page in pages]


# ------------------------------------------------------------- sample corpus

@pytest.mark.parametrize("ext", ["txt", "html", "pdf"])
def test_sample_renderings_have_no_glued_question(ext: str) -> None:
    text = load_document(SAMPLE / f"{STEM}.{ext}").text
    assert "community?Aliyev" not in text
    assert "Karabakh.The" not in text
    split = sentences(text)
    assert "But what about the rest of the international community?" in split
    assert any(s.startswith("Aliyev acknowledges that his country’s geopolitical importance") for s in split)
