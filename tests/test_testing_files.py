"""Each bad-file factory in rag.testing_files makes the file it promises."""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PyPdfError
from pypdf.generic import DictionaryObject

from rag import testing_files as tf


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _read_all_pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


# --------------------------------------------------------------------- text

def test_make_text_writes_the_encoding_asked_for(tmp_path: Path) -> None:
    path = tf.make_text(tmp_path / "new" / "dir", "a.txt", "café\n", encoding="utf-8")
    assert path == tmp_path / "new" / "dir" / "a.txt"
    assert path.read_bytes() == b"caf\xc3\xa9\n"
    assert tf.make_text(tmp_path, "b.txt", "café", encoding="latin-1").read_bytes() == b"caf\xe9"


def test_make_empty_is_zero_bytes(tmp_path: Path) -> None:
    path = tf.make_empty(tmp_path)
    assert path.name == "empty.txt"
    assert path.stat().st_size == 0


def test_make_whitespace_only_has_bytes_but_no_text(tmp_path: Path) -> None:
    data = tf.make_whitespace_only(tmp_path).read_bytes()
    assert data and not data.strip()
    assert b"\r\n" in data and b"\t" in data


def test_make_binary_as_txt_is_binary_and_deterministic(tmp_path: Path) -> None:
    path = tf.make_binary_as_txt(tmp_path, size=4096)
    data = path.read_bytes()
    assert path.suffix == ".txt"
    assert len(data) == 4096
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert b"\x00" in data
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert tf.make_binary_as_txt(tmp_path, "again.txt", size=4096).read_bytes() == data
    assert tf.make_binary_as_txt(tmp_path, "other.txt", size=4096, seed=1).read_bytes() != data


@pytest.mark.parametrize(
    ("factory", "encoding", "prose", "marker"),
    [
        (tf.make_latin1_text, "latin-1", tf.LATIN1_PROSE, b"caf\xe9"),
        (tf.make_cp1252_text, "cp1252", tf.CP1252_PROSE, b"minister\x92s"),
    ],
)
def test_legacy_encodings_are_not_utf8(
    tmp_path: Path, factory: Callable[[Path], Path], encoding: str, prose: str, marker: bytes
) -> None:
    data = factory(tmp_path).read_bytes()
    assert marker in data
    assert data.decode(encoding) == prose
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


def test_cp1252_prose_has_the_web_punctuation() -> None:
    assert {"’", "–", "“", "”", "é", "ü"} <= set(tf.CP1252_PROSE)


def test_legacy_encoding_refuses_ascii_text(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="also valid UTF-8"):
        tf.make_latin1_text(tmp_path, text="plain ASCII")


def test_make_utf16_text_has_bom_and_round_trips(tmp_path: Path) -> None:
    data = tf.make_utf16_text(tmp_path).read_bytes()
    assert data.startswith(b"\xff\xfe")
    assert data.decode("utf-16") == tf.UTF16_PROSE
    assert "ş" in tf.UTF16_PROSE


def test_make_oversized_text_is_real_text_of_the_size(tmp_path: Path) -> None:
    path = tf.make_oversized_text(tmp_path, size_mb=2.5)
    assert path.stat().st_size == 2_500_000
    with path.open("rb") as fh:
        head = fh.read(100_000)
    assert b"\x00" not in head
    assert head.decode("ascii").startswith("This sentence is repeated")


def test_make_oversized_text_sparse(tmp_path: Path) -> None:
    path = tf.make_oversized_text(tmp_path, "sparse.txt", size_mb=60, sparse=True)
    assert path.stat().st_size == 60_000_000
    with path.open("rb") as fh:
        assert fh.read(13) == b"This sentence"


def test_make_markdown(tmp_path: Path) -> None:
    text = "---\ntitle: T\n---\n# Heading\n\nBody – text.\n"
    path = tf.make_markdown(tmp_path, "note.md", text)
    assert path.read_text(encoding="utf-8") == text


class _ArticleParagraphs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.in_article = False
        self.in_p = False
        self.paragraphs: list[str] = []
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "article":
            self.in_article = True
        elif tag == "p" and self.in_article and not a.get("class"):
            self.in_p = True
            self.paragraphs.append("")
        elif tag == "meta" and (a.get("name") or a.get("property")):
            self.meta[a.get("name") or a.get("property") or ""] = a.get("content") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.in_article = False
        elif tag == "p":
            self.in_p = False

    def handle_data(self, data: str) -> None:
        if self.in_p:
            self.paragraphs[-1] += data


def test_make_html_article_page(tmp_path: Path) -> None:
    paragraphs = ["First <para> & more.", "Second – with “quotes”."]
    path = tf.make_html(tmp_path, "a.html", "A & B", paragraphs, author="Ann Writer", date="2023-05-01")
    page = path.read_text(encoding="utf-8")
    parser = _ArticleParagraphs()
    parser.feed(page)
    assert parser.paragraphs == paragraphs
    assert parser.meta["author"] == "Ann Writer"
    assert parser.meta["article:published_time"] == "2023-05-01"
    assert "<title>A &amp; B</title>" in page
    assert "<h1>A &amp; B</h1>" in page
    assert "Subscribe to our newsletter" in page  # furniture for an extractor to strip


def test_make_html_without_author_or_date(tmp_path: Path) -> None:
    page = tf.make_html(tmp_path, "a.html", "T", ["Only paragraph."]).read_text(encoding="utf-8")
    assert 'name="author"' not in page and "<time" not in page


# ---------------------------------------------------------------------- pdf

def test_make_pdf_one_text_page_per_string(tmp_path: Path) -> None:
    long_page = "Second page sentence. " * 20
    path = tf.make_pdf(tmp_path, "doc.pdf", ["The minister’s view – “firm” (for now) \\ café €.", long_page, ""],
                       title="Report – 2023", author="Ann Writer")
    reader = PdfReader(path)
    assert len(reader.pages) == 3
    texts = [page.extract_text() for page in reader.pages]
    assert _squash(texts[0]) == "The minister’s view – “firm” (for now) \\ café €."
    assert _squash(texts[1]) == _squash(long_page)
    assert "\n" in texts[1].strip()  # wrapped, as a real PDF's lines are
    assert texts[2].strip() == ""
    assert reader.metadata is not None
    assert reader.metadata.title == "Report – 2023"
    assert reader.metadata.author == "Ann Writer"


def test_make_pdf_is_deterministic(tmp_path: Path) -> None:
    first = tf.make_pdf(tmp_path, "a.pdf", ["Same."]).read_bytes()
    assert tf.make_pdf(tmp_path, "b.pdf", ["Same."]).read_bytes() == first


def test_make_pdf_needs_pages(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least one page"):
        tf.make_pdf(tmp_path, "none.pdf", [])


def test_make_corrupt_pdf_fails_in_pypdf(tmp_path: Path) -> None:
    path = tf.make_corrupt_pdf(tmp_path)
    assert path.read_bytes().startswith(b"%PDF-1.4")
    with pytest.raises(PyPdfError):
        _read_all_pages(path)


def test_make_truncated_pdf_is_half_a_valid_pdf(tmp_path: Path) -> None:
    whole = tf.make_pdf(tmp_path, "whole.pdf", list(tf._DEFAULT_PAGES)).read_bytes()
    cut = tf.make_truncated_pdf(tmp_path).read_bytes()
    assert whole.startswith(cut)
    assert len(cut) == len(whole) // 2
    assert b"%%EOF" not in cut and b"startxref" not in cut
    with pytest.raises(PyPdfError):
        _read_all_pages(tmp_path / "truncated.pdf")


def test_make_encrypted_pdf_needs_the_password(tmp_path: Path) -> None:
    pytest.importorskip("cryptography", reason="pypdf needs cryptography for AES")
    path = tf.make_encrypted_pdf(tmp_path, user_password="secret")
    reader = PdfReader(path)
    assert reader.is_encrypted
    with pytest.raises(FileNotDecryptedError):
        reader.pages[0].extract_text()
    assert not PdfReader(path).decrypt("")
    assert not PdfReader(path).decrypt("wrong")
    reader = PdfReader(path)
    assert reader.decrypt("secret")
    assert "/AESV3" in str(reader.trailer["/Encrypt"])
    assert "Page one" in reader.pages[0].extract_text()


def test_make_encrypted_pdf_refuses_empty_password(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="user_password"):
        tf.make_encrypted_pdf(tmp_path, user_password="")


def test_make_image_only_pdf_has_images_and_no_text(tmp_path: Path) -> None:
    reader = PdfReader(tf.make_image_only_pdf(tmp_path, pages=3))
    assert len(reader.pages) == 3
    for page in reader.pages:
        assert page.extract_text().strip() == ""
        resources = page["/Resources"]
        assert isinstance(resources, DictionaryObject)
        assert "/XObject" in resources and "/Font" not in resources
        assert len(page.images) == 1


def test_make_pdf_bomb_is_small_on_disk(tmp_path: Path) -> None:
    path = tf.make_pdf_bomb(tmp_path)  # 1 GiB inflated; never inflate it here
    data = path.read_bytes()
    assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
    assert len(data) < 2_000_000
    assert b"/Filter /FlateDecode" in data
    # Peek at the first 64 KB only: the stream really is the repeated operator.
    start = data.index(b"stream\n") + len(b"stream\n")
    head = zlib.decompressobj().decompress(data[start:start + 4096], 65_536)
    assert head.startswith(b"BT /F1 11 Tf")
    assert head.count(b"(a)'") > 10_000


def test_make_pdf_bomb_inflates_to_the_size_asked(tmp_path: Path) -> None:
    path = tf.make_pdf_bomb(tmp_path, "small_bomb.pdf", decompressed_size=200_000, pages=2)
    data = path.read_bytes()
    start = data.index(b"stream\n") + len(b"stream\n")
    inflated = zlib.decompressobj().decompress(data[start:], 1_000_000)
    assert 199_000 < len(inflated) <= 200_000
    assert len(data) < 2_000
    reader = PdfReader(path)
    assert len(reader.pages) == 2
    assert reader.pages[0]["/Contents"] == reader.pages[1]["/Contents"]  # one shared stream
