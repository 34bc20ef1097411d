"""Loaders: clean text and metadata from each format; one clear error per bad file."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag import testing_files as tf
from rag.load import LoadError, LoadLimits, clean_article_text, load_document

SAMPLE = Path(__file__).resolve().parents[2] / "corpus" / "sample"
TXT, HTML, PDF = (SAMPLE / f"000_37ea4592f850c55e.{ext}" for ext in ("txt", "html", "pdf"))


def test_sample_text_loses_site_furniture_but_keeps_the_article() -> None:
    doc = load_document(TXT)
    assert "Washington Institute For Defence & Security" not in doc.text
    assert "Subscribe to our newsletter" not in doc.text
    assert "No, thanks" not in doc.text
    assert "View all posts" not in doc.text
    assert doc.text.startswith("George Meneshian")
    assert doc.text.rstrip().endswith("addressing the abovementioned questions.")
    assert doc.author == "George Meneshian"
    assert doc.format == "txt"
    # The .txt has no heading line: its title is its file name, never its first sentence (issue 15).
    assert "launched an offensive" not in doc.title
    assert doc.title == "000 37ea4592f850c55e"


def test_sample_html_extracts_article_title_and_author() -> None:
    doc = load_document(HTML)
    assert doc.format == "html"
    assert doc.author == "George Meneshian"
    assert doc.title and "Armenia" in doc.title
    assert "The two countries signed a deal on mutual military assistance in 1997." in doc.text
    assert "Subscribe to our newsletter" not in doc.text


def test_sample_pdf_keeps_pages_and_joins_wrapped_lines() -> None:
    doc = load_document(PDF)
    assert doc.format == "pdf"
    assert len(doc.pages) >= 3
    assert [p.page for p in doc.pages] == list(range(1, len(doc.pages) + 1))
    offset = doc.text.index("The Russian peacekeeping mission ends in 2025.")
    assert doc.page_at(offset) == doc.pages[-1].page
    # A sentence wrapped across printed lines is one sentence again.
    assert "The two countries signed a deal on mutual military assistance in 1997." in doc.text


def test_furniture_rules_are_by_shape_not_by_site() -> None:
    raw = ("Acme NewsAcme NewsAcme News\nSpringfield, IL 62701\n\n"
           + "Jane Roe – " + "The council met on Monday to debate the budget in detail. " * 4 + "\n\n"
           + "The second paragraph explains what was decided and why it matters to residents. " * 3
           + "\n\nShare this\nSubscribe to our newsletter\nNo, thanks")
    loaded = clean_article_text(raw)
    assert "Acme News" not in loaded.text
    assert "62701" not in loaded.text
    assert "Subscribe" not in loaded.text and "Share this" not in loaded.text
    assert loaded.author == "Jane Roe"


def test_markdown_front_matter_gives_metadata(tmp_path: Path) -> None:
    path = tf.make_markdown(tmp_path, "note.md", "---\ntitle: Drone Doctrine\nauthor: A. Analyst\n"
                            "date: 2023-05-02\n---\n# Heading\n\nDrones changed the war in 2020.\n")
    doc = load_document(path)
    assert (doc.title, doc.author, doc.date) == ("Drone Doctrine", "A. Analyst", "2023-05-02")
    assert "title:" not in doc.text


def test_sidecar_metadata_overrides(tmp_path: Path) -> None:
    path = tf.make_text(tmp_path, "p.txt", "Some paragraph about naval exercises in the Baltic Sea.")
    (tmp_path / "p.txt.meta.json").write_text('{"title": "Baltic Exercises", "date": "2021-03-04"}')
    doc = load_document(path)
    assert doc.title == "Baltic Exercises" and doc.date == "2021-03-04"


@pytest.mark.parametrize("make, encoding_word", [
    (tf.make_latin1_text, "Genève"), (tf.make_cp1252_text, "constructive"), (tf.make_utf16_text, "Syunik")])
def test_other_encodings_are_decoded(tmp_path: Path, make, encoding_word: str) -> None:
    doc = load_document(make(tmp_path))
    assert encoding_word in doc.text
    assert "\ufffd" not in doc.text


@pytest.mark.parametrize("text, encoding", [
    ("Café crème brûlée à Genève. Le château est très beau.", "latin-1"),  # ties cp1250 ("crčme")
    ("Naïve « réponse » : l’œuvre coûte 5 €, à Genève.", "cp1252"),
    ("Die Straße führt über die Brücke nach Köln.", "latin-1"),
    ("Zażółć gęślą jaźń. Polska leży w Europie Środkowej, nad Bałtykiem.", "cp1250"),  # no tie: stays cp1250
])
def test_short_legacy_texts_decode_to_what_was_written(tmp_path: Path, text: str, encoding: str) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes(text.encode(encoding))
    assert load_document(path).text == text


@pytest.mark.parametrize("make, reason", [
    (tf.make_empty, "empty file"),
    (tf.make_whitespace_only, "only whitespace"),
    (tf.make_binary_as_txt, "binary content"),
    (tf.make_corrupt_pdf, "corrupt or unreadable PDF"),
    (tf.make_encrypted_pdf, "encrypted PDF"),
    (tf.make_image_only_pdf, "no text layer"),
])
def test_bad_files_raise_one_clear_error_naming_the_file(tmp_path: Path, make, reason: str) -> None:
    path = make(tmp_path)
    with pytest.raises(LoadError) as err:
        load_document(path)
    assert str(path) in str(err.value)
    assert reason in err.value.reason


def test_truncated_pdf_is_rejected_or_partially_read(tmp_path: Path) -> None:
    path = tf.make_truncated_pdf(tmp_path)
    try:
        doc = load_document(path)
    except LoadError as exc:
        assert str(path) in str(exc)
    else:  # pypdf may recover the first page: then the text must be real, not garbage
        assert doc.text.strip() and "\x00" not in doc.text


def test_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = tf.make_oversized_text(tmp_path, size_mb=3, sparse=True)
    with pytest.raises(LoadError, match="file is 3,000,000 bytes, over the 1,000,000-byte limit"):
        load_document(path, limits=LoadLimits(max_file_bytes=1_000_000))


def test_pdf_bomb_is_refused_without_exhausting_memory(tmp_path: Path) -> None:
    import resource

    path = tf.make_pdf_bomb(tmp_path)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(LoadError) as err:
        load_document(path)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert str(path) in str(err.value)
    assert grown_mb < 1024, f"bomb made the process grow by {grown_mb:.0f} MB"


def test_unsupported_extension(tmp_path: Path) -> None:
    path = tmp_path / "sheet.xlsx"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(LoadError, match="unsupported file type .xlsx"):
        load_document(path)


def test_slow_pdf_bomb_is_refused_quickly(tmp_path: Path) -> None:
    """Under pypdf's own limits, a 4 KB file could stall extraction for minutes."""
    import time

    path = tf.make_pdf_bomb(tmp_path, "slow.pdf", decompressed_size=3_900_000, pages=20)
    started = time.monotonic()
    with pytest.raises(LoadError, match="decompression bomb"):
        load_document(path)
    assert time.monotonic() - started < 20


def test_pdf_time_budget_names_the_limit(tmp_path: Path) -> None:
    path = tf.make_pdf(tmp_path, "many.pdf", [f"Page {i} has a sentence of text." for i in range(40)])
    with pytest.raises(LoadError, match="max_pdf_seconds"):
        load_document(path, limits=LoadLimits(max_pdf_seconds=0.0))


@pytest.mark.parametrize("text, encoding", [
    # Found in a library audit: short cp1252 text with curly quotes, dashes or € had been read as cp852,
    # cp775 or cp1251 ("He said УnoФ.", "worth Ć5 million … Z³rich") and indexed as mojibake.
    ("The contract is worth €5 million and was signed in Zürich … “a milestone”", "cp1252"),
    ("He said “no”.", "cp1252"),
    ("Zürich und München sind teuer – ein Kaffee kostet 5€.", "cp1252"),
    # Code pages whose text only looks like it: kept.
    ("Příliš žluťoučký kůň úpěl ďábelské ódy – řekl „ano“.", "cp1250"),
    ("Příliš žluťoučký kůň úpěl ďábelské ódy. " * 5, "cp852"),
])
def test_legacy_code_pages_are_decoded_as_written(text: str, encoding: str) -> None:
    from rag.load import decode_text

    assert decode_text("x.txt", text.encode(encoding)) == text
