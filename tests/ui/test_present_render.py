"""How the chat, the sources panel and the export show a refusal's closest documents: one entry per
article, naming the formats it is held in; answers recorded before that still render."""

from __future__ import annotations

from typing import Any

from rag.ui.render import answer_html, export_markdown, related_formats, sources_html

GROUPED = {"source": "/c/a/000_x.pdf", "title": "Azerbaijan’s September 2022 offensive", "score": 0.21,
           "other_sources": ["/c/a/000_x.html", "/c/a/000_x.txt"], "formats": ["pdf", "html", "txt"]}
OTHER = {"source": "/c/b/budget.txt", "title": "Budget 2023", "score": 0.1, "other_sources": [],
         "formats": ["txt"]}


def refusal(*related: dict[str, Any]) -> dict[str, Any]:
    return {"question": "q", "answer": "The sources do not contain an answer to this question.", "refused": True,
            "citations": [], "sentences": [], "invalid_citations": [], "related": list(related)}


def test_chat_lists_an_article_once_with_its_formats() -> None:
    html = answer_html(refusal(GROUPED, OTHER))
    assert html.count("offensive") == 1
    assert "000_x.pdf · PDF, HTML, TXT" in html
    assert "Budget 2023 (budget.txt)" in html  # one format: nothing to add


def test_sources_panel_lists_an_article_once_with_its_formats() -> None:
    panel = sources_html([{"question": "q", "answer": refusal(GROUPED, OTHER)}], None)
    assert panel.count("<li>") == 2
    assert "000_x.pdf · PDF, HTML, TXT · similarity 0.21" in panel


def test_export_names_the_formats() -> None:
    md = export_markdown([{"question": "q", "answer": refusal(GROUPED)}])
    assert "Closest documents: Azerbaijan’s September 2022 offensive · PDF, HTML, TXT." in md


def test_answers_recorded_before_grouping_still_render() -> None:
    old = {"source": "/c/a/000_x.pdf", "title": "T", "score": 0.2}
    assert related_formats(old) == ["pdf"]
    assert "T (000_x.pdf)" in answer_html(refusal(old))
    assert related_formats({"source": "/c/x.pdf", "other_sources": ["/c/x.txt"]}) == ["pdf", "txt"]
