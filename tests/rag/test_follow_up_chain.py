"""A follow-up of a follow-up keeps the conversation's topic: "Why?" after "And France?" after a question
about the coup in Azawi is about France and the coup in Azawi, not about France anywhere."""

from __future__ import annotations

from pathlib import Path

from rag.assistant import MAX_CARRIED_WORDS, carry_terms, previous_question
from tests.shared_data import text_library

FIRST = "How did ECOWAS react to the coup in Azawi?"


def test_a_follow_up_carries_what_the_previous_follow_up_carried() -> None:
    history = [(FIRST, "ECOWAS suspended Azawi. [1]"),
               ("And France?", "France suspended its aid to Azawi after the coup. [1]")]
    # "And France?" carried "ECOWAS react coup Azawi"; its answer states the coup and Azawi, which stay.
    assert previous_question(history) == "And France? (coup Azawi)"
    carried = carry_terms("Why?", history)
    for word in ("France", "coup", "Azawi"):
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


def test_a_follow_up_that_moved_to_another_topic_takes_the_chain_with_it() -> None:
    history = [(FIRST, "ECOWAS suspended Azawi. [1]"),
               ("What about Nordhavn?", "Nordhavn dropped its restrictive export rules in April. [1]")]
    carried = carry_terms("Why?", history)
    assert "Nordhavn" in carried and "Azawi" not in carried and "ECOWAS" not in carried
    # A refused follow-up says nothing about its topic: what it carried stays.
    history[-1] = ("What about Nordhavn?", "The sources do not contain an answer to this question.")
    assert "Azawi" in carry_terms("Why?", history)


def test_why_after_a_change_of_topic_is_answered_from_the_new_topics_article(tmp_path: Path) -> None:
    assistant = text_library(tmp_path, {
        "azawi.txt": "The coup in Azawi\n\nECOWAS suspended Azawi after the coup and closed its borders because "
                     "the officers refused to release the president.\n",
        "varenia.txt": "The Varenian offensive\n\nVarenia's troops took the dams on the Mira river. Varenia "
                       "attacked because two dry summers had made the water a political liability.\n",
    })
    history = [(FIRST, assistant.ask(FIRST).answer)]
    history.append(("What about Varenia?", assistant.ask("What about Varenia?", history=history).answer))
    answer = assistant.ask("Why?", history=history)
    assert not answer.refused
    assert {Path(c.source).name for c in answer.citations} == {"varenia.txt"}


LIBRARY = {
    "grid.txt": "Lights out in Lessia\nBy Tomas Rautio – Visiting Fellow, 10 February 2026\n\nThe attack on the "
                "Lessia grid cut power to 400,000 homes in January.\n",
    "coup.txt": "Azawi's colonels\nBy Aicha Traore – Fellow, 24 July 2026\n\nSoldiers surrounded the palace in "
                "Tandara.\n",
}


def test_who_wrote_it_after_refused_questions_names_no_unrelated_author(tmp_path: Path) -> None:
    # The conversation asked about Karvesh, which no document covers: "it" is no document of the library.
    assistant = text_library(tmp_path, LIBRARY)
    history: list[tuple[str, str]] = []
    for question in ("Did the embargo on Karvesh work?", "Why?"):
        history.append((question, assistant.ask(question, history=history).answer))
    answer = assistant.ask("Who wrote it?", history=history)
    assert answer.refused
    assert "Traore" not in answer.answer and "Rautio" not in answer.answer


def test_who_wrote_it_after_a_refused_question_about_a_named_article_names_its_author(tmp_path: Path) -> None:
    assistant = text_library(tmp_path, LIBRARY)
    question = "Why did the lights go out in Lessia?"
    history = [(question, assistant.ask(question).answer)]
    answer = assistant.ask("Who wrote it?", history=history)
    assert "Tomas Rautio" in answer.answer
