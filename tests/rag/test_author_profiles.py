"""A question about a person (where they work, what they are) is answered by their biography line; an author's own
biography line is never a key point (fake embedder: fast, deterministic)."""

from __future__ import annotations

import pytest

from rag.backends.extractive import (
    answerability,
    authors_line,
    extractive_result,
    point_relevance,
    rank,
    score_sentence_terms,
)
from rag.questions import profile
from rag.testing import FakeEmbedder, passage

BIO = "Amara Lindqvist is a senior fellow at the Halden Institute for Maritime Security."


@pytest.mark.parametrize("question", [
    "Which think tank does Lindqvist work for?",
    "Which think tank is Amara Lindqvist affiliated with?",
    "What organisation is Lindqvist attached to?",
    "What position does Amara Lindqvist hold?",
])
def test_a_biography_line_states_what_a_question_about_the_person_asks(question: str) -> None:
    # Blind sets news_e-g: "Tomas Reinholt is a senior analyst at the Ardent Policy Centre." states no "think
    # tank" and no "affiliated", and scored 0 on the focus check.
    assert answerability(profile(question), BIO) == 1.0
    assert score_sentence_terms(question, BIO) > score_sentence_terms(question, "Lindqvist said the plan would fail.")


@pytest.mark.parametrize("question, sentence", [
    # Someone else's biography, or the person named in a sentence that says nothing about their work.
    ("Which think tank does Lindqvist work for?", "Yusuf Harrane is director of the programme at the Qadira Centre."),
    ("Which think tank does Lindqvist work for?", "Lindqvist said the controls had come too late."),
    # A question about what the person wrote is not about their work: the biography states no focus of it.
    ("Which controls does Lindqvist want for the Brasnia route?", BIO),
])
def test_only_the_persons_biography_answers_a_question_about_them(question: str, sentence: str) -> None:
    assert answerability(profile(question), sentence) < 1.0


def test_the_authors_biography_line_is_no_key_point() -> None:
    text = ("The Brasnia route is the most serious weakness in the export controls. Controls designed for tanks and "
            "artillery shells were never meant for dual-use goods like these. The government should work through "
            f"the EU to persuade Brasnia to adopt matching controls. {BIO}")
    passages = [passage(text, 1, author="Amara Lindqvist")]
    question = "What does the author argue about the export controls?"
    embedder = FakeEmbedder()
    ranking = rank(question, passages, embedder)
    relevance = point_relevance(ranking, embedder.embed_query(question), passages)
    assert relevance[BIO] == 0.0 and max(relevance.values()) > 0.0
    result = extractive_result(question, passages, embedder)
    assert result.kind == "analytic" and not result.refused and "Halden" not in result.text
    # Without a byline naming her, the sentence is the document's like any other.
    assert not authors_line(BIO, None) and not authors_line(BIO, "Yusuf Harrane") and authors_line(BIO, "Amara Lindqvist")


def test_a_summary_leaves_out_the_authors_biography_line() -> None:
    from rag.backends.extractive import summary_result

    text = ("Velmora banned the export of drone components in March. Smugglers moved the trade to Brasnia within weeks. "
            "Controls designed for tanks and artillery shells were never meant for goods like these. "
            f"Velmora should narrow the ban to the parts that are hardest to replace. {BIO}")
    result = summary_result("Summarise the article.", [passage(text, 1, author="Amara Lindqvist")], FakeEmbedder())
    assert not result.refused and "Velmora banned" in result.text and "Halden" not in result.text


@pytest.mark.parametrize("question, sentence", [
    # Found in review: a name followed by "is/was … at/in + a capital" is no biography without a role.
    ("Where does Lindqvist work?", "Lindqvist is wrong about the controls at the Port of Qadira, critics say."),
    ("Where does Marsh work?", "Marsh was in Brussels when the EU announced the ban on drone parts."),
    ("Where does Marsh work?", "The Marsh Institute is a think tank in Oslo."),
    # Another person with the asked first name.
    ("Which think tank is Tomas Reinholt affiliated with?", "Tomas Rautio is a visiting fellow at the Nordic Institute."),
])
def test_a_sentence_that_is_no_biography_of_the_asked_person_states_nothing(question: str, sentence: str) -> None:
    assert answerability(profile(question), sentence) < 1.0


@pytest.mark.parametrize("sentence, author, is_bio", [
    ("Yusuf Harrane is director of the security sector programme at the Qadira Centre.", "Yusuf Harrane", True),
    ("Priya Ramaswal directs the space security programme at the Halcyon Institute.", "Priya Ramaswal", True),
    ("Tomas Rautio is a Senior Fellow at the Nordic Institute.", "Anna Berg and Tomas Rautio", True),
    # (news_q, twenty-seventh round: a plural programme was read as a point and chosen)
    ("Yusra Belkadi directs the security programmes of the Ghazrin Policy Forum in Qasran.", "Yusra Belkadi", True),
    # Found in review: an institution's byline, or a surname that starts another word, zeroed content sentences.
    ("The European Council was divided at the summit in Brussels.", "Atlantic Council", False),
    ("The Wagner Group was active in Mali.", "International Crisis Group", False),
    ("Bergen is the largest port in Norway.", "Anna Berg", False),
    ("Hong Kong is a member of the group.", "Paul Kong", False),
])
def test_only_the_authors_own_biography_is_left_out(sentence: str, author: str, is_bio: bool) -> None:
    assert authors_line(sentence, author) is is_bio
