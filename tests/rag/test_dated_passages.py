"""An analytic question about a year: a document that states the year only in a middle section still counts.

Before, only a document's opening was read for the year, so "Why did Ostrava end its fuel subsidy in 2026?"
over a report that dates its events in its sixth paragraph was refused whenever retrieval brought the
report's reasons but not that paragraph (in a library where every article mentions 2026, the year's own
search term weighs nothing). Fake embedder, a real persistent index.
"""

from __future__ import annotations

import pytest

from rag.assistant import Assistant
from rag.backends.extractive import _years_missing, stated_years
from rag.records import Passage
from rag.retrieve import Filters
from tests.shared_data import text_library

PARAGRAPHS = [
    "The End of Cheap Fuel in Ostrava",
    "For two decades Ostrava kept the price of diesel and petrol at the pump far below the regional average. "
    "The subsidy was popular with farmers, hauliers and commuters.",
    "The first reason was the budget. The subsidy cost more each year as world oil prices rose, and it absorbed "
    "a larger share of public spending than defence.",
    "The second reason was smuggling. Fuel bought cheaply in Ostrava was driven across the border and sold at a "
    "profit in neighbouring states.",
    "The third reason was the lenders. The country's creditors made a new loan conditional on a plan to phase "
    "out the subsidy.",
    "Prices at the pump rose by a third within a week, and hauliers blocked the main roads into the capital.",
    "The savings went to the electricity network. A new line to the northern border opened in October 2026.",
    "Whether the government can hold its nerve through the next winter will decide whether the reform survives.",
]
QUESTION = "Why did Ostrava end its fuel subsidy in 2026?"


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return text_library(tmp_path_factory.mktemp("dated"), {"ostrava.txt": "\n\n".join(PARAGRAPHS) + "\n"},
                        chunk_tokens=40, chunk_overlap=0)


def _undated(a: Assistant) -> list[Passage]:
    """The report's passages that give reasons and no year: what retrieval brought for the question."""
    chunks = sorted(a.store.chunks_of([str(p) for p in {c.source for c in a.store.all_chunks()}]),
                    key=lambda c: c.start)
    assert len(chunks) >= 5  # the year sits deep in the report, not in its opening
    reasons = [c for c in chunks if "reason" in c.text and not stated_years(c.text)]
    assert reasons
    return [Passage(chunk=c, score=1.0 / n) for n, c in enumerate(reasons, start=1)]


def test_the_chunk_that_states_the_year_joins_the_passages(library: Assistant) -> None:
    passages = _undated(library)
    assert _years_missing(QUESTION, passages)  # what refused the question before
    joined = library._with_dated_openings(QUESTION, passages, Filters())
    added = joined[len(passages):]
    assert len(added) == 1 and "2026" in stated_years(added[0].chunk.text)
    assert added[0].chunk.start > 0  # not the opening: the middle section that dates the events
    assert not _years_missing(QUESTION, joined)


def test_a_year_the_document_never_states_adds_nothing(library: Assistant) -> None:
    passages = _undated(library)
    question = "Why did Ostrava end its fuel subsidy in 2019?"
    assert library._with_dated_openings(question, passages, Filters()) == passages


def test_a_document_outside_the_callers_filters_adds_nothing(library: Assistant) -> None:
    passages = _undated(library)
    assert library._with_dated_openings(QUESTION, passages, Filters(collections=("restricted",))) == passages


@pytest.fixture(scope="module")
def season_library(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    # The same report, dated only as a fiscal year: "the 2025–26 budget".
    paragraphs = [p.replace("opened in October 2026", "was paid for from the 2025–26 budget") for p in PARAGRAPHS]
    return text_library(tmp_path_factory.mktemp("season"), {"ostrava.txt": "\n\n".join(paragraphs) + "\n"},
                        chunk_tokens=40, chunk_overlap=0)


def test_a_year_written_as_the_end_of_a_fiscal_year_counts(season_library: Assistant) -> None:
    # Found in review: the store was searched for "2026" only, which "2025–26" does not contain.
    passages = _undated(season_library)
    joined = season_library._with_dated_openings(QUESTION, passages, Filters())
    assert len(joined) == len(passages) + 1 and "2025–26" in joined[-1].chunk.text
    assert not _years_missing(QUESTION, joined)
