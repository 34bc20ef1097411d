"""Who wrote it / when was it published, end to end: real embedding model, a persistent index, two collections."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rag.assistant import Assistant
from rag.doc_questions import WHICH_DOCUMENT_ASKED
from rag.records import REFUSAL
from tests.shared_data import analysis_library

pytestmark = pytest.mark.integration

ANALYSIS = Path(__file__).resolve().parents[2] / "eval" / "dev" / "analysis" / "corpus"
SAMPLE = Path(__file__).resolve().parents[2] / "corpus" / "sample"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory, real_embedder: Any) -> Assistant:
    public = {name: ANALYSIS / name for name in ("azawi_coup.txt", "lessia_grid_cyberattack.txt")}
    return analysis_library(tmp_path_factory.mktemp("doc-questions"), real_embedder,
                            {**public, "armenia.txt": SAMPLE / "000_37ea4592f850c55e.txt"},
                            restricted=["sanctions_evasion_shadow_fleet.txt"])


def test_who_wrote_the_article_quotes_its_byline(assistant: Assistant) -> None:
    answer = assistant.ask("Who wrote the article about the coup in Azawi?", allowed_collections=["default"])
    assert not answer.refused
    assert "Aïcha Traoré-Mensah" in answer.answer and "Tomas Rautio" not in answer.answer
    assert answer.citations[0].source.endswith("azawi_coup.txt")
    assert answer.sentences[0].supported
    assert answer.to_dict()["answerability_by"] == "byline"


def test_publication_date_is_the_bylines_not_an_event_date(assistant: Assistant) -> None:
    answer = assistant.ask("When was the article on the grid attack published?", allowed_collections=["default"])
    assert "10 February 2026" in answer.answer and answer.citations[0].source.endswith("lessia_grid_cyberattack.txt")
    # The Armenia article has no publication date; the dates in it are the offensive's.
    undated = assistant.ask("When was the article about Azerbaijan's offensive against Armenia published?")
    assert undated.refused and undated.answer == REFUSAL


def test_who_is_an_author_is_answered_from_the_byline(assistant: Assistant) -> None:
    answer = assistant.ask("Who is Tomas Rautio?", allowed_collections=["default"])
    assert "Visiting Fellow" in answer.answer


def test_a_restricted_articles_author_is_not_revealed(assistant: Assistant) -> None:
    question = "Who wrote the report on the Aurelia Star and the shadow fleet?"
    assert "Samuel Okafor" in assistant.ask(question).answer  # everything readable: found
    hidden = assistant.ask(question, allowed_collections=["default"])
    # Not another readable article's byline either: no readable document is about the Aurelia Star.
    assert hidden.refused and hidden.answer == REFUSAL, hidden.answer
    assert "Okafor" not in assistant.ask("Who is Samuel Okafor?", allowed_collections=["default"]).answer


def test_this_article_is_the_one_the_conversation_is_about(assistant: Assistant) -> None:
    alone = assistant.ask("Who wrote this article?", allowed_collections=["default"])
    assert "Traoré-Mensah" not in alone.answer and "Rautio" not in alone.answer  # which article? not guessed
    # Not "the sources do not say" either: they do, for each article; the answer asks which one is meant.
    assert alone.refused and alone.answer == WHICH_DOCUMENT_ASKED and alone.related
    history = [("Why did the officers seize power in Azawi?",
                assistant.ask("Why did the officers seize power in Azawi?").answer)]
    followed = assistant.ask("Who wrote this article?", history, allowed_collections=["default"])
    assert "Aïcha Traoré-Mensah" in followed.answer


@pytest.mark.parametrize("question, expected", [("Who wrote it?", "Aïcha Traoré-Mensah"),
                                                ("Who is the author?", "Aïcha Traoré-Mensah"),
                                                ("When was it published?", "24 July 2026")])
def test_who_wrote_it_and_when_was_it_published_follow_the_conversation(assistant: Assistant, question: str,
                                                                         expected: str) -> None:
    # "When was it published?" had not been recognised (a noticed-and-left item of the last round).
    assert expected not in assistant.ask(question, allowed_collections=["default"]).answer  # nothing to follow
    history = [("What did ECOWAS decide at its emergency summit?", "It suspended Azawi from all its bodies [1].")]
    answer = assistant.ask(question, history, allowed_collections=["default"])
    assert expected in answer.answer and answer.to_dict()["answerability_by"] == "byline"


@pytest.mark.parametrize("history, author", [
    ("How did Lessia's government respond once the attack was attributed?", "Tomas Rautio"),
    ("What did the Committee for National Renewal announce on state television?", "Aïcha Traoré-Mensah"),
])
def test_who_wrote_it_is_the_conversations_article_not_one_matching_wrote(assistant: Assistant, history: str,
                                                                          author: str) -> None:
    # Found in review: the follow-up's own words ("wrote") were searched and fused first, so 9 of 46 dev
    # questions followed by "Who wrote it?" got another article's byline.
    previous = assistant.ask(history, allowed_collections=["default"])
    assert not previous.refused
    answer = assistant.ask("Who wrote it?", [(history, previous.answer)], allowed_collections=["default"])
    assert author in answer.answer


@pytest.mark.parametrize("question", ["Who wrote the article?", "Who is the author of this piece?"])
def test_the_article_of_a_one_article_library_needs_no_naming(sample_assistant: Assistant, question: str) -> None:
    # The sample library is one article in three formats: "the article" can only mean it (had been refused).
    answer = sample_assistant.ask(question)
    assert not answer.refused and "George Meneshian" in answer.answer
    assert answer.citations and answer.sentences[0].supported
    assert answer.to_dict()["answerability_by"] == "byline"


def test_a_quoted_title_is_the_document_the_question_is_about(assistant: Assistant) -> None:
    # "Who wrote “TITLE”?" had been refused: the title's words were searched as content and no
    # "the article" named a document.
    asked = "Who wrote “Lights Out in Lessia”?"
    answer = assistant.ask(asked, allowed_collections=["default"])
    assert "Tomas Rautio" in answer.answer and answer.citations[0].source.endswith("lessia_grid_cyberattack.txt")
    assert answer.question == asked  # the answer keeps the question as asked
    # (Not "What does “…” recommend?": its best point's relevance, 0.31, sits at the 0.30 floor, and a
    # fresh-clone run refused it. This asks the same with a margin: 0.75.)
    recommend = assistant.ask("How does “The Ghost Tankers of Karvesh: Why the Oil Embargo Leaks, and How to "
                              "Plug It” say the embargo should be enforced?")
    assert not recommend.refused and "target the fleet rather than the oil" in recommend.answer
    assert {c.source.rsplit("/", 1)[-1] for c in recommend.citations} == {"sanctions_evasion_shadow_fleet.txt"}


def test_an_authors_name_is_the_document_the_question_is_about(assistant: Assistant) -> None:
    # "What does Tomas Rautio argue?" had been refused (browser audit): his name is only in the byline.
    answer = assistant.ask("What does Tomas Rautio argue?", allowed_collections=["default"])
    assert not answer.refused and answer.question == "What does Tomas Rautio argue?"
    assert {c.source.rsplit("/", 1)[-1] for c in answer.citations} == {"lessia_grid_cyberattack.txt"}
    view = assistant.ask("What did Aïcha Traoré-Mensah say about ECOWAS?", allowed_collections=["default"])
    assert "move quickly to the second option" in view.answer
    assert {c.source.rsplit("/", 1)[-1] for c in view.citations} == {"azawi_coup.txt"}
    # An author the caller may not read names no document: nothing of the restricted report comes back.
    hidden = assistant.ask("What does Samuel Okafor argue about the embargo?", allowed_collections=["default"])
    assert all(not c.source.endswith("sanctions_evasion_shadow_fleet.txt") for c in hidden.citations)


def test_an_authors_surname_is_the_document_the_question_is_about(assistant: Assistant) -> None:
    # Analysts name a writer by surname ("How does Ebberlin judge…"): a blind set's four such questions had been
    # refused, the name being only in the byline, or answered from another article on the same event.
    asked = "How does Rautio think Lessia should respond?"
    answer = assistant.ask(asked, allowed_collections=["default"])
    assert not answer.refused and answer.question == asked
    assert answer.standalone_question == "How does the author think Lessia should respond?"
    assert {c.source.rsplit("/", 1)[-1] for c in answer.citations} == {"lessia_grid_cyberattack.txt"}
    # A restricted author's surname names nothing the caller may read; a lower-case word is no surname.
    hidden = assistant.ask("What does Okafor argue about the embargo?", allowed_collections=["default"])
    assert hidden.standalone_question == "What does Okafor argue about the embargo?"
    assert all(not c.source.endswith("sanctions_evasion_shadow_fleet.txt") for c in hidden.citations)
    # "Who is Rautio?": his byline, as for his full name; a restricted author's surname gives nothing of theirs.
    who = assistant.ask("Who is Rautio?", allowed_collections=["default"])
    assert "Tomas Rautio" in who.answer and who.to_dict()["answerability_by"] == "byline"
    hidden_who = assistant.ask("Who is Okafor?", allowed_collections=["default"])
    assert "Okafor" not in hidden_who.answer
    assert all(not c.source.endswith("sanctions_evasion_shadow_fleet.txt") for c in hidden_who.citations)


def test_a_quoted_title_the_caller_may_not_read_names_nothing(assistant: Assistant) -> None:
    question = "Who wrote “The Ghost Tankers of Karvesh: Why the Oil Embargo Leaks, and How to Plug It”?"
    hidden = assistant.ask(question, allowed_collections=["default"])
    assert hidden.refused and "Okafor" not in hidden.answer
    assert all(not c.source.endswith("sanctions_evasion_shadow_fleet.txt") for c in hidden.citations)
    # Nothing tells a restricted title from a made-up one: not the question searched, not the documents listed.
    made_up = assistant.ask("Who wrote “The Purple Elephants of Mars: Why the Moon Leaks, and How to Plug It”?",
                            allowed_collections=["default"])
    assert hidden.standalone_question == question
    assert hidden.answer == made_up.answer
    assert made_up.refused and made_up.standalone_question != question
    # As for any question no readable document answers, the closest readable ones are listed (none of the
    # restricted report): a title that scoped the search to unreadable files would list none.
    assert hidden.related and not any(r.source.endswith("sanctions_evasion_shadow_fleet.txt") for r in hidden.related)
    for name in ("Samuel Okafor", "Marta Kellnerova"):  # the restricted report's author, and nobody's
        asked = f"What does {name} argue about the embargo?"
        assert assistant.ask(asked, allowed_collections=["default"]).standalone_question == asked


def test_the_article_before_a_quoted_title_goes_with_it(assistant: Assistant) -> None:
    # Found in review: "Who wrote the article “…”?" had been read as "Who wrote the article the article?".
    answer = assistant.ask("Who wrote the article “Lights Out in Lessia”?", allowed_collections=["default"])
    assert "Tomas Rautio" in answer.answer and answer.standalone_question == "Who wrote the article?"


def test_a_name_or_phrase_other_documents_state_names_no_document(tmp_path: Path, real_embedder: Any) -> None:
    # Found in review: a question about what an author told reporters (in a news item that quotes him) was
    # answered from his own article, and a one-word title ("Deterrence") took over a quoted word.
    corpus = tmp_path / "extra"
    corpus.mkdir()
    news = corpus / "news.txt"
    news.write_text("Utility ignored warnings, analyst says\n\nTomas Rautio told reporters on Monday that the "
                    "utility had ignored three warnings about remote access before the attack.\n", encoding="utf-8")
    (corpus / "deterrence.txt").write_text("Deterrence\n\nDeterrence works when the price of an attack is "
                                           "certain and high. It fails when the price is doubtful.\n",
                                           encoding="utf-8")
    (tmp_path / "lib").mkdir()
    library = analysis_library(tmp_path / "lib", real_embedder,
                               {"lessia.txt": ANALYSIS / "lessia_grid_cyberattack.txt",
                                "varenia.txt": ANALYSIS / "varenia_border_offensive.txt",
                                "news.txt": news, "deterrence.txt": corpus / "deterrence.txt"})
    told = library.ask("What did Tomas Rautio tell reporters?")
    assert told.standalone_question == "What did Tomas Rautio tell reporters?"
    assert any(c.source.endswith("news.txt") for c in told.citations), told.answer
    quoted = library.ask("Why did “deterrence” fail in the Selna Valley?")
    assert quoted.standalone_question == "Why did “deterrence” fail in the Selna Valley?"


def test_no_document_about_the_named_topic_is_a_refusal(assistant: Assistant) -> None:
    answer = assistant.ask("Who wrote the article about quantum computing in Brazil?")
    assert answer.refused and answer.answer == REFUSAL


def test_who_is_an_author_prefers_what_the_text_says_about_them(tmp_path: Path, real_embedder: Any) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = (ANALYSIS / "lessia_grid_cyberattack.txt").read_text(encoding="utf-8")
    bio = "Tomas Rautio is a researcher at the Nordic Institute for Grid Security and a former network engineer."
    (corpus / "lessia.txt").write_text(f"{text.rstrip()}\n\n{bio}\n", encoding="utf-8")
    a = Assistant(index_dir=tmp_path / "index", embedder=real_embedder)
    assert a.ingest([corpus], progress=False).ok
    answer = a.ask("Who is Tomas Rautio?")
    assert "Nordic Institute for Grid Security" in answer.answer


@pytest.fixture(scope="module")
def with_biography(tmp_path_factory: pytest.TempPathFactory, real_embedder: Any) -> Assistant:
    root = tmp_path_factory.mktemp("biography")
    corpus = root / "corpus"
    corpus.mkdir()
    text = (ANALYSIS / "lessia_grid_cyberattack.txt").read_text(encoding="utf-8")
    bio = "Tomas Rautio is a senior analyst at the Nordic Institute for Grid Security."
    (corpus / "lessia.txt").write_text(f"{text.rstrip()}\n\n{bio}\n", encoding="utf-8")
    (corpus / "azawi.txt").write_bytes((ANALYSIS / "azawi_coup.txt").read_bytes())
    a = Assistant(index_dir=root / "index", embedder=real_embedder)
    assert a.ingest([corpus], progress=False).ok
    return a


@pytest.mark.parametrize("question", [
    "Which think tank is Tomas Rautio affiliated with?",
    "What position does Tomas Rautio hold?",
    "Which think tank does Rautio work for?",
    "Where does Tomas Rautio work?",
])
def test_a_question_about_an_author_is_answered_by_their_biography(with_biography: Assistant, question: str) -> None:
    # Blind sets news_e-g: "Which think tank is Tomas Reinholt affiliated with?" was read as "… is the author
    # affiliated with?", and the biography line, which names him and not "the author", was never chosen.
    answer = with_biography.ask(question)
    assert not answer.refused, question
    assert "Nordic Institute for Grid Security" in answer.answer and answer.citations[0].source.endswith("lessia.txt")
    assert answer.standalone_question == question


def test_a_question_about_an_authors_writing_still_names_the_article(with_biography: Assistant) -> None:
    answer = with_biography.ask("How does Rautio think Lessia should respond?")
    assert answer.standalone_question == "How does the author think Lessia should respond?"
    assert not answer.refused and "Nordic Institute" not in answer.answer


@pytest.mark.parametrize("question", ["What position does Tomas Rautio hold?", "What is Rautio's role?"])
def test_a_question_about_an_authors_role_without_a_biography_quotes_the_byline(assistant: Assistant,
                                                                               question: str) -> None:
    # The article has no biography line; its byline gives the role: "By Tomas Rautio – Visiting Fellow, Cyber and
    # Critical Infrastructure Programme, 10 February 2026".
    answer = assistant.ask(question, allowed_collections=["default"])
    assert not answer.refused and "Visiting Fellow" in answer.answer, answer.answer
    assert answer.citations[0].source.endswith("lessia_grid_cyberattack.txt")
    assert answer.answerability_by == "byline"


def test_a_byline_without_a_role_answers_no_question_about_the_role(tmp_path: Path, real_embedder: Any) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = (ANALYSIS / "lessia_grid_cyberattack.txt").read_text(encoding="utf-8").splitlines()
    text[1] = "By Tomas Rautio – 10 February 2026"
    (corpus / "lessia.txt").write_text("\n".join(text) + "\n", encoding="utf-8")
    a = Assistant(index_dir=tmp_path / "index", embedder=real_embedder)
    assert a.ingest([corpus], progress=False).ok
    answer = a.ask("What position does Tomas Rautio hold?")
    assert answer.refused and "By Tomas Rautio" not in answer.answer
