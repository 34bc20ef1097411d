"""Answer feedback, appended to a JSONL file in the evaluation dataset's format.

Every line carries the eval keys (``id``, ``question``, ``answers``,
``evidence``, ``answerable``, ``source``), valid under
``rag.eval.datasets.EvalItem.from_dict``'s rules, plus the feedback itself:
``feedback`` ("up" | "down" | "wrong_citation"), ``answer`` (the full
``Answer.to_dict()``), ``user`` and ``time``. The eval keys are filled so that
what a reader confirmed becomes a reference, and nothing else does:

===============================  ==========  ==================  ===================  ===========
feedback on                      answerable  answers             evidence             source
===============================  ==========  ==================  ===================  ===========
"up", an answer                  true        [answer, no [n]]    cited quotes         1st cited
"up", a refusal                  false       []                  null                 null
"wrong_citation", an answer      true        [answer, no [n]]    null (disputed)      null
"down" (or "wrong_citation"      true        []                  the retrieved        null
on a refusal)                                                    passages, to review
===============================  ==========  ==================  ===================  ===========

A "down" line cannot hold a reference (the reader said the answer is wrong but
not what is right), and the eval format asks an answerable item for answers or
evidence, so it carries the passages the assistant retrieved as *candidates*.
:func:`feedback_to_eval` therefore takes only "up" lines by default; the rest
are a review queue. ``question`` is the standalone question (the follow-up
rewritten with its context), so an item still makes sense on its own.

Example:
    >>> record = feedback_record({"question": "q", "answer": "A [1].", "refused": False,
    ...                           "citations": [{"quote": "A.", "source": "/c/a.txt"}]}, "up")
    >>> record["answers"], record["evidence"], record["answerable"]
    (['A.'], ['A.'], True)
"""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rag.citations import strip_markers as _strip_markers

FEEDBACK_KINDS: tuple[str, ...] = ("up", "down", "wrong_citation")
EVAL_KEYS: tuple[str, ...] = ("id", "question", "answers", "evidence", "answerable", "source")

_write_lock = threading.Lock()


def strip_markers(text: str) -> str:
    """The answer text without its ``[n]`` markers (a reference answer has none)."""
    return " ".join(_strip_markers(text).split())


def feedback_record(answer: Mapping[str, Any], kind: str, *, user: str | None = None,
                    now: datetime | None = None) -> dict[str, Any]:
    """One JSONL line for feedback ``kind`` on ``answer`` (an ``Answer.to_dict()``)."""
    if kind not in FEEDBACK_KINDS:
        raise ValueError(f"feedback: {kind!r} is not one of {', '.join(FEEDBACK_KINDS)}")
    now = now or datetime.now(UTC)
    question = str(answer.get("standalone_question") or answer.get("question") or "").strip()
    refused = bool(answer.get("refused"))
    citations = list(answer.get("citations") or [])
    text = strip_markers(str(answer.get("answer") or ""))
    answers: list[str] = []
    evidence: str | list[str] | None = None
    source: str | None = None
    if kind == "up" and refused:
        answerable = False
    elif kind == "up":
        answerable = True
        answers = [text] if text else []
        evidence = [str(c.get("quote") or c.get("text") or "") for c in citations] or None
        source = str(citations[0]["source"]) if citations else None
    elif kind == "wrong_citation" and not refused and text:
        answerable = True
        answers = [text]
    else:
        answerable = True
        # Candidates for a reviewer: the passages cited, else the documents that came closest.
        candidates = [str(c.get("text") or "") for c in citations] or [
            f"{r.get('title', '')} ({r.get('source', '')})"
            for r in (answer.get("related") or answer.get("retrieved") or []) if r.get("source")]
        evidence = [e for e in dict.fromkeys(candidates) if e.strip()] or ["(no passage was retrieved; to review)"]
    stamp = now.isoformat(timespec="seconds")
    # The question's hash groups lines about one question; the random part keeps every line's id unique.
    digest = hashlib.sha256(question.encode("utf-8")).hexdigest()[:12]
    return {
        "id": f"feedback-{digest}-{uuid.uuid4().hex[:12]}",
        "question": question,
        "answers": answers,
        "evidence": evidence,
        "answerable": answerable,
        "source": source,
        "feedback": kind,
        "answer": dict(answer),
        "user": user,
        "time": stamp,
    }


def append_feedback(path: str | Path, record: Mapping[str, Any]) -> Path:
    """Append one line (folders created); a lock keeps concurrent clicks from interleaving."""
    path = Path(path)
    line = json.dumps(record, ensure_ascii=False) + "\n"
    with _write_lock:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(line)
    return path


def feedback_to_eval(lines: Iterable[Mapping[str, Any]], kinds: tuple[str, ...] = ("up",)
                     ) -> list[dict[str, Any]]:
    """The eval items among feedback lines: their eval keys only, the first line per question.

    Only "up" by default: the other kinds are a review queue, not references.
    """
    items: dict[str, dict[str, Any]] = {}
    for line in lines:
        if line.get("feedback") in kinds and line.get("question") not in items:
            item = {k: line.get(k) for k in EVAL_KEYS}
            if item["source"] is None:
                item.pop("source")
            items[str(line.get("question"))] = item
    return list(items.values())


def read_feedback(path: str | Path) -> list[dict[str, Any]]:
    path = Path(path)
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
