"""Names an analytic question asks about, which its passages must state (nineteenth round)."""

from __future__ import annotations

from rag.backends.extractive import asked_names


def test_common_abbreviations_are_no_names_the_passages_must_state() -> None:
    assert asked_names("On what grounds did opposition MPs object to the Lodravian law?") == {"lodravian"}
    assert asked_names("Why did the CEO of Varmo Grid resign?") == {"varmo", "grid"}
    assert "nato" in asked_names("How did NATO MPs react?")
