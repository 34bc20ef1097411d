"""A follow-up of a follow-up keeps the conversation's topic: "Why?" after "And France?" after a question
about the coup in Azawi is about France and the coup in Azawi, not about France anywhere."""

from __future__ import annotations

from pathlib import Path

from rag.assistant import MAX_CARRIED_WORDS, carry_terms, previous_question
from tests.shared_data import text_library

FIRST = "How did ECOWAS react to the coup in Azawi?"


def test_a_follow_up_carries_what_the_previous_follow_up_carried() -> None:
    history = [(FIRST, "ECOWAS suspended Azawi. [1]"), ("And France?", "France suspended its aid. [1]")]
    assert previous_question(history) == "And France? (ECOWAS react coup Azawi)"
    carried = carry_terms("Why?", history)
    for word in ("France", "ECOWAS", "coup", "Azawi"):
        assert word in carried
    # A question of its own starts a new chain.
    history.append(("Who leads the Varenian army?", "General Orsak. [1]"))
    assert "Azawi" not in carry_terms("Why?", history) and "Varenian" in carry_terms("Why?", history)


def test_a_long_chain_carries_a_bounded_number_of_words() -> None:
    history = [("Why did the Lessia grid operators in Kaunela lose power for nine hours last January?", "…")]
    history += [(f"And {place}?", "…") for place in ("Varmo", "Tandara", "Dalla", "Orsak", "Mirebia", "Karvesh")]
    carried = carry_terms("Why?", history)
    assert len(carried.split("(", 1)[1].split()) <= MAX_CARRIED_WORDS
    assert "Karvesh" in carried  # the latest question's words come first


def test_why_after_and_france_is_answered_from_the_conversations_article(tmp_path: Path) -> None:
    assistant = text_library(tmp_path, {
        "azawi.txt": "The coup in Azawi\n\nECOWAS suspended Azawi after the coup and closed its borders. France "
                     "suspended its aid to Azawi because the officers refused to release the president.\n",
        "varenia.txt": "The Varenian offensive\n\nFrance called a meeting of the Security Council. Why did France "
                       "act? France acted because its treaty with Kostria obliged it to.\n",
    })
    history = [(FIRST, assistant.ask(FIRST).answer)]
    history.append(("And France?", assistant.ask("And France?", history=history).answer))
    answer = assistant.ask("Why?", history=history)
    assert not answer.refused
    assert {Path(c.source).name for c in answer.citations} == {"azawi.txt"}


def test_and_x_stays_with_documents_that_state_x_and_the_previous_topic(tmp_path: Path) -> None:
    assistant = text_library(tmp_path, {
        "azawi.txt": "The coup in Azawi\n\nECOWAS suspended Azawi after the coup and closed its borders. France "
                     "suspended its aid to Azawi and called for the release of the president.\n",
        "varenia.txt": "The Varenian offensive\n\nFrance reacted by calling a meeting of the Security Council "
                       "about the coup. France sent two frigates to react. Varenia's troops took the dams on the "
                       "Mira river.\n",
    })
    history = [(FIRST, assistant.ask(FIRST).answer)]
    answer = assistant.ask("And France?", history=history)
    assert {Path(c.source).name for c in answer.citations} == {"azawi.txt"}
    # A follow-up that names another topic than any document of the previous one is not held to it.
    answer = assistant.ask("What about Varenia?", history=history)
    assert "varenia.txt" in {Path(c.source).name for c in answer.citations}
