"""End to end on the sample corpus: real embedding model, extractive backend, real index on disk.

Factual questions an analyst would ask are answered with a citation to the
passage that holds the answer; questions the article does not answer are refused.
"""

from __future__ import annotations

import pytest

from rag.records import REFUSAL

pytestmark = pytest.mark.integration

ANSWERED = [
    # (question, a fact the answer must state, the evidence the cited quote must contain)
    ("When did Azerbaijan launch its offensive against Armenia?", "September 13, 2022",
     "armed forces of Azerbaijan launched an offensive against Armenia"),
    ("In which year did Armenia and Russia sign their deal on mutual military assistance?", "1997",
     "signed a deal on mutual military assistance in 1997"),
    ("When does the Russian peacekeeping mission end?", "2025", "peacekeeping mission ends in 2025"),
    ("Who called a special meeting of the UN Security Council?", "France",
     "France called a special meeting of the UN Security Council"),
    ("Which Armenian provinces did the Azerbaijani forces attack?", "Syunik",
     "Syunik, Vayots Dzor, and Ghegarkunik"),
    ("Who paid a visit to Armenia to show US support?", "Pelosi", "Nancy Pelosi paid a visit to Armenia"),
    ("When was the Declaration on Allied Cooperation between Russia and Azerbaijan signed?",
     "February 22, 2022", "Declaration on Allied Cooperation"),
    ("Which province did Azerbaijan attack in March 2020?", "Tavush", "province of Tavush"),
]

REFUSED = [
    "Who won the 2018 FIFA World Cup?",
    "What is the population of Canada?",
    "How many Armenian soldiers were killed in the September 2022 clashes?",
    "What did Japan say about the ceasefire?",
    # Reactions of actors the article never mentions (one word each, so the premise rule keeps them).
    "How did Armenian farmers react to the ceasefire?",
    "How did Syunik's residents react to the attack?",
]


@pytest.mark.parametrize("question, fact, evidence", ANSWERED)
def test_factual_question_is_answered_citing_the_passage_that_holds_it(sample_assistant, question, fact, evidence):
    answer = sample_assistant.ask(question)
    assert not answer.refused, answer.to_dict()
    assert fact in answer.answer
    quotes = [" ".join(c.quote.split()) for c in answer.citations]
    assert any(evidence in q for q in quotes), quotes
    for citation in answer.citations:
        # The citation points at the exact span of the indexed document.
        assert citation.quote in citation.text
        assert citation.start <= citation.quote_start < citation.quote_end <= citation.end
    assert all(s.supported and s.citations for s in answer.sentences)


REACTIONS = [
    # (question about a named actor's reaction, what the actor did, as the article says it)
    ("How did the United States respond to the offensive?", "Nancy Pelosi paid a visit to Armenia"),  # "US"
    ("How did France react to the attack?", "France, the US, Norway and Ireland condemned"),
]


@pytest.mark.parametrize("question, act", REACTIONS)
def test_a_reaction_of_an_actor_the_article_shows_acting_is_answered(sample_assistant, question, act):
    answer = sample_assistant.ask(question)
    assert not answer.refused, answer.answer
    assert act in answer.answer


@pytest.mark.parametrize("question", REFUSED)
def test_question_the_article_does_not_answer_is_refused(sample_assistant, question):
    answer = sample_assistant.ask(question)
    assert answer.refused, answer.answer
    assert answer.answer == REFUSAL
    assert answer.citations == ()


def test_with_the_premise_check_on_a_premise_the_article_does_not_report_is_refused(sample_index, real_embedder):
    # Every name is in the article, but no navy and no exercises: off by default (a paraphrase costs more answerable
    # questions than it saves), on with premise_words (rag.config).
    from rag.assistant import Assistant

    question = "What were the consequences of the Armenian navy's exercises off Baku?"
    checked = Assistant(index_dir=sample_index, embedder=real_embedder, premise_words=2).ask(question)
    assert checked.refused and checked.answer == REFUSAL
    default = Assistant(index_dir=sample_index, embedder=real_embedder).ask(question)
    assert not default.refused and default.question_kind == "analytic"
    # An event named by a noun whose consequences are asked is checked by default (no blockade in the article).
    blockade = Assistant(index_dir=sample_index, embedder=real_embedder).ask(
        "What were the consequences of the Armenian navy's blockade of Baku?")
    assert blockade.refused and blockade.answer == REFUSAL


def test_follow_up_question_is_made_standalone(sample_assistant):
    first = sample_assistant.ask("Which countries condemned Azerbaijan's aggression at the UN Security Council?")
    assert not first.refused
    follow = sample_assistant.ask("And who called that meeting?", history=[(first.question, first.answer)])
    assert "Security Council" in follow.standalone_question
    assert "France" in follow.answer


FOLLOW_UPS = [
    # (follow-up after the peacekeeping question, evidence its answer must quote)
    ("And who brokered the ceasefire?", "product of American pressure on Azerbaijan"),
    ("What about France?", "France called a special meeting of the UN Security Council"),
    ("and the EU?", "European Union"),
]


@pytest.mark.parametrize("follow_up, evidence", FOLLOW_UPS)
def test_follow_up_answers_the_new_question_not_the_previous_one(sample_assistant, follow_up, evidence):
    first_question = "When does the Russian peacekeeping mission end?"
    first = sample_assistant.ask(first_question)

    answer = sample_assistant.ask(follow_up, history=[(first_question, first.answer)])

    assert not answer.refused, answer.to_dict()
    assert "peacekeeping mission ends in 2025" not in answer.answer, "the previous answer came back"
    # Each answer sentence's own quote (two sentences citing one passage rest on different words of it).
    quotes = [" ".join(q.quote.split()) for s in answer.sentences for q in s.quotes]
    assert any(evidence in q for q in quotes), quotes
