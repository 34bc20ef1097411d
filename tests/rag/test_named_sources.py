"""A fact asked of a named document ("According to the Harnvik Institute commentary, how quickly…?") is the fact:
the institute and the kind of document are in the byline, not in the sentence that states it, and scoring the
sentence as if it had to name them refused 38 of the 50 such written factual questions (thirty-first round,
eval/README.md). A source that no retrieved document names is not dropped: the question is then refused as before.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from rag.assistant import Assistant
from rag.backends.extractive import without_named_source
from rag.questions import named_source
from rag.records import Passage
from rag.testing import passage

COMMENTARY = """Reserves that exist only on paper will not deter anyone
By Maren Tollisk – Senior Fellow, Harnvik Institute for Defence Studies

The government's plan to enlarge the reserve to 60,000 people has been welcomed across parliament, but numbers alone say little about what the reserve could do in a crisis.

A reservist who is called up once and never trained again loses most of his military value within four years. Skills with modern equipment fade faster still, because the equipment itself changes.

The second weakness is money. The reserve's training budget has stayed at 38 million crowns a year since 2019, while the number of reservists has doubled.

I would propose three measures. First, every reservist should train for at least twelve days a year. Second, employers who release staff for training should be compensated. Third, the reserve should be given its own equipment rather than borrowing from regular units.
"""

NEWS = """Parliament votes to enlarge Ostrelia's reserve force
By Kalle Vestergaard

Ostrelia's parliament on Thursday approved a plan to enlarge the country's military reserve to 60,000 people by 2030, after a debate that lasted most of the day.

The bill passed by 141 votes to 38. Defence Minister Ilse Brannock said the reserve was "the backbone of our national defence" and promised new barracks in three regions.

Opposition deputies said the plan did not explain how the reservists would be trained. The chief of defence, General Aron Feldt, said the first new units would be formed next spring.
"""


@pytest.mark.parametrize("question, asked, source", [
    ("According to the Harnvik Institute commentary, how quickly does a reservist lose his value?",
     "how quickly does a reservist lose his value?", "the Harnvik Institute commentary"),
    ("According to the Sundren Forum commentary on the Brennich poisoning, how many measures does it propose?",
     "how many measures does it propose?", "the Sundren Forum commentary on the Brennich poisoning"),
    ("what size is the budget, according to the Harnvik Institute analyst",
     "what size is the budget?", "the Harnvik Institute analyst"),
    ("How often should officers be rotated, in the view of the Corvath Centre's governance director?",
     "How often should officers be rotated?", "the Corvath Centre's governance director"),
    ("In Wrenfield's commentary, for how long can a loitering munition stay aloft?",
     "for how long can a loitering munition stay aloft?", "Wrenfield's commentary"),
    ("In the Essendrach Institute analysis, what would the call-up cost?", "what would the call-up cost?",
     "the Essendrach Institute analysis"),
    ("How thick are the cask's walls, per the Wexcombe Institute analyst?", "How thick are the cask's walls?",
     "the Wexcombe Institute analyst"),
    # thirty-fifth round: what the document is about, or whom by, after its kind
    ("In the Calverdine Institute commentary on the Sarrowin deal, how many gaps does the author see?",
     "how many gaps does the author see?", "the Calverdine Institute commentary on the Sarrowin deal"),
    ("In her commentary on the Semmel seizure, how long has the author been visiting Kessary?",
     "how long has the author been visiting Kessary?", "her commentary on the Semmel seizure"),
    ("According to the commentary by Leona Farris, how long should the ceasefire last?",
     "how long should the ceasefire last?", "the commentary by Leona Farris"),
])
def test_a_named_document_or_writer_is_read_off_the_question(question: str, asked: str, source: str) -> None:
    assert named_source(question) == (asked, source)


@pytest.mark.parametrize("question", [
    "According to the army, how many soldiers died?",  # a party quoted in a report: the answer may name it
    "According to Lennart Voss, when did the talks begin?",
    "How many soldiers died according to officials?",
    "What did the commentary's author say about the reserve?",  # no attribution clause
    "In the army's view, how many soldiers died?",  # a party's view, not a document
    "In the capital, how many people were arrested?",
    "What does a drone cost per unit?",
    # (found in review: "of" after the document names what it is of, not a document)
    "In the analysis of satellite imagery, how many aircraft were destroyed?",
    "In the first article of the treaty, how long is the notice period?",
    "In the column of tanks near the border, how many vehicles were there?",
])
def test_a_quoted_party_is_not_a_named_source(question: str) -> None:
    assert named_source(question) is None


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory, real_embedder: Any) -> Assistant:
    root = tmp_path_factory.mktemp("named-sources")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "reserve_commentary.txt").write_text(COMMENTARY, encoding="utf-8")
    (corpus / "reserve_news.txt").write_text(NEWS, encoding="utf-8")
    a = Assistant(index_dir=root / "index", embedder=real_embedder)
    assert a.ingest([corpus], progress=False).ok
    return a


@pytest.mark.integration
@pytest.mark.parametrize("question, expected", [
    ("According to the Harnvik Institute commentary, how quickly does a reservist who is never retrained lose his "
     "value?", "within four years"),
    ("How many measures does the writer propose, according to the Harnvik Institute commentary?",
     "three measures"),
    ("In the Harnvik Institute commentary, for how many days a year should every reservist train?", "twelve days"),
    ("According to the Harnvik Institute analyst, how much is spent on reserve training each year?",
     "38 million crowns"),
])
def test_a_fact_asked_of_a_named_commentary_is_answered_from_it(assistant: Assistant, question: str,
                                                                 expected: str) -> None:
    answer = assistant.ask(question)
    assert not answer.refused, question
    assert expected in answer.answer
    assert answer.citations and all(Path(c.source).name == "reserve_commentary.txt" for c in answer.citations)


@pytest.mark.integration
@pytest.mark.parametrize("question", [
    # a source no document names: its absence still counts
    "According to the Quorvel Institute commentary, how quickly does a reservist who is never retrained lose his "
    "value?",
    # the named commentary says nothing of it
    "According to the Harnvik Institute commentary, how many reservists were killed in training last year?",
    "According to the Harnvik Institute commentary, who commands the reserve?",
    # found in review: the fact is in another document than the one named ("The bill passed by 141 votes to 38" is
    # the news report's), or the source's names are pieced together from several documents
    "According to the Harnvik Institute commentary, by how many votes did the bill pass?",
    "According to the Ostrelia Defence Institute commentary, by how many votes did the bill pass?",
])
def test_what_the_named_commentary_does_not_say_is_refused(assistant: Assistant, question: str) -> None:
    assert assistant.ask(question).refused


def _later_part(p: Passage) -> Passage:
    """``p`` as a document's later passage: its byline, where the institute is named, was not retrieved."""
    return replace(p, chunk=replace(p.chunk, index=3, text=p.chunk.text.split("\n\n", 1)[1]))


def _named(question: str, passages: list[Passage]) -> set[str] | None:
    found = without_named_source(question, passages)
    return None if found is None else {name for _, name in found[1]}


def test_a_writer_is_found_by_the_byline_the_index_kept_when_the_passages_hold_no_byline() -> None:
    # "In Tollisk's commentary, …": the passage retrieved is the commentary's third paragraph, and its author is
    # known from the byline the loader read (Chunk.author), not from any text retrieved.
    commentary = _later_part(passage(COMMENTARY, 1, author="Maren Tollisk"))
    news = passage(NEWS, 2, author="Kalle Vestergaard")
    assert _named("In Tollisk's commentary, how much is spent on reserve training?", [commentary, news]) == {"1"}
    assert _named("In Quorvel's commentary, how much is spent on reserve training?", [commentary, news]) is None


def test_a_commentary_asked_for_is_one_that_argues_not_the_report_on_the_same_thing() -> None:
    commentary, news = passage(COMMENTARY, 1), passage(NEWS, 2)
    assert _named("In the commentary on the reserve plan, how many measures are proposed?", [news, commentary]) == {"1"}
    # "the writer" is of either: both may answer.
    assert _named("According to the writer, how many measures are proposed?", [news, commentary]) == {"1", "2"}


def test_a_commentary_whose_institute_no_retrieved_passage_names_is_not_taken_for_the_named_one() -> None:
    # Tried and withdrawn in review: a commentary whose byline was not retrieved may be the Ardencourt Institute's,
    # but it may as well be another's, and "According to the Quorvel Institute commentary" over a library without it
    # was answered from the Harnvik one.
    later = _later_part(passage(COMMENTARY, 1, author="Maren Tollisk"))
    news = passage(NEWS, 2, author="Kalle Vestergaard")
    question = "According to the Quorvel Institute commentary, how much is spent on reserve training each year?"
    assert _named(question, [later, news]) is None
    assert _named(question.replace("Quorvel", "Harnvik"), [passage(COMMENTARY, 1), news]) == {"1"}
