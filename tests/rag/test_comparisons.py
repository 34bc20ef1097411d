"""Comparisons set two things side by side: the answer gives points on both (fake embedder: fast, deterministic).

Found asking the analysis articles as an analyst would: "Compare the responses to the Azawi coup and the
Varenian offensive" drew its points from one article; ranked together, one side's passages crowd out the
other's.
"""

from __future__ import annotations

import pytest

import rag.backends.extractive as extractive
from rag.backends.extractive import MAX_POINT_WORDS, compared_points, extractive_result, side_passages
from rag.questions import comparison, question_kind
from rag.records import Chunk, Passage
from rag.testing import FakeEmbedder
from rag.text import terms


@pytest.mark.parametrize("question, a, b", [
    ("Compare the responses to the Azawi coup and the Varenian offensive.", {"azawi"}, {"varenian"}),
    ("Compare the US and EU responses to the crisis.", {"us"}, {"eu"}),
    ("What do the Lessia grid attack and the Tarsis Strait incident have in common?", {"lessia"}, {"tarsi", "strait"}),
    ("How does Russia's strategy compare with Turkey's?", {"russia"}, {"turkey"}),
    ("How do the Azawi and Lessia crises compare?", {"azawi"}, {"lessia"}),
    ("What are the differences between nuclear deterrence and conventional deterrence?", {"nuclear"}, {"convent"}),
    ("How does the Nordhavn policy differ from the EU rules?", {"nordhavn"}, {"eu"}),
    ("Compare and contrast France versus Germany on defence spending", {"franc"}, {"germani"}),
])
def test_the_two_sides_and_the_words_that_tell_them_apart(question: str, a: set[str], b: set[str]) -> None:
    compared = comparison(question)
    assert compared is not None and question_kind(question) == "analytic"
    assert compared.keys == (frozenset(a), frozenset(b))
    # Each side's search leaves the other side's telling words out, and keeps its own.
    for query, own, other in zip(compared.queries, compared.keys, reversed(compared.keys)):
        assert own <= set(terms(query)) and not other & set(terms(query))


@pytest.mark.parametrize("question", [
    "Why did Azerbaijan attack Armenia?",
    "Compare the two treaties.",                 # no two sides named
    "What are the reasons for the embargo?",
    "Compare France and France.",                # nothing tells the sides apart
    "Compare France, Germany and Italy.",        # three are no pair
])
def test_not_a_pair_compared(question: str) -> None:
    assert comparison(question) is None


def test_each_sides_search_keeps_the_frame_and_drops_the_other_side() -> None:
    compared = comparison("Compare the responses to the Azawi coup and the Varenian offensive.")
    assert compared is not None
    first, second = compared.queries
    assert "Azawi" in first and "Varenian" not in first and "responses" in first
    assert "Varenian" in second and "Azawi" not in second and "responses" in second


def _passage(n: int, source: str, title: str, text: str) -> Passage:
    chunk = Chunk(id=f"c{n}", source=source, title=title, text=text, start=n * 1000, end=n * 1000 + len(text), index=n)
    return Passage(chunk=chunk, score=1.0 / n, similarity=0.6)


AZAWI = [
    "The African Union suspended Azawi the day after the coup and demanded a return to civilian rule.",
    "ECOWAS closed its borders with Azawi and froze the state's assets in regional banks.",
    "France withdrew its ambassador from Azawi in protest against the coup.",
    "The United States paused its aid to Azawi while the coup was reviewed.",
]
VARENIA = [
    "The European Union responded to the Varenian offensive with a new package of sanctions.",
    "Kostria's neighbours responded by opening their borders to refugees from the Varenian offensive.",
]


def _library() -> list[Passage]:
    # Four passages on the coup rank above the two on the offensive, as one article crowds the other out.
    texts = [("azawi.txt", "The coup in Azawi", t) for t in AZAWI] + \
        [("varenia.txt", "The Varenian offensive", t) for t in VARENIA]
    return [_passage(n, src, title, text) for n, (src, title, text) in enumerate(texts, start=1)]


def test_a_comparison_answers_from_both_sides_first_side_first() -> None:
    question = "Compare the responses to the Azawi coup and the Varenian offensive."
    passages = _library()
    result = extractive_result(question, passages, FakeEmbedder())
    assert not result.refused
    sources = [passages[c.passage - 1].chunk.source for c in result.chosen]
    assert "azawi.txt" in sources and "varenia.txt" in sources
    # The first side's points, then the second's.
    first_varenia = sources.index("varenia.txt")
    assert all(s == "varenia.txt" for s in sources[first_varenia:])
    assert len(result.text.split()) <= MAX_POINT_WORDS + 10 * len(result.chosen)  # words plus [n] markers
    assert all(line.startswith("- ") for line in result.text.split("\n"))


def test_one_sided_sources_give_the_usual_key_points() -> None:
    question = "Compare the responses to the Azawi coup and the Varenian offensive."
    passages = [p for p in _library() if p.chunk.source == "azawi.txt"]
    compared = comparison(question)
    assert compared is not None
    assert side_passages(compared, passages)[1] == set()
    result = extractive_result(question, passages, FakeEmbedder())
    # Varenia is named and no passage states it: the analytic name rule refuses, as for any analytic question.
    assert result.refused


def test_a_document_about_both_sides_serves_both() -> None:
    text = "Both the Azawi coup and the Varenian offensive drew sanctions from the European Union."
    passages = [_passage(1, "both.txt", "Two crises", text)]
    compared = comparison("Compare the responses to the Azawi coup and the Varenian offensive.")
    assert compared is not None
    assert side_passages(compared, passages) == ({1}, {1})


def test_one_article_on_both_sides_keeps_the_sentences_that_compare() -> None:
    # No document is about one side alone: the usual selection, which finds sentences naming both sides.
    question = "Compare the responses to the Azawi coup and the Varenian offensive."
    texts = ["Both the Azawi coup and the Varenian offensive drew sanctions from the European Union.",
             "The response to the Azawi coup was faster than the response to the Varenian offensive."]
    passages = [_passage(n, "both.txt", "Two crises", t) for n, t in enumerate(texts, start=1)]
    compared = comparison(question)
    assert compared is not None
    assert compared_points(compared, extractive.rank(question, passages, FakeEmbedder()), passages,
                           FakeEmbedder()) is None
    assert not extractive_result(question, passages, FakeEmbedder()).refused


def test_a_word_that_merely_starts_like_a_name_does_not_put_a_document_on_its_side() -> None:
    compared = comparison("What do the Lessia grid attack and the Tarsis Strait incident have in common?")
    assert compared is not None
    strait = _passage(1, "strait.txt", "The Tarsis Strait", "The lessons of the Tarsis Strait incident are clear.")
    grid = _passage(2, "grid.txt", "Lights out in Lessia", "The Lessian grid failed for hours.")
    assert side_passages(compared, [strait, grid]) == ({2}, {1})


@pytest.mark.parametrize("question, named", [
    ("Compare the responses to the Azawi coup and the Varenian offensive.", True),
    ("Compare the US and EU responses to the crisis.", True),
    ("What are the differences between nuclear deterrence and conventional deterrence?", False),
    ("How do government and private schools in India differ?", False),
])
def test_only_sides_told_apart_by_names_are_balanced(question: str, named: bool) -> None:
    # Two concepts are compared within one text, by sentences naming both: the usual selection keeps them.
    compared = comparison(question)
    assert compared is not None and compared.named is named


def test_two_concepts_get_the_usual_key_points(monkeypatch: pytest.MonkeyPatch) -> None:
    question = "What are the differences between nuclear deterrence and conventional deterrence?"
    texts = ["Nuclear deterrence rests on the threat of unacceptable damage.",
             "Nuclear deterrence has kept the peace between the great powers.",
             "Conventional deterrence rests on the ability to deny an attacker a quick victory."]
    passages = [_passage(n, f"{n}.txt", "Deterrence", t) for n, t in enumerate(texts, start=1)]
    chosen = [c.text for c in extractive_result(question, passages, FakeEmbedder()).chosen]
    monkeypatch.setattr(extractive, "comparison", lambda q: None)
    assert chosen == [c.text for c in extractive_result(question, passages, FakeEmbedder()).chosen]
