"""The analytic unanswerable probe's data: every question resolves to a document, halves by document."""

from __future__ import annotations

from collections import Counter

from rag.eval import premise_probe


def _halves_by_document(cases: list[dict], separator: str) -> dict[str, set[str]]:
    """The halves each document's questions fall in (the document is the id before ``separator``)."""
    halves: dict[str, set[str]] = {}
    for c in cases:
        halves.setdefault(c["id"].rsplit(separator, 1)[0], set()).add(c["half"])
    return halves


def test_every_unanswerable_question_targets_a_document_of_a_corpus_and_the_halves_split_by_document() -> None:
    cases = premise_probe.cases()
    unanswerable = [c for c in cases if c["label"] == "unanswerable"]
    assert len(unanswerable) == 98
    assert Counter(c["half"] for c in unanswerable) == {"tune": 49, "report": 49}
    # A document's questions are all in one half (no document is tuned on and reported on).
    halves = _halves_by_document(unanswerable, "-u")
    assert len(halves) == 14 and all(len(h) == 1 for h in halves.values())
    assert {c["corpus"] for c in unanswerable} == {"analysis", "wikipedia", "sample"}
    assert {c["kind"] for c in unanswerable} == {"false_premise", "uncovered_aspect", "wrong_actor",
                                                  "unstated_reason"}
    answerable = [c for c in cases if c["label"] == "answerable"]
    assert {c["half"] for c in answerable} == {"golden", "tune", "report"} and len(answerable) > 150


def test_the_table_reports_refusal_rates_by_half_and_kind() -> None:
    results = [
        {"half": "tune", "label": "unanswerable", "kind": "false_premise", "refused": True},
        {"half": "tune", "label": "unanswerable", "kind": "wrong_actor", "refused": False},
        {"half": "tune", "label": "answerable", "kind": "analysis_tune", "refused": False},
    ]
    table = premise_probe.table(results)
    assert "| tune | unanswerable | 2 | 0.500 |" in table
    assert "| tune | unanswerable: false_premise | 1 | 1.000 |" in table
    assert "| tune | answerable | 1 | 0.000 |" in table
    # An answerable question with evidence also reports whether its answer quotes it.
    hits = [{"half": "report", "label": "answerable", "kind": "reaction", "refused": False, "hit": h}
            for h in (True, False, False, False)]
    assert "| report | answerable | 4 | 0.000 | 0.250 |" in premise_probe.table(hits)


def test_the_reaction_questions_are_asked_over_their_documents_corpora_in_halves_by_document() -> None:
    cases = premise_probe.reaction_cases()
    assert Counter(c["label"] for c in cases) == {"answerable": 56, "unanswerable": 28}
    halves = _halves_by_document(cases, "-")
    assert len(halves) == 14 and all(len(h) == 1 for h in halves.values())
    assert {c["corpus"] for c in cases} == {"analysis", "wikipedia", "sample"}
    assert all(c["evidence"] for c in cases if c["label"] == "answerable")


def test_an_answer_quotes_its_evidence_whatever_its_spacing() -> None:
    evidence = ["France suspended its military cooperation with Azawi and its development aid."]
    assert premise_probe._quotes("- France  suspended its military\ncooperation with Azawi and its aid. [1]", evidence)
    assert not premise_probe._quotes("- Mali closed its border. [1]", evidence)


def test_the_blind_audit_is_asked_in_one_library_of_its_seven_articles() -> None:
    cases = premise_probe.audit_cases()
    assert Counter(c["label"] for c in cases) == {"answerable": 60, "unanswerable": 30}
    assert {c["corpus"] for c in cases} == {"mixed"}
