"""rag.eval.support_set: the labelled pairs that measure the support scorer."""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from pathlib import Path

import pytest

from rag.eval.datasets import EvalItem, SquadData, article_key, load_squad, sample_squad

# The private variant rules are imported too, to check them one by one.
from rag.eval.support_set import (
    KINDS,
    SUPPORTED_KINDS,
    UNSUPPORTED_KINDS,
    SupportPair,
    _entity_swapped,
    _negated,
    _paraphrase,
    _pools,
    _Seed,
    build_support_pairs,
    evaluate_scorer,
    load_pairs_jsonl,
    split_sentences,
    write_pairs_jsonl,
)
from tests.shared_data import SQUAD_DEV, needs_squad


@pytest.fixture(scope="module")
def squad_sample() -> SquadData:
    if not SQUAD_DEV.is_file():
        pytest.skip(f"{SQUAD_DEV} not present")
    return sample_squad(load_squad(SQUAD_DEV), 300, seed=2)


@pytest.fixture(scope="module")
def pairs(squad_sample: SquadData) -> list[SupportPair]:
    return build_support_pairs(squad_sample, n=240, seed=9)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def _is_subsequence(short: list[str], long: list[str]) -> bool:
    it = iter(long)
    return all(word in it for word in short)


# ----------------------------------------------------------------- sentences


def test_split_sentences_keeps_abbreviations_and_initials_together() -> None:
    text = ("The U.S. Army left in 1945. Dr. Smith stayed with J. R. Tolkien. "
            "Did it end? \"Yes,\" he said. It cost 3.5 million.")
    assert split_sentences(text) == [
        "The U.S. Army left in 1945.",
        "Dr. Smith stayed with J. R. Tolkien.",
        "Did it end?",
        "\"Yes,\" he said.",
        "It cost 3.5 million.",
    ]
    for sentence in split_sentences(text):
        assert sentence in text


# ------------------------------------------------------- built from real SQuAD


@needs_squad
def test_pairs_are_deterministic_for_a_seed(squad_sample: SquadData, pairs: list[SupportPair]) -> None:
    assert build_support_pairs(squad_sample, n=240, seed=9) == pairs
    assert build_support_pairs(squad_sample, n=240, seed=10) != pairs


@needs_squad
def test_pairs_are_balanced_and_cover_every_kind(pairs: list[SupportPair]) -> None:
    assert len(pairs) == 240
    assert sum(p.supported for p in pairs) == 120
    kinds = Counter(p.kind for p in pairs)
    assert set(kinds) == set(KINDS)
    for kind in UNSUPPORTED_KINDS:
        assert kinds[kind] == 30  # 120 unsupported spread evenly over four kinds
    assert kinds["verbatim"] + kinds["paraphrase"] == 120
    assert kinds["paraphrase"] >= 30  # paraphrases are scarcer; verbatim tops up, within reason
    assert all(p.supported == (p.kind in SUPPORTED_KINDS) for p in pairs)
    assert len({(p.sentence, p.passage) for p in pairs}) == len(pairs)


@needs_squad
def test_verbatim_sentences_appear_in_their_passage(pairs: list[SupportPair], squad_sample: SquadData) -> None:
    verbatim = [p for p in pairs if p.kind == "verbatim"]
    assert verbatim
    for pair in verbatim:
        assert pair.sentence in pair.passage
        assert pair.source_id is not None and squad_sample.document(pair.source_id)[2] == pair.passage


@needs_squad
def test_unsupported_sentences_never_appear_in_their_passage(pairs: list[SupportPair]) -> None:
    for pair in pairs:
        if not pair.supported:
            assert pair.sentence not in pair.passage, pair


@needs_squad
def test_number_changed_differs_from_a_passage_sentence_only_in_one_number(pairs: list[SupportPair]) -> None:
    number_words = r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"

    def masked(text: str) -> str:
        text = re.sub(r"\d[\d,]*(?:\.\d+)?", "#", text)
        return re.sub(rf"\b(?:{number_words})\b", "#", text, flags=re.IGNORECASE)

    changed = [p for p in pairs if p.kind == "number_changed"]
    assert changed
    for pair in changed:
        assert pair.sentence not in pair.passage
        originals = [s for s in split_sentences(pair.passage) if masked(s) == masked(pair.sentence)]
        assert originals, pair.sentence
        # The changed number itself is absent from the passage.
        new_numbers = set(re.findall(r"\d[\d,]*(?:\.\d+)?", pair.sentence)) - set(
            re.findall(r"\d[\d,]*(?:\.\d+)?", originals[0]))
        for number in new_numbers:
            assert not re.search(rf"(?<![\d.,]){re.escape(number.rstrip(',.'))}(?!\d)", pair.passage)


@needs_squad
def test_negated_sentences_are_a_passage_sentence_plus_not(pairs: list[SupportPair]) -> None:
    negated = [p for p in pairs if p.kind == "negated"]
    assert negated
    for pair in negated:
        assert " not " in pair.sentence
        restored = [pair.sentence[:m.start()] + pair.sentence[m.end():]
                    for m in re.finditer(r" not(?= )", pair.sentence)]
        assert any(r in pair.passage for r in restored), pair.sentence


@needs_squad
def test_paraphrases_only_drop_words_from_a_passage_sentence(pairs: list[SupportPair]) -> None:
    paraphrases = [p for p in pairs if p.kind == "paraphrase"]
    assert paraphrases
    for pair in paraphrases:
        sources = [s for s in split_sentences(pair.passage) if _is_subsequence(_words(pair.sentence), _words(s))]
        assert sources, pair.sentence
        assert all(pair.sentence != s for s in sources)
        assert len(_words(pair.sentence)) < len(_words(sources[0]))
        assert pair.sentence[0].isupper() or not pair.sentence[0].isalpha()


@needs_squad
def test_entity_swaps_and_other_paragraph_sentences_come_from_elsewhere(
        pairs: list[SupportPair], squad_sample: SquadData) -> None:
    article_of_sentence = {
        s: article_key(doc_id) for doc_id, _, text in squad_sample.documents for s in split_sentences(text)
    }
    for pair in pairs:
        assert pair.source_id is not None
        if pair.kind == "other_paragraph":
            assert pair.sentence in article_of_sentence
            assert article_of_sentence[pair.sentence] != article_key(pair.source_id)
        if pair.kind == "entity_swapped":
            new_words = set(_words(pair.sentence)) - set(_words(pair.passage))
            assert new_words, pair.sentence  # the swapped-in name is not in the passage


# ------------------------------------------------------------ small synthetic


def test_small_data_still_gives_balanced_pairs() -> None:
    texts = {
        "squad/a/000": "The Rhine flows through Basel and Cologne. It was navigable in 1850 for large ships.",
        "squad/b/000": "Warsaw is the capital of Poland. Its old town was rebuilt after 1945 by Polish architects.",
        "squad/c/000": "Oxygen was discovered by Carl Scheele. The element is found in water and in the air.",
    }
    documents = [(doc_id, doc_id, text) for doc_id, text in texts.items()]
    items = [
        EvalItem("qa", "When navigable?", ("1850",), texts["squad/a/000"], True, "squad/a/000", "squad/a/000"),
        EvalItem("qb", "Rebuilt when?", ("1945",), texts["squad/b/000"], True, "squad/b/000", "squad/b/000"),
        EvalItem("qc", "Who discovered it?", ("Carl Scheele",), texts["squad/c/000"], True, "squad/c/000",
                 "squad/c/000"),
    ]
    pairs = build_support_pairs(SquadData(items, documents), n=40, seed=0)
    assert 0 < len(pairs) < 40
    assert sum(p.supported for p in pairs) * 2 == len(pairs)
    negated = {p.sentence for p in pairs if p.kind == "negated"}
    assert negated <= {"It was not navigable in 1850 for large ships.",
                       "Its old town was not rebuilt after 1945 by Polish architects.",
                       "Oxygen was not discovered by Carl Scheele."}
    with pytest.raises(ValueError, match="n must be >= 0"):
        build_support_pairs(SquadData(items, documents), n=-1, seed=0)


def _seed(sentence: str, passage: str | None = None) -> _Seed:
    return _Seed(sentence, passage or sentence, "squad/a/000", "squad/a")


@pytest.mark.parametrize(
    ("sentence", "negated"),
    [
        ("The city was founded in 1200 by traders.", "The city was not founded in 1200 by traders."),
        ("The river has been dammed in many places.", "The river has not been dammed in many places."),
        # "has" as a main verb is skipped; the next auxiliary is used.
        ("The city has a port that was built in 1890.", "The city has a port that was not built in 1890."),
        # "was not only X" would still assert X.
        ("He was only a general of the army.", None),
        ("The city was never rebuilt after the war.", None),  # already negated
        ("Traders founded the city in 1200 on the river.", None),  # no auxiliary
    ],
)
def test_negation_rule(sentence: str, negated: str | None) -> None:
    assert _negated(_seed(sentence)) == negated


@pytest.mark.parametrize(
    ("sentence", "paraphrase"),
    [
        ("In 1066, the Normans conquered England after a battle.", "The Normans conquered England after a battle."),
        ("The Normans (from Normandy) conquered England after a battle.",
         "The Normans conquered England after a battle."),
        ("The Normans, who came from Normandy, conquered England in 1066.",
         "The Normans conquered England in 1066."),
        ("If T(n) is a polynomial in n, the algorithm is polynomial.", None),  # notation, no aside
        ("If it rains, the Normans will conquer England.", None),  # a condition is not droppable
    ],
)
def test_paraphrase_rule(sentence: str, paraphrase: str | None) -> None:
    assert _paraphrase(_seed(sentence)) == paraphrase


def test_entity_swap_takes_names_from_other_articles_only() -> None:
    documents = [
        ("squad/a/000", "A", "The river flows past Basel before reaching the sea."),
        ("squad/a/001", "A", "Tourists visit Geneva and Lausanne every summer in large numbers."),
        ("squad/b/000", "B", "The capital city of the country is Warsaw on the river."),
    ]
    data = SquadData([], documents)
    pools = _pools(data)
    seed = _Seed(documents[0][2], documents[0][2], "squad/a/000", "squad/a")
    swapped = {_entity_swapped(seed, random.Random(i), pools) for i in range(30)}
    assert swapped == {"The river flows past Warsaw before reaching the sea."}


# ---------------------------------------------------------------- evaluation


LABELLED = [
    SupportPair("a", "a b", True, "verbatim"),
    SupportPair("b", "a b", True, "paraphrase"),
    SupportPair("c", "a b", False, "negated"),
    SupportPair("d", "a b", False, "other_paragraph"),
    SupportPair("e", "a b", False, "other_paragraph"),
]


def test_evaluate_scorer_reports_balanced_and_per_kind_accuracy() -> None:
    always_yes = evaluate_scorer(LABELLED, lambda sentence, passage: True)
    assert always_yes["balanced_accuracy"] == 0.5
    assert always_yes["accuracy"] == pytest.approx(2 / 5)
    assert always_yes["by_kind"]["verbatim"] == {"n": 1, "accuracy": 1.0}
    assert always_yes["by_kind"]["other_paragraph"] == {"n": 2, "accuracy": 0.0}

    substring = evaluate_scorer(LABELLED, lambda sentence, passage: sentence in passage)
    assert substring["balanced_accuracy"] == 1.0 and substring["n"] == 5

    empty = evaluate_scorer([], lambda sentence, passage: True)
    assert empty["balanced_accuracy"] is None and empty["accuracy"] is None


def test_pairs_jsonl_round_trip_and_errors(tmp_path: Path) -> None:
    path = write_pairs_jsonl(LABELLED, tmp_path / "pairs" / "set.jsonl")
    assert load_pairs_jsonl(path) == LABELLED

    bad = tmp_path / "bad.jsonl"
    rows = [LABELLED[0].to_dict(), {**LABELLED[2].to_dict(), "supported": True}]
    bad.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.jsonl:2: field 'supported' is True but kind 'negated'"):
        load_pairs_jsonl(bad)
    bad.write_text(json.dumps({**LABELLED[0].to_dict(), "sentence": ""}) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.jsonl:1: field 'sentence' must be a non-empty string"):
        load_pairs_jsonl(bad)
