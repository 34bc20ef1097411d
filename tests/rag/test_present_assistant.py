"""What an Assistant hands back: gapless citation numbers on every path (ask, stream, to_dict)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rag.assistant import Assistant
from rag.testing import FakeEmbedder, scripted_chat_model

ARTICLES = {
    "etna.txt": ("Mount Etna Eruption", "Mount Etna erupted on 21 May 2023 in Sicily. Lava flows reached the "
                 "village of Zafferana within two days."),
    "coffee.txt": ("Coffee Harvest in Colombia", "Colombian coffee farmers harvested 12 million bags in 2022. "
                   "Heavy rains in Antioquia damaged many plantations."),
    "chess.txt": ("Chess Championship in Astana", "Ding Liren won the World Chess Championship in Astana in "
                  "April 2023. He defeated Ian Nepomniachtchi in rapid tiebreaks."),
    "whales.txt": ("Humpback Whales Return", "Humpback whales returned to the Hudson River estuary in 2021. "
                   "Marine biologists counted 32 individual whales near New York."),
    "bridge.txt": ("Harbour Bridge Repairs", "Engineers began repainting the Sydney Harbour Bridge in 2019. "
                   "The project uses 30,000 litres of paint."),
}


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("present")
    (root / "docs").mkdir()
    for name, (title, body) in ARTICLES.items():
        (root / "docs" / name).write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    report = Assistant(index_dir=root / "index", embedder=FakeEmbedder()).ingest([root / "docs"], progress=False)
    assert report.ok
    return root / "index"


def chat_assistant(index_dir: Path, reply: str) -> Assistant:
    return Assistant(index_dir=index_dir, embedder=FakeEmbedder(), chat_model=scripted_chat_model([reply]),
                     backend="openai", llm_model="scripted", llm_base_url="http://127.0.0.1:9/v1",
                     min_similarity=0.0, k=5)


def reply_citing(assistant: Assistant, question: str, ranks: list[int]) -> str:
    """A model reply quoting the passages at ``ranks`` (retrieval order), each cited by its rank."""
    passages = assistant.retrieve(question, k=5)
    return " ".join(f"{passages[r - 1].chunk.text.split('. ')[0].rstrip('.')} [{r}]." for r in ranks)


def markers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\[(\d+)\]", text)]


# ------------------------------------------------------------------ numbering
def test_answer_numbers_its_citations_1_to_n_in_reading_order(index: Path) -> None:
    question = "When did Mount Etna erupt?"
    probe = chat_assistant(index, "")
    assistant = chat_assistant(index, reply_citing(probe, question, [4, 2, 4]))

    answer = assistant.ask(question)

    assert not answer.refused
    assert markers(answer.answer) == [1, 2, 1]
    assert [c.id for c in answer.citations] == [1, 2]
    assert [c.rank for c in answer.citations] == [4, 2]
    for c in answer.citations:  # the rank still points at the passage retrieved there
        assert answer.passages[c.rank - 1].chunk.id == c.chunk_id
    data = answer.to_dict()
    assert [c["id"] for c in data["citations"]] == [1, 2]
    assert [s["citations"] for s in data["sentences"]] == [[1], [2], [1]]
    assert {q["citation"] for s in data["sentences"] for q in s["quotes"]} == {1, 2}
    assert [data["retrieved"][c["rank"] - 1]["chunk_id"] for c in data["citations"]] == \
        [c["chunk_id"] for c in data["citations"]]


def test_streamed_markers_agree_with_the_final_sources(index: Path) -> None:
    question = "When did Mount Etna erupt?"
    probe = chat_assistant(index, "")
    assistant = chat_assistant(index, reply_citing(probe, question, [5, 3, 5]))

    *pieces, final = list(assistant.stream(question))

    streamed = "".join(str(p) for p in pieces)
    assert markers(streamed) == markers(final.answer) == [1, 2, 1]
    assert {c.id for c in final.citations} == {1, 2}


def test_extractive_answers_have_no_gaps_on_ask_and_stream(index: Path) -> None:
    assistant = Assistant(index_dir=index, embedder=FakeEmbedder(), min_similarity=0.0)
    for question in ("When did Mount Etna erupt?", "What happened to coffee and whales in 2021 and 2022?"):
        answer = assistant.ask(question)
        *pieces, streamed_final = list(assistant.stream(question))
        if answer.refused:
            continue
        ids = [c.id for c in answer.citations]
        assert ids == list(range(1, len(ids) + 1))
        assert list(dict.fromkeys(markers(answer.answer))) == ids  # first use in reading order
        assert markers("".join(str(p) for p in pieces)) == markers(streamed_final.answer) == markers(answer.answer)
