"""Loaders keep words and sentences apart: no glue across sentence ends, line ends, hyphens or pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag import testing_files as tf
from rag.chunk import chunk_document, whitespace_offsets
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


def test_html_inline_quote_stays_inside_its_sentence(tmp_path: Path) -> None:
    page = tmp_path / "q.html"
    page.write_text("<html><head><title>Q</title></head><body><article><p>" + FILLER * 3
                    + "Russia resented his so-called <q>Velvet <q>Revolution</q></q> which led to the fall of the "
                    + "old regime.</p><p>" + FILLER * 3 + "</p></article></body></html>", encoding="utf-8")
    text = load_document(page).text
    assert "Russia resented his so-called “Velvet ‘Revolution’” which led to the fall of the old regime." in (
        sentences(text))


def test_html_footnote_numbers_are_dropped_and_exponents_kept(tmp_path: Path) -> None:
    page = tmp_path / "fn.html"
    page.write_text("<html><head><title>F</title></head><body><article><p>" + FILLER * 3
                    + "The offensive ended after two days.<sup>12</sup> Talks resumed in Brussels"
                    + "<sup><a href='#fn3'>[3]</a></sup>, without result.<sup>*</sup> The valley covers 1,100 "
                    + "km<sup>2</sup> and 10<sup>6</sup> people live nearby.</p><p>" + FILLER * 3
                    + "</p></article></body></html>", encoding="utf-8")
    split = sentences(load_document(page).text)
    assert "The offensive ended after two days." in split
    assert "Talks resumed in Brussels, without result." in split
    assert "The valley covers 1,100 km² and 10⁶ people live nearby." in split  # exponents stay


# ------------------------------------------------------------ PDF line ends

def test_pdf_keeps_the_hyphen_of_a_compound_broken_at_a_line_end(tmp_path: Path) -> None:
    page = ("The Russian-led alliance met in the capital of the country. Moreover, the so-called Russian-\n"
            "led bloc of states kept quiet about the matter at hand and then it did\n"
            "not act on it, as the government had announced. The gov-\n"
            "ernment of the day was in a hurry to close the whole affair.")
    doc = load_document(tf.make_pdf(tmp_path, "hyphen.pdf", [page], wrap=None))
    assert "so-called Russian-led bloc" in doc.text  # "Russian-led" is written whole elsewhere
    assert "Russianled" not in doc.text
    assert "The government of the day" in doc.text  # "government" is written whole elsewhere


def test_pdf_hyphen_between_two_words_of_the_document_is_kept(tmp_path: Path) -> None:
    page = ("The army led the way and the Russian side followed it into the town at night, while the\n"
            "press waited for news at the border. Then the Russian-\n"
            "led column turned back to the north and left the place.")
    doc = load_document(tf.make_pdf(tmp_path, "hyphen2.pdf", [page], wrap=None))
    assert "the Russian-led column" in doc.text


def test_pdf_line_that_ends_in_a_dot_but_continues_in_lower_case_is_joined(tmp_path: Path) -> None:
    page = ("The statement was released by the office of the president of the U.S.\n"
            "officials in the region said it would not change anything on the ground.\n"
            "A second paragraph begins here and it is a sentence of its own.")
    doc = load_document(tf.make_pdf(tmp_path, "abbrev.pdf", [page], wrap=None))
    assert "of the U.S. officials in the region" in doc.text
    assert "A second paragraph" in doc.text.split("\n")[-1]


def test_pdf_sentence_running_over_a_page_break_stays_one_sentence(tmp_path: Path) -> None:
    first = FILLER * 3 + "Aliyev would never proceed with a direct military confrontation with"
    second = "the Russian Federation. He knows, however, that the talks will fail. " + FILLER * 2
    doc = load_document(tf.make_pdf(tmp_path, "pages.pdf", [first, second]))
    sentence = "Aliyev would never proceed with a direct military confrontation with the Russian Federation."
    assert sentence in sentences(doc.text)
    assert doc.page_at(doc.text.index(sentence)) == 1
    assert doc.page_at(doc.text.index("He knows")) == 2
    # The chunker, which never mixes pages otherwise, keeps the sentence whole in the chunk of its first page.
    chunks = chunk_document(doc, whitespace_offsets, max_tokens=200, overlap=20)
    holding = [c for c in chunks if sentence in c.text]
    assert len(holding) == 1 and holding[0].page == 1
    assert not any(c.text.endswith("confrontation with") for c in chunks)


def test_pdf_page_that_starts_a_new_sentence_stays_a_separate_paragraph(tmp_path: Path) -> None:
    doc = load_document(tf.make_pdf(tmp_path, "pages2.pdf", [FILLER * 2, "Second page. " + FILLER]))
    assert "\n\nSecond page." in doc.text


# ------------------------------------------------------------- sample corpus

@pytest.mark.parametrize("ext", ["txt", "html", "pdf"])
def test_sample_renderings_have_no_glued_question(ext: str) -> None:
    text = load_document(SAMPLE / f"{STEM}.{ext}").text
    assert "community?Aliyev" not in text
    assert "Karabakh.The" not in text
    split = sentences(text)
    assert "But what about the rest of the international community?" in split
    assert any(s.startswith("Aliyev acknowledges that his country’s geopolitical importance") for s in split)


def test_sample_pdf_and_html_hold_every_sentence_of_the_txt() -> None:
    txt, html, pdf = (load_document(SAMPLE / f"{STEM}.{ext}").text for ext in ("txt", "html", "pdf"))
    wanted = [_words(s) for s in sentences(txt)]
    for other in (html, pdf):
        got = {_words(s) for s in sentences(other)}
        assert [s for s in wanted if s not in got] == []
