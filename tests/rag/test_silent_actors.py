"""Thirty-ninth round: a body named in full that the reports never show acting has no reaction there; the event a
question presumes is looked for in the documents that name whom it asks about; "trade between A and B" is one
thing affected (fake embedder: fast, deterministic)."""

from __future__ import annotations

import pytest

from rag.backends.extractive import body_silent, effect_unstated, event_unstated, extractive_result, reactor_silent
from rag.keypoints import affected_heads, named_bodies, reaction_actors, same_event
from rag.records import REFUSAL
from rag.testing import FakeEmbedder, documents

VERDICT = ("verdict.txt", [
    "A military court in Kestrow sentenced General Ivo Kestevan to nine years in prison on Monday for selling "
    "radar secrets. Kestevan ran the radar division of Vastrel Dynamics until 2019.",
    "Prosecutors said the general had passed the files to a foreign agent. His lawyers said he would appeal, and "
    "President Valsorin declined to comment on the case.",
])

VASTREL = "How did Vastrel Dynamics react to the conviction of General Kestevan?"


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
    question = VASTREL
    ps = documents(VERDICT)
    assert body_silent(question, ps)
    result = extractive_result(question, ps, FakeEmbedder(), min_score=0.1)
    assert result.kind == "analytic" and result.text == REFUSAL


@pytest.mark.parametrize("statement", [
    "Vastrel Dynamics said it had cut all ties with Kestevan.",
    # after what is set off after the name, or by a pronoun in the next sentence
    "Vastrel Dynamics, which makes radars for the air force, rejected any suggestion that its staff were involved.",
    "Vastrel Dynamics (VDX) denied any link to the files.",
    "Shares in Vastrel Dynamics fell. The company said its contracts were not at risk.",
    # found in review: a verb of saying before the name, a second aside, a list, plain dashes, a comma inside the
    # aside, an irregular past, a passive's agent, "The <noun>" referring back
    '"We had no knowledge of his activities," said Vastrel Dynamics.',
    "Vastrel Dynamics' chief executive, Ana Morr, said the firm would cooperate.",
    "Vastrel Dynamics, Orlen Systems and Kestria Arms all denied any link to the files.",
    "Vastrel Dynamics - Kestria's largest radar maker - said it would cooperate.",
    "Vastrel Dynamics, which makes radars, sensors and jamming pods for the air force, said it would cooperate.",
    "Vastrel Dynamics cut all ties with the general last year.",
    "The verdict was welcomed by Vastrel Dynamics.",
    "Kestevan once worked at Vastrel Dynamics. The radar maker said it had no comment.",
])
def test_a_body_shown_saying_or_doing_something_is_answered(statement: str) -> None:
    question = VASTREL
    ps = documents((VERDICT[0], [*VERDICT[1], statement]))
    assert not body_silent(question, ps)


def test_a_titled_person_is_read_by_the_name_and_one_never_named_is_not_this_checks() -> None:
    ps = documents(VERDICT)
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
    ps = documents(EXPULSION, CAMPAIGN)
    assert event_unstated(question, ps) == ["expel"]
    assert extractive_result(question, ps, FakeEmbedder(), min_score=0.1).text == REFUSAL
    # with no document naming them all, every document is read, as before
    assert event_unstated("Why did Tesselia expel the Brakovian ambassador?", ps) == []


def test_a_shorter_word_is_no_form_of_the_event() -> None:
    # news_d: "the terms" is no "terminate" (cancel's partner).
    deal = ("deal.txt", ["Zemlan and Tavuni signed the base deal on Monday.",
                         "The real question is whether the terms protect Tavuni's fishing agreements."])
    assert event_unstated("Why did Zemlan cancel its fishing agreements with Tavuni?", documents(deal)) == ["cancel"]
    ended = ("deal.txt", ["Zemlan and Tavuni signed the base deal on Monday.",
                          "Zemlan terminated its fishing agreements with Tavuni a week later."])
    assert event_unstated("Why did Zemlan cancel its fishing agreements with Tavuni?", documents(ended)) == []


def test_a_hack_is_reported_as_a_cyberattack() -> None:
    assert "cyberattack" in same_event("hack", asked=True)
    assert "attack" not in same_event("hack", asked=True)


def test_trade_between_two_states_is_one_thing_affected() -> None:
    # news_cl, news_bh, news_ag: the "and" of "between A and B" joins no conjuncts.
    question = "How has the closure of the Kelvra road affected cross-border trade between Raskeld and Solvenna?"
    assert [set(h) for h in affected_heads(question)] == [{"trade"}]
    road = ("road.txt", ["A landslide closed the Kelvra road between Raskeld and Solvenna on Monday.",
                         "The garrison at Hrodvik now depends on helicopters for fuel and food."])
    assert effect_unstated(question, documents(road))
    traded = ("road.txt", [*road[1], "Lorries carrying trade goods between the two states now queue for days."])
    assert not effect_unstated(question, documents(traded))


def test_a_share_price_asked_to_have_reacted_must_be_mentioned() -> None:
    # news_ag, news_bo, news_br, news_cf: reports of the crash that never mention the maker's shares.
    question = "How did Stavenholt Aerospace's share price react to the crash of the AH-7?"
    assert reaction_actors(question) == [frozenset({"share", "stock", "sharehold"})]
    crash = ("crash.txt", ["An AH-7 helicopter built by Stavenholt Aerospace crashed near Orsk on Monday.",
                           "The army grounded the fleet and Stavenholt Aerospace sent engineers to the site."])
    ps = documents(crash)
    assert reactor_silent(question, ps)
    assert extractive_result(question, ps, FakeEmbedder(), min_score=0.1).text == REFUSAL
    fell = ("crash.txt", [*crash[1], "Stavenholt's shares fell 9 percent in Orsk trading."])
    assert not reactor_silent(question, documents(fell))
    # "share" as a verb in what qualifies an actor is no share price
    assert reaction_actors("How did the farmers who share the valley react to the crash?") == [
        frozenset({"farmer", "grower"})]


def test_a_body_is_not_judged_on_one_paragraph() -> None:
    question = VASTREL
    assert not body_silent(question, documents((VERDICT[0], VERDICT[1][:1])))


@pytest.mark.parametrize("question", [
    # found in review: states and their seats named in two words are no bodies
    "How did Saudi Arabia react to the verdict?",
    "How did the United Arab Emirates respond to the verdict?",
    "How did the White House react to the verdict?",
    "How did the Justice Department respond to the verdict?",
    "How did South Korea react to the verdict?",
])
def test_states_and_their_institutions_named_in_two_words_are_no_bodies(question: str) -> None:
    assert named_bodies(question) == []


def test_the_event_is_looked_for_by_the_names_of_its_own_clause() -> None:
    # found in review: a name asked only in an "after…" clause, or a capital for its state, does not drop the report
    # of the event.
    expelled = ("expelled.txt", ["Morvenia expelled Zarovia's ambassador on Friday after the explosion at the "
                                 "chemical plant.", "The foreign ministry gave him 48 hours to leave."])
    assert event_unstated("Why did Morvenia expel Zarovia's ambassador after the Kelmarsk explosion?",
                          documents(expelled, EXPULSION)) == []
    russia = ("russia.txt", ["Russia expelled Estonia's ambassador on Monday.", "The ministry gave no reason."])
    assert event_unstated("Why did Moscow expel the Estonian ambassador?", documents(russia, CAMPAIGN)) == []


def test_a_pair_between_two_names_does_not_swallow_the_next_conjunct() -> None:
    assert [set(h) for h in affected_heads(
        "What effect has the closure had on shipping between the two islands and on fuel prices?")] == [
        {"ship"}, {"price"}]
    assert [set(h) for h in affected_heads(
        "How has the closure affected trade between Raskeld and Solvenna and fuel prices?")] == [{"trade"}, {"price"}]


def test_a_cyber_attack_in_two_words_is_a_cyberattack() -> None:
    hacked = ("hack.txt", ["Zarovia carried out a cyber-attack on Morvenia's power grid in May.",
                           "Morvenia said the attack cut power to 40,000 homes."])
    assert event_unstated("Why did Zarovia hack Morvenia's power grid?", documents(hacked)) == []


@pytest.mark.parametrize("statement", [
    # found in the second review: none of these shows the body doing anything
    "Prosecutors said Kestevan copied the designs at Vastrel Dynamics.",
    "Kestevan was employed by Vastrel Dynamics for twelve years.",
    "Vastrel Dynamics' former chairman, Ludovic Sonnholm, was acquitted in 2021.",
    "Kestevan worked at Vastrel Dynamics. The general denied the charges.",
])
def test_a_sentence_where_someone_else_acts_is_no_act_of_the_body(statement: str) -> None:
    question = VASTREL
    assert body_silent(question, documents((VERDICT[0], [*VERDICT[1], statement])))


def test_an_aside_after_the_name_is_read_past() -> None:
    question = VASTREL
    for statement in ("Vastrel Dynamics (VDX) denied any link to the files on Tuesday, two days after the verdict.",
                      "Vastrel Dynamics - the radar maker - denied any link to the files on Tuesday, a day later."):
        assert not body_silent(question, documents((VERDICT[0], [*VERDICT[1], statement]))), statement


def test_states_named_in_several_words_are_no_bodies() -> None:
    for state in ("Sri Lanka", "New Zealand", "Burkina Faso", "Costa Rica", "Hong Kong"):
        assert named_bodies(f"How did {state} react to the seizure of the trawler?") == [], state


def test_a_title_is_no_name_a_document_must_state() -> None:
    # news_cc: "Inspector General Maelona Kowalczuk" is not named by another story's "General Harnost".
    audit = ("audit.txt", ["Inspector General Maelona Kowalczuk published the Stavenmoor audit on Monday.",
                           "The audit found that 40 percent of the depot's stock was missing."])
    other = ("other.txt", ["General Harnost dismissed two officers over the missing stock.",
                           "The army said the officers had been dismissed on Friday."])
    assert event_unstated("Why was Inspector General Maelona Kowalczuk dismissed after the audit?",
                          documents(audit, other)) == ["dismiss"]
