"""rag.eval.datasets: the JSONL format, the SQuAD 2.0 adapter, seeded samples and corpus files."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from rag.eval.datasets import (
    EvalItem,
    SquadData,
    article_key,
    load_jsonl,
    load_squad,
    sample_squad,
    slugify,
    write_corpus,
    write_jsonl,
)
from tests.shared_data import SQUAD_DEV, needs_squad

VALID = {"id": "q1", "question": "Where is Normandy?", "answers": ["France"],
         "evidence": "Normandy, a region in France.", "answerable": True, "source": "normans.txt"}
UNANSWERABLE = {"id": "q2", "question": "Who ruled Mars?", "answers": [], "evidence": None, "answerable": False}


def write_lines(path: Path, objects: list[Any]) -> Path:
    path.write_text("".join((o if isinstance(o, str) else json.dumps(o)) + "\n" for o in objects),
                    encoding="utf-8")
    return path


# ----------------------------------------------------------------- JSONL format


def test_jsonl_round_trip(tmp_path: Path) -> None:
    items = [
        EvalItem.from_dict(VALID),
        EvalItem.from_dict(UNANSWERABLE),
        EvalItem(id="q3", question="Which?", answers=["a", "b"], evidence=["p1", "p2"],
                 answerable=True, context_id="c1"),
    ]
    path = write_jsonl(items, tmp_path / "sub" / "set.jsonl")
    assert load_jsonl(path) == items
    first = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    assert first == VALID
    assert items[2].evidence == ("p1", "p2") and items[2].evidence_texts == ["p1", "p2"]
    assert items[1].evidence_texts == []


def test_blank_lines_are_skipped_but_counted(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "set.jsonl", [VALID, "", {**VALID, "id": "q1", "answers": "France"}])
    with pytest.raises(ValueError) as err:
        load_jsonl(path)
    assert str(err.value) == f"{path}:3: field 'answers' must be a list of strings"


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({**VALID, "answers": "France"}, "field 'answers' must be a list of strings"),
        ({**VALID, "answers": ["France", 3]}, "field 'answers' must be a list of strings"),
        ({k: v for k, v in VALID.items() if k != "question"}, "field 'question' is missing"),
        ({**VALID, "id": ""}, "field 'id' must be a non-empty string"),
        ({**VALID, "id": 7}, "field 'id' must be a non-empty string"),
        ({**VALID, "evidence": 5}, "field 'evidence' must be a string, a list of strings or null"),
        ({**VALID, "answerable": "yes"}, "field 'answerable' must be true or false"),
        ({**VALID, "source": 1}, "field 'source' must be a string or null"),
        ({**VALID, "answer": ["x"]}, "field 'answer' is not known"),
        ({**UNANSWERABLE, "answers": ["x"]}, "field 'answers' must be [] when 'answerable' is false"),
        ({**UNANSWERABLE, "evidence": "text"}, "field 'evidence' must be null when 'answerable' is false"),
        ({**VALID, "answers": [], "evidence": None}, "field 'answers' is empty"),
        ([1, 2], "expected a JSON object"),
    ],
)
def test_invalid_lines_name_file_line_and_field(tmp_path: Path, bad: Any, message: str) -> None:
    path = write_lines(tmp_path / "set.jsonl", [UNANSWERABLE, bad])
    with pytest.raises(ValueError) as err:
        load_jsonl(path)
    assert str(err.value).startswith(f"{path}:2: {message}")


def test_invalid_json_names_the_line(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "set.jsonl", [VALID, '{"id": "q9",'])
    with pytest.raises(ValueError, match=r"set\.jsonl:2: invalid JSON"):
        load_jsonl(path)


def test_duplicate_ids_are_rejected_naming_both_lines(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "set.jsonl", [VALID, UNANSWERABLE, {**VALID, "question": "Again?"}])
    with pytest.raises(ValueError) as err:
        load_jsonl(path)
    assert str(err.value) == (f"{path}:3: field 'id' repeats 'q1' (first on line 1); ids must be unique")


# ---------------------------------------------------------------- SQuAD adapter


def tiny_squad(path: Path) -> Path:
    def paragraph(context: str, qas: list[dict[str, Any]]) -> dict[str, Any]:
        return {"context": context, "qas": qas}

    def qa(qid: str, question: str, answers: list[str], impossible: bool = False) -> dict[str, Any]:
        return {"id": qid, "question": question, "is_impossible": impossible,
                "answers": [{"text": a, "answer_start": 0} for a in answers]}

    data = {"version": "v2.0", "data": [
        {"title": "Sky_(United_Kingdom)", "paragraphs": [
            paragraph("Sky plc is a broadcaster. It was founded in 1990.",
                      [qa("a1", "When was Sky founded?", ["1990", "1990", "in 1990"]),
                       qa("a2", "Who owns the Moon?", [], impossible=True)]),
            paragraph("Sky Q launched in 2016.", [qa("a3", "When did Sky Q launch?", ["2016"])]),
        ]},
        {"title": "Fresno,_California", "paragraphs": [
            paragraph("Fresno is a city in California.", [qa("b1", "Where is Fresno?", ["California"])]),
        ]},
    ]}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_load_squad_builds_paragraph_documents_and_items(tmp_path: Path) -> None:
    data = load_squad(tiny_squad(tmp_path / "tiny.json"))
    assert data.documents == [
        ("squad/sky-united-kingdom/000", "Sky (United Kingdom) (¶1)",
         "Sky plc is a broadcaster. It was founded in 1990."),
        ("squad/sky-united-kingdom/001", "Sky (United Kingdom) (¶2)", "Sky Q launched in 2016."),
        ("squad/fresno-california/000", "Fresno, California (¶1)", "Fresno is a city in California."),
    ]
    by_id = {item.id: item for item in data.items}
    assert [item.id for item in data.items] == ["a1", "a2", "a3", "b1"]
    assert by_id["a1"] == EvalItem(
        id="a1", question="When was Sky founded?", answers=("1990", "in 1990"),
        evidence="Sky plc is a broadcaster. It was founded in 1990.", answerable=True,
        source="squad/sky-united-kingdom/000", context_id="squad/sky-united-kingdom/000")
    assert by_id["a2"] == EvalItem(
        id="a2", question="Who owns the Moon?", answers=(), evidence=None, answerable=False,
        source=None, context_id="squad/sky-united-kingdom/000")
    assert data.articles == ["squad/sky-united-kingdom", "squad/fresno-california"]
    assert data.document("squad/fresno-california/000")[1] == "Fresno, California (¶1)"
    with pytest.raises(KeyError, match="squad/nope/000"):
        data.document("squad/nope/000")


def test_load_squad_items_survive_the_jsonl_format(tmp_path: Path) -> None:
    data = load_squad(tiny_squad(tmp_path / "tiny.json"))
    assert load_jsonl(write_jsonl(data.items, tmp_path / "squad.jsonl")) == data.items


def test_load_squad_rejects_a_file_without_data(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"version": "v2.0"}', encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.json: not a SQuAD file"):
        load_squad(path)


def test_slugify() -> None:
    assert slugify("Sky_(United_Kingdom)") == "sky-united-kingdom"
    assert slugify("1973_oil_crisis") == "1973-oil-crisis"
    assert slugify("Île-de-France") == "ile-de-france"
    assert article_key("squad/normans/012") == "squad/normans"


@needs_squad
def test_real_squad_dev_counts() -> None:
    data = load_squad(SQUAD_DEV)
    assert len(data.articles) == 35
    assert len(data.documents) == 1204
    assert len(data.items) == 11873
    assert sum(not item.answerable for item in data.items) == 5945
    assert len({doc_id for doc_id, _, _ in data.documents}) == 1204
    assert data.documents[0][:2] == ("squad/normans/000", "Normans (¶1)")
    for item in data.items:
        assert item.context_id is not None
        if item.answerable:
            assert item.source == item.context_id
            assert isinstance(item.evidence, str)
            assert all(answer in item.evidence for answer in item.answers)
        else:
            assert item.answers == () and item.evidence is None and item.source is None


# ------------------------------------------------------------------- sampling


def synthetic_squad(n_articles: int = 8, paragraphs: int = 30, questions: int = 4) -> SquadData:
    documents = []
    items = []
    for a in range(n_articles):
        for p in range(paragraphs):
            doc_id = f"squad/art{a}/{p:03d}"
            documents.append((doc_id, f"Art {a} (¶{p + 1})", f"Paragraph {p} of article {a}."))
            for q in range(questions):
                answerable = q % 3 != 0  # 2 of 3 answerable: sampling must rebalance
                items.append(EvalItem(
                    id=f"{a}-{p}-{q}", question=f"Question {q}?", answers=("x",) if answerable else (),
                    evidence=f"Paragraph {p} of article {a}." if answerable else None,
                    answerable=answerable, source=doc_id if answerable else None, context_id=doc_id))
    return SquadData(items=items, documents=documents)


def test_sample_is_deterministic_and_depends_on_the_seed() -> None:
    data = synthetic_squad()
    first = sample_squad(data, 60, seed=11)
    again = sample_squad(data, 60, seed=11)
    assert first == again
    assert [i.id for i in sample_squad(data, 60, seed=12).items] != [i.id for i in first.items]


def test_sample_keeps_whole_articles_and_balances_questions() -> None:
    data = synthetic_squad()
    sample = sample_squad(data, 61, seed=5)
    chosen = set(sample.articles)
    # Default: articles are added until there are >= 100 paragraphs (30 each -> 4 articles).
    assert len(chosen) == 4 and len(sample.documents) == 120
    assert sample.documents == [d for d in data.documents if article_key(d[0]) in chosen]
    assert len(sample.items) == len({i.id for i in sample.items}) == 61
    assert Counter(i.answerable for i in sample.items) == {True: 31, False: 30}
    corpus_ids = {d[0] for d in sample.documents}
    assert all(item.context_id in corpus_ids for item in sample.items)
    order = [i.id for i in data.items]
    assert [i.id for i in sample.items] == sorted((i.id for i in sample.items), key=order.index)


def test_sample_with_explicit_articles_and_top_up_when_one_group_is_short() -> None:
    data = synthetic_squad(paragraphs=5, questions=3)  # per article: 10 answerable, 5 not
    sample = sample_squad(data, 14, seed=1, n_articles=1)
    assert len(sample.articles) == 1 and len(sample.documents) == 5
    assert Counter(i.answerable for i in sample.items) == {False: 5, True: 9}


def test_sample_errors_name_the_limit() -> None:
    data = synthetic_squad(paragraphs=2)
    with pytest.raises(ValueError, match="n_articles must be between 1 and 8"):
        sample_squad(data, 4, seed=0, n_articles=9)
    with pytest.raises(ValueError, match="hold only 8 questions"):
        sample_squad(data, 9, seed=0, n_articles=1)


@needs_squad
def test_real_sample_default_corpus_size() -> None:
    data = load_squad(SQUAD_DEV)
    for seed in range(5):
        sample = sample_squad(data, 200, seed=seed)
        assert 100 <= len(sample.documents) <= 200
        assert Counter(i.answerable for i in sample.items) == {True: 100, False: 100}
    assert sample_squad(data, 200, seed=3) == sample_squad(data, 200, seed=3)


# --------------------------------------------------------------- corpus files


def test_write_corpus_writes_text_and_sidecar(tmp_path: Path) -> None:
    docs = [("squad/normans/000", "Normans (¶1)", "The Normans were a people.\nO\n2 stays as is."),
            ("weird id: é/ü?", "Odd", "Text.")]
    paths = write_corpus(docs, tmp_path / "corpus")
    assert list(paths) == ["squad/normans/000", "weird id: é/ü?"]
    normans = paths["squad/normans/000"]
    assert normans == tmp_path / "corpus" / "squad__normans__000.txt"
    assert normans.read_text(encoding="utf-8") == docs[0][2]
    meta = json.loads((tmp_path / "corpus" / "squad__normans__000.txt.meta.json").read_text(encoding="utf-8"))
    assert meta == {"title": "Normans (¶1)", "source_id": "squad/normans/000"}
    odd = paths["weird id: é/ü?"].name
    assert odd.endswith(".txt") and all(c.isascii() and (c.isalnum() or c in "._-") for c in odd)
    # Stable: writing again gives the same names.
    assert write_corpus(docs, tmp_path / "again") == {k: tmp_path / "again" / v.name for k, v in paths.items()}


def test_write_corpus_rejects_ids_that_collide(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="both map to file"):
        write_corpus([("a/b", "T", "x"), ("a__b", "T", "y")], tmp_path)
    with pytest.raises(ValueError, match="appears twice"):
        write_corpus([("a", "T", "x"), ("a", "T", "y")], tmp_path / "dup")


def test_write_corpus_long_ids_get_short_unique_names(tmp_path: Path) -> None:
    long_a, long_b = "x" * 300 + "a", "x" * 300 + "b"
    paths = write_corpus([(long_a, "A", "a"), (long_b, "B", "b")], tmp_path)
    assert paths[long_a] != paths[long_b]
    assert all(len(p.name) < 140 for p in paths.values())


def test_written_corpus_titles_reach_the_library_loader(tmp_path: Path) -> None:
    load = pytest.importorskip("rag.load")
    paths = write_corpus([("squad/normans/000", "Normans (¶1)", "The Normans were the people who in the "
                           "10th and 11th centuries gave their name to Normandy, a region in France.")], tmp_path)
    doc = load.load_document(paths["squad/normans/000"])
    assert doc.title == "Normans (¶1)"
    assert "gave their name to Normandy" in doc.text
