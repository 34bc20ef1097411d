"""Parse ``[n]`` citation markers, map them to passages, verify every sentence.

Pure functions: :func:`parse_answer` splits an answer into sentences with the
markers each carries (markers written after the full stop belong to the
sentence before them), drops markers that point at no retrieved passage, and
:func:`verify_answer` scores each sentence against the passages it cites and
locates the quote inside each cited passage.

Example:
    >>> parsed = parse_answer("Baku attacked on 13 September [1]. It paused [9].", n_passages=2)
    >>> [s.citations for s in parsed.sentences], parsed.invalid
    ([(1,), ()], (9,))
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from rag.records import REFUSAL, Citation, Passage, SentenceQuote, SentenceSupport
from rag.text import split_sentences
from rag.verify import Support, SupportScorer, lexical_support, scorer_name

_NUMBERS = r"\d+(?:\s*[,;]\s*\d+)*"
MARKER_PATTERN = rf"\[\s*{_NUMBERS}\s*\]"
"""One citation marker: ``[1]``, ``[1, 2]``, ``[1;2]``, ``[ 3 ]`` (``[1][2]`` is two markers).

The one definition: answer parsing, the chat's rendering, feedback records and the eval metrics
all read markers through it (or :data:`MARKER`, :func:`marker_numbers`, :func:`strip_markers`)."""

MARKER = re.compile(rf"\s*\[\s*({_NUMBERS})\s*\]")
"""A marker with the spaces before it; group 1 holds its numbers ("1, 2")."""

_LEADING_MARKERS = re.compile(rf"^(?:\s*{MARKER_PATTERN})+")
_GLUED = re.compile(rf"([.!?…])((?:{MARKER_PATTERN})+)")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([.,;:!?])")


def marker_numbers(text: str) -> list[int]:
    """The passage numbers ``text`` cites, in order of first mention.

    Example:
        >>> marker_numbers("A [1, 2]. B [2][3]. C [ 4 ].")
        [1, 2, 3, 4]
    """
    return list(dict.fromkeys(n for match in MARKER.finditer(text) for n in _numbers(match.group(1))))


def strip_markers(text: str) -> str:
    """``text`` without its citation markers, spaces before punctuation closed up; line breaks kept.

    Example:
        >>> strip_markers("Baku attacked [1, 2]. It paused [3][4] .\\n- A point [ 5 ]")
        'Baku attacked. It paused.\\n- A point'
    """
    return "\n".join(_SPACE_BEFORE_PUNCTUATION.sub(r"\1", " ".join(line.split()))
                     for line in MARKER.sub("", text).split("\n"))


_BULLET = re.compile(r"^\s*(?:[-*•–]|\d{1,2}[.)])\s+")


@dataclass(frozen=True)
class ParsedSentence:
    text: str  # without markers (and without a bullet's "- ")
    citations: tuple[int, ...]
    bullet: bool = False  # a "- point [n]" line of a key-points answer


def render(parts: Sequence[tuple[str, Sequence[int], bool]]) -> str:
    """Sentences with their markers: running text, bullets one per line ("- point [2]")."""
    out = ""
    for text, cited, bullet in parts:
        piece = f"{text} {''.join(f'[{n}]' for n in cited)}".strip()
        if bullet:
            out += ("\n" if out else "") + "- " + piece
        else:
            out += (" " if out else "") + piece
    return out


@dataclass(frozen=True)
class ParsedAnswer:
    sentences: tuple[ParsedSentence, ...]
    invalid: tuple[int, ...]

    def text(self) -> str:
        """The answer re-rendered with only valid markers."""
        return render([(s.text, s.citations, s.bullet) for s in self.sentences])


def _numbers(group: str) -> list[int]:
    return [int(x) for x in re.split(r"\s*[,;]\s*", group.strip()) if x]


def parse_answer(text: str, n_passages: int) -> ParsedAnswer:
    """Sentences with their valid citation numbers (1..n_passages) and the invalid ones."""
    # "claim.[1] Next" hides the sentence boundary: put the marker before the full stop.
    text = _GLUED.sub(r" \2\1", text)
    # Move markers that open a sentence ("… end. [2] Next …") back onto the previous sentence.
    raw = [text[s.start:s.end] for s in split_sentences(text)]
    merged: list[str] = []
    for sentence in raw:
        lead = _LEADING_MARKERS.match(sentence)
        if lead and merged:
            merged[-1] += " " + lead.group(0).strip()
            sentence = sentence[lead.end():].strip()
        if sentence:
            merged.append(sentence)
    invalid: list[int] = []
    sentences: list[ParsedSentence] = []
    for sentence in merged:
        bullet = _BULLET.match(sentence)
        if bullet:
            sentence = sentence[bullet.end():]
        cited: list[int] = []
        for match in MARKER.finditer(sentence):
            for n in _numbers(match.group(1)):
                if 1 <= n <= n_passages:
                    if n not in cited:
                        cited.append(n)
                elif n not in invalid:
                    invalid.append(n)
        clean = strip_markers(" ".join(sentence.split()))
        if clean:
            sentences.append(ParsedSentence(clean, tuple(cited), bool(bullet)))
    return ParsedAnswer(tuple(sentences), tuple(invalid))


def is_refusal(text: str) -> bool:
    """True when a model answered with (a close variant of) the fixed refusal."""
    lowered = " ".join(text.lower().split())
    if REFUSAL.lower().rstrip(".") in lowered:
        return True
    if MARKER.search(text):
        return False  # a cited answer that merely starts "The sources do not agree…" is an answer
    return lowered.startswith(("the sources do not", "the provided sources do not", "i cannot find",
                               "i don't know"))


@dataclass(frozen=True)
class Verified:
    sentences: tuple[SentenceSupport, ...]
    citations: tuple[Citation, ...]
    text: str


def verify_answer(
    parsed: ParsedAnswer,
    passages: Sequence[Passage],
    scorer: SupportScorer = lexical_support,
    threshold: float = 0.5,
    strict: bool = False,
) -> Verified:
    """Score every sentence against the passages it cites; locate each cited quote.

    With ``strict`` unsupported sentences are dropped (and so are citations only
    they used). A sentence without citations is unsupported by definition.
    """
    kept: list[SentenceSupport] = []
    bullets: list[bool] = []
    quotes: dict[int, tuple[float, int, int]] = {}
    score_many = getattr(scorer, "score_many", None)
    if score_many is not None:
        # A judge model scores all sentences concurrently up front; the loop below then reads its cache.
        score_many([(s.text, [passages[n - 1].chunk.text for n in s.citations])
                    for s in parsed.sentences if s.citations])
    for sentence in parsed.sentences:
        cited_passages = [passages[n - 1].chunk.text for n in sentence.citations]
        support = scorer(sentence.text, cited_passages) if cited_passages else Support(0.0, reason="no citation")
        supported = bool(sentence.citations) and support.score >= threshold
        if strict and not supported:
            continue
        own_quotes: list[SentenceQuote] = []
        bullets.append(sentence.bullet)
        for i, n in enumerate(sentence.citations):
            # The quote for each cited passage: its best window for the sentences citing it.
            own = support if support.passage == i else scorer(sentence.text, [passages[n - 1].chunk.text])
            if own.passage is not None and own.end > own.start:
                if n not in quotes or own.score > quotes[n][0]:
                    quotes[n] = (own.score, own.start, own.end)
                chunk = passages[n - 1].chunk
                own_quotes.append(SentenceQuote(n, chunk.text[own.start:own.end], chunk.start + own.start,
                                                chunk.start + own.end))
        kept.append(SentenceSupport(sentence.text, sentence.citations, support.score, supported,
                                    quotes=tuple(own_quotes),
                                    verifier=support.verifier or scorer_name(scorer)))
    used = sorted({n for s in kept for n in s.citations})
    citations = []
    for n in used:
        chunk = passages[n - 1].chunk
        score, qs, qe = quotes.get(n, (0.0, 0, len(chunk.text)))
        citations.append(Citation(
            id=n, chunk_id=chunk.id, source=chunk.source, title=chunk.title, page=chunk.page,
            start=chunk.start, end=chunk.end, text=chunk.text, quote=chunk.text[qs:qe],
            quote_start=chunk.start + qs, quote_end=chunk.start + qe, rank=n))
    text = render([(s.text, s.citations, b) for s, b in zip(kept, bullets)])
    return Verified(tuple(kept), tuple(citations), text)


_RENDERED_MARKER = re.compile(r"\[(\d+)\]")  # what render() writes: one number per marker


def number_by_first_use(verified: Verified) -> Verified:
    """Renumber an answer's citations 1, 2, 3… in the order its sentences first cite them.

    :func:`verify_answer` numbers a citation by its passage's retrieval rank, so an
    answer may cite [1][2][3][6][7]; a reader would wonder where 4 and 5 went. The
    sentences' markers, their quotes and the citations all take the new numbers;
    each citation keeps its passage's retrieval rank in ``rank``.
    Numbers are given in the same order :class:`MarkerNumbering` gives them while an
    answer streams, so markers shown during streaming match the final answer (unless
    ``strict`` dropped the sentence that first cited a passage).

    Example:
        >>> from rag.records import Citation
        >>> v = Verified((SentenceSupport("A", (6, 2), 0.9, True), SentenceSupport("B", (2,), 0.9, True)),
        ...              (Citation(2, "c2", "a.txt", "A", None, 0, 1, "A", rank=2),
        ...               Citation(6, "c6", "a.txt", "A", None, 5, 6, "A", rank=6)), "A [6][2] B [2]")
        >>> renumbered = number_by_first_use(v)
        >>> renumbered.text, [(c.id, c.rank) for c in renumbered.citations]
        ('A [1][2] B [2]', [(1, 6), (2, 2)])
    """
    order = list(dict.fromkeys(n for s in verified.sentences for n in s.citations))
    order += [c.id for c in verified.citations if c.id not in order]
    new = {old: i for i, old in enumerate(order, start=1)}
    if all(old == i for old, i in new.items()):
        return verified
    sentences = tuple(replace(s, citations=tuple(new[n] for n in s.citations),
                              quotes=tuple(replace(q, citation=new.get(q.citation, q.citation)) for q in s.quotes))
                      for s in verified.sentences)
    citations = tuple(sorted((replace(c, id=new[c.id], rank=c.id if c.rank is None else c.rank)
                              for c in verified.citations), key=lambda c: c.id))
    text = _RENDERED_MARKER.sub(lambda m: f"[{new.get(int(m.group(1)), int(m.group(1)))}]", verified.text)
    return Verified(sentences, citations, text)


class MarkerNumbering:
    """Renumber ``[n]`` markers in text that arrives piece by piece (a streaming answer).

    Passage numbers (retrieval ranks) become 1, 2, 3… in order of first mention,
    as :func:`number_by_first_use` numbers the final answer; markers naming no
    passage (outside 1..``n_passages``) are dropped, as :func:`parse_answer` drops
    them. A marker split across pieces (``"[1,"`` then ``" 3]"``) is held back
    until it is complete.

    Example:
        >>> numbering = MarkerNumbering(n_passages=7)
        >>> [numbering.feed(p) for p in ("Baku attacked [6", "]. Russia [2, 9] paused [6].")] + [numbering.close()]
        ['Baku attacked ', '[1]. Russia [2] paused [1].', '']
    """

    _PARTIAL = re.compile(r"\[[\d\s,;]*$")

    def __init__(self, n_passages: int) -> None:
        self.n_passages = n_passages
        self.numbers: dict[int, int] = {}  # passage number → number shown
        self._held = ""

    def _marker(self, match: re.Match[str]) -> str:
        shown = []
        for n in _numbers(match.group(1)):
            if 1 <= n <= self.n_passages:
                shown.append(self.numbers.setdefault(n, len(self.numbers) + 1))
        if not shown:
            return ""
        return match.group(0)[:len(match.group(0)) - len(match.group(0).lstrip())] + \
            f"[{', '.join(str(n) for n in dict.fromkeys(shown))}]"

    def feed(self, piece: str) -> str:
        """The text of ``piece`` that can be shown now, its markers renumbered."""
        text = self._held + piece
        partial = self._PARTIAL.search(text)
        cut = partial.start() if partial else len(text)
        self._held = text[cut:]
        return MARKER.sub(self._marker, text[:cut])

    def close(self) -> str:
        """Whatever was held back at the end of the stream (an unfinished marker is shown as written)."""
        text, self._held = self._held, ""
        return MARKER.sub(self._marker, text)


_WORDS = re.compile(r"\w+")


def same_passage(a: Mapping[str, Any], b: Mapping[str, Any], overlap: float = 0.6) -> bool:
    """Two citations are one source shown twice: the same article in two files (a .txt and its .pdf).

    The title must match (ignoring case and spacing) and the passages must share
    most of their words (Jaccard ≥ ``overlap``), so two different articles under
    one generic title, or two parts of one article, stay apart.
    """
    def norm(title: Any) -> str:
        return " ".join(str(title or "").lower().split())

    if str(a.get("source")) == str(b.get("source")) or not norm(a.get("title")) \
            or norm(a.get("title")) != norm(b.get("title")):
        return False
    wa = set(_WORDS.findall(str(a.get("text") or "").lower()))
    wb = set(_WORDS.findall(str(b.get("text") or "").lower()))
    return bool(wa and wb) and len(wa & wb) / len(wa | wb) >= overlap
