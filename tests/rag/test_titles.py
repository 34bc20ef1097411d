"""Titles that are titles (issue 15): headings, metadata, never a first sentence or a masthead."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag import testing_files as tf
from rag.load import clean_article_text, leading_heading, load_document

SAMPLE = Path(__file__).resolve().parents[2] / "corpus" / "sample"
HEADLINE = "Azerbaijan’s September 2022 offensive against Armenia"
BODY = ("The council met on Monday to debate the budget in detail and to vote on the plan. " * 3).strip()


@pytest.mark.parametrize("ext", ["html", "pdf"])
def test_sample_html_and_pdf_titles_are_the_headline(ext: str) -> None:
    doc = load_document(SAMPLE / f"000_37ea4592f850c55e.{ext}")
    assert doc.title == HEADLINE
    assert doc.author == "George Meneshian"


def test_sample_txt_title_is_not_its_first_sentence_nor_the_masthead() -> None:
    doc = load_document(SAMPLE / "000_37ea4592f850c55e.txt")
    assert "In the early hours" not in doc.title
    assert "Washington Institute" not in doc.title
    assert doc.author == "George Meneshian"


def test_txt_heading_line_is_the_title(tmp_path: Path) -> None:
    path = tmp_path / "council.txt"
    path.write_text(f"Budget Vote Splits the Council\nBy Jane Roe\n\n{BODY}\n", encoding="utf-8")
    doc = load_document(path)
    assert doc.title == "Budget Vote Splits the Council"
    assert doc.author == "Jane Roe"
    assert doc.text.startswith("The council met")


def test_txt_without_heading_is_named_after_its_file(tmp_path: Path) -> None:
    path = tmp_path / "council_budget-vote.txt"
    path.write_text(BODY + "\n", encoding="utf-8")
    assert load_document(path).title == "council budget vote"


def test_markdown_heading_and_front_matter(tmp_path: Path) -> None:
    md = tf.make_markdown(tmp_path, "a.md", f"# Drone Doctrine\n\n{BODY}\n")
    assert load_document(md).title == "Drone Doctrine"
    md = tf.make_markdown(tmp_path, "b.md", f"---\ntitle: Front Matter Title\n---\n# Heading\n\n{BODY}\n")
    assert load_document(md).title == "Front Matter Title"


def test_masthead_repeated_on_lines_is_neither_title_nor_author() -> None:
    raw = ("Acme Institute\nAcme Institute\nAcme Institute\n\nBudget Vote Splits the Council\n\n" + BODY)
    loaded = clean_article_text(raw)
    assert loaded.title == "Budget Vote Splits the Council"
    assert "Acme Institute" not in loaded.text
    raw = "Acme Institute Acme Institute Acme Institute\n\nAcme Institute – " + BODY
    loaded = clean_article_text(raw)
    assert loaded.author is None and loaded.title is None


def test_pdf_heading_wrapped_over_two_lines_is_one_title() -> None:
    assert leading_heading(f"Azerbaijan’s September 2022 offensive\nagainst Armenia\nBy George Meneshian\n{BODY}") \
        == HEADLINE
    assert leading_heading(BODY) is None


@pytest.mark.parametrize("byline, date", [
    ("By Aïcha Traoré-Mensah – Fellow, Africa Security Programme, 24 July 2026", "2026-07-24"),
    ("By Aïcha Traoré-Mensah | July 24, 2026", "2026-07-24"),
    ("By Łukasz Żółć – Fellow, 1 Jan 2026", "2026-01-01"),
    ("By Jane van der Berg — Senior Fellow", None),
])
def test_byline_with_role_and_date_gives_the_author_and_the_date(tmp_path: Path, byline: str, date: str | None) -> None:
    path = tmp_path / "coup.txt"
    path.write_text(f"Another Coup in the Sahel\n{byline}\n\n{BODY}\n", encoding="utf-8")
    doc = load_document(path)
    assert doc.title == "Another Coup in the Sahel"
    assert doc.author == byline[3:].split(" –")[0].split(" —")[0].split(" |")[0]  # the name, without "By"
    assert doc.date == date
    assert byline in doc.text  # the byline says who the author is; a citation can quote it


def test_a_dated_byline_does_not_override_a_sidecar_date(tmp_path: Path) -> None:
    path = tmp_path / "coup.txt"
    path.write_text(f"Another Coup in the Sahel\nBy Jane Roe – Fellow, 24 July 2026\n\n{BODY}\n", encoding="utf-8")
    (tmp_path / "coup.txt.meta.json").write_text('{"date": "2026-08-01"}', encoding="utf-8")
    assert load_document(path).date == "2026-08-01"


@pytest.mark.parametrize("opening", [
    "By Tuesday, the rebels had taken the capital and the army had left – on 3 March 2026 it surrendered.",
    "By August – three months after the vote – prices had doubled.",
])
def test_a_sentence_opening_with_by_is_no_byline(tmp_path: Path, opening: str) -> None:
    path = tmp_path / "note.txt"
    path.write_text(f"Prices in the Capital\n\n{opening}\n\n{BODY}\n", encoding="utf-8")
    doc = load_document(path)
    assert doc.author is None and doc.date is None


def test_a_byline_on_the_first_line_is_not_the_title(tmp_path: Path) -> None:
    path = tmp_path / "coup.txt"
    path.write_text(f"By Jane Doe – Fellow, 24 July 2026\n\n{BODY}\n", encoding="utf-8")
    doc = load_document(path)
    assert doc.author == "Jane Doe" and doc.date == "2026-07-24"
    assert "Jane Doe" not in doc.title and doc.text.startswith("By Jane Doe – Fellow")


def test_a_one_line_note_is_its_own_text_not_only_a_title(tmp_path: Path) -> None:
    # Found in a library audit: the line became the title, the text was empty, and the file failed with
    # "no text content after removing site furniture".
    path = tmp_path / "note.txt"
    path.write_text("Operation Bluefin costs 412 million euros\n", encoding="utf-8")
    doc = load_document(path)
    assert "412 million euros" in doc.text


def test_a_paragraph_in_a_script_without_spaces_is_no_title(tmp_path: Path) -> None:
    # One line of Japanese sentences has no spaces, so it counted as a short line: it became the title.
    body = "".join(f"作戦は二〇二{i}年に始まった。部隊は北へ進んだ。" for i in range(10))
    path = tmp_path / "ja.txt"
    path.write_text(body + "\n", encoding="utf-8")
    doc = load_document(path)
    assert doc.text.strip() == body and doc.title != body


@pytest.mark.parametrize("byline, author, date", [
    # Think-tank bylines often separate the role with a comma.
    ("By Tomas Rautio, Visiting Fellow, Cyber Programme, 10 February 2026", "Tomas Rautio", "2026-02-10"),
    ("By Jane van der Berg, 3 March 2026", "Jane van der Berg", "2026-03-03"),
    ("By Jane Doe, Senior Fellow", "Jane Doe", None),
])
def test_a_byline_with_a_comma_gives_the_author_and_the_date(tmp_path: Path, byline: str, author: str,
                                                            date: str | None) -> None:
    path = tmp_path / "coup.txt"
    path.write_text(f"Another Coup in the Sahel\n{byline}\n\n{BODY}\n", encoding="utf-8")
    doc = load_document(path)
    assert (doc.title, doc.author, doc.date) == ("Another Coup in the Sahel", author, date)
    assert byline in doc.text


@pytest.mark.parametrize("line", ["By Christmas Eve, the troops had left the capital",
                                  "By Tuesday, Rebels held the airport", "By 2026, Prices had doubled"])
def test_a_line_opening_with_by_and_a_comma_is_no_byline(tmp_path: Path, line: str) -> None:
    path = tmp_path / "note.txt"
    path.write_text(f"Prices in the Capital\n{line}\n\n{BODY}\n", encoding="utf-8")
    assert load_document(path).author is None
