""""Who heads X?" reads on in the retrieved documents for the sentence that names X's head (fake embedder, real index).

A report names a holder once, often in a paragraph about something else ('"We are not prepared to gamble," the
directorate's director-general, Annelise Vostrup, told reporters'), and that chunk ranks below the ones about X. On the
development sets news_a-bz, 34 of the 243 answerable person-by-role questions had their answer outside the retrieved
passages (thirty-seventh round, eval/README.md).
"""

from __future__ import annotations

import pytest

from rag.assistant import Assistant
from rag.backends.extractive import names_holder_asked
from rag.records import Passage
from rag.retrieve import Filters
from tests.shared_data import text_library

PARAGRAPHS = [
    "Florvane closes its airspace to civil flights",
    "Florvane's civil aviation directorate closed the country's airspace to civil flights on Monday after three "
    "airliners lost their satellite navigation signals over the northern coast.",
    "The directorate said the closure would last at least 48 hours while engineers checked the ground stations.",
    "Airlines cancelled 140 flights and diverted a further 30 to airports in neighbouring countries.",
    "The civil aviation directorate of Florvane asked the air force to help find the source of the interference.",
    "Florvane's civil aviation directorate said the ground stations of the civil aviation network were working.",
    "A civil aviation directorate report on Florvane's navigation network is due next month.",
    '"We are not prepared to gamble with passengers\' lives," the directorate\'s director-general, Annelise '
    "Vostrup, told reporters in Vannebrig.",
    "Fishermen in the northern ports reported the same loss of signal on their boats.",
]
QUESTION = "who heads Florvane's civil aviation directorate"


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return text_library(tmp_path_factory.mktemp("role-holder-lookup"),
                        {"airspace.txt": "\n\n".join(PARAGRAPHS) + "\n",
                         "other.txt": "Fishing quotas\n\nThe fishing quota for cod was cut by a fifth.\n"},
                        chunk_tokens=30, chunk_overlap=0, k=2)  # (the chunks about the directorate fill two)


def _chunks(library: Assistant) -> list:
    return sorted(library.store.all_chunks(), key=lambda c: (c.source, c.start))


def test_the_chunk_naming_the_holder_joins_the_passages(library: Assistant) -> None:
    chunks = _chunks(library)
    holding = [c for c in chunks if names_holder_asked(QUESTION, c.text)]
    assert len(holding) == 1
    # Retrieval brought the chunks about the directorate's closure, not the one that names its head.
    passages = [Passage(chunk=c, score=1.0) for c in chunks if "directorate" in c.text and c not in holding][:2]
    assert passages
    joined = library._with_role_holder(QUESTION, passages, Filters(), library.embedder.embed_query(QUESTION))
    assert [p.chunk.id for p in joined] == [*(p.chunk.id for p in passages), holding[0].id]
    assert joined[-1].similarity is not None  # (the relevance gate reads it)


def test_nothing_is_added_when_a_passage_already_names_the_holder(library: Assistant) -> None:
    passages = [Passage(chunk=c, score=1.0) for c in _chunks(library) if "directorate" in c.text]
    assert library._with_role_holder(QUESTION, passages, Filters(), library.embedder.embed_query(QUESTION)) == passages


def test_only_the_retrieved_documents_are_read(library: Assistant) -> None:
    passages = [Passage(chunk=c, score=1.0) for c in _chunks(library) if "quota" in c.text]
    assert library._with_role_holder(QUESTION, passages, Filters(), library.embedder.embed_query(QUESTION)) == passages


def test_a_caller_outside_the_documents_collection_gets_nothing_added(library: Assistant) -> None:
    passages = [Passage(chunk=c, score=1.0) for c in _chunks(library) if "closed the country" in c.text]
    restricted = Filters(collections=("restricted",))
    assert library._with_role_holder(QUESTION, passages, restricted, library.embedder.embed_query(QUESTION)) == \
        passages


def test_the_question_is_answered_with_the_holder(library: Assistant) -> None:
    retrieved = library.retrieve(QUESTION)
    assert not any(names_holder_asked(QUESTION, p.chunk.text) for p in retrieved)  # (what this test is about)
    answer = library.ask(QUESTION)
    assert not answer.refused
    assert "Annelise Vostrup" in answer.answer
