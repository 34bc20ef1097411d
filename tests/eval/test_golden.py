"""The golden set for the sample article: valid, grounded in the article's own words, and (slow) passing."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from rag.eval.datasets import load_jsonl
from rag.eval.metrics import alias_containment
from rag.load import load_document

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "eval" / "golden" / "sample.jsonl"
THRESHOLDS = REPO / "eval" / "thresholds.toml"
STEM = "000_37ea4592f850c55e"
ARTICLE = REPO / "corpus" / "sample" / f"{STEM}.txt"


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def items() -> list[Any]:
    return load_jsonl(GOLDEN)


@pytest.fixture(scope="module")
def article() -> str:
    return _flat(load_document(ARTICLE).text)


def test_golden_set_loads_with_unique_ids_and_questions(items: list[Any]) -> None:
    ids = [i.id for i in items]
    assert len(ids) == len(set(ids))
    questions = Counter(i.question.casefold() for i in items)
    assert max(questions.values()) == 1
    answerable = [i for i in items if i.answerable]
    assert 45 <= len(items) <= 60
    assert 28 <= len(answerable) <= 36 and len(items) - len(answerable) >= 18


def test_golden_set_has_analytic_questions_with_verbatim_key_points(items: list[Any], article: str) -> None:
    analytic = [i for i in items if i.key_points]
    assert len(analytic) >= 10
    for item in analytic:
        assert 3 <= len(item.key_points) <= 6, item.id
        for point in item.key_points:
            assert _flat(point) in article, f"{item.id}: key point not verbatim in {ARTICLE.name}"


def test_answerable_evidence_is_verbatim_in_the_article(items: list[Any], article: str) -> None:
    for item in (i for i in items if i.answerable):
        assert item.source == STEM, item.id
        if item.key_points:  # analytic: the key points are the reference, there is no short answer
            continue
        assert item.answers, item.id
        assert item.evidence_texts, item.id
        for evidence in item.evidence_texts:
            assert _flat(evidence) in article, f"{item.id}: evidence not verbatim in {ARTICLE.name}"
        assert any(alias_containment(e, item.answers) for e in item.evidence_texts), (
            f"{item.id}: no reference answer occurs in its evidence")


def test_every_rendering_of_the_gold_document_exists() -> None:
    assert sorted(p.suffix for p in ARTICLE.parent.glob(f"{STEM}.*")) == [".html", ".pdf", ".txt"]


def test_unanswerable_items_have_no_evidence(items: list[Any]) -> None:
    for item in (i for i in items if not i.answerable):
        assert item.evidence is None and item.answers == () and item.source is None, item.id


def test_questions_cover_the_whole_article(items: list[Any], article: str) -> None:
    starts = sorted(article.index(_flat(e)) for i in items if i.answerable for e in i.evidence_texts)
    # From the opening paragraph to the closing one, with no stretch of a quarter of the text left out.
    assert starts[0] < 0.05 * len(article) and starts[-1] > 0.9 * len(article)
    assert max(b - a for a, b in zip(starts, starts[1:])) < 0.25 * len(article)
