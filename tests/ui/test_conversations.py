"""Saved conversations (issue 11): per owner, in SQLite, surviving a reopen of the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.ui.conversations import TITLE_CHARS, ConversationStore, title_of

TURN = {"question": "When was the Karsk treaty signed?", "answer": {"answer": "In 2004 [1].", "refused": False}}


def test_saved_conversations_survive_a_reopen_and_stay_private(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "c.sqlite3")
    cid = store.save("user:alice", None, [TURN])
    assert store.save("user:alice", cid, [TURN, {**TURN, "question": "And where?"}]) == cid
    store.close()

    reopened = ConversationStore(tmp_path / "c.sqlite3")
    [summary] = reopened.list("user:alice")
    assert summary.id == cid and summary.title == TURN["question"] and summary.turns == 2
    assert summary.label().startswith(TURN["question"] + " · 20")
    assert [t["question"] for t in reopened.load("user:alice", cid) or []] == [TURN["question"], "And where?"]
    # Another owner sees nothing and can change nothing; saving under a foreign id makes a new one.
    assert reopened.list("user:bob") == [] and reopened.load("user:bob", cid) is None
    assert not reopened.rename("user:bob", cid, "mine") and not reopened.delete("user:bob", cid)
    assert reopened.save("user:bob", cid, [TURN]) != cid
    assert reopened.load("user:alice", cid) is not None and len(reopened.load("user:alice", cid) or []) == 2


def test_rename_and_delete(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "c.sqlite3")
    cid = store.save("o", None, [TURN])
    assert store.rename("o", cid, "  Karsk   notes ")
    assert store.list("o")[0].title == "Karsk notes"
    with pytest.raises(ValueError, match="title"):
        store.rename("o", cid, "   ")
    assert store.delete("o", cid) and store.list("o") == [] and store.load("o", cid) is None


def test_title_is_the_first_question_cut_at_a_word() -> None:
    long = "word " * 40
    title = title_of([{"question": long}])
    assert title.endswith("…") and len(title) <= TITLE_CHARS + 1 and "  " not in title
    assert title_of([]) == "Untitled conversation"


def test_the_browser_secret_is_made_once(tmp_path: Path) -> None:
    first = ConversationStore(tmp_path / "c.sqlite3").secret()
    assert ConversationStore(tmp_path / "c.sqlite3").secret() == first and len(first) >= 32
