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


@contextmanager
def served_chat(root: Path, routes: Any, delay_s: float = 0.12) -> Iterator[Any]:
    """The web chat over the files in ``root / "corpus"``, answered by :func:`rag.testing.routed_chat_model`.

    Indexes the corpus under ``root / "index"`` with the fake embedder, serves the app on a free port
    (feedback to ``root / "feedback.jsonl"``) and yields ``SimpleNamespace(url=..., root=root)``;
    the server stops on exit. ``routes`` and ``delay_s`` go to ``routed_chat_model``.
    """
    from types import SimpleNamespace

    from rag import Assistant
    from rag.testing import FakeEmbedder, routed_chat_model
    from rag.testing_servers import free_port
    from rag.ui.app import serve
    from rag.ui.settings import UISettings

    corpus = root / "corpus"
    assistant = Assistant(index_dir=root / "index", embedder=FakeEmbedder(), backend="openai",
                          chat_model=routed_chat_model(routes, delay_s=delay_s))
    if not assistant.ingest([corpus], progress=False).ok:
        raise RuntimeError(f"served_chat: {corpus} could not be indexed")
    settings = UISettings(corpus_dir=str(corpus), feedback_path=str(root / "feedback.jsonl"))
    running = serve(assistant, port=free_port(), settings=settings, block=False, quiet=True)
    if running is None:
        raise RuntimeError("served_chat: the app did not start")
    try:
        yield SimpleNamespace(url=running.url, root=root)
    finally:
        running.close()
