"""The kind of thing a factual answer must state, as people ask for it (nineteenth round, eval/README.md).

Each case pairs a question with a sentence that answers it in other words (accepted) and one that shares the
question's topic but does not state what is asked (rejected).
"""

from __future__ import annotations

import pytest

from rag.answer_model import CandidateSignals, answerability, features
from rag.backends.extractive import _answer_type_ok, _type_present, asks_duration, asks_person_by_role, person_names
from rag.questions import profile


@pytest.mark.parametrize("question, answer, not_an_answer", [
    # "How many times": a count of events, whatever the sentence calls them.
    ("How many times has the coastguard logged its boats being boarded this year?",
     "The coastguard has recorded 17 boardings since January.",
     "The coastguard says the boardings are illegal."),
    ("How many times did the operator have to move its satellites?",
     "The operator said it had moved its satellites 14 times.",
     "The operator moved its satellites out of harm's way."),
    # "How much longer / more": a difference in any unit.
    ("How much longer would each trip take if ships went around the peninsula?",
     "Ships could divert around the peninsula, adding roughly three days to each voyage.",
     "Ships could divert around the peninsula instead."),
    # "How many of the <name>": a partitive count of the named whole.
    ("How many of the Bisons handed over to the army had cracked welds?",
     "The report found that 61 of the 158 vehicles delivered had cracked welds.",
     "The report found cracked welds in the Bison's hull."),
    # Countries are states; a crowd is people.
    ("How many states have signed the pledge?", "Eleven countries have so far joined the moratorium.",
     "The pledge was signed in Geneva."),
    ("How many people did the police say attended the protest?", "Police put the crowd at about 22,000.",
     "Police said 14 officers were hurt at the protest."),
    # Twenty-sixth round: a count written out past twelve is a count.
    ("how many Mordessan firms were kept out of the arms fair", "Start with the exclusion of the fourteen Mordessan "
     "companies.", "Start with the exclusion of the Mordessan companies."),
    ("Over how many studies have shown that violence is more common?", "There have been over fifty studies showing it.",
     "There have been studies showing it."),
    # People counted by what they are, counted as people by the report.
    ("How many migrants have drowned in the river since May?",
     "A volunteer group said at least 14 people had drowned since May trying to cross the river.",
     "A volunteer group said 14 boats had capsized since May."),
    ("how many suspects were detained in the raids", "Police arrested 11 people in raids in the town.",
     "Police raided 11 farms in the town."),
    # Thirty-first round: the same thing counted in other words.
    ("How many lorries normally pass through Sarbek each day?", "Sarbek handles about 1,200 trucks a day.",
     "Sarbek handles about 60 percent of exports."),
    ("How many reporters had their phones tapped?", "The office had tapped the phones of 37 journalists.",
     "The office had tapped phones for 3 years."),
    ("how much data did the intruders take?", "The hackers stole about 340 gigabytes of documents.",
     "The hackers stole documents from 4 ministries."),
    # (the counted phrase's head only: "lorry drivers" are no trucks, "data centres" no terabytes)
    ("How many lorry drivers will carry the tanks?", "About 60 drivers will carry the tanks.",
     "About 60 trucks will carry the tanks."),
    ("How many data centres were hit?", "Attackers hit 4 data centres.", "Attackers stole 40 terabytes."),
    # Thirty-fifth round: the counted thing after "of", a decimal count of times, pictures as photographs.
    ("How many Halvar-9 fighters were grounded?", "The air force grounded all 38 of its Halvar-9 fighter jets.",
     "The air force grounded all 38 of its Halvar-9 transport planes."),
    ("how many times was the video watched", "The video was viewed more than 2.3 million times before it was removed.",
     "The video, which cost 2.3 million crowns to make, was removed."),
    ("How many pictures of the base were found?", "Officers found 412 photographs of the base.",
     "Officers found 412 documents about the base."),
    # Thirty-sixth round (news_by): a word between the count and "occasions"
    ("how many times was the reporter's phone infected", "Her phone was infected on 11 separate occasions.",
     "Her phone was infected by 11 separate programs."),
    ("how many times was the reporter's phone infected", "Her phone was infected on 11 separate occasions.",
     "The phone was infected, said 4 Sunday Times editors."),  # (found in review: a name is no adjective)
])
def test_a_count_may_be_of_events_a_difference_or_a_share(question: str, answer: str, not_an_answer: str) -> None:
    assert _answer_type_ok(question, answer) == 1.0
    assert _answer_type_ok(question, not_an_answer) < 1.0


def test_people_do_not_answer_a_count_of_things_or_of_states() -> None:
    # "People" stands for the kinds of people a question counts, not for states, tanks or members, nor for words
    # that only share a stem or a prefix with them (found in review: "prisons", "suspected drones", "personal").
    assert _answer_type_ok("How many nations joined the pledge?", "Some 14 people signed the pledge.") < 1.0
    assert _answer_type_ok("How many tanks were destroyed?", "At least 14 people were killed.") < 1.0
    assert _answer_type_ok("How many prisons were closed?", "Some 40 people had been moved.") < 1.0
    assert _answer_type_ok("How many suspected drones were shot down?", "Police detained five people.") < 1.0
    assert _answer_type_ok("How many hostages were freed?", "They returned 12 personal belongings.") < 1.0


@pytest.mark.parametrize("question, sentence", [
    # (found replaying the development sets: "four of them" counts whoever "them" are, not the families asked about)
    ("How many families were compensated?", "It owes their families an account of why four of them did not come home."),
    # (found in review: what follows "of the …" is read for two words, not into the next clause; no sum or share)
    ("How many villages were shelled?", "Two of the soldiers said villages were shelled."),
    ("How many drones were shot down?", "The army said 30 of its soldiers saw drones shot down."),
    ("How many families were compensated?", "Four of those men had families."),
    ("How many tanks were destroyed?", "It spent 4 million of its budget on tanks."),
    ("How many tanks were destroyed?", "The army lost 20% of its fuel when tanks were destroyed."),
    ("How many tanks were destroyed?", "In June 2023 of the previous decade, tanks were destroyed."),
    ("How many videos were posted online?", "Police seized 12 clips of ammunition and a rifle."),
])
def test_a_count_of_something_else_is_not_of_what_is_asked(question: str, sentence: str) -> None:
    assert _answer_type_ok(question, sentence) < 1.0


def test_a_count_of_the_owners_things_is_of_them() -> None:
    assert _answer_type_ok("How many tanks were destroyed?", "Rebels destroyed 12 of the army's tanks.") == 1.0


def test_how_many_times_still_needs_a_count() -> None:
    assert _answer_type_ok("How many times was the ship boarded?", "The ship was boarded again on Tuesday.") < 1.0


def test_a_partitive_count_answers_only_a_partitive_question_about_a_named_whole() -> None:
    # "How many soldiers died?" is still not answered by a share of something else.
    assert _answer_type_ok("How many soldiers died in the clashes?", "Two of the three villages were shelled.") < 1.0


@pytest.mark.parametrize("question, answer", [
    ("How long should former officials have to wait before joining industry?",
     "It should introduce a cooling-off period of at least three years for officials."),
    ("How long have conversions of former military sites typically taken?",
     "Conversions of former military sites elsewhere have usually taken a decade or more."),
    ("How fast can a bombed plant get back to partial production?",
     "A damaged plant can return to partial output within weeks rather than months."),
])
def test_a_span_of_time_answers_how_long_something_takes(question: str, answer: str) -> None:
    assert asks_duration(question)
    assert _type_present(profile(question), answer) == 1.0
    assert _type_present(profile(question), "Conversions of former military sites need heavy investment.") < 1.0


@pytest.mark.parametrize("question", [
    "How long is the corridor?", "How long was the border?", "How fast can the missile fly?",
])
def test_how_long_a_thing_is_or_how_fast_it_moves_is_no_span_of_time(question: str) -> None:
    assert not asks_duration(question)
    assert _type_present(profile(question), "The corridor will take years to build.") < 1.0


@pytest.mark.parametrize("question, unnamed", [
    ("What is the name of the retired brigadier who joined Valcor's board?",
     "They also found that a retired brigadier who had chaired the evaluation committee joined Valcor's board."),
    ("What is the name of the Aldorian airman charged over the accident?",
     "A Maruvian court ruled that an Aldorian airman charged over the accident could be tried locally."),
    ("What is the name of Zhelan's ambassador to the Conference on Disarmament?",
     "Its ambassador to the UN Conference on Disarmament said on Thursday that his country would consider a treaty."),
    ("What is the name of the officer in command of the frigate Tarsis?",
     "According to the Velmoran defence ministry, the frigate Tarsis fired two warning bursts."),
    ("Who is the captain of the Aurelia Star?",
     "Officials said the Aurelia Star's captain had been questioned by the Lessanian coast guard."),
])
def test_a_sentence_that_mentions_the_person_asked_for_but_names_nobody_is_no_answer(question: str,
                                                                                     unnamed: str) -> None:
    assert asks_person_by_role(question)
    assert person_names(unnamed, question) == []
    assert _answer_type_ok(question, unnamed) == 0.0
    # The learned model is not asked: no name, no answer, however close the sentence is.
    prof = profile(question)
    signals = CandidateSignals(score=0.8, rule=0.0, similarity=0.8, passage_similarity=0.8, rank=0, best_score=0.8,
                               passage=1, answer_type=_type_present(prof, unnamed))
    assert answerability(features(prof, unnamed, "", signals)) == 0.0


@pytest.mark.parametrize("question, named", [
    ("What is the name of the colonel convicted of spying?",
     "Colonel Edvard Lisk, a former deputy head of the procurement department, received 14 years."),
    ("Who is the official leading the prosecution?", "The chief prosecutor, Liesbeth Marchal, told reporters."),
    ("Who was the spokesman for the ministry?", "Petrov said on Friday that the ministry would not comment."),
    ("What is the name of the ship's captain?", "Its captain, Ivan Sorokin, was detained on Monday."),
    ("Who is the commander of the fleet?", "The fleet is commanded by Rear Admiral Tomas Berg."),
    ("Who was the first president of the republic?", "Washington was the first president of the republic."),
    ("Who is the spokeswoman of the port authority?", '"We are working," said Marleen Hoek, a spokeswoman.'),
    ("Who was the Norman leader in Italy?", "Robert Guiscard led the Normans in southern Italy."),
    # (thirty-fifth round: with no article, or the owner's "the fund's")
    ("who was chairman of the provident fund before he stepped down",
     "The fund's chairman, retired Lieutenant General Adalbert Korrin, resigned on Tuesday evening."),
    ("Who was the fund's chairman?", "The fund's chairman, Adalbert Korrin, resigned on Tuesday."),
])
def test_a_sentence_that_names_the_person_asked_for_answers(question: str, named: str) -> None:
    assert asks_person_by_role(question)
    assert _answer_type_ok(question, named) == 1.0


@pytest.mark.parametrize("question", [
    "Who brokered the ceasefire?", "Which country mediated the talks?", "What is the name of the ship?",
    "Who are the main suppliers of the army?", "Who was killed in the attack?", "Who is responsible for the raid?",
])
def test_questions_that_do_not_ask_for_a_person_by_role_are_left_to_the_other_checks(question: str) -> None:
    assert not asks_person_by_role(question)


@pytest.mark.parametrize("question, sentence, named", [
    ("What is the name of the Aldorian airman charged over the accident?",
     "A court ruled that an Aldorian airman charged over the accident should be tried in Maruvia.", False),
    ("What is the name of the UN envoy who supported the talks?",
     "The talks, mediated by Varezia with the support of a UN envoy, had begun in April.", False),
    ("Who was the ministry's spokesman?", "A spokesman, Ivan Petrov, said the ministry would not comment.", True),
    ("Who was the ministry's spokesman?", "Varezia's foreign ministry said its spokesman would brief reporters.", True),
])
def test_a_person_introduced_without_a_name_is_not_named_by_other_names_in_the_sentence(
        question: str, sentence: str, named: bool) -> None:
    assert (_answer_type_ok(question, sentence) == 1.0) is named


@pytest.mark.parametrize("question, sentence, named", [
    ("What is the model name of the drones Kestria used?",
     "The drones were believed to be a Kestrian-made model with a range of more than 1,500 kilometres.", False),
    ("What is the model name of the drones Kestria used?", "Kestria used Falcon-3 drones against the plant.", True),
    ("What is the name of the airline that flew the migrants?",
     "Officials accuse the government of flying in migrants on charter flights.", False),
    ("What is the name of the operation?", "Operation Lantern Gate began at dawn.", True),
    ("What was the ship's name?", "The ship, the Aurelia Star, was sailing from Dorvik.", True),
    ("Who led the mediation?", "Varezia led the mediation with the support of a UN envoy.", True),
])
def test_a_name_asked_for_must_be_there(question: str, sentence: str, named: bool) -> None:
    assert (_answer_type_ok(question, sentence) == 1.0) is named


# Found in review: names the cheap reading must keep, and sentences the new rules must still reject.
@pytest.mark.parametrize("question, sentence", [
    ("Who is the defence minister?", "Williams told parliament the army was ready."),
    ("Who is the defence minister?", "Fleming told parliament the army was ready."),
    ("Who is the defence minister?", "Kelly told parliament the army was ready."),
    ("Who is the Russian president?", "Putin's decree ordered a partial mobilisation."),
    ("Who is the Turkish president?", "Erdogan told reporters the talks had failed."),
    ("Who is the Serbian president?", "Vucic rejected the proposal."),
    ("Who is the defence minister?", "The ministry was run by Erdogan until last year."),
    ("Who is the Australian prime minister?", "Albanese said the deal was signed."),
    ("Who was the Chinese defence minister?", "Li was removed in October."),
    ("Who was the commander of the Kestrel?", "Commander Ana Ruiz said the frigate kept its course."),
    ("Who is the police chief?", "Police Chief Mark Rowley defended the operation."),
    ("Who was the spokeswoman?", "The statement was read by Maria Zakharova, who has served as a spokeswoman since 2015."),
    ("Who was the airman who leaked the documents?",
     "The documents were leaked by an airman who worked as an IT specialist, Jack Teixeira."),
    ("What is the name of the militant group?", "The attack was claimed by the PKK."),
    ("What is the name of the missile system?", "The S-400 was deployed near the border."),
])
def test_names_the_reading_keeps(question: str, sentence: str) -> None:
    assert _answer_type_ok(question, sentence) == 1.0


@pytest.mark.parametrize("question, sentence", [
    ("How long did the ceasefire last?", "The ceasefire collapsed last month."),
    ("How long did the talks last?", "The talks ended the day after the summit."),
    ("How long will the new border fence be?", "The fence will take years to build."),
    ("How fast can the Zircon missile fly?", "The missile can reach its target within minutes."),
    ("How many times has the ship been boarded?", "The ship's crew of 24 was detained."),
    ("How many times has Iran violated the deal?", "Many analysts say Iran violated the deal."),
    ("How much longer will the war last?", "The war began in 2022."),
    ("How many of the Leopard tanks were destroyed?", "Three of the crew members were injured."),
    ("How many fighter jets were lost?", "Around 300 militants were killed."),
    ("How many rocket launchers did the US send?", "The US sent 40 missiles."),
])
def test_a_sentence_without_what_is_asked_still_fails_the_check(question: str, sentence: str) -> None:
    assert _type_present(profile(question), sentence) < 1.0


def test_a_term_asked_for_is_no_name() -> None:
    assert _answer_type_ok("What is another name for the doctrine?", "It is also known as escalate to de-escalate.") == 1.0
    assert _answer_type_ok("What is the name given to the strategy?", "This approach is known as salami slicing.") == 1.0


@pytest.mark.parametrize("sentence, is_date", [
    ("The ban took effect on 1 March.", True),
    ("Customs began enforcing the ban on Monday.", True),
    ("The ban was announced on 2024-03-01.", True),
    ("Velmora has banned the export of drone components, which have been used since last spring.", False),
    ("The ban has been in force for four weeks.", False),
])
def test_a_date_asked_for_is_a_day(sentence: str, is_date: bool) -> None:
    assert (_answer_type_ok("From what date did Velmora's restrictions on drone parts apply?", sentence) == 1.0) is is_date


def test_a_when_clause_inside_a_count_question_does_not_make_it_a_date_question() -> None:
    question = "How many people died when troops tried to seize the arms store outside Sarqa?"
    assert profile(question).answer_type == "number"
    assert _type_present(profile(question), "Eleven people were killed, according to the local hospital.") == 1.0
    assert profile("When did the troops seize the store?").answer_type == "date"


@pytest.mark.parametrize("question, answer", [
    ("how many positions is Aventa Motors eliminating", "Aventa Motors announced that it would cut 320 jobs."),
    ("How many licence requests did the new office approve?", "Approving 14 of 96 applications suggests caution."),
])
def test_a_count_named_by_another_common_word(question: str, answer: str) -> None:
    assert _answer_type_ok(question, answer) == 1.0


def test_the_words_that_ask_for_a_sum_are_not_its_focus() -> None:
    assert profile("According to the opinion piece, what is the overall price tag of the integration scheme?").focus \
        == ("overal", "integr", "scheme")
    assert "money" not in profile("Roughly how much money did Lisk receive for the secrets?").focus


@pytest.mark.parametrize("question, sentence, named", [
    # "Who commands / heads / chairs / leads / is in charge of X?" asks for a person: a sentence that names only
    # places and institutions ("moderate commanders", "the Kaldun People's Movement") is no answer (blind sets).
    ("Who commands the Sarqa Battalion?",
     "The clash near Sarqa on 2 June has made it harder for moderate commanders to argue for integration.", False),
    ("Who headed the Ambrian government's negotiating team in Port Selune?",
     "Negotiations between the government of Ambria and the Kaldun People's Movement collapsed on Sunday.", False),
    ("Who is in charge of the UN inspection team based at Istrava?",
     "The team's leader, Helga Marstrand, said her inspectors heard explosions for more than an hour.", True),
    ("Who chairs Tesselia's Central Election Commission?",
     "Its chair, Lidia Varga, said paper ballots would be counted by hand.", True),
    ("Who led the Mongol army at the battle?", "The army was led by Subutai, a general of Genghis Khan.", True),
])
def test_a_question_asking_who_leads_wants_a_person_named(question: str, sentence: str, named: bool) -> None:
    assert asks_person_by_role(question)
    assert (_answer_type_ok(question, sentence) == 1.0) is named


@pytest.mark.parametrize("question", ["Who runs the University of Chicago?", "Who won the election?",
                                      "Who was leading when the storm hit?"])
def test_other_who_questions_are_not_read_as_asking_for_a_leader(question: str) -> None:
    assert not asks_person_by_role(question)


@pytest.mark.parametrize("question, answer, not_an_answer", [
    # Thirty-sixth round (news_bw): an age, not any number ("late on 14 October")
    ("how old was the younger of the two men killed in the pass",
     "The dead were identified as Kvetoslav Serdan, 34, and his nephew Ludek Serdan, 17, both from Hostrava.",
     "Border guards opened fire on the mule train late on 14 October, killing two men."),
    ("How old was the conscript?", "The 19-year-old conscript was found dead on 2 March.",
     "The conscript was found dead on 2 March."),
    ("How old was he when he died?", "He died in 1850 at the age of 67.", "He died in 1850 with 67 books unpublished."),
    ("How old is the ferry?", "The ferry, built in 1994, was chartered in 2022.", "The ferry carried 342 soldiers."),
    # (development sets news_b, news_aw, news_bf: an average age, an age in words)
    ("How old, on average, are the tankers?", "The average age of the tankers in the network is 19 years.",
     "The network runs 19 tankers."),
    ("how old are the workers", "The average age of the workforce on the hull line is now over fifty.",
     "Over fifty workers have left the hull line."),
    ("how old are the radars", "Both radars are more than twenty years old.", "Both radars cost twenty million."),
    # (found in review: the commonest ways of giving an age)
    ("How old was the captain?", "The captain was 54 and had sailed the route for two decades.",
     "The captain was 5 km from port at 10.30."),
    ("How old was the conscript?", "The conscript, who was 19, died in March.", "There were 40 soldiers at the post."),
    ("How old was he?", "He died in 1850 at 67.", "The radars were 12 percent over budget."),
    ("How old is Ruiz?", "Captain Ruiz (54) was arrested.", "Captain Ruiz was arrested on 14 October."),
    ("How old is the ferry?", "The ferry entered service in 1994.", "The ferry carried 342 soldiers."),
    ("How old is the ship?", "It was commissioned 30 years ago.", "It carried 30 tonnes."),
    ("How old is the radar?", "The radar is three decades old.", "The radar covers three districts."),
])
def test_how_old_asks_for_an_age(question: str, answer: str, not_an_answer: str) -> None:
    assert _answer_type_ok(question, answer) == 1.0
    assert _answer_type_ok(question, not_an_answer) < 1.0
