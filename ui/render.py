"""Pure rendering: answers in the chat, the sources panel, the Markdown export.

Everything here takes plain data (an ``Answer.to_dict()`` and the question it
answered) and returns strings, so it is tested without a browser. All document
text is untrusted and goes through :func:`html.escape` before it meets markup;
the only tags emitted are our own.

A *turn* is one exchange, as the app keeps it in its session state::

    {"question": str, "answer": Answer.to_dict() | None, "error": str | None, "time": ISO 8601}

Example:
    >>> html = passage_html({"text": "a <b> c", "start": 10, "quote_start": 12, "quote_end": 15})
    >>> html
    'a <mark>&lt;b&gt;</mark> c'
"""

from __future__ import annotations

import html
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping, Sequence

from ui.sources import source_url

Turn = Mapping[str, Any]

_MARKER = re.compile(r"\[(\d+)\]")


def _e(text: Any) -> str:
    return html.escape(str(text if text is not None else ""), quote=True)


def _html_block(inner: str, cls: str) -> str:
    """Chat content as one HTML block: Markdown leaves it alone, so document text cannot become
    links, emphasis or tags. A blank line would end the block, hence no raw newlines."""
    return f'<div class="{cls}">{inner}</div>'


def _lines(text: str) -> str:
    return _e(text).replace("\r\n", "\n").replace("\n", "<br>")


def _related_label(related: Mapping[str, Any]) -> str:
    """Title and file name: renderings of one article (PDF, HTML) share a title."""
    name = Path(str(related.get("source", ""))).name
    title = related.get("title") or name
    return f"{_e(title)} ({_e(name)})" if title != name else _e(name)


def _markers(citations: Sequence[int]) -> str:
    return "".join(f"[{int(n)}]" for n in citations)


# ----------------------------------------------------------------------------- chat messages
def question_html(question: str) -> str:
    """A user's question, escaped, for the chat."""
    return _html_block(_lines(question), "rag-question")


def streaming_html(partial: str) -> str:
    """The answer while it streams in (not yet verified)."""
    return _html_block(_lines(partial) + '<span class="rag-cursor"> ▌</span>', "rag-answer rag-streaming")


def error_html(message: str) -> str:
    return _html_block("⚠ " + _lines(message), "rag-error")


def answer_html(answer: Mapping[str, Any]) -> str:
    """A verified answer for the chat: ``[n]`` markers kept, unsupported sentences marked."""
    if answer.get("refused"):
        related = answer.get("related") or []
        closest = ""
        if related:
            closest = "<br>Closest documents: " + "; ".join(_related_label(r) for r in related)
        return _html_block(f'<strong>No answer found.</strong> {_lines(answer.get("answer", ""))}{closest}',
                           "rag-answer rag-refusal")
    sentences = answer.get("sentences") or []
    if not sentences:
        return _html_block(_lines(answer.get("answer", "")), "rag-answer")
    parts = []
    for s in sentences:
        text = f"{_lines(s['text'])} {_markers(s.get('citations', []))}".rstrip()
        if s.get("supported", True):
            parts.append(text)
        else:
            parts.append(f'<span class="rag-unsupported" title="The cited passage does not support this '
                         f'sentence (support {float(s.get("support", 0.0)):.2f})">⚠ {text}</span>')
    return _html_block(" ".join(parts), "rag-answer")


def turn_messages(turns: Sequence[Turn]) -> list[dict[str, str]]:
    """Chatbot messages for the turns: exactly two per turn, so message ``i`` is turn ``i // 2``."""
    messages: list[dict[str, str]] = []
    for turn in turns:
        messages.append({"role": "user", "content": question_html(turn["question"])})
        if turn.get("answer") is not None:
            content = answer_html(turn["answer"])
        else:
            content = error_html(turn.get("error") or "no answer")
        messages.append({"role": "assistant", "content": content})
    return messages


# ----------------------------------------------------------------------------- sources panel
def passage_html(citation: Mapping[str, Any]) -> str:
    """The cited passage with its quote in ``<mark>``; all of it escaped.

    ``quote_start``/``quote_end`` are document offsets; the passage starts at ``start``.
    """
    text = str(citation.get("text") or "")
    start = int(citation.get("start") or 0)
    qs, qe = citation.get("quote_start"), citation.get("quote_end")
    if qs is None or qe is None:
        return _e(text)
    a, b = int(qs) - start, int(qe) - start
    if not 0 <= a < b <= len(text):
        return _e(text)
    return f"{_e(text[:a])}<mark>{_e(text[a:b])}</mark>{_e(text[b:])}"


def _doc_link(source: str, title: str, page: int | None = None) -> str:
    label = _e(title or Path(source).name)
    return (f'<a class="rag-open" href="{_e(source_url(source, page))}" target="_blank" '
            f'rel="noopener noreferrer">{label}</a>')


def citation_html(citation: Mapping[str, Any]) -> str:
    source = str(citation.get("source", ""))
    page = citation.get("page")
    where = [f"p. {int(page)}"] if page is not None else []
    where.append(_e(Path(source).name))
    return (f'<details class="rag-citation" id="rag-cite-{int(citation["id"])}" open>'
            f'<summary><span class="rag-cite-n">[{int(citation["id"])}]</span> '
            f'{_doc_link(source, str(citation.get("title") or ""), page)}'
            f' <span class="rag-cite-where">· {" · ".join(where)}</span></summary>'
            f'<blockquote class="rag-passage">{passage_html(citation)}</blockquote>'
            f'<a class="rag-open-link" href="{_e(source_url(source, page))}" target="_blank" '
            f'rel="noopener noreferrer">Open source{f" at page {int(page)}" if page is not None else ""} ↗</a>'
            f'</details>')


def sentences_html(sentences: Sequence[Mapping[str, Any]]) -> str:
    if not sentences:
        return ""
    items = []
    for s in sentences:
        ok = bool(s.get("supported"))
        badge = (f'<span class="rag-badge rag-ok">✔ supported {float(s.get("support", 0)):.2f}</span>' if ok else
                 f'<span class="rag-badge rag-bad">⚠ unsupported {float(s.get("support", 0)):.2f}</span>')
        items.append(f'<li class="{"rag-supported" if ok else "rag-unsupported"}">{_e(s.get("text", ""))} '
                     f'{_markers(s.get("citations", []))} {badge}</li>')
    return f'<details class="rag-verification"><summary>Verification</summary><ul>{"".join(items)}</ul></details>'


def sources_html(turns: Sequence[Turn], selected: int | None) -> str:
    """The sources panel for turn ``selected`` (the latest when None)."""
    if not turns:
        return ('<div class="rag-sources rag-empty">Ask a question: the passages each answer cites '
                'will appear here, with the quoted words highlighted.</div>')
    index = len(turns) - 1 if selected is None or not 0 <= selected < len(turns) else selected
    turn = turns[index]
    head = (f'<div class="rag-sources-head">Sources for answer {index + 1} of {len(turns)}'
            f'{" (latest)" if index == len(turns) - 1 else ""}: '
            f'<q>{_e(turn["question"])}</q></div>')
    answer = turn.get("answer")
    if answer is None:
        return f'<div class="rag-sources">{head}<div class="rag-error">⚠ {_e(turn.get("error"))}</div></div>'
    if answer.get("refused"):
        related = answer.get("related") or []
        items = "".join(f'<li>{_doc_link(r["source"], r.get("title", ""))} '
                        f'<span class="rag-score">{_e(Path(str(r["source"])).name)} · '
                        f'similarity {float(r.get("score", 0)):.2f}</span></li>'
                        for r in related)
        body = ('<div class="rag-refusal-box"><strong>No answer in the sources.</strong> '
                f'<p>{_e(answer.get("answer", ""))}</p>'
                + (f'<p>Closest documents:</p><ul class="rag-related">{items}</ul>' if items else
                   '<p>No document came close.</p>')
                + '</div>' + sentences_html(answer.get("sentences") or []))
        return f'<div class="rag-sources">{head}{body}</div>'
    unsupported = [s for s in answer.get("sentences") or [] if not s.get("supported")]
    warning = (f'<div class="rag-warning">⚠ {len(unsupported)} sentence(s) not supported by the passage '
               'they cite; they are marked in the answer.</div>' if unsupported else "")
    citations = "".join(citation_html(c) for c in answer.get("citations") or [])
    if not citations:
        citations = '<p class="rag-empty">This answer cites no passage.</p>'
    return (f'<div class="rag-sources">{head}{warning}{citations}'
            f'{sentences_html(answer.get("sentences") or [])}</div>')


# ----------------------------------------------------------------------------- export
def _md_text(text: str) -> str:
    """Document text for a Markdown file: inert for renderers, still readable as plain text."""
    text = " ".join(str(text).split())
    return re.sub(r"([\\`*_<>\[\]|])", r"\\\1", text)


def export_markdown(turns: Sequence[Turn], *, title: str = "Research assistant", user: str | None = None,
                    now: datetime | None = None) -> str:
    """The conversation as Markdown, markers renumbered into one numbered bibliography.

    Each answer's ``[n]`` is local to it; the export gives every distinct cited
    passage one number across the conversation so the bibliography has no repeats.
    """
    now = now or datetime.now(timezone.utc)
    bibliography: dict[tuple[str, int, int], tuple[int, Mapping[str, Any]]] = {}
    out = [f"# {_md_text(title)}: conversation", "",
           f"Exported {now.strftime('%Y-%m-%d %H:%M UTC')}" + (f" by {_md_text(user)}" if user else "") + ".", ""]
    for number, turn in enumerate(turns, start=1):
        out += [f"## {number}. {_md_text(turn['question'])}", ""]
        answer = turn.get("answer")
        if answer is None:
            out += [f"*Error: {_md_text(turn.get('error') or '')}*", ""]
            continue
        if answer.get("refused"):
            related = "; ".join(_md_text(r.get("title") or Path(r["source"]).name)
                                for r in answer.get("related") or [])
            out += [f"*No answer: {_md_text(answer.get('answer', ''))}*"
                    + (f" Closest documents: {related}." if related else ""), ""]
            continue
        local: dict[int, int] = {}
        for c in answer.get("citations") or []:
            key = (str(c["source"]), int(c["start"]), int(c["end"]))
            if key not in bibliography:
                bibliography[key] = (len(bibliography) + 1, c)
            local[int(c["id"])] = bibliography[key][0]
        sentences = answer.get("sentences") or [{"text": _MARKER.sub("", answer.get("answer", "")),
                                                 "citations": [], "supported": True}]
        parts = []
        for s in sentences:
            marks = "".join(f"[{local[n]}]" for n in s.get("citations", []) if n in local)
            text = f"{_md_text(s['text'])} {marks}".rstrip()
            parts.append(text if s.get("supported", True) else f"⚠ *(unsupported)* {text}")
        out += [" ".join(parts), ""]
    if bibliography:
        out += ["## Bibliography", ""]
        for number, c in sorted(bibliography.values(), key=lambda item: item[0]):
            page = f", p. {int(c['page'])}" if c.get("page") is not None else ""
            quote = c.get("quote") or c.get("text") or ""
            entry = (f"**[{number}]** {_md_text(c.get('title') or Path(c['source']).name)}. "
                     f"{_md_text(Path(str(c['source'])).name)}{page}. “{_md_text(quote)}”")
            out += [entry, ""]
    return "\n".join(out).rstrip() + "\n"


CSS = """
.rag-who { text-align: right; }
.rag-sources { font-size: 0.95em; }
.rag-sources-head { font-weight: 600; margin-bottom: .5em; }
.rag-citation { border: 1px solid var(--border-color-primary); border-radius: 6px; padding: .4em .6em;
                margin: .5em 0; }
.rag-citation summary { cursor: pointer; }
.rag-cite-n { font-weight: 700; }
.rag-cite-where { color: var(--body-text-color-subdued); }
.rag-passage { white-space: pre-wrap; margin: .4em 0; padding-left: .6em;
               border-left: 3px solid var(--border-color-accent); }
.rag-passage mark { background: #ffe58a; color: #111; padding: 0 .1em; }
.rag-unsupported { background: #fde2e1; color: #7a1212; border-bottom: 2px dotted #c62828; }
.rag-badge { font-size: .8em; padding: 0 .3em; border-radius: 4px; }
.rag-ok { background: #e3f4e4; color: #1b5e20; }
.rag-bad { background: #fde2e1; color: #7a1212; }
.rag-warning, .rag-error { background: #fff4e5; color: #6d3b00; padding: .4em .6em; border-radius: 6px; }
.rag-refusal-box { background: #eef2f7; border-left: 4px solid #5b6b82; padding: .5em .8em; border-radius: 6px; }
.rag-refusal { color: #37474f; }
.rag-score { color: var(--body-text-color-subdued); font-size: .85em; }
.rag-cursor { opacity: .6; }
"""
"""Styles for the classes above, handed to ``launch(css=...)``."""
