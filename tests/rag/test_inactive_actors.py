"""Fortieth round: an actor asked by a common noun that the reports mention but never show acting has no reaction
there; what a passive, a condition or an open question supposes is not reported as done; an event's verb is not
stated by a word that shares only its first letters ("crops" for "cross"); the consequences of a thing "being done"
presume it was done (fake embedder: fast, deterministic)."""

from __future__ import annotations

import pytest

from rag.backends.extractive import (
    _reported_terms,
    event_unstated,
    extractive_result,
    reactor_inactive,
    verdict_unstated,
)
from rag.keypoints import group_asked, presumed_event, verdict_asked
from rag.records import REFUSAL
from rag.testing import FakeEmbedder, documents

RELEASE = ("release.txt", [
    "Two Stelmark engineers kidnapped in the Ferran Hills were freed on Monday after five weeks in captivity, the "
    "foreign ministry said. Their families had been told of the release by telephone on Sunday night.",
    "Interior Minister Matej Oberlik said the release was a humanitarian decision. Opposition lawmakers accused the "
    "government of rewarding kidnapping.",
])
FAMILIES = "How did the families of the kidnapped engineers react to news of their release?"


def test_an_actor_the_reports_mention_but_never_show_acting_has_no_reaction_there() -> None:
    # news_co u12: the families are only told of the release.
    ps = documents(RELEASE)
    assert reactor_inactive(FAMILIES, ps)
    result = extractive_result(FAMILIES, ps, FakeEmbedder(), min_score=0.1)
    assert result.kind == "analytic" and result.text == REFUSAL


@pytest.mark.parametrize("statement", [
    "The families said they were overjoyed and thanked the mediators.",
    "Families of the two men, speaking outside the ministry, welcomed the news.",
    "According to the families, the men were in good health.",
    "The engineers' families, who had camped outside the ministry for a month, thanked the mediators.",
    # (found in review: a qualifier before the verb, and a reaction given as a state)
    "The families of the two engineers said they were overjoyed.",
    "Their families were relieved.",
    "The families were jubilant.",
    "The families wept at the airport.",
])
def test_an_actor_shown_saying_or_doing_something_is_answered(statement: str) -> None:
    ps = documents(("release.txt", [*RELEASE[1], statement]))
    assert not reactor_inactive(FAMILIES, ps)


def test_fishermen_are_a_fisherman() -> None:
    ps = documents(("sinking.txt", [
        "The trawler Ostra sank off Kerbeny on Monday. Most fishermen in Kerbeny rely on the harbour.",
        "The coast guard searched for two days. The owners were not available.",
        "A local fisherman said the sea had been rough all week."]))
    assert not reactor_inactive("How did fishermen in Kerbeny react to the sinking?", ps)
    assert reactor_inactive("How did fishermen in Kerbeny react to the sinking?", ps[:2])


def test_an_actor_never_mentioned_is_left_to_the_mention_check() -> None:
    # (reactor_silent refuses it; this check reads only actors that are there)
    ps = documents(RELEASE)
    assert not reactor_inactive("How did the insurers of the engineers react to their release?", ps)


def test_politicians_speak_as_lawmakers() -> None:
    # news_co a01: "Opposition lawmakers accused the government…" is how politicians in Stelmark reacted.
    briefed = ("briefing.txt", ["Politicians in Stelmark were briefed on the talks on Sunday.", *RELEASE[1]])
    assert not reactor_inactive("How did politicians in Stelmark react to the release of the engineers?",
                                documents(briefed))
    silent = ("briefing.txt", ["Politicians in Stelmark were briefed on the talks on Sunday.", RELEASE[1][0]])
    assert reactor_inactive("How did politicians in Stelmark react to the release of the engineers?",
                            documents(silent))


@pytest.mark.parametrize("question, group", [
    ("How did the two rival tank makers respond to the raids?", True),
    ("how did the various parties inside and outside Irvassa react to the referendum result", True),
    ("How did both sides react to the ceasefire?", True),
    ("How did the families of the engineers react?", False),
    ("How did other foreign correspondents react to the arrest?", False),
])
def test_a_group_of_actors_is_named_member_by_member(question: str, group: bool) -> None:
    assert group_asked(question) is group


def test_a_group_of_actors_is_not_judged_by_its_collective_noun() -> None:
    # news_cl a11: the two tank makers speak as Kornheld and Obrenzo, never as "makers".
    ps = documents(("raids.txt", [
        "Police raided the offices of two tank makers on Tuesday and arrested an official. The makers had bid for "
        "the contract.", "Kornheld said it was cooperating fully. Obrenzo said it felt vindicated."]))
    assert not reactor_inactive("How did the two rival tank makers respond to the raids and arrests?", ps)


def test_an_actor_is_not_judged_on_one_paragraph() -> None:
    ps = documents(("release.txt", RELEASE[1][:1]))
    assert not reactor_inactive(FAMILIES, ps)


@pytest.mark.parametrize("texts, question, unstated", [
    # news_cm u20: a review that "would decide whether the licence should be revoked" has revoked nothing
    (["The review would decide whether the licence should be revoked permanently.", "Felsmark made rifles."],
     "Why did Crevalia revoke Felsmark's licence permanently?", ["revok"]),
    (["Felsmark's licence could be revoked within weeks.", "Felsmark made rifles."],
     "Why did Crevalia revoke Felsmark's licence?", ["revok"]),
    (["If it merely revokes the Felsmark licence and moves on, nothing will change.", "Felsmark made rifles."],
     "Why did Crevalia revoke Felsmark's licence?", ["revok"]),
    (["Crevalia revoked Felsmark's licence on Monday.", "It said the licence could not be restored."],
     "Why did Crevalia revoke Felsmark's licence?", []),
    # news_cn u16: a demand with a passive is not the act demanded
    (["The main opposition party called for the first draw to be postponed.", "The draw is set for 3 May."],
     "Why did Zethros postpone the first draw?", ["postpon"]),
    (["Zethros postponed the first draw to June.", "The opposition had called for a delay."],
     "Why did Zethros postpone the first draw?", []),
    # (found in review) a clause's "if" ends at its comma; a demand's noun of an act is read only within six words
    (["Even if reluctantly, Crevalia revoked Felsmark's licence on Monday.", "Felsmark made rifles."],
     "Why did Crevalia revoke Felsmark's licence?", []),
    (["Lawmakers demanded answers from the government after Crevalia's revocation of Felsmark's licence.",
      "Felsmark made rifles."], "Why did Crevalia revoke Felsmark's licence?", []),
    # a verb's past of the same length ("lost", "fled") states it
    (["Voskarn lost the vote on the dam on Monday.", "Crotheny said it was pleased."],
     "Why did Voskarn lose the vote on the dam?", []),
])
def test_what_a_passive_a_condition_or_an_open_question_supposes_is_not_reported(texts: list[str], question: str,
                                                                                 unstated: list[str]) -> None:
    assert event_unstated(question, documents(("events.txt", texts))) == unstated


def test_an_event_verb_is_not_stated_by_a_word_sharing_its_first_letters() -> None:
    # "would not cross the border", and farmers' "crops", report no crossing by Voskarn.
    texts = ["Voskarn's troops guard the dam and would not cross the border, the minister said.",
             "Downstream, farmers said their crops were lost and the border villages were angry."]
    ps = documents(("dam.txt", texts))
    assert event_unstated("Why did Voskarn cross the border towards the dam?", ps) == ["cross"]
    crossed = documents(("dam.txt", [texts[1], "Voskarn's troops crossed the border towards the dam on Monday."]))
    assert event_unstated("Why did Voskarn cross the border towards the dam?", crossed) == []


@pytest.mark.parametrize("question, event", [
    ("What were the consequences of the stolen laptop's contents being published online?",
     "Why was the stolen laptop's contents published online?"),
    ("What were the consequences of the collision between the Stormfinch and a trawler?",
     "Why did the collision between the Stormfinch and a trawler?"),
    ("What were the effects of the plan not being approved?", None),
    ("What are the possible consequences of Felsmark's licence being revoked?", None),
])
def test_the_consequences_of_a_thing_being_done_presume_it_was_done(question: str, event: str | None) -> None:
    assert presumed_event(question) == event


def test_the_consequences_of_a_collision_between_named_ships_are_looked_for_with_them() -> None:
    # news_co u13: a commentary's "a collision between a trawler and a cutter could…" is no collision of the
    # Stormfinch; the report on the Stormfinch tells of none.
    ps = documents(("fishing_news.txt", ["The cutter Stormfinch monitored the trawlers from six nautical miles.",
                                          "Officials placed a second cutter on standby."]),
                    ("fishing_analysis.txt", ["A collision between a trawler and a cutter could produce casualties.",
                                              "Neither government wants that."]))
    question = "What were the consequences of the collision between the Stormfinch and a Stelmark trawler?"
    assert event_unstated(question, ps)


@pytest.mark.parametrize("texts, question, unstated", [
    # news_cn u19, news_co u17, news_co u18: an order, what is talked of, a subjunctive proposal are not done
    (["The frigate arrived and ordered the cutter to transfer the migrants.", "The crew waited."],
     "Why did Blanmere transfer the migrants?", ["transfer"]),
    (["There is already talk in Kellemund of easing export licences.", "Murqad buys patrol boats."],
     "Why did Kellemund ease export licences?", ["eas"]),
    (["Stelmark has proposed that the boundary be referred to arbitration, an idea Adravia rejected.",
      "Talks resume in June."], "Why did Adravia refer the boundary to arbitration?", ["refer"]),
    (["Kellemund eased export licences on Monday.", "Murqad buys patrol boats."],
     "Why did Kellemund ease export licences?", []),
    (["Police told reporters the man had been arrested.", "He is 40."], "Why did Pellquay arrest the man?", []),
])
def test_an_order_a_talk_of_or_a_proposal_is_not_the_act(texts: list[str], question: str,
                                                          unstated: list[str]) -> None:
    assert event_unstated(question, documents(("events.txt", texts))) == unstated


CRASH = ("crash.txt", [
    "An army helicopter crashed during a night exercise near Kessel on Tuesday, killing two crew members.",
    "The Military Air Accident Investigation Board has opened an inquiry and expects to publish preliminary "
    "findings within 30 days. The army grounded the fleet.",
])


@pytest.mark.parametrize("question, asked", [
    ("What did the preliminary report of the accident board conclude about the cause of the crash?", True),
    ("What did the constitutional court decide about the lottery law?", True),
    ("What did the auditors find when they examined the contracts?", True),
    ("What does the author conclude about the crash?", False),  # a writer's view
    ("What has the investigation found so far?", False),  # progress: "nothing yet" answers it
    ("What did the board say about the crash?", False),
    ("How did the regional fisheries commission rule on the complaint?", True),
    ("How did parliament vote on the contract?", True),
    ("How did the president react to the vote?", False),
    # (SQuAD 2.0 dev: "found" inside the subject, a verb with an object of its own, "rule" as to govern)
    ("What did the fossils found in the Burgess Shale lack?", False),
    ("What have studies on income inequality sometimes found evidence confirming?", False),
    ("How did the Tran dynasty rule?", False),
    ("What has the audit found about the contracts?", True),
    # (second review: an object's noun, a way of choosing, a commentator's view; a perfect's participle)
    ("How did the opposition describe the vote?", False),
    ("How did the government decide which plants to close?", False),
    ("What did analysts conclude about the deal?", False),
    ("How has the court ruled on the appeal?", True),
])
def test_a_finding_asked_for(question: str, asked: bool) -> None:
    assert (verdict_asked(question) is not None) is asked


def test_a_finding_the_reports_give_as_still_to_come_is_refused() -> None:
    # news_co u20: the board "expects to publish preliminary findings within 30 days".
    question = "What did the preliminary report of the accident board conclude about the cause of the crash?"
    ps = documents(CRASH)
    assert verdict_unstated(question, ps)
    assert extractive_result(question, ps, FakeEmbedder(), min_score=0.1).text == REFUSAL
    for done in ["The board's preliminary report concluded that a tail rotor had failed.",
                 "The board published its report on Friday. It concluded that a tail rotor had failed."]:
        assert not verdict_unstated(question, documents(("crash.txt", [*CRASH[1], done])))
    # (one paragraph is no evidence that nothing was concluded)
    assert not verdict_unstated(question, documents(("crash.txt", CRASH[1][1:])))


def test_a_vote_the_reports_give_as_still_to_come_is_refused() -> None:
    question = "How did parliament vote on the Halvren contract?"
    due = ("contract.txt", ["The Halvren security contract was signed in March.",
                            "Parliament will vote on ratifying it next month. The opposition opposes it."])
    assert verdict_unstated(question, documents(due))
    voted = ("contract.txt", [*due[1], "Parliament voted 88 to 61 on Tuesday to ratify the contract."])
    assert not verdict_unstated(question, documents(voted))


def test_a_retaliation_asked_about_must_be_reported() -> None:
    # news_ak u20, news_h u13: "How did X retaliate?" presumes that X retaliated.
    question = "How did Tazhmar retaliate after Quorland imposed sanctions?"
    assert presumed_event(question) == "Why did Tazhmar retaliate?"
    warned = ("breach.txt", ["Quorland imposed sanctions on Tazhmar's intelligence service on Monday.",
                             "Tazhmar's embassy rejected the accusation. Analysts warned of a cycle of retaliation."])
    assert event_unstated(question, documents(warned)) == ["retali"]
    done = ("breach.txt", [*warned[1], "Tazhmar retaliated on Friday by expelling two Quorlandi diplomats."])
    assert event_unstated(question, documents(done)) == []


@pytest.mark.parametrize("question, made", [
    ("What did the constitutional court decide about the lottery law?",
     "The court decided on Tuesday that the lottery law was void."),
    ("How did the constitutional court rule on the lottery law?",
     "The judges found the lottery law unconstitutional on Tuesday."),
    ("How did the constitutional court rule on the lottery law?", "The court struck down the lottery law on Tuesday."),
    ("How did parliament vote on the lottery law?", "Parliament approved the lottery law by 120 votes to 80."),
    ("How did parliament vote on the lottery law?", "Lawmakers voted 120 to 80 to keep the law."),
])
def test_a_finding_reported_in_other_words_or_by_others_is_answered(question: str, made: str) -> None:
    # second review: the court's judges, the parliament's lawmakers, a ruling written as "struck down"
    ps = documents(("law.txt", ["The lottery law was challenged by students in March.", made]))
    assert not verdict_unstated(question, ps)
    # (another body's finding is not the one asked for)
    other = documents(("law.txt", ["The lottery law was challenged by students in March.",
                                    "The minister decided to wait, and the union voted to strike."]))
    assert verdict_unstated(question, other)


def test_a_finding_still_to_come_is_not_one_made() -> None:
    for due in ["The court has not yet ruled on the case.", "The court will soon rule on the case.",
                "The court is expected to rule next month."]:
        ps = documents(("law.txt", ["The lottery law was challenged by students in March.", due]))
        assert verdict_unstated("How did the court rule on the lottery law?", ps)


@pytest.mark.parametrize("sentence, kept, dropped", [
    # (second review) what someone is told or asked about is reported; only what they are asked "to" do is not
    ("The minister told parliament the withdrawal was complete.", {"withdraw", "parliament"}, set()),
    ("The minister asked parliament to approve the budget.", {"parliament"}, {"approv"}),
    ("In order to stop the raids, Kessel closed the border.", {"stop", "close"}, set()),
    ("They had to quickly be evacuated.", {"evacu"}, set()),
    ("Tazhmar vowed to retaliate.", set(), {"retali"}),
    ("There is talk of a ceasefire.", set(), {"ceasefir"}),
])
def test_what_is_reported_done(sentence: str, kept: set[str], dropped: set[str]) -> None:
    reported = _reported_terms(sentence)
    assert kept <= reported and not dropped & reported


def test_a_retaliation_is_reported_in_other_words() -> None:
    question = "How did Tazhmar retaliate after Quorland imposed sanctions?"
    for done in ["Tazhmar hit back on Friday by expelling two Quorlandi diplomats.",
                 "Tazhmar imposed reciprocal sanctions on Quorlandi officials on Friday."]:
        ps = documents(("breach.txt", ["Quorland imposed sanctions on Tazhmar's intelligence service.", done]))
        assert event_unstated(question, ps) == []
    vowed = documents(("breach.txt", ["Quorland imposed sanctions on Tazhmar's intelligence service.",
                                       "Tazhmar vowed to retaliate but has taken no step."]))
    assert event_unstated(question, vowed) == ["retali"]
    assert presumed_event("How did Tazhmar not retaliate?") is None
