""""Compare X and Y" end to end: points from both sides, side by side (real embedding model, persistent index).

Found asking the analysis articles as an analyst would: "Compare the responses to the Azawi coup and the
Varenian offensive" and "What do the Lessia grid attack and the Tarsis Strait incident have in common?"
drew every point from one article (the third case below: the second side first). Without the per-side
search and selection, the first two cases cite one article only.
"""

from __future__ import annotations

from typing import Any

import pytest

from rag.assistant import Assistant
from rag.backends.extractive import MAX_POINTS
from rag.records import Answer
from tests.shared_data import analysis_library

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory, real_embedder: Any) -> Assistant:
    return analysis_library(tmp_path_factory.mktemp("comparisons"), real_embedder,
                            ["azawi_coup.txt", "lessia_grid_cyberattack.txt", "strait_naval_incident.txt",
                             "nordhavn_arms_exports.txt"],
                            restricted=["varenia_border_offensive.txt"])


def _sources(answer: Answer) -> list[str]:
    """The article each sentence of the answer cites, in answer order."""
    by_number = {c.id: c.source.rsplit("/", 1)[-1] for c in answer.citations}
    return [by_number[s.citations[0]] for s in answer.sentences if s.citations]


@pytest.mark.parametrize("question, first, second", [
    ("Compare the responses to the Azawi coup and the Varenian offensive.", "azawi_coup.txt",
     "varenia_border_offensive.txt"),
    ("What do the Lessia grid attack and the Tarsis Strait incident have in common?", "lessia_grid_cyberattack.txt",
     "strait_naval_incident.txt"),
    ("How did the reactions to the Tarsis Strait incident differ from those to the Lessia grid attack?",
     "strait_naval_incident.txt", "lessia_grid_cyberattack.txt"),
])
def test_a_comparison_gives_points_from_both_sides_in_the_order_asked(library: Assistant, question: str,
                                                                      first: str, second: str) -> None:
    answer = library.ask(question, allowed_collections=["default", "restricted"])
    assert not answer.refused and answer.to_dict()["question_kind"] == "analytic"
    cited = _sources(answer)
    assert first in cited and second in cited
    # The first side's points come first, then the second's; at least two sentences each.
    assert cited.index(second) > max(i for i, s in enumerate(cited) if s == first)
    assert cited.count(first) >= 2 and cited.count(second) >= 2
    lines = answer.answer.split("\n")
    assert 2 <= len(lines) <= MAX_POINTS and all(line.startswith("- ") for line in lines)
    assert all(s.supported for s in answer.sentences)


def test_a_side_the_caller_may_not_read_is_neither_searched_nor_cited(library: Assistant) -> None:
    answer = library.ask("Compare the responses to the Azawi coup and the Varenian offensive.",
                         allowed_collections=["default"])
    assert not any(c.source.endswith("varenia_border_offensive.txt") for c in answer.citations)
    assert not any(p.chunk.source.endswith("varenia_border_offensive.txt") for p in answer.passages)
    # No source names Varenia for this caller: the analytic name rule refuses rather than half an answer.
    assert answer.refused
