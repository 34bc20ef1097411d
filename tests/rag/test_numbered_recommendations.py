"""A question asking what should be done is answered by the writer's numbered recommendations ("First, … should
…", "Second, …"), not by the argument round them (fake embedder: fast, deterministic)."""

from __future__ import annotations

import pytest

from rag.backends.extractive import extractive_result, listed_first, point_relevance, rank
from rag.keypoints import asks_prescription, numbered_prescription
from rag.records import Passage
from rag.testing import FakeEmbedder, passage

# An analysis whose argument shares the question's words, and whose recommendations share few of them.
ARGUMENT = ("The dispute between Torvalia and Surenne over the fishing bank keeps escalating. "
            "Each coast guard now shadows the other's boats, and each government blames the other for the dispute. "
            "De-escalating the dispute between Torvalia and Surenne will take more than goodwill.")
STEPS = ("First, the two governments should agree an interim quota for one season. "
         "Second, they should sign an incidents-at-sea agreement with a hotline between the coast guards. "
         "Third, a joint scientific survey of the bank should be commissioned.")
LISTED = {"First, the two governments should agree an interim quota for one season.",
          "Second, they should sign an incidents-at-sea agreement with a hotline between the coast guards.",
          "Third, a joint scientific survey of the bank should be commissioned."}
QUESTION = "What steps does the author recommend to de-escalate the dispute between Torvalia and Surenne?"


@pytest.mark.parametrize("question, asks", [
    (QUESTION, True),
    ("What lessons should Sarvania learn for the next disaster?", True),
    ("What does the author propose in response to the revelations?", True),
    ("How should Europe respond to the blockade?", True),
    ("What can the government do about the drones?", True),
    ("Why should Europe care about the strait?", False),  # asks why
    ("What steps has the government taken so far?", False),  # what was done, not what should be
    ("How did Surenne respond to the collision?", False),
    ("What does Brandt suggest Torvalia do?", True),
    ("What does the evidence suggest about the cause?", False),
    ("What impact will the proposed quota cuts have?", False),
    ("How should we interpret the drop in exports?", False),
])
def test_questions_asking_what_should_be_done(question: str, asks: bool) -> None:
    assert asks_prescription(question) is asks


def test_a_numbered_item_prescribes() -> None:
    assert all(numbered_prescription(s) for s in LISTED)
    assert numbered_prescription("Finally, parliament must fund the survey.")
    assert numbered_prescription("Second: parliament must act.") and numbered_prescription("10. Parliament should act.")
    assert not numbered_prescription("First Minister Swinney should resign, critics say.")
    assert not numbered_prescription("First, the cutter turned north.")  # a narrative's first step
    assert not numbered_prescription("The government should act.")  # not numbered


def _relevance(question: str, passages: list[Passage]) -> tuple[dict[str, float], dict[str, float]]:
    embedder = FakeEmbedder()
    ranking = rank(question, passages, embedder)
    plain = point_relevance(ranking, embedder.embed_query(question), passages)
    return plain, listed_first(ranking, plain, passages)


def test_the_writers_numbered_steps_come_first() -> None:
    plain, listed = _relevance(QUESTION, [passage(f"{ARGUMENT} {STEPS}", 1)])
    top = max(plain.values())
    # Without the list first, the argument outranks every step; with it, every step is as relevant as the best.
    assert all(plain[s] < top for s in LISTED)
    assert all(listed[s] == top for s in LISTED)
    assert max(listed.values()) == top  # the bar the others are held to does not move
    assert {t: v for t, v in listed.items() if t not in LISTED} == {t: v for t, v in plain.items() if t not in LISTED}


def test_the_answer_states_the_steps_before_the_argument_round_them(monkeypatch: pytest.MonkeyPatch) -> None:
    # An argument long enough to fill the answer's word budget on its own, in words close to the question's.
    longer = ("The dispute between Torvalia and Surenne over the fishing bank keeps escalating every season. "
              "Torvalia accuses Surenne of overfishing, and Surenne accuses Torvalia of bullying its fishers. "
              "Each coast guard now shadows the other's boats, so the dispute could turn violent at any moment. "
              "De-escalating the dispute between Torvalia and Surenne will take more than goodwill from either side. "
              "Both governments face elections, which makes any retreat in the dispute look like weakness at home. "
              "The European Union buys most of the catch and worries that the dispute will spread to trade. "
              "Neither Torvalia nor Surenne has shown any sign of wanting to de-escalate so far this year. "
              "The dispute has already cost both fleets millions in lost fishing days and damaged nets.")
    passages = [passage(f"{longer} {STEPS}", 1)]
    chosen = {c.text for c in extractive_result(QUESTION, passages, FakeEmbedder()).chosen}
    assert LISTED <= chosen
    from rag.backends import extractive

    # Ordered by the hand-made relevance (the learned model, rag.point_model, also weighs "should" a little),
    # the list is what lifts the steps over the argument round them.
    monkeypatch.setattr(extractive, "learned_point_scores", lambda ranking, q_vec, relevance, passages: relevance)
    assert LISTED <= {c.text for c in extractive_result(QUESTION, passages, FakeEmbedder()).chosen}
    monkeypatch.setattr(extractive, "listed_first", lambda ranking, relevance, passages: relevance)
    # The writer's prescriptions, raised for a question asking what should be done, lift them too
    # (prescriptions_weighed); with neither, the argument round them takes the answer.
    assert LISTED <= {c.text for c in extractive_result(QUESTION, passages, FakeEmbedder()).chosen}
    monkeypatch.setattr(extractive, "prescriptions_weighed", lambda ranking, scores: scores)
    assert not LISTED <= {c.text for c in extractive_result(QUESTION, passages, FakeEmbedder()).chosen}


def test_only_a_list_asked_for_and_in_the_answering_document_counts() -> None:
    # A question about what happened: the list is left alone.
    plain, listed = _relevance("What happened in the dispute between Torvalia and Surenne?",
                               [passage(f"{ARGUMENT} {STEPS}", 1)])
    assert listed == plain
    # Another document's list (the best sentence is in the first document) answers another question, though its
    # items are relevant too.
    other = ("First, Torvalia's navy should buy two cutters for the fishing bank. "
             "Second, Surenne should train more coast guard crews for the bank. "
             "The budgets of both coast guards are tight.")
    plain, listed = _relevance(QUESTION, [passage(ARGUMENT, 1), passage(other, 2)])
    items = [t for t in plain if t.startswith(("First,", "Second,"))]
    assert len(items) == 2 and all(plain[t] > 0 for t in items)
    assert listed == plain
    # One numbered prescription is no list.
    single = f"{ARGUMENT} First, both governments should agree an interim quota for the fishing bank."
    plain, listed = _relevance(QUESTION, [passage(single, 1)])
    assert "First, both governments should agree an interim quota for the fishing bank." in plain
    assert listed == plain
