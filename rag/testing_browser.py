"""Debian's headless Chromium, driven by Playwright, for the browser tests and ``scripts/screenshots.py``.

One definition of the Chromium binary, its flags (no sandbox, no GPU, no
background traffic, no updates) and the app's login form, so every browser
check starts and signs in the same way. Playwright is imported only when a
browser starts.

Example:
    >>> with chromium() as browser:  # doctest: +SKIP
    ...     page = browser.new_context().new_page()
    ...     login(page, url, "alice", "her-password")
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
"""Debian's Chromium (``apt-get install -y chromium``); Playwright's own download is never used."""

CHROMIUM_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run")
"""Flags for a headless run that reaches no server but the app under test."""


@contextmanager
def chromium(executable: Path = CHROMIUM) -> Iterator[Any]:
    """Start headless Chromium from ``executable``; yield the Playwright ``Browser`` and close it on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), args=list(CHROMIUM_ARGS))
        try:
            yield browser
        finally:
            browser.close()


def login(page: Any, url: str, user: str, password: str, timeout_ms: int = 30_000) -> None:
    """Open the app at ``url`` in ``page``, sign in as ``user``, and wait until the question box shows."""
    page.goto(url)
    page.fill("input[type=text]", user)
    page.fill("input[type=password]", password)
    page.click("button.primary")
    page.wait_for_selector("#question textarea", timeout=timeout_ms)
