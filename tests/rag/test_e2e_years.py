"""An analytic question about a year, end to end (real embedding model, a persistent index).

Found in review: "Why did the Merovan parliament pass a maritime zones law in 2026?" was refused, because
the article states 2026 only in its opening paragraph, which was not among the retrieved passages; a
question about a year no article ties to its names is still refused.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from rag.assistant import Assistant
from rag.records import REFUSAL

pytestmark = pytest.mark.integration

ANALYSIS = Path(__file__).resolve().parents[2] / "eval" / "dev" / "analysis" / "corpus"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory, real_embedder: Any) -> Assistant:
    root = tmp_path_factory.mktemp("years")
    docs = root / "docs"
    docs.mkdir()
    for path in ANALYSIS.glob("*.txt"):  # all six articles: the strait article's opening then ranks low
        shutil.copy(path, docs / path.name)
    a = Assistant(index_dir=root / "index", embedder=real_embedder)
    assert a.ingest([docs], progress=False).ok
    return a


@pytest.mark.parametrize("question", ["Why did the Merovan parliament pass a maritime zones law in 2026?",
                                      "What should Aldoria and its partners do about Merovan's legal claim in 2026?"])
def test_a_year_stated_only_in_the_articles_opening_still_counts(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert not answer.refused
    assert all(c.source.endswith("strait_naval_incident.txt") for c in answer.citations)


def test_a_year_no_article_ties_to_the_names_asked_is_refused(assistant: Assistant) -> None:
    answer = assistant.ask("Why did Varenia attack Kostria in 2024?")
    assert answer.refused and answer.answer == REFUSAL
