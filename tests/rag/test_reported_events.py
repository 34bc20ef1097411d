"""A question that asks nobody's view ("How did the government respond…?") is answered from the documents that
report what happened, not from an analysis arguing what should be done (fake embedder: fast, deterministic).

Since the twenty-fifth round an analytic answer's points are ordered by the learned model (rag.point_model, whose
document-balance signals do this: tests/rag/test_point_model.py); ``reports_first`` orders a comparison's points
and is the hand-made baseline the model is replayed against. Its tests stay here."""

from __future__ import annotations

import pytest

from rag.backends import extractive
from rag.backends.extractive import extractive_result, point_relevance, rank, reports_first
from rag.keypoints import asks_view, reporting_balance
from rag.records import Passage
from rag.testing import FakeEmbedder, passage
from tests.shared_data import ANALYSIS, REPORT


@pytest.mark.parametrize("question", [
    "How did Corvania's government respond to the strike on the port?",
    "What were the economic consequences of the strike?",
    "How did investigators catch the spy ring?",
    "Who objected to the exchange, and what were their complaints?",
    "What urgent measures did the government take?",
    "How did Will Carter's team respond to the leak?",
    # the future asked of a report (thirty-second round: "will" was read as a view)
    "What will the new service law require of young Wescovians?",
    "What has Essovar said it will do next after destroying the tunnel?",
])
def test_questions_about_what_happened_ask_no_view(question: str) -> None:
    assert not asks_view(question)


@pytest.mark.parametrize("question", [
    "What does the author recommend Corvania do?",
    "Why does the analyst believe the ceasefire will fail?",
    "What should Corvania do about the drones?",
    "What lessons does the strike hold for the navy?",
    "What risks does Mendes see in the purchase?",
    "What is Mendes's view of the deal?",
    "How does Mendes assess the risk?",
    "What will the withdrawal mean for civilians?",
])
def test_questions_about_a_view_or_a_course_of_action_ask_one(question: str) -> None:
    assert asks_view(question)


def test_a_report_reports_and_an_opinion_piece_argues() -> None:
    report = extractive.candidates([passage(REPORT, 1)])
    analysis = extractive.candidates([passage(ANALYSIS, 1)])
    assert reporting_balance([c.text for c in report]) > 0 > reporting_balance([c.text for c in analysis])
    assert reporting_balance([]) == 0.0
    # A report quoting someone's "we" is still a report; "World War I" is no writer.
    assert reporting_balance(['"We will not bow," President Lenko said.']) > 0
    assert reporting_balance(["World War I ended in 1918."]) == 0.0
    assert reporting_balance(["I think we should leave."]) < 0
    # Two sentences say less about a document than twenty.
    said = "The port was closed, officials said."
    assert reporting_balance([said] * 2) < reporting_balance([said] * 20) < 1.0


def _relevance(question: str, passages: list[Passage]) -> dict[str, float]:
    embedder = FakeEmbedder()
    ranking = rank(question, passages, embedder)
    return reports_first(ranking, point_relevance(ranking, embedder.embed_query(question), passages), passages)


def test_a_reaction_is_taken_from_the_report_before_the_analysis() -> None:
    question = "How did Corvania's government respond to the strike on the port?"
    passages = [passage(ANALYSIS, 1), passage(REPORT, 2)]
    with_reports = _relevance(question, passages)
    reported = "Corvania's foreign ministry condemned the strike on the port, a spokesman said on Tuesday."
    argued = "I think Corvania's response to the strike on the port has been too timid."
    try:
        weight, extractive.REPORTING_WEIGHT = extractive.REPORTING_WEIGHT, 0.0
        without = _relevance(question, passages)
    finally:
        extractive.REPORTING_WEIGHT = weight
    # The report's sentences gain; the analysis keeps its relevance.
    balance = reporting_balance([c.text for c in extractive.candidates([passage(REPORT, 2)])])
    assert balance > 0
    assert with_reports[reported] == pytest.approx((1 + extractive.REPORTING_WEIGHT * balance / 0.5) * without[reported])
    assert with_reports[reported] > with_reports[argued]
    assert with_reports[argued] == pytest.approx(without[argued])


def test_a_question_asking_for_a_view_and_a_library_of_analyses_are_left_alone() -> None:
    view = "What does the author think Corvania should do after the strike on the port?"
    passages = [passage(ANALYSIS, 1), passage(REPORT, 2)]
    try:
        weight, extractive.REPORTING_WEIGHT = extractive.REPORTING_WEIGHT, 0.0
        plain_view = _relevance(view, passages)
        plain_analyses = _relevance("How did Corvania respond to the strike?", [passage(ANALYSIS, 1)])
    finally:
        extractive.REPORTING_WEIGHT = weight
    assert _relevance(view, passages) == plain_view
    assert _relevance("How did Corvania respond to the strike?", [passage(ANALYSIS, 1)]) == plain_analyses


def test_reports_order_the_points_but_do_not_decide_whether_there_is_an_answer() -> None:
    question = "How did Corvania's government respond to the strike on the port?"
    passages = [passage(ANALYSIS, 1), passage(REPORT, 2)]
    embedder = FakeEmbedder()
    result = extractive_result(question, passages, embedder)
    ranking = rank(question, passages, embedder)
    plain = point_relevance(ranking, embedder.embed_query(question), passages)
    assert not result.refused
    # The answer's score (what the refusal floor is held to) is the relevance without the reports' raise.
    assert result.answerability == pytest.approx(max(plain[c.text] for c in result.chosen))
    assert any("spokesman said" in c.text for c in result.chosen)


def test_the_raise_orders_the_points_but_the_refusal_floor_reads_the_plain_relevance(
        monkeypatch: pytest.MonkeyPatch) -> None:
    question = "How did Corvania's government respond to the strike on the port?"
    passages = [passage(ANALYSIS, 1), passage(REPORT, 2)]
    embedder = FakeEmbedder()
    ranking = rank(question, passages, embedder)
    plain = point_relevance(ranking, embedder.embed_query(question), passages)
    raised = reports_first(ranking, plain, passages)
    assert max(raised.values()) > max(plain.values())
    # A floor between the plain best and the raised best: the question is refused, as it was before the raise.
    monkeypatch.setattr(extractive, "MIN_POINT_RELEVANCE", (max(plain.values()) + max(raised.values())) / 2)
    assert extractive_result(question, passages, embedder).refused


def _scores(question: str, passages: list[Passage]) -> dict[str, float]:
    ranking = rank(question, passages, FakeEmbedder())
    return {c.text: 0.8 for c in ranking.candidates}


def test_a_reaction_asked_about_keeps_the_commentarys_own_sentences_at_a_share() -> None:
    # Forty-first round (news_cq): "How has the Eftarian government responded to the breach?" was answered by the
    # commentary's "Outsourcing can save money, but a ministry cannot outsource its responsibility…".
    question = "How did Corvania's government respond to the strike on the port?"
    passages = [passage(ANALYSIS, 1), passage(REPORT, 2)]
    ranking = rank(question, passages, FakeEmbedder())
    scores = _scores(question, passages)
    kept = extractive.reported_reactions(ranking, scores, passages)
    argued = "I think Corvania's response to the strike on the port has been too timid."
    reported = "Corvania's foreign ministry condemned the strike on the port, a spokesman said on Tuesday."
    assert kept[argued] == pytest.approx(0.8 * extractive.REACTION_VIEW_SHARE)
    assert kept[reported] == 0.8
    # what someone is reported saying in the commentary is no writer's view
    quoted = ("Officials said the response was measured. I think Corvania's response has been too timid. "
              "The government should move air defences to the coast.")
    with_quote = [passage(quoted, 1), passage(REPORT, 2)]
    kept = extractive.reported_reactions(rank(question, with_quote, FakeEmbedder()), _scores(question, with_quote),
                                         with_quote)
    assert kept["Officials said the response was measured."] == 0.8
    # (review) nor is a commentary's plain account of the reaction
    narrated = ("Corvania's government responded to the strike on the port by recalling its ambassador. I think "
                "the response has been too timid. The government should move air defences to the coast.")
    with_account = [passage(narrated, 1), passage(REPORT, 2)]
    kept = extractive.reported_reactions(rank(question, with_account, FakeEmbedder()),
                                         _scores(question, with_account), with_account)
    assert kept["Corvania's government responded to the strike on the port by recalling its ambassador."] == 0.8
    assert kept["I think the response has been too timid."] == pytest.approx(0.8 * extractive.REACTION_VIEW_SHARE)


@pytest.mark.parametrize("question, passages", [
    # a view asked for, another kind of question, no report retrieved: as they were
    ("What does the author think of Corvania's response to the strike?", [passage(ANALYSIS, 1), passage(REPORT, 2)]),
    ("Why did the strike on the port happen?", [passage(ANALYSIS, 1), passage(REPORT, 2)]),
    ("How did Corvania's government respond to the strike on the port?", [passage(ANALYSIS, 1)]),
])
def test_a_view_another_question_or_commentary_alone_is_left_as_it_is(question: str,
                                                                     passages: list[Passage]) -> None:
    scores = _scores(question, passages)
    assert extractive.reported_reactions(rank(question, passages, FakeEmbedder()), scores, passages) == scores


def test_the_answers_chain_keeps_the_commentary_at_its_share(monkeypatch: pytest.MonkeyPatch) -> None:
    # (review) reported_reactions is one of asked_first's rules, the chain the answer applies.
    question = "How did Corvania's government respond to the strike on the port?"
    passages = [passage(ANALYSIS, 1), passage(REPORT, 2)]
    ranking = rank(question, passages, FakeEmbedder())
    scores = _scores(question, passages)
    argued = "I think Corvania's response to the strike on the port has been too timid."
    halved = extractive.asked_first(ranking, scores, passages)[argued]
    monkeypatch.setattr(extractive, "REACTION_VIEW_SHARE", 1.0)
    assert halved < extractive.asked_first(ranking, scores, passages)[argued]
