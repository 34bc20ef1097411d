"""The one sentence splitter: chunking, the loader, verification and the eval agree on it."""

from __future__ import annotations

import sys

import pytest

from rag.chunk import chunk_document, whitespace_offsets
from rag.eval.support_set import split_sentences as support_set_sentences
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


def test_no_module_keeps_its_own_splitter(monkeypatch: pytest.MonkeyPatch) -> None:
    """The eval's support set and the sample renderer use rag.text's splitter, not a regex of their own."""
    import importlib.util
    from pathlib import Path

    from rag.eval import support_set

    assert support_set.split_sentences is sentences
    script = Path(__file__).resolve().parents[2] / "scripts" / "render_sample.py"
    spec = importlib.util.spec_from_file_location("render_sample", script)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "render_sample", module)  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    assert module._first_sentence(TRICKY) == EXPECTED[0]  # a naive "[.!?] " split stops at "No."
