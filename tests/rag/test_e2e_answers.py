"""Issue 15 end to end on the sample corpus: real embedding model, extractive backend, real index.

Analytic questions get cited, verified key points (how much of the article's own points they cover
is gated at a floor, see the test); questions whose topic the article discusses but whose answer it
does not hold are refused.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rag import answer_model
from rag.backends.extractive import MAX_POINT_WORDS
from rag.eval.datasets import load_jsonl
from rag.eval.metrics import answer_words, key_point_recall
from rag.records import REFUSAL

pytestmark = pytest.mark.integration

GOLDEN = Path(__file__).resolve().parents[2] / "eval" / "golden" / "sample.jsonl"
ANALYTIC = [item for item in load_jsonl(GOLDEN) if item.key_points]

ON_TOPIC_UNANSWERABLE = [
    "What is NATO's 2024 budget?",
    "How many icebreakers does Russia operate?",
    "How many soldiers died in the September 2022 clashes?",
    "How many Russian soldiers are stationed at the Russian bases in Armenia?",
    "How much natural gas does Azerbaijan export to the EU each year?",
]


def test_analytic_questions_get_cited_key_points_covering_most_of_the_article(sample_assistant) -> None:
    recalls = []
    for item in ANALYTIC:
        answer = sample_assistant.ask(item.question)
        assert not answer.refused, item.question
        assert answer.to_dict()["question_kind"] == "analytic"
        lines = answer.answer.split("\n")
        assert 2 <= len(lines) <= 6, answer.answer
        assert all(line.startswith("- ") for line in lines)
        assert answer_words(answer.answer) <= MAX_POINT_WORDS + 10
        assert all(s.citations and s.supported for s in answer.sentences)
        recalls.append(key_point_recall([s.text for s in answer.sentences], item.key_points))
    # A regression floor, below the 0.618 measured (eval/README.md, fourth round); the goal is 0.75.
    assert sum(recalls) / len(recalls) >= 0.55, recalls


@pytest.mark.parametrize("question", ON_TOPIC_UNANSWERABLE)
def test_on_topic_question_the_article_does_not_answer_is_refused(sample_assistant, question) -> None:
    answer = sample_assistant.ask(question)
    assert answer.refused and answer.answer == REFUSAL, answer.to_dict()["sentences"]
    assert answer.related, "the refusal names the closest documents"


def test_factoid_answer_exposes_its_answerability(sample_assistant) -> None:
    answer = sample_assistant.ask("When does the Russian peacekeeping mission end?")
    data = answer.to_dict()
    assert not answer.refused and "2025" in answer.answer
    assert data["question_kind"] == "factoid"
    assert answer_model.THRESHOLD <= data["answerability"] <= 1.0


def test_byline_sentence_is_not_the_answer_to_an_analytic_question(sample_assistant) -> None:
    answer = sample_assistant.ask("What reasons does the author give for the September 2022 offensive?")
    assert not answer.refused
    assert "George Meneshian" not in answer.answer
    assert len(answer.sentences) >= 3


def test_an_assessment_asked_as_yes_no_gets_the_articles_points(sample_assistant) -> None:
    # The article argues exactly this (Moscow is busy in Ukraine, its alliance did not help); a yes/no shape
    # must not turn the question into a factual look-up that is refused.
    answer = sample_assistant.ask("Is Russia still a reliable ally for Armenia?")
    assert not answer.refused
    assert answer.to_dict()["question_kind"] == "analytic"
    assert len(answer.sentences) >= 3 and all(s.citations for s in answer.sentences)
    assert "Ukraine" in answer.answer
