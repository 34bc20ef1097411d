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
from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rag.citations import same_passage, strip_markers
from rag.records import rendering_key, title_from_name
from rag.ui.sources import source_url, viewer_url

Turn = Mapping[str, Any]


def _e(text: Any) -> str:
    return html.escape(str(text if text is not None else ""), quote=True)


def _html_block(inner: str, cls: str) -> str:
    """Chat content as one HTML block: Markdown leaves it alone, so document text cannot become
    links, emphasis or tags. A blank line would end the block, hence no raw newlines."""
    return f'<div class="{cls}">{inner}</div>'


def _lines(text: str) -> str:
    return _e(text).replace("\r\n", "\n").replace("\n", "<br>")


def related_formats(related: Mapping[str, Any]) -> list[str]:
    """The file types a closest document is held in (``["pdf", "html", "txt"]``), its own first.

    Answers recorded before renderings were grouped carry no ``formats``: their source's suffix is used.
    """
    formats = related.get("formats")
    if not formats:
        sources = [related.get("source", ""), *(related.get("other_sources") or [])]
        formats = [Path(str(s)).suffix.lstrip(".").lower() for s in sources]
    return [str(f) for f in dict.fromkeys(formats) if f]


def _formats_note(related: Mapping[str, Any]) -> str:
    """" · PDF, HTML, TXT" when the article is held in more than one format, else ""."""
    formats = related_formats(related)
    return " · " + ", ".join(f.upper() for f in formats) if len(formats) > 1 else ""


def _related_label(related: Mapping[str, Any]) -> str:
    """Title and file name (renderings of one article, PDF and HTML, share a title), and the
    formats the article is held in when there are several."""
    name = Path(str(related.get("source", ""))).name
    title = related.get("title") or name
    inside = f"{name}{_formats_note(related)}"
    return f"{_e(title)} ({_e(inside)})" if title != name or inside != name else _e(name)


def _markers(citations: Sequence[int], numbers: Mapping[int, int] | None = None) -> str:
    numbers = numbers or {}
    return "".join(f"[{m}]" for m in dict.fromkeys(numbers.get(int(n), int(n)) for n in citations))


def display_numbers(answer: Mapping[str, Any]) -> dict[int, int]:
    """The answer's citation ids → 1, 2, 3… in the order its sentences first cite them.

    The library already numbers an answer's citations this way
    (:func:`rag.citations.number_by_first_use`); answers recorded before it did may
    cite [4] and [1] only, and readers still see [1] and [2]. A citation of the same
    passage in another file of the same article (see :func:`same_passage`) shares the
    number of the first: the one place the chat's numbers differ from ``Answer.to_dict()``.
    """
    order: list[int] = []
    for sentence in answer.get("sentences") or []:
        for n in sentence.get("citations") or []:
            if int(n) not in order:
                order.append(int(n))
    for citation in answer.get("citations") or []:
        if int(citation["id"]) not in order:
            order.append(int(citation["id"]))
    by_id = {int(c["id"]): c for c in answer.get("citations") or []}
    numbers: dict[int, int] = {}
    shown: list[int] = []  # ids that got a number of their own
    for n in order:
        twin = next((m for m in shown if n in by_id and m in by_id and same_passage(by_id[m], by_id[n])), None)
        if twin is not None:
            numbers[n] = numbers[twin]
        else:
            shown.append(n)
            numbers[n] = len(shown)
    return numbers


def invalid_citations_note(answer: Mapping[str, Any]) -> str:
    """Plain words for markers the model wrote that point at no retrieved passage ("" when none)."""
    invalid = [int(n) for n in answer.get("invalid_citations") or []]
    if not invalid:
        return ""
    marks = ", ".join(f"[{n}]" for n in invalid)
    if len(invalid) == 1:
        return f"The model cited passage {marks}, which does not exist; that citation was removed."
    return f"The model cited passages {marks}, which do not exist; those citations were removed."


# ----------------------------------------------------------------------------- chat messages
def question_html(question: str) -> str:
    """A user's question, escaped, for the chat."""
    return _html_block(_lines(question), "rag-question")


def streaming_html(partial: str) -> str:
    """The answer while it streams in (not yet verified)."""
    return _html_block(_lines(partial) + '<span class="rag-cursor"> ▌</span>', "rag-answer rag-streaming")


def queued_html(question: str) -> str:
    """A question sent while another answer streams: it waits its turn, shown below."""
    return _html_block(_lines(question) + '<br><span class="rag-queued">queued: answered next</span>',
                       "rag-question rag-queued-question")


def error_html(message: str) -> str:
    return _html_block("⚠ " + _lines(message), "rag-error")


def _cite_links(sentence: Mapping[str, Any], answer: Mapping[str, Any], numbers: Mapping[int, int],
                turn: int) -> str:
    """The sentence's markers as links: hovering shows the words it rests on, clicking opens that
    source in the panel (``CHAT_JS``); ``#cite-<turn>-<n>`` says which answer and which source."""
    quotes = {int(q["citation"]): str(q.get("quote") or "") for q in sentence.get("quotes") or []}
    by_id = {int(c["id"]): c for c in answer.get("citations") or []}
    links: dict[int, str] = {}
    for n in sentence.get("citations") or []:
        number = numbers.get(int(n), int(n))
        if number in links:
            continue
        citation = by_id.get(int(n), {})
        quote = quotes.get(int(n)) or str(citation.get("quote") or "")
        hint = f"“{' '.join(quote.split())}” ({citation.get('title') or Path(str(citation.get('source', ''))).name})"
        links[number] = (f'<a class="rag-cite-link" href="#cite-{int(turn)}-{number}" '
                         f'title="{_e(hint)}">[{number}]</a>')
    return "".join(links.values())


def point_groups(answer: Mapping[str, Any]) -> list[list[int]] | None:
    """The sentences of each bullet of a key-points answer (indexes into ``sentences``), or None.

    A key-points answer is ``- point [n]`` lines (:func:`rag.citations.render`); one bullet may hold
    two consecutive sentences, each with its own ``[n]``. Sentences are matched to lines in order by
    their text, so the chat, the clipboard and the export keep the list and its grouping.
    """
    lines = [" ".join(line.split()) for line in str(answer.get("answer") or "").splitlines() if line.strip()]
    sentences = answer.get("sentences") or []
    if not lines or not sentences or not all(line.startswith("- ") for line in lines):
        return None
    groups: list[list[int]] = [[] for _ in lines]
    line, offset = 0, 0
    for i, sentence in enumerate(sentences):
        text = " ".join(str(sentence.get("text") or "").split())
        while line < len(lines):
            found = lines[line].find(text, offset)
            if text and found >= 0:
                groups[line].append(i)
                offset = found + len(text)
                break
            line, offset = line + 1, 0
        else:
            return None  # a sentence that is on no remaining line: not a clean list
    kept = [g for g in groups if g]
    return kept or None


def is_key_points(answer: Mapping[str, Any]) -> bool:
    """True when the answer is a list of key points (see :func:`point_groups`)."""
    return point_groups(answer) is not None


def _as_points(parts: Sequence[str], answer: Mapping[str, Any]) -> list[str] | None:
    """``parts`` (one per sentence) joined per bullet, or None when the answer is not a list."""
    groups = point_groups(answer)
    if groups is None or len(parts) != len(answer.get("sentences") or []):
        return None
    return [" ".join(parts[i] for i in group) for group in groups]


def answer_html(answer: Mapping[str, Any], turn: int | None = None) -> str:
    """A verified answer for the chat: ``[n]`` markers kept (as links to the sources panel when
    ``turn``, the answer's index in the conversation, is given), unsupported sentences marked."""
    if answer.get("refused"):
        related = answer.get("related") or []
        closest = ""
        if related:
            closest = "<br>Closest documents: " + "; ".join(_related_label(r) for r in related)
        return _html_block(f'<strong>No answer found.</strong> {_lines(answer.get("answer", ""))}{closest}',
                           "rag-answer rag-refusal")
    sentences = answer.get("sentences") or []
    note = invalid_citations_note(answer)
    note_html = f'<div class="rag-invalid">⚠ {_e(note)}</div>' if note else ""
    if not sentences:
        return _html_block(_lines(answer.get("answer", "")) + note_html, "rag-answer")
    numbers = display_numbers(answer)
    parts = []
    for s in sentences:
        marks = (_markers(s.get("citations", []), numbers) if turn is None
                 else _cite_links(s, answer, numbers, turn))
        text = f"{_lines(s['text'])} {marks}".rstrip()
        if s.get("supported", True):
            parts.append(text)
        else:
            parts.append(f'<span class="rag-unsupported" title="The cited passage does not support this '
                         f'sentence (support {float(s.get("support", 0.0)):.2f})">⚠ {text}</span>')
    points = _as_points(parts, answer)
    if points is not None:
        return _html_block('<ul class="rag-points">' + "".join(f"<li>{p}</li>" for p in points) + "</ul>"
                           + note_html, "rag-answer")
    return _html_block(" ".join(parts) + note_html, "rag-answer")


def turn_messages(turns: Sequence[Turn]) -> list[dict[str, str]]:
    """Chatbot messages for the turns: exactly two per turn, so message ``i`` is turn ``i // 2``."""
    messages: list[dict[str, str]] = []
    for index, turn in enumerate(turns):
        messages.append({"role": "user", "content": question_html(turn["question"])})
        if turn.get("answer") is not None:
            content = answer_html(turn["answer"], index)
        else:
            content = error_html(turn.get("error") or "no answer")
        messages.append({"role": "assistant", "content": content})
    return messages


# ----------------------------------------------------------------------------- sources panel
def passage_html(citation: Mapping[str, Any], spans: Sequence[tuple[int, int]] | None = None) -> str:
    """The cited passage with its quoted words in ``<mark>``; all of it escaped.

    ``spans`` are (start, end) document offsets, one per sentence that rests on
    the passage (default: the citation's own ``quote_start``/``quote_end``); the
    passage starts at ``start``. Overlapping spans merge; spans outside the
    passage are ignored rather than guessed at.
    """
    text = str(citation.get("text") or "")
    start = int(citation.get("start") or 0)
    if spans is None:
        qs, qe = citation.get("quote_start"), citation.get("quote_end")
        spans = [] if qs is None or qe is None else [(int(qs), int(qe))]
    local = sorted((a - start, b - start) for a, b in spans if 0 <= a - start < b - start <= len(text))
    merged: list[list[int]] = []
    for a, b in local:
        if merged and a < merged[-1][1]:  # overlapping; adjacent quotes stay two marks
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    out, cursor = [], 0
    for a, b in merged:
        out.append(f"{_e(text[cursor:a])}<mark>{_e(text[a:b])}</mark>")
        cursor = b
    out.append(_e(text[cursor:]))
    return "".join(out)


def sentence_quotes(answer: Mapping[str, Any], citation_id: int) -> list[tuple[int, int]]:
    """The spans of passage ``citation_id`` that the answer's sentences rest on, one per sentence.

    Answers recorded before sentences carried their own quotes fall back to the
    citation's single quote.
    """
    spans = [(int(q["quote_start"]), int(q["quote_end"]))
             for s in answer.get("sentences") or [] for q in s.get("quotes") or []
             if int(q.get("citation", -1)) == citation_id and q.get("quote_start") is not None]
    if spans:
        return list(dict.fromkeys(spans))
    citation = next((c for c in answer.get("citations") or [] if int(c["id"]) == citation_id), None)
    if citation and citation.get("quote_start") is not None and citation.get("quote_end") is not None:
        return [(int(citation["quote_start"]), int(citation["quote_end"]))]
    return []


def _doc_link(source: str, title: str, page: int | None = None) -> str:
    label = _e(title or Path(source).name)
    return (f'<a class="rag-open" href="{_e(source_url(source, page))}" target="_blank" '
            f'rel="noopener noreferrer">{label}</a>')


def citation_html(citation: Mapping[str, Any], spans: Sequence[tuple[int, int]] | None = None,
                  number: int | None = None, also: Sequence[Mapping[str, Any]] = ()) -> str:
    """One cited passage for the sources panel; ``number`` is its display number (default: its id),
    ``also`` the same passage in other files of the article (listed, not repeated)."""
    source = str(citation.get("source", ""))
    page = citation.get("page")
    where = [f"p. {int(page)}"] if page is not None else []
    where.append(_e(Path(source).name))
    for twin in also:
        twin_page = twin.get("page")
        label = _e(Path(str(twin.get("source", ""))).name) + (f", p. {int(twin_page)}" if twin_page is not None
                                                              else "")
        where.append(f'also <a class="rag-open" href="{_e(source_url(str(twin.get("source", "")), twin_page))}" '
                     f'target="_blank" rel="noopener noreferrer">{label}</a>')
    shown = int(citation["id"]) if number is None else int(number)
    return (f'<details class="rag-citation" id="rag-cite-{shown}" open>'
            f'<summary><span class="rag-cite-n">[{shown}]</span> '
            f'{_doc_link(source, str(citation.get("title") or ""), page)}'
            f' <span class="rag-cite-where">· {" · ".join(where)}</span></summary>'
            f'<blockquote class="rag-passage">{passage_html(citation, spans)}</blockquote>'
            f'{viewer_html(citation, spans)}'
            f'<a class="rag-open-link" href="{_e(source_url(source, page))}" target="_blank" '
            f'rel="noopener noreferrer">Open source{f" at page {int(page)}" if page is not None else ""} ↗</a>'
            f'</details>')


def viewer_html(citation: Mapping[str, Any], spans: Sequence[tuple[int, int]] | None = None) -> str:
    """A fold-out in-app viewer: the passage in its document (the PDF page itself for a PDF).

    The frame loads only when opened (``loading="lazy"`` inside a closed ``<details>``).
    """
    source = str(citation.get("source", ""))
    if spans is None:
        qs, qe = citation.get("quote_start"), citation.get("quote_end")
        spans = [] if qs is None or qe is None else [(int(qs), int(qe))]
    if not spans:
        spans = [(int(citation.get("start") or 0), int(citation.get("end") or 0))]
    pdf = Path(source).suffix.lower() == ".pdf"
    what = "Show the page" if pdf else "Show in the document"
    # The fragment opens the frame at the first highlight (the viewer page has no script).
    url = viewer_url(source, list(spans)) + ("#hit" if pdf else "#q0")
    return (f'<details class="rag-viewer"><summary>{what}</summary>'
            f'<iframe class="rag-viewer-frame" loading="lazy" src="{_e(url)}" '
            f'title="{_e(citation.get("title") or Path(source).name)}"></iframe></details>')


# What the badges check, said where they are shown: a browser audit read "✔ supported" on sentences that do
# not answer the question as a check that they do.
VERIFICATION_NOTE = ("Each sentence is checked against the passage it cites: ✔ the passage states it, ⚠ it "
                     "does not. This checks the quote, not that it answers the question.")


def answerability_note(answer: Mapping[str, Any]) -> str:
    """For a factual answer, how likely its sentence answers the question (``Answer.to_dict()["answerability"]``)."""
    score = answer.get("answerability")
    if answer.get("refused") or answer.get("question_kind") != "factoid" or not isinstance(score, (int, float)) \
            or answer.get("answerability_by") == "byline":
        return ""
    return (f'<p class="rag-answerability">Answers the question: {float(score):.2f} '
            f'(answerability, by {_e(str(answer.get("answerability_by") or "the ranking"))}; answers below '
            'the threshold are refused).</p>')


def sentences_html(sentences: Sequence[Mapping[str, Any]], numbers: Mapping[int, int] | None = None,
                   answer: Mapping[str, Any] | None = None) -> str:
    if not sentences:
        return ""
    items = []
    for s in sentences:
        ok = bool(s.get("supported"))
        badge = (f'<span class="rag-badge rag-ok">✔ supported {float(s.get("support", 0)):.2f}</span>' if ok else
                 f'<span class="rag-badge rag-bad">⚠ unsupported {float(s.get("support", 0)):.2f}</span>')
        items.append(f'<li class="{"rag-supported" if ok else "rag-unsupported"}">{_e(s.get("text", ""))} '
                     f'{_markers(s.get("citations", []), numbers)} {badge}</li>')
    return (f'<details class="rag-verification"><summary>Verification</summary>'
            f'<p class="rag-verification-note">{_e(VERIFICATION_NOTE)}</p>{answerability_note(answer or {})}'
            f'<ul>{"".join(items)}</ul></details>')


HEAD_QUESTION_CHARS = 160


def _shortened(question: str, limit: int = HEAD_QUESTION_CHARS) -> str:
    """``question`` cut at a word to ``limit`` characters, with "…": a pasted page must not fill the panel.

    Example:
        >>> _shortened("Why did the army attack the town at dawn?", 20)
        'Why did the army…'
    """
    text = " ".join(question.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut.rstrip(",;:") + "…"


def sources_html(turns: Sequence[Turn], selected: int | None) -> str:
    """The sources panel for turn ``selected`` (the latest when None)."""
    if not turns:
        return ('<div class="rag-sources rag-empty">Ask a question: the passages each answer cites '
                'will appear here, with the quoted words highlighted.</div>')
    index = len(turns) - 1 if selected is None or not 0 <= selected < len(turns) else selected
    turn = turns[index]
    head = (f'<div class="rag-sources-head">Sources for answer {index + 1} of {len(turns)}'
            f'{" (latest)" if index == len(turns) - 1 else ""}: '
            f'<q title="{_e(turn["question"])}">{_e(_shortened(turn["question"]))}</q></div>')
    answer = turn.get("answer")
    if answer is None:
        return f'<div class="rag-sources">{head}<div class="rag-error">⚠ {_e(turn.get("error"))}</div></div>'
    if answer.get("refused"):
        related = answer.get("related") or []
        items = "".join(f'<li>{_doc_link(r["source"], r.get("title", ""))} '
                        f'<span class="rag-score">{_e(Path(str(r["source"])).name)}{_e(_formats_note(r))} · '
                        f'similarity {float(r.get("score", 0)):.2f}</span></li>'
                        for r in related)
        body = ('<div class="rag-refusal-box"><strong>No answer in the sources.</strong> '
                f'<p>{_e(answer.get("answer", ""))}</p>'
                + (f'<p>Closest documents:</p><ul class="rag-related">{items}</ul>' if items else
                   '<p>No document came close.</p>')
                + filtered_refusal_note(turn.get("filters") or [])
                + '</div>' + sentences_html(answer.get("sentences") or []))
        return f'<div class="rag-sources">{head}{body}</div>'
    unsupported = [s for s in answer.get("sentences") or [] if not s.get("supported")]
    warning = (f'<div class="rag-warning">⚠ {len(unsupported)} sentence(s) not supported by the passage '
               'they cite; they are marked in the answer.</div>' if unsupported else "")
    note = invalid_citations_note(answer)
    if note:
        warning += f'<div class="rag-warning rag-invalid">⚠ {_e(note)}</div>'

    numbers = display_numbers(answer)
    cited = sorted(answer.get("citations") or [], key=lambda c: numbers.get(int(c["id"]), int(c["id"])))
    groups: dict[int, list[Mapping[str, Any]]] = {}
    for c in cited:
        groups.setdefault(numbers.get(int(c["id"]), int(c["id"])), []).append(c)
    citations = "".join(citation_html(group[0], sentence_quotes(answer, int(group[0]["id"])), number,
                                      also=group[1:])
                        for number, group in groups.items())
    if not citations:
        citations = '<p class="rag-empty">This answer cites no passage.</p>'
    return (f'<div class="rag-sources">{head}{warning}{citations}'
            f'{sentences_html(answer.get("sentences") or [], numbers, answer)}</div>')


# ----------------------------------------------------------------------------- first screen
# A token of 8+ characters mixing digits and letters (a hash, an id) marks a title made from a file name.
_MACHINE_NAME = re.compile(r"\b(?=[a-z]*\d)(?=\d*[a-z])[a-z\d]{8,}\b", re.I)


def example_questions(titles: Sequence[str], limit: int = 4, authored: Collection[str] | None = None) -> list[str]:
    """Questions a reader could ask of these documents, from their titles alone (no model); "Who wrote…" only
    of a title in ``authored`` (the titles whose document knows its author; None: all)."""
    # Each is answered from the quoted document alone (rag.doc_questions.quoted_title scopes the search to
    # it): a summary, its account of events, its byline. "Who are the main actors in…" and "What are the
    # consequences described in…" had been refused on four of six analysis articles (browser audit).
    templates = ("What are the main points of “{}”?", "What does “{}” say happened, and when?",
                 "Who wrote “{}”?", "What does “{}” conclude?")
    picked: list[str] = []
    for title in titles:
        clean = " ".join(str(title).split()).rstrip(".")
        if _MACHINE_NAME.search(clean):
            continue  # "000 37ea4592f850c55e": a file name, not a title a question can be asked about
        if 8 <= len(clean) <= 90 and clean.lower() not in {p.lower() for p in picked}:
            picked.append(clean)
        if len(picked) == limit:
            break
    asked = []
    for i, title in enumerate(picked):
        template = templates[i % len(templates)]
        if template.startswith("Who wrote") and authored is not None and title not in authored:
            template = templates[-1]  # no byline to quote: the answer would be the refusal
        asked.append(template.format(title))
    return asked


def renderings(docs: Sequence[Any]) -> list[list[Any]]:
    """Indexed files (``rag.store.DocumentRecord``: anything with a ``source``) grouped by the document
    they hold, in the order of each group's first file.

    ``a.txt``, ``a.html`` and ``a.pdf`` in one folder are one document in three formats, the rule
    ``rag.assistant._renderings`` starts from (its other test, equal passage text, reads chunks: too
    much for every page load). The bundled sample is one article in three files, and the first
    screen said "3 documents" (found in a browser audit).

    Example:
        >>> from types import SimpleNamespace as D
        >>> [len(g) for g in renderings([D(source="/c/a.txt"), D(source="/c/a.pdf"), D(source="/d/a.txt")])]
        [2, 1]
    """
    groups: dict[tuple[str, str], list[Any]] = {}
    for doc in docs:
        groups.setdefault(rendering_key(str(doc.source)), []).append(doc)
    return list(groups.values())


def rendering_title(group: Sequence[Any]) -> str:
    """The title of a document held in several files: the first real one, not one made from a file
    name ("000 37ea4592f850c55e" for a .txt without a heading), as ``rag.assistant._title`` picks."""
    titles = [(str(d.title or ""), str(d.source)) for d in group]
    return next((t for t, source in titles if t and not title_from_name(t, source)),
                next((t for t, _ in titles if t), Path(titles[0][1]).name if titles else ""))


def corpus_count(documents: int, files: int | None = None) -> str:
    """"3 documents", or "1 document in 3 files" when some document is held in several formats.

    Example:
        >>> corpus_count(1, 3), corpus_count(2, 2), corpus_count(1)
        ('1 document in 3 files', '2 documents', '1 document')
    """
    count = f"{documents} document{'s' if documents != 1 else ''}"
    return f"{count} in {files} files" if files is not None and files != documents else count


def welcome_html(documents: int, updated: str | None, recent: Sequence[str], files: int | None = None) -> str:
    """The first screen's panel: which corpus is loaded, and what the assistant does and does not do.

    ``documents`` counts a document held in several files once (see :func:`renderings`); ``files``,
    when given, is how many files hold them."""
    if documents:
        corpus = (f'<p class="rag-corpus"><strong>{corpus_count(documents, files)}</strong> '
                  f'loaded{f", last updated {_e(updated)}" if updated else ""}.</p>')
        unique = list({" ".join(str(t).split()).lower(): t for t in reversed(recent)}.values())[::-1]
        if unique:
            corpus += ('<p>Most recent:</p><ul class="rag-recent">'
                       + "".join(f"<li>{_e(t)}</li>" for t in unique) + "</ul>")
    else:
        corpus = '<p class="rag-corpus"><strong>No documents yet.</strong> Add some in the Documents tab.</p>'
    return ('<div class="rag-sources rag-welcome">'
            f'{corpus}'
            '<p><strong>What it does:</strong> answers from these documents only; every sentence cites the '
            'passage it rests on, and the quoted words are highlighted here.</p>'
            '<p><strong>What it does not do:</strong> use the web or general knowledge, or guess: when the '
            'documents do not hold the answer it says so and lists the closest documents. A sentence its '
            'sources do not support is marked ⚠.</p></div>')


# ----------------------------------------------------------------------------- copy
def answer_with_footnotes(answer: Mapping[str, Any]) -> str:
    """The answer as plain text for the clipboard: ``[n]`` markers (display numbers) and, below,
    one footnote per cited passage with its title, file, page and the quoted words."""
    if answer.get("refused"):
        return str(answer.get("answer") or "")
    numbers = display_numbers(answer)
    sentences = answer.get("sentences") or []
    if sentences:
        lines = [f"{s['text']} {_markers(s.get('citations', []), numbers)}".rstrip() for s in sentences]
        points = _as_points(lines, answer)
        body = "\n".join(f"- {line}" for line in points) if points is not None else " ".join(lines)
    else:
        body = str(answer.get("answer") or "")
    notes = []
    noted: set[int] = set()
    for c in sorted(answer.get("citations") or [], key=lambda c: numbers.get(int(c["id"]), int(c["id"]))):
        n = numbers.get(int(c["id"]), int(c["id"]))
        if n in noted:  # the same passage in another file of the article
            continue
        noted.add(n)
        page = f", p. {int(c['page'])}" if c.get("page") is not None else ""
        quotes = [str(c.get("text") or "")[a - int(c["start"]):b - int(c["start"])]
                  for a, b in sentence_quotes(answer, int(c["id"]))] or [str(c.get("quote") or "")]
        quoted = " … ".join(f"“{' '.join(q.split())}”" for q in quotes if q.strip())
        notes.append(f"[{n}] {c.get('title') or Path(str(c['source'])).name} "
                     f"({Path(str(c['source'])).name}{page}). {quoted}".rstrip())
    return body + ("\n\n" + "\n".join(notes) if notes else "")


# ----------------------------------------------------------------------------- filters
UNDATED_NOTE = ("Dates come from the document itself (HTML metadata, Markdown front matter or a "
                "<file>.meta.json sidecar); plain text and most PDFs carry none.")


def filter_chips(filters: Mapping[str, Any], titles: Mapping[str, str] | None = None) -> list[str]:
    """One short label per active filter: ``filters`` as the Ask options hold them (``sources`` are
    document ids, named through ``titles``), empty values meaning no filter."""
    titles = titles or {}
    chips: list[str] = []
    sources = [titles.get(str(i), "an unknown document") for i in filters.get("sources") or []]
    if sources:
        chips.append("Documents: " + ", ".join(sources))
    if filters.get("collections"):
        chips.append("Collections: " + ", ".join(str(c) for c in filters["collections"]))
    if str(filters.get("title") or "").strip():
        chips.append(f"Title contains “{str(filters['title']).strip()}”")
    date_from, date_to = str(filters.get("date_from") or "").strip(), str(filters.get("date_to") or "").strip()
    if date_from and date_to:
        chips.append(f"Published {date_from} to {date_to}")
    elif date_from:
        chips.append(f"Published from {date_from}")
    elif date_to:
        chips.append(f"Published until {date_to}")
    return chips


def filter_chips_html(chips: Sequence[str], undated: int = 0) -> str:
    """The active filters above the chat ("" when none), so a narrowed search is never a surprise."""
    if not chips:
        return ""
    items = "".join(f'<span class="rag-chip">{_e(c)}</span>' for c in chips)
    note = ""
    if undated and any(c.startswith("Published") for c in chips):
        note = (f'<span class="rag-chip-note">A date filter leaves out the {undated} document(s) without a '
                'date.</span>')
    return (f'<div class="rag-chips" role="status"><span class="rag-chips-label">Filters on:</span> {items} '
            f'{note}<span class="rag-chip-note">(change them in Options)</span></div>')


def filtered_refusal_note(chips: Sequence[str]) -> str:
    """Why a refusal may be the filters' doing, for the sources panel ("" without filters)."""
    if not chips:
        return ""
    return ('<p class="rag-filter-note">Filters were on: ' + "; ".join(_e(c) for c in chips)
            + '. They may have excluded the passages that answer this; clear them in Options and ask '
            'again.</p>')


# ----------------------------------------------------------------------------- export
def _md_text(text: str) -> str:
    """Document text for a Markdown file: inert for renderers, still readable as plain text."""
    text = " ".join(str(text).split())
    return re.sub(r"([\\`*_<>\[\]|])", r"\\\1", text)


def export_markdown(turns: Sequence[Turn], *, title: str = "Research assistant", user: str | None = None,
                    now: datetime | None = None) -> str:
    """The conversation as Markdown, markers renumbered into one numbered bibliography.

    Each answer's ``[n]`` is local to it; the export gives every distinct quoted
    span one number across the conversation, so each sentence points at the words
    that support it and the bibliography has no repeats.
    """
    now = now or datetime.now(UTC)
    bibliography: dict[tuple[Any, ...], tuple[int, Mapping[str, Any]]] = {}
    out = [f"# {_md_text(title)}: conversation", "",
           f"Exported {now.strftime('%Y-%m-%d %H:%M UTC')}" + (f" by {_md_text(user)}" if user else "") + ".", ""]
    for number, turn in enumerate(turns, start=1):
        out += [f"## {number}. {_md_text(turn['question'])}", ""]
        answer = turn.get("answer")
        if answer is None:
            out += [f"*Error: {_md_text(turn.get('error') or '')}*", ""]
            continue
        if answer.get("refused"):
            related = "; ".join(_md_text((r.get("title") or Path(r["source"]).name) + _formats_note(r))
                                for r in answer.get("related") or [])
            out += [f"*No answer: {_md_text(answer.get('answer', ''))}*"
                    + (f" Closest documents: {related}." if related else ""), ""]
            continue
        # One bibliography entry per quoted span: two sentences resting on different words of one
        # passage each point at their own quote, and a repeated span keeps its number.
        citations = {int(c["id"]): c for c in answer.get("citations") or []}
        # The same article in two files is one source (see same_passage): cite the first file.
        numbers = display_numbers(answer)
        first_of: dict[int, int] = {}
        representative = {n: first_of.setdefault(number, n) for n, number in numbers.items()}

        def entry(c: Mapping[str, Any], span: tuple[int, int] | None) -> int:
            key = (str(c["source"]), int(c["start"]), int(c["end"]), span)
            if key not in bibliography:
                quote = c.get("quote") or c.get("text") or ""
                if span is not None:
                    text, start = str(c.get("text") or ""), int(c["start"])
                    quote = text[span[0] - start:span[1] - start] or quote
                bibliography[key] = (len(bibliography) + 1, {**c, "quote": quote})
            return bibliography[key][0]

        sentences = answer.get("sentences") or [{"text": strip_markers(answer.get("answer", "")),
                                                 "citations": [], "supported": True}]
        parts = []
        for s in sentences:
            own = {int(q["citation"]): (int(q["quote_start"]), int(q["quote_end"]))
                   for q in s.get("quotes") or [] if q.get("quote_start") is not None}
            cited: list[int] = []
            for n in s.get("citations", []):
                rep = representative.get(int(n), int(n))
                c = citations.get(rep)
                if c is None:
                    continue
                span = own.get(int(n)) if rep == int(n) else None
                if span is None and c.get("quote_start") is not None and c.get("quote_end") is not None:
                    span = (int(c["quote_start"]), int(c["quote_end"]))
                cited.append(entry(c, span))
            marks = "".join(f"[{m}]" for m in dict.fromkeys(cited))
            text = f"{_md_text(s['text'])} {marks}".rstrip()
            parts.append(text if s.get("supported", True) else f"⚠ *(unsupported)* {text}")
        note = invalid_citations_note(answer)
        points = _as_points(parts, answer)
        body = "\n".join(f"- {p}" for p in points) if points is not None else " ".join(parts)
        out += [body + (f" *({_md_text(note)})*" if note else ""), ""]
    if bibliography:
        out += ["## Bibliography", ""]
        for number, c in sorted(bibliography.values(), key=lambda item: item[0]):
            page = f", p. {int(c['page'])}" if c.get("page") is not None else ""
            quote = c.get("quote") or c.get("text") or ""
            line = (f"**[{number}]** {_md_text(c.get('title') or Path(c['source']).name)}. "
                    f"{_md_text(Path(str(c['source'])).name)}{page}. “{_md_text(quote)}”")
            out += [line, ""]
    return "\n".join(out).rstrip() + "\n"


CHAT_JS = """() => {
  // A click on [n] in an answer: the chat's select event shows that answer's sources; once the panel
  // shows them, open citation n and scroll its highlighted words into view.
  const show = (turn, n, link) => {
    const started = Date.now();
    let nudged = false;
    const tick = () => {
      const head = document.querySelector('#sources .rag-sources-head');
      const cite = document.querySelector('#sources #rag-cite-' + n);
      if (head && cite && head.textContent.includes('answer ' + (turn + 1) + ' of')) {
        cite.open = true;
        (cite.querySelector('mark') || cite).scrollIntoView({block: 'center'});
        cite.classList.add('rag-flash');
        setTimeout(() => cite.classList.remove('rag-flash'), 1600);
      } else if (Date.now() - started < 8000) {
        if (!nudged && Date.now() - started > 700) {  // the chat did not take the link click as a select
          nudged = true;
          const bubble = link.closest('.message-content') || link.closest('.message');
          if (bubble) bubble.dispatchEvent(new MouseEvent('click', {bubbles: true}));
        }
        setTimeout(tick, 100);
      }
    };
    tick();
  };
  document.addEventListener('click', (event) => {
    const link = event.target.closest ? event.target.closest('a.rag-cite-link') : null;
    if (!link) return;
    event.preventDefault();
    const m = (link.getAttribute('href') || '').match(/#cite-(\\d+)-(\\d+)/);
    if (m) show(parseInt(m[1], 10), parseInt(m[2], 10), link);
  }, true);
  // Signed out in another tab (or the session expired): the server refuses this tab's next action with
  // "You are signed out"; what the tab still shows from the session goes too, not only the next answer.
  new MutationObserver(() => {
    const out = [...document.querySelectorAll('.toast-body')].some(
      (t) => (t.innerText || '').includes('You are signed out'));
    if (!out) return;
    for (const id of ['chat', 'sources', 'conv-col']) {
      const el = document.getElementById(id);
      if (el && !el.dataset.signedOut) { el.dataset.signedOut = '1'; el.innerHTML = ''; }
    }
  }).observe(document.body, {childList: true, subtree: true});
  // Stop is a disabled button while the chat shows no answer streaming: the stylesheet only fades it and
  // turns the pointer away, which left it in the Tab order and pressable with Enter or Space (found in
  // a browser audit). Checked on every change of the page, as the stylesheet's :has() is.
  const stopLive = () => {
    const stop = document.getElementById('stop-btn');
    const idle = !document.querySelector('#chat .rag-streaming');
    if (stop && stop.disabled !== idle) stop.disabled = idle;
  };
  new MutationObserver(stopLive).observe(document.body, {childList: true, subtree: true});
  stopLive();
  // Rename and Delete likewise while no saved conversation is open (no radio in the list checked). The
  // server's updates (an answer saved, a new conversation, one deleted) redraw part of the page; a click
  // on the list only checks a radio, which changes no element of the page, so 'change' is heard too.
  const convLive = () => {
    const none = !document.querySelector('#conv-list input:checked');
    for (const id of ['conv-rename', 'conv-delete']) {
      const button = document.getElementById(id);
      if (button && button.disabled !== none) button.disabled = none;
    }
  };
  new MutationObserver(convLive).observe(document.body, {childList: true, subtree: true});
  document.addEventListener('change', convLive, true);
  convLive();
}"""
"""Page script handed to ``launch(js=...)``: clickable citations; a signed-out tab drops what it showed;
Stop is disabled while nothing streams, Rename and Delete while no saved conversation is open."""

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
.rag-refusal-box { background: #eef2f7; color: #1f2937; border-left: 4px solid #5b6b82; padding: .5em .8em;
                   border-radius: 6px; }
.rag-refusal-box a { color: #1d4ed8; }
.rag-refusal-box .rag-score { color: #475569; }
.rag-refusal { color: #263238; }
.rag-invalid { margin-top: .4em; font-size: .9em; }
.rag-queued { opacity: .75; font-style: italic; }
/* Dark theme (the OS setting or the footer's toggle puts .dark on <body>): every box that sets a
   background also sets its text colour, or the theme's near-white text lands on a light box. */
.dark .rag-refusal-box { background: #1e293b; color: #e5e7eb; border-left-color: #94a3b8; }
.dark .rag-refusal-box a { color: #93c5fd; }
.dark .rag-refusal-box .rag-score { color: #cbd5e1; }
.dark .rag-refusal { color: #e5e7eb; }
.rag-score { color: var(--body-text-color-subdued); font-size: .85em; }
.rag-cursor { opacity: .6; }
.rag-welcome ul { margin: .2em 0 .6em 1.2em; }
/* On a phone the chat comes first; the saved conversations go below the sources. */
@media (max-width: 720px) { #conv-col { order: 3; } }
.rag-viewer summary { cursor: pointer; color: var(--link-text-color); }
.rag-viewer-frame { width: 100%; height: 420px; border: 1px solid var(--border-color-primary);
                    border-radius: 6px; background: #fff; }
.rag-cite-link { text-decoration: none; font-weight: 600; cursor: pointer; }
.rag-flash { outline: 3px solid #f59e0b; outline-offset: 2px; transition: outline-color 1.5s; }
.rag-chips { display: flex; flex-wrap: wrap; gap: .35em; align-items: center; font-size: .9em; }
.rag-chips-label { font-weight: 600; }
.rag-chip { background: #e0ecff; color: #0b3b8c; border-radius: 999px; padding: .1em .6em; }
.dark .rag-chip { background: #1e3a8a; color: #e0ecff; }
.rag-chip-note { color: var(--body-text-color-subdued); }
.rag-filter-note { font-weight: 600; }
/* Buttons that cannot act look it and take no clicks: Stop while nothing streams, Rename and Delete
   while no saved conversation is open (CHAT_JS also disables all three, for the keyboard). Read from the
   page itself, so a queued question, a reload or a second tab cannot leave a button in the wrong state. */
body:not(:has(#chat .rag-streaming)) #stop-btn,
body:not(:has(#conv-list input:checked)) :is(#conv-rename, #conv-delete) {
  opacity: .4; filter: grayscale(1); pointer-events: none; cursor: default; }
/* No fade for Stop: it looked live for a fifth of a second after the answer ended (and dead as the
   next one began) while it already was not (found in a browser audit). */
#stop-btn { transition: none; }
"""
"""Styles for the classes above, handed to ``launch(css=...)``."""
