"""Citation numbers as readers see them: 1, 2, 3… in reading order, while streaming and at the end,
with each citation's retrieval rank kept (rag.citations.number_by_first_use, MarkerNumbering)."""

from __future__ import annotations

import re

import pytest

from rag.citations import MarkerNumbering, number_by_first_use, parse_answer, verify_answer
from rag.records import Chunk, Passage

TEXTS = [
    "Armenia joined the Collective Security Treaty Organization in 1992.",
    "Russia keeps a military base in Gyumri under a treaty signed in 1995.",
    "France condemned the strike and called for a ceasefire.",
    "The offensive began on 13 September 2022 along the border.",
    "Two days of heavy clashes ended with a ceasefire agreed by both sides.",
    "Azerbaijan advanced a few kilometres into Armenian territory.",
    "The Russian peacekeeping mission ends in 2025.",
]


def passages() -> list[Passage]:
    return [Passage(Chunk(id=f"c{i}", source=f"/docs/{i}.txt", title=f"Doc {i}", text=t, start=100 * i,
                          end=100 * i + len(t), index=0), score=1.0 - i / 10)
            for i, t in enumerate(TEXTS, start=1)]


ANSWER = ("The offensive began on 13 September 2022 [4]. Azerbaijan advanced a few kilometres into Armenian "
          "territory [6]. Two days of heavy clashes ended with a ceasefire [5][4]. The Russian peacekeeping "
          "mission ends in 2025 [7].")


def test_citations_are_numbered_in_reading_order_without_gaps() -> None:
    ps = passages()
    verified = number_by_first_use(verify_answer(parse_answer(ANSWER, len(ps)), ps))

    assert [c.id for c in verified.citations] == [1, 2, 3, 4]
    assert [c.rank for c in verified.citations] == [4, 6, 5, 7]
    assert [s.citations for s in verified.sentences] == [(1,), (2,), (3, 1), (4,)]
    assert re.findall(r"\[\d+\]", verified.text) == ["[1]", "[2]", "[3]", "[1]", "[4]"]
    for citation in verified.citations:  # the rank still names the passage retrieved at that place
        assert ps[citation.rank - 1].chunk.id == citation.chunk_id
        assert citation.quote in ps[citation.rank - 1].chunk.text
    for sentence in verified.sentences:  # each sentence's quotes point at the citation it shows
        by_id = {c.id: c for c in verified.citations}
        for quote in sentence.quotes:
            assert quote.quote in by_id[quote.citation].text
            assert by_id[quote.citation].start <= quote.quote_start < quote.quote_end <= by_id[quote.citation].end


def test_numbering_is_unchanged_when_already_in_order() -> None:
    ps = passages()
    before = verify_answer(parse_answer("The offensive began on 13 September 2022 [1]. Russia keeps a base [2].",
                                        len(ps)), ps)
    after = number_by_first_use(before)
    assert after.text == before.text
    assert [(c.id, c.rank) for c in after.citations] == [(1, 1), (2, 2)]


def test_strict_answer_is_renumbered_after_unsupported_sentences_are_dropped() -> None:
    ps = passages()
    raw = "Bananas are yellow [2]. The offensive began on 13 September 2022 [4]. France condemned the strike [3]."
    verified = number_by_first_use(verify_answer(parse_answer(raw, len(ps)), ps, strict=True))
    assert [c.id for c in verified.citations] == [1, 2]
    assert [c.rank for c in verified.citations] == [4, 3]


@pytest.mark.parametrize("pieces", [
    [ANSWER],
    re.findall(r"\S+\s*", ANSWER),                     # word by word, as the chat streams
    [ANSWER[i:i + 3] for i in range(0, len(ANSWER), 3)],  # markers split anywhere: "[", "4]. "
])
def test_streamed_markers_match_the_final_answer(pieces: list[str]) -> None:
    ps = passages()
    numbering = MarkerNumbering(len(ps))
    streamed = "".join(numbering.feed(p) for p in pieces) + numbering.close()
    final = number_by_first_use(verify_answer(parse_answer(ANSWER, len(ps)), ps))

    assert re.findall(r"\[\d+\]", streamed) == re.findall(r"\[\d+\]", final.text)
    assert re.sub(r"\s*\[\d+\]", "", streamed) == re.sub(r"\s*\[\d+\]", "", ANSWER)


def test_streaming_drops_markers_that_name_no_passage_and_keeps_unfinished_text() -> None:
    numbering = MarkerNumbering(n_passages=3)
    out = [numbering.feed("A claim [9]. Another [3, 9"), numbering.feed("]. Then [2][3]. Odd [x"),
           numbering.close()]
    assert "".join(out) == "A claim. Another [1]. Then [2][1]. Odd [x"
    assert numbering.numbers == {3: 1, 2: 2}
