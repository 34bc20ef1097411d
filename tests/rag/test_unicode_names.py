"""Names written with letters outside ASCII ("Türkiye", "Sérémé", "Erdoğan", "Österreich") are whole words.

The word pattern was ASCII, so "Sérémé" became the fragments "S", "r", "m" (all dropped as too short) and
"Türkiye" became "rkiye": a question about such a name searched for nothing but its other words, a
comparison of "Türkiye" and "Österreich" had no sides, and a sentence that opens with "Österreich" was
glued to the one before it.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from pathlib import Path

from rag.lexical import FILENAME, SCHEMA_VERSION, LexicalIndex
from rag.questions import comparison
from rag.records import Chunk
from rag.text import TERMS_VERSION, name_phrases, names, sentences, terms
from tests.shared_data import text_library


def _chunk(source: str, text: str) -> Chunk:
    return Chunk(id=Chunk.make_id(source, text, 0), source=source, title="T", text=text, start=0, end=len(text),
                 index=0)


def test_words_with_accents_and_other_scripts_are_one_term_each() -> None:
    assert terms("Türkiye and Erdoğan visited Gdańsk") == ["türkiy", "erdoğan", "visit", "gdańsk"]
    assert terms("Зеленський говорив") == ["зеленський", "говорив"]
    # ASCII text is split as before.
    assert terms("The drones were striking Armenian positions") == ["drone", "strike", "armenian", "posit"]


def test_names_and_name_phrases_keep_their_accented_letters() -> None:
    text = "They detained President Oumar Keïta-Sall; Colonel Amadou Sérémé spoke."
    assert {"keïta-sal", "sérémé", "oumar", "amadou"} <= names(text)
    assert name_phrases(text) == ["president oumar keïta-sall", "colonel amadou sérémé"]
    assert "österreich" in names("The treaty with Österreich was signed.")


def test_a_sentence_that_opens_with_an_accented_capital_is_a_sentence_of_its_own() -> None:
    assert sentences("Ankara objected. Österreich agreed. Élysée officials said nothing.") == [
        "Ankara objected.", "Österreich agreed.", "Élysée officials said nothing."]


def test_keyword_search_finds_a_document_by_an_accented_name(tmp_path: Path) -> None:
    index = LexicalIndex(tmp_path / FILENAME)
    index.replace_documents({"azawi.txt": "k1", "other.txt": "k2"}, [
        _chunk("azawi.txt", "Colonel Amadou Sérémé announced a curfew in Tandara."),
        _chunk("other.txt", "Colonel Marco Serra announced a training course for cadets."),
    ])
    assert [c.source for c, _ in index.search("Sérémé", 5)] == ["azawi.txt"]
    assert [c.source for c, _ in index.search("What did Sérémé announce?", 5)][0] == "azawi.txt"


def test_decomposed_accents_read_as_the_composed_letters() -> None:
    decomposed = unicodedata.normalize("NFD", "Sérémé met Erdoğan in Türkiye")
    assert terms(decomposed) == terms("Sérémé met Erdoğan in Türkiye") == ["sérémé", "met", "erdoğan", "türkiy"]
    assert names(decomposed) == names("Sérémé met Erdoğan in Türkiye")


def test_the_turkish_dotted_capital_i_matches_the_plain_letter() -> None:
    # "İ".lower() is "i" plus a combining dot: "İstanbul" had matched neither "Istanbul" nor "istanbul".
    assert terms("Talks in İstanbul") == terms("talks in Istanbul") == ["talk", "istanbul"]
    assert "istanbul" in names("The talks in İstanbul ended.")


def test_a_name_phrase_with_the_dotted_capital_is_found_in_a_sentence_that_writes_it() -> None:
    from rag.backends.extractive import score_sentence_terms

    sentence = "İstanbul Airport opened to passengers on 6 April 2019."
    for question in ("When did İstanbul Airport open to passengers?", "When did Istanbul Airport open to passengers?"):
        assert score_sentence_terms(question, sentence) == score_sentence_terms(
            "When did Istanbul Airport open to passengers?", sentence.replace("İ", "I"))


def test_capitals_of_every_script_start_names_and_sentences() -> None:
    assert {"ấn", "độ"} <= names("They met in Ấn Độ.")
    assert sentences("Ankara objected. Ấn Độ agreed.") == ["Ankara objected.", "Ấn Độ agreed."]


def test_a_footnote_mark_is_not_part_of_the_word() -> None:
    assert terms("The attack² was condemned.") == ["attack", "condemn"]


def test_an_index_built_with_the_ascii_words_is_rebuilt(tmp_path: Path) -> None:
    # A file written by the ASCII tokenizer holds "r m" for "Sérémé": it must be rebuilt, not searched.
    assert TERMS_VERSION != "snowball-english-1" and SCHEMA_VERSION.endswith(TERMS_VERSION)
    path = tmp_path / FILENAME
    old = LexicalIndex(path)
    old.replace_documents({"azawi.txt": "k1"}, [_chunk("azawi.txt", "Colonel Sérémé announced a curfew.")],
                          token="t:1")
    old.close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value='1/snowball-english-1' WHERE key='schema'")
        conn.execute("UPDATE fts SET body='colonel r m announc curfew'")
    again = LexicalIndex(path)
    assert again.token == "" and again.count() == 0  # the next sync re-reads every document
    again.replace_documents({"azawi.txt": "k1"}, [_chunk("azawi.txt", "Colonel Sérémé announced a curfew.")],
                            token="t:1")
    assert [c.source for c, _ in again.search("Sérémé", 5)] == ["azawi.txt"]


def test_comparisons_of_accented_names_have_two_sides() -> None:
    compared = comparison("Compare the responses of Türkiye and Österreich to the crisis.")
    assert compared is not None
    assert compared.keys == (frozenset({"türkiy"}), frozenset({"österreich"}))


def test_a_possessive_side_shares_the_names_of_the_first_sides_frame() -> None:
    # "…with Turkey's": Turkey's strategy in Syria, so Syria is in both searches and tells no side apart.
    compared = comparison("Compare Russia's strategy in Syria with Türkiye's.")
    assert compared is not None
    assert compared.keys == (frozenset({"russia"}), frozenset({"türkiy"}))
    assert compared.queries == ("Compare Russia's strategy in Syria.", "Compare Türkiye's strategy in Syria.")
    compared = comparison("How does the EU's response to the Azawi coup compare with ECOWAS's?")
    assert compared is not None and compared.keys == (frozenset({"eu"}), frozenset({"ecowa"}))
    # Sides that name their own places still keep them apart.
    compared = comparison("Compare Russia's strategy in Syria with Turkey's strategy in Libya.")
    assert compared is not None and compared.keys == (frozenset({"russia", "syria"}), frozenset({"turkey", "libya"}))


def test_a_question_about_an_accented_name_is_answered_from_its_document(tmp_path: Path) -> None:
    assistant = text_library(tmp_path, {
        "azawi.txt": "Azawi after the coup\n\nColonel Amadou Sérémé announced that the constitution was "
                     "suspended and a curfew imposed. Soldiers closed the airport.\n",
        "training.txt": "Cadet training\n\nColonel Marco Serra announced a new training course for cadets. "
                        "The course starts in May.\n",
    })
    answer = assistant.ask("What did Sérémé announce?")
    assert not answer.refused
    assert "constitution was suspended" in answer.answer
    assert {Path(c.source).name for c in answer.citations} == {"azawi.txt"}
