"""The chat's polish in headless Chromium (the real app, served in this process): the defects browser
audits left, one test each. One feedback control, a Stop that cannot be pressed while nothing streams,
Rename and Delete that cannot be pressed (nor reached with Tab) while no saved conversation is open, an
honest document count for the bundled sample article, toasts that go and do not repeat.

The bundled sample article (one article as .txt, .html and .pdf) plus a short note, the package's
FakeEmbedder and a slow keyword-routed chat model, so an answer streams for a couple of seconds.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from rag.testing import routed_chat_model
from rag.testing_servers import free_port

pytestmark = [pytest.mark.integration, pytest.mark.browser, pytest.mark.network]

SAMPLE = Path(__file__).resolve().parents[2] / "corpus" / "sample"
HARBOUR = ("Tarvik harbour\n\nThe new harbour at Tarvik opened in 2011 after four years of building work. "
           "It handles grain and timber shipments for the whole northern coast.\n")
Q = "When did the Tarvik harbour open?"
ROUTES = [("harbour open", "The new harbour at Tarvik opened in 2011 after four years of building work [1].")]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    from rag import Assistant
    from rag.testing import FakeEmbedder
    from rag.ui.app import serve
    from rag.ui.settings import UISettings

    root = tmp_path_factory.mktemp("polish-browser")
    corpus = root / "corpus"
    shutil.copytree(SAMPLE, corpus)
    (corpus / "harbour.txt").write_text(HARBOUR, encoding="utf-8")
    assistant = Assistant(index_dir=root / "index", embedder=FakeEmbedder(), backend="openai",
                          chat_model=routed_chat_model(ROUTES, delay_s=0.15))
    assert assistant.ingest([corpus], progress=False).ok
    settings = UISettings(corpus_dir=str(corpus), feedback_path=str(root / "feedback.jsonl"))
    running = serve(assistant, port=free_port(), settings=settings, block=False, quiet=True)
    assert running is not None
    try:
        yield SimpleNamespace(url=running.url, root=root, handlers=running.chat.handlers,
                              feedback=Path(settings.feedback_path))
    finally:
        running.close()


def _open(browser: Any, app: SimpleNamespace) -> Any:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(app.url + "/")
    page.wait_for_selector("#question textarea", timeout=30_000)
    page.wait_for_timeout(500)  # the page's load events have run
    return page


def _ask(page: Any, question: str) -> None:
    page.fill("#question textarea", question)
    page.click("#ask-btn")
    page.wait_for_selector("#chat .rag-streaming", timeout=20_000)
    page.wait_for_function("""() => document.querySelector('#chat .bot-row')
                                    && !document.querySelector('#chat .rag-streaming')""", timeout=60_000)


def _stop_flags(app: SimpleNamespace) -> list[bool]:
    """The Stop flag of every page the server knows (LivePages keeps no public listing)."""
    return [page.stop.is_set() for page in list(app.handlers.pages._pages.values())]


def test_each_answer_has_one_feedback_control_and_it_records(browser: Any, app: SimpleNamespace) -> None:
    page = _open(browser, app)
    _ask(page, Q)
    assert page.locator("#fb-up, #fb-down, #fb-wrong").count() == 0  # no second set under the sources panel
    assert page.locator("#chat button[aria-label='Like']").count() == 1
    page.locator("#chat button[aria-label='Like']").last.click()
    page.wait_for_function("document.querySelector('#feedback-status').innerText.includes('“helpful”')",
                           timeout=30_000)
    assert page.locator("#feedback-status").is_visible()
    page.locator("#chat button[aria-label='Feedback']").last.click()
    page.locator("#chat .extra-feedback-option", has_text="Wrong citation").last.click()
    page.wait_for_function("document.querySelector('#feedback-status').innerText.includes('wrong citation')",
                           timeout=30_000)
    from rag.ui.feedback import read_feedback

    lines = [line for line in read_feedback(app.feedback) if line["question"] == Q]
    assert [line["feedback"] for line in lines] == ["up", "wrong_citation"]
    page.context.close()


_SAMPLER = """() => {
  window.__stopFrames = [];
  const sample = () => {
    const stop = document.querySelector('#stop-btn'), style = getComputedStyle(stop);
    const streaming = !!document.querySelector('#chat .rag-streaming');
    const opacity = parseFloat(style.opacity), deaf = style.pointerEvents === 'none';
    const wrong = streaming ? (stop.disabled || deaf || opacity < 0.99) : (!stop.disabled || !deaf || opacity > 0.5);
    if (wrong) window.__stopFrames.push({streaming, disabled: stop.disabled, deaf, opacity});
    window.__stopSampled = (window.__stopSampled || 0) + 1;
    if (!window.__stopDone) requestAnimationFrame(sample);
  };
  requestAnimationFrame(sample);
}"""


def _press_stop_with_the_keyboard(page: Any) -> None:
    page.focus("#stop-btn")
    page.keyboard.press("Enter")
    page.keyboard.press("Space")
    page.wait_for_timeout(800)


def test_stop_is_disabled_and_takes_no_keypress_while_nothing_streams(browser: Any, app: SimpleNamespace) -> None:
    page = _open(browser, app)
    assert page.evaluate("document.querySelector('#stop-btn').disabled")
    _press_stop_with_the_keyboard(page)  # right after page load
    assert page.evaluate("document.activeElement.id") != "stop-btn"
    assert not any(_stop_flags(app))

    # Every frame of an answer: Stop looks and acts live exactly while the chat shows it streaming (no fade
    # that looks live after the end, no enabled button with nothing to stop).
    page.evaluate(_SAMPLER)
    _ask(page, Q)
    page.wait_for_timeout(600)
    page.evaluate("window.__stopDone = true")
    assert page.evaluate("window.__stopSampled") > 20
    assert page.evaluate("window.__stopFrames") == []

    _press_stop_with_the_keyboard(page)  # just after the answer finished
    assert not any(_stop_flags(app))
    assert "Stopped" not in page.locator("#chat .bot-row").last.inner_text()
    _ask(page, Q)  # the next answer is not stopped by a press made before it was asked
    assert "2011" in page.locator("#chat .bot-row").last.inner_text()
    page.context.close()


_CONV_BUTTONS = ("#conv-rename", "#conv-delete")


def _conv_buttons_disabled(page: Any, disabled: bool) -> bool:
    """Whether Rename and Delete both have the ``disabled`` property ``disabled`` (given the page a moment)."""
    try:
        page.wait_for_function("([ids, want]) => ids.every((s) => document.querySelector(s).disabled === want)",
                               arg=[list(_CONV_BUTTONS), disabled], timeout=3_000)
        return True
    except Exception:  # noqa: BLE001 - Playwright's TimeoutError: not in that state
        return False


_CHECK_AND_READ = """(label) => {
  const entry = [...document.querySelectorAll('#conv-list label')].find((l) => l.innerText.includes(label));
  entry.querySelector('input').click();
  return ['#conv-rename', '#conv-delete'].map((s) => document.querySelector(s).disabled);
}"""
"""Check the list's radio for ``label`` as a click does; Rename's and Delete's ``disabled`` right after."""


def _tab_from_the_title_box(page: Any) -> str:
    """The id of the element Tab moves to from the rename box (Rename comes next in the page when it can act)."""
    page.focus("#conv-title input, #conv-title textarea")
    page.keyboard.press("Tab")
    return page.evaluate("(document.activeElement.closest('[id]') || {}).id || ''")


def _press_with_the_keyboard(page: Any, selector: str) -> None:
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.focus(selector)
    page.keyboard.press("Enter")
    page.keyboard.press("Space")
    page.wait_for_timeout(600)


def test_rename_and_delete_are_disabled_and_take_no_keypress_with_no_conversation_open(
        browser: Any, app: SimpleNamespace) -> None:
    page = _open(browser, app)  # a new browser: no saved conversation, none open
    assert page.locator("#conv-list input:checked").count() == 0
    assert _conv_buttons_disabled(page, True)
    assert _tab_from_the_title_box(page) not in ("conv-rename", "conv-delete")
    for selector in _CONV_BUTTONS:
        _press_with_the_keyboard(page, selector)
        assert page.evaluate("document.activeElement.id") not in ("conv-rename", "conv-delete")
    # Either key on either button would have answered "Open a saved conversation first."
    assert page.inner_text("#conv-status").strip() == ""

    _ask(page, Q)  # the answer is saved, and that conversation is open
    page.wait_for_selector("#conv-list input:checked", timeout=30_000)
    assert _conv_buttons_disabled(page, False)
    assert _tab_from_the_title_box(page) == "conv-rename"

    page.click("#clear-btn")  # a new, empty conversation: the radio is unset, the list stays as it was
    page.wait_for_function("() => !document.querySelector('#conv-list input:checked')", timeout=30_000)
    assert _conv_buttons_disabled(page, True)

    # Reopened from the list: live as soon as the radio is checked (a click changes no element of the
    # page, so not only once the server's reply redraws something).
    assert page.evaluate(_CHECK_AND_READ, Q) == [False, False]
    page.wait_for_function("document.querySelectorAll('#chat .bot-row').length === 1", timeout=15_000)
    assert _conv_buttons_disabled(page, False)

    page.fill("#conv-title input, #conv-title textarea", "Harbour notes")
    page.focus("#conv-rename")
    page.keyboard.press("Enter")  # Rename works from the keyboard once there is something to rename
    page.wait_for_function("document.querySelector('#conv-list').innerText.includes('Harbour notes')",
                           timeout=30_000)
    assert "Renamed." in page.inner_text("#conv-status")
    assert page.locator("#conv-list input:checked").count() == 1
    assert _conv_buttons_disabled(page, False)

    page.click("#conv-delete")
    page.locator("#conv-delete-confirm").wait_for(state="visible", timeout=30_000)
    page.click("#conv-delete-confirm")
    page.wait_for_function("!document.querySelector('#conv-list').innerText.includes('Harbour notes')",
                           timeout=30_000)
    page.wait_for_function("() => !document.querySelector('#conv-list input:checked')", timeout=30_000)
    assert "Deleted." in page.inner_text("#conv-status")
    assert _conv_buttons_disabled(page, True)
    for selector in _CONV_BUTTONS:
        _press_with_the_keyboard(page, selector)
    assert page.inner_text("#conv-status").strip() == "Deleted."
    page.context.close()


def test_the_sample_article_in_three_files_counts_once(browser: Any, app: SimpleNamespace) -> None:
    page = _open(browser, app)
    page.wait_for_selector("#sources .rag-corpus", timeout=30_000)
    corpus = page.inner_text("#sources .rag-corpus")
    assert "2 documents in 4 files" in corpus, corpus
    recent = page.locator("#sources .rag-recent li").all_inner_texts()
    # Once each, and the article by its title, not its .txt's file name ("000 37ea4592f850c55e").
    assert sorted(recent) == ["Azerbaijan’s September 2022 offensive against Armenia", "Tarvik harbour"], recent
    page.click("button[role=tab]:has-text('Documents')")
    page.wait_for_function("document.querySelector('#docs-table').innerText.includes('4 files')", timeout=30_000)
    table = page.inner_text("#docs-table")
    assert "Indexed documents (2 documents in 4 files)" in table
    # Still one row per file: files are what is added and removed.
    assert all(f"000_37ea4592f850c55e.{kind}" in table for kind in ("txt", "html", "pdf")) and "harbour.txt" in table
    page.context.close()


def test_repeated_toasts_do_not_stack_and_go_by_themselves(browser: Any, app: SimpleNamespace) -> None:
    from rag.ui.live import NOTICE_S

    page = _open(browser, app)
    for _ in range(4):
        page.click("#ask-btn")  # the box is empty
        page.wait_for_timeout(250)
    for _ in range(3):
        page.click("#regen-btn")  # nothing to regenerate
        page.wait_for_timeout(250)
    page.wait_for_timeout(500)
    texts = page.locator(".toast-message-text").all_inner_texts()
    assert texts.count("Type a question first.") == 1 and texts.count("Nothing to regenerate yet.") == 1, texts
    last_click = time.monotonic()
    page.wait_for_function("!document.querySelector('.toast-body')", timeout=(NOTICE_S + 2) * 1000)
    assert time.monotonic() - last_click < NOTICE_S + 2
    page.context.close()
