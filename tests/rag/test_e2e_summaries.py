""""Summarise the article (about X)" end to end: real embedding model, a persistent index, two collections.

Found asking as a user would: "Summarise the article." and "What are the main takeaways?" over the
sample corpus were refused (the request shares no words with any passage, so the relevance gate
stopped it), although the issue names "summarise" among the analyst's questions.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from rag.assistant import Assistant
from rag.backends.extractive import MAX_POINT_WORDS
from rag.doc_questions import WHICH_DOCUMENT
from rag.eval.metrics import answer_words
from rag.records import REFUSAL, Answer
from tests.shared_data import analysis_library

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
ANALYSIS = ROOT / "eval" / "dev" / "analysis" / "corpus"
SAMPLE = ROOT / "corpus" / "sample"


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory, real_embedder: Any) -> Assistant:
    return analysis_library(tmp_path_factory.mktemp("summaries"), real_embedder,
                            ["azawi_coup.txt", "lessia_grid_cyberattack.txt", "nordhavn_arms_exports.txt"],
                            restricted=["sanctions_evasion_shadow_fleet.txt"])


def _only_from(answer: Answer, name: str) -> bool:
    return bool(answer.citations) and all(c.source.endswith(name) for c in answer.citations)


def test_the_named_article_is_summarised_in_cited_verified_bullets(library: Assistant) -> None:
    answer = library.ask("Summarise the article about the coup in Azawi.")
    assert not answer.refused
    assert _only_from(answer, "azawi_coup.txt")
    lines = answer.answer.split("\n")
    assert len(lines) >= 3 and all(line.startswith("- ") for line in lines)
    assert answer_words(answer.answer) <= MAX_POINT_WORDS
    assert all(s.supported for s in answer.sentences)
    assert answer.to_dict()["question_kind"] == "analytic"
    assert answer.to_dict()["answerability_by"] == "summary"
    # Points from across the article, not its opening only.
    assert len({c.chunk_id for c in answer.citations}) >= 3


def test_the_chats_suggestion_names_the_article_by_its_title(library: Assistant) -> None:
    answer = library.ask("What are the main points of “Lights Out in Lessia: Reading the January Grid Attack”?")
    assert not answer.refused and _only_from(answer, "lessia_grid_cyberattack.txt")
    assert answer.to_dict()["answerability_by"] == "summary"


def test_summarise_the_article_over_a_library_asks_which_and_lists_the_closest(library: Assistant) -> None:
    answer = library.ask("Summarise the article.")
    assert answer.refused and answer.answer == WHICH_DOCUMENT
    assert len({r.source for r in answer.related}) >= 2 and not answer.citations  # a choice, not one document


def test_which_document_lists_the_other_document_even_when_retrieval_did_not_find_it(
        tmp_path: Path, real_embedder: Any) -> None:
    # Found in review: ambiguity is judged over the library, but the list came from the retrieved passages
    # only, so "Several documents could be meant" listed one.
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(ANALYSIS / "azawi_coup.txt", docs / "azawi_coup.txt")
    (docs / "menu.txt").write_text("Canteen menu\n\nSoup of the day is lentil. Coffee is free on Fridays.\n",
                                   encoding="utf-8")
    a = Assistant(index_dir=tmp_path / "index", embedder=real_embedder)
    assert a.ingest([docs], progress=False).ok
    answer = a.ask("Summarise the article.", k=3)
    assert answer.answer == WHICH_DOCUMENT
    assert {Path(r.source).name for r in answer.related} == {"azawi_coup.txt", "menu.txt"}


def test_summarise_the_article_in_a_conversation_is_the_conversations_article(library: Assistant) -> None:
    history = [("Why did Nordhavn abandon its restrictive arms-export policy?", "Orders from the armed forces…")]
    answer = library.ask("Summarise the article.", history=history)
    assert not answer.refused and _only_from(answer, "nordhavn_arms_exports.txt")


def test_a_follow_up_conversation_is_summarised_from_the_turn_that_named_its_article(library: Assistant) -> None:
    history = [("What did ECOWAS decide at its emergency summit?", "It suspended Azawi from all its bodies [1]."),
               ("Why?", "Juntas in two neighbouring states had survived regional sanctions [1].")]
    answer = library.ask("Summarise the article.", history=history)
    assert not answer.refused and _only_from(answer, "azawi_coup.txt")


def test_refused_or_unrelated_turns_do_not_choose_the_article(library: Assistant) -> None:
    # Found in review: any history made "Summarise the article." summarise the first document the last
    # question retrieved, whatever it was.
    for history in ([("What is the capital of France?", REFUSAL)], [("Why?", REFUSAL)]):
        answer = library.ask("Summarise the article.", history=history)
        assert answer.refused and answer.answer == WHICH_DOCUMENT, history


def test_asking_again_after_which_document_goes_back_to_the_conversations_article(library: Assistant) -> None:
    history = [("How did ECOWAS respond to the coup in Azawi?", "ECOWAS suspended Azawi [1]."),
               ("Summarise the article.", WHICH_DOCUMENT)]
    answer = library.ask("Summarise it.", history=history)
    assert not answer.refused and _only_from(answer, "azawi_coup.txt")


def test_a_restricted_article_is_not_summarised_for_a_caller_without_its_collection(library: Assistant) -> None:
    question = "Summarise the report on the shadow fleet and the Aurelia Star."
    assert _only_from(library.ask(question), "sanctions_evasion_shadow_fleet.txt")  # everything readable
    answer = library.ask(question, allowed_collections=["default"])
    assert answer.refused and answer.answer == REFUSAL
    assert "tanker" not in answer.answer.lower()
    assert all(not r.source.endswith("sanctions_evasion_shadow_fleet.txt") for r in answer.related)


def test_a_summary_of_an_article_the_library_lacks_is_refused(library: Assistant) -> None:
    answer = library.ask("Summarise the report on quantum computing in Brazil.")
    assert answer.refused and answer.answer == REFUSAL


def test_a_streamed_summary_is_the_answer(library: Assistant) -> None:
    parts = list(library.stream("Give me an overview of the article about the grid attack in Lessia."))
    final = parts[-1]
    assert isinstance(final, Answer) and not final.refused
    assert "".join(p for p in parts[:-1] if isinstance(p, str)).strip() == final.answer.strip()
    assert _only_from(final, "lessia_grid_cyberattack.txt")


def test_one_article_in_three_formats_is_one_document_to_summarise(tmp_path: Path, real_embedder: Any) -> None:
    a = Assistant(index_dir=tmp_path / "index", embedder=real_embedder)
    assert a.ingest([SAMPLE], progress=False).ok  # the same article as .txt, .html and .pdf
    for question in ("Summarise the article.", "What are the main takeaways?"):
        answer = a.ask(question)
        assert not answer.refused, question
        assert len(answer.answer.split("\n")) >= 3


def test_a_chat_model_is_given_the_whole_document_in_order(tmp_path: Path, real_embedder: Any) -> None:
    from rag.testing import scripted_chat_model

    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("azawi_coup.txt", "nordhavn_arms_exports.txt"):
        shutil.copy(ANALYSIS / name, docs / name)
    model = scripted_chat_model(["- Officers of the 3rd Infantry Regiment seized power in Azawi. [1]"])
    a = Assistant(index_dir=tmp_path / "index", embedder=real_embedder, chat_model=model, backend="openai",
                  llm_model="scripted", llm_base_url="http://127.0.0.1:9/v1")
    assert a.ingest([docs], progress=False).ok
    answer = a.ask("Summarise the article about the coup in Azawi.")
    prompt = str(model.prompts[-1][1].content)
    assert "Nordhavn" not in prompt
    # The article's opening and its closing paragraph are both there, in that order.
    assert 0 <= prompt.index("Shortly before dawn on 7 July 2026") < prompt.index("ECOWAS should therefore move")
    assert not answer.refused and _only_from(answer, "azawi_coup.txt")


def test_copies_among_the_retrieved_documents_do_not_hide_another_document(tmp_path: Path,
                                                                          real_embedder: Any) -> None:
    # Found by the browser test in a fresh clone: after a batch of retrieved copies (the sample article's
    # .txt and .html), the library's first documents were skipped, so a memo went unseen and the article was
    # summarised as if it were the only document.
    docs = tmp_path / "docs"
    shutil.copytree(SAMPLE, docs)
    (docs / "memo.txt").write_text("Quillfeather budget\n\nProject Quillfeather was approved on 14 June 2020.\n",
                                   encoding="utf-8")
    a = Assistant(index_dir=tmp_path / "index", embedder=real_embedder)
    assert a.ingest([docs], progress=False).ok
    answer = a.ask("Summarise the article.")
    assert answer.answer == WHICH_DOCUMENT
    assert "memo.txt" in {Path(r.source).name for r in answer.related}
