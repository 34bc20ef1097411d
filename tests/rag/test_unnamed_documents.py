"""An analytic question that names something takes no points from a document that never states the name."""

from __future__ import annotations

from pathlib import Path

from tests.shared_data import text_library

DALLA = ("Azawi's northern war\n\nOn 19 June jihadist fighters overran the army base at Dalla, killing 62 soldiers. "
         "Survivors said they had waited eleven hours for reinforcements. Many officers blamed the defence "
         "ministry; the significance of the Dalla attack for the army was lasting.\n")
GRID = ("Lessia's blackout\n\nThe attack on the Lessia grid cut power to 400,000 homes. Its significance was "
        "that it tested how NATO would respond. Attackers chose a night when engineers could reach the "
        "substations.\n")


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


def test_a_better_ranked_document_that_writes_the_name_another_way_is_kept(tmp_path: Path) -> None:
    # "the French" asked; the article that answers says "France" and ranks first, a weaker one says "French".
    assistant = text_library(tmp_path, {
        "sahel.txt": "Leaving the Sahel\n\nFrance withdrew its soldiers from the Sahel because the junta "
                     "expelled them and the soldiers could no longer withdraw safely through the north.\n",
        "nuclear.txt": "Nuclear power\n\nFrench utilities restarted twelve reactors last winter.\n",
    })
    answer = assistant.ask("Why did the French withdraw their soldiers?")
    assert not answer.refused
    assert "sahel.txt" in _sources(answer)
