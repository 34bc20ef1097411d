"""Summaries of a whole document: recognising the request, and choosing its points (fake embedder: fast)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rag.backends.extractive import MAX_POINT_WORDS, MAX_POINTS, point_spans, summary_result
from rag.doc_questions import summary_request, summary_topic
from rag.eval.metrics import answer_words
from rag.records import Chunk, Passage
from rag.testing import FakeEmbedder
from tests.shared_data import text_library


@pytest.mark.parametrize("question, topic", [
    ("Summarise the article.", None),
    ("Summarize the report on the shadow fleet", "the shadow fleet"),
    ("Please summarise this article", None),
    ("Can you summarise it?", None),
    ("Give me an overview of the article about the coup in Azawi.", "the coup in Azawi"),
    ("What is the article about?", None),
    ("What's the report on the grid attack about?", "the grid attack"),
    ("What are the main takeaways?", None),
    ("What are the key points of the report on Nordhavn's arms exports?", "Nordhavn's arms exports"),
    ("What does the report on the shadow fleet conclude?", "the shadow fleet"),
    ("A short summary of the article, please.", None),
    ("TL;DR", None),
    # Found in review: politeness, format and other ways of asking.
    ("Can you summarise the article for me?", None),
    ("Summarise the article about the coup in Azawi in three bullet points.", "the coup in Azawi"),
    ("Briefly summarise the report on the shadow fleet, please.", "the shadow fleet"),
    ("I'd like a summary of the report.", None),
    ("Provide a summary of the article.", None),
    ("Summarise the documents.", None),
    ("Summarize these articles.", None),
    ("What's the gist?", None),
    ("What is the main point of the article?", None),
    ("What are the main findings of the study?", None),
    ("Summarise the Kestrel article.", "Kestrel"),
    ("Sum it up.", None),
    ("What are the main points of “Lights Out in Lessia”?", "Lights Out in Lessia"),  # the chat's suggestion
    ('Summarise "Lights Out in Lessia".', "Lights Out in Lessia"),
    ('Summarise "the article".', None),  # quotes around no name: which article is still open
    ("Summarise “The report”", None),
])
def test_a_request_for_a_whole_documents_summary_is_recognised(question: str, topic: str | None) -> None:
    assert summary_request(question)
    assert summary_topic(question) == topic


@pytest.mark.parametrize("question", [
    "Summarise the article's argument about the EU.",  # a part of the article: an analytic question
    "Summarise Russia's role in the conflict.",
    "What are the main reasons for the attack?",
    "What are the key points about the EU?",
    "What does the author argue about Russia?",
    "What does the IPCC Fourth Assessment Report say?",  # a report the content discusses
    "What does the plos pathogen paper claim?",  # SQuAD 2.0 dev's one match before modifiers needed "this"
    "What is NATO about?",
    "What is the Kestrel?",
    "What is the main reason for the attack?",
    "Give me a summary of the sanctions.",  # a topic, not a document: an analytic question
    "What were the key takeaways from the summit?",
])
def test_a_question_about_part_of_a_document_is_not_a_summary_request(question: str) -> None:
    assert not summary_request(question)


ARTICLE = [
    "Ghost Tankers\n\nBy Samuel Okafor – Senior Analyst, Sanctions Programme, 30 March 2026\n\nShortly after midnight "
    "on 2 March 2026, the tanker Aurelia Star ran aground off the coast of Mirebia. Its engine had failed two hours "
    "earlier. The ship was 24 years old and insured by a company that could not be reached.",
    "How did the embargo leak so quickly? The embargo on Karvesh was meant to cut the regime's oil income by half. "
    "It has not come close. Companies linked to the state oil firm bought around 200 second-hand tankers. Several "
    "small registries accepted the tankers with few questions asked. Sign up for our newsletter.",
    "Refiners in two large importing economies took most of the oil. Each transfer at sea blurs the cargo's origin. "
    "Coastal states now live with the risk that an old tanker will break up in their waters.",
    "My argument is that enforcement should target the fleet rather than the oil. Flag registries that list "
    "sanctioned ships should lose access to European port services. The sale of old tankers should be tracked.",
]


def passages() -> list[Passage]:
    out, start = [], 0
    for i, text in enumerate(ARTICLE):
        out.append(Passage(chunk=Chunk(f"c{i}", "/corpus/ghost.txt", "Ghost Tankers", text, start, start + len(text),
                                       i), score=1.0))
        start += len(text)
    return out


def test_a_summary_is_a_few_cited_bullets_in_document_order_within_the_word_cap() -> None:
    result = summary_result("Summarise the article.", passages(), FakeEmbedder())
    assert not result.refused and result.kind == "analytic" and result.answerability_by == "summary"
    lines = result.text.split("\n")
    assert 3 <= len(lines) <= MAX_POINTS
    assert all(line.startswith("- ") and line.rstrip().endswith("]") for line in lines)
    assert answer_words(result.text) <= MAX_POINT_WORDS
    order = [(c.passage, c.position) for c in result.chosen]
    assert order == sorted(order)
    assert len({c.passage for c in result.chosen}) >= 2  # points from across the document
    assert len(point_spans(result.chosen)) == len(lines)


def test_a_summary_never_quotes_the_title_byline_questions_or_furniture() -> None:
    text = summary_result("Summarise the article.", passages(), FakeEmbedder()).text
    for bad in ("Ghost Tankers\n", "Samuel Okafor", "Senior Analyst", "leak so quickly?", "newsletter"):
        assert bad not in text


def test_an_empty_document_gives_the_refusal() -> None:
    empty = Passage(chunk=Chunk("c", "/x.txt", "", "Contents", 0, 8, 0), score=1.0)
    assert summary_result("Summarise the article.", [empty], FakeEmbedder()).refused


def test_a_summary_of_a_named_document_searches_once(tmp_path: Path) -> None:
    # "Summarise the article about X": the document is found by X; the request's own search was thrown away.
    assistant = text_library(tmp_path, {
        "coup.txt": "The Coup in Azawi\n\nSoldiers seized the palace in Tandara. The president was detained. "
                    "ECOWAS suspended Azawi.\n",
        "grid.txt": "Lights Out in Lessia\n\nA cyberattack cut power in Lessia for six hours. The grid operator "
                    "restored it.\n"})
    searches: list[str] = []
    retrieve = assistant.retriever.retrieve

    def counted(query: str, *args: Any, **kwargs: Any) -> Any:
        searches.append(query)
        return retrieve(query, *args, **kwargs)

    assistant.retriever.retrieve = counted  # type: ignore[method-assign]
    answer = assistant.ask("Summarise the article about the coup in Azawi.")
    assert not answer.refused and all(c.source.endswith("coup.txt") for c in answer.citations)
    assert searches == ["the coup in Azawi"]


def test_the_ambiguity_check_lists_only_documents_inside_the_date_filter(tmp_path: Path) -> None:
    # Found in review: the library listing ignored the date filter and read the opening of every document
    # outside it before dropping it. Two old reports and one new: "Summarise the article." from 2026 on
    # is about the new one, and no old report's opening is read.
    files: dict[str, str] = {}
    for name, date, text in (("old1.txt", "2019-03-01", "Old report one. The port was closed in winter."),
                             ("old2.txt", "2020-05-01", "Old report two. The army held exercises in spring."),
                             ("new.txt", "2026-07-24", "New report. Soldiers seized the palace in Tandara.")):
        files[name] = f"{name}\n\n{text}\n"
        files[f"{name}.meta.json"] = f'{{"date": "{date}"}}'
    assistant = text_library(tmp_path, files)
    read: list[str] = []
    openings = assistant.store.openings

    def spied(sources: Any) -> Any:
        read.extend(sources)
        return openings(sources)

    assistant.store.openings = spied  # type: ignore[method-assign]
    answer = assistant.ask("Summarise the article.", filters={"date_from": "2026-01-01"})
    assert not answer.refused and all(c.source.endswith("new.txt") for c in answer.citations)
    assert not any(s.endswith(("old1.txt", "old2.txt")) for s in read)
