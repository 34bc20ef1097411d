""""Who is X's spokesman / ambassador / defence minister?" is answered by a sentence giving the role's holder by
name, as its apposition ("Its spokesman, Ostap Merenko, said…") or as a title ("Defence Minister Rolf Engmann
called…"), when whose role it is is stated too (blind sets news_a–ah: 10 of 38 refused "who" questions asked for a
person by role)."""

from __future__ import annotations

import pytest

from rag import answer_model
from rag.backends import extractive
from rag.backends.extractive import extractive_result, role_question, states_role_holder
from rag.testing import FakeEmbedder, passage

PAY = ("Soldiers' families blocked the Defence Ministry in Rovnitsa for a second day on Monday. "
       "The Finance Ministry of Belostane offered a different explanation. "
       "Its spokesman, Ostap Merenko, said the Defence Ministry had overspent its allocation on fuel. "
       "The protest ended peacefully in the evening.")
QUESTION = "who is the spokesman of Belostane's Finance Ministry"


@pytest.mark.parametrize("question, sentence, context", [
    (QUESTION, "Its spokesman, Ostap Merenko, said the Defence Ministry had overspent its allocation on fuel.",
     "The Finance Ministry of Belostane offered a different explanation."),
    ("who is Ulvgard's ambassador to Sarnesse",
     "Ulvgard's ambassador in Vereth, Sigvald Torbergsen, said his government was disappointed but patient.", ""),
    ("Who is Pavanor's defence minister?",
     "Pavanor's Defence Minister Rolf Engmann called the interception an act of state piracy.", ""),
    ("Who is the secretary-general of the Community?",
     "The Community's secretary-general, Oriane Falk, said the vote showed a real division.", ""),
    ("Who is the mayor of Pelgado?", "Pelgado's mayor, General Armand Tollemy, stayed behind with them.", ""),
    # Thirty-second round: a role of two role words, or with a word between, is read whole ("chief executive", "chief
    # financial officer", not "chief")
    ("who is the chief executive of the company that operates the Meridal line",
     'Meridal Transit Company chief executive Clementine Sarrazine said repairs would take "at least four months".',
     ""),
    ("Who is the chief financial officer of Alaska Airlines?",
     "Alaska Airlines chief financial officer Shane Tackett said the grounding would cost the airline.", ""),
    # Thirty-fourth round (news_bl, news_bm): an envoy is an ambassador, a lead negotiator the chief one, and what the
    # holder did ("that Pevrania called in") says nothing of whose role it is
    ("Who is the Glastovian envoy that Pevrania called in to protest over the shooting?",
     "She summoned the Glastovian ambassador, Sobeslav Revell, to the ministry on Tuesday evening.", ""),
    ("who is Truvalia's lead negotiator",
     "Truvalia's chief negotiator, Bohdar Keresztor, accused Moquessa of moving detainees.", ""),
    # Thirty-fifth round (news_bs): "its director" after a quotation refers back as "Its spokesman" opening it does
    ("Who is the director of the Qetranian Civil Liberties Council?",
     '"If he had not acted, the public would believe the army," said its director, Honorata Plessard.',
     "The Qetranian Civil Liberties Council, a human rights group, called for Nyland's release."),
    # Thirty-seventh round: a CEO is the chief executive, counsel a lawyer, "who runs / represents X as its ROLE" and
    # "who set up X" ask for the role's holder (its founder), and a name the question gives in full may own the role in short
    ("Who runs Orbelline as its CEO?", "Its chief executive, Dashiell Pemberdane, said the company regrets it.",
     "Orbelline said it accepted the findings."),
    ("who is the CEO of Corvantis Semiconductor",
     "Corvantis Semiconductor's chief executive, Seraphine Kessfeld, said it would comply.", ""),
    ("Who is the CEO of Varnolt Optronics?", "Varnolt's chief executive, Fridolin Armond, said it was disappointed.",
     ""),
    ("who is representing General Kestevan as his defence counsel",
     'Kestevan\'s lawyer, Jolanthe Karnak, called the verdict "a political sentence".', ""),
    ("who set up the Soldiers' Families Council", "The protest was organised by the Soldiers' Families Council, a "
     "group founded last autumn by Zoryana Hlibko, whose husband is a sergeant.", ""),
    ("Who set up Halvren Protective Group?",
     "Halvren's founder, Ignaz Callendar, a former special forces officer, declined to comment.", ""),
    ("Who runs Cathmere National Railways as its chief executive?",
     "CNR chief executive Isidora Ekwall apologised to passengers.", ""),
    ("Who is the chief executive of Cathmere Rail?", "Cathmere Rail CEO Isidora Ekwall said the line would reopen.",
     ""),
])
def test_the_roles_holder_named_with_it_answers(question: str, sentence: str, context: str) -> None:
    assert states_role_holder(role_question(question), sentence, context)


@pytest.mark.parametrize("question, sentence, context", [
    # another ministry's spokesman: whose role it is is not stated
    (QUESTION, "The Defence Ministry's spokesman, Ostap Merenko, said the allocation was spent on fuel.", ""),
    # the context counts only for a sentence that refers back to it
    (QUESTION, "A spokesman, Ostap Merenko, said the allocation was spent on fuel.",
     "The Finance Ministry of Belostane offered a different explanation."),
    # another holder of the role (SQuAD dev: "the first Premier of Victoria" is unanswerable)
    ("Who is the first Premier of Victoria?", "The current Premier of Victoria, Daniel Andrews, said so.", ""),
    # the words after the role are no name (the role is read in any case, the name only capitalised)
    ("Who is the founder of Microsoft?", "Microsoft founder and the third richest man in America retired.", ""),
    # another minister (blind set news_y: an unanswerable question answered in a first version)
    ("Who is Ulvgard's defence minister?",
     "Prime Minister Tancredo Imbali, who signed a memorandum with Ulvgard in February, said so.", ""),
    # the right role, but not said to be Ulvgard's (blind set news_y: unanswerable)
    ("Who is Ulvgard's defence minister?",
     "Defence Minister Arvid Kallenberg said the country could no longer rely on civilian agencies.", ""),
    # a bare title is not said to be anyone's: not the state's of the sentence before (a review: "Poland ordered the
    # closure of Russia's consulate… Foreign Minister Radoslaw Sikorski said…" for Russia's foreign minister)
    ("who is Russia's foreign minister", '"It was reckless," Foreign Minister Radoslaw Sikorski said.',
     "Poland ordered the closure of Russia's consulate in Poznan."),
    # another company's chief executive; another role of the same company (a review: "Chief Executive Ben Minicucci"
    # was read as "chief" and the name "Executive Ben Minicucci")
    ("who is the chief executive of the company that operates the Meridal line",
     'Orvane Gas chief executive Clementine Sarrazine said repairs would take "at least four months".', ""),
    ("Who is the chief financial officer of Alaska Airlines?",
     "Alaska Airlines Chief Executive Ben Minicucci said safety was the airline's highest priority.", ""),
    # a role too general to say whose it is
    ("Who is the official in charge of exports?", "The official, Ostap Merenko, said exports had doubled.", ""),
    # no name given
    (QUESTION, "Its spokesman said the Defence Ministry had overspent its allocation on fuel.",
     "The Finance Ministry of Belostane offered a different explanation."),
    # not a question asking for a person by role; a leader question is states_leader's
    ("Who blamed the Defence Ministry?", "Its spokesman, Ostap Merenko, blamed the Defence Ministry.", ""),
    ("Who heads the Finance Ministry?", "Its head, Ostap Merenko, blamed the Defence Ministry.", ""),
    # found in review (thirty-fourth round): a clause about the owner, not the holder; a senior or a deputy is not
    # the chief; an ambassador asked for is no envoy, a UN envoy no ambassador; a clause that alone says which holder
    ("Who is the ambassador that Moscow ordered to leave?",
     "The British ambassador, Nigel Casey, was summoned separately over sanctions.", ""),
    ("Who is the spokesman who announced the ceasefire?", "The army's spokesman, Daniel Hagari, said they were ready.",
     ""),
    ("who is the chief executive of the company that operates the Meridal line",
     "The company's chief executive, Clementine Sarrazine, said repairs would take months.", ""),
    ("Who is the chief executive of Boeing?", "A senior executive at Boeing, Stan Deal, said the jets would be inspected.",
     ""),
    ("who is Ukraine's lead negotiator", "Ukraine's deputy chief negotiator, Serhiy Kyslytsya, said talks had stalled.", ""),
    ("Who is Russia's ambassador to Washington?", "Russia's envoy, Mikhail Bogdanov, met Hamas leaders in Moscow.", ""),
    ("Who is the UN envoy for Syria?", "Syria's UN ambassador, Bassam Sabbagh, said the council had failed.", ""),
    # "its director" of another body than the one asked about
    ("Who is the director of the Qetranian Civil Liberties Council?",
     '"If he had not acted, the public would believe the army," said its director, Honorata Plessard.',
     "The army's press office called the video a fabrication."),
    # another role of the company ("Who founded…?" is not answered by its chief executive)
    ("Who set up Greywater Risk Partners?", "Greywater's chief executive, Tomas Bellweather, declined to comment.",
     ""),
    # a short form is the name's first word, not any word of it ("Ministry's" is not Belostane's Finance Ministry)
    (QUESTION, "The Ministry's spokesman, Ostap Merenko, said the allocation was spent on fuel.", ""),
    # initials that are not the name's
    ("Who runs Cathmere National Railways as its chief executive?",
     "CNA chief executive Isidora Ekwall apologised to passengers.", ""),
    # the lawyer of someone else, or of the other side
    ("who is representing General Kestevan as his defence counsel",
     "Ordal's lawyer, Jolanthe Karnak, called the verdict political.", ""),
    ("who is the lawyer of General Kestevan", "Ordal's lawyer, Jolanthe Karnak, said Kestevan had lied.", ""),
    ("who is representing General Kestevan as his defence counsel",
     "The prosecution lawyer, Jolanthe Karnak, said Kestevan had lied.", ""),
    ("Who is the lawyer of Belostane's Defence Ministry?", "Velmark's Finance Ministry lawyer, Jolanthe Karnak, said.",
     ""),
    # initials or a first word elsewhere than right before the role (the review's cases)
    ("Who is the spokesman of the European Union?",
     "Russian Foreign Ministry spokesman Ostap Merenko rejected the EU demand.", ""),
    ("Who runs Cathmere National Railways as its chief executive?",
     "Velmark Air chief executive Isidora Ekwall said CNR owed it money.", ""),
    ("Who is the spokesman of the Velmark Football Federation?",
     "Velmark's foreign ministry spokesman, Ostap Merenko, said.", ""),
    # someone "by" whom something else was done or founded
    ("who set up the Soldiers' Families Council",
     "The Soldiers' Families Council was formed after a raid by Vostrid Kallam's militia.", ""),
    ("who set up the Soldiers' Families Council", "The Soldiers' Families Council was criticised by the Veterans' "
     "League, a group founded in 2015 by Ostap Merenko.", ""),
])
def test_no_holder_of_the_role_asked_no_answer(question: str, sentence: str, context: str) -> None:
    assert not states_role_holder(role_question(question), sentence, context)


def test_the_holders_sentence_is_the_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    # (min_score 0: the fake embedder's relevance is no measure; what is tested is the answerability)
    result = extractive_result(QUESTION, [passage(PAY, 1)], FakeEmbedder(), min_score=0.0)
    assert not result.refused and "Ostap Merenko" in result.text
    assert result.answerability >= extractive.ROLE_HOLDER_ANSWERABILITY
    assert result.chosen[-1].text.startswith("Its spokesman, Ostap Merenko")
    # Where the learned model is unsure of it, the check vouches for it; without the check, it is refused.
    monkeypatch.setattr(answer_model, "answerability", lambda values, *args, **kwargs: 0.05)
    assert extractive_result(QUESTION, [passage(PAY, 1)], FakeEmbedder(), min_score=0.0).answerability >= \
        extractive.ROLE_HOLDER_ANSWERABILITY
    monkeypatch.setattr(extractive, "states_role_holder", lambda question, sentence, context="": False)
    assert extractive_result(QUESTION, [passage(PAY, 1)], FakeEmbedder(), min_score=0.0).refused


GARRISON = ("Arvantia has kept a garrison of 140 marines on Perdigo Island since 1987, housed in a former lighthouse "
            "station. The garrison is resupplied by sea every two weeks, and Arvantia's navy calls the island vital.")


@pytest.mark.parametrize("question", [
    "Who commands the marine garrison on Perdigo Island?",
    "Who is the commander of the marine garrison on Perdigo Island?",
])
def test_a_person_asked_for_by_role_is_not_answered_by_a_sentence_naming_nobody(question: str) -> None:
    # (thirtieth round: development sets' unanswerable questions answered with "Arvantia has kept a garrison…")
    assert extractive_result(question, [passage(GARRISON, 1)], FakeEmbedder(), min_score=0.0).refused
    named = GARRISON + (" The commander of the marine garrison on Perdigo Island, Colonel Rasmus Oyelaran, said "
                        "supplies were short.")
    answered = extractive_result(question, [passage(named, 1)], FakeEmbedder(), min_score=0.0)
    assert not answered.refused and "Rasmus Oyelaran" in answered.text


@pytest.mark.parametrize("sentence, names", [
    ("Arvantia has kept a garrison of 140 marines there since 1987.", False),
    ("Captain Idris Fallowby said the marines were there only to protect the ship.", True),
    ("In 1064 William of Montreuil led the papal army.", True),
    ("Sudan had an Islamist regime under the leadership of Hassan al-Turabi.", True),
    ("The UN Conference on Disarmament met in Geneva.", False),
    # (thirty-sixth round, news_by: a name after "the" is a thing, a ship or a shoal; a title and a name are more words)
    ("The grounding of the Saltreeve Star on the Pellan Shoal was a human tragedy.", False),
    ("The Istrelle Tribune reported the arrests.", False),
    ("The Defence Minister Ismet Vantol said the ships would stay.", True),
    ("The inquiry will be led by the retired judge Blazena Hantosz.", True),
    ("Defence Minister Ismet Vantol said the ships would stay.", True),
    # (found in review: only "the" makes a thing; another first word does not)
    ("But Ismet Vantol will head the inquiry.", True),
    ("When Ismet Vantol took over, the navy changed course.", True),
])
def test_names_someone(sentence: str, names: bool) -> None:
    assert extractive.names_someone(sentence, "Who leads it?") is names


@pytest.mark.parametrize("question, read_as", [
    ("who speaks for Irmazia's foreign ministry", "who is the spokesman of Irmazia's foreign ministry"),
    ("Who speaks for the Umsalian army?", "who is the spokesman of the Umsalian army?"),
    ("Who runs Carrowmere's Defence Procurement Agency?", "who heads Carrowmere's Defence Procurement Agency?"),
    # (thirty-seventh round: "as its ROLE" and "set up" are read as the role)
    ("who runs Ilmarad Armour Corporation as chief executive", "who is the chief executive of Ilmarad Armour Corporation"),
    ("Who runs Orbelline as its CEO?", "who is the CEO of Orbelline"),
    ("who is representing General Kestevan as his defence counsel",
     "who is the defence counsel of General Kestevan"),
    ("who set up the Soldiers' Families Council", "who is the founder of the Soldiers' Families Council"),
    ("Who set up Greywater Risk Partners?", "who is the founder of Greywater Risk Partners?"),
    # ("who founded X" is left to the learned answerability: "X founded Y" answers it)
    ("Who founded the Office of Western Medicine?", "Who founded the Office of Western Medicine?"),
    # (a role only: "as a result" is none; what was set up or formed must be named: a coalition may be formed by
    # parties; and "in the army" is where someone served, not whom)
    ("Who runs the camp as a result of the deal?", "who heads the camp as a result of the deal?"),
    ("Who formed the new coalition?", "Who formed the new coalition?"),
    ("Who set up the checkpoints around the capital?", "Who set up the checkpoints around the capital?"),
    ("Who served in the army as a sergeant?", "Who served in the army as a sergeant?"),
    # not a role: running for an office, running away
    ("Who ran for president in 2020?", "Who ran for president in 2020?"),
    ("Who ran away from the camp?", "Who ran away from the camp?"),
    ("Who is the spokesman of the ministry?", "Who is the spokesman of the ministry?"),
])
def test_speaking_for_and_running_are_asked_as_roles(question: str, read_as: str) -> None:
    assert extractive.role_question(question) == read_as


FOREIGN = ("Irmazia's foreign ministry condemned the announcement. Its spokeswoman, Daria Volkhova, said the package "
           "prolonged the war. The ministry did not say whether it would recall its ambassador.")
AGENCY = ("The vehicles are late again. Julian Fairbrace, director of the Defence Procurement Agency, told a "
          "parliamentary committee on 10 June that they would not arrive before August.")


@pytest.mark.parametrize("question, text, name", [
    ("who speaks for Irmazia's foreign ministry", FOREIGN, "Daria Volkhova"),
    ("Who runs the Defence Procurement Agency?", AGENCY, "Julian Fairbrace"),
])
def test_who_speaks_for_or_runs_it_is_answered_by_its_spokesman_or_head(question: str, text: str, name: str) -> None:
    # (development sets: "who speaks for…" and "who runs…" were refused though the sentence named the person)
    result = extractive_result(question, [passage(text, 1)], FakeEmbedder(), min_score=0.0)
    assert not result.refused and name in result.text
    assert result.answerability >= min(extractive.ROLE_HOLDER_ANSWERABILITY, extractive.LEADER_ANSWERABILITY)


@pytest.mark.parametrize("question, sentence, holds", [
    # the role after the name (a review's finding: "Who speaks for the Houthis?" was refused)
    ("Who speaks for the Houthis?", "Yahya Saree, the Houthis' military spokesman, said the group would go on.", True),
    ("who speaks for the Ikhmarian General Staff", "Colonel Brask Menhurin, a spokesman for the Ikhmarian General "
     "Staff, said the site had sheltered a mortar crew.", True),
    # another body's spokesman, after the name as before it
    ("Who speaks for the Houthis?", "Dmitry Peskov, the Kremlin's spokesman, said Moscow was watching.", False),
    ("who is the spokesman of Belostane's Finance Ministry", "Ostap Merenko, the Defence Ministry's spokesman, said "
     "the allocation was spent.", False),
])
def test_the_role_may_follow_the_name(question: str, sentence: str, holds: bool) -> None:
    assert states_role_holder(extractive.role_question(question), sentence, "") is holds


def test_a_spokesman_does_not_answer_who_runs_it() -> None:
    text = ("The Defence Procurement Agency missed its deadline. Its spokesman, Ivo Brandt, said the vehicles would "
            "arrive in August.")
    result = extractive_result("Who runs the Defence Procurement Agency?", [passage(text, 1)], FakeEmbedder(),
                               min_score=0.0)
    assert result.refused or "Ivo Brandt" not in result.text


TUSK = "Poland ordered the closure of Russia's consulate in Poznan. Prime Minister Donald Tusk said the decision was final."


@pytest.mark.parametrize("probability, refused", [(0.35, True), (0.55, True), (0.65, False)])
def test_a_name_not_shown_holding_the_role_needs_a_surer_model(monkeypatch: pytest.MonkeyPatch, probability: float,
                                                               refused: bool) -> None:
    # "Prime Minister Donald Tusk" is named, but not as Russia's (states_role_holder): above the threshold (0.31) is
    # not enough, UNCHECKED_HOLDER_ANSWERABILITY (0.6) is.
    question = "Who is Russia's prime minister?"
    assert not states_role_holder(role_question(question), TUSK.split(". ")[1], TUSK.split(". ")[0])
    monkeypatch.setattr(answer_model, "answerability", lambda values, *args, **kwargs: probability)
    result = extractive_result(question, [passage(TUSK, 1)], FakeEmbedder(), min_score=0.0)
    assert result.refused is refused
    # A question asking for no role's holder is held to the threshold alone.
    other = extractive_result("Who said the decision was final?", [passage(TUSK, 1)], FakeEmbedder(), min_score=0.0)
    assert not other.refused
