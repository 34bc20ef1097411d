"""Names an analytic question asks about, which its passages must state (nineteenth round)."""

from __future__ import annotations

from rag.backends.extractive import asked_names


def test_common_abbreviations_are_no_names_the_passages_must_state() -> None:
    assert asked_names("On what grounds did opposition MPs object to the Lodravian law?") == {"lodravian"}
    assert asked_names("Why did the CEO of Varmo Grid resign?") == {"varmo", "grid"}
    assert "nato" in asked_names("How did NATO MPs react?")


def test_a_contraction_opening_a_second_sentence_is_no_name() -> None:
    # Blind set news_k: "What's" opening the question's second sentence was a name no passage states, so the
    # question was refused.
    question = "Why did Drostavia shut the corridor to Port Ilmen, and why now? What's behind it?"
    assert asked_names(question) == {"drostavia", "port", "ilmen"}
    assert asked_names("Who won? It's unclear. That's the problem.") == set()


def test_the_first_word_of_a_later_sentence_is_no_name() -> None:
    # news_k (thirty-eighth round): "Give" opening the second sentence was a name the analysis never states, so its
    # passages were left out as another story's.
    question = "Why would Orlesian intelligence want Vasko dead, and why now? Give me the analyst's reasoning."
    assert asked_names(question) == {"orlesian", "vasko"}
    assert asked_names("Did Vostrana violate the accord? Set out each side's case.") == {"vostrana"}
    # An abbreviation's full stop ends no sentence: the name after it stays one; nor does a name opening a later
    # question lose its place (review).
    assert {"navi", "milley"} <= asked_names("What did the U.S. Navy say about Gen. Milley?")
    assert "renner" in asked_names("What does Prof. Renner see as the main risk?")
    assert asked_names("Who attacked the convoy? Varenia or Ostria?") == {"varenia", "ostria"}
    assert asked_names("Why now? NATO's view?") == {"nato"}
    # A follow-up's carried names in brackets open no sentence.
    assert asked_names("Why? (Varenia)") == {"varenia"}


def test_a_name_with_a_lower_case_suffix_is_the_name() -> None:
    # Blind set news_j: "the Greyfinch-style smuggling trade" asked for a name "Greyfinch-style" that the
    # articles, which write "Greyfinch", never state.
    assert asked_names("Why does the Greyfinch-style smuggling trade keep flourishing?") == {"greyfinch"}
    assert asked_names("How did the NATO-led mission and Russian-backed forces react?") == {"nato", "russian"}
    assert asked_names("Why did the Galdor-Serin ceasefire fail?") == {"galdor-serin"}
    # Found in review: the lower-case part of a name is the name's, and a possessive name stays a name.
    assert asked_names("What did Kim Yo-jong say about the balloons?") == {"kim", "yo-jong"}
    # A stop word is no name with its "'s" either, as passages drop "May" in "Theresa May lost…" (second review).
    assert asked_names("Why did Theresa May's plan fail?") == {"theresa"}
    assert asked_names("Why did the Moscow-installed governor and the Kremlin-appointed mayor resign?") == \
        {"moscow", "kremlin"}

