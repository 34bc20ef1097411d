""""What is X?" end to end: the passage that defines X is found even when it ranks below the ones that use X.

Real embedding model, a persistent index, two collections. Found asking the analysis articles as a
reader would: "What is the shadow fleet?" was answered with "The costs of the shadow fleet fall mostly
on those who never chose it." (the defining chunk, the article's second, ranked below the per-document
cap), and "What is the Kestrel?" with "The Kestrel kept its course and speed." (the article names it
"the Aldorian frigate Kestrel").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rag import assistant as assistant_module
from rag.assistant import Assistant
from tests.shared_data import analysis_library

pytestmark = pytest.mark.integration

ANALYSIS = Path(__file__).resolve().parents[2] / "eval" / "dev" / "analysis" / "corpus"
DEFINITION = "a few hundred ageing tankers that carry sanctioned oil"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory, real_embedder: Any) -> Assistant:
    return analysis_library(tmp_path_factory.mktemp("definitions"), real_embedder,
                            ["strait_naval_incident.txt", "lessia_grid_cyberattack.txt"],
                            restricted=["sanctions_evasion_shadow_fleet.txt"])


def test_what_is_x_is_answered_with_the_sentence_that_defines_it(assistant: Assistant) -> None:
    answer = assistant.ask("What is the shadow fleet?")
    assert not answer.refused
    assert DEFINITION in answer.sentences[0].text  # the definition leads
    assert answer.citations[0].source.endswith("sanctions_evasion_shadow_fleet.txt")
    assert answer.sentences[0].supported


def test_the_defining_passage_is_only_fetched_within_the_callers_collections(assistant: Assistant) -> None:
    answer = assistant.ask("What is the shadow fleet?", allowed_collections=["default"])
    assert DEFINITION not in answer.answer
    assert all(not c.source.endswith("sanctions_evasion_shadow_fleet.txt") for c in answer.citations)


def test_without_the_fetch_the_definition_is_missed(assistant: Assistant, monkeypatch: pytest.MonkeyPatch) -> None:
    # What the fetch is for: the defining chunk is not among the retrieved ones. (It ranks 4th, tied with the
    # 5th, behind the per-document cap of 3 at the default k = 5; two passages keep the test off that tie.)
    monkeypatch.setattr(assistant_module, "DEFINITION_SOURCES", 0)
    assert DEFINITION not in assistant.ask("What is the shadow fleet?", k=2).answer
    monkeypatch.undo()
    assert DEFINITION in assistant.ask("What is the shadow fleet?", k=2).answer  # the fetch finds it


def test_a_name_is_defined_by_the_kind_written_in_front_of_it(assistant: Assistant) -> None:
    answer = assistant.ask("What is the Kestrel?")
    assert not answer.refused
    assert "the Aldorian frigate Kestrel" in answer.sentences[0].text
