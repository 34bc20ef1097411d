"""Load articles (.txt, .md, .html, .pdf) into :class:`SourceDocument` records.

Each loader returns the article's clean text and what is known about it (title,
author, date, PDF page spans). Anything wrong with a file raises
:class:`LoadError` whose message names the file and the reason, so a batch can
log it and go on.

The loader registry (:func:`register_loader`) maps a file suffix to its loader;
:data:`SUPPORTED_SUFFIXES` is a live view of it that ingest, the chat's upload
check and its file server all read, so a new file type is one function plus one
registration::

    def load_csv(source: str, data: bytes, limits: LoadLimits, meta: Mapping[str, str]) -> Loaded:
        return Loaded(text=decode_text(source, data).replace(",", " "))

    register_loader(".csv", load_csv, format="csv")

Example:
    >>> from pathlib import Path
    >>> doc = load_document(Path("corpus/sample/000_37ea4592f850c55e.txt"))  # doctest: +SKIP
    >>> doc.author  # doctest: +SKIP
    'George Meneshian'
"""

from __future__ import annotations

import json
import re
import time
from bisect import bisect_left
from collections.abc import Callable, Iterable, KeysView, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from rag.errors import LoadError  # also importable as rag.load.LoadError
from rag.extras import MissingExtraError, require
from rag.records import PageSpan, SourceDocument, sha256_hex
from rag.text import BYLINE_DATE, LOWER, UPPER, byline_name, byline_parts


@dataclass(frozen=True)
class LoadLimits:
    """Guards against files that would exhaust memory or time."""

    max_file_bytes: int = 50 * 1024 * 1024
    max_pdf_pages: int = 2000
    max_text_chars: int = 2_000_000
    # Text amplification: a few KB of PDF whose streams inflate to millions of characters.
    max_chars_per_byte: float = 20.0
    # pypdf's text extraction is quadratic in text operators per stream: a few MB of them
    # in a 4 KB file stall it for minutes, so page streams and total time are bounded.
    max_page_content_bytes: int = 1_000_000
    max_pdf_seconds: float = 60.0

    @classmethod
    def from_config(cls, config: Any) -> "LoadLimits":
        """The limits a :class:`rag.config.Config` sets (``max_file_mb``, ``max_pdf_pages``, ``max_text_chars``,
        ``max_chars_per_byte``)."""
        return cls(max_file_bytes=int(config.max_file_mb * 1024 * 1024), max_pdf_pages=config.max_pdf_pages,
                   max_text_chars=config.max_text_chars, max_chars_per_byte=config.max_chars_per_byte)

    def text_budget(self, n_bytes: int) -> tuple[int, str]:
        """Most characters a file of ``n_bytes`` may yield, and the reason naming the limit that sets it."""
        by_ratio = int(self.max_chars_per_byte * n_bytes)
        if by_ratio < self.max_text_chars:
            return by_ratio, (f"{by_ratio:,} characters ({self.max_chars_per_byte:g} per byte of its "
                              f"{n_bytes:,}-byte file: max_chars_per_byte; text amplification?)")
        return self.max_text_chars, f"{self.max_text_chars:,} character limit (max_text_chars)"


def load_document(
    path: Path,
    *,
    source: str | None = None,
    limits: LoadLimits = LoadLimits(),
    collection: str = "default",
    data: bytes | None = None,
) -> SourceDocument:
    """Load one file; raise :class:`LoadError` naming the file when it cannot be used.

    ``source`` is the name the index will know the document by (defaults to the path).
    ``data`` lets a caller that already read the bytes (to hash them) avoid a second read.
    """
    source = source or str(path)
    suffix = path.suffix.lower()
    spec = loader_for(path)
    if spec is None:
        raise LoadError(source, f"unsupported file type {suffix or '(none)'}; "
                                f"supported: {', '.join(sorted(SUPPORTED_SUFFIXES))}")
    if data is None:
        data = read_bounded(path, source, limits)
    check_size(source, len(data), limits)
    if not data.strip():
        raise LoadError(source, "empty file" if not data else "file holds only whitespace")

    meta = _read_sidecar(path)
    loaded = _mended(spec.load(source, data, limits, meta))

    text = loaded.text
    budget, why = limits.text_budget(len(data))
    if len(text) > budget:
        raise LoadError(source, f"extracted text has {len(text):,} characters, over the {why} — skipped")
    if len(text.strip()) < 2:
        raise LoadError(source, "no text content after removing site furniture")

    title = meta.get("title") or loaded.title or leading_heading(text) or _title_from_stem(path)
    return SourceDocument(
        source=source,
        title=_clean_inline(title)[:300],
        text=text,
        content_hash=sha256_hex(data + json.dumps(meta, sort_keys=True).encode() if meta else data),
        format=spec.format,
        author=meta.get("author") or loaded.author,
        date=_iso_date(meta.get("date") or loaded.date),
        pages=loaded.pages,
        collection=collection,
    )


@dataclass(frozen=True)
class Loaded:
    """What a loader found in a file: the clean text and any title, author, date and PDF page spans."""

    text: str
    title: str | None = None
    author: str | None = None
    date: str | None = None
    pages: tuple[PageSpan, ...] = ()


def _mended(loaded: Loaded) -> Loaded:
    """``loaded`` with :func:`mend_glued_sentences` applied, its page spans moved past the inserted spaces."""
    at = glued_sentence_ends(loaded.text)
    if not at:
        return loaded
    text = _insert_spaces(loaded.text, at)
    pages = tuple(PageSpan(page=p.page, start=p.start + bisect_left(at, p.start), end=p.end + bisect_left(at, p.end))
                  for p in loaded.pages)
    return replace(loaded, text=text, pages=pages)


Loader = Callable[[str, bytes, LoadLimits, Mapping[str, str]], Loaded]
"""``loader(source, data, limits, meta) -> Loaded``: ``source`` names the file in errors, ``data`` is its bytes,
``limits`` the guards it must respect, ``meta`` the ``<file>.meta.json`` sidecar (title/author/date, maybe empty).
Raise :class:`LoadError` naming ``source`` when the file cannot be used."""


@dataclass(frozen=True)
class LoaderSpec:
    """A registered file type: its loader, the ``format`` recorded on its documents, and the media type
    the chat serves the original file with."""

    suffix: str
    load: Loader
    format: str
    media_type: str


_LOADERS: dict[str, LoaderSpec] = {}

SUPPORTED_SUFFIXES: KeysView[str] = _LOADERS.keys()
"""The suffixes a loader is registered for (lowercase, with the dot), in registration order.

A live view of the registry: a loader registered later is included, wherever this was imported."""

TEXT_MEDIA_TYPE = "text/plain; charset=utf-8"


def register_loader(suffixes: str | Iterable[str], load: Loader, *, format: str,
                    media_type: str = TEXT_MEDIA_TYPE, replace: bool = False) -> None:
    """Load files ending in ``suffixes`` (e.g. ``".csv"``) with ``load``; ingest and the chat pick it up.

    Registering a suffix that already has a loader raises ``ValueError`` unless ``replace`` is true.

    Example:
        >>> register_loader(".tsv", lambda src, data, limits, meta: Loaded(decode_text(src, data)), format="tsv")
        >>> ".tsv" in SUPPORTED_SUFFIXES
        True
        >>> unregister_loader(".tsv")
    """
    names = [suffixes] if isinstance(suffixes, str) else list(suffixes)
    for suffix in names:
        if not (isinstance(suffix, str) and suffix.startswith(".") and len(suffix) > 1
                and suffix == suffix.lower() and "/" not in suffix):
            raise ValueError(f"loader suffix {suffix!r}: write it lowercase with its dot, e.g. '.csv'")
        if suffix in _LOADERS and not replace:
            raise ValueError(f"loader suffix {suffix!r} is already registered (pass replace=True to override it)")
    for suffix in names:
        _LOADERS[suffix] = LoaderSpec(suffix, load, format, media_type)


def unregister_loader(suffix: str) -> None:
    """Stop loading files ending in ``suffix`` (tests, plugins); unknown suffixes are ignored."""
    _LOADERS.pop(suffix, None)


def loader_for(path: str | Path) -> LoaderSpec | None:
    """The registered loader for ``path``'s suffix (case-insensitive), or None."""
    return _LOADERS.get(Path(path).suffix.lower())


def check_size(source: str, size: int, limits: LoadLimits) -> None:
    """Refuse a file over ``limits.max_file_bytes``, in exact bytes (1.0 MB over a 1.0 MB limit helps nobody)."""
    if size > limits.max_file_bytes:
        raise LoadError(source, f"file is {size:,} bytes, over the {limits.max_file_bytes:,}-byte limit "
                                f"(max_file_mb = {limits.max_file_bytes / 2**20:g})")


def read_bounded(path: Path, source: str, limits: LoadLimits) -> bytes:
    """The bytes of ``path``, refused (:class:`LoadError` naming ``source``) when unreadable or over the size limit.

    The size is checked from ``stat`` before anything is read, so an oversized file is never loaded into memory.
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise LoadError(source, f"cannot read file ({exc.strerror or exc})") from None
    check_size(source, size, limits)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LoadError(source, f"cannot read file ({exc.strerror or exc})") from None


def _read_sidecar(path: Path) -> dict[str, str]:
    """Optional ``<file>.meta.json`` with title/author/date, for formats that lack them."""
    sidecar = path.with_name(path.name + ".meta.json")
    if not sidecar.is_file():
        return {}
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: str(v) for k, v in data.items() if k in {"title", "author", "date"} and v}


# --------------------------------------------------------------------- text

# What cp1252 puts in 0x80-0x9F that Western text uses: the euro, curly quotes, dashes, the ellipsis.
_CP1252_TYPOGRAPHY = frozenset("€‚„…†‡‰‹‘’“”•–—™›")


def _typographic_cp1252(data: bytes, chosen: str) -> bool:
    """Whether ``data`` is cp1252 text that the detector took for another single-byte code page: every byte in
    0x80-0x9F is typography in cp1252 (“…”, –, €) and mostly letters in ``chosen`` (cp852, cp775, cp1251
    read "He said “no”." as "He said УnoФ."). Code pages that share cp1252's typography (cp1250) keep theirs.
    """
    high = [i for i, b in enumerate(data) if 0x80 <= b <= 0x9F]
    if not high:
        return False
    try:
        western, other = data.decode("cp1252"), data.decode(chosen)
    except (UnicodeDecodeError, LookupError):
        return False
    if len(other) != len(data) or len(western) != len(data):
        return False  # a multi-byte encoding (Shift-JIS, GBK): not a code page mix-up
    if not all(western[i] in _CP1252_TYPOGRAPHY for i in high):
        return False
    return sum(other[i].isalpha() for i in high) * 2 >= len(high)


def decode_text(source: str, data: bytes) -> str:
    """Decode bytes as text, detecting the encoding; reject binary content."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise LoadError(source, "has a UTF-16 byte-order mark but is not valid UTF-16") from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    head = data[:65536]
    if b"\x00" in head or _control_ratio(head) > 0.05:
        raise LoadError(source, "binary content, not text (wrong file extension?)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        from charset_normalizer import from_bytes

        matches = from_bytes(data)
        best = matches.best()
        # Short texts often tie between codepages (French in cp1250 reads "crčme", "Genčve"); on a
        # tie the web's usual legacy encoding, cp1252, wins.
        for match in matches:
            if (best is not None and match.encoding == "cp1252" and match.chaos <= best.chaos
                    and match.coherence >= best.coherence):
                best = match
                break
    except Exception:  # detection is best-effort; fall through to cp1252
        best = None
    if best is not None and best.encoding and not _typographic_cp1252(data, best.encoding):
        try:
            return data.decode(best.encoding)
        except (UnicodeDecodeError, LookupError):
            pass
    # cp1252 is the usual culprit on the web; latin-1 decodes anything that is left.
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _control_ratio(data: bytes) -> float:
    if not data:
        return 0.0
    allowed = {9, 10, 12, 13, 27}
    bad = sum(1 for b in data if b < 32 and b not in allowed)
    return bad / len(data)


# A sentence end with no space before the next sentence ("community?Aliyev", "Karabakh.The"): text scraped
# from web pages loses the whitespace between paragraphs and inline elements. After "." the word before must
# be two lower-case letters and the next one a capitalised word, so initials ("U.S.Army"), abbreviations
# ("e.g.For"), numbers ("3.A") and names written with a dot ("ASP.NET") do not match.
_GLUED_END = re.compile(rf"(?:(?<=[{LOWER}]{{2}})\.|(?<=[{LOWER}0-9)\]])[?!…])[\"”’)\]]*(?=[{UPPER}][{LOWER}])")
# Inside an address, a path or a domain a dot or "?" is part of the name, not a sentence end.
_NAME_LIKE = re.compile(r"://|www\.|[@/\\_=]")
_DOMAINS = frozenset("com org net gov edu int info io co uk eu".split())


def glued_sentence_ends(text: str) -> list[int]:
    """Offsets in ``text`` where a sentence ends with no space before the next one (see
    :func:`mend_glued_sentences`), ascending."""
    found = []
    for match in _GLUED_END.finditer(text):
        # The word the sentence end sits in (looked for in a bounded window: a text without spaces stays linear).
        token = re.split(r"\s", text[max(0, match.start() - 200):match.end()])[-1]
        next_word = re.match(r"[A-Za-z]+", text[match.end():match.end() + 40])
        if _NAME_LIKE.search(token) or (next_word and next_word.group(0).lower() in _DOMAINS):
            continue
        found.append(match.end())
    return found


def mend_glued_sentences(text: str) -> str:
    """Put back the space a scraped text lost between two sentences.

    Every loader applies it, so the sentence splitter, term matching and a reader see two sentences
    where the source glued them. Addresses, abbreviations and names with dots are left as written.

    Example:
        >>> mend_glued_sentences("What about the others?Aliyev knows.The talks failed at example.org/a?B=1.")
        'What about the others? Aliyev knows. The talks failed at example.org/a?B=1.'
    """
    return _insert_spaces(text, glued_sentence_ends(text))


def _insert_spaces(text: str, at: list[int]) -> str:
    """``text`` with a space inserted before each offset in ``at`` (ascending)."""
    return "".join(text[a:b] + " " for a, b in zip([0, *at], at)) + text[at[-1]:] if at else text


_REPEATED_BANNER = re.compile(r"^(.{8,}?)(?:\s*[|•·-]?\s*\1)+$")
_ADDRESS_LIKE = re.compile(r"\b\d{5}(?:-\d{4})?\b|\bP\.?O\.? Box\b|^\+?[\d\s().-]{7,}$", re.I)
_NAV_LIKE = re.compile(r"(\S.*?\s[|•·»]\s){2,}")
_FOOTER_MARKERS = re.compile(
    r"^\s*(?:[•·*-]\s*)?(?:subscribe to|sign up (?:for|to)|view all posts|share this|related (?:posts|articles)"
    r"|about the author|follow us|all rights reserved|©|copyright \d|no, thanks|leave a (?:reply|comment)"
    r"|tags?:|research team\s*$)",
    re.I,
)
_DATELINE = re.compile(rf"^([{UPPER}][\w.'’-]+(?: [{UPPER}][\w.'’-]+){{0,3}})\s+[–—-]\s+(?=[{UPPER}])")
_BYLINE = re.compile(rf"^by\s+([{UPPER}][\w.'’-]+(?: [{UPPER}][\w.'’-]+){{0,3}})\s*$", re.I)


def clean_article_text(raw: str, take_title: bool = True) -> Loaded:
    """Strip site furniture (repeated banners, address lines, newsletter footers).

    Furniture is recognised by shape, not by site: a line that is one phrase
    repeated, short address/navigation lines before the first real paragraph,
    and a tail that starts with a footer marker (subscribe, view all posts…).
    """
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n")
    lines = [line.rstrip() for line in text.split("\n")]

    first_paragraph = next(
        (i for i, line in enumerate(lines) if len(line.split()) >= 25), len(lines))
    # A masthead printed on several lines (the institute's name, again and again) is furniture.
    head_counts: dict[str, int] = {}
    for line in lines[:first_paragraph]:
        if line.strip():
            head_counts[line.strip().lower()] = head_counts.get(line.strip().lower(), 0) + 1
    title: str | None = None
    author: str | None = None
    date: str | None = None
    kept: list[str] = []
    furniture: list[str] = []
    for i, line in enumerate(lines):
        stripped = line.strip()
        if i < first_paragraph and stripped:
            if (_REPEATED_BANNER.match(stripped) or _ADDRESS_LIKE.search(stripped) or _NAV_LIKE.search(stripped)
                    or head_counts.get(stripped.lower(), 0) > 1):
                furniture.append(stripped.lower())
                continue
            byline = _BYLINE.match(stripped)
            if byline:
                author = byline.group(1)
                continue
            longer = byline_parts(stripped) if author is None else None
            if longer:
                author = longer[0]
                when = BYLINE_DATE.search(longer[1])
                date = date or (_iso_date(when.group(0)) if when else None)
                kept.append(line)  # the byline stays in the text, and is never the title
                continue
            # A headline stands alone: followed by a blank line, no sentence punctuation.
            # So does a short first line with no sentence punctuation, even right above a byline.
            followed_by_blank = i + 1 < len(lines) and not lines[i + 1].strip()
            first_kept = not any(k.strip() for k in kept)
            if (title is None and take_title and (followed_by_blank or first_kept and len(stripped.split()) <= 15)
                    and len(stripped.split()) <= 20 and len(stripped) <= 200
                    and not stripped.endswith((".", ":", ",", ";", "?", "!", "。", "！", "？", "．", "…"))):
                title = stripped.lstrip("#").strip() or None  # a Markdown heading's "#" is markup
                continue
        kept.append(line)

    # Footer: cut at the first marker in the last part of the article.
    body_chars = sum(len(line) + 1 for line in kept)
    seen = 0
    for i, line in enumerate(kept):
        if seen > body_chars * 0.5 and _FOOTER_MARKERS.match(line):
            tail = sum(len(x) + 1 for x in kept[i:])
            if tail < max(2000, body_chars * 0.25):
                kept = kept[:i]
            break
        seen += len(line) + 1

    cleaned = _normalise_blank_lines("\n".join(kept))
    if title is not None and not cleaned.strip():
        cleaned = title  # a one-line note is its own text ("Operation Bluefin costs 412 million euros"), not a title
    if author is None:
        match = _DATELINE.match(cleaned)
        # The site's own name in front of the first paragraph is a masthead, not an author.
        if match and not any(match.group(1).lower() in line for line in furniture):
            author = byline_name(re.sub(r"^[Bb]y\s+", "", match.group(1)))  # "By Jane Doe – …": Jane Doe
    return Loaded(text=cleaned, title=title, author=author, date=date)


def _normalise_blank_lines(text: str) -> str:
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def _load_text(source: str, data: bytes, limits: LoadLimits, sidecar: Mapping[str, str]) -> Loaded:
    # A sidecar title means the file's first line is text, not a title to take.
    return clean_article_text(decode_text(source, data), take_title=not sidecar.get("title"))


_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)


def _load_markdown(source: str, data: bytes, limits: LoadLimits, sidecar: Mapping[str, str]) -> Loaded:
    raw = decode_text(source, data)
    front: dict[str, str] = {}  # YAML-ish front matter; a sidecar's fields win in load_document
    match = _FRONT_MATTER.match(raw)
    if match:
        for line in match.group(1).splitlines():
            key, sep, value = line.partition(":")
            if sep:
                front[key.strip().lower()] = value.strip().strip("'\"")
        raw = raw[match.end():]
    loaded = clean_article_text(raw)
    heading = re.search(r"^#\s+(.+)$", loaded.text, re.M)
    return Loaded(
        text=loaded.text,
        title=front.get("title") or (heading.group(1).strip() if heading else loaded.title),
        author=front.get("author") or loaded.author,
        date=front.get("date") or loaded.date,
    )


# --------------------------------------------------------------------- html

def _load_html(source: str, data: bytes, limits: LoadLimits, sidecar: Mapping[str, str]) -> Loaded:
    html = decode_text(source, data)
    try:
        trafilatura = require("trafilatura", "html", "Reading HTML articles")
    except MissingExtraError as exc:
        raise LoadError(source, str(exc)) from None
    try:

        result = trafilatura.bare_extraction(
            _prepare_html(html, trafilatura), with_metadata=True, include_comments=False, include_tables=True,
            favor_precision=True, deduplicate=False,
            date_extraction_params={"extensive_search": False, "original_date": True})
    except Exception as exc:  # a parser crash on one page must not stop a batch
        raise LoadError(source, f"HTML could not be parsed ({type(exc).__name__}: {exc})") from None
    if result is None:
        raise LoadError(source, "no article text found in the HTML page")
    get = result.get if isinstance(result, dict) else (lambda k, d=None: getattr(result, k, d))
    text = _normalise_blank_lines(get("text") or "")
    if not text:
        raise LoadError(source, "no article text found in the HTML page")
    return Loaded(text=text, title=get("title"), author=get("author"), date=get("date"))


_Q_TAG = re.compile(r"<q[\s>]", re.I)
_SUP_TAG = re.compile(r"<sup[\s>]", re.I)
# A footnote reference: "12", "[12]", "(3)", "4a", "*", "†".
_FOOTNOTE_MARK = re.compile(r"^\s*[\[(]?\d{1,3}[a-z]?[\])]?\s*$|^\s*[*†‡§]{1,3}\s*$")
# …but after a digit or a unit it is an exponent: "10<sup>6</sup>", "km<sup>2</sup>".
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_SUPERSCRIPT_BACK = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_EXPONENT_BASE = re.compile(r"(?:\d|\b(?:k?m|cm|mm|ft|in|mi|yd|sq))\s*$", re.I)


def _prepare_html(html: str, trafilatura: Any) -> Any:
    """``html`` as a reader sees it: ``<q>`` written with its quotation marks, footnote numbers dropped.

    trafilatura reads ``<q>`` like ``<blockquote>``, as a block of its own: the quoted words
    left their sentence on a line of their own, which the sentence splitter cuts at. A footnote
    reference (``ended.<sup>12</sup> The``) glued its number to the sentence end, so two sentences
    read as one ("ended.12 The"); an exponent (``km<sup>2</sup>``) is kept as "km²".
    """
    if not (_Q_TAG.search(html) or _SUP_TAG.search(html)):
        return html
    tree = trafilatura.load_html(html)
    if tree is None:
        return html
    quotes = [(q, any(True for _ in q.iterancestors("q"))) for q in tree.iter("q")]
    for q, nested in quotes:
        opening, closing = ("‘", "’") if nested else ("“", "”")
        q.tag = "span"
        q.text = opening + (q.text or "")
        if len(q):
            q[-1].tail = (q[-1].tail or "") + closing
        else:
            q.text += closing
    for sup in list(tree.iter("sup")):
        parent, previous = sup.getparent(), sup.getprevious()
        if parent is None or not _FOOTNOTE_MARK.match("".join(sup.itertext())):
            continue
        before = (previous.tail if previous is not None else parent.text) or ""
        mark = "".join(sup.itertext()).strip()
        # An exponent is kept as superscript characters ("km²", "10⁶"), so it neither vanishes nor reads "106".
        kept = mark.translate(_SUPERSCRIPT) if _EXPONENT_BASE.search(before) else ""
        if kept and not kept.translate(_SUPERSCRIPT_BACK).isdigit():
            continue
        tail = kept + (sup.tail or "")
        if previous is not None:
            previous.tail = before + tail
        else:
            parent.text = before + tail
        parent.remove(sup)
    return tree


# ---------------------------------------------------------------------- pdf

def _load_pdf(source: str, data: bytes, limits: LoadLimits, sidecar: Mapping[str, str]) -> Loaded:
    import io

    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    # pypdf logs warnings about malformed files to its "pypdf" logger; quieting it is the application's
    # choice (the rag command does), not the library's.
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            # Owner-password-only PDFs open with the empty user password.
            try:
                ok = bool(reader.decrypt(""))
            except (NotImplementedError, FileNotDecryptedError, PdfReadError):
                ok = False
            if not ok:
                raise LoadError(source, "encrypted PDF, no password given — skipped")
        n_pages = len(reader.pages)
    except LoadError:
        raise
    except MemoryError:
        raise LoadError(source, "PDF exhausted the memory guard while opening (decompression bomb?)") from None
    except Exception as exc:
        raise LoadError(source, f"corrupt or unreadable PDF ({type(exc).__name__}: {_short(exc)})") from None
    if n_pages == 0:
        raise LoadError(source, "PDF has no pages")
    if n_pages > limits.max_pdf_pages:
        raise LoadError(source, f"PDF has {n_pages} pages, over the {limits.max_pdf_pages} limit (max_pdf_pages)")

    raw_pages: list[str] = []
    budget, why = limits.text_budget(len(data))
    deadline = time.monotonic() + limits.max_pdf_seconds
    for number, page in enumerate(reader.pages, start=1):
        if time.monotonic() > deadline:
            raise LoadError(source, f"text extraction took over {limits.max_pdf_seconds:.0f} s at page {number} "
                                    "(max_pdf_seconds) — skipped")
        try:
            contents = page.get_contents()
            content_bytes = len(contents.get_data()) if contents is not None else 0
            if content_bytes > limits.max_page_content_bytes:
                raise LoadError(source, f"page {number} content stream is {content_bytes / 1e6:.1f} MB "
                                        f"decompressed, over the {limits.max_page_content_bytes / 1e6:.1f} MB "
                                        "limit (decompression bomb?) — skipped")
            page_text = page.extract_text() or ""
        except LoadError:
            raise
        except MemoryError:
            raise LoadError(source, f"page {number} exhausted the memory guard (decompression bomb?)") from None
        except Exception as exc:
            if _is_limit_error(exc):
                raise LoadError(source, f"page {number} decompresses past the safety limit "
                                        "(decompression bomb?) — skipped") from None
            raise LoadError(source, f"page {number} could not be read "
                                    f"({type(exc).__name__}: {_short(exc)})") from None
        page_text = _normalise_blank_lines(page_text.replace("\x00", ""))
        budget -= len(page_text)
        if budget < 0:
            raise LoadError(source, f"extracted text is over the {why} at page {number} — skipped")
        raw_pages.append(page_text)

    words = word_forms("\n".join(raw_pages))  # the whole document decides a hyphen at a line end
    parts: list[str] = []
    spans: list[PageSpan] = []
    offset = 0
    for number, raw in enumerate(raw_pages, start=1):
        page_text = unwrap_lines(raw, words)
        if parts:
            # A page that opens in lower case goes on with the previous page's sentence.
            sep = " " if _continues(parts[-1], page_text) else "\n\n"
            parts.append(sep)
            offset += len(sep)
        parts.append(page_text)
        spans.append(PageSpan(page=number, start=offset, end=offset + len(page_text)))
        offset += len(page_text)
    text = "".join(parts)
    if len(re.sub(r"\s", "", text)) < 20:
        raise LoadError(source, "PDF has no text layer (scanned or image-only; run OCR first) — skipped")

    meta = {}
    try:
        meta = dict(reader.metadata or {})
    except Exception:  # broken info dictionaries are common and harmless
        pass
    title = str(meta.get("/Title") or "").strip() or None
    author = str(meta.get("/Author") or "").strip() or None
    return Loaded(text=text, title=title, author=author, pages=tuple(spans))


_SENTENCE_END = (".", "!", "?", ":", ";", "”", '"', "’")
_HYPHEN_AT_LINE_END = re.compile(r"(\w+)-\n([a-z]\w*)")


def word_forms(text: str) -> set[str]:
    """The lower-cased words and hyphenated compounds of ``text``, leaving out words split by a hyphen at a
    line end (their halves are not words of the text). :func:`unwrap_lines` reads hyphens with them."""
    return {w.lower() for w in re.findall(r"\w+(?:-\w+)*", _HYPHEN_AT_LINE_END.sub(" ", text))}


def unwrap_lines(text: str, words: AbstractSet[str] | None = None) -> str:
    r"""Join PDF line wraps back into sentences; keep breaks after sentence ends and blank lines.

    pypdf returns one line per printed line, so without this every wrapped line
    would look like a sentence boundary to the chunker and the verifier. A word
    split by a hyphen at a line end is joined ("gov-" + "ernment"), unless the
    document writes it as a compound ("Russian-led") or both halves are words of
    it ("Russian", "led"): a line break after a compound's own hyphen must not
    glue its words. ``words`` are the document's :func:`word_forms` (default: the
    ones of ``text``).

    Example:
        >>> unwrap_lines("The Russian-led bloc and the Russian-\nled army. The gov-\nernment")
        'The Russian-led bloc and the Russian-led army. The government'
    """
    if words is None:
        words = word_forms(text)
    text = _HYPHEN_AT_LINE_END.sub(lambda m: _dehyphenate(m.group(1), m.group(2), words), text)
    lines = text.split("\n")
    lengths = sorted(len(line) for line in lines if line.strip())
    typical = lengths[len(lengths) * 3 // 4] if lengths else 0
    out: list[str] = []
    for i, line in enumerate(lines):
        out.append(line)
        if i == len(lines) - 1:
            break
        stripped = line.rstrip()
        following = lines[i + 1].strip()
        # A full-width line that does not end a sentence was wrapped by the layout, not by the author; so was
        # one that ends in an abbreviation ("U.S.") or a closing quote when the next line goes on in lower case.
        wrapped = (stripped and following and len(stripped) >= 0.7 * typical
                   and (not stripped.endswith(_SENTENCE_END) or following[0].islower()))
        out.append(" " if wrapped else "\n")
    return "".join(out)


def _dehyphenate(left: str, right: str, words: AbstractSet[str]) -> str:
    joined, compound = (left + right).lower(), f"{left}-{right}".lower()
    if joined not in words and (compound in words or left.lower() in words and right.lower() in words):
        return f"{left}-{right}"
    return left + right


def _continues(previous: str, page: str) -> bool:
    """Whether ``page`` opens in the middle of the sentence ``previous`` (the page before it) ends with."""
    return bool(previous.strip() and page[:1].islower() and not previous.rstrip().endswith(_SENTENCE_END))


def _is_limit_error(exc: BaseException) -> bool:
    return type(exc).__name__ in {"LimitReachedError", "DecompressionBombError"} or "limit" in str(exc).lower()


def _short(exc: BaseException, limit: int = 160) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ------------------------------------------------------------------ helpers

def _clean_inline(text: str) -> str:
    return " ".join(text.split())


def leading_heading(text: str) -> str | None:
    r"""The heading a document opens with: its first short, unpunctuated lines, up to a byline or a paragraph.

    A PDF's title wrapped over two printed lines ("Azerbaijan’s September 2022
    offensive" / "against Armenia" / "By George Meneshian") is one title. A
    document that opens with a paragraph has no heading (None): a first
    sentence is not a title.

    Example:
        >>> leading_heading("Drone Doctrine\nin Europe\nBy A. Analyst\nThe text starts here.")
        'Drone Doctrine in Europe'
        >>> leading_heading("The council met on Monday. It debated the budget.") is None
        True
    """
    found: list[str] = []
    for line in text.lstrip().split("\n")[:6]:
        stripped = line.strip()
        if not stripped:
            break
        if (_BYLINE.match(stripped) or _DATELINE.match(stripped) or len(stripped.split()) > 15
                or stripped.endswith((".", ",", ";", ":", "!", "?", "…"))):
            break
        found.append(stripped)
    heading = " ".join(found)
    return heading if found and 2 <= len(heading.split()) <= 25 and not _REPEATED_BANNER.match(heading) else None


def _title_from_stem(path: Path) -> str:
    """A document without a heading is known by its file name ("drone_doctrine-2023" -> "drone doctrine 2023")."""
    return re.sub(r"[_-]+", " ", path.stem).strip() or path.name


_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}


def _iso_date(value: str | None) -> str | None:
    """Normalise a date to YYYY-MM-DD (or None when it cannot be read)."""
    if not value:
        return None
    value = value.strip()
    match = re.match(r"^(\d{4})-(\d{2})-(\d{2})", value)
    if match:
        return match.group(0)
    match = re.match(r"^(\d{4})/(\d{1,2})/(\d{1,2})", value)
    if match:
        y, m, d = match.groups()
        return f"{y}-{int(m):02d}-{int(d):02d}"
    match = re.match(r"^(?:D:)?(\d{4})(\d{2})(\d{2})", value)
    if match:
        return "-".join(match.groups())
    match = re.match(r"^(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?\s+(\d{4})", value) or None
    if match:
        d, mon, y = match.groups()
        if mon.lower() in _MONTHS:
            return f"{y}-{_MONTHS[mon.lower()]:02d}-{int(d):02d}"
    match = re.match(r"^([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})", value)
    if match:
        mon, d, y = match.groups()
        if mon.lower() in _MONTHS:
            return f"{y}-{_MONTHS[mon.lower()]:02d}-{int(d):02d}"
    return None


# The built-in file types: one line each.
register_loader(".txt", _load_text, format="txt")
register_loader((".md", ".markdown"), _load_markdown, format="md")
register_loader((".html", ".htm"), _load_html, format="html", media_type="text/html; charset=utf-8")
register_loader(".pdf", _load_pdf, format="pdf", media_type="application/pdf")
