"""One definition of a citation marker: "[1, 2]" and "[1][2]" read the same in parsing, the chat,
feedback records and the eval metrics."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rag.citations import MARKER_PATTERN, marker_numbers, parse_answer, strip_markers

SPELLINGS = ["[1, 2]", "[1][2]", "[1,2]", "[1; 2]", "[ 1 ][ 2 ]", "[1] [2]"]


@pytest.mark.parametrize("markers", SPELLINGS)
def test_parse_answer_reads_every_spelling_alike(markers: str) -> None:
    parsed = parse_answer(f"Baku attacked in September {markers}. It paused [2].", n_passages=2)
    assert [(s.text, s.citations) for s in parsed.sentences] == [
        ("Baku attacked in September.", (1, 2)), ("It paused.", (2,))]
    assert marker_numbers(f"x {markers}") == [1, 2]
    assert strip_markers(f"Baku attacked {markers} .") == "Baku attacked."


@pytest.mark.parametrize("markers", SPELLINGS)
def test_feedback_records_strip_every_spelling(markers: str) -> None:
    from rag.ui.feedback import feedback_record
    from rag.ui.feedback import strip_markers as feedback_strip

    assert feedback_strip(f"Baku attacked {markers}. It paused [3].") == "Baku attacked. It paused."
    record = feedback_record({"question": "q", "answer": f"A {markers}.", "refused": False,
                              "citations": [{"quote": "A.", "source": "/c/a.txt"}]}, "up")
    assert record["answers"] == ["A."]


@pytest.mark.parametrize("markers", SPELLINGS)
def test_chat_export_of_an_answer_without_sentences_drops_every_spelling(markers: str) -> None:
    from rag.ui.render import export_markdown

    text = export_markdown([{"question": "q", "answer": {"answer": f"Baku attacked {markers}.", "citations": []}}])
    assert "Baku attacked." in text and "[1" not in text.split("## 1. q", 1)[1]


@pytest.mark.parametrize("markers", SPELLINGS)
def test_eval_metrics_ignore_every_spelling(markers: str) -> None:
    from rag.eval.metrics import answer_words, key_point_recall

    assert answer_words(f"Baku attacked {markers}.") == 2
    assert key_point_recall([f"Azerbaijan wants a corridor in Southern Armenia {markers}."],
                            ["Azerbaijan wants a corridor in Southern Armenia."]) == 1.0


def test_strip_markers_keeps_line_breaks_of_key_points() -> None:
    assert strip_markers("- First point [1]\n- Second [2, 3]") == "- First point\n- Second"


def test_no_other_marker_pattern_is_defined_in_the_tree() -> None:
    """Guard: a new module must import the marker from rag.citations, not write its own regex."""
    root = Path(__file__).resolve().parents[2]
    # A compiled pattern that matches "[<digits>" is a marker pattern (ANSI escapes use "\x1b[", not "\[\d").
    homemade = re.compile(r"""re\.(?:compile|sub|findall|finditer|search|match|split)\(\s*r?["'][^"']*"""
                          r"""\\\[(?:\(|\?:|\\s\*)*\\d""")
    allowed = {
        "rag/citations.py",  # the definition
    }
    offenders = []
    for folder in ("rag", "ui", "eval", "bench", "scripts"):
        for path in sorted((root / folder).rglob("*.py")):
            rel = path.relative_to(root).as_posix()
            if path.is_symlink() or rel.startswith(("rag/ui/", "rag/eval/")) or rel in allowed:
                continue
            if homemade.search(path.read_text(encoding="utf-8")) or MARKER_PATTERN in path.read_text(encoding="utf-8"):
                offenders.append(rel)
    assert offenders == []
