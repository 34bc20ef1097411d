"""Split documents into overlapping, token-sized chunks on sentence boundaries.

Sizes are counted in the embedding model's own word pieces, from one
tokenizer pass over the document (character offsets of every token), so a
chunk can never exceed the model's window and be silently truncated.
Every chunk keeps ``text == document.text[start:end]``.

Example:
    >>> from rag.records import SourceDocument
    >>> doc = SourceDocument(source="a.txt", title="A", text="One two. Three four.", content_hash="h")
    >>> [c.text for c in chunk_document(doc, whitespace_offsets, max_tokens=2, overlap=0)]
    ['One two.', 'Three four.']
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Sequence

from rag.records import Chunk, SourceDocument
from rag.text import Span, split_sentences

__all__ = ["Span", "TokenIndex", "TokenOffsets", "chunk_document", "split_sentences", "whitespace_offsets"]

TokenOffsets = Callable[[str], Sequence[tuple[int, int]]]
"""Maps a text to the (start, end) character offsets of its tokens."""


def whitespace_offsets(text: str) -> list[tuple[int, int]]:
    """A tokenizer a person can check by hand: one token per whitespace-separated word."""
    return [m.span() for m in re.finditer(r"\S+", text)]


class TokenIndex:
    """Counts the tokens inside any character span of one text in O(log n)."""

    def __init__(self, offsets: Sequence[tuple[int, int]]) -> None:
        self.starts = [s for s, _ in offsets]
        self.ends = [e for _, e in offsets]

    def count(self, start: int, end: int) -> int:
        return bisect_left(self.starts, end) - bisect_left(self.starts, start)

    def cut_points(self, start: int, end: int, max_tokens: int) -> list[int]:
        """Character positions splitting ``[start, end)`` into pieces of <= max_tokens tokens."""
        first = bisect_left(self.starts, start)
        last = bisect_left(self.starts, end)
        return [self.starts[i] for i in range(first + max_tokens, last, max_tokens)]


def chunk_document(
    doc: SourceDocument,
    token_offsets: TokenOffsets,
    *,
    max_tokens: int = 200,
    overlap: int = 40,
) -> list[Chunk]:
    """Pack sentences into chunks of at most ``max_tokens`` tokens with ``overlap``.

    Chunks end at sentence boundaries, prefer paragraph boundaries when a chunk
    is already well filled, never cross a PDF page (except to finish a sentence
    that runs over a page break: it belongs to the page it starts on), and split
    a sentence only when it alone is longer than ``max_tokens``.
    """
    if max_tokens <= 0 or not 0 <= overlap < max_tokens:
        raise ValueError(f"chunking: need 0 <= overlap ({overlap}) < max_tokens ({max_tokens})")
    text = doc.text
    tokens = TokenIndex(token_offsets(text))
    sections = _page_sections(text, doc) if doc.pages else [(0, len(text))]
    chunks: list[Chunk] = []
    occurrences: dict[str, int] = {}
    for section_start, section_end in sections:
        units = _units(text, section_start, section_end, tokens, max_tokens)
        for start, end in _pack(units, tokens, max_tokens, overlap):
            chunk_text = text[start:end]
            occurrence = occurrences.get(chunk_text, 0)
            occurrences[chunk_text] = occurrence + 1
            chunks.append(Chunk(
                id=Chunk.make_id(doc.source, chunk_text, occurrence),
                source=doc.source,
                title=doc.title,
                text=chunk_text,
                start=start,
                end=end,
                index=len(chunks),
                page=doc.page_at(start),
                author=doc.author,
                date=doc.date,
                collection=doc.collection,
                doc_hash=doc.content_hash,
            ))
    return chunks


def _page_sections(text: str, doc: SourceDocument) -> list[tuple[int, int]]:
    """The pages' spans, each page break moved to the end of a sentence that runs over it."""
    cuts = [p.start for p in doc.pages[1:]]
    if any(doc.pages[i].end < cut and "\n" not in text[doc.pages[i].end:cut] for i, cut in enumerate(cuts)):
        # The loader joined those pages without a line break: a sentence goes on; none crosses a line break.
        spans = split_sentences(text)
        for i, cut in enumerate(cuts):
            crossing = next((s for s in spans if s.start < cut < s.end), None)
            if crossing is not None:
                cuts[i] = crossing.end
    edges = [doc.pages[0].start, *cuts, doc.pages[-1].end]
    return [(a, b) for a, b in zip(edges, edges[1:]) if a < b]


def _units(text: str, start: int, end: int, tokens: TokenIndex, max_tokens: int) -> list[Span]:
    units: list[Span] = []
    for sentence in split_sentences(text, start, end):
        if tokens.count(sentence.start, sentence.end) <= max_tokens:
            units.append(sentence)
            continue
        # An over-long "sentence" (a table, a list without punctuation): cut on token boundaries.
        edges = [sentence.start, *tokens.cut_points(sentence.start, sentence.end, max_tokens), sentence.end]
        for i, (a, b) in enumerate(zip(edges, edges[1:])):
            piece = text[a:b]
            stripped = piece.rstrip()
            if stripped.strip():
                lead = len(stripped) - len(stripped.lstrip())
                units.append(Span(a + lead, a + len(stripped), sentence.paragraph_start and i == 0))
    return units


def _pack(units: list[Span], tokens: TokenIndex, max_tokens: int, overlap: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    i = 0
    n = len(units)
    while i < n:
        j = i + 1
        while j < n and tokens.count(units[i].start, units[j].end) <= max_tokens:
            j += 1
        if j < n:
            # Prefer ending at a paragraph boundary once the chunk is 60% full.
            for p in range(j - 1, i, -1):
                if units[p].paragraph_start and tokens.count(units[i].start, units[p - 1].end) >= 0.6 * max_tokens:
                    j = p
                    break
        spans.append((units[i].start, units[j - 1].end))
        if j >= n:
            break
        m = j
        while m - 1 > i and tokens.count(units[m - 1].start, units[j - 1].end) <= overlap:
            m -= 1
        i = m
    return spans
