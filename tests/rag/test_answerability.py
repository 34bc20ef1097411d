"""Answerability and key points in the extractive backend (fake embedder: fast, deterministic)."""

from __future__ import annotations

import dataclasses

import pytest

from rag import answer_model
from rag.backends.extractive import (
    MAX_POINT_WORDS,
    answerability,
    candidates,
    extractive_result,
)
from rag.citations import parse_answer, verify_answer
from rag.questions import profile
from rag.records import REFUSAL, Chunk, Passage
from rag.testing import FakeEmbedder


def passage(text: str, n: int, title: str = "") -> Passage:
    chunk = Chunk(id=f"chunk-{n}", source=f"/corpus/{n}.txt", title=title, text=text, start=0,
                  end=len(text), index=0)
    return Passage(chunk=chunk, score=1.0 / n, similarity=0.5)


NATO = ("NATO set up a new cyber defence network in January 2024. NATO leaders met in Washington in July 2024 "
        "to mark the alliance's 75th anniversary. The US Coast Guard operates two heavy icebreakers.")


# ----------------------------------------------------------------- answerability
def test_sentence_with_the_names_but_not_the_asked_relation_is_not_an_answer() -> None:
    p = profile("What is NATO's 2024 budget?")
    assert answerability(p, "NATO set up a new cyber defence network in January 2024.") < 0.5
    p = profile("How many icebreakers does Russia operate?")
    assert answerability(p, "The US Coast Guard operates two heavy icebreakers.") >= 0.5  # focus stated
    assert answerability(p, "Russia's navy held exercises in the Arctic in 2023.") < 0.5


def test_answer_type_must_be_present() -> None:
    p = profile("How many soldiers died in the clashes?")
    assert answerability(p, "Soldiers died on both sides during the clashes.") < 0.5
    assert answerability(p, "At least 200 soldiers died during the clashes.") >= 0.9


def test_a_day_or_part_of_a_day_answers_when() -> None:
    p = profile("When did the drones strike the depot?")
    assert answerability(p, "Drones struck the fuel depot near the border on Tuesday night.") >= 0.5
    assert answerability(p, "Drones struck the fuel depot near the border.") < 0.5


def test_paraphrased_answer_is_accepted_through_focus_similarity() -> None:
    p = profile("What is NATO's 2024 budget?")
    sentence = "The alliance will spend 3.3 billion euros on its common funding in 2024."
    assert answerability(p, sentence) < 0.5  # no stated "budget"
    assert answerability(p, sentence, focus_similarity=0.7) >= 0.9  # but the embedding says it is one


def test_on_topic_passages_without_the_answer_are_refused() -> None:
    result = extractive_result("What is NATO's 2024 budget?", [passage(NATO, 1)], FakeEmbedder(), min_score=0.1)
    assert result.text == REFUSAL and result.refused
    assert result.answerability < 0.5


def test_factoid_answer_carries_its_answerability() -> None:
    text = NATO + " NATO's budget for 2024 is 3.3 billion euros."
    result = extractive_result("What is NATO's 2024 budget?", [passage(text, 1)], FakeEmbedder(), min_score=0.1)
    assert result.kind == "factoid"
    assert "3.3 billion" in result.text and result.text.endswith("[1]")
    assert result.answerability >= answer_model.THRESHOLD
    assert result.answerability == max(c.answerability for c in result.ranked)  # the answer is the likeliest



def test_a_passage_that_never_names_what_the_question_names_does_not_answer_it() -> None:
    # Found in a user audit: "NATO's 2024 budget" was answered with a memo about the institute's own budget.
    memo = "The institute's research budget for 2027 is 2.1 million euros. It funds four new fellowships."
    result = extractive_result("What is NATO's 2024 budget?", [passage(memo, 1, title="Budget memo")],
                               FakeEmbedder(), min_score=0.1)
    assert result.refused
    # The same sentence answers when the passage (or its title) names the alliance.
    named = extractive_result("What is the research budget of the institute in 2027?",
                              [passage(memo, 1, title="Budget memo")], FakeEmbedder(), min_score=0.1)
    assert "2.1 million" in named.text
    titled = extractive_result("What is NATO's 2027 research budget?",
                               [passage(memo, 1, title="NATO research budget memo")], FakeEmbedder(), min_score=0.1)
    assert "2.1 million" in titled.text

# ------------------------------------------------------------------ key points
ARTICLE = [
    ("Azerbaijan’s offensive: four reasons\n\n"
     "George Meneshian – In the early hours of September 13, 2022, Azerbaijan attacked Armenia. "
     "So why did Baku attack now? "
     "The first reason is timing: Russia is bogged down in its war in Ukraine and cannot protect Armenia."),
    ("The second reason is gas: the EU needs Azerbaijan's gas and will not impose sanctions on Baku. "
     "European officials did not condemn the attack at first."),
    ("The third reason is the peace treaty Baku wants to impose on Armenia after its victory. "
     "The fourth reason is domestic: the war distracts Azerbaijanis from corruption and economic problems.\n\n"
     "Subscribe to our newsletter for the latest analysis delivered directly to your inbox."),
    ("The third reason is the peace treaty Baku wants to impose on defeated Armenia after its victory in 2020."),
]


def key_points(question: str) -> list[str]:
    passages = [passage(t, i) for i, t in enumerate(ARTICLE, start=1)]
    result = extractive_result(question, passages, FakeEmbedder(), min_score=0.1)
    assert result.kind == "analytic"
    return result.text.split("\n")


def test_analytic_question_gets_bullets_with_citations() -> None:
    lines = key_points("What are the reasons for Azerbaijan's attack on Armenia?")
    assert 3 <= len(lines) <= 6
    assert all(line.startswith("- ") and line.rstrip().endswith("]") for line in lines)


def test_key_points_are_diverse_and_never_furniture() -> None:
    lines = key_points("What are the reasons for Azerbaijan's attack on Armenia?")
    text = "\n".join(lines)
    assert "?" not in text  # the article's own question
    assert "Subscribe" not in text and "newsletter" not in text
    assert "George Meneshian" not in text  # the byline is not part of a point
    assert "four reasons\n" not in text  # the heading
    # The two copies of the third reason are one point, not two.
    assert sum("third reason" in line for line in lines) <= 1


def test_key_points_respect_the_word_cap() -> None:
    long = " ".join([
        "One reason for the attack was gas: European buyers needed Caspian supplies badly and would not risk "
        "losing them over a border skirmish in the mountains.",
        "A reason for the attack: "
        "Moscow was weak, its army bogged down near Kharkiv, its peacekeepers passive, its alliance hollow and "
        "unwilling to honour old promises of mutual assistance.",
        "A reason for the attack: "
        "Ankara offered drones, diplomatic cover and training, and its foreign minister praised Baku publicly "
        "throughout the crisis week in several televised interviews.",
        "A reason for the attack: "
        "At home, corruption and falling living standards angered veterans, and a short victorious campaign "
        "distracted voters from unpaid pensions and shortages.",
        "A reason for the attack: "
        "Washington was absorbed by midterm elections, so the timing promised little American interference "
        "before the winter set in across the Caucasus.",
        "A reason for the attack: "
        "Railway planners wanted a corridor through Syunik linking Nakhchivan to the mainland without customs "
        "checks by Yerevan's officials or its soldiers.",
        "A reason for the attack: "
        "Border demarcation talks had stalled for months, and generals argued that facts on the ground would "
        "speed up negotiations considerably under European mediation.",
    ])
    result = extractive_result("What are the reasons for the attack?", [passage(long, 1)], FakeEmbedder(),
                               min_score=0.1)
    words = len(result.text.replace("[1]", "").replace("- ", "").split())
    assert words <= MAX_POINT_WORDS
    assert 3 <= len(result.chosen)
    assert 1 <= len(result.text.split("\n")) <= 6  # bullets; a run of sentences of one passage is one


def test_candidates_drop_bylines_questions_and_newsletter_text() -> None:
    texts = [c.text for c in candidates([passage(t, i) for i, t in enumerate(ARTICLE, start=1)])]
    assert texts[0].startswith("In the early hours")
    assert not any(t.endswith("?") or "newsletter" in t for t in texts)


def test_bullets_are_verified_like_sentences_and_strict_mode_drops_bad_ones() -> None:
    passages = [passage(t, i) for i, t in enumerate(ARTICLE, start=1)]
    raw = ("- The first reason is timing: Russia is bogged down in its war in Ukraine and cannot protect "
           "Armenia. [1]\n- The moon is made of green cheese. [2]")
    parsed = parse_answer(raw, len(passages))
    assert [s.bullet for s in parsed.sentences] == [True, True]
    verified = verify_answer(parsed, passages)
    assert [s.supported for s in verified.sentences] == [True, False]
    assert verified.text.startswith("- The first reason") and "\n- The moon" in verified.text
    strict = verify_answer(parsed, passages, strict=True)
    assert strict.text.count("\n") == 0 and strict.text.startswith("- The first reason")


def test_an_answer_checker_model_can_replace_the_built_in_answerability() -> None:
    calls: list[tuple[str, str]] = []

    def checker(question: str, sentence: str, context: str) -> float:
        calls.append((question, sentence))
        return 1.0 if "icebreakers" in sentence else 0.0

    result = extractive_result("What is NATO's 2024 budget?", [passage(NATO, 1)], FakeEmbedder(), min_score=0.1,
                               checker=checker)
    assert calls and "icebreakers" in result.text and result.answerability == 1.0


def test_distinct_passages_count_copies_of_one_text_once() -> None:
    from rag.backends.extractive import distinct_passages

    a = "Russia is busy in Ukraine. The EU needs gas. Turkey backs Baku."
    copy = "The EU needs gas. Turkey backs Baku. Russia is busy in Ukraine. A new line."
    other = "Corruption angers veterans. The regime needs a victory."
    kept = distinct_passages([passage(a, 1), passage(copy, 2), passage(other, 3)], k=2)
    assert [p.chunk.text for p in kept] == [a, other]


def test_analytic_question_about_someone_the_sources_never_mention_is_refused() -> None:
    passages = [passage(t, i) for i, t in enumerate(ARTICLE, start=1)]
    result = extractive_result("What did Japan say about the attack?", passages, FakeEmbedder(), min_score=0.1)
    assert result.kind == "analytic" and result.text == REFUSAL


def test_an_analytic_question_naming_a_country_by_its_adjective_is_not_refused() -> None:
    # "Malaysian" asks about Malaysia: the sources say "Malaysia's", which is the same name.
    text = ("After Malaysia's independence in 1957, the government instructed all schools to join the national "
            "system. This caused an uproar and a compromise was achieved. Over 60 schools converted.")
    result = extractive_result("What were the consequences of the Malaysian government's order to schools?",
                               [passage(text, 1)], FakeEmbedder(), min_score=0.1)
    assert result.kind == "analytic" and result.text != REFUSAL


def test_a_name_and_its_initials_are_the_same_name() -> None:
    # "the United States" is stated by "US" (found asking the sample article); "the EU" matched "European"
    # before.
    from rag.backends.extractive import _names_missing

    visit = [passage("Nancy Pelosi paid a visit to Armenia to show US support.", 1)]
    assert not _names_missing("How did the United States respond to the offensive?", visit)
    assert _names_missing("How did the United Kingdom respond to the offensive?", visit)
    union = [passage("The European Union called for restraint.", 1)]
    assert not _names_missing("What did the EU say about the attack?", union)
    assert _names_missing("What did NATO say about the attack?", union)
    # Two names with the same initials are two names.
    west_bank = [passage("The West Bank was quiet.", 1)]
    assert _names_missing("What did the World Bank say about the war?", west_bank)


@pytest.mark.parametrize("text, stated, missing", [
    # "the Galdor-Serin ceasefire" names two parties, each written on its own (found in a blind set).
    ("Galdor and Serin agreed a ceasefire in May.", "What would make the Galdor-Serin ceasefire more durable?",
     "What would make the Galdor-Tamar ceasefire more durable?"),
    # A combining form names its state (found in review: "Sino-Russian" was a name no passage writes).
    ("China and Russia have deepened their cooperation.", "Why has Sino-Russian cooperation deepened?",
     "Why has Indo-Russian cooperation deepened?"),
    # A demonym names its state: "the French government" is France (the reaction set's tune half).
    ("France called for an immediate ceasefire.", "How did the French government respond to the attack?",
     "How did the Spanish government respond to the attack?"),
])
def test_a_name_written_another_way_is_stated(text: str, stated: str, missing: str) -> None:
    from rag.backends.extractive import _names_missing

    assert not _names_missing(stated, [passage(text, 1)])
    assert _names_missing(missing, [passage(text, 1)])


def test_a_hyphenated_pair_is_stated_for_factual_questions_too() -> None:
    from rag.backends.extractive import UnstatedAsks

    truce = [passage("Galdor and Serin agreed a ceasefire in May.", 1)]
    assert UnstatedAsks("When was the Galdor-Serin ceasefire signed?", truce)("/corpus/1.txt") == 0
    assert UnstatedAsks("When was the Galdor-Tamar ceasefire signed?", truce)("/corpus/1.txt") == 1


def test_a_capital_for_its_state_and_an_acronym_for_its_name_are_stated() -> None:
    from rag.backends.extractive import _names_missing

    meeting = [passage("France called a special meeting of the UN Security Council.", 1)]
    assert not _names_missing("How did Paris react to the offensive?", meeting)
    assert _names_missing("How did Tokyo react to the offensive?", meeting)  # another state's capital
    # The state's whole name, not a word of it ("the state grid" is not the United States); not a capital that
    # is a place ("strikes on Kyiv") or part of a longer name ("George Washington"). Found in review.
    grid = [passage("The state grid operator said Ukrainian substations were hit.", 1)]
    assert _names_missing("How did Washington respond to the attack?", grid)
    assert _names_missing("What were the consequences of the missile strikes on Kyiv?", grid)
    colonists = [passage("American colonists petitioned George III.", 1)]
    assert _names_missing("How did George Washington respond to the petition?", colonists)
    spelled = [passage("The International Maritime Organization's secretary-general called on flag states.", 1)]
    assert not _names_missing("How did the IMO respond to the grounding?", spelled)
    assert _names_missing("How did the ILO respond to the grounding?", spelled)
    # Two letters are matched by chance too often ("Earlier Ukraine"): not taken for "EU".
    assert _names_missing("How did the EU respond?", [passage("Earlier Ukraine said no.", 1)])


def test_an_acronym_of_common_nouns_is_stated_written_out() -> None:
    # "What were the consequences of the drone attack on Ozmara's LNG terminal?" was refused over a report of
    # "the liquefied natural gas terminal" (found in a development set): the question's LNG is the article's words.
    from rag.backends.extractive import UnstatedAsks, _names_missing

    terminal = [passage("Drones struck Ozmara's liquefied natural gas terminal at Gullhaven on Sunday.", 1)]
    assert not _names_missing("What were the consequences of the attack on Ozmara's LNG terminal?", terminal)
    assert UnstatedAsks("When was Ozmara's LNG terminal attacked?", terminal)("/corpus/1.txt") == 0
    missile = [passage("Marvia fired a surface-to-air missile at the drone.", 1)]
    assert not _names_missing("Why did Marvia fire a SAM at the drone?", missile)
    # Other initials are still missing, and short words, stop words and a sentence's end spell nothing (found in
    # review: "Putin called it an act…", "collecting information about", "Putin's agreement. Moscow…").
    assert _names_missing("What were the consequences of the attack on Ozmara's LPG terminal?", terminal)
    for acronym, text in (("CIA", "Putin called it an act of terrorism."),
                          ("CIA", "He was collecting information about troop movements."),
                          ("SAM", "The mutiny ended with Putin's agreement. Moscow said nothing.")):
        assert _names_missing(f"What role did the {acronym} play in the mutiny?", [passage(text, 1)]), text
    assert UnstatedAsks("When was Ozmara's LPG terminal attacked?", terminal)("/corpus/1.txt") == 1
    # A model number or a headline in capitals is no acronym ("SA-8" is not Saudi Arabia).
    assert _names_missing("How did Saudi Arabia respond?", [passage("An SA-8 battery fired.", 1)])


def test_the_first_word_of_an_analytic_question_is_not_a_missing_name() -> None:
    passages = [passage(t, i) for i, t in enumerate(ARTICLE, start=1)]
    result = extractive_result("Summarise the reasons for the attack.", passages, FakeEmbedder(), min_score=0.1)
    assert result.kind == "analytic" and result.text != REFUSAL


def test_a_count_is_of_the_thing_asked_whether_it_is_named_before_or_after_the_number() -> None:
    from rag.backends.extractive import _answer_type_ok

    # Found in held-out SQuAD questions the learned model refused: the count was there, the check missed it.
    assert _answer_type_ok("How many seats does the amphitheatre have?",
                           "The park has an amphitheatre that seats up to 2,500 people.") == 1.0
    assert _answer_type_ok("In the fall quarter of 2014, how many students signed up?",
                           "In the fall quarter of 2014, the University enrolled 5,792 students in the College.") == 1.0
    # …and a number of something else is still not the count asked for.
    assert _answer_type_ok("How many soldiers died in the clashes?",
                           "Following two days of heavy clashes, a ceasefire was agreed.") < 1.0
    # "How many of the X" counts X, not whatever number the sentence has.
    assert _answer_type_ok("How many of the new tanks has the army ordered?",
                           "The unit cost of the new tank ordered for the army could fall by 12 per cent.") < 1.0
    assert _answer_type_ok("How many of the new tanks has the army ordered?",
                           "The army has ordered 40 of the new tanks.") == 1.0


def test_one_in_an_idiom_is_not_a_count() -> None:
    from rag.backends.extractive import _answer_type_ok

    # Found asking the shadow-fleet article: "How many tankers did Karvesh buy?" was answered first with
    # "…crude is pumped from one tanker to another…", whose "one tanker" passed as the count of tankers.
    question = "How many tankers did Karvesh buy?"
    for idiom in ("Karvesh crude is pumped from one tanker to another, sometimes twice, before it reaches a port.",
                  "The tankers pass cargo to one another at sea.",
                  "No one tracks the tankers once they leave port."):
        assert _answer_type_ok(question, idiom) < 1.0, idiom
    # A real "one" still counts, and so does the count in the sentence that states it.
    assert _answer_type_ok(question, "Karvesh bought one tanker in 2024.") == 1.0
    assert _answer_type_ok(question, "Companies linked to the state oil firm bought around 200 second-hand "
                                     "tankers through shell companies.") == 1.0


def test_a_count_that_refers_back_counts_what_the_sentence_before_names() -> None:
    from rag.backends.extractive import _answer_type_ok

    # Found in a blind news set: "Seven of these are in the Oudala region." was vetoed as a count of nothing,
    # and "How many of MINUBA's bases…" counted "MINUBA" instead of bases.
    question = "How many of MINUBA's bases are located in Oudala?"
    before = "MINUBA has about 11,000 personnel spread across 12 bases."
    assert _answer_type_ok(question, "Seven of these are in the Oudala region.", before) == 1.0
    assert _answer_type_ok(question, "Seven of these are in the Oudala region.",
                           "The mission was set up in 2013 after the rebellion.") < 1.0
    assert _answer_type_ok(question, "MINUBA has about 11,000 personnel, most of them police.") < 1.0
    assert _answer_type_ok("How many drones were shot down?", "Air defences shot down 17 of them.",
                           "At least 23 drones approached the harbour.") == 1.0


def test_a_count_may_name_what_it_counts_in_other_words() -> None:
    from rag.backends.extractive import _answer_type_ok

    # A blind set: "How many civilians were moved out…?" — "about 1,200 residents … had been evacuated".
    question = "How many civilians were moved out of the border villages?"
    assert _answer_type_ok(question, "About 1,200 residents had been evacuated to the regional capital.") == 1.0
    assert _answer_type_ok(question, "Police set up 14 checkpoints on the road.") < 1.0
    assert _answer_type_ok("How many ships were detained?", "Customs officers held three vessels.") == 1.0
    # A unit asked by its abbreviation is counted in full, and the other way round (thirty-eighth round).
    fence = "how many km of the border fence were finished by March"
    assert _answer_type_ok(fence, "By the end of March, only 74 kilometres had been completed.") == 1.0
    assert _answer_type_ok(fence, "By the end of March, 74 workers had been hired.") < 1.0
    assert _answer_type_ok("How many kilograms of explosive did it hold?", "It held 12 kg of explosive.") == 1.0
    assert _answer_type_ok("How many kms of road were closed?", "About 40 kilometres of road were closed.") == 1.0
    assert _answer_type_ok("How many tons of grain were shipped?", "Tonga sent 40 soldiers.") < 1.0  # (review)


def test_a_count_is_of_what_is_asked_and_a_name_only_says_which() -> None:
    from rag.backends.extractive import _answer_type_ok

    # The second blind set: "2,300 kilometres, the Halberd-4 can strike" passed as a count of Halberd-4
    # launchers. A name counts only right after the number ("120 Kestrel-7s").
    launchers = "How many Halberd-4 launchers has Kestria deployed so far?"
    assert _answer_type_ok(launchers, "With a range of about 2,300 kilometres, the Halberd-4 can strike the base.") < 1.0
    assert _answer_type_ok(launchers, "Kestria has deployed four launchers near the coast.") == 1.0
    drones = "How many Kestrel-7 drones were bought?"
    assert _answer_type_ok(drones, "The army bought 120 Kestrel-7s.") == 1.0
    assert _answer_type_ok(drones, "Each Kestrel-7 drone costs $35,000.") < 1.0  # a price is no count
    # …and not after a year or a comma ("In the early hours of 14 February 2026, Varenian armoured columns crossed
    # the border" is no count of Varenian soldiers: the analysis report set's unanswerable question).
    assert _answer_type_ok(drones, "The army bought 1500 Kestrel-7s.") == 1.0  # a count, not a year (review)
    soldiers = "How many Varenian soldiers took part in the offensive?"
    assert _answer_type_ok(soldiers, "On 14 February 2026, Varenian columns crossed the border.") < 1.0
    assert _answer_type_ok(soldiers, "Some 4,000 Varenian troops took part.") == 1.0
    assert _answer_type_ok(soldiers, "It involved 4,000 Varenians.") == 1.0
    # A later number counts on its own (it was swallowed by the words after "2014"); spellings of a unit agree.
    assert _answer_type_ok("How many private schools existed in 2014?",
                           "As of April 2014, there are 88 private schools in New Zealand.") == 1.0
    assert _answer_type_ok("How many square kilometers is the basin?",
                           "This basin encompasses 7,000,000 square kilometres.") == 1.0
    # Any word of the counted phrase will do (a review of a first version that asked for its plural noun).
    for question, sentence in (("How many aircraft carriers does China have?", "China has three carriers."),
                               ("How many member states does NATO have?", "NATO now has 32 members."),
                               ("How many hostages remain in Gaza?", "About 100 remain in Gaza, officials said."),
                               ("How many police officers were injured?", "Twelve officers were injured.")):
        assert _answer_type_ok(question, sentence) == 1.0, question


def test_a_year_a_name_and_a_named_kind_must_be_there() -> None:
    from rag.backends.extractive import _answer_type_ok

    year = "In what year did Ardenne launch its sanctions programme?"
    assert _answer_type_ok(year, "On Thursday Ardenne imposed sanctions on 23 tankers.") < 1.0
    assert _answer_type_ok(year, "Ardenne began the programme in 2019.") == 1.0
    named = "What is the name of the Hallisian officer chairing the joint commission?"
    assert _answer_type_ok(named, "A joint commission, chaired by a Hallisian officer, will meet weekly.") < 1.0
    assert _answer_type_ok(named, "The commission is chaired by Colonel Erik Vanter.") == 1.0
    court = "In which court will the first hearing be held?"
    assert _answer_type_ok(court, "A first court hearing has been scheduled for September.") < 1.0  # a month
    assert _answer_type_ok(court, "The case will be heard at the Supreme Court in Valden.") == 1.0
    assert _answer_type_ok("Which two shipbuilders pulled out of the competition?",
                           "Two of the three shipbuilders withdrew within a year.") < 1.0


def test_a_model_number_is_not_a_count() -> None:
    from rag.backends.extractive import _answer_type_ok

    # "How many Kestrel-7 drones does Drask produce each month?" had been answered with the drone's unit cost:
    # the 7 of "Kestrel-7 drone" passed as a count of drones.
    question = "How many Kestrel-7 drones does Drask produce each month?"
    assert _answer_type_ok(question, "A Kestrel-7 drone is estimated to cost around 35,000 dollars to produce.") < 1.0
    assert _answer_type_ok(question, "Drask builds about 90 Kestrel-7 drones a month.") == 1.0


def test_a_question_about_money_needs_a_sum_of_money() -> None:
    from rag.backends.extractive import _answer_type_ok, asks_money
    from rag.questions import answer_type

    assert asks_money("How much will it cost to repair Berth 9?")
    assert asks_money("Roughly what does it cost Drask to build one Kestrel-7?")
    assert asks_money("What is the unit price of the interceptor?")
    assert not asks_money("How much of the budget went to ammunition?")  # a share, not a sum
    assert not asks_money("How much territory did the army take?")
    # (thirty-sixth round, news_bx: a sum insured, a fine; goods given away are a quantity)
    assert asks_money("For how much was the Orlivan-4 satellite insured?")
    assert asks_money("How much was the shipping firm fined?")
    assert not asks_money("How much fuel was donated to the garrison?")
    assert asks_money("How much was the satellite insured for?")
    assert not asks_money("How much oil did the insured tanker spill?")  # (found in review)
    assert _answer_type_ok("How much compensation is the government paying each family?",
                           "The government announced payments of 50,000 ducats to each bereaved family.") == 1.0
    assert _answer_type_ok("For how much was the satellite insured?",
                           "The satellite was designed to do the work of three smaller satellites.") < 1.0
    assert answer_type("Roughly what does it cost Drask to build one Kestrel-7?") == "number"
    question = "How much will it cost to repair Berth 9?"
    assert _answer_type_ok(question, "The damage to Berth 9 would take at least six weeks to repair.") < 1.0
    for stated in ("Repairs to Berth 9 will cost about 40 million euros.", "Repairs will cost $40m.",
                   "The repair bill is put at 400 million crowns."):
        assert _answer_type_ok(question, stated) == 1.0, stated
    assert _answer_type_ok(question, "Repairs to Berth 9 will cost millions.") < 1.0  # no sum, no currency
    assert _answer_type_ok("How much does it cost to attend?", "Entry is free, but booking is recommended.") == 1.0
    # A share of GDP, a bare "million" after a cost, rupees in crores are sums; the human cost, the cost in
    # lives and a quantity bought are not money questions (a review of the first version).
    assert _answer_type_ok("How much does Germany spend on defence?", "Germany spends 2.1% of GDP on defence.") == 1.0
    assert _answer_type_ok("How much did each missile cost?", "Each missile cost 3.7 million.") == 1.0
    assert _answer_type_ok("How much did the programme cost?", "The programme cost Rs 400 crore.") == 1.0
    for other in ("What is the human cost of the war?", "What was the cost in lives?",
                  "How much gas did Europe buy from Russia?", "What is the cost-exchange ratio?"):
        assert not asks_money(other), other


@pytest.mark.parametrize("question", [
    # sums the blind sets asked for in other words (twenty-fourth round): each had been typed "other", so any
    # sentence passed the answer-type check
    "What's the projected total price tag of the submarine programme?", "What was the value of the contract?",
    "What is the estimated bill for fixing the damaged submarine?", "What annual cost does the government expect?",
    "What monthly payment did the group receive?", "What price does the analyst put on a backup network?",
    "What does the average worker earn per day?", "How big was the ransom the gang asked for?",
    "What was the total value of the machine tools shipped?", "What is the estimated value of the oil it moved?",
    "What was the value of the arms deal?",
    "How large were the pay arrears the minister promised to settle?", "What is the largest fine the firm faces?",
])
def test_a_sum_asked_in_other_words_is_money(question: str) -> None:
    from rag.backends.extractive import asks_money

    assert asks_money(question)


@pytest.mark.parametrize("question", [
    "What was Bill Aken's ethnicity?",  # a name (SQuAD dev)
    "What type of wages does automation lead to?",  # a kind, not a sum (SQuAD dev)
    "What is the strategic value of the island?", "What was the idealized value of imperialism?",
    "How large was the crowd?",
    # found in review: a charge, a reputation earned, a bill of law, a name, a value that is no sum, fine print
    "What did prosecutors charge the captain with?", "What did the unit earn a reputation for?",
    "What is the new defence bill about?", "What was the bill passed by parliament?", "How large was Grant's army?",
    "What are the values of the Enlightenment?", "What is the value of the Planck constant?",
    "What is the fine print of the deal?", "What is the payment method?", "What was the form of payment?",
    "What price did Russia pay for the invasion?",
])
def test_no_sum_asked(question: str) -> None:
    from rag.backends.extractive import asks_money

    assert not asks_money(question)


def test_which_named_kind_needs_a_name() -> None:
    from rag.backends.extractive import _answer_type_ok

    question = "Which European shipping companies signed the convoy agreement with Corvania?"
    assert _answer_type_ok(question, "Corvania signed an agreement with a group of European shipping companies.") < 1.0
    assert _answer_type_ok(question, "Maersk and Hapag-Lloyd signed the convoy agreement.") == 1.0


def test_a_byline_line_with_role_and_date_is_never_a_point() -> None:
    # Found summarising the grid article: "Visiting Fellow, …, 10 February 2026" (the byline without its
    # "By Name –") was glued to the first sentence's bullet.
    text = ("By Tomas Rautio – Visiting Fellow, Cyber and Critical Infrastructure Programme, 10 February 2026\n\n"
            "At 18:40 on 16 January 2026, control-room staff watched the cursor on their screens move on its own.\n\n"
            "By Tuesday – two days later – the rebels had taken the town.")
    texts = [c.text for c in candidates([passage(text, 1)])]
    assert not any("Visiting Fellow" in t for t in texts)
    assert texts[0].startswith("At 18:40")
    assert any(t.startswith("By Tuesday") or "the rebels had taken the town" in t for t in texts)  # a sentence


def test_a_byline_in_any_script_is_no_point_and_a_by_sentence_is_one() -> None:
    # Found in review: the candidate filter had its own byline rule (capital A-Z only, weekday names allowed).
    text = ("By Émile Durand – Visiting Fellow, Cyber Programme, 10 February 2026\n\n"
            "The grid operator restored power within nine hours.\n\n"
            "By Friday – the minister said – a deal will be signed by the end of the month.")
    texts = [c.text for c in candidates([passage(text, 1)])]
    assert not any("Visiting Fellow" in t for t in texts)
    assert any("a deal will be signed" in t for t in texts)


def test_an_analytic_question_about_a_year_no_document_ties_to_its_names_is_refused() -> None:
    # "Why did Varenia attack Kostria in 2024?" had been answered with another article's points: the article on
    # the offensive states 2026, and the one that states 2024 is about a grid in Lessia.
    offensive = passage("Varenia attacked Kostria in February 2026 because control of the dams promised water. "
                        "President Orsak also needed a short victorious campaign before the election.", 1)
    text = ("The attack on the grid in 2024 came because the company had ignored an audit. The attackers wanted "
            "to punish the government for the new grid connection.")
    grid = Passage(chunk=Chunk(id="chunk-2", source="/corpus/grid.txt", title="", start=0, index=0, end=len(text),
                               text=text), score=0.5, similarity=0.5)
    refused = extractive_result("Why did Varenia attack Kostria in 2024?", [offensive, grid], FakeEmbedder())
    assert refused.refused and refused.text == REFUSAL
    answered = extractive_result("Why did Varenia attack Kostria in 2026?", [offensive, grid], FakeEmbedder())
    assert not answered.refused and "dams" in answered.text
    assert not extractive_result("Why did Varenia attack Kostria?", [offensive, grid], FakeEmbedder()).refused


def test_counts_and_ranges_are_not_taken_for_missing_years() -> None:
    # Found in review: "2,000" was read as the year 2000, and "2019–20" did not state 2020.
    from rag.backends.extractive import asked_years, stated_years

    assert asked_years("Why did 2,000 soldiers desert?") == set()
    assert {"2019", "2020"} <= stated_years("The budget for 2019–20 was cut.")
    assert "2024" in stated_years("Funding in FY2024 fell.")
    text = "Two thousand soldiers deserted because their pay was months late and their officers had fled."
    result = extractive_result("Why did 2,000 soldiers desert?", [passage(text, 1)], FakeEmbedder())
    assert not result.refused


# An analytic question presumes what it asks about; when no document reports it, related sentences are no answer.
GRID = [
    ("In the attack of 14 January hackers cut power to 310,000 households in Lessia for up to 19 hours. "
     "The government blamed a group linked to Durovia's military intelligence."),
    ("Lessia expelled four Durovian diplomats and asked the EU for emergency support. "
     "Durovia denied any involvement and called the accusations provocative."),
]


def grid_passages(source: str = "/corpus/lessia.txt") -> list[Passage]:
    out = []
    for n, text in enumerate(GRID, start=1):
        chunk = Chunk(id=f"chunk-{n}", source=source, title="Lights Out in Lessia", text=text, start=0,
                      end=len(text), index=n - 1)
        out.append(Passage(chunk=chunk, score=1.0 / n, similarity=0.5))
    return out


def test_with_the_premise_check_on_an_analytic_question_whose_premise_no_document_reports_is_refused() -> None:
    # Every name is stated, but no cut-off of gas supplies and no retaliation is reported.
    for question in ("Why did Durovia cut off gas supplies to Lessia after the expulsions?",
                     "What were the consequences of Lessia's retaliatory cyberattack on Durovia's army?"):
        result = extractive_result(question, grid_passages(), FakeEmbedder(), min_score=0.1, premise_words=2)
        assert result.kind == "analytic" and result.text == REFUSAL, question


def test_a_writer_named_in_the_question_is_stated_by_the_byline() -> None:
    # "How does Ebberlin judge…": the writer's name is the document's author, not a word of its passages.
    from rag.backends.extractive import _names_missing

    passages = grid_passages()
    question = "How does Rautio judge Lessia's response to the attack?"
    assert _names_missing(question, passages)
    bylined = [Passage(chunk=dataclasses.replace(p.chunk, author="Tomas Rautio"), score=p.score,
                       similarity=p.similarity) for p in passages]
    assert not _names_missing(question, bylined)
    assert extractive_result(question, bylined, FakeEmbedder(), min_score=0.1).text != REFUSAL


def test_the_premise_check_is_off_by_default() -> None:
    # Off by default: on blind sets it refused more answerable questions worded away from the article than
    # unanswerable ones (eval/README.md, "Seventeenth round"); the same question then gets related bullets.
    # (A "why did…" question's event, and an event named by a noun whose consequences are asked, "…of Lessia's naval
    # blockade?", are checked apart, by default: tests/rag/test_unstated_events.py.)
    question = "What were the consequences of Lessia's naval exercises?"
    on = extractive_result(question, grid_passages(), FakeEmbedder(), min_score=0.1, premise_words=2)
    assert on.kind == "analytic" and on.text == REFUSAL
    result = extractive_result(question, grid_passages(), FakeEmbedder(), min_score=0.1)
    assert result.kind == "analytic" and result.text != REFUSAL and result.text.startswith("- ")
    blockade = "What were the consequences of Lessia's naval blockade?"
    assert extractive_result(blockade, grid_passages(), FakeEmbedder(), min_score=0.1).text == REFUSAL


def test_an_analytic_question_with_one_word_paraphrased_is_answered() -> None:
    # "reply" is not in the passages, but the rest of what is asked is: one word may be the asker's own.
    for question in ("How did Durovia reply to the accusations of the Lessian government?",
                     "How did Lessia react to the attack, despite the risks?",
                     "What were the consequences of the attack on the power grid for households?"):
        result = extractive_result(question, grid_passages(), FakeEmbedder(), min_score=0.1)
        assert result.kind == "analytic" and result.text != REFUSAL, question


def test_the_premise_is_read_in_each_document_and_the_one_that_states_most_decides() -> None:
    from rag.backends.extractive import unstated_premise

    grid = grid_passages()
    gas = ("Durovia cut off gas supplies to Lessia in March, a week after its diplomats were expelled. "
           "Lessia had to buy gas on the spot market at twice the price.")
    gas_doc = Passage(chunk=Chunk(id="gas", source="/corpus/gas.txt", title="Gas", text=gas, start=0,
                                  end=len(gas), index=0), score=0.1)
    question = "Why did Durovia cut off gas supplies to Lessia after its diplomats were expelled?"
    assert unstated_premise(question, grid) == ["gas", "suppli"]  # "cut" is stated: "cut power"
    # A lower-ranked document that reports the cut-off makes the question answerable from it.
    assert unstated_premise(question, [*grid, gas_doc]) == []
    assert extractive_result(question, [*grid, gas_doc], FakeEmbedder(), min_score=0.1).text != REFUSAL


def test_one_paragraph_is_no_evidence_that_a_premise_is_absent() -> None:
    # A one-passage document (a paragraph, a note) that lacks "gas" and "supplies" may say it another way; an
    # article of which retrieval read several passages and none says it is evidence (PREMISE_MIN_PASSAGES).
    from rag.backends.extractive import unstated_premise

    question = "Why did Durovia cut off gas supplies to Lessia after its diplomats were expelled?"
    assert unstated_premise(question, grid_passages()[:1]) == []
    assert extractive_result(question, grid_passages()[:1], FakeEmbedder(), min_score=0.1).text != REFUSAL


def test_an_articles_renderings_in_other_formats_are_read_as_one_document() -> None:
    # Retrieval keeps one copy of each passage, so an article in two formats is read across its files.
    from rag.backends.extractive import unstated_premise

    parts = []
    for n, (text, ext) in enumerate(zip(GRID, ("txt", "pdf")), start=1):
        chunk = Chunk(id=f"c{n}", source=f"/corpus/lessia.{ext}", title="Lights Out in Lessia", text=text,
                      start=0, end=len(text), index=n - 1)
        parts.append(Passage(chunk=chunk, score=1.0 / n))
    question = "Why did Durovia cut off gas supplies to Lessia after its diplomats were expelled?"
    assert unstated_premise(question, parts) == ["gas", "suppli"]
    other = Passage(chunk=Chunk(id="o", source="/corpus/other.pdf", title="Other", text=GRID[1], start=0,
                                end=len(GRID[1]), index=0), score=0.5)
    assert unstated_premise(question, [parts[0], other]) == []  # two documents, one passage each


def _document(source: str, texts: list[str]) -> list[Passage]:
    return [Passage(chunk=Chunk(id=f"{source}-{n}", source=source, title="", text=t, start=0, end=len(t), index=n),
                    score=1.0 / (n + 1)) for n, t in enumerate(texts)]


def test_a_comparison_is_not_refused_for_words_each_side_states_in_its_own_document() -> None:
    # Each article leaves out the other side's words; together they state all of them.
    embargo = _document("/corpus/durovia.txt", [
        "The gas embargo on Durovia began in March. Tankers now queue outside its ports.",
        "The embargo has cut Durovia's gas income by a third, and prices at home have doubled."])
    licences = _document("/corpus/nordhavn.txt", [
        "Nordhavn granted arms licences to four buyers in April. Its firms expect new orders.",
        "The licences cover armoured vehicles and radars, and parliament no longer votes on each of them."])
    question = "Compare the gas embargo on Durovia with the arms licences of Nordhavn."
    result = extractive_result(question, [*embargo, *licences], FakeEmbedder(), min_score=0.1)
    assert result.kind == "analytic" and result.text != REFUSAL


def test_a_paragraph_tied_with_an_article_keeps_the_question_open() -> None:
    from rag.backends.extractive import unstated_premise

    article = _document("/corpus/lessia.txt", GRID)
    note = _document("/corpus/note.txt", ["Durovia cut its electricity exports after Lessia expelled its diplomats."])
    question = "Why did Durovia cut off gas supplies to Lessia after its diplomats were expelled?"
    # Both leave out "gas" and "supplies": the one-paragraph note, which may be what the question is about,
    # cannot be judged, so neither decides.
    assert len(unstated_premise(question, article)) == 2
    assert unstated_premise(question, [*article, *note]) == []



# "How did X react…" asks for what X did: an article that never mentions X holds no answer.
def test_a_reaction_question_about_an_actor_the_article_never_mentions_is_refused() -> None:
    # No insurer, opposition party or veteran is in the passages; Lessia's government, Durovia, hackers are.
    for question in ("How did Lessia's insurers respond to the attack?",
                     "How did opposition parties in Lessia react to the attack?",
                     "What was the veterans' reaction to the accusations?"):
        result = extractive_result(question, grid_passages(), FakeEmbedder(), min_score=0.1)
        assert result.kind == "analytic" and result.text == REFUSAL, question
    for question in ("How did Durovia react to the accusations?",
                     "How did Lessia's government respond to the attack?",
                     "What was Durovia's response to the accusations?",
                     "so how'd durovia react to the accusations",  # typed in lower case: still a name
                     "How did the hackers and Lessia's insurers react to the attack?"):  # the hackers are there
        result = extractive_result(question, grid_passages(), FakeEmbedder(), min_score=0.1)
        assert result.kind == "analytic" and result.text != REFUSAL, question


def test_the_actor_is_found_in_its_other_words_and_forms() -> None:
    from rag.backends.extractive import reactor_silent

    # "companies" are "firms", "fishermen" a "fisherman", "Kurds" are "Kurdish" (found in review).
    firms = [passage("Two firms suspended their shipments the next day.", 1)]
    assert not reactor_silent("How did shipping companies react to the attacks?", firms)
    fisherman = [passage("One fisherman sued the owners.", 1)]
    assert not reactor_silent("How did the fishermen respond to the spill?", fisherman)
    assert reactor_silent("How did the insurers respond to the spill?", fisherman)
    # Mentioned at all is enough: whether it acted is the key points' to show.
    told = [passage("The chiefs met Céloron at Logstown.", 1)]
    assert not reactor_silent("How did the chiefs react to Céloron's expedition?", told)
    # Nothing to read is no evidence.
    assert not reactor_silent("How did the insurers respond to the spill?", [])


def test_the_actor_is_looked_for_in_the_documents_about_the_question() -> None:
    from rag.backends.extractive import reactor_silent

    # Insurers are in an article on shipping, not in the Lessia article the question is about.
    text = "Insurers refused cover for the tankers after the grounding."
    shipping = Passage(chunk=Chunk(id="ship-1", source="/corpus/shipping.txt", title="Ghost tankers", text=text,
                                   start=0, end=len(text), index=0), score=0.5, similarity=0.5)
    question = "How did Lessia's insurers respond to the attack?"
    assert reactor_silent(question, [*grid_passages(), shipping])
    # With no document about Lessia, every document is read.
    assert not reactor_silent("How did the insurers respond to the attack?", [*grid_passages(), shipping])


def test_actors_that_articles_call_by_other_names_are_not_checked() -> None:
    from rag.backends.extractive import reactor_silent
    from rag.keypoints import reaction_actors

    passages = [passage("Louis XIV imposed penalties and closed Huguenot schools. Paris was calm.", 1)]
    for question in (
            # Names are written as capitals, leaders and adjectives ("Beijing", "Xi", "Chinese officials").
            "How did China react to the penalties?", "How did the US respond to the penalties?",
            "What was France's reaction to the closures?", "how did russia respond to the penalties",
            # "the new king" is Louis XIV, "governments" any government, "lawmakers" the parliament.
            "How did the new king react to the Huguenots?",
            "How did governments and other organisations react to the schools' closure?",
            "How did the parliament respond to the penalties?", "How did the rebels react to the penalties?",
            "How did oil prices react to the penalties?",
            # A forecast, a manner or an embedded question is not an actor's reaction.
            "How would the Huguenots' neighbours respond to the penalties?", "How are teachers likely to react?",
            "How did analysts say teachers would respond?", "How quickly did the teachers react?",
            "How did the penalties change how teachers responded?"):
        assert reaction_actors(question) == [] and not reactor_silent(question, passages), question
    assert reactor_silent("How did the teachers respond to the penalties?", passages)
