"""The offline extractive backend (rag.backends.extractive)."""

from __future__ import annotations

import re

import pytest

from rag.backends.extractive import candidates, extractive_answer, rank_sentences, score_sentence_terms
from rag.chunk import split_sentences
from rag.citations import parse_answer
from rag.records import REFUSAL, Chunk, Passage
from rag.testing import FakeEmbedder
from rag.text import stem, terms

OUTPUT_SENTENCE = re.compile(r"(?P<text>.+?) \[(?P<n>\d+)\](?: |$)")


def passage(text: str, n: int, title: str = "") -> Passage:
    chunk = Chunk(id=f"chunk-{n}", source=f"/corpus/{n}.txt", title=title, text=text, start=0,
                  end=len(text), index=0)
    return Passage(chunk=chunk, score=1.0 / n)


ETNA = ("Mount Etna erupted on 21 May 2023 in Sicily. Lava flows reached the village of Zafferana within two "
        "days. The Catania airport closed for 48 hours because of volcanic ash.")
ETNA_AGAIN = ("On 21 May 2023, Mount Etna erupted in Sicily, officials said. Mount Etna erupted on 21 May 2023 "
              "in Sicily. Tourists were evacuated from the slopes of the volcano.")
COFFEE = ("Colombian coffee farmers harvested 12 million bags in 2022. Heavy rains in Antioquia damaged many "
          "plantations. Exports to Japan grew by 15 percent.")
CHESS = ("Ding Liren won the World Chess Championship in Astana in April 2023. He defeated Ian Nepomniachtchi "
         "in rapid tiebreaks. The match lasted fourteen classical games.")


@pytest.fixture
def passages() -> list[Passage]:
    return [passage(ETNA, 1, "Mount Etna Eruption"), passage(ETNA_AGAIN, 2, "Etna news"),
            passage(COFFEE, 3, "Coffee Harvest"), passage(CHESS, 4, "Chess Championship")]


def split_output(text: str) -> list[tuple[str, int]]:
    """(sentence, n) pairs; fails the test if any sentence lacks its trailing marker."""
    pieces = [(m.group("text"), int(m.group("n"))) for m in OUTPUT_SENTENCE.finditer(text)]
    assert " ".join(f"{t} [{n}]" for t, n in pieces) == text, f"not every sentence ends with [n]: {text!r}"
    return pieces


# ---------------------------------------------------------- score_sentence_terms
@pytest.mark.parametrize(("question", "with_year", "without_year"), [
    ("What happened to Mount Etna in 2023?", "Mount Etna erupted in 2023.", "Mount Etna erupted in 2021."),
    ("What happened to Mount Etna in 2023?", "Mount Etna erupted in 2023.", "Mount Etna erupted."),
    ("Who won the chess championship in 2023?", "Ding Liren won the chess championship in 2023.",
     "Magnus Carlsen won the chess championship in 2013."),
])
def test_sentence_with_the_questions_year_beats_one_without(question: str, with_year: str,
                                                             without_year: str) -> None:
    assert score_sentence_terms(question, with_year) > score_sentence_terms(question, without_year)


def test_year_in_the_context_counts_too() -> None:
    question = "What happened to Mount Etna in 2023?"

    in_context = score_sentence_terms(question, "Mount Etna erupted.", context="The year 2023 began badly.")

    assert in_context > score_sentence_terms(question, "Mount Etna erupted.")


@pytest.mark.parametrize("dated", ["Mount Etna erupted on 21 May.", "Mount Etna erupted in 2023.",
                                   "Mount Etna erupted in March.", "Mount Etna erupted on the 3rd of June."])
def test_when_question_prefers_a_sentence_with_a_date(dated: str) -> None:
    question = "When did Mount Etna erupt?"

    assert score_sentence_terms(question, dated) > score_sentence_terms(question, "Mount Etna erupted violently.")


@pytest.mark.parametrize("false_date", ["Mount Etna erupted near the market.",
                                        "Mount Etna erupted and tourism declined.",
                                        "Mount Etna erupted in a separate vent."])
def test_words_that_merely_start_like_a_month_are_not_dates(false_date: str) -> None:
    question = "When did Mount Etna erupt?"

    assert score_sentence_terms(question, false_date) == score_sentence_terms(
        question, "Mount Etna erupted near the village.")


def test_how_many_question_prefers_a_sentence_with_a_number() -> None:
    question = "How many bags did the farmers harvest?"

    assert (score_sentence_terms(question, "The farmers harvested 12 million bags.")
            > score_sentence_terms(question, "The farmers harvested bags slowly."))


def test_who_question_prefers_a_sentence_with_a_new_name() -> None:
    question = "Who won the chess championship?"

    assert (score_sentence_terms(question, "Ding Liren won the chess championship.")
            > score_sentence_terms(question, "The chess championship was won in tiebreaks."))


def test_question_name_missing_from_the_sentence_costs() -> None:
    question = "When did Mount Etna erupt?"

    assert (score_sentence_terms(question, "Mount Etna erupted on 21 May 2023.")
            > score_sentence_terms(question, "Mount Vesuvius erupted on 21 May 2023."))


def test_idf_weights_rare_terms() -> None:
    question = "Did the volcano erupt beside the village?"  # terms: volcano, erupt, beside, village
    idf = {stem("village"): 5.0}  # the others default to 1 (keys are stems, as terms() gives them)

    village_only = score_sentence_terms(question, "The village was calm.", idf)
    volcano_only = score_sentence_terms(question, "The volcano was calm.", idf)

    assert village_only == pytest.approx(5 / 8) and volcano_only == pytest.approx(1 / 8)
    # Without IDF both cover one term of four.
    assert score_sentence_terms(question, "The village was calm.") == pytest.approx(1 / 4)
    assert score_sentence_terms(question, "The volcano was calm.") == pytest.approx(1 / 4)


def test_question_without_content_words_scores_zero() -> None:
    assert score_sentence_terms("What is it?", "Mount Etna erupted on 21 May 2023.") == 0.0


# -------------------------------------------------------------------- candidates
def test_candidates_keep_each_sentence_once(passages: list[Passage]) -> None:
    cands = candidates(passages)

    texts = [c.text.lower() for c in cands]
    assert len(texts) == len(set(texts))
    # The sentence shared by passages 1 and 2 is kept once, under the first passage that has it.
    shared = [c for c in cands if c.text == "Mount Etna erupted on 21 May 2023 in Sicily."]
    assert [c.passage for c in shared] == [1]


def test_candidates_carry_the_previous_sentence_as_context(passages: list[Passage]) -> None:
    by_text = {c.text: c for c in candidates(passages)}

    assert by_text["He defeated Ian Nepomniachtchi in rapid tiebreaks."].context.startswith("Ding Liren won")


# ---------------------------------------------------------------- extractive_answer
def test_answer_quotes_the_best_sentence_with_its_citation(passages: list[Passage]) -> None:
    text, ranked = extractive_answer("How many bags of coffee did Colombian farmers harvest?", passages,
                                     FakeEmbedder())

    pieces = split_output(text)
    assert pieces[0] == ("Colombian coffee farmers harvested 12 million bags in 2022.", 3)
    assert ranked[0].text == pieces[0][0]


def test_refusal_when_nothing_clears_min_score(passages: list[Passage]) -> None:
    embedder = FakeEmbedder()
    question = "When did Mount Etna erupt?"
    best = rank_sentences(question, passages, embedder)[0].score

    refused, _ = extractive_answer(question, passages, embedder, min_score=best + 0.01)
    answered, _ = extractive_answer(question, passages, embedder, min_score=best - 0.01)

    assert refused == REFUSAL
    assert answered != REFUSAL and split_output(answered)


def test_refusal_for_an_unrelated_question(passages: list[Passage]) -> None:
    text, ranked = extractive_answer("What is the capital of Mongolia?", passages, FakeEmbedder())

    assert text == REFUSAL
    assert ranked and ranked[0].score < 0.4


def test_refusal_without_passages() -> None:
    assert extractive_answer("When did Mount Etna erupt?", [], FakeEmbedder()) == (REFUSAL, [])


def test_near_duplicate_sentences_are_not_repeated(passages: list[Passage]) -> None:
    embedder = FakeEmbedder()
    question = "When did Mount Etna erupt in Sicily?"
    ranked = rank_sentences(question, passages, embedder)
    best = ranked[0]
    near = [c for c in ranked[1:] if set(terms(c.text)) >= set(terms(best.text)) - {"said", "official"}
            and c.text != best.text]
    # The paraphrase would otherwise clear the bar for a second sentence.
    assert near and near[0].score >= max(0.4, 0.85 * best.score)

    text, _ = extractive_answer(question, passages, embedder, max_sentences=3)

    sentences = [t for t, _ in split_output(text)]
    assert best.text in sentences
    assert near[0].text not in sentences
    assert len([s for s in sentences if "erupted" in s]) == 1


def test_distinct_sentences_can_both_be_used() -> None:
    passages = [passage("Mount Etna erupted on 21 May 2023, covering Catania in volcanic ash.", 1),
                passage("Lava from Mount Etna destroyed three vineyards near Zafferana in May 2023.", 2)]

    text, _ = extractive_answer("What did Mount Etna do in May 2023?", passages, FakeEmbedder())

    pieces = split_output(text)
    assert sorted(n for _, n in pieces) == [1, 2]


@pytest.mark.parametrize("max_sentences", [1, 2, 3])
def test_max_sentences_is_honoured(passages: list[Passage], max_sentences: int) -> None:
    text, _ = extractive_answer("Mount Etna Sicily lava Zafferana Catania airport ash", passages,
                                FakeEmbedder(), min_score=0.0, max_sentences=max_sentences, min_answerability=0.0)

    assert 1 <= len(split_output(text)) <= max_sentences


@pytest.mark.parametrize("question", [
    "When did Mount Etna erupt?",
    "How many bags of coffee did Colombian farmers harvest?",
    "Who won the World Chess Championship in Astana?",
    "What did the lava reach?",
])
def test_every_output_sentence_ends_with_a_valid_marker(passages: list[Passage], question: str) -> None:
    text, _ = extractive_answer(question, passages, FakeEmbedder(), min_score=0.1)

    pieces = split_output(text)
    assert pieces
    for sentence, n in pieces:
        assert 1 <= n <= len(passages)
        assert sentence in " ".join(passages[n - 1].chunk.text.split())
    parsed = parse_answer(text, len(passages))
    assert parsed.invalid == ()
    assert all(len(s.citations) == 1 for s in parsed.sentences)


def test_brackets_inside_a_quoted_sentence_do_not_become_citations() -> None:
    passages = [passage("The ceasefire between Armenia and Azerbaijan was agreed on 15 September 2022 [3]. "
                        "Fighting stopped the next morning.", 1),
                passage(COFFEE, 2), passage(ETNA, 3)]

    text, _ = extractive_answer("When was the ceasefire between Armenia and Azerbaijan agreed?", passages,
                                FakeEmbedder())

    parsed = parse_answer(text, len(passages))
    assert parsed.sentences and all(s.citations == (1,) for s in parsed.sentences)


def test_answer_is_deterministic(passages: list[Passage]) -> None:
    question = "When did Mount Etna erupt?"

    first = extractive_answer(question, passages, FakeEmbedder())[0]
    second = extractive_answer(question, list(passages), FakeEmbedder())[0]

    assert first == second


def test_output_sentences_are_whole_sentences_of_the_passages(passages: list[Passage]) -> None:
    text, _ = extractive_answer("What did the lava reach?", passages, FakeEmbedder(), min_score=0.1)

    for sentence, n in split_output(text):
        source = passages[n - 1].chunk.text
        assert sentence in [source[s.start:s.end] for s in split_sentences(source)]


def test_terms_carried_from_the_previous_turn_only_add_context() -> None:
    question, carried = "And who brokered the ceasefire?", "Russian peacekeeping mission end"
    answers = "The ceasefire was brokered by Washington."
    previous_topic = "The Russian peacekeeping mission ends in 2025."
    # A sentence that answers what was asked loses nothing for lacking the carried context...
    assert score_sentence_terms(question, answers, carried=carried) == score_sentence_terms(question, answers)
    # ...one that answers it in part gains a little from the context, and the previous turn's
    # topic alone does not win.
    in_context = "The ceasefire in the peacekeeping mission area held."
    assert score_sentence_terms(question, in_context, carried=carried) > score_sentence_terms(question, in_context)
    assert (score_sentence_terms(question, answers, carried=carried)
            > score_sentence_terms(question, previous_topic, carried=carried))
    # "Why?" asks only about the previous turn.
    assert score_sentence_terms("Why?", previous_topic, carried=carried) > 0
