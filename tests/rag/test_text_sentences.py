"""The one sentence splitter: chunking, the loader, verification and the eval agree on it."""

from __future__ import annotations

from rag.eval.support_set import split_sentences as support_set_sentences
from rag.chunk import chunk_document, whitespace_offsets
from rag.records import SourceDocument
from rag.text import sentences, split_sentences

TRICKY = "No. 10 Downing St. said so. The U.S. Army left in 1945. Was he? Yes."
EXPECTED = ["No. 10 Downing St. said so.", "The U.S. Army left in 1945.", "Was he?", "Yes."]


def test_number_abbreviation_before_its_number_does_not_end_a_sentence() -> None:
    assert sentences(TRICKY) == EXPECTED


def test_lowercase_no_before_a_number_still_ends_a_sentence() -> None:
    assert sentences("He said no. 10 people came.") == ["He said no.", "10 people came."]


def test_spans_are_exact_substrings_and_respect_bounds() -> None:
    text = "Intro. " + TRICKY
    spans = split_sentences(text, start=7)
    assert [text[s.start:s.end] for s in spans] == EXPECTED


def test_chunker_support_set_and_loader_use_the_same_sentences() -> None:
    doc = SourceDocument(source="a.txt", title="A", text=TRICKY, content_hash="h")
    chunks = chunk_document(doc, whitespace_offsets, max_tokens=6, overlap=0)
    assert [c.text for c in chunks] == [*EXPECTED[:2], "Was he? Yes."]
    assert support_set_sentences(TRICKY) == EXPECTED
