"""Citation parsing, refusal detection and sentence verification (rag.citations)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.citations import ParsedAnswer, ParsedSentence, is_refusal, parse_answer, verify_answer
from rag.records import REFUSAL, Chunk, Passage
from rag.text import terms

SAMPLE = Path(__file__).resolve().parents[2] / "corpus" / "sample" / "000_37ea4592f850c55e.txt"
DOC = SAMPLE.read_text(encoding="utf-8")

# Passages cut from the sample article at their real offsets, so citation spans are document offsets.
RUSSIA = (
    "Let us return to 2022. Baku is well aware of Armenia’s security dependence on Russia. "
    "The two countries signed a deal on mutual military assistance in 1997. Moreover, Armenia is a member "
    "of the Russian-led Collective Security Treaty Organisation (CSTO), and the Russian military maintains "
    "bases and outposts in Armenia."
)
VERSAILLES = (
    "In 1919, the Allied Powers imposed the Treaty of Versailles to punish and humiliate the German Empire "
    "which had lost the Great War a year before. Baku wants to follow the same recipe and impose a ‘peace’ "
    "treaty to defeated Armenia; a final agreement between the two countries which will satisfy Azerbaijan."
)
GAS = (
    "In addition, the Aliyev regime takes advantage of its potential role as a main EU gas supplier. "
    "Following the invasion of Ukraine, Brussels decided to minimise EU dependence on Russian natural gas and oil."
)


def article_passage(text: str, n: int) -> Passage:
    start = DOC.index(text)
    chunk = Chunk(id=f"chunk-{n}", source=str(SAMPLE), title="Azerbaijan's offensive", text=text,
                  start=start, end=start + len(text), index=n)
    return Passage(chunk=chunk, score=1.0 / n)


@pytest.fixture
def passages() -> list[Passage]:
    return [article_passage(t, n) for n, t in enumerate((RUSSIA, VERSAILLES, GAS), start=1)]


# ------------------------------------------------------------------ parse_answer
def test_markers_after_the_full_stop_belong_to_the_previous_sentence() -> None:
    parsed = parse_answer("Azerbaijan attacked Armenia in September. [1] A ceasefire followed two days later [2].",
                          n_passages=2)

    assert [s.citations for s in parsed.sentences] == [(1,), (2,)]
    assert [s.text for s in parsed.sentences] == ["Azerbaijan attacked Armenia in September.",
                                                   "A ceasefire followed two days later."]
    assert parsed.invalid == ()


def test_marker_at_the_very_end_after_the_full_stop_is_kept() -> None:
    parsed = parse_answer("Russia and Armenia signed a deal in 1997. [3]", n_passages=3)

    assert parsed.sentences == (ParsedSentence("Russia and Armenia signed a deal in 1997.", (3,)),)


def test_markers_glued_to_the_full_stop_belong_to_the_previous_sentence() -> None:
    parsed = parse_answer("Azerbaijan attacked Armenia in September.[1] A ceasefire followed two days later.[2]",
                          n_passages=2)

    assert [s.citations for s in parsed.sentences] == [(1,), (2,)]


@pytest.mark.parametrize("answer", [
    "Russia and Armenia signed a deal in 1997 [1, 2].",
    "Russia and Armenia signed a deal in 1997 [1][2].",
    "Russia and Armenia signed a deal in 1997 [1] [2].",
    "Russia and Armenia signed a deal in 1997 [1;2].",
    "Russia and Armenia signed a deal in 1997 [1, 2][2].",
])
def test_grouped_markers_give_every_number_once(answer: str) -> None:
    parsed = parse_answer(answer, n_passages=3)

    assert len(parsed.sentences) == 1
    assert parsed.sentences[0].citations == (1, 2)
    assert parsed.sentences[0].text == "Russia and Armenia signed a deal in 1997."


def test_grouped_markers_keep_their_order_and_skip_absent_numbers() -> None:
    parsed = parse_answer("Armenia is in the CSTO [3][1]. Baku buys time [1, 3].", n_passages=3)

    assert [s.citations for s in parsed.sentences] == [(3, 1), (1, 3)]


@pytest.mark.parametrize("n_passages", [1, 2, 5])
def test_markers_pointing_at_no_passage_are_removed_and_reported(n_passages: int) -> None:
    beyond = n_passages + 1
    answer = (f"The offensive began on 13 September [0]. It lasted two days [{beyond}]. "
              f"France called a meeting [1, {beyond}].")

    parsed = parse_answer(answer, n_passages=n_passages)

    assert sorted(parsed.invalid) == sorted({0, beyond})
    assert [s.citations for s in parsed.sentences] == [(), (), (1,)]
    rendered = parsed.text()
    assert f"[{beyond}]" not in rendered and "[0]" not in rendered
    assert rendered == "The offensive began on 13 September. It lasted two days. France called a meeting. [1]"


def test_invalid_numbers_are_reported_once_each() -> None:
    parsed = parse_answer("One claim here [9]. Another claim there [9][7].", n_passages=3)

    assert parsed.invalid == (9, 7)


def test_text_renders_only_valid_markers() -> None:
    parsed = ParsedAnswer(
        sentences=(ParsedSentence("Baku attacked.", (1, 3)), ParsedSentence("Uncited claim.", ())),
        invalid=(8,))

    assert parsed.text() == "Baku attacked. [1][3] Uncited claim."


def test_answer_without_markers_has_no_citations() -> None:
    parsed = parse_answer("Azerbaijan attacked Armenia. The ceasefire held.", n_passages=4)

    assert [s.citations for s in parsed.sentences] == [(), ()]
    assert parsed.invalid == ()


# -------------------------------------------------------------------- is_refusal
@pytest.mark.parametrize("text", [
    REFUSAL,
    REFUSAL.upper(),
    REFUSAL.rstrip("."),
    "  The   sources do not contain\nan answer to this question. ",
    f"I'm sorry, but {REFUSAL[0].lower()}{REFUSAL[1:]}",
    "The provided sources do not mention the casualty figures.",
    "The sources do not say who ordered the attack.",
    "I cannot find this in the passages.",
    "I don't know.",
])
def test_refusal_variants_are_recognised(text: str) -> None:
    assert is_refusal(text)


@pytest.mark.parametrize("text", [
    "Azerbaijan launched the offensive on 13 September 2022 [1].",
    "The sources agree that a ceasefire followed two days of clashes [1][2].",
    "Russia did not intervene [2].",
    "",
])
def test_answers_are_not_refusals(text: str) -> None:
    assert not is_refusal(text)


def test_cited_answer_about_disagreeing_sources_is_not_a_refusal() -> None:
    assert not is_refusal("The sources do not agree on the number of casualties: Armenia reported 105 deaths "
                          "[1] while Baku reported 80 [2].")


# ------------------------------------------------------------------ verify_answer
def test_supported_sentence_is_flagged_supported(passages: list[Passage]) -> None:
    parsed = parse_answer("The two countries signed a deal on mutual military assistance in 1997 [1].", 3)

    verified = verify_answer(parsed, passages)

    (sentence,) = verified.sentences
    assert sentence.supported and sentence.support >= 0.5
    assert [c.id for c in verified.citations] == [1]


def test_uncited_sentence_is_unsupported_even_when_true(passages: list[Passage]) -> None:
    parsed = parse_answer("The two countries signed a deal on mutual military assistance in 1997.", 3)

    verified = verify_answer(parsed, passages)

    (sentence,) = verified.sentences
    assert not sentence.supported
    assert sentence.support == 0.0
    assert verified.citations == ()


def test_sentence_citing_the_wrong_passage_is_unsupported(passages: list[Passage]) -> None:
    parsed = parse_answer("The two countries signed a deal on mutual military assistance in 1997 [3].", 3)

    (sentence,) = verify_answer(parsed, passages).sentences

    assert not sentence.supported


def test_threshold_decides_supported(passages: list[Passage]) -> None:
    parsed = parse_answer("The two countries signed a deal on mutual military assistance in 1998 [1].", 3)

    loose = verify_answer(parsed, passages, threshold=0.0).sentences[0]
    tight = verify_answer(parsed, passages, threshold=0.5).sentences[0]

    assert loose.support == tight.support < 0.5
    assert loose.supported and not tight.supported


ANSWER = ("The two countries signed a deal on mutual military assistance in 1997 [1]. "
          "In 1919 the Allied Powers imposed the Treaty of Versailles [2]. "
          "Azerbaijan became the largest oil producer in 2015 [3].")


def test_non_strict_keeps_unsupported_sentences_flagged(passages: list[Passage]) -> None:
    verified = verify_answer(parse_answer(ANSWER, 3), passages, strict=False)

    assert [s.supported for s in verified.sentences] == [True, True, False]
    assert [c.id for c in verified.citations] == [1, 2, 3]
    assert "largest oil producer" in verified.text


def test_strict_drops_unsupported_sentences_and_citations_only_they_used(passages: list[Passage]) -> None:
    verified = verify_answer(parse_answer(ANSWER, 3), passages, strict=True)

    assert [s.supported for s in verified.sentences] == [True, True]
    assert "largest oil producer" not in verified.text
    assert [c.id for c in verified.citations] == [1, 2]
    assert verified.text == ("The two countries signed a deal on mutual military assistance in 1997. [1] "
                             "In 1919 the Allied Powers imposed the Treaty of Versailles. [2]")


def test_strict_keeps_a_citation_still_used_by_a_supported_sentence(passages: list[Passage]) -> None:
    answer = ("Azerbaijan became the largest oil producer in 2015 [1]. "
              "Armenia is a member of the Collective Security Treaty Organisation [1].")

    verified = verify_answer(parse_answer(answer, 3), passages, strict=True)

    assert [s.text for s in verified.sentences] == [
        "Armenia is a member of the Collective Security Treaty Organisation."]
    assert [c.id for c in verified.citations] == [1]


def test_quote_is_located_inside_the_passage_and_is_the_supporting_sentence(passages: list[Passage]) -> None:
    verified = verify_answer(parse_answer(ANSWER, 3), passages)

    by_id = {c.id: c for c in verified.citations}
    for citation in verified.citations:
        passage = passages[citation.id - 1].chunk
        assert (citation.start, citation.end, citation.text) == (passage.start, passage.end, passage.text)
        assert citation.text == DOC[citation.start:citation.end]
        assert citation.start <= citation.quote_start < citation.quote_end <= citation.end
        assert citation.quote == citation.text[citation.quote_start - citation.start:
                                               citation.quote_end - citation.start]
        assert citation.quote == DOC[citation.quote_start:citation.quote_end]
    assert by_id[1].quote == "The two countries signed a deal on mutual military assistance in 1997."
    assert by_id[1].quote != by_id[1].text
    assert by_id[2].quote.startswith("In 1919, the Allied Powers imposed the Treaty of Versailles")
    assert "Baku wants" not in by_id[2].quote


def test_each_cited_passage_gets_its_own_quote(passages: list[Passage]) -> None:
    answer = "Brussels wanted less dependence on Russian gas, and Armenia depends on Russia for security [3][1]."

    verified = verify_answer(parse_answer(answer, 3), passages)

    by_id = {c.id: c for c in verified.citations}
    assert set(by_id) == {1, 3}
    assert "security dependence on Russia" in by_id[1].quote
    assert "Russian natural gas" in by_id[3].quote
    for citation in verified.citations:
        assert citation.quote == citation.text[citation.quote_start - citation.start:
                                               citation.quote_end - citation.start]


def test_custom_scorer_is_used(passages: list[Passage]) -> None:
    from rag.verify import Support

    calls: list[tuple[str, int]] = []

    def never(claim: str, evidence: list[str]) -> Support:
        calls.append((claim, len(evidence)))
        return Support(0.1, 0, 0, len(evidence[0]))

    verified = verify_answer(parse_answer(ANSWER, 3), passages, scorer=never)

    assert not any(s.supported for s in verified.sentences)
    assert [claim for claim, _ in calls][:1] == [verified.sentences[0].text]


def test_verified_sentence_text_has_no_markers(passages: list[Passage]) -> None:
    verified = verify_answer(parse_answer(ANSWER, 3), passages)

    for sentence in verified.sentences:
        assert "[" not in sentence.text
        assert set(terms(sentence.text))
