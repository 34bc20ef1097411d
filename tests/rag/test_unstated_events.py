"""What an analytic question takes for granted must be in the sources: the event a "why did…" question asks about,
the thing an effect question asks about, and a named actor asked to have reacted (fake embedder: fast,
deterministic)."""

from __future__ import annotations

import pytest

from rag.backends.extractive import effect_unstated, event_unstated, extractive_result, reactor_unnamed
from rag.keypoints import affected_heads, named_reactors, presumed_event
from rag.records import REFUSAL, Chunk, Passage
from rag.testing import FakeEmbedder

GULF = [
    ("Kaspria's fighters shadowed an Ulthenian reconnaissance aircraft over the gulf for an hour on Tuesday. "
     "Ulthenia called the interception reckless and summoned Kaspria's ambassador."),
    ("Both states claim the gulf's waters. Shipping insurers have raised premiums for tankers crossing it, "
     "and fishermen say their catches have fallen since the patrols began."),
    ("Kaspria's defence ministry said its pilots had followed the rules. Ulthenia said its patrols would go on "
     "at the same tempo, and the two navies have no hotline."),
]


def gulf(source: str = "/corpus/gulf.txt", texts: list[str] = GULF) -> list[Passage]:
    return [Passage(chunk=Chunk(id=f"{source}-{n}", source=source, title="Standoff over the gulf", text=text,
                                start=0, end=len(text), index=n), score=1.0 / (n + 1), similarity=0.5)
            for n, text in enumerate(texts)]


@pytest.mark.parametrize("question, event", [
    ("Why did Kaspria shoot down the aircraft?", "Why did Kaspria shoot down the aircraft?"),
    ("why did kaspria summon the envoy, and how did Ulthenia respond",
     "Why did kaspria summon the envoy?"),
    # the event's own clause, without its circumstances ("after…", "in response to…")
    ("According to the reports, why did Ulthenia recall its ambassador after the incident?",
     "Why did Ulthenia recall its ambassador?"),
    ("Why did Kaspria close the strait in response to the patrols - was it legal?", "Why did Kaspria close the strait?"),
    # an alternative not taken is no part of the event (news_as: "rather than just the crashed aircraft's unit"),
    # and what an actor said is in its words, which a report may give in its own (news_v: "say it was restricting")
    ("Why did Kaspria ground the whole fleet rather than the crashed aircraft's unit?",
     "Why did Kaspria ground the whole fleet?"),
    ("Why did Kaspria say it was restricting exports, and what was the background?", None),
    ("Why did Kaspria claim that the aircraft had entered its airspace?", None),
    # found in review: a speech verb of a relative clause, and an order, leave the event checked
    ("Why did the Houthis seize oil tankers they said were linked to Israel?",
     "Why did the Houthis seize oil tankers they said were linked to Israel?"),
    ("Why did Putin tell Prigozhin to surrender?", "Why did Putin tell Prigozhin to surrender?"),
    ("Why did Kaspria declare war?", "Why did Kaspria declare war?"),
    # a passive presumes its event too; a state asked about does not (news_bg, news_ao, news_ar)
    ("Why was the captain of the Orsolind relieved of command after the collision?",
     "Why was the captain of the Orsolind relieved of command?"),
    ("Why were residents of Grevmouth evacuated after the leak, and where were they taken?",
     "Why was residents of Grevmouth evacuated?"),
    ("Why has the first Gyrfalcon frigate been delayed, according to the ministry?",
     "Why was the first Gyrfalcon frigate delayed?"),
    ("Why were the fishermen unhappy about the way the launch was notified?", None),
    ("Why were Quilmoran fishermen angry?", None),
    ("Why was the navy slow to report it?", None),
    ("Why were the officials worried about the leak?", None),
    ("Why was the radar problem not caught?", None),
    # found in review: a mood is no event, "relieved" only of something is; the first question of two is read
    ("Why were investors rattled by the budget?", None),
    ("Why was the market reaction muted?", None),
    ("Why were officials relieved?", None),
    ("Why was the outcome unexpected?", None),
    ("Why did Kaspria shoot down the aircraft, and why were officials worried?",
     "Why did Kaspria shoot down the aircraft?"),
    ("Why did Kaspria expel the envoy, and why were the talks suspended?", "Why did Kaspria expel the envoy?"),
    ("Why did Kaspria ground the fleet? Why was it not checked?", "Why did Kaspria ground the fleet?"),
    # the consequences of an event named by a noun presume the event (news_bk, news_f); not of a thing
    ("What were the consequences of Valcik's resignation over the database theft?",
     "Why did Valcik's resignation over the database theft?"),
    ("What were the consequences of the arrest of the driver after the crash?",
     "Why did the arrest of the driver?"),
    ("What were the consequences of the interception?", None),
    # found in review: a thing not done, what is affected, a light noun, a second question are no part of the event
    ("What are the consequences of not signing the deal?", None),
    ("What was the impact of Biden's withdrawal on the Democratic campaign?", "Why did Biden's withdrawal?"),
    ("What was the impact of the decision to raise interest rates on mortgages?", None),
    ("What are the effects of climate change and what did the ruling say?", None),
    # (thirty-sixth round) "what led X to do Y" asks why X did Y; "what led to" a noun is not an act asked about
    ("What led the government to dismiss Colonel Alstrand as commander of Unit 57?",
     "Why did the government dismiss Colonel Alstrand?"),
    ("What prompted the Audit Chamber to examine the contract?", "Why did the Audit Chamber examine the contract?"),
    ("What led to the collapse of the talks?", None),
    ("What led the minister to be so cautious?", None),
    # (thirty-sixth round) a reaction "when" something happened presumes that it happened
    ("How did Bereznia respond when Skovrenian patrol vessels intercepted the trawler?",
     "Why did Skovrenian patrol vessels intercepted the trawler?"),
    ("How did Lessia react when the talks were not resumed?", None),
    ("How did Lessia react to the talks?", None),
    # (found in review: a negation written short, "when asked", "to" before a noun, a demand as the subject)
    ("How did Lessia react when Kaspria didn't pay for the gas?", None),
    ("How did the minister respond when asked about the strike?", None),
    ("What prompted the switch to diesel engines?", None),
    ("What led up to the invasion?", None),
    ("What led Kaspria to the negotiating table?", None),
    ("What prompted calls for Defence Minister Vostrava to resign?", None),
    ("What prompted Kaspria to close the strait?", "Why did Kaspria close the strait?"),
    # a negated question presumes that nothing happened
    ("Why didn't Kaspria use the hotline?", None),
    ("Why did Kaspria not use the hotline?", None),
    # a view, a judgement, a state of things: the words are the asker's, not an event's
    ("Why does the analyst think the patrols will go on?", None),
    ("Why did the author call the interception reckless?", None),
    ("Why are the fishermen unhappy?", None),
    ("What were the consequences of the interception?", None),
    # found in review: a thing not done, what is affected, a light noun, a second question are no part of the event
    ("What are the consequences of not signing the deal?", None),
    ("What was the impact of Biden's withdrawal on the Democratic campaign?", "Why did Biden's withdrawal?"),
    ("What was the impact of the decision to raise interest rates on mortgages?", None),
    ("What are the effects of climate change and what did the ruling say?", None),
])
def test_the_event_a_why_question_presumes(question: str, event: str | None) -> None:
    assert presumed_event(question) == event


def test_a_why_question_about_an_event_no_document_reports_is_refused() -> None:
    # Every name is stated, and the gulf, the aircraft and the ambassador are; no shooting down, expulsion or
    # cancelled contract is.
    for question in ("Why did Kaspria shoot down the Ulthenian reconnaissance aircraft over the gulf?",
                     "Why did Ulthenia expel Kaspria's ambassador?",
                     "Why did Kaspria cancel its fishing agreements with Ulthenia, and what followed?"):
        assert event_unstated(question, gulf()), question
        result = extractive_result(question, gulf(), FakeEmbedder(), min_score=0.1)
        assert result.kind == "analytic" and result.text == REFUSAL, question


def test_a_why_question_about_a_reported_event_is_answered() -> None:
    # In the article's own words or other forms of them ("summon" / "summoned", "shadow" / "shadowed"); a second
    # question after the first is not part of the event ("and what followed" is no event of the sources).
    for question in ("Why did Ulthenia summon Kaspria's ambassador?",
                     "Why did Kaspria's fighters shadow the Ulthenian aircraft, and what followed?",
                     "Why did insurers raise premiums for tankers crossing the gulf?"):
        assert event_unstated(question, gulf()) == [], question
        result = extractive_result(question, gulf(), FakeEmbedder(), min_score=0.1)
        assert result.kind == "analytic" and result.text.startswith("- "), question


def test_an_event_reported_in_other_words_is_answered() -> None:
    # Reports write one event in several verbs ("attack" / "stormed", "pull out" / "withdrew"), and "decide to",
    # "launch" frame the event rather than name it (found in review).
    text = ["Hamas fighters stormed southern Israel on 7 October, killing about 1,200 people.",
            "Israel withdrew its forces from northern Gaza in January and sent tanks to Rafah in May."]
    ps = gulf("/corpus/war.txt", text)
    for question in ("Why did Hamas attack Israel on 7 October?",
                     "Why did Israel pull out of northern Gaza?",
                     "Why did Israel decide to send tanks to Rafah?"):
        assert event_unstated(question, ps) == [], question
    assert event_unstated("Why did Israel expel the diplomats?", ps)  # no expulsion, in any words


def test_a_convoy_blocked_was_stopped() -> None:
    # Thirty-eighth round: a ship or a convoy stopped is one blocked, halted or intercepted.
    text = ["A Vardic icebreaker and six merchant ships have been stuck for four days after Ostrian coast guard "
            "vessels blocked their passage through the strait.",
            "The convoy will be let through once it takes Ostrian pilots on board, the coast guard said."]
    ps = gulf("/corpus/strait.txt", text)
    assert event_unstated("Why did the Ostrian coast guard stop the Vardic convoy?", ps) == []
    assert event_unstated("Why did the Ostrian coast guard sink the Vardic convoy?", ps)  # no sinking
    # Interceptors stop nothing a convoy did (review).
    escorted = gulf("/corpus/strait.txt", ["The Vardic convoy was escorted through the strait by two Ostrian coast "
                                           "guard cutters.",
                                           "Patriot interceptors guarding the Vardic convoy shot down two drones."])
    assert event_unstated("Why did the Ostrian coast guard stop the Vardic convoy?", escorted) == ["stop"]


def test_what_happened_must_be_stated_with_the_event() -> None:
    # news_ac, news_bg: the article says "halted" about talks and names the purchase apart, or names the frigates
    # and an attack on something else. What happened must be stated with another word of the event; where and
    # for what may be carried by a pronoun ("tankers crossing it", in the gulf article above).
    text = ["Talks with Ulthenia were halted in May. Kaspria's purchase of Velmar tanks is due to be signed this year.",
            "A convoy was attacked near Dorsk. Two Ulthenian frigates patrol the gulf, watched by rebels."]
    ps = gulf("/corpus/talks.txt", text)
    assert event_unstated("Why did Kaspria cancel its purchase of Velmar tanks?", ps) == ["cancel"]
    assert event_unstated("Why did the rebels attack the Ulthenian frigates?", ps) == ["attack"]
    # ... and stated with it, in one sentence, in the event's words or other names for it
    assert event_unstated("Why did Kaspria suspend the talks with Ulthenia?", ps) == []
    assert event_unstated("Why was the convoy struck near Dorsk?", ps) == []
    # (nor does it say who attacked the convoy: the rebels are only watching the frigates)
    assert event_unstated("Why did the rebels strike the convoy?", ps) == ["rebel"]
    # another verb for the event is read as itself, not by a shared prefix ("drop" is no "drone", "storm" no
    # "stop"), and "the end of" a year cancels nothing (news_bg, news_bh)
    near = gulf("/corpus/missiles.txt", ["Better drones could cut the number of missiles needed.",
                                         "The remaining missiles are due by the end of 2027. Ships stop and search."])
    assert event_unstated("Why did Kaspria cancel the missiles?", near) == ["cancel"]
    assert event_unstated("Why did Kaspria attack ships?", near) == ["attack"]
    # a passive's event, in one sentence with the person it was done to
    sacked = gulf("/corpus/navy.txt", ["The navy sacked the Orsolind's captain on Monday, taking away his command.",
                                       "The collision damaged the tanker's hull. The army replaced its rifles."])
    assert event_unstated("Why was the captain of the Orsolind relieved of command?", sacked) == []
    assert event_unstated("Why was the captain of the Orsolind relieved of command?", gulf())
    # (things are replaced and removed far more often than people: no dismissal, news_bn)
    assert "dismiss" in event_unstated("Why did the army dismiss its rifle makers?", sacked)


def test_the_consequences_of_an_event_no_document_reports_are_refused() -> None:
    # news_f: "What were the consequences of Sofia Halvard's resignation?" over articles in which she stays.
    report = gulf("/corpus/minister.txt", ["Defence Minister Sofia Halvard defended the budget on Monday.",
                                           "Critics called for her resignation, but the coalition backed her."])
    question = "What were the consequences of Sofia Halvard's resignation as defence minister?"
    assert event_unstated(question, report) == ["resign"]
    assert extractive_result(question, report, FakeEmbedder(), min_score=0.1).text == REFUSAL
    resigned = gulf("/corpus/minister2.txt", ["Sofia Halvard's resignation as defence minister took effect on Monday.",
                                              "The coalition named a successor."])
    assert event_unstated(question, resigned) == []


PARADE = ["It could cancel the parade, as the opposition demands.",
          "The ministry would not suspend the flights. Antocha praised the crews."]
MAY = ["Theresa May resigned as prime minister in 2019.", "The government in May cancelled the submarine contract."]
THREATS = ["Antocha threatened to cancel the parade.", "He won't suspend the flights."]
PLANNED = ["Antocha is expected to cancel the parade next month.",
           "The ministry plans to suspend the flights. The crews were praised."]
STRIKES = ["Flights were suspended on Monday due to strikes by pilots.", "Parliament is yet to suspend the treaty."]
DEMANDS = ["The death of a conscript at the garrison prompted calls for Defence Minister Vostrava to resign.",
           "Lawmakers demanded Vostrava's resignation, and others urged the union to call off the strike."]


@pytest.mark.parametrize("texts, question, unstated", [
    # news_bn, news_bl: "It could cancel the parade, as the opposition demands" reports no cancelled parade.
    (PARADE, "Why did Antocha cancel the parade?", ["cancel"]),
    (PARADE, "Why did Antocha suspend the flights?", ["suspend"]),
    (["Antocha cancelled the parade on Monday.", "The crews were praised."], "Why did Antocha cancel the parade?", []),
    # (found in review: "May" is a month or a name, not a modal; "threatened to", "won't" are)
    (MAY, "Why did Theresa May resign?", []),
    (MAY, "Why did the government cancel the submarine contract?", []),
    (THREATS, "Why did Antocha cancel the parade?", ["cancel"]),
    (THREATS, "Why did Antocha suspend the flights?", ["suspend"]),
    # (thirty-fifth round: what is planned or expected is not yet done; "decided to" and "agreed to" report a choice)
    (PLANNED, "Why did Antocha cancel the parade?", ["cancel"]),
    (PLANNED, "Why did the ministry suspend the flights?", ["suspend"]),
    (["Antocha decided to cancel the parade on Monday.", "The crews were praised."],
     "Why did Antocha cancel the parade?", []),
    # (found in review: "due to" comes before a noun, "suspended due to strikes"; "is yet to" is not done)
    (STRIKES, "Why did the pilots strike?", []),
    (STRIKES, "Why did parliament suspend the treaty?", ["suspend"]),
    # (thirty-sixth round, news_bw, news_by) a demand is not the act demanded; what follows it in another clause is
    (DEMANDS, "Why did Defence Minister Vostrava resign?", ["resign"]),
    (DEMANDS, "Why did the union cancel the strike?", ["cancel"]),
    (["Lawmakers demanded an inquiry, and Defence Minister Vostrava resigned on Friday."],
     "Why did Defence Minister Vostrava resign?", []),
    # two-word verbs: "call off" is to cancel, "step down" to resign, in the question and in the report
    (["The union voted to strike on Monday.", "Talks resume next week."], "Why did the union call off the strike?",
     ["cancel"]),
    (["The union called off the strike on Monday after a pay offer.", "Talks resume next week."],
     "Why did the union cancel the strike?", []),
    (["Minister Vostrava stepped down on Friday.", "Her deputy took over."], "Why did Minister Vostrava resign?", []),
    # (found in review) the noun "demand", and a demand in a clause of its own, leave the sentence's act reported;
    # "call the strike off" is the same act as "call off the strike"
    (["Weak demand prompted Norvik Steel to cut production at its plant.", "Shares fell."],
     "Why did Norvik Steel cut production?", []),
    (["Protesters who had demanded higher wages stormed the parliament.", "Police withdrew."],
     "Why did protesters storm the parliament?", []),
    (["Workers demanding higher pay blocked the port on Monday.", "Ships waited."], "Why did workers block the port?",
     []),
    (["The union called the strike off on Monday.", "Talks resume next week."],
     "Why did the union call off the strike?", []),
    (["The union called off the strike on Monday.", "Talks resume next week."],
     "Why did the union call the strike off?", []),
    # (forty-first round, news_cq, news_ct) what someone refused, declined or failed to do was not done; "turn down",
    # "pull out" and "hand over" are to reject, withdraw and transfer
    (["Eftaria has made one right decision by refusing to pay the ransom.", "The hackers were paid nothing."],
     "Why did Eftaria pay the ransom?", ["pay"]),
    (["Eftaria paid the ransom, having first refused to negotiate.", "The hackers were paid in May."],
     "Why did Eftaria pay the ransom?", []),
    (["Kaspria failed to evacuate the island before the storm.", "Its navy was late."],
     "Why did Kaspria evacuate the island?", ["evacu"]),
    (["Banfelde will become deputy chief of the general staff.", "He accepted the rank."],
     "Why did Banfelde turn down the post of deputy chief of staff?", ["reject"]),
    (["Banfelde turned down the post of deputy chief of staff on Monday.", "He stayed in the delta."],
     "Why did Banfelde reject the post of deputy chief of staff?", []),
    (["Dessa's council pulled out of the Orvane agreement on Friday.", "Monitors left."],
     "Why did Dessa's council withdraw from the Orvane agreement?", []),
    (["Vostrana handed over the list of units on Monday.", "The talks went on."],
     "Why did Vostrana transfer the list of units?", []),
    # what the question itself supposes not done is looked for as written, not as done
    (["Vostrana's delegation refused to hand over the list of units.", "The talks went on."],
     "Why did Vostrana's delegation refuse to hand over the list of units?", []),
    # (review) the object between a two-word verb's words; an irregular past with a common-noun subject
    (["The minister turned the offer down on Monday.", "Talks resume next week."],
     "Why did the minister turn down the offer?", []),
    (["Ukraine handed the prisoners over to Russia on Monday.", "Talks resume next week."],
     "Why did Ukraine hand over the prisoners?", []),
    (["The government paid the ransom on Monday.", "The hostages were freed."],
     "Why did the government pay the ransom?", []),
    (["The ministry bought 40 drones from Turkey.", "They arrive in May."], "Why did the ministry buy the drones?",
     []),
    (["The frigate sank after the strike.", "Its crew was rescued."], "Why did the frigate sink?", []),
    (["The ministry refused to pay the ransom.", "The hostages were not freed."],
     "Why did the ministry pay the ransom?", ["pay"]),
])
def test_an_event_said_to_be_possible_or_not_done_is_not_reported(texts: list[str], question: str,
                                                                   unstated: list[str]) -> None:
    assert event_unstated(question, gulf("/corpus/events.txt", texts)) == unstated


def test_a_passive_event_may_be_stated_beside_whom_it_was_done_to() -> None:
    # Found in review: "he had been expelled" in the sentence after the one naming the ambassador.
    report = gulf("/corpus/embassy.txt", ["Russia summoned Britain's ambassador, Nigel Casey, on Tuesday.",
                                          "Hours later the ministry said he had been expelled for spying.",
                                          "London called it baseless."])
    assert event_unstated("Why was the ambassador expelled?", report) == []
    assert event_unstated("Why was the British ambassador expelled from Russia?", report) == []
    assert event_unstated("Why was the British ambassador arrested?", report) == ["arrest"]


def test_a_verb_reports_write_as_a_noun_stands_for_its_event_only_when_asked() -> None:
    # Found in review: "Why did Russia shell Kharkiv?" over "artillery struck…", "ship drones" over "sent drones";
    # a report's "shells" and "ships" are no attack.
    report = gulf("/corpus/strikes.txt", ["Russian artillery struck residential districts of Kharkiv on Monday.",
                                          "Iran sent drones and missiles to the Houthis."])
    assert event_unstated("Why did Russia shell Kharkiv?", report) == []
    assert event_unstated("Why did Iran ship drones to the Houthis?", report) == []
    depot = gulf("/corpus/depot.txt", ["Shells are stored near the school.", "Ships dock nearby."])
    assert event_unstated("Why did Russia attack the school?", depot) == ["attack"]


def test_the_article_about_the_event_is_read_not_a_paragraph_that_states_less_of_it() -> None:
    # The article states every word of the event, but not the cancelling with the purchase; a one-paragraph note
    # states the purchase and the tanks together and nothing of a cancelling. The article is the document about the
    # event (it states most of its words), so its silence is evidence; the note ties with it only in what it
    # states with the event, which stopped the check (news_bn).
    article = gulf("/corpus/tanks.txt", ["Drills were halted in May.", "Its purchase of Velmar tanks is due this year."])
    note = gulf("/corpus/note.txt", ["The purchase of Velmar tanks was signed."])
    assert event_unstated("Why did Kaspria cancel its purchase of Velmar tanks?", [*article, *note]) == ["cancel"]


def test_a_gas_terminal_is_no_terminated_lease() -> None:
    # news_cr: "terminal" and "terminate" share the stem "termin"; a report of a gas terminal states no cancelling.
    radar = gulf("/corpus/radar.txt", ["Tusmerin leased its Horndalen radar station to Ebrennia.",
                                       "Gas reaches a terminal on the Tusmerin coast near the Horndalen radar."])
    assert event_unstated("Why did Tusmerin cancel the Horndalen radar lease?", radar) == ["cancel"]
    terminated = gulf("/corpus/radar.txt", ["Tusmerin leased its Horndalen radar station to Ebrennia.",
                                            "Tusmerin terminated the Horndalen radar lease in March."])
    assert event_unstated("Why did Tusmerin cancel the Horndalen radar lease?", terminated) == []


def test_a_document_read_once_that_ties_with_the_article_stops_the_check() -> None:
    # (review, forty-first round) a one-paragraph note may report the event in a verb no list holds ("revoked"): the
    # article read at length is no evidence of its absence while the note ties with it.
    radar = gulf("/corpus/radar.txt", ["Tusmerin leased its Horndalen radar station to Ebrennia.",
                                       "About 180 Ebrennian personnel will be stationed at Horndalen."])
    note = gulf("/corpus/note.txt", ["Tusmerin revoked the Horndalen radar lease in March."])
    assert event_unstated("Why did Tusmerin cancel the Horndalen radar lease?", [*radar, *note]) == []


def test_what_the_document_level_reading_finds_unstated_stays_unstated() -> None:
    # Read word by word the article states the cancelling ("drones" shares its prefix with "drop") and not the
    # drills; read strictly, it states neither, and ties with a one-paragraph note that stopped the check (news_bn).
    article = gulf("/corpus/velmar.txt", ["Drones circled Velmar on Monday.", "The port stayed open."])
    note = gulf("/corpus/note.txt", ["Velmar is a port."])
    assert event_unstated("Why did Kaspria cancel the drills at Velmar?", [*article, *note])


def test_a_view_is_not_read_as_an_event() -> None:
    # "reckless" is the asker's word for the writer's judgement; the question goes on to the key points.
    question = "Why does the analyst consider Kaspria's decision to shoot down the aircraft reckless?"
    assert event_unstated(question, gulf()) == []


def test_one_paragraph_is_no_evidence_that_an_event_is_absent() -> None:
    # A one-passage document may report the event in other words; an article read at length is evidence.
    question = "Why did Ulthenia expel Kaspria's ambassador?"
    assert event_unstated(question, gulf()[:1]) == []
    report = gulf("/corpus/report.txt", ["Ulthenia expelled Kaspria's ambassador on Wednesday over the incident."])
    assert event_unstated(question, [*gulf(), *report]) == []  # another document reports it


@pytest.mark.parametrize("question, heads", [
    ("What effect has the standoff had on fish prices in Ulthenia?", [{"price"}]),
    ("What impact has the standoff had on tourism and investment?", [{"tourism"}, {"invest"}]),
    ("What was the impact on shipping insurance premiums of the standoff?", [{"premium"}]),
    ("How did the standoff affect the share price of Kaspria's oil company?", [{"price"}]),
    ("What were the consequences of the attack on the power grid for households?", [{"household"}]),
    ("What effect did the standoff have on local businesses?",
     [{"busi", "compani", "corpor", "enterpris", "firm", "oper"}]),
    # what qualifies the thing is no part of it (news_bh, news_bi), nor a head that links to it (found in review)
    ("What effect has the blockade had on access to medicine?", [{"medicin"}]),
    ("What effect has the scandal had on Kaspria's fighter sales to other countries?", [{"sale"}]),
    ("What effect has the mutiny had on recruitment into the navy?", [{"recruit"}]),
    # a name, a general thing, a view, no effect asked: nothing to check
    ("How did the standoff affect Ulthenia?", []),
    ("What effect has the standoff had on daily life in the region?", []),
    ("What consequences for the region does the analyst foresee?", []),
    ("What were the consequences of the interception?", []),
])
def test_the_things_an_effect_question_asks_about(question: str, heads: list[set[str]]) -> None:
    assert [set(h) for h in affected_heads(question)] == heads


def test_an_effect_on_a_thing_no_document_mentions_is_refused() -> None:
    for question in ("What effect has the standoff over the gulf had on fish prices in Ulthenia?",
                     "What impact has the standoff had on tourism in Kaspria?",
                     "How did the interception affect Kaspria's defence budget?"):
        assert effect_unstated(question, gulf()), question
        result = extractive_result(question, gulf(), FakeEmbedder(), min_score=0.1)
        assert result.kind == "analytic" and result.text == REFUSAL, question


def test_an_effect_on_a_thing_the_documents_mention_is_answered() -> None:
    # Premiums and fishermen are in the article (whether it says the standoff moved them is the points' to show).
    for question in ("What effect has the standoff had on insurance premiums for tankers?",
                     "How has the standoff affected the gulf's fishermen?"):
        assert not effect_unstated(question, gulf()), question
        result = extractive_result(question, gulf(), FakeEmbedder(), min_score=0.1)
        assert result.kind == "analytic" and result.text.startswith("- "), question


def test_the_thing_affected_is_looked_for_in_the_documents_about_the_question() -> None:
    # Prices are in a market report that does not name the gulf's states, not in the article the question is
    # about; with no document about its names, every document is read.
    market = gulf("/corpus/market.txt", ["Fish prices rose by a tenth across the region in March."])
    assert effect_unstated("What effect has the standoff had on fish prices in Ulthenia?", [*gulf(), *market])
    assert not effect_unstated("What effect has the standoff had on fish prices?", [*gulf(), *market])


def test_a_view_is_answered_from_points_a_little_less_relevant(monkeypatch: pytest.MonkeyPatch) -> None:
    # A commentary argues in words of its own: a question asking its writer's view is answered from points whose
    # best relevance is 0.25 (development sets: 10 answerable view questions between 0.20 and 0.30, no unanswerable
    # one); a question asking no view is not, nor a view asked of a news report (found in review: "Why does the
    # analyst think deterrence failed?" answered over a report that quotes no analyst).
    from rag.backends import extractive

    monkeypatch.setattr(extractive, "point_relevance",
                        lambda ranking, *args, **kwargs: {c.text: 0.25 for c in ranking.candidates})
    monkeypatch.setattr(extractive, "_head_relevance",
                        lambda ranking, *args, **kwargs: {c.text: 0.25 for c in ranking.candidates})
    commentary = gulf("/corpus/comment.txt", [
        "I think Ulthenia should open a hotline with Kaspria before the patrols in the gulf end in a collision.",
        "We must not let the two navies drift into a war that neither wants, and I would start with the gulf.",
        "Ulthenia should also invite observers to the gulf, which would make each side's claims easier to check.",
    ])
    question = "What does the analyst recommend Ulthenia do about the patrols in the gulf?"
    view = extractive_result(question, commentary, FakeEmbedder(), min_score=0.1)
    assert view.kind == "analytic" and view.text.startswith("- ")
    assert extractive_result(question, gulf(), FakeEmbedder(), min_score=0.1).text == REFUSAL  # a news report
    report = extractive_result("What were the consequences of the patrols in the gulf?", commentary, FakeEmbedder(),
                               min_score=0.1)
    assert report.kind == "analytic" and report.text == REFUSAL
    # A floor the caller sets is kept for every question.
    strict = extractive_result(question, commentary, FakeEmbedder(), min_score=0.1, analytic_min_relevance=0.3)
    assert strict.text == REFUSAL


def _documents(*documents: tuple[str, list[str]]) -> list[Passage]:
    return [passage for source, texts in documents for passage in gulf(f"/corpus/{source}", texts)]


REPORTS = (("expulsions.txt", ["Canada expelled six Indian diplomats on Monday after police linked agents of the "
                               "Indian government to a campaign of violence.",
                               "India responded hours later by expelling six Canadian diplomats."]),
           ("consulate.txt", ["Poland ordered the closure of the Russian consulate in Poznan after a fire.",
                              "Spokesman Dmitry Peskov said the Kremlin regretted the decision and would respond."]),
           ("trade.txt", ["Pakistan and Germany signed a trade agreement on Tuesday.",
                          "Both governments said exports would double by 2030."]))


def test_a_named_actor_the_reports_of_the_event_never_name_has_no_reaction_there() -> None:
    # news_bg / news_bj: "How did Skarvia react to the collision?" over reports of the collision that never name
    # Skarvia (another article does). Pakistan and Germany are in the trade article, not in the reports of the
    # expulsions or the consulate's closure.
    ps = _documents(*REPORTS)
    for question in ("How did Pakistan react to the expulsion of the diplomats?",
                     "How did Germany's government respond to the closure of the consulate?"):
        assert reactor_unnamed(question, ps), question
        result = extractive_result(question, ps, FakeEmbedder(), min_score=0.1)
        assert result.kind == "analytic" and result.text == REFUSAL, question


def test_a_named_actor_the_reports_name_by_its_state_or_capital_is_read() -> None:
    ps = _documents(*REPORTS)
    for question in ("How did India respond to the expulsions?",
                     "How did New Delhi react to the expulsion of its diplomats?",
                     "How did Russia react to the consulate closure?",  # "the Kremlin said…"
                     "How did Moscow react to the closure of the consulate?",
                     # an actor that is no name is reactor_silent's; a relation is not its name's
                     "How did the opposition and Pakistan react to the expulsions?",
                     "How did Pakistan's allies react to the expulsions?"):
        assert not reactor_unnamed(question, ps), question


def test_a_capital_of_two_words_is_its_state_and_a_state_of_two_words_adds_no_common_words() -> None:
    # Found in review: "White House", "Downing Street" were never read as their states, and "Washington" added
    # "unit" and "state" (of "United States"), which "statement" matched.
    strikes = ("strikes.txt", ["US and British warplanes struck targets in Yemen on Friday.",
                               "The strikes hit radar sites, the Pentagon said."])
    ps = _documents(strikes, REPORTS[2])
    for question in ("How did the White House respond to the strikes in Yemen?",
                     "How did Downing Street react to the strikes in Yemen?"):
        assert not reactor_unnamed(question, ps), question
    assert all("unit" not in actor and "state" not in actor
               for actor in named_reactors("How did Washington react to the expulsions?")[0])
    statement = ("expulsions.txt", ["Canada expelled six diplomats on Monday.", "Ottawa issued a statement."])
    assert reactor_unnamed("How did Washington react to the expulsion of the diplomats?", _documents(statement))
    # an acronym, a person's administration: written in too many ways to check
    assert named_reactors("How did the EU respond to the strikes?") is None
    assert named_reactors("How did the Biden administration respond to the strikes?") is None


def test_a_named_actor_is_not_judged_on_a_paragraph() -> None:
    # One passage of the report is no evidence that it never names the actor.
    ps = _documents(("expulsions.txt", REPORTS[0][1][:1]), REPORTS[2])
    assert not reactor_unnamed("How did Pakistan react to the expulsion of the diplomats?", ps)
    assert named_reactors("How did Pakistan react?") is None  # nothing it reacted to: no documents about it


def test_a_reaction_to_an_event_no_document_reports_is_refused() -> None:
    # Thirty-sixth round (news_ag): "How did X respond when Y intercepted Z?" over reports of no interception.
    question = "How did Ulthenia respond when Kaspria's fighters shot down the aircraft?"
    assert event_unstated(question, gulf()) == ["shot"]
    assert extractive_result(question, gulf(), FakeEmbedder(), min_score=0.0).text == REFUSAL
    assert event_unstated("How did Ulthenia respond when Kaspria's fighters shadowed the aircraft?", gulf()) == []
