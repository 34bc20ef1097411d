"""Questions about a document (who wrote it, when it was published): recognised, and answered from its byline."""

from __future__ import annotations

import pytest

from rag.doc_questions import asks_about_author, byline_answer, document_question, document_topic
from rag.records import Chunk

BYLINE = "Another Coup in the Sahel\nBy Aïcha Traoré-Mensah – Fellow, Africa Security Programme, 24 July 2026\n\n"
BODY = "Shortly before dawn on 7 July 2026, soldiers surrounded the presidential palace in Tandara."


def chunk(text: str, *, author: str | None = "Aïcha Traoré-Mensah", date: str | None = "2026-07-24",
          start: int = 0) -> Chunk:
    return Chunk(id="c", source="coup.txt", title="Another Coup", text=text, start=start, end=start + len(text),
                 index=0 if start == 0 else 3, author=author, date=date)


@pytest.mark.parametrize("question, ask", [
    ("Who wrote the article about the coup in Azawi?", "author"),
    ("Who is the author of the report on the shadow fleet?", "author"),
    ("Who wrote this piece?", "author"),
    ("When was the article on the Aurelia Star published?", "date"),
    ("What is the publication date of the report on Nordhavn?", "date"),
    ("When was the article written?", "date"),
    ("Who wrote it?", "author"),  # a follow-up: the conversation says which document
    ("Who is the author?", "author"),
    ("When was it published?", "date"),
    ("When was it built?", None),
    ("Who wrote the treaty?", None),  # about the content
    ("When was the IPCC Fourth Assessment Report published?", None),  # a report the content discusses
    ("Who was the author of the fourth assessment report?", None),
    ("When was the study on sequenced Y genomes published?", None),
    ("Who wrote a paper on real time computations in 1973?", None),
    ("When was the essay written by modern activists published?", None),
    ("When was the treaty signed?", None),
    ("Who attacked the grid?", None),
    ("When did the offensive start?", None),
])
def test_document_questions_are_told_from_content_questions(question: str, ask: str | None) -> None:
    assert document_question(question) == ask


def test_the_asked_documents_topic_is_what_follows_about_or_on() -> None:
    assert document_topic("Who wrote the piece on the grid attack?") == "the grid attack"
    assert document_topic("Who wrote this article?") is None
    assert document_topic("When was the report on the shadow fleet published?") == "the shadow fleet"


def test_who_is_name_is_an_author_question_only_for_an_author() -> None:
    assert asks_about_author("Who is Aïcha  Traoré-Mensah?", ["Aïcha Traoré-Mensah"])
    assert not asks_about_author("Who is the president?", ["Aïcha Traoré-Mensah"])
    assert not asks_about_author("What did Aïcha Traoré-Mensah write?", ["Aïcha Traoré-Mensah"])


def test_byline_answer_quotes_the_line_that_states_the_author_or_the_date() -> None:
    c = chunk(BYLINE + BODY)
    for ask in ("author", "date"):
        span = byline_answer(c, ask)
        assert span is not None
        assert c.text[span[0]:span[1]] == BYLINE.split("\n")[1]


def test_a_byline_inside_a_paragraph_gives_its_sentence_only() -> None:
    text = ("George Meneshian – In the early hours of September 13, 2022, the army launched an offensive. " +
            "The attack lasted two days and many towns were shelled by the advancing forces. " * 4)
    c = chunk(text, author="George Meneshian", date=None)
    span = byline_answer(c, "author")
    assert span is not None and c.text[span[0]:span[1]].endswith("launched an offensive.")


@pytest.mark.parametrize("c, ask", [
    (chunk(BYLINE + BODY, date=None), "date"),  # no publication date known
    (chunk("x" * 700 + " Aïcha Traoré-Mensah said so."), "author"),  # a name deep in the text is no byline
    (chunk(BYLINE + BODY, start=500), "author"),  # not the document's opening
    (chunk(BYLINE + BODY, date="2026-08-01"), "date"),  # the text states another date
    (chunk("Another Coup\nOn 13 March 2026 the army moved.", date="2026-03-03"), "date"),  # 3 March is not 13 March
])
def test_no_byline_answer_when_the_opening_does_not_state_it(c: Chunk, ask: str) -> None:
    assert byline_answer(c, ask) is None  # type: ignore[arg-type]
