""""What is X?" reads only the chunks that use X, whatever the case X is asked in (fake embedder, real index).

Found in review: the lookup searched the store case-sensitively for the term's longest word without its first
letter, so "What is ecowas?" did not find "The Economic Community of West African States (ECOWAS)…", which
reading every chunk of the document had found.
"""

from __future__ import annotations

import pytest

from rag.assistant import Assistant
from rag.questions import defined_term, defines
from rag.records import Passage
from rag.retrieve import Filters
from rag.text import sentences
from tests.shared_data import text_library

PARAGRAPHS = [
    "Sanctions in the Sahel",
    "ECOWAS closed its members' borders with the country after the coup. ECOWAS leaders met twice.",
    "Fuel prices doubled in the capital within a fortnight of the closure.",
    "The Economic Community of West African States (ECOWAS) was founded in 1975 to build a common market.",
    "ECOWAS may yet lift the sanctions if the junta sets a date for elections.",
]


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return text_library(tmp_path_factory.mktemp("definition-lookup"),
                        {"ecowas.txt": "\n\n".join(PARAGRAPHS) + "\n"}, chunk_tokens=30, chunk_overlap=0)


@pytest.mark.parametrize("question", ["What is ECOWAS?", "What is ecowas?", "What is Ecowas?"])
def test_the_defining_chunk_is_found_whatever_the_case_asked(library: Assistant, question: str) -> None:
    term = defined_term(question)
    assert term
    chunks = sorted(library.store.all_chunks(), key=lambda c: c.start)
    defining = [c for c in chunks if any(defines(term, s) for s in sentences(c.text))]
    assert len(defining) == 1
    # Retrieval brought chunks that use the term but do not define it.
    passages = [Passage(chunk=c, score=1.0) for c in chunks if c.id != defining[0].id and "ECOWAS" in c.text][:2]
    joined = library._with_definition(term, passages, Filters())
    assert defining[0].id in {p.chunk.id for p in joined}


def test_a_caller_outside_the_documents_collection_gets_nothing_added(library: Assistant) -> None:
    chunks = sorted(library.store.all_chunks(), key=lambda c: c.start)
    passages = [Passage(chunk=c, score=1.0) for c in chunks if "closed its members" in c.text]
    assert library._with_definition("ECOWAS", passages, Filters(collections=("restricted",))) == passages
