"""Question typing and focus (rag.questions): pure functions, no models."""

from __future__ import annotations

import pytest

from rag.questions import (
    answer_type,
    asked_terms,
    defined_term,
    defines,
    focus_matches,
    focus_terms,
    plain_question,
    profile,
    question_kind,
    unattributed,
)
from rag.text import terms

ANALYTIC = [
    # an attribution set off by commas after "how", what actors are doing about a thing, "end up" (news_ax, news_bh)
    "How, according to prosecutors, did the bribery scheme around the offsets work?",
    "How, in Dunhoff's view, does the wall end up strengthening smuggling networks?",
    "what are the defence minister and parliament doing about the fighter programme now that the scandal has broken",
    "What has Lessia done in response to the drone flights?",
    "What has been done about the flooding?",
    # grounds, and a second question asking why or how
    "On what grounds did the cyber agency tie the campaign to Brakovia?",
    "Which approach does the author want the partners to take, and why does he reject the alternatives?",
    "Who won the election and why?",
    "According to Ebberlin, why did the elders turn against the brigade?",
    # what the writer proposes, whatever it is called
    "Which alternative levers against the shadow fleet does the analysis propose instead of ship-by-ship sanctions?",
    "What concrete steps to reduce the risk does the author put forward?",
    # a second blind set: a verb right after "what", a danger or threat posed, "the start of" as a noun
    "What drives Russia's policy in the Sahel?",
    "What limits Hallis's ability to shape the outcome as mediator?",
    "What prevents the EU from acting?",
    "What environmental danger does the ageing shadow fleet pose, according to the analyst?",
    "How do the two versions of the start of the clash differ?",
    # the fourteenth round's blind audit: typed factoid and refused by the factual gate
    "What have been the economic consequences of the coup for ordinary people in Tandara?",
    "What has the blackout done to voters' confidence?",
    "What has the fighting meant for civilians in and around the valley?",
    "What brought the two days of fighting to a halt?",
    "Lessia blackout economic losses Varmo Grid aftermath",
    "Why did Azerbaijan attack Armenia in September 2022?",
    "What are the four main reasons for the attack?",
    "What reasons does the author give for the offensive?",
    "How did the international community react to the attack?",
    "What does Azerbaijan want from Armenia?",
    "Summarise the article's argument about the EU.",
    "Compare the US and EU responses to the crisis.",
    "What does the author argue about sanctions?",
    "What were the consequences of the 2020 war?",
    "What options does the EU have?",
    "How has the war changed Russia's role in the region?",
    "Explain the role of gas in the EU's response.",
    "What alternatives to the plague theory have been proposed?",
    "What evidence shows that the bacterium caused the epidemic?",
    "What objections do sceptics raise?",
    "What dangers does the forest hold for visitors?",
    "What theories have been put forward about the collapse?",
    # The author's view, whatever shape the question takes.
    "What is the author's assessment of the ceasefire?",
    "Is the blockade working, in the writer's opinion?",
    "What reforms does the report recommend for the navy?",
    "Does the author think the talks will succeed?",
    # Reasons, stakes, options and assessments asked without a reason-word.
    "What is behind Moscow's decision to withdraw?",
    "What explains the rise in piracy?",
    "What does the deal mean for Georgia?",
    "What could happen after the election?",
    "What should NATO do about the drones?",
    "What did Ankara do after the shooting?",
    "What are the key takeaways?",
    "How effective was the blockade?",
    # Relations, stakes, gains, options and recommendations asked in a fact's shape.
    "What is the relationship between Russia and Azerbaijan?",
    "What is at stake for Armenia?",
    "Who benefits from the conflict?",
    "Who is to blame for the collision?",
    "What can ECOWAS do?",
    "Should the EU impose sanctions on Baku?",
    "What choices does the region face after the coup?",
    "What do the Lessia grid attack and the Tarsis Strait incident have in common?",
    "Were the export controls adequate?",
    "Did the embargo work?",
    "Is Russia still a reliable ally for Armenia?",
    "Is the ceasefire stable?",
    "Was the coup likely to succeed?",
    "Tell me about Iran's role.",
    "What can the West do to deter Moscow?",
    # Results that are consequences, not a decided outcome.
    "What were the results of the sanctions?",
    "What was the outcome of the summit?",
    "Why was the result of the vote a surprise?",
    "What was the result of the election for the country's stability?",
    # Points asked with "which", as an instruction, as drivers, or as what followed an event.
    "Which factors made the offensive possible?",
    "Which lessons should NATO draw from the blackout?",
    "List the safeguards the author proposes.",
    "Name three reasons for the coup.",
    "What were the main drivers of the policy change?",
    "What happened in Tandara after the coup?",
    # A search typed as a noun phrase.
    "reasons for the offensive",
    "Key consequences of the grid attack?",
    "reactions to the coup in Azawi",
    # A request round the question, a possessive, "reasons why"/"reasons the…" (typed factual before, so refused).
    "Can you list the reasons for the offensive?",
    "Could you tell me the reasons behind the attack?",
    "Tell me the reasons for the attack.",
    "I'd like to know the reasons for the attack.",
    "Can you give me the main arguments of the author?",
    "Do you know why the ceasefire collapsed?",
    "I want to understand why the offensive failed",
    "Can you tell me how Turkey reacted to the attack?",
    "Russia's reasons for the invasion",
    "The author's main arguments about the EU",
    "Main reasons why the offensive failed",
    "Reasons the offensive failed",
    # Contractions, frames, causes and aims asked with a verb, lessons, changes, remedies (typed factual before).
    "What's behind the offensive?",
    "What're the reasons for the coup?",
    "What's the significance of the corridor?",
    "What is the background to the conflict?",
    "What is the EU's stance on the corridor?",
    "What were the warning signs?",
    "What contributed to the coup?",
    "What is driving the conflict?",
    "What is Azerbaijan trying to achieve?",
    "What should NATO learn from this?",
    "What has changed since the coup?",
    "What could the EU do differently?",
    "What can be done to prevent another blackout?",
    "What does the offensive tell us about Varenia's intentions?",
    "What do we know about the attackers?",
    "Where does the conflict go from here?",
    "Is there evidence that Russia supported the coup?",
    "Who gains from the blackout?",
    # Shapes from the first blind probe (eval/data/question_shapes, the set these rules were tuned on; the
    # questions here are written anew): a request round any clause, keywords with a point-noun anywhere,
    # "where does this leave", an assessment with "how", a yes/no asking for a judgement, a follow-up.
    "I'd like to know how the embargo might affect the shipyards.",
    "Please compare how Paris and Berlin talk about the corridor.",
    "Walk me through what the navy learned from the patrols.",
    "I need an assessment of whether the new doctrine lowers the threshold.",
    "Any chance you could set out the arguments officials made for the base?",
    "Set out the case for and against buying the frigates.",
    "List the main drivers of the violence in the north.",
    "arctic military buildup implications for norway",
    "icebreaker programme cost overrun causes",
    "Where does the withdrawal leave the regional force?",
    "What is the junta getting out of the deal?",
    "what's the upshot of the outage for the grid",
    "what happens to gas prices if the strait closes",
    "hows the blockade holding up",
    "How worried should the Baltic states be?",
    "Is there any point sanctioning the shipping firms?",
    "Has the mission made any real difference?",
    "Does the new base strengthen deterrence?",
    "Is Europe now too dependent on imported gas?",
    "Would the war have started if the treaty had held?",
    "Would the same approach work against the smugglers?",
    "So who benefits from that?",
    "And what would the allies do?",
    # From the review: a reaction typed as keywords ("state" opens no instruction here), a how-clause asked for.
    "state department reaction to the coup",
    "Explain how the offensive unfolded.",
    "Is the sanctions regime actually working?",
    "Does the new base strengthen deterrence?",
    # Chat-style rewordings of the analysis questions (found on the restyled dev set's tune half): "how'd",
    # "how come", "whats X mean for", what a policy will lead to, the author's view as keywords or a clause.
    "how'd the allies react to the strike",
    "how come the talks failed",
    "whats the blockade mean for shipping",
    "whats the new quota likely gonna lead to",
    "author overall judgement of the treaty",
    "so does the author reckon the blockade has failed or not",
    "I'm trying to work out what the author proposes for the navy.",
    "Would you mind going over the consequences of the strike?",
    "What'd happen if the talks failed?",  # "'d" is "would" before "happen"
    # Thirty-eighth round: what would follow, what is wrong with a course, what someone sees a thing as, a bare "how".
    "What would follow if parliament rejected the treaty?",
    "What is wrong with the ministry's plan to close the base?",
    "According to the analyst, what would be wrong with a ban on exports?",
    "What does the retired admiral see as the root of the navy's problems?",
    "What do the inspectors regard as the main risk of the programme?",
    "Who will pay for the sanctions, and how?",
    "How?",
]
FACTOID = [
    # an aside after another question word, what someone was doing, how a thing ended
    "Who, according to the report, fired first?",
    "When, according to police, did the attack start?",
    "What was the minister doing in Paris?",
    "How did the siege end?",
    "How did the siege end up?",
    # an aside that is no attribution stays: it says what is asked
    "What, in the 2024 budget, was the largest single item?",
    # a second clause that asks a fact, a quoted title, one thing the report recommends, a basis of a calculation
    "Where did the clash happen, and how many soldiers died?",
    "What is the range of the Strela-9 missile, and how accurate is it?",
    "Which frigate did the navy order, and how expensive is it?",
    "When was “The Drone War and How to Win It” published?",
    "Which official does the analysis recommend as air defence coordinator?",
    "Which specific date does the report recommend for the deadline?",
    "On what basis is the defence levy calculated?",
    "Which year does the report recommend for the deadline?",
    "Which country does the report propose as the mediator?",
    "What limits did the treaty set on warheads?",
    "How did the clash start?",
    "What has been the largest ship built there?",
    "Who brokered the ceasefire?",
    "When did the offensive start?",
    "Where did the last meeting take place?",
    "How many soldiers died in the clashes?",
    "How much gas does Azerbaijan export?",
    "Which country does not recognise Armenia?",
    "What is NATO's 2024 budget?",
    "How long did the fighting last?",
    "What is the capital of Australia?",
    "How did Tesla die?",
    "What method is used to measure the speed?",
    "What alternative name was the disease given?",
    "What danger sign did the pilot see?",
    "What date does the article give for the attack?",
    "What is the author's name?",
    "How many ships does the report say were sunk?",
    "Has the work on the pipeline begun?",
    "Did he work for the ministry?",
    "Is Baku the capital of Azerbaijan?",
    "What does NATO stand for?",
    "What did Pelosi do in Yerevan?",
    # Found among SQuAD 2.0 dev's 11,873 questions: a capability and a definition are facts.
    "What can a simultaneous hermaphrodite do?",
    "What does it mean for a knot to be prime?",
    # The result of a vote, an election or a trial is a fact ("defeated by 91 votes to 78").
    "What was the result of the vote on the Green Party's motion?",
    "What was the result of the 1967 referendum?",
    "What was the outcome of the trial?",
    # One fact: a singular noun, a "which" inside the sentence, a person named, a verb "triggers".
    "Name the president of France.",
    "Name one way the group closed the base.",
    "Which country borders Azawi?",
    "Female sex hormones are immunostimulators of which immune responses?",
    "What were early drivers looking to generate when they fastened the valves down?",
    "What triggers a slow killing response?",
    "What happened to the Normans in 1066?",
    "The aim of the competition law was to do what?",
    "How many factors of health did the study identify?",
    "Evidence for what types of structures were found in 2003?",
    # From the review: a decided outcome, drivers who are people, a next meeting, what happened to someone.
    "Results of the 2020 election?",
    "How many drivers of the Ferrari team finished the race?",
    "Who were the drivers for Mercedes in 2014?",
    "What happened at the next meeting?",
    "What happened the following day?",
    "What happened to George Carlin after he sent the e-mail?",
    # A fact asked inside a request stays a fact; a how-clause without a request stays as it was.
    "Can you tell me when the war started?",
    "Tell me who won the election.",
    "Can you name the countries that border Armenia?",
    "Do you know how many soldiers died?",
    "Could you tell me how Tesla died?",
    "How quickly is the sea level rising?",
    # A contraction is read as written out; a possessive is no contraction. Aims need their subject in front.
    "What's the capital of Azawi?",
    "Who's the spokesman of the junta?",
    "What's Russia's 2024 defence budget?",
    "What are you surrounded with if trying to study violence?",
    "What do conquering people take away from native populations?",
    "Who gained the most seats?",
    # Facts in the same shapes: a request, keywords without a point-noun (a "narrowest point" is a fact), a
    # yes/no fact, "how long… hold out" (a duration), a follow-up asking a date.
    "Can you tell me what year the treaty was signed?",
    "Do you know which country took over the chair in 2023?",
    "strait width narrowest point",
    "number of icebreakers in service",
    "Did Sweden join NATO before Finland?",
    "Was the cruiser the flagship of the fleet?",
    "How long were the defenders able to hold out?",
    "And what year was the declaration signed?",
    "What type of outlook do the residents have?",
    # From the review: facts asked with "really", "too", "dead", "damaged"; results and rates as keywords; a
    # manner after "And"; how to say a name.
    "Did Russia really annex Crimea in 2014?",
    "Did Germany too send tanks?",
    "Is Prigozhin dead?",
    "Was the reactor damaged?",
    "Did the blast damage the embassy?",
    "Is Finland a NATO member or what?",
    "us election results 2024",
    "nato summit 2024 results",
    "russia central bank interest rate 2024",
    "And how did Navalny die?",
    "Can you tell me how to pronounce Prigozhin?",
    "how'd the general die",
    # From the second review: relative clauses with "lead to", the statistical mean, facts the report states.
    "What are the stairs that lead to the roof made of?",
    "What is the mean for the control group?",
    "What's the mean for group B?",
    "the report recommended how many troops",
    "the report concluded on which date",
    "What is the report saying the death toll was?",
    "report conclusion year",
    "How long?",  # a bare quantity's "how" asks for a figure
    "And how many?",
    "What follows the preamble of the treaty?",
    # (review of the thirty-eighth round: what something is found to be, a fault, a successor, a home port)
    "What did the police identify as the murder weapon?",
    "What was wrong with the submarine's propeller shaft?",
    "What's wrong with the Halvar-9's radar?",
    "What will follow the F-16 in Kebrovian service?",
    "What does the navy consider as its home port?",
    "how'd he get elected",
]


@pytest.mark.parametrize("question", ANALYTIC)
def test_analytic_questions_are_recognised(question: str) -> None:
    assert question_kind(question) == "analytic"
    assert profile(question).analytic


@pytest.mark.parametrize("question", FACTOID)
def test_factoid_questions_are_recognised(question: str) -> None:
    assert question_kind(question) == "factoid"


@pytest.mark.parametrize("question, expected", [
    ("When did the offensive start?", "date"),
    ("In which year was the deal signed?", "date"),
    ("How many icebreakers does Russia operate?", "number"),
    ("What percentage of voters agreed?", "number"),
    ("What is the population of Nagorno Karabakh?", "number"),
    ("Who called the meeting?", "person"),
    ("Where did the meeting take place?", "place"),
    ("Which country does not recognise Armenia?", "place"),
    ("What did the mission do?", "other"),
    # Thirty-second round: a "when" after another wh-word joins a clause; the first wh-word asks
    ("Where was the president when the putsch began?", "place"),
    ("Who was in charge when the fire started?", "person"),
    ("How old was he when he became a senator?", "number"),
    ("In the commentary, how many people worked at the office when the author visited?", "number"),
    ("What cargo was the ship carrying when it crossed the cable?", "other"),
    ("According to the report, when did the convoy leave?", "date"),
    ("Since when has the base been closed?", "date"),
    ("What year was it when the treaty was signed?", "date"),
    # …and a tally, or a count or rate behind one word, is a number
    ("What was the final tally when lawmakers voted on the bill?", "number"),
    ("What is the annual budget of the agency?", "number"),
])
def test_answer_type(question: str, expected: str) -> None:
    assert answer_type(question) == expected


@pytest.mark.parametrize("question, focus", [
    ("What is NATO's 2024 budget?", ("budget",)),
    ("How many icebreakers does Russia operate?", ("icebreak", "oper")),  # Snowball stems
    ("When did Azerbaijan launch its offensive against Armenia?", ("launch", "offens")),
    ("What is the name of the river that flows through Paris?", ("river", "flow")),
    # the request round a question is not what it asks about ("know", "like" were focus words)
    ("Do you know when Azerbaijan launched its offensive?", ("launch", "offens")),
    ("I would like to know how many icebreakers Russia operates.", ("icebreak", "oper")),
    ("Could you please tell me who brokered the ceasefire?", ("broker", "ceasefir")),
    ("What's the capital of Azawi?", ("capit",)),  # "what's" was a focus word
    # each part of a hyphenated name is a name (a blind set: "the Galdor-Serin ceasefire")
    ("On what date was the Galdor-Serin ceasefire signed in Merrow?", ("ceasefir", "sign")),
])
def test_focus_is_what_is_asked_about_not_the_topic_names(question: str, focus: tuple[str, ...]) -> None:
    assert focus_terms(question) == focus


def test_a_question_made_only_of_names_keeps_them_as_focus() -> None:
    assert focus_terms("Who is Nancy Pelosi?") != ()


@pytest.mark.parametrize("asked, stated, same", [
    ("budget", "budget", True),
    ("operate", "operation", True),
    ("recognise", "recognition", True),
    ("die", "died", True),
    ("war", "warsaw", False),
    ("budget", "network", False),
])
def test_focus_matching_forgives_endings_only(asked: str, stated: str, same: bool) -> None:
    assert focus_matches(asked, stated) is same


@pytest.mark.parametrize("question, term", [
    ("What is the shadow fleet?", "shadow fleet"),
    ("What is the CSTO?", "CSTO"),
    ("What are loitering munitions?", "loitering munitions"),
    ("What is the population of Lessia?", None),  # a fact about Lessia, not a definition
    ("What is NATO's 2024 budget?", None),
    ("What was passed in 1805?", None),
    ("Why is the CSTO weak?", None),
    ("What is NATO doing?", None),
    ("What is the matter with the grid?", None),
])
def test_definition_questions_name_the_term(question: str, term: str | None) -> None:
    assert defined_term(question) == term


@pytest.mark.parametrize("sentence, expected", [
    ("The ship belongs to what brokers call the shadow fleet: a few hundred ageing tankers.", True),
    ("The shadow fleet is a group of old tankers that carry sanctioned oil.", True),
    ("The shadow fleet, a few hundred ageing tankers, carries the oil.", True),
    ("Staff at Lessia's largest distribution company, the shadow fleet, watched.", True),
    ("Armenia is a member of the Collective Security Treaty Organisation (shadow fleet).", True),
    ("A group of officers calling itself the shadow fleet appeared on television.", True),
    ("The costs of the shadow fleet fall mostly on coastal states.", False),
    ("Every ship that goes to the shadow fleet adds to the danger.", False),
    ("Tankers, the shadow fleet, and insurers share the blame.", False),  # a list, not an apposition
])
def test_a_sentence_defines_the_term_by_copula_colon_apposition_or_naming(sentence: str, expected: bool) -> None:
    assert defines("shadow fleet", sentence) is expected


@pytest.mark.parametrize("sentence, expected", [
    ("At 14:20 the Aldorian frigate Kestrel was sailing north through the strait.", True),
    ("The rebels of the armed group Kestrel took the town.", True),
    ("The Kestrel kept its course and speed.", False),
    ("Three weeks before the collision, the Kestrel had taken part in an exercise.", False),
    ("The captain of the Kestrel followed standing orders.", False),
    ("The cutter struck the Kestrel above its waterline.", False),
    # Found in review: a verb between a subject and the name is no kind.
    ("The rebels attacked Kestrel on Monday.", False),
    ("The minister visited Kestrel in May.", False),
    ("A spokesman praised Kestrel.", False),
    ("The cutter struck Kestrel above its waterline.", False),
    ("The navy's frigate Kestrel sank.", True),
    ("Kestrel has been the Aldorian navy's largest warship since 1998.", True),
])
def test_a_name_is_defined_by_its_kind_written_in_front_of_it(sentence: str, expected: bool) -> None:
    assert defines("Kestrel", sentence) is expected


def test_a_kind_in_front_defines_only_a_name() -> None:
    # "the old shadow fleet" says nothing of what the fleet is.
    assert not defines("shadow fleet", "The costs of the old shadow fleet keep rising.")


@pytest.mark.parametrize("asked, plain", [
    ("Could you please tell me who brokered the ceasefire?", "Who brokered the ceasefire?"),
    ("Would you mind telling me who brokered the ceasefire?", "Who brokered the ceasefire?"),
    ("ok so can you tell me who won the vote?", "Who won the vote?"),
    ("I'd appreciate it if you could tell me who won", "Who won"),
    ("I'd be grateful if you could tell me who won", "Who won"),
    ("I would be glad if you would please tell me who won", "Who won"),
    ("I'd be very grateful if you'd tell me who won", "Who won"),
    ("I would be glad to know why the coup happened?", "Why the coup happened?"),
    # not a wrapper: the request is not to the reader
    ("I'd be glad if the report were shorter. Why did the coup happen?",
     "I'd be glad if the report were shorter. Why did the coup happen?"),
    ("Do you know when the war started?", "When the war started?"),
    # not a request: "can you" asks whether one may
    ("Can you vote at 16 in Austria?", "Can you vote at 16 in Austria?"),
    # the clause alone would read as a fact ("How Turkey reacted…" has no verb of a question): kept whole
    ("Can you tell me how Turkey reacted to the attack?", "Can you tell me how Turkey reacted to the attack?"),
    ("Can you tell me about the coup?", "Tell me about the coup?"),
])
def test_the_plain_question_drops_only_the_request(asked: str, plain: str) -> None:
    assert plain_question(asked) == plain
    assert question_kind(plain_question(asked)) == question_kind(asked)


def test_long_questions_are_typed_without_filling_the_cache() -> None:
    from rag import questions

    before = questions._question_kind.cache_info().currsize
    long = "Why did the offensive start " + "and then stall " * 60 + "?"
    assert len(long) > questions.CACHED_CHARS
    assert question_kind(long) == "analytic" and profile(long).analytic
    assert questions._question_kind.cache_info().currsize == before


@pytest.mark.parametrize("question, without", [
    ("How many frigates does Lindmark's navy operate, according to the analysis?",
     "How many frigates does Lindmark's navy operate?"),
    ("According to the article, roughly what would it cost to upgrade the depots?",
     "roughly what would it cost to upgrade the depots?"),
    ("What share of voters doubted the count in the poll cited in the analysis?",
     "What share of voters doubted the count in the poll cited?"),
    ("Which country does the analyst suggest inviting into the patrols?", "Which country inviting into the patrols?"),
    # Found in review: a source named by a word of its own, someone's paper, and what was done with the source stay.
    ("How many ships does the defence paper say the navy needs?",
     "How many ships does the defence paper say the navy needs?"),
    ("According to the RAND paper, how many drones were lost?", "According to the RAND paper, how many drones were lost?"),
    ("What is the paper's circulation?", "What is the paper's circulation?"),
    ("Who is quoted in the article?", "Who is quoted?"),
    # A source named by a name is something an answer may state; "analysis" as a thing done is asked about.
    ("According to the UN experts, how many civilians died?", "According to the UN experts, how many civilians died?"),
    ("What analysis did the laboratory perform on the debris?", "What analysis did the laboratory perform on the debris?"),
    # Someone else's paper is what is asked about (SQuAD: "the 1999 paper's information").
    ("What reconstructions supported the 1999 paper's information?",
     "What reconstructions supported the 1999 paper's information?"),
])
def test_our_document_named_as_the_source_is_no_part_of_what_is_asked(question: str, without: str) -> None:
    assert unattributed(question) == without
    assert asked_terms(question) == terms(without)


def test_a_factual_focus_leaves_out_the_attribution_and_an_analytic_one_keeps_its_verb() -> None:
    factual = profile("How many frigates does Lindmark's navy operate, according to the analysis?")
    assert "analysi" not in factual.focus and "accord" not in factual.focus and "frigat" in factual.focus
    analytic = profile("What measures does the analysis recommend Lindmark adopt?")
    assert analytic.kind == "analytic" and "recommend" in analytic.focus



@pytest.mark.parametrize("question", [
    "What issues kept the government and the rebels apart at the negotiating table?",
    "can you sum up what happened on the ground once the talks fell apart?",
    "What fixes does Reinholt propose for Estmere's defence purchasing?",
    "What course of action does the analyst urge San Aurelio to take before the base closes?",
    "quick q - why is aldoria pulling out of velmar?",
    "Velmar base: how did Tessara react?",
])
def test_issues_a_summing_up_a_proposal_and_a_question_after_its_topic_are_analytic(question: str) -> None:
    assert question_kind(question) == "analytic"


@pytest.mark.parametrize("question", [
    "What reporting deadline does Halvorsen propose for incidents at rail operators?",
    "What date does the minister propose for the vote?",
    "What type of revolution did Maududi advocate?",
    "The rotational inertia of planet Mars is what fixes the what?",
    "Velmar base: how many jobs will go?",
    "What issue number was the magazine?",
])
def test_a_fact_proposed_or_a_quantity_after_a_topic_stays_factual(question: str) -> None:
    assert question_kind(question) == "factoid"


@pytest.mark.parametrize("question", [
    "What dates does the minister propose for the vote?", "What troop levels does NATO urge?",
    "What missiles does Kyiv urge Berlin to send?", "What two countries does the analyst suggest as mediators?",
])
def test_things_proposed_are_facts(question: str) -> None:
    assert question_kind(question) == "factoid"


@pytest.mark.parametrize("question, kind", [
    # (forty-first round, news_cq, news_cr, news_cs, news_cj) what wore something down or held it up asks for causes,
    # what a law changes for its points, an alternative someone proposes for a remedy
    ("According to the Marlowmead commentary, what eroded the host government's consent to the mission?", "analytic"),
    ("What weakened support for the mission?", "analytic"),
    ("What has held up the relocation of Lemuza's residents away from the border?", "analytic"),
    ("What has delayed the move?", "analytic"),
    ("What does the new law change for conscripts?", "analytic"),
    ("What alternative to the new conscription law does Ekvallen propose?", "analytic"),
    # what something slowed, what a name was changed to, a date proposed: facts (SQuAD 2.0 dev, the news sets)
    ("What slowed the spread of the Jacksonville fire in 1901?", "factoid"),
    ("What did the company change its name to?", "factoid"),
    ("What dates for the talks does the minister propose?", "factoid"),
    ("According to the Ravelford Institute commentary, what has driven cod stocks northward?", "factoid"),
    # (review) nouns in the present, and a noun "change"
    ("What fuels the reactor?", "factoid"),
    ("What delays hit the F-35 programme?", "factoid"),
    ("What did the spokesman call the change?", "factoid"),
])
def test_causes_asked_with_a_verb_changes_and_an_alternative_proposed(question: str, kind: str) -> None:
    assert question_kind(question) == kind


@pytest.mark.parametrize("question", [
    "What does Belmark stand to lose if the Haldane base closes?",
    "What would it take for the hostage deal to be revived?",
    "What do the two versions of the Torvel Ridge incident disagree on?",
    "what's changed since the ceasefire started, anything substantive",
    "Given that the ceasefire has held for a month, what has actually changed on the ground?",
    "Can you tell me which factors led the inspectors to flag the facility?",
    "We're drafting a note, so I need the main ways allies reacted to the blockade.",
    "Did the Northern Anvil exercise achieve what it set out to do?",
    "Could the cable cuts near Drennic have been prevented?",
    "Has the blockade hurt Marenland more than its target?",
])
def test_stakes_conditions_disagreements_and_assessments_are_analytic(question: str) -> None:
    assert question_kind(question) == "analytic"


@pytest.mark.parametrize("question", [
    "What position does Marsh hold in the defence ministry?",
    "What year did Roger de Tosny fail to accomplish what he set out to do?",
    "What do rules about conflict of interest involving doctors diagnosing patients resemble?",
    "What does it take a country with high inequality longer to achieve?",
    "What did the conflict galvanize Muslims around the world to do?",
])
def test_a_post_held_and_facts_in_the_same_words_stay_factual(question: str) -> None:
    assert question_kind(question) == "factoid"


@pytest.mark.parametrize("question", [
    "What was the attackers' entry point into Valmera Rail's systems?",
    "At what point does oxygen toxicity begin to happen?",
    "What is the highest point of the Rhine basin called?",
    "What was the turning point of the siege?",
    "Who was the point of contact at the embassy?",
    "What is the key point of entry for drugs into the country?",
    "From what point is the distance measured?",
    "In which point did the drainage basin of the Amazon split?",
])
def test_one_point_that_is_a_place_or_a_moment_is_a_fact(question: str) -> None:
    assert question_kind(question) == "factoid"


@pytest.mark.parametrize("question", [
    "What is the main point of the article?",
    "What are the key points of the agreement?",
    "What points does the author make about deterrence?",
    "What point does the author make about deterrence?",
    "What is the point of the sanctions?",
    # Found in review: a writer's one point, asked without naming the writer as such.
    "What point does Mendes make?",
    "Which point did Lenko raise in the talks?",
    "What is the point?",
])
def test_the_writers_points_and_a_purpose_stay_analytic(question: str) -> None:
    assert question_kind(question) == "analytic"


@pytest.mark.parametrize("question", [
    # Blind sets news_i-l: analysts' questions in several parts, or asking for a case or a judgement, that had
    # been typed as facts and refused.
    "Did Vostrana violate the Harnow Accord? Set out each side's case as reported in the news story.",
    "which of Orsetia's options does the analyst reject, which does he back, and what concretely should Orsetia do",
    "What's the strategic case for Tessaria going nuclear rather than sticking with conventional subs?",
    "how convincing is brisland's case against the DER according to varga, and what's missing",
    "Castellane says bombing the dam isn't a realistic option for Meridon - why, and what is the danger of the "
    "current military moves?",
    "How did Grey Heron get into the hospital and the ministry, technically speaking?",
    "What is the danger of the current military moves?",
    "What concretely should Orsetia do?",
    "Lay out the government's position on the strike.",
    # Blind sets news_o, news_p: several things done or decided, a worry asked with a verb, a judgement of findings
    "What stopgap arrangements were announced to keep goods moving to Madrun after the bridge collapsed?",
    "What legal moves are being made or considered to get the shipment loaded?",
    "What powers and restrictions does Ombara's emergency decree introduce?",
    "What worries the Lakeside Centre analyst about sending the army into Ombara's cities?",
    "What have the inspectors found so far at Pelsk, and how firm are those findings?",
    # Found in review: close variants
    "What, concretely, should Orsetia do?",
    "What precisely must NATO do?",
    "How did the militants get across the border?",
    "The analyst rejects bombing the dam. Why?",
    "Is Brisland's case convincing?",
    "The talks collapsed in May - what went wrong?",
    "The talks collapsed in May; why did the mediator walk out?",
    # Second review: an argument asked as someone's case; a question after an abbreviation; a modal after the noun
    "What is Brisland's case against the DER?",
    "When was the treaty ratified by the U.S. Why did it take so long?",
    "What requirements must a candidate meet to run for president?",
    "What worries investors about the deal?",
])
def test_analysts_questions_in_parts_or_asking_a_case_are_analytic(question: str) -> None:
    assert question_kind(question) == "analytic"


@pytest.mark.parametrize("question", [
    "When was the battalion founded? Who founded it?",
    "Who leads the group, and how many fighters does it have?",
    "How did the ship get its name?",
    "What is the danger zone around the plant called?",
    "Set out the dates of the talks.",
    "Where is the plant? Which river feeds it?",
    "What type of sanctions has the US directed at Iran?",
    # Found in review: an abbreviation or a quoted title ends no part; a lawsuit is a case; spelling is a fact
    "Who signed the U.S. response to the note?",
    "Where did Gen. Milley's assessment of the war appear?",
    "Who wrote the essay 'Is NATO Obsolete? Why the Alliance Endures'?",
    "What court heard the FTC's case against Meta?",
    "Who is the defence minister? Spell out his full name.",
    "Set out the key dates of the talks.",
    "Which of the two options did the cabinet choose?",
    "What sanctions did the EU impose on Azerbaijan after the September 2022 offensive?",
    # Second review: a quantity of things, and a worry that is one fact
    "What proportion of commitments were met?",
    "What percentage of pledges have been honoured?",
    "What worried Lincoln?",
    "What penalties did the government impose on the platforms?",
    "How sure did the statement say scientists were that temperatures would keep rising?",
])
def test_facts_asked_in_parts_stay_factual(question: str) -> None:
    assert question_kind(question) == "factoid"


@pytest.mark.parametrize("question", [
    # analysts' questions of the blind sets typed as facts (twenty-fourth round)
    "what should lorvania spend its own money on according to the piece",
    "What should the government do about the shortfall?",
    "what are the authorities afraid could happen to the weapons missing from Ferrin",
    "What are investors worried about?",
    "what tools do the coastal states have against the shadow fleet and what could go wrong with them",
    "What could go wrong with the plan?",
    "What does each side say was on board the intercepted plane?",
    "What do both governments claim happened at the border?",
])
def test_courses_of_action_fears_risks_and_each_sides_account_are_analytic(question: str) -> None:
    assert question_kind(question) == "analytic"


@pytest.mark.parametrize("question", [
    # SQuAD dev questions the new patterns had to leave alone
    "What should happen if you focus only on self-gratification?",
    "What is the nervous system made up of?",
    "What is consultant pharmacy mainly concerned with?",
    "Which side won the battle?",
    # found in review: a count or a thing each side claims, a figure to spend
    "How many casualties does each side claim?",
    "What territory does each side claim?",
    "What must the government spend on defence under the NATO target?",
])
def test_facts_with_should_or_sides_stay_factual(question: str) -> None:
    assert question_kind(question) == "factoid"


@pytest.mark.parametrize("question", [
    # analysts' questions of the blind sets typed as facts (twenty-sixth round; in the sets' own words where shown)
    "what is the militia still demanding after the vote",
    "What are critics demanding over the blackouts, and what do they blame?",
    "What danger does the analyst see in the way the report could be used?",
    "What costs of the purge does the commentary identify?",
    "What abuses does the monitors' report allege took place at the camp?",
    "What is expected to happen next in the region after the launch?",
    "What has Essovar said it will do next after destroying the tunnel?",
    "What did the investigation uncover, and what set it off?",
    "What damage and casualties did the missile strike on the air base cause?",
    "According to the commentary, where are the gaps in enforcing sanctions?",
    "What are the main terms of the lease agreement?",
    "What competition, security and employment concerns have been raised about the deal?",
    "According to the commentary, what is really driving the two states in the fishing dispute?",
])
def test_demands_what_a_writer_sees_what_comes_next_and_a_deals_terms_are_analytic(question: str) -> None:
    assert question_kind(question) == "analytic"


@pytest.mark.parametrize("question", [
    # what brought a thing about (twenty-eighth round, news_ag: answered with one sentence)
    "According to Wanjiru Odhambe, what conditions made the Kitangwe attack possible?",
    "What failures led to the collapse of the dam?",
    "What circumstances have enabled the smugglers to operate?",
    "What made the raid possible?",
    # two kinds before the point noun (news_ah: answered with one sentence)
    "what were the economic and market consequences of the attack on Namira's main oil terminal",
])
def test_what_brought_something_about_is_analytic(question: str) -> None:
    assert question_kind(question) == "analytic"


@pytest.mark.parametrize("question", [
    # analysts' questions of news_aa-ad typed as facts (twenty-seventh round, the sets' own words)
    "What terms, exemptions and protections apply to the Belgrunian reservists being called up?",
    "what have investigators established so far about how the Saint Orlo attack was carried out",
    "According to the commentary, which weaknesses of the UN mission made the Mabosi ambush possible?",
    "According to the analysis, what course should Corsavo take between escalation and doing nothing over Pelgado?",
    "What has the Skerrin Strait mine-clearing mission achieved so far?",
    "How did the smuggling network get weapons and money past the authorities?",
    "What commitments and institutions does the Ambleford Treaty set up?",
])
def test_listed_kinds_achievements_an_embedded_how_and_a_course_are_analytic(question: str) -> None:
    assert question_kind(question) == "analytic"


@pytest.mark.parametrize("question", [
    # analysts' questions of the development sets typed as facts (thirtieth round, the sets' own words)
    "What does the Fenholt Centre commentary urge the inquiry commission to do?",
    "what did the border guards' union say after the Kerbeny shooting",
    "What has the Quandrian government said about the cause of the derailment and how it will be investigated?",
    "what exactly is the Zervanan defence minister accused of",
    "what has the police investigation into the Merkolin drones found so far",
    "What happened when soldiers moved to clear the roadblock at Cerro Palanque?",
    "what happens now to the Cape Morrow base plan after the No vote",
    "What is known so far about who carried out the Haverlund attack and how they got into the network?",
    "What pressure is the attack putting on Arvandia's training mission in Yezmira?",
    "What is included in Rothvale's aid package for Istrenia, and where will the equipment come from?",
    "What conditions must deserters meet to benefit from Zamboria's amnesty, and who is excluded?",
    "What is the disagreement over the Ushtavan site in the Qoresh talks?",
    "What disputes over compliance with the ceasefire have emerged between Urgalia and Semoria?",
    "What course of action does the Aldmoor Institute's research director recommend for Arvandia after the attack?",
    # a manner asked first, points second
    "How did the kidnappers make themselves known, and what are they demanding?",
])
def test_urged_said_after_accused_found_and_known_so_far_are_analytic(question: str) -> None:
    assert question_kind(question) == "analytic"


@pytest.mark.parametrize("question", [
    # SQuAD dev's questions the thirtieth round's patterns first retyped, and left alone once narrowed
    "What was Zia-ul-Haq accused of using Islamization to legitimize?",
    "What disagreement was made for trade with natives and British?",
    "What is contained in a large packet header?",
    "What year was the inquiry commission set up?",
    # found in review: a figure an inquiry found, a physical pressure
    "What did the inquiry find the death toll to be?",
    "What did the commission find the number of dead was?",
    "What pressure did the gas in Nord Stream 2 drop to on 26 September?",
])
def test_facts_near_the_thirtieth_rounds_patterns_stay_factual(question: str) -> None:
    assert question_kind(question) == "factoid"


@pytest.mark.parametrize("question", [
    # analysts' questions of news_au-ax typed as facts (thirty-first round, the sets' own words)
    "what does the commentary on the Qorrimba kidnapping say aid agencies and donors should do differently",
    "What is the Brezova Institute analyst's case against using the Strategic Enterprises Act to ban the strike?",
    "Which of Yulmeria's complaints about the Kalvestra Treaty does Eddisfield accept as legitimate?",
    "What are the limits of Tessavel-1, according to the space security analyst?",
])
def test_what_someone_says_should_be_done_a_case_against_limits_and_accepted_complaints_are_analytic(
        question: str) -> None:
    assert question_kind(question) == "analytic"


@pytest.mark.parametrize("question", [
    "What limits did the treaty set?",  # a noun's list, asked as a fact
    "What court heard the FTC's case against Meta?",
    "Which of the three candidates does the party back?",
    "What does the company say it should earn this year?",
    # found in review: a court case, limits set on something, what a parliament passed, what a party in the news
    # tells people to do
    "When is the prosecutors' case against the Nord Stream suspect due to open?",
    "Where is the Justice Department's case against Google being heard?",
    "What are the limits on exports under the rule?",
    "What are the limits to the loan the IMF approved?",
    "Which of the three proposals did parliament approve?",
    "Which of the objections did the court uphold?",
    "What did CrowdStrike say customers should do to fix the crash?",
    "What does the contract say Rheinmetall has to do if deliveries are late?",
])
def test_facts_near_the_thirty_first_rounds_patterns_stay_factual(question: str) -> None:
    assert question_kind(question) == "factoid"


@pytest.mark.parametrize("question", [
    # questions those patterns must leave alone: SQuAD dev's (2 of its 11,873 questions changed kind, both asking
    # what a study shows "about how…") and, found in review, lists of things, a course taken, a book about how
    "How did fish larvae accidentally get introduced into the two bodies of water?",
    "What did planes and automobiles have to divide separately?",
    "What path does a ball thrown up and down in a moving vehicle take when seen by an outside observer?",
    "Who presents different ideas about how to accomplish goals?",
    "How did he get the job in 1990?",
    "What rivers and lakes are in Poland?",
    "What rivers and lakes does Poland have?",
    "What awards and honors did Beyonce receive?",
    "What countries, states or regions border Austria?",
    "What course did she take at Oxford?",
    "What line does the train follow to Paris?",
    "What book did she write about how the war ended?",
    "According to the census, which city is the largest?",
    "In the union's view, which demands were met?",
    "About how many people live in the city?",
    "What event led to the war?",  # one event: a fact (SQuAD dev: no question changed kind)
    "What conditions are attached to the loan?",
])
def test_facts_near_the_listed_kinds_stay_factual(question: str) -> None:
    assert question_kind(question) == "factoid"


@pytest.mark.parametrize("question", [
    # SQuAD dev questions the new patterns had to leave alone (2 of its 11,873 questions changed kind, both aims:
    # "What was Sadat seeking by releasing Islamists from prison?")
    "What increases or decreases in response to applied friction?",
    "What did the satellite see?",
    "What were the terms of office of the two judges?",
    "Where are the gaps between the teeth called?",
    "What is the damage estimate for the storm?",
    "What will the council do on Monday?",
    # found in review: a thing planned, a measure or a place a writer names, a year asked, "next" without "what"
    "What was Tesla planning to build in Colorado Springs?",
    "What date did the report highlight?",
    "What year does the author predict the collapse?",
    "What country does the article single out?",
    "In what year were the accusations against Nixon made?",
    "What month were the abuses reported?",
    "Who will come next?",
    "What year did consolidation cause Jacksonville to become part of Duval County?",
])
def test_facts_near_those_shapes_stay_factual(question: str) -> None:
    assert question_kind(question) == "factoid"


def test_only_an_attribution_after_the_question_word_is_set_aside() -> None:
    # Found in review: "What, in the 2024 budget, was…" lost "budget" from its focus when any "in…" aside was
    # dropped; an attribution is dropped ("How, according to prosecutors, did…", "How, in Dunhoff's view, does…").
    assert "budget" in focus_terms("What, in the 2024 budget, was the largest single item?")
    assert question_kind("How, in Dunhoff's view, does the wall end up strengthening smuggling?") == "analytic"
