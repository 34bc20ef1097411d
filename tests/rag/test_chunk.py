"""Chunker: spans map back to the exact text, sizes fit the model window, overlap, boundaries."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.chunk import TokenIndex, chunk_document, split_sentences, whitespace_offsets
from rag.load import load_document
from rag.records import PageSpan, SourceDocument

SAMPLE = Path(__file__).resolve().parents[2] / "corpus" / "sample"


def doc_of(text: str, pages: tuple[PageSpan, ...] = ()) -> SourceDocument:
    return SourceDocument(source="/x/a.txt", title="A", text=text, content_hash="h", pages=pages)


def test_sentences_respect_abbreviations_and_initials() -> None:
    text = "Mr. Smith met Gen. Jones in the U.S. capital. J. Doe was absent! Was he? Yes."
    got = [text[s.start:s.end] for s in split_sentences(text)]
    assert got == ["Mr. Smith met Gen. Jones in the U.S. capital.", "J. Doe was absent!", "Was he?", "Yes."]


def test_paragraph_starts_are_marked() -> None:
    text = "First one. Second one.\n\nThird one.\nFourth one."
    spans = split_sentences(text)
    assert [s.paragraph_start for s in spans] == [True, False, True, False]


def test_token_index_counts_spans() -> None:
    text = "one two three four"
    index = TokenIndex(whitespace_offsets(text))
    assert index.count(0, len(text)) == 4
    assert index.count(4, 13) == 2  # "two three"


@pytest.mark.parametrize("max_tokens, overlap", [(8, 0), (8, 3), (20, 5), (50, 10)])
def test_every_chunk_is_the_exact_document_span_and_fits(max_tokens: int, overlap: int) -> None:
    text = load_document(SAMPLE / "000_37ea4592f850c55e.txt").text
    chunks = chunk_document(doc_of(text), whitespace_offsets, max_tokens=max_tokens, overlap=overlap)
    assert chunks
    for chunk in chunks:
        assert chunk.text == text[chunk.start:chunk.end]
        assert len(whitespace_offsets(chunk.text)) <= max_tokens
    # Nothing is lost: every word of the document lies in some chunk.
    covered = set()
    for chunk in chunks:
        covered.update(range(chunk.start, chunk.end))
    for start, end in whitespace_offsets(text):
        assert start in covered, text[start:end]


def test_consecutive_chunks_overlap_by_whole_sentences() -> None:
    text = " ".join(f"Sentence number {i} is here." for i in range(30))
    chunks = chunk_document(doc_of(text), whitespace_offsets, max_tokens=20, overlap=10)
    for a, b in zip(chunks, chunks[1:]):
        assert b.start < a.end, "expected overlap"
        assert text[b.start:b.start + 8] == "Sentence"
        assert b.start > a.start, "must make progress"


def test_prefers_paragraph_boundaries_when_well_filled() -> None:
    para = "Alpha beta gamma delta epsilon. " * 3
    text = para.strip() + "\n\n" + para.strip() + "\n\n" + para.strip()
    chunks = chunk_document(doc_of(text), whitespace_offsets, max_tokens=20, overlap=0)
    assert all(c.text.startswith("Alpha") for c in chunks)
    assert [c.text for c in chunks][0] == para.strip()


def test_over_long_sentence_is_split_not_truncated() -> None:
    text = "word " * 95 + "end."
    chunks = chunk_document(doc_of(text.strip()), whitespace_offsets, max_tokens=30, overlap=0)
    assert len(chunks) == 4
    assert sum(len(whitespace_offsets(c.text)) for c in chunks) == 96


def test_chunks_never_cross_pdf_pages() -> None:
    page1 = "Page one says this. " * 5
    page2 = "Page two says that. " * 5
    text = page1.strip() + "\n\n" + page2.strip()
    pages = (PageSpan(1, 0, len(page1.strip())), PageSpan(2, len(page1.strip()) + 2, len(text)))
    chunks = chunk_document(doc_of(text, pages), whitespace_offsets, max_tokens=100, overlap=0)
    assert [c.page for c in chunks] == [1, 2]


def test_ids_are_content_hashes() -> None:
    text = "A first sentence. A second sentence."
    one = chunk_document(doc_of(text), whitespace_offsets, max_tokens=3, overlap=0)
    two = chunk_document(doc_of(text), whitespace_offsets, max_tokens=3, overlap=0)
    assert [c.id for c in one] == [c.id for c in two]
    changed = chunk_document(doc_of("A first sentence. A changed sentence."), whitespace_offsets,
                             max_tokens=3, overlap=0)
    assert changed[0].id == one[0].id and changed[1].id != one[1].id


def test_rejects_bad_settings() -> None:
    with pytest.raises(ValueError, match="overlap"):
        chunk_document(doc_of("x."), whitespace_offsets, max_tokens=10, overlap=10)


@pytest.mark.integration
def test_real_tokenizer_never_exceeds_the_model_window(real_embedder) -> None:
    """With the model's own word pieces, no chunk of the sample is truncated by the model."""
    for path in sorted(SAMPLE.iterdir()):
        doc = load_document(path)
        chunks = chunk_document(doc, real_embedder.token_offsets, max_tokens=200, overlap=40)
        tok = real_embedder.tokenizer
        for chunk in chunks:
            pieces = len(tok.encode(chunk.text).ids)  # with [CLS] and [SEP]
            assert pieces <= 256, (path.name, chunk.index, pieces)
            assert chunk.text == doc.text[chunk.start:chunk.end]
