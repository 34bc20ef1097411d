"""The staff chat in headless Chromium (issue 11): the defects a reader met, one test each.

A small corpus, the package's FakeEmbedder and a slow chat model that answers
by keyword (``tests/ui/chat_fakes.py``), so an answer streams for a few seconds
as with a real model server; the real app (``rag.ui.app.serve``), the real
Chromium. Screenshots go to ``artifacts/screenshots/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlparse

import pytest

from rag.testing_browser import served_chat

pytestmark = [pytest.mark.integration, pytest.mark.browser, pytest.mark.network]

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "artifacts" / "screenshots"

TRUCE = ("Truce talks\n\nFrance, the US, Norway and Ireland condemned the strike within hours of the attack. "
         "The ceasefire itself was a product of American pressure on both sides of the border.\n")
HARBOUR = ("Tarvik harbour\n\nThe new harbour at Tarvik opened in 2011 after four years of building work. "
           "It handles grain and timber shipments for the whole northern coast.\n")
Q_TRUCE = "Which countries condemned the strike, and what produced the ceasefire?"
Q_HARBOUR = "When did the Tarvik harbour open?"
Q_INVENTED = "What does the Tarvik harbour handle besides its opening year?"
OFF_CORPUS = "Who won the 2018 FIFA World Cup?"
QUAY = "The Ostrava quay report found that the eastern pier needs new pilings before the winter storms."
Q_QUAY = "What did the Ostrava quay report find about the pier?"
ROUTES = [
    ("quay report", "The Ostrava quay report found that the eastern pier needs new pilings [1]."),
    ("condemned the strike", "France, the US, Norway and Ireland condemned the strike within hours [1]. "
                             "The ceasefire was a product of American pressure on both sides [1]."),
    ("handle besides", "The new harbour at Tarvik opened in 2011 [1]. It handles grain and timber [42]."),
    ("harbour open", "The new harbour at Tarvik opened in 2011 after four years of building work [1]."),
]


def _write_pdf(path: Path, title: str, text: str) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setTitle(title)
    pdf.setFont("Helvetica-Bold", 16)
    pdf.drawString(72, 770, title)
    pdf.setFont("Helvetica", 11)
    pdf.drawString(72, 740, text[:60])
    pdf.drawString(72, 724, text[60:])
    pdf.showPage()
    pdf.save()


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    root = tmp_path_factory.mktemp("chat-browser")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "truce.txt").write_text(TRUCE, encoding="utf-8")
    (corpus / "harbour.txt").write_text(HARBOUR, encoding="utf-8")
    _write_pdf(corpus / "quay.pdf", "Ostrava quay report", QUAY)
    with served_chat(root, ROUTES, delay_s=0.12) as running:
        yield running


def _open(browser: Any, app: SimpleNamespace, query: str = "", **context: Any) -> Any:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, **context)
    host = urlparse(app.url).netloc
    outside: list[str] = []
    ctx.on("request", lambda r: outside.append(r.url) if urlparse(r.url).netloc not in (host, "") and
           urlparse(r.url).scheme in ("http", "https", "ws", "wss") else None)
    page = ctx.new_page()
    page.outside = outside  # type: ignore[attr-defined]
    page.goto(app.url + "/" + query)
    page.wait_for_selector("#question textarea", timeout=30_000)
    return page


def _send(page: Any, question: str, how: str = "click") -> None:
    page.fill("#question textarea", question)
    if how == "enter":
        page.press("#question textarea", "Enter")
    else:
        page.click("#ask-btn")


def _settled(page: Any, answers: int, timeout: int = 60_000) -> None:
    """Wait until the chat shows ``answers`` finished answers and nothing streams or waits."""
    page.wait_for_function(
        """n => document.querySelectorAll('#chat .bot-row').length === n
               && !document.querySelector('#chat .rag-streaming')
               && !document.querySelector('#chat .rag-queued-question')
               && document.querySelector('#sources').innerText.includes('answer ' + n + ' of ' + n)""",
        arg=answers, timeout=timeout)


def _ask(page: Any, question: str, answers: int = 1) -> None:
    _send(page, question)
    _settled(page, answers)


def test_a_question_sent_while_an_answer_streams_is_answered_next(browser: Any, app: SimpleNamespace) -> None:
    page = _open(browser, app)
    _send(page, Q_TRUCE, how="enter")
    page.wait_for_selector("#chat .rag-streaming", timeout=20_000)
    _send(page, Q_HARBOUR, how="click")
    page.wait_for_selector("#chat .rag-queued-question", timeout=30_000)
    page.screenshot(path=str(SHOTS / "chat-queued.png"))
    _settled(page, 2)
    users = page.locator("#chat .user-row").all_inner_texts()
    bots = page.locator("#chat .bot-row").all_inner_texts()
    assert len(users) == 2 and Q_TRUCE in users[0] and Q_HARBOUR in users[1], users
    assert len(bots) == 2 and "condemned" in bots[0] and "2011" in bots[1], bots
    assert page.input_value("#question textarea") == ""
    assert page.outside == []  # type: ignore[attr-defined]
    page.context.close()


def test_the_chat_trash_icon_clears_sources_history_and_export(browser: Any, app: SimpleNamespace) -> None:
    page = _open(browser, app)
    _ask(page, Q_HARBOUR)
    _ask(page, Q_TRUCE, answers=2)
    page.locator("#chat button[aria-label='Clear']").click()
    page.wait_for_function("document.querySelector('#sources .rag-welcome') !== null",
                           timeout=30_000)
    assert page.locator("#chat .user-row").count() == 0
    page.click("#export-btn")  # nothing left to export
    page.wait_for_timeout(1500)
    assert page.locator("#export-file a").count() == 0
    _ask(page, Q_HARBOUR, answers=1)  # the next question starts a new conversation: one turn, not three
    assert page.locator("#chat .user-row").count() == 1
    page.context.close()


_CONTRAST_JS = """sel => {
  const rgba = s => { const m = s.match(/[\\d.]+/g).map(Number); return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
                     return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const background = el => {  // the colour behind el: its own and its ancestors' backgrounds, blended
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let out = [255, 255, 255];
    for (const c of layers.reverse()) out = out.map((v, i) => v * (1 - c[3]) + c[i] * c[3]);
    return out;
  };
  return [...document.querySelectorAll(sel)].filter(e => e.innerText.trim()).map(e => {
    const fg = rgba(getComputedStyle(e).color), bg = background(e);
    const blended = fg.slice(0, 3).map((v, i) => v * fg[3] + bg[i] * (1 - fg[3]));
    const [a, b] = [lum(blended), lum(bg)].sort((x, y) => y - x);
    return {text: e.innerText.slice(0, 40), ratio: (a + 0.05) / (b + 0.05)};
  });
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_refusal_text_is_readable_in_light_and_dark_themes(browser: Any, app: SimpleNamespace,
                                                           scheme: str) -> None:
    page = _open(browser, app, f"?__theme={scheme}", color_scheme=scheme)
    assert page.evaluate("document.body.classList.contains('dark')") == (scheme == "dark")
    _ask(page, OFF_CORPUS)
    assert page.locator("#sources .rag-refusal-box").is_visible()
    page.screenshot(path=str(SHOTS / f"chat-refusal-{scheme}.png"))
    measured = (page.evaluate(_CONTRAST_JS, "#sources .rag-refusal-box, #sources .rag-refusal-box *")
                + page.evaluate(_CONTRAST_JS, "#chat .rag-refusal, #chat .rag-refusal *"))
    assert len(measured) >= 3, measured
    low = [m for m in measured if m["ratio"] < 4.5]
    assert not low, f"refusal text below 4.5:1 in the {scheme} theme: {low}"
    page.context.close()


def test_two_sentences_citing_one_passage_show_two_quotes_and_export_them(
        browser: Any, app: SimpleNamespace) -> None:
    page = _open(browser, app)
    _ask(page, Q_TRUCE)
    citations = page.locator("#sources .rag-citation")
    assert citations.count() == 1
    marks = citations.first.locator("mark").all_inner_texts()
    assert len(marks) == 2 and "condemned" in marks[0] and "American pressure" in marks[1], marks
    page.screenshot(path=str(SHOTS / "chat-two-quotes.png"))
    page.click("#export-btn")
    page.wait_for_selector("#export-file a", timeout=20_000)
    href = page.locator("#export-file a").first.get_attribute("href")
    markdown = page.context.request.get(href if href.startswith("http") else f"{app.url}/{href.lstrip('/')}").text()
    entries = markdown.split("## Bibliography", 1)[1].split("**[2]**")
    assert "condemned. [1]" not in markdown and re.search(r"hours\. \[1\].*sides\. \[2\]", markdown), markdown
    assert "condemned" in entries[0] and "American pressure" not in entries[0], markdown
    assert "American pressure" in entries[1] and "condemned" not in entries[1], markdown
    page.context.close()


def test_an_invented_citation_is_reported_in_words(browser: Any, app: SimpleNamespace) -> None:
    page = _open(browser, app)
    _ask(page, Q_INVENTED)
    answer = page.locator("#chat .bot-row").last.inner_text()
    assert "cited passage [42], which does not exist" in answer, answer
    assert "[42]" in page.inner_text("#sources")
    page.context.close()


def test_clicking_a_citation_opens_its_source_and_the_in_app_viewer(browser: Any, app: SimpleNamespace) -> None:
    page = _open(browser, app)
    _ask(page, Q_TRUCE)
    _ask(page, Q_HARBOUR, answers=2)
    link = page.locator("#chat .bot-row").first.locator("a.rag-cite-link").first
    assert "condemned" in (link.get_attribute("title") or "")  # hovering shows the quote
    link.click()
    page.wait_for_function("document.querySelector('#sources').innerText.includes('answer 1 of 2')",
                           timeout=30_000)
    mark = page.locator("#sources #rag-cite-1 mark").first
    mark.wait_for(state="visible")
    assert "condemned" in page.locator("#sources #rag-cite-1").inner_text()
    assert page.evaluate("""() => { const r = document.querySelector('#sources #rag-cite-1 mark')
                                                    .getBoundingClientRect();
                                    return r.top >= 0 && r.bottom <= window.innerHeight; }""")
    page.locator("#sources #rag-cite-1 .rag-viewer summary").click()
    frame = page.frame_locator("#sources #rag-cite-1 iframe.rag-viewer-frame")
    assert "condemned" in frame.locator("mark").first.inner_text(timeout=15_000)
    page.screenshot(path=str(SHOTS / "chat-viewer-text.png"))

    _ask(page, Q_QUAY, answers=3)
    page.locator("#sources #rag-cite-1 .rag-viewer summary").click()
    image = page.frame_locator("#sources #rag-cite-1 iframe.rag-viewer-frame").locator("img")
    image.wait_for(timeout=20_000)
    assert image.evaluate("img => img.complete && img.naturalWidth > 500")
    page.locator("#sources").screenshot(path=str(SHOTS / "chat-viewer-pdf.png"))
    assert page.outside == []  # type: ignore[attr-defined]
    page.context.close()


def test_copy_regenerate_edit_and_stop(browser: Any, app: SimpleNamespace) -> None:
    page = _open(browser, app, permissions=["clipboard-read", "clipboard-write"])
    _ask(page, Q_HARBOUR)
    page.click("#copy-btn")
    page.wait_for_function("document.querySelector('#copy-status').innerText.includes('Copied')",
                           timeout=30_000)
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("The new harbour at Tarvik opened in 2011") and "\n\n[1] Tarvik harbour" in copied

    page.click("#regen-btn")
    page.wait_for_selector("#chat .rag-streaming", timeout=30_000)
    _settled(page, 1)
    assert page.locator("#chat .user-row").count() == 1

    page.click("#edit-btn")
    page.wait_for_function("document.querySelector('#question textarea').value.includes('Tarvik')",
                           timeout=30_000)
    assert page.locator("#chat .user-row").count() == 0
    page.fill("#question textarea", Q_TRUCE)
    page.click("#ask-btn")
    page.wait_for_selector("#chat .rag-streaming", timeout=30_000)
    page.click("#stop-btn")
    page.wait_for_function("""() => !document.querySelector('#chat .rag-streaming')
                                    && document.querySelector('#chat .bot-row')""", timeout=20_000)
    assert "Stopped" in page.locator("#chat .bot-row").last.inner_text()
    assert page.locator("#chat .user-row").count() == 1
    page.context.close()


def test_filters_show_as_chips_and_explain_a_refusal(browser: Any, app: SimpleNamespace) -> None:
    page = _open(browser, app)
    assert page.locator("#filter-chips .rag-chip").count() == 0
    page.click("button[role=tab]:has-text('Options')")
    page.fill("#filter-date-from textarea, #filter-date-from input", "2030-01-01")
    page.press("#filter-date-from textarea, #filter-date-from input", "Tab")
    page.click("button[role=tab]:has-text('Ask')")
    page.wait_for_selector("#filter-chips .rag-chip", timeout=30_000)
    assert "Published from 2030-01-01" in page.inner_text("#filter-chips")
    assert "without a date" in page.inner_text("#filter-chips")
    _ask(page, Q_HARBOUR)
    assert "Filters were on" in page.inner_text("#sources")
    # Values changed in quick succession: the chips end on the last ones, not on a late answer for earlier ones.
    page.click("button[role=tab]:has-text('Options')")
    for value in ("2031-01-01", "2032-06-30", ""):
        page.fill("#filter-date-from textarea, #filter-date-from input", value)
    page.fill("#filter-date-to textarea, #filter-date-to input", "2033-01-01")
    page.click("button[role=tab]:has-text('Ask')")
    page.wait_for_function("document.querySelector('#filter-chips').innerText.includes('2033-01-01')",
                           timeout=30_000)
    page.wait_for_timeout(1000)
    chips = page.inner_text("#filter-chips")
    assert "Published until 2033-01-01" in chips and not any(y in chips for y in ("2030", "2031", "2032")), chips
    page.context.close()
