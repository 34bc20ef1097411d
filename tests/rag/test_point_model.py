"""The learned key-point model (rag.point_model) orders an analytic answer's points; the hand-made relevance still
decides whether there is an answer. Unit tests of its rows, scores and fit file; the end-to-end behaviour it was
fitted for (points from the document that reports, for a question asking nobody's view) with the fake embedder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rag import point_model
from rag.backends import extractive
from rag.backends.extractive import extractive_result, learned_point_scores, point_relevance, rank
from rag.eval.answerability import write_weights
from rag.eval.point_fit import states
from rag.testing import FakeEmbedder, passage
from tests.shared_data import ANALYSIS, REPORT

QUESTION = "How did Corvania's government respond to the strike on the port?"


def _scored(question: str = QUESTION) -> tuple[dict[str, float], dict[str, float], np.ndarray]:
    embedder = FakeEmbedder()
    passages = [passage(ANALYSIS, 1), passage(REPORT, 2)]
    ranking = rank(question, passages, embedder)
    q_vec = embedder.embed_query(question)
    relevance = point_relevance(ranking, q_vec, passages)
    rows = point_model.point_features(ranking, q_vec, passages, relevance, set())
    return relevance, learned_point_scores(ranking, q_vec, relevance, passages), rows


def test_one_row_of_finite_features_per_candidate() -> None:
    relevance, _, rows = _scored()
    assert rows.shape == (len(relevance), len(point_model.FEATURE_NAMES)) == (6, len(point_model.WEIGHTS))
    assert np.isfinite(rows).all()
    names = point_model.FEATURE_NAMES
    # The best sentence's relevance is 1 on the relative scale; each document's balance is read from its sentences.
    assert rows[:, names.index("relevance")].max() == pytest.approx(1.0)
    balances = set(np.round(rows[:, names.index("document_balance")], 6))
    assert len(balances) == 2 and min(balances) < 0 < max(balances)


def test_scores_are_relative_to_the_best_and_keep_what_the_relevance_rules_out(monkeypatch: pytest.MonkeyPatch) -> None:
    relevance, scores, _ = _scored()
    assert max(scores.values()) == pytest.approx(1.0)
    assert all(0.0 <= v <= 1.0 for v in scores.values())
    # A sentence the relevance rules out (a byline, a document about another event) is no point, whatever the model.
    embedder = FakeEmbedder()
    passages = [passage(ANALYSIS, 1), passage(REPORT, 2)]
    ranking = rank(QUESTION, passages, embedder)
    zeroed = {**relevance, next(iter(relevance)): 0.0}
    assert learned_point_scores(ranking, embedder.embed_query(QUESTION), zeroed, passages)[next(iter(relevance))] == 0.0


def test_a_feature_count_that_does_not_match_the_weights_is_an_error() -> None:
    with pytest.raises(ValueError, match="FEATURE_NAMES changed"):
        point_model.probabilities(np.zeros((2, len(point_model.WEIGHTS) + 1)))


def test_the_fitted_model_ranks_the_report_first_for_a_question_asking_no_view() -> None:
    _, scores, _ = _scored()
    reported = "Corvania's foreign ministry condemned the strike on the port, a spokesman said on Tuesday."
    argued = "I think Corvania's response to the strike on the port has been too timid."
    assert scores[reported] > scores[argued]
    # Asked for the author's view, the analysis is not held back for arguing.
    _, view_scores, _ = _scored("What does the author think Corvania should do after the strike on the port?")
    assert view_scores[argued] / view_scores[reported] > scores[argued] / scores[reported]


def test_with_room_for_few_points_the_report_gives_them(monkeypatch: pytest.MonkeyPatch) -> None:
    passages = [passage(ANALYSIS, 1), passage(REPORT, 2)]
    monkeypatch.setattr(extractive, "MAX_POINT_SENTENCES", 2)
    chosen = [c.passage for c in extractive_result(QUESTION, passages, FakeEmbedder()).chosen]
    assert chosen == [2, 2]
    # Without what the model learned of reporting documents (and without reported_reactions, which holds the
    # commentary's own sentences back for a reaction question too), the analysis takes a place.
    monkeypatch.setattr(extractive, "REACTION_VIEW_SHARE", 1.0)
    weights = list(point_model.WEIGHTS)
    for name in ("document_balance", "document_balance_unasked_view"):
        weights[point_model.FEATURE_NAMES.index(name)] = 0.0
    monkeypatch.setattr(point_model, "WEIGHTS", tuple(weights))
    assert 1 in [c.passage for c in extractive_result(QUESTION, passages, FakeEmbedder()).chosen]


def test_the_label_is_the_metrics_rule() -> None:
    point = "The ministry condemned the strike on the port and summoned the ambassador."
    assert states("The ministry condemned the strike on the port, officials said, and summoned the ambassador.", point)
    assert not states("The ministry condemned the strike.", point)


def test_write_weights_replaces_only_the_fitted_block(tmp_path: Path) -> None:
    source = Path(point_model.__file__).read_text(encoding="utf-8")
    copy = tmp_path / "point_model.py"
    copy.write_text(source, encoding="utf-8")
    weights = [float(i) / 10 for i in range(len(point_model.FEATURE_NAMES))]
    write_weights(copy, weights, -1.5)
    namespace: dict[str, object] = {}
    text = copy.read_text(encoding="utf-8")
    block = text[text.index("WEIGHTS: tuple"):text.index("# --- end of fitted values ---")]
    exec(block, namespace)  # noqa: S102 - the file we just wrote
    assert namespace["WEIGHTS"] == pytest.approx(tuple(weights))
    assert namespace["INTERCEPT"] == -1.5
    assert text[:text.index("# --- fitted by")] == source[:source.index("# --- fitted by")]


FILLER = ["The committee met in the capital on Monday to discuss the harbour budget for next year.",
          "Officials said the harbour budget would be debated again in the spring session of parliament.",
          "The harbour authority published its annual report on shipping volumes and berth repairs."]


def _library(named_at: int, total: int = 14) -> list:
    """``total`` retrieved passages about a strike on a port; only the ``named_at``-th names Tavrenia."""
    texts = [f"{FILLER[n % 3]} The strike on the port closed two berths, passage {n} said." for n in range(1, total + 1)]
    texts[named_at - 1] = ("Tavrenia's government condemned the strike on the port and closed its airspace. "
                           "Its ministers called for sanctions against the attackers.")
    return [passage(text, n) for n, text in enumerate(texts, start=1)]


def test_whether_an_analytic_question_is_answered_is_judged_on_the_first_passages() -> None:
    question = "How did Tavrenia react to the strike on the port?"
    assert extractive.ANALYTIC_DECISION_PASSAGES == 10
    # The name asked is in the third passage: answered, from it.
    answered = extractive_result(question, _library(3), FakeEmbedder())
    assert not answered.refused and any("Tavrenia" in c.text for c in answered.chosen)
    # Only the twelfth names Tavrenia: refused, as when ten passages were retrieved, although the points of an
    # answered question may come from all fourteen.
    assert extractive_result(question, _library(12), FakeEmbedder()).refused


def test_the_reactions_of_the_actor_asked_are_raised() -> None:
    embedder = FakeEmbedder()
    passages = [passage(REPORT, 1), passage("Lenko's rivals in Tavrenia condemned the strike as a provocation.", 2)]
    ranking = rank("How did Tavrenia react to the strike on the port?", passages, embedder)
    scores = {c.text: 0.5 for c in ranking.candidates}
    raised = extractive.actors_first(ranking, scores)
    tavrenia = "Lenko's rivals in Tavrenia condemned the strike as a provocation."
    assert raised[tavrenia] == pytest.approx(0.5 * (1 + extractive.ACTOR_POINT_RAISE))
    assert all(raised[t] == 0.5 for t in scores if t != tavrenia)  # others, and Corvania's reactions, as they were
    assert extractive.actors_first(ranking, {**scores, tavrenia: 0.9})[tavrenia] == 1.0  # the best stays 1
    # Not a reaction question: nothing is raised.
    other = rank("Why did Tavrenia condemn the strike on the port?", passages, embedder)
    assert extractive.actors_first(other, {c.text: 0.5 for c in other.candidates}) == {c.text: 0.5 for c in other.candidates}


PRESCRIBING = ("The militia keeps its own commanders and recruits from one tribe. The government should mix the "
               "brigade with other units. Parliament must hold hearings, the minister said.")


@pytest.mark.parametrize("question, writers, reported", [
    # what should be done: the writer's prescriptions and a reported one raised, at most to 1
    ("What steps does Belkadi recommend the government take?", 0.5 * (1 + extractive.PRESCRIPTION_RAISE),
     0.5 * (1 + extractive.PRESCRIPTION_RAISE)),
    # the risks: the writer's prescription counts for less; one reported as said is left as it was (a reaction)
    ("What risks does Belkadi see in the militia law?", 0.5 * extractive.PRESCRIPTION_SHARE, 0.5),
    ("Why did parliament pass the militia law?", 0.5 * extractive.PRESCRIPTION_SHARE, 0.5),
    # an argument or a summary: left alone
    ("Summarise Belkadi's argument about the militia law.", 0.5, 0.5),
])
def test_the_writers_prescriptions_count_by_what_the_question_asks(question: str, writers: float,
                                                                    reported: float) -> None:
    ranking = rank(question, [passage(PRESCRIBING, 1)], FakeEmbedder())
    first, writer, said = (c.text for c in sorted(ranking.candidates, key=lambda c: c.position))
    weighed = extractive.prescriptions_weighed(ranking, {first: 0.5, writer: 0.5, said: 0.5})
    assert weighed[first] == 0.5  # no prescription: as it was
    assert weighed[writer] == pytest.approx(writers)
    assert weighed[said] == pytest.approx(reported)
    if writers > 0.5:
        assert extractive.prescriptions_weighed(ranking, {writer: 0.9})[writer] == 1.0  # the best stays 1


@pytest.mark.parametrize("sentence, prescribes", [
    # a question someone asks, a guess, a condition: no prescription
    ("Other tribes will now ask why their fighters should not receive the same deal.", False),
    ("The attackers must have had help from inside the base.", False),
    ("Should the talks fail, the ceasefire would collapse within weeks.", False),
    # …but one beside them, or after a clause, is one
    ("The attackers must have had help, and the army must now guard the base.", True),
    ("Whether or not the talks succeed, Kyiv must rebuild its air defences.", True),
])
def test_a_should_someone_asks_about_a_guess_or_a_condition_is_no_prescription(sentence: str,
                                                                                prescribes: bool) -> None:
    ranking = rank("What risks does Belkadi see in the militia law?", [passage(sentence, 1)], FakeEmbedder())
    weighed = extractive.prescriptions_weighed(ranking, {sentence: 0.5})[sentence]
    assert weighed == pytest.approx(0.5 * extractive.PRESCRIPTION_SHARE if prescribes else 0.5)


NEXT = ("Police seized 40 rifles at the farm on Tuesday. The suspects will appear in court next week. "
        "The interior ministry is expected to present a new border plan by the end of the month.")


def test_what_comes_next_is_answered_by_what_will_happen() -> None:
    ranking = rank("What happens next after the arms find?", [passage(NEXT, 1)], FakeEmbedder())
    seized, court, plan = (c.text for c in sorted(ranking.candidates, key=lambda c: c.position))
    raised = extractive.next_first(ranking, {seized: 0.5, court: 0.5, plan: 0.9})
    assert raised == {seized: 0.5, court: pytest.approx(0.5 * (1 + extractive.NEXT_RAISE)), plan: 1.0}
    # What happened is no question about what comes next: nothing is raised.
    other = rank("What happened after the arms find?", [passage(NEXT, 1)], FakeEmbedder())
    assert extractive.next_first(other, {seized: 0.5, court: 0.5}) == {seized: 0.5, court: 0.5}


def test_a_dated_opening_joined_after_retrieval_counts_in_the_decision() -> None:
    """"Why did … in 2026?": the assistant joins a document's dated opening after the retrieved passages (score 0,
    no retrieval rank); it is read for the year however many passages were retrieved before it."""
    from dataclasses import replace

    question = "Why did Tavrenia close its airspace in 2026?"
    body = [passage(f"{FILLER[n % 3]} Tavrenia closed its airspace because of the drones, passage {n} said.", n)
            for n in range(1, 13)]
    opening = replace(passage("In March 2026 Tavrenia closed its airspace after drone incursions.", 13), score=0.0)
    assert extractive.decision_passages([*body, opening])[-1] == 13
    assert not extractive_result(question, [*body, opening], FakeEmbedder()).refused
    # The same passage ranked by retrieval (a score, past the first ten) is not read for the decision.
    assert extractive_result(question, [*body, replace(opening, score=0.01)], FakeEmbedder()).refused
