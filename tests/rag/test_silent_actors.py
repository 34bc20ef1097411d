"""Thirty-ninth round: a body named in full that the reports never show acting has no reaction there; the event a
question presumes is looked for in the documents that name whom it asks about; "trade between A and B" is one
thing affected (fake embedder: fast, deterministic)."""

from __future__ import annotations

import pytest

from rag.backends.extractive import body_silent, effect_unstated, event_unstated, extractive_result
from rag.keypoints import affected_heads, named_bodies, same_event
from rag.records import REFUSAL, Chunk, Passage
from rag.testing import FakeEmbedder


def _documents(*docs: tuple[str, list[str]]) -> list[Passage]:
    out = []
    for source, texts in docs:
        for n, text in enumerate(texts):
            out.append(Passage(chunk=Chunk(id=f"{source}-{n}", source=f"/corpus/{source}", title=source, text=text,
                                           start=0, end=len(text), index=n), score=1.0 / (len(out) + 1),
                               similarity=0.5))
    return out


VERDICT = ("verdict.txt", [
    "A military court in Kestrow sentenced General Ivo Kestevan to nine years in prison on Monday for selling "
    "radar secrets. Kestevan ran the radar division of Vastrel Dynamics until 2019.",
    "Prosecutors said the general had passed the files to a foreign agent. His lawyers said he would appeal, and "
    "President Valsorin declined to comment on the case.",
])


@pytest.mark.parametrize("question, bodies", [
    ("How did Vastrel Dynamics react to the conviction of General Kestevan?", [{"vastrel", "dynam"}]),
    ("How did the Coastal Liberation Front and Kestria respond to the pushbacks?", [{"coastal", "liber", "front"}]),
    ("How did President Valsorin respond to the opposition's charge?", [{"valsorin"}]),
    # a state, a state's institution, anything owned, an acronym: their officials speak under other names
    ("How did Kestria react to the verdict?", []),
    ("How did the Rettland government react to the diversion?", []),
    ("How did the Kesh Republic react to the ban?", []),
    ("How did Lieutenant Orlik's family react to his arrest?", []),
    ("How did Saldrenne Motorworks' share price react to the audit?", []),
    ("How did the EU respond to the strikes?", []),
])
def test_the_bodies_named_in_full_that_a_reaction_question_asks_about(question: str, bodies: list[set[str]]) -> None:
    assert [set(b) for b in named_bodies(question)] == bodies


def test_a_body_the_reports_name_but_never_show_acting_has_no_reaction_there() -> None:
    # news_by: Vastrel Dynamics is only the general's former employer.
    question = "How did Vastrel Dynamics react to the conviction of General Kestevan?"
    ps = _documents(VERDICT)
    assert body_silent(question, ps)
    result = extractive_result(question, ps, FakeEmbedder(), min_score=0.1)
    assert result.kind == "analytic" and result.text == REFUSAL


@pytest.mark.parametrize("statement", [
    "Vastrel Dynamics said it had cut all ties with Kestevan.",
    # after what is set off after the name, or by a pronoun in the next sentence
    "Vastrel Dynamics, which makes radars for the air force, rejected any suggestion that its staff were involved.",
    "Vastrel Dynamics (VDX) denied any link to the files.",
    "Shares in Vastrel Dynamics fell. The company said its contracts were not at risk.",
])
def test_a_body_shown_saying_or_doing_something_is_answered(statement: str) -> None:
    question = "How did Vastrel Dynamics react to the conviction of General Kestevan?"
    ps = _documents((VERDICT[0], [*VERDICT[1], statement]))
    assert not body_silent(question, ps)


def test_a_titled_person_is_read_by_the_name_and_one_never_named_is_not_this_checks() -> None:
    ps = _documents(VERDICT)
    # "President Valsorin declined to comment": he did something
    assert not body_silent("How did President Valsorin respond to the verdict against General Kestevan?", ps)
    # never named at all: reactor_unnamed's to judge
    assert not body_silent("How did the Black Reed Front respond to the verdict against General Kestevan?", ps)


EXPULSION = ("expulsion.txt", [
    "Morvenia said on Friday that the Kelmarsk explosion had been caused by a gas leak, not sabotage.",
    "Zarovia's ambassador in the Morvenian capital offered condolences to the families of the victims.",
])
CAMPAIGN = ("campaign.txt", [
    "Bellosi called on the government to expel the Brakovian ambassador over the disinformation campaign.",
    "Brakovia's ambassador was expelled from Tesselia on Thursday, the foreign ministry said.",
])


def test_the_event_is_looked_for_in_the_documents_that_name_whom_it_asks_about() -> None:
    # news_c: an expulsion reported in another story's document (which names neither Morvenia nor Zarovia) is no
    # expulsion by Morvenia.
    question = "Why did Morvenia expel Zarovia's ambassador after the Kelmarsk explosion?"
    ps = _documents(EXPULSION, CAMPAIGN)
    assert event_unstated(question, ps) == ["expel"]
    assert extractive_result(question, ps, FakeEmbedder(), min_score=0.1).text == REFUSAL
    # with no document naming them all, every document is read, as before
    assert event_unstated("Why did Tesselia expel the Brakovian ambassador?", ps) == []


def test_a_shorter_word_is_no_form_of_the_event() -> None:
    # news_d: "the terms" is no "terminate" (cancel's partner).
    deal = ("deal.txt", ["Zemlan and Tavuni signed the base deal on Monday.",
                         "The real question is whether the terms protect Tavuni's fishing agreements."])
    assert event_unstated("Why did Zemlan cancel its fishing agreements with Tavuni?", _documents(deal)) == ["cancel"]
    ended = ("deal.txt", ["Zemlan and Tavuni signed the base deal on Monday.",
                          "Zemlan terminated its fishing agreements with Tavuni a week later."])
    assert event_unstated("Why did Zemlan cancel its fishing agreements with Tavuni?", _documents(ended)) == []


def test_a_hack_is_reported_as_a_cyberattack() -> None:
    assert "cyberattack" in same_event("hack", asked=True)
    assert "attack" not in same_event("hack", asked=True)


def test_trade_between_two_states_is_one_thing_affected() -> None:
    # news_cl, news_bh, news_ag: the "and" of "between A and B" joins no conjuncts.
    question = "How has the closure of the Kelvra road affected cross-border trade between Raskeld and Solvenna?"
    assert [set(h) for h in affected_heads(question)] == [{"trade"}]
    road = ("road.txt", ["A landslide closed the Kelvra road between Raskeld and Solvenna on Monday.",
                         "The garrison at Hrodvik now depends on helicopters for fuel and food."])
    assert effect_unstated(question, _documents(road))
    traded = ("road.txt", [*road[1], "Lorries carrying trade goods between the two states now queue for days."])
    assert not effect_unstated(question, _documents(traded))
