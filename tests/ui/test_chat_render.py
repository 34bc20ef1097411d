"""Rendering of answers for the chat (issue 11): per-sentence quotes, gap-free numbers, invented citations."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from rag.citations import parse_answer, verify_answer
from rag.records import Chunk, Passage
from rag.ui.render import (
    answer_html,
    answer_with_footnotes,
    display_numbers,
    export_markdown,
    passage_html,
    sources_html,
)

PASSAGE = ("France, the US, Norway and Ireland condemned the strike within hours. "
           "The ceasefire itself was a product of American pressure on both sides.")


def _citation(n: int = 1, start: int = 100, text: str = PASSAGE) -> dict[str, Any]:
    return {"id": n, "source": "/c/a.txt", "title": "Truce", "page": None, "start": start,
            "end": start + len(text), "text": text, "quote": text[:20], "quote_start": start,
            "quote_end": start + 20}


def _two_sentences_one_passage() -> dict[str, Any]:
    first, second = PASSAGE.index("France"), PASSAGE.index("The ceasefire")
    q1 = {"citation": 1, "quote": PASSAGE[first:70], "quote_start": 100 + first, "quote_end": 100 + 70}
    q2 = {"citation": 1, "quote": PASSAGE[second:], "quote_start": 100 + second,
          "quote_end": 100 + len(PASSAGE)}
    return {"question": "q", "answer": "Four states condemned it [1]. US pressure made the ceasefire [1].",
            "refused": False, "citations": [_citation()], "invalid_citations": [],
            "sentences": [{"text": "Four states condemned it.", "citations": [1], "supported": True,
                           "support": 0.8, "quotes": [q1]},
                          {"text": "US pressure made the ceasefire.", "citations": [1], "supported": True,
                           "support": 0.8, "quotes": [q2]}]}


def test_verifier_gives_each_sentence_its_own_quote() -> None:
    chunk = Chunk(id="c1", source="/c/a.txt", title="Truce", text=PASSAGE, start=100, end=100 + len(PASSAGE),
                  index=0)
    parsed = parse_answer("France, the US, Norway and Ireland condemned the strike [1]. "
                          "The ceasefire was a product of American pressure [1].", n_passages=1)
    verified = verify_answer(parsed, [Passage(chunk=chunk, score=1.0)])
    quotes = [s.quotes for s in verified.sentences]
    assert [len(q) for q in quotes] == [1, 1]
    assert "condemned" in quotes[0][0].quote and "American pressure" not in quotes[0][0].quote
    assert "American pressure" in quotes[1][0].quote and "condemned" not in quotes[1][0].quote
    assert PASSAGE[quotes[1][0].quote_start - 100:quotes[1][0].quote_end - 100] == quotes[1][0].quote
    assert verified.sentences[0].to_dict()["quotes"][0]["citation"] == 1


def test_two_sentences_citing_one_passage_highlight_two_quotes() -> None:
    panel = sources_html([{"question": "q", "answer": _two_sentences_one_passage()}], None)
    assert panel.count("<mark>") == 2
    assert "<mark>France, the US" in panel and "<mark>The ceasefire itself" in panel


def test_passage_html_merges_overlapping_spans_and_ignores_outside_ones() -> None:
    citation = {"text": "abcdefghij", "start": 10}
    assert passage_html(citation, [(11, 14), (13, 16), (40, 50)]) == "a<mark>bcdef</mark>ghij"
    assert passage_html(citation, [(10, 12), (15, 17)]) == "<mark>ab</mark>cde<mark>fg</mark>hij"


def test_export_pairs_each_sentence_with_its_own_quote() -> None:
    md = export_markdown([{"question": "q", "answer": _two_sentences_one_passage()}],
                         now=datetime(2025, 1, 2, tzinfo=UTC))
    assert "Four states condemned it. [1]" in md and "US pressure made the ceasefire. [2]" in md
    bibliography = md.split("## Bibliography", 1)[1]
    first, second = bibliography.split("**[2]**")
    assert "France, the US" in first and "American pressure" not in first
    assert "American pressure" in second and "France" not in second


def test_citation_numbers_have_no_gaps_and_follow_reading_order() -> None:
    answer = {"question": "q", "answer": "A [4]. B [1].", "refused": False, "invalid_citations": [],
              "citations": [_citation(1, 0, "Bee text."), _citation(4, 50, "Ay text.")],
              "sentences": [{"text": "A.", "citations": [4], "supported": True},
                            {"text": "B.", "citations": [1], "supported": True}]}
    assert display_numbers(answer) == {4: 1, 1: 2}
    html = answer_html(answer)
    assert "A. [1]" in html and "B. [2]" in html and "[4]" not in html
    panel = sources_html([{"question": "q", "answer": answer}], None)
    assert panel.index("Ay text") < panel.index("Bee text") and "[4]" not in panel
    assert 'id="rag-cite-1"' in panel and 'id="rag-cite-2"' in panel


def test_an_invented_citation_is_named_not_dropped_silently() -> None:
    answer = {**_two_sentences_one_passage(), "invalid_citations": [7]}
    note = "the model cited passage [7], which does not exist"
    assert note in answer_html(answer).lower()
    assert note in sources_html([{"question": "q", "answer": answer}], None).lower()
    assert note in export_markdown([{"question": "q", "answer": answer}]).lower().replace("\\", "")


def test_the_same_article_as_txt_and_pdf_is_cited_once() -> None:
    txt = {**_citation(1), "source": "/c/truce.txt"}
    pdf = {**_citation(2, 0), "source": "/c/truce.pdf", "page": 3}
    other = {**_citation(3, 0, "A different article about harbour dues and grain."), "source": "/c/h.txt",
             "title": "Truce"}  # same title, other words: stays apart
    answer = {"question": "q", "answer": "", "refused": False, "invalid_citations": [],
              "citations": [txt, pdf, other],
              "sentences": [{"text": "A.", "citations": [1], "supported": True},
                            {"text": "B.", "citations": [2, 3], "supported": True}]}
    assert display_numbers(answer) == {1: 1, 2: 1, 3: 2}
    html = answer_html(answer)
    assert "A. [1]" in html and "B. [1][2]" in html
    panel = sources_html([{"question": "q", "answer": answer}], None)
    assert panel.count('class="rag-citation"') == 2 and "also" in panel and "truce.pdf, p. 3" in panel
    copied = answer_with_footnotes(answer)
    assert copied.count("\n[1] ") == 1 and "\n[2] " in copied
    bibliography = export_markdown([{"question": "q", "answer": answer}]).split("## Bibliography", 1)[1]
    assert "truce.txt" in bibliography and "truce.pdf" not in bibliography and "**[3]**" not in bibliography


def test_copy_puts_the_sources_under_the_answer_as_footnotes() -> None:
    copied = answer_with_footnotes(_two_sentences_one_passage())
    body, notes = copied.split("\n\n", 1)
    assert body == "Four states condemned it. [1] US pressure made the ceasefire. [1]"
    assert notes.startswith("[1] Truce (a.txt). “France, the US") and "“The ceasefire itself" in notes


def test_backends_offered_are_the_ones_configured() -> None:
    from rag.config import Config
    from rag.ui.backends import backend_choices, friendly_error

    assert backend_choices(Config(backend="extractive")) == ["extractive"]
    assert backend_choices(Config(backend="ollama", llm_model="llama3.1:8b")) == ["extractive", "ollama"]
    assert backend_choices(Config(backend="openai")) == ["extractive"]  # no model, no server: not offered
    config = Config(backend="openai", llm_model="m", llm_base_url="http://127.0.0.1:9/v1")
    try:
        raise RuntimeError("Connection error.") from ConnectionRefusedError(111, "Connection refused")
    except RuntimeError as exc:
        message = friendly_error(exc, config)
    assert message.startswith("The model server (openai at http://127.0.0.1:9/v1) is not reachable")
    assert "Errno" not in message and "extractive" in message


def test_a_key_points_answer_stays_a_list_in_the_chat_the_copy_and_the_export() -> None:
    """An analytic answer is "- point [n]" lines (rag.citations.render); the chat used to run them into
    one paragraph although the terminal shows a list."""
    chunk = Chunk(id="c1", source="/c/a.txt", title="Truce", text=PASSAGE, start=100, end=100 + len(PASSAGE),
                  index=0)
    parsed = parse_answer("- France, the US, Norway and Ireland condemned the strike [1]\n"
                          "- The ceasefire was a product of American pressure [1]", n_passages=1)
    verified = verify_answer(parsed, [Passage(chunk=chunk, score=1.0)])
    answer = {"question": "q", "answer": verified.text, "refused": False, "invalid_citations": [],
              "citations": [c.to_dict() for c in verified.citations],
              "sentences": [s.to_dict() for s in verified.sentences]}
    assert verified.text.startswith("- ")
    chat = answer_html(answer, 0)
    assert chat.count("<li>") == 2 and '<ul class="rag-points">' in chat and "\n" not in chat
    copied = answer_with_footnotes(answer).split("\n\n")[0].splitlines()
    assert [line[:9] for line in copied] == ["- France,", "- The cea"]
    exported = export_markdown([{"question": "q", "answer": answer}], now=datetime(2026, 1, 1, tzinfo=UTC))
    assert "\n- France, the US" in exported and "\n- The ceasefire" in exported
    # Running text stays running text.
    prose = _two_sentences_one_passage()
    assert "<li>" not in answer_html(prose, 0)
    assert "\n- " not in answer_with_footnotes(prose) and "\n- " not in export_markdown([{"question": "q",
                                                                                           "answer": prose}])


def test_a_bullet_of_two_sentences_stays_one_bullet_in_the_chat_the_copy_and_the_export() -> None:
    """Key points may put two consecutive sentences in one bullet, each with its own [n] (found in a browser
    audit: any such bullet turned the whole list into one paragraph)."""
    chunk = Chunk(id="c1", source="/c/a.txt", title="Truce", text=PASSAGE, start=100, end=100 + len(PASSAGE),
                  index=0)
    parsed = parse_answer("- France, the US, Norway and Ireland condemned the strike. [1] "
                          "The ceasefire was a product of American pressure. [1]\n"
                          "- France, the US, Norway and Ireland condemned the strike again. [1]", n_passages=1)
    verified = verify_answer(parsed, [Passage(chunk=chunk, score=1.0)])
    answer = {"question": "q", "answer": verified.text, "refused": False, "invalid_citations": [],
              "citations": [c.to_dict() for c in verified.citations],
              "sentences": [s.to_dict() for s in verified.sentences]}
    assert len(answer["sentences"]) == 3 and verified.text.count("\n") == 1
    chat = answer_html(answer, 0)
    assert chat.count("<li>") == 2 and '<ul class="rag-points">' in chat
    assert "American pressure" in chat.split("<li>")[1] and "again" in chat.split("<li>")[2]
    copied = answer_with_footnotes(answer).split("\n\n")[0].splitlines()
    assert len(copied) == 2 and copied[0].startswith("- France") and "American pressure" in copied[0]
    exported = export_markdown([{"question": "q", "answer": answer}], now=datetime(2026, 1, 1, tzinfo=UTC))
    assert "American pressure" in exported.split("\n- France")[1].split("\n")[0]


def test_a_pasted_page_as_question_is_shortened_in_the_sources_heading() -> None:
    long_question = "Why did the offensive start " + "and what followed " * 200 + "?"
    panel = sources_html([{"question": long_question, "answer": _two_sentences_one_passage()}], None)
    match = re.search(r'<div class="rag-sources-head">.*?<q title="([^"]*)">(.*?)</q>', panel, re.S)
    assert match is not None
    tooltip, shown = match.groups()
    assert shown.startswith("Why did the offensive start") and shown.endswith("…") and len(shown) <= 161
    assert tooltip == " ".join(long_question.split())[:len(tooltip)] and len(tooltip) > 3000  # all of it


def test_the_verification_panel_says_what_it_checks_and_how_well_a_fact_answers() -> None:
    # Found in a browser audit: "✔ supported" on every quoted sentence read as "this answers the question".
    factoid = {**_two_sentences_one_passage(), "question_kind": "factoid", "answerability": 0.42,
               "answerability_by": "learned"}
    panel = sources_html([{"question": "q", "answer": factoid}], None)
    assert "not that it answers the question" in panel
    assert "Answers the question: 0.42" in panel and "by learned" in panel
    # Key points and bylines have no such single score to show.
    for extra in ({"question_kind": "analytic", "answerability": 0.7, "answerability_by": "key points"},
                  {"question_kind": "factoid", "answerability": 1.0, "answerability_by": "byline"}):
        panel = sources_html([{"question": "q", "answer": {**factoid, **extra}}], None)
        assert "not that it answers the question" in panel and "Answers the question:" not in panel
