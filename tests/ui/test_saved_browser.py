"""Saved conversations in headless Chromium (issue 11): listed and reopened after a server restart,
never shown to another user; upload and remove controls only for editors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rag.testing_browser import login
from rag.testing_servers import free_port

pytestmark = [pytest.mark.integration, pytest.mark.browser, pytest.mark.network]

PASSWORDS = {"alice": "alice-saved-pw", "bob": "bob-saved-pw"}
QUESTION = "When did the Tarvik harbour open?"
ROUTES = [("harbour open", "The new harbour at Tarvik opened in 2011 after four years of building work [1].")]


def _serve(root: Path) -> Any:
    from rag import Assistant
    from rag.testing import FakeEmbedder, routed_chat_model
    from rag.ui.app import serve
    from rag.ui.settings import UISettings

    assistant = Assistant(index_dir=root / "index", embedder=FakeEmbedder(), backend="openai",
                          chat_model=routed_chat_model(ROUTES, delay_s=0.02))
    settings = UISettings(corpus_dir=str(root / "corpus"), feedback_path=str(root / "feedback.jsonl"),
                          users_file=str(root / "users.toml"), editor_groups=("editors",))
    running = serve(assistant, port=free_port(), settings=settings, block=False, quiet=True)
    assert running is not None
    return running


def _login(browser: Any, url: str, user: str) -> Any:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    login(page, url, user, PASSWORDS[user])
    return page


def test_a_saved_conversation_reopens_after_a_restart_and_stays_private(
        browser: Any, tmp_path: Path) -> None:
    from rag import Assistant
    from rag.testing import FakeEmbedder
    from rag.ui.access import hash_password

    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "harbour.txt").write_text(
        "Tarvik harbour\n\nThe new harbour at Tarvik opened in 2011 after four years of building work.\n",
        encoding="utf-8")
    assert Assistant(index_dir=tmp_path / "index", embedder=FakeEmbedder()).ingest(
        [tmp_path / "corpus"], progress=False).ok
    (tmp_path / "users.toml").write_text(
        f'[users.alice]\npassword = "{hash_password(PASSWORDS["alice"], iterations=1000)}"\n'
        'groups = ["editors"]\n'
        f'[users.bob]\npassword = "{hash_password(PASSWORDS["bob"], iterations=1000)}"\n', encoding="utf-8")

    running = _serve(tmp_path)
    try:
        page = _login(browser, running.url, "alice")
        page.fill("#question textarea", QUESTION)
        page.click("#ask-btn")
        page.wait_for_function("document.querySelector('#conv-list').innerText.includes('Tarvik')",
                               timeout=30_000)
        page.reload()  # a reload reopens the conversation the page had open
        page.wait_for_function("document.querySelectorAll('#chat .bot-row').length === 1", timeout=20_000)
        assert "2011" in page.locator("#chat .bot-row").first.inner_text()
        page.click("button[role=tab]:has-text('Documents')")
        assert page.locator("#upload-btn").is_visible() and page.locator("#remove-btn").is_visible()
        page.context.close()
    finally:
        running.close()

    running = _serve(tmp_path)  # a restart: a new server over the same index folder
    try:
        page = _login(browser, running.url, "alice")
        entry = page.locator("#conv-list label", has_text=QUESTION)
        entry.wait_for(timeout=15_000)
        entry.click()
        page.wait_for_function("document.querySelectorAll('#chat .bot-row').length === 1", timeout=15_000)
        assert "2011" in page.locator("#chat .bot-row").first.inner_text()
        assert QUESTION in page.inner_text("#sources")
        # Delete asks first (it cannot be undone); Cancel keeps the conversation.
        page.click("#conv-delete")
        page.locator("#conv-delete-confirm").wait_for(state="visible", timeout=30_000)
        assert "cannot be undone" in page.inner_text("#conv-status")
        page.click("#conv-delete-cancel")
        page.wait_for_function("document.querySelector('#conv-status').innerText.includes('Nothing was deleted')",
                               timeout=30_000)
        assert not page.locator("#conv-delete-confirm").is_visible()
        assert QUESTION in page.inner_text("#conv-list")
        # Found in review: the question stayed up after "New conversation", and "Yes" then deleted the new one.
        page.click("#conv-delete")
        page.locator("#conv-delete-confirm").wait_for(state="visible", timeout=30_000)
        page.click("#clear-btn")
        page.locator("#conv-delete-confirm").wait_for(state="hidden", timeout=30_000)
        page.locator("#conv-list label", has_text=QUESTION).click()
        page.wait_for_function("document.querySelectorAll('#chat .bot-row').length === 1", timeout=15_000)
        page.click("#conv-delete")
        page.click("#conv-delete-confirm")
        page.wait_for_function(f"!document.querySelector('#conv-list').innerText.includes({QUESTION!r})",
                               timeout=30_000)
        assert "Deleted." in page.inner_text("#conv-status")
        page.context.close()

        page = _login(browser, running.url, "bob")
        page.wait_for_timeout(1500)
        assert "Tarvik" not in page.inner_text("#conv-list") if page.locator("#conv-list").count() else True
        page.click("button[role=tab]:has-text('Documents')")
        page.wait_for_timeout(800)
        assert not page.locator("#upload-btn").is_visible() and not page.locator("#remove-btn").is_visible()
        assert "editors" in page.inner_text("#edit-note")
        page.context.close()
    finally:
        running.close()
