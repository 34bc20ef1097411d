"""Buttons that cannot act look disabled and take no clicks (headless Chromium, the real app):
Stop while nothing streams, Rename/Delete with no conversation open. (Feedback is the chat's own
thumbs and flag on each answer now, so there is no feedback button to disable.)"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from rag.testing_browser import served_chat

pytestmark = [pytest.mark.integration, pytest.mark.browser, pytest.mark.network]

HARBOUR = ("Tarvik harbour\n\nThe new harbour at Tarvik opened in 2011 after four years of building work. "
           "It handles grain and timber shipments for the whole northern coast.\n")
ROUTES = [("harbour open", "The new harbour at Tarvik opened in 2011 after four years of building work [1].")]
IDLE_AT_START = ("#stop-btn", "#conv-rename", "#conv-delete")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    root = tmp_path_factory.mktemp("present-browser")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "harbour.txt").write_text(HARBOUR, encoding="utf-8")
    with served_chat(root, ROUTES, delay_s=0.25) as running:
        yield running


_IDLE = """s => { const st = getComputedStyle(document.querySelector(s));
                  return st.pointerEvents === 'none' && parseFloat(st.opacity) < 0.5; }"""


def idle(page: Any, selector: str) -> bool:
    """Whether the button looks disabled and ignores the pointer (given its fade a moment to finish)."""
    try:
        page.wait_for_function(_IDLE, arg=selector, timeout=2_000)
        return True
    except Exception:  # noqa: BLE001 - Playwright's TimeoutError: not idle
        return False


def active(page: Any, selector: str) -> bool:
    try:
        page.wait_for_function(f"s => !({_IDLE})(s)", arg=selector, timeout=2_000)
        return True
    except Exception:  # noqa: BLE001
        return False


def test_buttons_look_disabled_exactly_while_they_cannot_act(browser: Any, app: SimpleNamespace) -> None:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(app.url + "/")
    page.wait_for_selector("#question textarea", timeout=30_000)
    page.wait_for_timeout(500)  # the page's load events (saved conversations) have run
    assert [s for s in IDLE_AT_START if not idle(page, s)] == []
    assert active(page, "#ask-btn") and active(page, "#clear-btn")

    page.fill("#question textarea", "When did the Tarvik harbour open?")
    page.click("#ask-btn")
    page.wait_for_selector("#chat .rag-streaming", timeout=30_000)
    assert active(page, "#stop-btn")  # while an answer streams, Stop can act

    page.wait_for_function("""() => document.querySelector('#chat .bot-row')
                                    && !document.querySelector('#chat .rag-streaming')""", timeout=30_000)
    page.wait_for_selector("#conv-list input:checked", timeout=30_000)  # the answer was saved and is open
    assert idle(page, "#stop-btn")
    assert [s for s in ("#conv-rename", "#conv-delete") if not active(page, s)] == []

    page.click("#clear-btn")  # a new, empty conversation: nothing to rate, rename or delete
    page.wait_for_function("() => !document.querySelector('#chat .bot-row')", timeout=30_000)
    page.wait_for_function("() => !document.querySelector('#conv-list input:checked')", timeout=30_000)
    assert [s for s in IDLE_AT_START if not idle(page, s)] == []
    page.context.close()
