"""What an Assistant hands back: gapless citation numbers on every path (ask, stream, to_dict),
and refusals that list an article's renderings (.pdf, .html, .txt) once."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from rag.assistant import Assistant, _related
from rag.paths import public_answer
from rag.records import Chunk, Passage
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


# ------------------------------------------------------------------ closest documents
def passage(source: str, title: str, text: str, similarity: float) -> Passage:
    chunk = Chunk(id=source, source=source, title=title, text=text, start=0, end=len(text), index=0)
    return Passage(chunk=chunk, score=similarity, similarity=similarity)


ARTICLE = "Azerbaijani forces attacked military and civilian infrastructure in three Armenian provinces."


def test_renderings_of_one_article_are_one_closest_document() -> None:
    related = _related([
        passage("/c/a/000_x.txt", "000 x", ARTICLE, 0.40),
        passage("/c/a/000_x.html", "Azerbaijan's offensive", "An unrelated part of the same article.", 0.35),
        passage("/c/a/000_x.pdf", "Azerbaijan's offensive", ARTICLE, 0.30),
        passage("/c/b/budget.txt", "Budget 2023", "The budget grew by four percent.", 0.20),
    ])

    assert [r.source for r in related] == ["/c/a/000_x.txt", "/c/b/budget.txt"]
    assert related[0].other_sources == ("/c/a/000_x.html", "/c/a/000_x.pdf")
    assert related[0].formats == ("txt", "html", "pdf")
    assert related[0].title == "Azerbaijan's offensive"  # not the title made of the file name
    assert related[0].score == pytest.approx(0.40)
    assert related[0].to_dict()["formats"] == ["txt", "html", "pdf"]


def test_same_title_alone_does_not_hide_a_different_document() -> None:
    related = _related([
        passage("/c/2022/annual-report.pdf", "Annual report", "Revenue fell in 2022 after the war began.", 0.5),
        passage("/c/2023/annual-report.pdf", "Annual report", "Staff numbers doubled in 2023 in Yerevan.", 0.4),
        passage("/c/web/annual.html", "Annual report", "Revenue fell in 2022 after the war began.", 0.3),
    ])

    # Same stem in another folder, or same title with other text: separate; same title and text: one.
    assert [(r.source, r.other_sources) for r in related] == [
        ("/c/2022/annual-report.pdf", ("/c/web/annual.html",)), ("/c/2023/annual-report.pdf", ())]


def test_closest_documents_count_articles_not_files() -> None:
    files = [passage(f"/c/{name}.{ext}", name, f"text of {name}", 0.9 - i / 10)
             for i, (name, ext) in enumerate([("a", "pdf"), ("a", "txt"), ("b", "pdf"), ("b", "html"),
                                               ("c", "txt"), ("d", "txt")])]
    assert [r.source for r in _related(files)] == ["/c/a.pdf", "/c/b.pdf", "/c/c.txt"]


def test_a_refusal_on_a_real_index_lists_the_article_once(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    body = "Mount Etna erupted on 21 May 2023 in Sicily. Lava flows reached Zafferana within two days."
    (docs / "etna.txt").write_text(f"Mount Etna Eruption\n\n{body}\n", encoding="utf-8")
    (docs / "etna.md").write_text(f"# Mount Etna Eruption\n\n{body}\n", encoding="utf-8")
    (docs / "chess.txt").write_text("Chess in Astana\n\nDing Liren won in Astana in April 2023.\n", encoding="utf-8")
    assistant = Assistant(index_dir=tmp_path / "index", embedder=FakeEmbedder(), min_similarity=0.99)
    assert assistant.ingest([docs], progress=False).ok

    answer = assistant.ask("What is the population of Reykjavik?")

    assert answer.refused
    etna = [r for r in answer.related if Path(r.source).stem == "etna"]
    assert len(etna) == 1 and sorted(etna[0].formats) == ["md", "txt"]
    assert any(Path(r.source).stem == "chess" for r in answer.related)


def test_public_answer_hides_the_server_path_of_other_renderings() -> None:
    data = {"related": [{"source": "/srv/corpus/a/x.pdf", "title": "X", "score": 0.3,
                         "other_sources": ["/srv/corpus/a/x.txt", "/home/alice/x.html"], "formats": ["pdf"]}]}
    shown = public_answer(data, "/srv/corpus")["related"][0]
    assert shown["source"] == "a/x.pdf"
    assert shown["other_sources"][0] == "a/x.txt"
    assert shown["other_sources"][1].startswith("doc-") and "alice" not in shown["other_sources"][1]


def test_rag_ask_prints_an_article_once_naming_its_other_files() -> None:
    import io

    from rag.cli import _print_answer
    from rag.records import REFUSAL, Answer, RelatedDocument

    answer = Answer(question="q", answer=REFUSAL, refused=True, related=(
        RelatedDocument("/elsewhere/a/x.pdf", "X", 0.3, other_sources=("/elsewhere/a/x.txt",)),))
    out = io.StringIO()
    _print_answer(answer, out)
    lines = [line for line in out.getvalue().splitlines() if line.startswith("  - ")]
    assert lines == ["  - X (/elsewhere/a/x.pdf; also /elsewhere/a/x.txt)"]


def test_the_eval_grades_each_sentence_against_the_passage_it_cites(index: Path) -> None:
    from rag.eval.datasets import EvalItem
    from rag.eval.runner import score_answer

    question = "When did Mount Etna erupt?"
    probe = chat_assistant(index, "")
    answer = chat_assistant(index, reply_citing(probe, question, [4, 2])).ask(question)
    graded: list[tuple[str, list[str]]] = []

    def support(sentence: str, passages: Any) -> bool:
        graded.append((sentence, list(passages)))
        return True

    item = EvalItem(id="q1", question=question, answers=("2023",), evidence=None, answerable=True)
    score_answer(item, answer, k=5, support=support, latency_s=0.0)

    # Each sentence quotes the passage it cites: the eval must hand that passage to the judge.
    for sentence, passages in graded:
        if len(passages) == 1:
            assert sentence.rstrip(".") in passages[0]
    assert {p for _, ps in graded for p in ps} == {answer.passages[3].chunk.text, answer.passages[1].chunk.text}


def test_a_refusal_keeps_its_failed_sentences_citing_passages_by_rank(index: Path) -> None:
    # No citations are listed for a refusal, so its sentences' numbers must name retrieved passages.
    answer = chat_assistant(index, "Bananas grow on the moon in winter [4]. Penguins fly to Mars [2].").ask(
        "When did Mount Etna erupt?")

    assert answer.refused and not answer.citations
    assert [s.citations for s in answer.sentences] == [(4,), (2,)]
    assert all(1 <= n <= len(answer.passages) for s in answer.sentences for n in s.citations)
