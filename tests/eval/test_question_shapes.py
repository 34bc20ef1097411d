"""The blind question-shape probes (eval/data/question_shapes*): analysts' questions labelled analytic or factoid.

Each was written by a helper blind to the typing rules and to the other probes. The rules were tuned on the
first two (the second after it had been scored once as held out); the third is the held-out figure, scored
once after the tuning (eval/README.md, "Eleventh round"). The floors are the measured figures less a
little, so a change that loses shapes fails here.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from rag.eval.question_shapes import LABELS, PROBES, load, main, score
from rag.questions import plain_question, question_kind


@pytest.mark.parametrize("path", PROBES, ids=["a", "b", "c", "d_tune", "d_report"])
def test_each_probe_is_well_formed_with_both_labels_in_every_group_and_style(path: Path) -> None:
    rows = load(path)
    assert len({r["id"] for r in rows}) == len(rows)
    assert len({r["question"].lower() for r in rows}) == len(rows)
    for key in ("group", "style"):
        labels = Counter((r[key], r["label"]) for r in rows)
        assert all(labels[(value, label)] for value in {r[key] for r in rows} for label in LABELS), key
    assert (path.parent / "PROVENANCE.md").is_file()


def test_a_row_without_its_fields_is_an_error_naming_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "probe.jsonl"
    bad.write_text('{"id": "a", "group": "g", "question": "Why?", "label": "analytic", "style": "direct"}\n'
                   '{"id": "b", "question": "When?", "label": "fact"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"probe.jsonl:2"):
        load(bad)
    bad.write_text('{"id": "a"\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"probe.jsonl:1: not a JSON object"):
        load(bad)


@pytest.mark.parametrize("path", PROBES, ids=["a", "b", "c", "d_tune", "d_report"])
def test_the_question_the_assistant_searches_for_is_typed_as_the_question_asked(path: Path) -> None:
    """The scorer types the question as asked; the assistant answers plain_question's: they must agree."""
    for row in load(path):
        assert question_kind(plain_question(row["question"])) == question_kind(row["question"]), row["id"]


# Measured on 2026-12-03 (accuracy / analytic recall / factoid recall): a 0.994 / 0.989 / 1.000 and b 0.946 /
# 0.902 / 1.000 (tuned on); c 0.894 / 0.844 / 0.952 (held out: 0.722 / 0.500 / 0.976 before this round; 0.883 /
# 0.833 / 0.940 when first scored, before the review fixes, which were not chosen on c).
@pytest.mark.parametrize("path, accuracy, analytic, factoid", [
    (PROBES[0], 0.98, 0.97, 0.98),
    (PROBES[1], 0.92, 0.86, 0.98),
    (PROBES[2], 0.86, 0.80, 0.92),
    # d (nineteenth round): tune half 1.000 / 1.000 / 1.000 after the rules were changed on its misses (0.887 /
    # 0.821 / 0.982 on e7996f6); report half, not read, 0.899 / 0.829 / 0.984 (0.871 / 0.776 / 0.984 on e7996f6).
    (PROBES[3], 0.98, 0.97, 0.98),
    (PROBES[4], 0.87, 0.80, 0.95),
], ids=["a", "b", "c", "d_tune", "d_report"])
def test_typing_on_the_probes_stays_at_its_measured_level(path: Path, accuracy: float, analytic: float,
                                                          factoid: float) -> None:
    result = score(load(path))
    assert result["accuracy"] >= accuracy
    assert result["recall_analytic"] >= analytic
    assert result["recall_factoid"] >= factoid


def test_the_command_prints_each_probe_and_its_misses(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--missed", str(PROBES[0])]) == 0
    out = capsys.readouterr().out
    assert "question_shapes.jsonl: n 320, accuracy" in out and "by style: direct" in out
    assert out.count("missed (") == len(score(load(PROBES[0]))["missed"])
