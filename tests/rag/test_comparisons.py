"""Comparisons set two things side by side: the answer gives points on both (fake embedder: fast, deterministic).

Found asking the analysis articles as an analyst would: "Compare the responses to the Azawi coup and the
Varenian offensive" drew its points from one article; ranked together, one side's passages crowd out the
other's.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import rag.assistant as assistant_module
import rag.backends.extractive as extractive
from rag.assistant import Assistant
from rag.backends.extractive import (
    MAX_POINT_WORDS,
    compared_points,
    extractive_result,
    side_passages,
    source_names,
)
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
    "The Azawi coup drew responses from the African Union and from ECOWAS within days.",
    "Responses to the Azawi coup in the region were sharp: borders closed and aid stopped.",
    "The responses to the coup in Azawi included the suspension of Azawi from regional bodies.",
    "The Azawi coup responses were coordinated by ECOWAS and the African Union.",
]
VARENIA = [
    "The European Union responded to the Varenian offensive with a new package of sanctions.",
    "Kostria's neighbours responded by opening their borders to refugees from the Varenian offensive.",
]


def _library() -> list[Passage]:
    # Eight passages on the coup rank above the two on the offensive, as one article crowds the other out.
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


def test_ranked_together_the_coup_passages_crowd_the_offensive_out(monkeypatch: pytest.MonkeyPatch) -> None:
    # What the per-side selection is for: the same question and passages without it cite one side only.
    monkeypatch.setattr(extractive, "comparison", lambda question: None)
    passages = _library()
    result = extractive_result("Compare the responses to the Azawi coup and the Varenian offensive.", passages,
                               FakeEmbedder())
    assert {passages[c.passage - 1].chunk.source for c in result.chosen} == {"azawi.txt"}
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


@pytest.mark.parametrize("question", [
    # Found in review: side B's search kept side A's names ("How did France's reaction to Germany's?").
    "How did France's reaction to the coup differ from Germany's?",
    "Compare Russia's strategy in Syria with Turkey's.",
    "How does the EU's response to the Azawi coup compare with ECOWAS's?",
    "Compare the Bank of England and the Fed.",
    "How does the Gulf of Aden compare with the Red Sea?",
])
def test_a_sides_search_never_says_the_other_side(question: str) -> None:
    # Either each side's search says its side and not the other's, or the question gets the usual answer.
    compared = comparison(question)
    if compared is None:
        return
    for query, own, other in zip(compared.queries, compared.keys, reversed(compared.keys)):
        assert own <= set(terms(query)) and not other & set(terms(query)), query


def test_a_possessive_side_takes_the_first_sides_noun() -> None:
    compared = comparison("How did France's reaction to the coup differ from Germany's?")
    assert compared is not None
    assert compared.queries[1] == "How did Germany's reaction to the coup?"


def test_a_short_name_is_not_every_word_that_starts_like_it() -> None:
    # Found in review: "Ukraine" was on the UK's side, and an EU article that "used" a tool on the US's.
    compared = comparison("Compare the UK and France on the crisis.")
    assert compared is not None and compared.keys[0] == frozenset({"uk"})
    passages = [_passage(1, "uk.txt", "London responds", "The UK government imposed sanctions on the regime."),
                _passage(2, "ukraine.txt", "Kyiv under fire", "Ukrainian officials blamed the regime for the crisis."),
                _passage(3, "france.txt", "Paris responds", "France recalled its ambassador and suspended its aid.")]
    assert side_passages(compared, passages) == ({1}, {3})
    us = comparison("Compare the US and EU responses to the crisis.")
    assert us is not None
    eu = _passage(1, "eu.txt", "Brussels", "The EU used its trade tools and sanctioned the regime.")
    assert side_passages(us, [eu]) == (set(), {1})


def test_a_very_long_question_is_not_parsed() -> None:
    # The patterns' lazy bodies cost quadratic time: 8,000 spaces took seconds per question.
    assert comparison("What are the differences between Azawi" + " " * 8000 + "x and Varenia") is None


class _CrowdedRetriever:
    """Six reports on the coup outrank the one on the offensive for any search but the offensive's own."""

    def __init__(self) -> None:
        self.coup = [_passage(n, f"coup{n}.txt", f"Coup report {n}",
                              f"The responses to the Azawi coup were sanctions, report {n}.") for n in range(1, 7)]
        self.offensive = _passage(7, "offensive.txt", "The offensive",
                                  "The responses to the Varenian offensive were sanctions by the EU.")
        self.queries: list[str] = []

    def retrieve(self, query: str, k: int | None = None, filters: object = None, **_: object) -> list[Passage]:
        self.queries.append(query)
        ranked = [self.offensive, *self.coup] if "Azawi" not in query else [*self.coup, self.offensive]
        return ranked[:k or 5]


def test_each_side_is_searched_so_one_side_cannot_crowd_the_other_out(monkeypatch: pytest.MonkeyPatch,
                                                                         tmp_path: Path) -> None:
    assistant = Assistant(index_dir=tmp_path / "index", embedder=FakeEmbedder(), analytic_k=4)
    crowded = _CrowdedRetriever()
    assistant._retriever = crowded  # type: ignore[assignment]
    question = "Compare the responses to the Azawi coup and the Varenian offensive."
    state = assistant._retrieve({"question": question, "standalone": question})
    sources = [p.chunk.source for p in state["passages"]]
    assert "offensive.txt" in sources and sum(s.startswith("coup") for s in sources) >= 2
    assert "Compare the responses to the Varenian offensive." in crowded.queries
    # The question's own search alone: the offensive is crowded out (what the side searches are for).
    monkeypatch.setattr(assistant_module, "named_comparison", lambda q, passages: None)
    state = assistant._retrieve({"question": question, "standalone": question})
    assert "offensive.txt" not in [p.chunk.source for p in state["passages"]]


def test_sides_typed_in_lower_case_are_named_by_the_sources() -> None:
    # "compare the responses to the azawi coup and the varenian offensive": no capitals in the question, but the
    # sources write "Azawi" and "Varenian" inside sentences, so the sides are names and are balanced.
    question = "compare the responses to the azawi coup and the varenian offensive"
    typed = comparison(question)
    assert typed is not None and not typed.named
    passages = _library()
    named = comparison(question, source_names(passages))
    assert named is not None and named.named and named.keys == (frozenset({"azawi"}), frozenset({"varenian"}))
    result = extractive_result(question, passages, FakeEmbedder())
    assert {passages[c.passage - 1].chunk.source for c in result.chosen} == {"azawi.txt", "varenia.txt"}


def test_a_word_that_only_opens_a_sentence_is_no_name() -> None:
    text = "Soldiers surrounded the palace. The coup in Azawi was the third, said Amadou Sérémé."
    names = source_names([_passage(1, "a.txt", "Title Words Everywhere", text)])
    assert "azawi" in names and "soldier" not in names and "titl" not in names and "word" not in names
