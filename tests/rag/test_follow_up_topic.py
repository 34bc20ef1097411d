"""A follow-up that names nothing of its own stays with the documents of the previous question."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.assistant import Assistant
from rag.testing import FakeEmbedder

DOCS = {
    "karvesh.txt": ("The Karvesh embargo", [
        "The embargo on Karvesh oil began in 2024.",
        "Exports from Karvesh recovered within a year because a shadow fleet carried the crude.",
        "The author proposes that enforcement should target the tankers of the Karvesh fleet.",
    ]),
    "grid.txt": ("The Lessia grid attack", [
        "The author proposes that grid operators should rehearse a winter blackout every year.",
        "The author proposes shared drills between the grid companies and the emergency services.",
    ]),
    "strait.txt": ("The strait incident", [
        "The author proposes a hotline between the two coast guards to prevent another collision.",
        "The author proposes a joint patrol code for the strait.",
    ]),
}
PREVIOUS = ("Did the embargo on Karvesh work?", "The embargo on Karvesh oil began in 2024. [1]")


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    root = tmp_path_factory.mktemp("topic")
    (root / "docs").mkdir()
    for name, (title, paragraphs) in DOCS.items():
        (root / "docs" / name).write_text(title + "\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    a = Assistant(index_dir=root / "index", embedder=FakeEmbedder(), min_similarity=0.0, chunk_tokens=30,
                  chunk_overlap=0)
    assert a.ingest([root / "docs"], progress=False).ok
    return a


def test_a_follow_up_without_names_answers_from_the_previous_questions_document(assistant: Assistant) -> None:
    answer = assistant.ask("And what does the author propose?", history=[PREVIOUS])
    assert answer.passages and {Path(p.chunk.source).name for p in answer.passages} == {"karvesh.txt"}
    assert "tankers of the Karvesh fleet" in answer.answer


def test_a_follow_up_that_names_its_own_subject_is_not_held_to_the_previous_one(assistant: Assistant) -> None:
    answer = assistant.ask("And what does the author propose for Lessia?", history=[PREVIOUS])
    assert "grid.txt" in {Path(p.chunk.source).name for p in answer.passages}


def test_without_history_every_document_competes(assistant: Assistant) -> None:
    answer = assistant.ask("What does the author propose?")
    assert len({Path(p.chunk.source).name for p in answer.passages}) > 1
