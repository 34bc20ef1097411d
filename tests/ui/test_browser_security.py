"""Issue 9.7 in headless Chromium: logout ends the session in the same tab, and another tab of the
same user gets a clear "signed out" message on its next question instead of a bare error."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from tests.ui.test_browser import SECRET_QUESTION, SHOTS, _ask, _login, app, outside_requests  # noqa: F401

pytestmark = [pytest.mark.integration, pytest.mark.browser, pytest.mark.network]


def test_logout_ends_the_session_in_the_same_tab(browser: Any, app: SimpleNamespace,  # noqa: F811
                                                 outside_requests: list[str]) -> None:  # noqa: F811
    page = _login(browser, app, "alice", outside_requests)
    assert "14 June 2020" in _ask(page, SECRET_QUESTION)
    other = page.context.new_page()  # a second tab of the same browser session
    other.goto(app.url)
    other.wait_for_selector("#question textarea", timeout=20_000)

    page.click("#logout-btn")
    page.wait_for_selector("input[type=password]", timeout=20_000)
    assert len(page.context.pages) == 2  # no new tab was opened
    assert "Quillfeather" not in page.content() and "14 June 2020" not in page.content()
    assert page.request.get(f"{app.url}/gradio_api/user").json() is None

    seen: list[str] = []
    other.on("response", lambda r: seen.append(f"{r.request.method} {r.url} {r.status}"))
    other.on("console", lambda m: seen.append(f"console {m.type}: {m.text}"))
    other.fill("#question textarea", SECRET_QUESTION)
    other.click("#ask-btn")
    try:
        other.wait_for_function("document.body.innerText.includes('You are signed out')", timeout=20_000)
    except Exception:  # say what the page got instead
        raise AssertionError("\n".join(seen) + "\n----\n" + other.inner_text("body")[-2000:]) from None
    toast = other.locator(".toast-body", has_text="You are signed out")
    other.wait_for_function("""() => [...document.querySelectorAll('.toast-body')].some(
        e => e.innerText.includes('signed out') && getComputedStyle(e).opacity === '1')""", timeout=30_000)
    assert toast.is_visible() and "Reload the page to sign in again" in toast.inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    other.screenshot(path=str(SHOTS / "10-signed-out.png"))
    assert "14 June 2020" not in other.locator("#chat").inner_text()
    assert not outside_requests
