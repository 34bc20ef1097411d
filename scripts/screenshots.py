"""Screenshots of the web chat's main states, for the README and for reviewing a change by eye.

Starts the app over the sample corpus (the real embedding model, the offline
extractive backend) in this process, drives Debian's Chromium with Playwright
and writes PNGs to ``artifacts/screenshots/readme/`` (git-ignored):

01-first-screen, 02-answer-with-sources, 03-pdf-viewer, 04-refusal, 05-dark-mode, 06-mobile.

Usage:
    .venv/bin/python scripts/screenshots.py [--out DIR] [--index DIR]

``--index`` reuses an index of ``corpus/sample``; without it one is built in a
temporary folder (a minute on two cores).
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

log = logging.getLogger("screenshots")
SAMPLE = REPO / "corpus" / "sample"
QUESTION = "When did Armenia and Russia sign the mutual military assistance deal?"
OFF_CORPUS = "Who won the 2018 FIFA World Cup?"


def _ask(page: Any, question: str, answers: int) -> None:
    page.fill("#question textarea", question)
    page.click("#ask-btn")
    page.wait_for_function(
        """n => document.querySelectorAll('#chat .bot-row').length === n
               && !document.querySelector('#chat .rag-streaming')
               && document.querySelector('#sources').innerText.includes('answer ' + n + ' of')""",
        arg=answers, timeout=120_000)


def _open(browser: Any, url: str, width: int = 1366, height: int = 900, scheme: str = "light") -> Any:
    page = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme).new_page()
    page.goto(f"{url}/?__theme={scheme}")
    page.wait_for_selector("#question textarea", timeout=60_000)
    page.wait_for_selector("#sources .rag-welcome", timeout=30_000)
    return page


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "artifacts" / "screenshots" / "readme")
    parser.add_argument("--index", type=Path, default=None, help="an index of corpus/sample to reuse")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    from rag import Assistant
    from rag.testing_browser import chromium
    from rag.testing_servers import free_port
    from rag.ui.app import serve
    from rag.ui.settings import UISettings
    from rag.ui.sources import document_id

    work = Path(tempfile.mkdtemp(prefix="rag-screens-"))
    index = args.index or work / "index"
    assistant = Assistant(index_dir=index, backend="extractive")
    if args.index is None:
        log.info("indexing %s …", SAMPLE)
        assistant.ingest([SAMPLE], progress=False)
    settings = UISettings(corpus_dir=str(work / "corpus"), feedback_path=str(work / "feedback.jsonl"))
    running = serve(assistant, port=free_port(), settings=settings, block=False, quiet=True)
    assert running is not None
    args.out.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []

    def shot(page: Any, name: str, **kwargs: Any) -> None:
        path = args.out / f"{name}.png"
        page.screenshot(path=str(path), **kwargs)
        shots.append(path)

    try:
        with chromium() as browser:
            page = _open(browser, running.url)
            shot(page, "01-first-screen")
            _ask(page, QUESTION, 1)
            shot(page, "02-answer-with-sources")

            # The PDF viewer: a passage of the sample PDF, as the panel's "Show the page" opens it.
            pdf = next(d.source for d in assistant.documents() if d.source.endswith(".pdf"))
            answer = running.service.ask(QUESTION, options=_only(pdf, document_id), user=None)
            citation = answer["citations"][0]
            viewer = page.context.new_page()
            viewer.set_viewport_size({"width": 900, "height": 1000})
            viewer.goto(f"{running.url}/viewer/{document_id(pdf)}?marks={citation['quote_start']}-"
                        f"{citation['quote_end']}#hit")
            viewer.wait_for_selector("img", timeout=30_000)
            shot(viewer, "03-pdf-viewer")
            page.context.close()

            page = _open(browser, running.url)
            _ask(page, OFF_CORPUS, 1)
            shot(page, "04-refusal")
            page.context.close()

            page = _open(browser, running.url, scheme="dark")
            _ask(page, QUESTION, 1)
            shot(page, "05-dark-mode")
            page.context.close()

            page = _open(browser, running.url, width=390, height=844)
            shot(page, "06-mobile", full_page=True)
            page.context.close()
    finally:
        running.close()
    for path in shots:
        log.info("%s (%d KB)", path.relative_to(REPO) if path.is_relative_to(REPO) else path,
                 path.stat().st_size // 1024)
    return 0


def _only(source: str, document_id: Any) -> Any:
    from rag.ui.service import AskOptions

    return AskOptions(sources=(document_id(source),))


if __name__ == "__main__":
    raise SystemExit(main())
