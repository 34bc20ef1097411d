"""The real app in headless Chromium and through gradio_client, over the sample corpus.

One server for the module (``rag.ui.app.serve`` in this process, login on), the
real embedding model, Debian's Chromium driven by Playwright. Screenshots of
each step go to ``artifacts/screenshots/``.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlparse

import pytest

from rag.testing_browser import login
from rag.testing_servers import free_port

REPO = Path(__file__).resolve().parents[2]
SAMPLE_DIR = REPO / "corpus" / "sample"
SAMPLE_TXT = SAMPLE_DIR / "000_37ea4592f850c55e.txt"
pytestmark = [pytest.mark.integration, pytest.mark.browser, pytest.mark.network]

SHOTS = REPO / "artifacts" / "screenshots"
PASSWORDS = {"alice": "alice-browser-pw", "bob": "bob-browser-pw"}
ARMENIA = "When did Armenia and Russia sign the mutual military assistance deal?"
OFF_CORPUS = "Who won the 2018 FIFA World Cup?"
UPLOAD_FACT = "The Varnholm naval exercise was first held in 1987 off the coast of Gotland, with six frigates."
UPLOAD_QUESTION = "When was the Varnholm naval exercise first held?"
SECRET_FACT = "Project Quillfeather was approved by the defence ministry on 14 June 2020 after a long review."
SECRET_QUESTION = "When was Project Quillfeather approved by the defence ministry?"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, real_embedder: Any) -> Iterator[SimpleNamespace]:
    """The sample corpus (open) plus one restricted document; alice is an analyst, bob is not."""
    from rag import Assistant
    from rag.ui.access import hash_password
    from rag.ui.app import serve
    from rag.ui.settings import UISettings
    from rag.ui.sources import document_id

    root = tmp_path_factory.mktemp("ui-browser")
    assistant = Assistant(index_dir=root / "index", embedder=real_embedder)
    assert assistant.ingest([SAMPLE_DIR], progress=False).ok
    secret = root / "restricted" / "quillfeather.txt"
    secret.parent.mkdir()
    secret.write_text(f"Quillfeather budget\n\n{SECRET_FACT}\n", encoding="utf-8")
    assert assistant.ingest([secret.parent], collection="restricted", progress=False).ok
    users = root / "users.toml"
    users.write_text(
        f'[users.alice]\npassword = "{hash_password(PASSWORDS["alice"], iterations=1000)}"\n'
        'groups = ["analysts"]\n'
        f'[users.bob]\npassword = "{hash_password(PASSWORDS["bob"], iterations=1000)}"\n'
        '[collections]\nrestricted = ["analysts"]\n', encoding="utf-8")
    settings = UISettings(corpus_dir=str(root / "corpus"), feedback_path=str(root / "feedback.jsonl"),
                          users_file=str(users))
    running = serve(assistant, port=free_port(), settings=settings, block=False, quiet=True)
    assert running is not None
    try:
        yield SimpleNamespace(url=running.url, root=root, settings=settings, secret_id=document_id(str(secret)))
    finally:
        running.close()


@pytest.fixture
def outside_requests() -> list[str]:
    return []


def _context(browser: Any, app: SimpleNamespace, outside: list[str]) -> Any:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    host = urlparse(app.url).netloc

    def record(request: Any) -> None:
        url = urlparse(request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.netloc != host:
            outside.append(request.url)

    context.on("request", record)
    return context


def _login(browser: Any, app: SimpleNamespace, user: str, outside: list[str]) -> Any:
    page = _context(browser, app, outside).new_page()
    login(page, app.url, user, PASSWORDS[user], timeout_ms=20_000)
    page.wait_for_function("document.querySelector('#who').innerText.includes('Signed in')", timeout=30_000)
    return page


def _ask(page: Any, question: str) -> str:
    """Type, send, wait for the verified answer; returns the last assistant message's text."""
    page.evaluate("""() => { window.__sawStreaming = false;
        new MutationObserver(() => { if (document.querySelector('#chat .rag-streaming')) window.__sawStreaming = true; })
          .observe(document.body, {subtree: true, childList: true, characterData: true}); }""")
    page.fill("#question textarea", question)
    page.click("#ask-btn")
    page.wait_for_function(
        """q => !document.querySelector('#chat .rag-streaming')
                && document.querySelector('#sources').innerText.includes(q)""",
        arg=question[:40], timeout=60_000)
    return page.locator("#chat .bot-row").last.inner_text()


def _open_tab(page: Any, name: str) -> None:
    page.click(f"button[role=tab]:has-text('{name}')")


def test_login_is_required(browser: Any, app: SimpleNamespace, outside_requests: list[str]) -> None:
    context = _context(browser, app, outside_requests)
    page = context.new_page()
    page.goto(app.url)
    page.wait_for_selector("input[type=password]", timeout=20_000)
    assert page.locator("#question").count() == 0
    page.screenshot(path=str(SHOTS / "01-login.png"))
    assert context.request.get(f"{app.url}/source/{app.secret_id}").status == 401
    assert context.request.get(f"{app.url}/viewer/{app.secret_id}").status == 401
    page.fill("input[type=text]", "bob")
    page.fill("input[type=password]", "not-his-password")
    page.click("button.primary")
    page.wait_for_selector("text=Incorrect user name or password", timeout=30_000)
    assert page.locator("#question").count() == 0
    context.close()
    assert outside_requests == []


def test_streamed_answer_with_citation_and_highlighted_source(
        browser: Any, app: SimpleNamespace, outside_requests: list[str]) -> None:
    page = _login(browser, app, "alice", outside_requests)
    answer = _ask(page, ARMENIA)
    assert "1997" in answer and re.search(r"\[\d+\]", answer), answer
    assert page.evaluate("window.__sawStreaming"), "the answer should stream in before it is verified"
    page.screenshot(path=str(SHOTS / "02-answer.png"))

    mark = page.locator("#sources mark").first
    assert mark.is_visible() and "1997" in mark.inner_text()
    summary = page.locator("#sources .rag-citation summary").first
    summary.click()  # fold the citation, then open it again as a reader would
    assert not mark.is_visible()
    summary.click()
    assert mark.is_visible()
    page.locator("#sources").screenshot(path=str(SHOTS / "03-sources-panel.png"))

    link = page.locator("#sources .rag-open-link").first.get_attribute("href")
    assert link and re.fullmatch(r"source/[0-9a-f]{32}(#page=\d+)?", link)
    response = page.context.request.get(f"{app.url}/{link.split('#')[0]}")
    assert response.status == 200
    assert response.headers["content-type"].split(";")[0] in ("application/pdf", "text/plain", "text/html")
    # Gradio's own file route must not hand out corpus files.
    assert page.context.request.get(f"{app.url}/gradio_api/file={SAMPLE_TXT}").status in (403, 404)

    page.locator("#chat button[aria-label='Like']").last.click()  # the chat's thumbs: the one feedback control
    page.wait_for_function("document.querySelector('#feedback-status').innerText.includes('helpful')")
    page.context.close()
    assert outside_requests == [], f"the page fetched outside resources: {outside_requests}"


def test_upload_a_file_then_ask_about_it(browser: Any, app: SimpleNamespace, outside_requests: list[str],
                                         tmp_path: Path) -> None:
    note = tmp_path / "varnholm_exercise.txt"
    note.write_text(f"Varnholm exercise\n\n{UPLOAD_FACT}\n", encoding="utf-8")
    page = _login(browser, app, "alice", outside_requests)
    _open_tab(page, "Documents")
    page.set_input_files("#upload-files input[type=file]", str(note))
    page.wait_for_selector("#upload-files :text('varnholm_exercise.txt')", timeout=20_000)
    page.click("#upload-btn")
    page.wait_for_function("document.querySelector('#upload-message').innerText.includes('indexed')",
                           timeout=60_000)
    results = page.inner_text("#upload-results")
    assert "varnholm_exercise.txt" in results and "added" in results
    assert "varnholm_exercise.txt" in page.inner_text("#docs-table")
    page.screenshot(path=str(SHOTS / "04-upload.png"), full_page=True)
    assert (app.settings.uploads_path / "default" / "varnholm_exercise.txt").is_file()

    _open_tab(page, "Ask")
    answer = _ask(page, UPLOAD_QUESTION)
    assert "1987" in answer and "[1]" in answer
    page.screenshot(path=str(SHOTS / "05-upload-answer.png"))
    page.context.close()
    assert outside_requests == []


def test_off_corpus_question_is_refused(browser: Any, app: SimpleNamespace, outside_requests: list[str]) -> None:
    page = _login(browser, app, "alice", outside_requests)
    answer = _ask(page, OFF_CORPUS)
    assert "No answer found" in answer and "do not contain" in answer
    assert page.locator("#sources .rag-refusal-box").is_visible()
    assert page.locator("#sources mark").count() == 0
    page.screenshot(path=str(SHOTS / "06-refusal.png"))
    # A second exchange, then a click on the first answer brings its sources (the refusal) back.
    # Long and pronoun-free, so the library reads it as a new question, not a follow-up.
    assert "1997" in _ask(page, "In which year did Armenia and Russia sign the treaty on mutual military "
                                "assistance between the two countries?")
    assert page.locator("#sources mark").count() >= 1
    page.locator("#chat .bot-row").first.locator(".message-content").click()
    page.wait_for_function("document.querySelector('#sources').innerText.includes('answer 1 of 2')")
    assert page.locator("#sources .rag-refusal-box").is_visible()
    page.click("#export-btn")
    page.wait_for_selector("#export-file a", timeout=20_000)
    _open_tab(page, "Options")
    page.wait_for_selector("#backend", state="visible")
    page.screenshot(path=str(SHOTS / "09-settings.png"))
    page.context.close()


def test_restricted_document_is_never_shown_outside_its_group(
        browser: Any, app: SimpleNamespace, outside_requests: list[str]) -> None:
    page = _login(browser, app, "bob", outside_requests)
    answer = _ask(page, SECRET_QUESTION)
    assert "No answer found" in answer and "14 June 2020" not in page.content()
    assert "quillfeather.txt" not in page.content()
    page.screenshot(path=str(SHOTS / "07-restricted-bob.png"))
    _open_tab(page, "Documents")
    page.wait_for_timeout(1000)
    assert "quillfeather" not in page.inner_text("#docs-table").lower()
    assert page.context.request.get(f"{app.url}/source/{app.secret_id}").status == 404
    assert page.context.request.get(f"{app.url}/viewer/{app.secret_id}?marks=0-10").status == 404
    page.context.close()

    page = _login(browser, app, "alice", outside_requests)
    assert "14 June 2020" in _ask(page, SECRET_QUESTION)
    viewer = page.context.request.get(f"{app.url}/viewer/{app.secret_id}?marks=20-60")
    assert viewer.status == 200 and "<mark" in viewer.text() and "sandbox" in viewer.headers["content-security-policy"]
    page.screenshot(path=str(SHOTS / "08-restricted-alice.png"))
    page.context.close()


def test_gradio_client_chat_endpoint(app: SimpleNamespace) -> None:
    from gradio_client import Client

    alice = Client(app.url, auth=("alice", PASSWORDS["alice"]), verbose=False)
    answer = alice.predict(ARMENIA, None, api_name="/chat")
    assert "1997" in answer and re.search(r"\[\d+\]", answer)
    follow_up = alice.predict("And what organisation is Armenia a member of?", [[ARMENIA, answer]],
                              api_name="/chat")
    assert "CSTO" in follow_up or "Collective Security" in follow_up, follow_up
    data = alice.predict(ARMENIA, api_name="/ask")
    assert data["citations"] and data["citations"][0]["quote"]
    bob = Client(app.url, auth=("bob", PASSWORDS["bob"]), verbose=False)
    refused = bob.predict(SECRET_QUESTION, None, api_name="/chat")
    assert "14 June 2020" not in refused and "do not contain" in refused
    data = bob.predict(SECRET_QUESTION, api_name="/ask")
    assert "quillfeather" not in str(data).lower().replace(SECRET_QUESTION.lower(), "")
    from gradio_client.exceptions import AuthenticationError

    with pytest.raises(AuthenticationError):
        Client(app.url, verbose=False).predict(ARMENIA, None, api_name="/chat")
    with pytest.raises(ValueError, match="Could not login"):
        Client(app.url, auth=("bob", "not-his-password"), verbose=False)


def test_ten_simultaneous_users(app: SimpleNamespace) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("load_test", REPO / "scripts" / "load_test.py")
    load_test = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["load_test"] = load_test  # its dataclasses look their module up while being defined
    spec.loader.exec_module(load_test)  # type: ignore[union-attr]
    started = time.perf_counter()
    summary = load_test.run(app.url, users=10, turns=2, auth=("alice", PASSWORDS["alice"]), timeout=90)
    assert summary["errors"] == 0, summary["error_messages"]
    assert summary["calls"] == 20 and time.perf_counter() - started < 90


def test_summarise_the_article_in_the_chat(browser: Any, app: SimpleNamespace, outside_requests: list[str]) -> None:
    # alice reads the sample article and the restricted memo (and whatever another test uploaded): two or more
    # documents could be meant, so the chat asks which, listing the closest.
    page = _login(browser, app, "alice", outside_requests)
    answer = _ask(page, "Summarise the article.")
    assert "Name the one to summarise" in answer and "Closest documents" in answer
    # Named, it is summarised in cited bullets, each quote marked in the sources panel.
    answer = _ask(page, "Summarise the article about Azerbaijan's offensive against Armenia.")
    assert "In the early hours of September 13, 2022" in answer and "do not contain" not in answer
    assert page.locator("#chat .bot-row").last.locator("li").count() >= 3
    assert page.locator("#sources mark").count() >= 3
    page.screenshot(path=str(SHOTS / "10-summary.png"))
    page.context.close()
