"""Factories for bad (and a few good) input files, to prove ingestion survives them.

Each ``make_*`` function writes one file into ``directory`` (created if needed)
and returns its path. They are deterministic unless a docstring says otherwise,
need only the standard library and pypdf (the PDFs are written by hand), and
are quick: the PDF bomb, the slowest, takes a few seconds for 1 GiB.

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> d = Path(tempfile.mkdtemp())
    >>> make_empty(d).stat().st_size
    0
    >>> from pypdf import PdfReader
    >>> PdfReader(make_pdf(d, "two.pdf", ["Page one.", "Page two."])).pages[1].extract_text()
    'Page two.'
"""

from __future__ import annotations

import html
import random
import textwrap
import zlib
from collections.abc import Sequence
from pathlib import Path

__all__ = [
    "CP1252_PROSE",
    "LATIN1_PROSE",
    "UTF16_PROSE",
    "make_binary_as_txt",
    "make_corrupt_pdf",
    "make_cp1252_text",
    "make_empty",
    "make_encrypted_pdf",
    "make_html",
    "make_image_only_pdf",
    "make_latin1_text",
    "make_markdown",
    "make_oversized_text",
    "make_pdf",
    "make_pdf_bomb",
    "make_text",
    "make_truncated_pdf",
    "make_utf16_text",
    "make_whitespace_only",
]

LATIN1_PROSE = (
    "Le café de la gare, à Genève, reste ouvert jusqu'à minuit. "
    "Die Delegation überquerte die Brücke über die Rhône gegen 21 Uhr. "
    "Señor Ibáñez paid £40 for the «Cuadernos» and noted a 5° drop in temperature. "
    "Naïve assumptions about façades are dangerous, said the attaché.\n"
)
"""Prose whose accents exist in Latin-1. Latin-1 has no curly quotes or dashes."""

CP1252_PROSE = (
    "The minister’s statement – issued late on Tuesday – called the talks “constructive”. "
    "Analysts in Zürich and Genève doubted it; the café owner’s view was blunter. "
    "Costs rose to €3 million… and the naïve plan was shelved.\n"
)
"""Prose with the Windows-1252 characters the web is full of: ’ – “ ” € … plus é, ü."""

UTF16_PROSE = (
    "Armenia’s border provinces – Syunik, Vayots Dzor and Gegharkunik – were shelled. "
    "Mevlüt Çavuşoğlu commented on the clashes; «Ceasefire» was the word of the day.\n"
)
"""Prose for the UTF-16 file, including letters outside Latin-1 (ş, ğ)."""


def _target(directory: Path, name: str) -> Path:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    return directory / name


# --------------------------------------------------------------------- text

def make_text(directory: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` in ``encoding`` (no newline translation) and return the path.

    Example: ``make_text(tmp_path, "a.txt", "Hello.")``
    """
    path = _target(directory, name)
    path.write_bytes(text.encode(encoding))
    return path


def make_empty(directory: Path, name: str = "empty.txt") -> Path:
    """A zero-byte file."""
    path = _target(directory, name)
    path.write_bytes(b"")
    return path


def make_whitespace_only(directory: Path, name: str = "whitespace.txt") -> Path:
    """A file of ASCII spaces, tabs and newlines (LF and CRLF) and nothing else."""
    return make_text(directory, name, "   \n\t\n\r\n        \n\n \t \n")


def make_binary_as_txt(directory: Path, name: str = "binary.txt", size: int = 4096, seed: int = 0) -> Path:
    """A ``.txt`` that is really binary: a PNG signature and header, then seeded random bytes.

    The bytes hold NULs (the PNG header alone has several) and are not valid UTF-8.
    """
    png_header = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00"
    body = random.Random(seed).randbytes(max(0, size - len(png_header)))
    path = _target(directory, name)
    path.write_bytes((png_header + body)[:max(size, len(png_header))])
    return path


def make_latin1_text(directory: Path, name: str = "latin1.txt", text: str = LATIN1_PROSE) -> Path:
    """Prose encoded as ISO-8859-1, which is not valid UTF-8 (é is the lone byte 0xE9)."""
    return _make_non_utf8(directory, name, text, "latin-1")


def make_cp1252_text(directory: Path, name: str = "cp1252.txt", text: str = CP1252_PROSE) -> Path:
    """Prose encoded as Windows-1252 (’ is 0x92, – is 0x96), which is not valid UTF-8."""
    return _make_non_utf8(directory, name, text, "cp1252")


def _make_non_utf8(directory: Path, name: str, text: str, encoding: str) -> Path:
    data = text.encode(encoding)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:  # pure-ASCII text would make the "wrong encoding" test pass for the wrong reason
        raise ValueError(f"text encoded as {encoding} is also valid UTF-8; add non-ASCII characters")
    path = _target(directory, name)
    path.write_bytes(data)
    return path


def make_utf16_text(directory: Path, name: str = "utf16.txt", text: str = UTF16_PROSE) -> Path:
    """Prose as UTF-16 little-endian with a byte-order mark (what Windows Notepad used to save)."""
    path = _target(directory, name)
    path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    return path


def make_oversized_text(
    directory: Path, name: str = "oversized.txt", size_mb: float = 60.0, *, sparse: bool = False
) -> Path:
    """A text file of ``size_mb`` megabytes (10**6 bytes), just over the loader's 50 MB default.

    By default it is real prose, written a megabyte at a time (about 0.1 s for
    60 MB). With ``sparse=True`` only a short text header is written and the
    file is extended with a hole, which is instant and uses no disk, but the
    hole reads back as NUL bytes, so such a file also looks binary.
    """
    size = int(size_mb * 1_000_000)
    path = _target(directory, name)
    sentence = b"This sentence is repeated to make an oversized article. "
    with path.open("wb") as fh:
        if sparse:
            fh.write(sentence[:size])
            fh.truncate(size)
        else:
            block = (sentence * (1_000_000 // len(sentence) + 1))[:999_999] + b"\n"
            for _ in range(size // len(block)):
                fh.write(block)
            fh.write(block[: size % len(block)])
    return path


def make_markdown(directory: Path, name: str, text: str) -> Path:
    """Write ``text`` as a UTF-8 Markdown file (front matter, if wanted, goes in ``text``)."""
    return make_text(directory, name, text)


def make_html(
    directory: Path,
    name: str,
    title: str,
    paragraphs: Sequence[str],
    author: str | None = None,
    date: str | None = None,
) -> Path:
    """A small article page: site header and nav, the article, and a newsletter footer.

    ``author`` goes in ``<meta name="author">`` and a byline; ``date`` (ISO
    8601) in ``article:published_time`` and a ``<time>`` element. Text is
    HTML-escaped.

    Example: ``make_html(tmp_path, "a.html", "Title", ["First para.", "Second."], author="A. Writer")``
    """
    e = html.escape
    head = [f"  <title>{e(title)}</title>", '  <meta charset="utf-8">']
    byline = []
    if author:
        head.append(f'  <meta name="author" content="{e(author)}">')
        byline.append(f'      <p class="byline">By <span class="author">{e(author)}</span></p>')
    if date:
        head.append(f'  <meta property="article:published_time" content="{e(date)}">')
        byline.append(f'      <p class="date"><time datetime="{e(date)}">{e(date)}</time></p>')
    body = "\n".join(f"      <p>{e(p)}</p>" for p in paragraphs)
    nl = "\n"
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
{nl.join(head)}
</head>
<body>
  <header><p class="site-title"><a href="/">Example Policy Review</a></p>
    <nav><ul><li><a href="/">Home</a></li><li><a href="/analysis">Analysis</a></li>
      <li><a href="/about">About</a></li></ul></nav>
  </header>
  <main>
    <article>
      <h1>{e(title)}</h1>
{nl.join(byline)}
{body}
    </article>
  </main>
  <footer><section class="newsletter"><h2>Subscribe to our newsletter</h2>
    <p>Sign up to receive our latest analysis in your inbox.</p></section></footer>
</body>
</html>
"""
    return make_text(directory, name, page)


# ---------------------------------------------------------------------- pdf
# PDFs are written by hand so this module needs no reportlab; the object
# layout is simple enough to keep the writer to one function.

_FONT_OBJECT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d%s >>\nstream\n%s\nendstream" % (len(data), extra, data)


def _assemble_pdf(objects: Sequence[bytes], info: dict[str, str] | None = None) -> bytes:
    """Number ``objects`` from 1, add an optional /Info dict, xref and trailer.

    Object 1 must be the catalog.
    """
    objects = list(objects)
    info_ref = b""
    if info:
        entries = b" ".join(b"/%s %s" % (key.encode("ascii"), _pdf_text_string(value)) for key, value in info.items())
        objects.append(b"<< " + entries + b" >>")
        info_ref = b" /Info %d 0 R" % len(objects)
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, info_ref, xref_at)
    return bytes(out)


def _pdf_string(text: str) -> bytes:
    """A literal string in WinAnsi (cp1252); characters it lacks become '?'."""
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _pdf_text_string(text: str) -> bytes:
    """A string for /Info: PDF reads these as PDFDocEncoding, not WinAnsi, so non-ASCII goes as UTF-16."""
    if text.isascii():
        return _pdf_string(text)
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def _page_tree(contents: Sequence[bytes], resources: bytes) -> list[bytes]:
    """Catalog, page tree, then per page a page object and its content stream (A4)."""
    count = len(contents)
    kids = b" ".join(b"%d 0 R" % (3 + 2 * i) for i in range(count))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count)]
    for i, content in enumerate(contents):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources %s /Contents %d 0 R >>"
                       % (resources, 4 + 2 * i))
        objects.append(_stream(content))
    return objects


def _text_content(text: str, wrap: int | None) -> bytes:
    if not text:
        return b""
    lines: list[str] = []
    for line in text.split("\n"):
        if wrap:
            lines.extend(textwrap.wrap(line, wrap) or [""])
        else:
            lines.append(line)
    shown = b" Tj T*\n".join(_pdf_string(line) for line in lines)
    return b"BT /F1 11 Tf 14 TL 72 770 Td\n" + shown + b" Tj\nET"


def _pdf_document_bytes(
    pages: Sequence[str], *, title: str | None = None, author: str | None = None, wrap: int | None = 90
) -> bytes:
    if not pages:
        raise ValueError("pages is empty; a PDF needs at least one page")
    font_count = len(pages)
    objects = _page_tree([_text_content(p, wrap) for p in pages],
                         b"<< /Font << /F1 %d 0 R >> >>" % (3 + 2 * font_count))
    objects.append(_FONT_OBJECT)
    info = {k: v for k, v in (("Title", title), ("Author", author)) if v}
    return _assemble_pdf(objects, info or None)


_DEFAULT_PAGES = (
    "Page one of a test document about border security.",
    "Page two of a test document. It continues the argument.",
    "Page three of a test document, which ends here.",
)


def make_pdf(
    directory: Path,
    name: str,
    pages: Sequence[str],
    *,
    title: str | None = None,
    author: str | None = None,
    wrap: int | None = 90,
) -> Path:
    """A valid A4 PDF with one Helvetica text page per string, readable by pypdf.

    Lines are wrapped at ``wrap`` characters on word boundaries (``None``: never),
    so compare extracted text with whitespace normalised. Text must fit
    Windows-1252 (’ – “ ” € are fine); other characters become '?'. An empty
    string gives a page with no text. ``title`` and ``author`` go in /Info.

    Example: ``make_pdf(tmp_path, "a.pdf", ["First page.", "Second page."], title="A")``
    """
    path = _target(directory, name)
    path.write_bytes(_pdf_document_bytes(pages, title=title, author=author, wrap=wrap))
    return path


def make_corrupt_pdf(directory: Path, name: str = "corrupt.pdf", size: int = 2048, seed: int = 0) -> Path:
    """Starts like a PDF (``%PDF-1.4``) and then is seeded garbage: no objects, no xref, no trailer."""
    garbage = bytes(b if b not in b"%" else 0x21 for b in random.Random(seed).randbytes(size))
    path = _target(directory, name)
    path.write_bytes(b"%PDF-1.4\n" + garbage)
    return path


def make_truncated_pdf(directory: Path, name: str = "truncated.pdf", pages: Sequence[str] = _DEFAULT_PAGES) -> Path:
    """A valid PDF cut in half, as a broken download would leave it.

    With the default pages the cut falls inside the second page's content
    stream, so the rest of the pages, the font, the xref table, the trailer
    and ``%%EOF`` are gone. pypdf 7 fails already in ``PdfReader(path)``
    (``PdfStreamError: Stream has ended unexpectedly``).
    """
    data = _pdf_document_bytes(pages)
    path = _target(directory, name)
    path.write_bytes(data[: len(data) // 2])
    return path


def make_encrypted_pdf(
    directory: Path,
    name: str = "encrypted.pdf",
    pages: Sequence[str] = _DEFAULT_PAGES,
    user_password: str = "secret",
    algorithm: str = "AES-256",
) -> Path:
    """A PDF that needs ``user_password`` to open (AES-256 by default).

    pypdf's AES support needs the ``cryptography`` package. The bytes differ
    on every call (the encryption salt is random).
    """
    import io

    from pypdf import PdfReader, PdfWriter

    if not user_password:
        raise ValueError("user_password is empty; an empty password opens the file without asking")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_pdf_document_bytes(pages))))
    writer.encrypt(user_password=user_password, owner_password=user_password + "-owner", algorithm=algorithm)
    path = _target(directory, name)
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def make_image_only_pdf(directory: Path, name: str = "scanned.pdf", pages: int = 2) -> Path:
    """A PDF like a scan without OCR: each page shows an image and some rules, and has no text layer."""
    if pages < 1:
        raise ValueError(f"pages={pages}; need at least 1")
    side = 64
    # A grey gradient with a dark frame, so the image is plainly "something".
    pixels = bytes(
        0 if x in (0, side - 1) or y in (0, side - 1) else (x * 4 + y * 2) % 256
        for y in range(side) for x in range(side))
    image = _stream(zlib.compress(pixels),
                    b" /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray"
                    b" /BitsPerComponent 8 /Filter /FlateDecode" % (side, side))
    content = (b"q 451 0 0 451 72 319 cm /Im1 Do Q\n"
               b"0.3 G 2 w 72 250 451 40 re S 72 200 m 523 200 l S 72 180 m 400 180 l S")
    objects = _page_tree([content] * pages, b"<< /XObject << /Im1 %d 0 R >> >>" % (3 + 2 * pages))
    objects.append(image)
    path = _target(directory, name)
    path.write_bytes(_assemble_pdf(objects))
    return path


def make_pdf_bomb(
    directory: Path,
    name: str = "bomb.pdf",
    decompressed_size: int = 1 << 30,
    unit: bytes = b"(a)'",
    pages: int = 1,
) -> Path:
    """A small PDF whose FlateDecode content stream inflates to about ``decompressed_size`` bytes.

    The stream is ``BT /F1 11 Tf 14 TL 72 770 Td``, then ``unit`` repeated, then
    ``ET``. The default unit ``(a)'`` is a complete text-showing operator ("next
    line, show 'a'") in four bytes, so a reader that does inflate the stream
    also has an operator to run per four bytes; and a four-byte period is what
    lets deflate reach its best ratio (about 1000:1), so the default 1 GiB
    makes a file of about 1 MB. Compression is incremental, so memory stays
    small; 1 GiB takes about 3 seconds. Never inflate it in-process without a limit.

    pypdf 7 refuses the default (``LimitReachedError`` past 75 MB inflated or
    2 million tokens), but a stream just under its token limit is a *slow*
    bomb: ``decompressed_size=3_900_000`` (a 4 KB file) keeps pypdf extracting
    one page for over a minute. ``pages`` > 1 makes every page share the one
    stream, which multiplies the work without growing the file.
    """
    if decompressed_size < 1024:
        raise ValueError(f"decompressed_size={decompressed_size}; a bomb needs at least 1024 bytes")
    if pages < 1:
        raise ValueError(f"pages={pages}; need at least 1")
    prefix, suffix = b"BT /F1 11 Tf 14 TL 72 770 Td\n", b"ET\n"
    repeats = max(1, (decompressed_size - len(prefix) - len(suffix)) // len(unit))
    block_units = max(1, (1 << 20) // len(unit))
    block = unit * block_units

    compressor = zlib.compressobj(9)
    parts = [compressor.compress(prefix)]
    full, rest = divmod(repeats, block_units)
    for _ in range(full):
        parts.append(compressor.compress(block))
    parts.append(compressor.compress(unit * rest + suffix))
    parts.append(compressor.flush())
    compressed = b"".join(parts)

    # Objects: 1 catalog, 2 page tree, 3..pages+2 pages, then the shared stream and the font.
    stream_ref, font_ref = pages + 3, pages + 4
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages)]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
                b" /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>" % (font_ref, stream_ref)] * pages
    objects.append(_stream(compressed, b" /Filter /FlateDecode"))
    objects.append(_FONT_OBJECT)
    path = _target(directory, name)
    path.write_bytes(_assemble_pdf(objects))
    return path
