"""An analytic question that names something takes no points from a document that never states the name."""

from __future__ import annotations

from pathlib import Path

from tests.shared_data import text_library

DALLA = ("Azawi's northern war\n\nOn 19 June jihadist fighters overran the army base at Dalla, killing 62 soldiers. "
         "Survivors said they had waited eleven hours for reinforcements. Many officers blamed the defence "
         "ministry for the attack and its significance for the army was lasting.\n")
GRID = ("The grid attack\n\nThe attack on the Lessia grid cut power to 400,000 homes. The significance of the "
        "attack was that it tested how NATO would respond. Attackers chose a night when engineers could reach "
        "the substations.\n")


def _sources(answer) -> set[str]:
    return {Path(c.source).name for c in answer.citations}


def test_points_come_only_from_documents_that_state_an_asked_name(tmp_path: Path) -> None:
    assistant = text_library(tmp_path, {"dalla.txt": DALLA, "grid.txt": GRID})
    answer = assistant.ask("What is the significance of the Dalla attack?")
    assert answer.question_kind == "analytic" and not answer.refused
    assert _sources(answer) == {"dalla.txt"}


def test_a_document_that_states_one_of_the_asked_names_still_counts(tmp_path: Path) -> None:
    # "the Dalla attack and the Lessia attack": each article names one side, and each may give points.
    assistant = text_library(tmp_path, {"dalla.txt": DALLA, "grid.txt": GRID})
    answer = assistant.ask("What is the significance of the attacks on Dalla and on Lessia?")
    assert not answer.refused
    assert _sources(answer) == {"dalla.txt", "grid.txt"}
