"""The same article stored twice (saved in two folders, or a folder copied) is one source: its copies' chunks tie in
every search, and before retrieval kept one copy they filled the passages twice over with the same text and split
one article into two documents (four blind sets indexed twice: key-point recall 0.664 -> 0.582, eval/README.md,
"Thirty-first round"). The copy that ranks first is the one cited."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from rag.assistant import Assistant

pytestmark = pytest.mark.integration

SET = Path(__file__).resolve().parents[2] / "eval" / "dev" / "blind" / "news_a"
ARTICLES = ("port_strike_news.txt", "port_strike_analysis.txt", "railway_cyberattack_news.txt")


def _assistant(root: Path, copies: int, embedder: Any) -> Assistant:
    for n in range(copies):
        folder = root / "corpus" / f"copy{n}"
        folder.mkdir(parents=True)
        for name in ARTICLES:
            shutil.copy(SET / "corpus" / name, folder / name)
    a = Assistant(index_dir=root / "index", embedder=embedder)
    assert a.ingest([root / "corpus"], progress=False).ok
    return a


@pytest.fixture(scope="module")
def once(tmp_path_factory: pytest.TempPathFactory, real_embedder: Any) -> Assistant:
    return _assistant(tmp_path_factory.mktemp("once"), 1, real_embedder)


@pytest.fixture(scope="module")
def twice(tmp_path_factory: pytest.TempPathFactory, real_embedder: Any) -> Assistant:
    return _assistant(tmp_path_factory.mktemp("twice"), 2, real_embedder)


def _questions() -> list[str]:
    rows = [json.loads(line) for line in (SET / "questions.jsonl").read_text(encoding="utf-8").splitlines()]
    return [r["question"] for r in rows if r.get("source") and f"{r['source']}.txt" in ARTICLES][:8]


def test_the_questions_cover_the_copied_articles() -> None:
    assert len(_questions()) >= 4


@pytest.mark.parametrize("question", _questions())
def test_a_second_copy_of_an_article_changes_no_passage_and_no_answer(once: Assistant, twice: Assistant,
                                                                      question: str) -> None:
    passages = twice.retrieve(question)
    texts = [p.chunk.text for p in passages]
    assert len(texts) == len(set(texts)), "one passage twice"
    assert len({Path(p.chunk.source).parent.name for p in passages
                if Path(p.chunk.source).name == Path(passages[0].chunk.source).name}) == 1
    alone, copied = once.ask(question), twice.ask(question)
    assert copied.refused == alone.refused
    assert [Path(c.source).name for c in copied.citations] == [Path(c.source).name for c in alone.citations]
    assert _unnumbered(copied.answer) == _unnumbered(alone.answer)


def _unnumbered(answer: str) -> str:
    return re.sub(r"\s*\[\d+\]", "", answer)
