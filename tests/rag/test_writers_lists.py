"""A writer's enumerated list is answered whole ("First, …", "Second, …", "The third risk is…"): when one item is
among the best points, the others come with it (fake embedder: fast, deterministic)."""

from __future__ import annotations

import pytest

from rag.backends.extractive import (
    LIST_NEED,
    LIST_SHARE,
    Ranking,
    extractive_result,
    lists_completed,
    rank,
    writers_lists,
)
from rag.keypoints import LAST_ITEM, list_item
from rag.records import Chunk, Passage
from rag.testing import FakeEmbedder, passage

REASONS = ("The toll in Nyasolo has a long history. "
           "First, the camp was built as a transit site and never had permanent water pipes. "
           "Second, the only supply road runs along the front and is often closed by mines. "
           "Third, the shelling of a warehouse destroyed the stocks of chlorine tablets.")
ITEMS = ["First, the camp was built as a transit site and never had permanent water pipes.",
         "Second, the only supply road runs along the front and is often closed by mines.",
         "Third, the shelling of a warehouse destroyed the stocks of chlorine tablets."]
WHY = "According to the epidemiologist, why has cholera proved so deadly in Nyasolo?"


@pytest.mark.parametrize("sentence, ordinal", [
    ("First, the camp was built as a transit site.", 1),
    ("Secondly: the road is mined.", 2),
    ("Third, the stocks burned.", 3),
    ("The second risk is the anger of veterans, which could harden into a party.", 2),
    ("The first and most urgent is to restore the military hotline.", 1),
    ("A third problem is demographic and social.", 3),
    ("The third is precedent: both reporters detained before him were exchanged.", 3),
    ("Finally, donors should fund the contingency plan.", LAST_ITEM),
    ("Lastly: the inquiry must report in public.", LAST_ITEM),
    # a ranked list's head ("A second risk is…" follows it)
    ("The most serious is the loss of skills in the defence industry.", 1),
    ("The biggest risk is that the talks collapse.", 1),
    # not items of a list
    ("The first 60 unarmed observers arrived in the valley on Saturday.", None),
    ("The first time the base was attacked, nobody was hurt.", None),
    ("First Minister Swinney said the talks would resume.", None),
    ("He came first in the race.", None),
    ("The second round of talks is due in May.", None),
])
def test_an_item_of_a_writers_list(sentence: str, ordinal: int | None) -> None:
    assert list_item(sentence) == ordinal


def _ranking(question: str, *texts: str) -> tuple[Ranking, list[Passage]]:
    passages = [passage(text, n) for n, text in enumerate(texts, start=1)]
    return rank(question, passages, FakeEmbedder()), passages


def _lists(question: str, *texts: str) -> list[list[str]]:
    ranking, passages = _ranking(question, *texts)
    return [[c.text for c in items] for items in writers_lists(ranking, passages)]


def test_lists_are_runs_numbered_in_order_within_one_document() -> None:
    assert _lists(WHY, REASONS) == [ITEMS]
    # A new "First" starts another list; one item alone is no list.
    recommendations = " First, donors should pay for water pipes. Second, the road should be cleared."
    assert _lists(WHY, REASONS + recommendations) == [
        ITEMS, ["First, donors should pay for water pipes.", "Second, the road should be cleared."]]
    assert _lists(WHY, "The camp is crowded. First, the camp had no pipes. The road was mined.") == []
    # An item out of order ends the list before it ("Third" after "First" is not its second item).
    assert _lists(WHY, "First, the camp had no pipes. Third, the stocks burned.") == []
    # The items of two documents are two lists, however they are numbered.
    assert _lists(WHY, ITEMS[0], ITEMS[1]) == []


def test_a_finally_ends_the_list_only_right_after_it() -> None:
    near = f"{REASONS} Finally, the rains came early this year."
    assert _lists(WHY, near) == [[*ITEMS, "Finally, the rains came early this year."]]
    gap = " ".join(f"The camp has {n} wards for the sick." for n in range(2, 8))
    far = f"{REASONS} {gap} Finally, donors should fund the contingency plan."
    assert _lists(WHY, far) == [ITEMS]


def test_a_finally_in_the_next_passage_of_the_document_ends_the_list() -> None:
    first = Chunk(id="c1", source="/corpus/a.txt", title="", text=REASONS, start=0, end=len(REASONS), index=0)
    rest = "Finally, the rains came early this year. The camp has eleven wards."
    second = Chunk(id="c2", source="/corpus/a.txt", title="", text=rest, start=len(REASONS) + 1,
                   end=len(REASONS) + 1 + len(rest), index=1)
    passages = [Passage(chunk=first, score=1.0), Passage(chunk=second, score=0.5)]
    ranking = rank(WHY, passages, FakeEmbedder())
    assert [[c.text for c in items] for items in writers_lists(ranking, passages)] == [
        [*ITEMS, "Finally, the rains came early this year."]]


def _scores(ranking: Ranking, high: str, value: float) -> dict[str, float]:
    """Every candidate at 0.2, the best (not an item) at 1.0, ``high`` at ``value``."""
    scores = {c.text: 0.2 for c in ranking.candidates}
    scores["The toll in Nyasolo has a long history."] = 1.0
    scores[high] = value
    return scores


def test_one_item_among_the_best_brings_the_others() -> None:
    ranking, passages = _ranking(WHY, REASONS)
    scores = _scores(ranking, ITEMS[1], 0.8)
    raised = lists_completed(ranking, scores, passages)
    assert raised[ITEMS[0]] == raised[ITEMS[2]] == pytest.approx(LIST_SHARE * 0.8)
    assert raised[ITEMS[1]] == 0.8 and raised["The toll in Nyasolo has a long history."] == 1.0
    # An item below LIST_NEED of the best leaves the list as it was; a sentence ruled out (0) stays out.
    assert lists_completed(ranking, _scores(ranking, ITEMS[1], LIST_NEED - 0.05), passages) == \
        _scores(ranking, ITEMS[1], LIST_NEED - 0.05)
    scores[ITEMS[2]] = 0.0
    assert lists_completed(ranking, scores, passages)[ITEMS[2]] == 0.0


def test_a_list_answers_only_what_it_lists() -> None:
    prescriptions = ("The camp keeps growing. First, donors should pay for water pipes. "
                     "Second, the army should clear the road. Third, the agencies must stock chlorine in advance.")
    steps = ["First, donors should pay for water pipes.", "Second, the army should clear the road.",
             "Third, the agencies must stock chlorine in advance."]
    # A list of what should be done answers no question about why…
    ranking, passages = _ranking(WHY, prescriptions)
    scores = {c.text: 0.2 for c in ranking.candidates} | {"The camp keeps growing.": 1.0, steps[0]: 0.9}
    assert lists_completed(ranking, scores, passages) == scores
    # …but does answer one asking what should be done.
    ranking, passages = _ranking("What does the epidemiologist recommend for Nyasolo?", prescriptions)
    scores = {c.text: 0.2 for c in ranking.candidates} | {"The camp keeps growing.": 1.0, steps[0]: 0.9}
    raised = lists_completed(ranking, scores, passages)
    assert raised[steps[1]] == raised[steps[2]] == pytest.approx(LIST_SHARE * 0.9)
    # A question asking how the writer judges something is answered by the judgement, not a list.
    ranking, passages = _ranking("How does the epidemiologist assess the government's plan for Nyasolo?", REASONS)
    scores = _scores(ranking, ITEMS[1], 0.9)
    assert lists_completed(ranking, scores, passages) == scores


def test_the_answer_gives_the_whole_list(monkeypatch: pytest.MonkeyPatch) -> None:
    from rag.backends import extractive

    # A long argument round the list, in the question's words, that would fill the answer on its own.
    argument = " ".join(f"Cholera in Nyasolo proved deadly in week {n}, the epidemiologist says of the camp."
                        for n in range(1, 9))
    passages = [passage(f"{argument} {REASONS}", 1)]

    def scores(ranking: Ranking, q_vec: object, relevance: dict[str, float], passages: object) -> dict[str, float]:
        # the learned ordering as it often is: the argument first, one reason among the best, the others far down
        out = {text: (0.95 if "deadly" in text else 0.1) for text in relevance}
        out[ITEMS[0]] = 0.9
        return out

    monkeypatch.setattr(extractive, "learned_point_scores", scores)
    chosen = {c.text for c in extractive_result(WHY, passages, FakeEmbedder()).chosen}
    assert set(ITEMS) <= chosen
    monkeypatch.setattr(extractive, "lists_completed", lambda ranking, scores, passages: scores)
    chosen = {c.text for c in extractive_result(WHY, passages, FakeEmbedder()).chosen}
    assert ITEMS[0] in chosen and not set(ITEMS[1:]) & chosen


RISKS = ("The cut was decided in a single night of negotiation. "
         "The most serious is the loss of skills in the shipyards that built the frigates. "
         "A second risk is readiness, since pilots will fly a quarter fewer hours. "
         "A third is credibility with the allies who raised their own budgets.")
RISK_ITEMS = ["The most serious is the loss of skills in the shipyards that built the frigates.",
              "A second risk is readiness, since pilots will fly a quarter fewer hours.",
              "A third is credibility with the allies who raised their own budgets."]


def test_a_list_of_what_is_asked_is_raised_however_its_items_score() -> None:
    question = "What risks does the commentary see in cutting the defence budget?"
    ranking, passages = _ranking(question, RISKS)
    assert [[c.text for c in items] for items in writers_lists(ranking, passages)] == [RISK_ITEMS]
    scores = {c.text: 0.3 for c in ranking.candidates} | {"The cut was decided in a single night of negotiation.": 1.0}
    raised = lists_completed(ranking, scores, passages)
    assert all(raised[s] == pytest.approx(LIST_SHARE) for s in RISK_ITEMS)
    # A question asking something else leaves the list to its own scores (here under LIST_NEED of the best).
    ranking, passages = _ranking("What options does the commentary set out for the budget?", RISKS)
    scores = {c.text: 0.3 for c in ranking.candidates} | {"The cut was decided in a single night of negotiation.": 1.0}
    assert lists_completed(ranking, scores, passages) == scores


def test_a_why_is_answered_by_the_list_of_reasons_it_announces() -> None:
    announced = REASONS.replace("The toll in Nyasolo has a long history.", "Three factors explain why.")
    items = {"First, the camp was built as a transit site and never had permanent water pipes.",
             "Second, the only supply road runs along the front and is often closed by mines.",
             "Third, the shelling of a warehouse destroyed the stocks of chlorine tablets."}
    ranking, passages = _ranking(WHY, "Cholera in Nyasolo has killed hundreds. " + announced)
    scores = {c.text: 0.3 for c in ranking.candidates} | {"Cholera in Nyasolo has killed hundreds.": 1.0}
    raised = lists_completed(ranking, scores, passages)
    assert all(raised[s] == pytest.approx(LIST_SHARE) for s in items)


def test_a_list_of_what_is_asked_in_another_document_keeps_its_scores() -> None:
    question = "What risks does the commentary see in cutting the defence budget?"
    ranking, passages = _ranking(question, "The defence budget will fall by a tenth next year.", RISKS)
    scores = {c.text: 0.3 for c in ranking.candidates} | {"The defence budget will fall by a tenth next year.": 1.0}
    assert lists_completed(ranking, scores, passages) == scores


def test_items_a_counting_sentence_announces_with_the_same_opening_are_a_list() -> None:
    text = ("The budget was cut by a billion thalers. Ministers have three realistic options. "
            "They can spread the cut evenly across every programme. "
            "They can protect readiness and cancel one major programme. "
            "Or they can borrow against next year's budget. "
            "The choice is theirs.")
    options = ["They can spread the cut evenly across every programme.",
               "They can protect readiness and cancel one major programme.",
               "Or they can borrow against next year's budget."]
    assert _lists("What options do ministers have after the cut?", text) == [options]
    # without the sentence counting them, or with other openings, no list
    assert _lists("What options do ministers have?", text.replace("Ministers have three realistic options. ", "")) \
        == []
    assert _lists("What options do ministers have?", text.replace("Or they can borrow", "The treasury may borrow")
                  .replace("They can protect", "Parliament could protect")) == []
    # a list of what is asked: raised
    ranking, passages = _ranking("What options do ministers have after the cut?", text)
    scores = {c.text: 0.3 for c in ranking.candidates} | {"The budget was cut by a billion thalers.": 1.0}
    raised = lists_completed(ranking, scores, passages)
    assert all(raised[s] == pytest.approx(LIST_SHARE) for s in options)
