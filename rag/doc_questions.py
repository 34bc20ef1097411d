"""Questions about a document rather than its content: who wrote it, when it was published.

Staff ask "Who wrote the article on the Azawi coup?" or "When was the report on the shadow fleet
published?". The answer is in the article's byline ("By Aïcha Traoré-Mensah – Fellow, Africa
Security Programme, 24 July 2026"), which the extractive backend never offers as an answer to a
question about the content (a byline is not a claim). :func:`document_question` recognises these
questions; :func:`byline_answer` finds the sentence of the document's opening that states the
author (or the publication date) that ingestion read into its metadata, so the answer quotes the
source verbatim and cites it like any other sentence. Where the text does not state it (an
undated article, an author known only from metadata) the answer is the refusal: a date in the
content is an event's, a name in it someone else's. When no retrieved document is about what the
question names, that is a refusal too.

"Who is Aïcha Traoré-Mensah?" is an author question too when the name is a retrieved document's
author (:func:`asks_about_author`): answered as any question first (an author's biography at the
end of an article says more than the byline), and with the byline when nothing else answers.

Example:
    >>> document_question("Who wrote the article about the coup in Azawi?")
    'author'
    >>> document_question("When was the report on the shadow fleet published?")
    'date'
    >>> document_question("Who wrote the treaty?") is None  # about the content, not a document of ours
    True
    >>> document_question("When was the IPCC Fourth Assessment Report published?") is None  # one it discusses
    True
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date as Date
from functools import lru_cache
from typing import Literal

from rag.chunk import split_sentences
from rag.records import Chunk
from rag.seats import seat_of, state_forms
from rag.text import UPPER, stem, terms

DocumentAsk = Literal["author", "date"]

# The answer to "Summarise the article." when several documents could be meant.
WHICH_DOCUMENT = ("Several documents could be meant. Name the one to summarise, for example "
                  "“Summarise the article about …”; the closest ones are listed below.")
# The answer to "Who wrote the article?" / "When was the article published?" when several documents could be
# meant and the conversation names none.
WHICH_DOCUMENT_ASKED = ("Several documents could be meant. Say which one, for example “the article about …”; "
                        "the closest ones are listed below.")
WHICH_ANSWERS = (WHICH_DOCUMENT, WHICH_DOCUMENT_ASKED)

# One of our documents, named generically: "the article about X", "the report", "this piece". A document
# with a name or modifiers ("the IPCC Fourth Assessment Report", "the fourth assessment report", "a paper
# on…", "the study on…") is one the content talks about, and the question is about the content.
_NOUN = r"(?:article|piece|commentary|analysis|essay|op-?ed|column|blog post|post|brief(?:ing)?|report|paper)s?"
_DOCUMENT = (rf"(?:(?:this|that|our|your) (?:[a-z][\w'’-]* ){{0,2}}|the ){_NOUN}"
             r"(?=\s+(?:about|on|concerning|regarding|covering|discussing)\b|(?<=analysis)\s+of\b|\s*[?.!]|\s*$|"
             r"\s+(?:was |were |is )?(?:published|posted|released|issued|come out|came out|appeared)\b|"
             r"\s+written\s*[?.!]?\s*$)")
_PUBLISHED = r"(?i:\b(?:published|written|posted|released|issued|come out|came out|appear(?:ed)?)\b)"
_AUTHOR = re.compile(
    rf"(?i:\bwho (?:wrote|authored|penned|(?:is|was) the (?:author|writer) of)) {_DOCUMENT}|"
    # (not its subject: "What reforms does the author of the commentary on X recommend?", "According to the
    # writer of the piece on X, why…")
    rf"(?i:(?<!\bdoes the )(?<!\bdid the )(?<!\bdo the )(?<!\bwould the )(?<!\bwill the )(?<!\bhas the )"
    rf"(?<!\bhave the )(?<!\bshould the )(?<!\bcan the )(?<!\bcould the )(?<!\baccording to the )"
    rf"\b(?:author|writer)s? of) {_DOCUMENT}|"
    rf"(?i:\bby whom (?:was|is|were)) {_DOCUMENT}|"
    # A follow-up: "Who wrote it?", "Who is the author?" (the conversation says which document).
    r"(?i:^\s*(?:and\s+)?(?:who (?:wrote|authored) (?:it|this|that)|who(?:'s| is| was) the (?:author|writer))"
    r"\s*\??\s*$)")
_DATE = re.compile(
    rf"(?i:\bwhen (?:was|were|did|has|had)) {_DOCUMENT}.*{_PUBLISHED}|"
    rf"(?i:\b(?:publication|publishing|release) date of) {_DOCUMENT}|"
    rf"(?i:\bwhat (?:date|day|month|year) (?:was|were|did)) {_DOCUMENT}.*{_PUBLISHED}|"
    r"(?i:^\s*(?:and\s+)?when (?:was|were) (?:it|this|that) (?:published|written|posted|released)\s*\??\s*$)")
_WHO_IS = re.compile(r"^\s*(?:and\s+)?who (?:is|was|'s)\s+(.+?)\s*\??\s*$", re.I)

# English month names, not calendar.month_name: that follows the process locale.
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
OPENING_CHARS = 600  # a byline sits in a document's first lines


# The words of a question that asks about "the article" and nothing else: "Who wrote this article?",
# "When was the report published?" (not "When was the paper published that the graph was based on?").
_BARE_WORDS = frozenset(terms(
    "who wrote author writer written penned authored by whom when was published posted released issued came out "
    "appeared date publication publishing release article piece commentary analysis essay op-ed column blog post "
    "brief briefing report paper come tell know please"))


def bare_document_question(question: str) -> bool:
    """Whether ``question`` asks who wrote / when was published "the article" and says nothing else.

        >>> bare_document_question("Who wrote the article?"), bare_document_question("When was this report published?")
        (True, True)
        >>> bare_document_question("When was the paper published that the temperature graph was based on?")
        False
    """
    return document_question(question) is not None and not set(terms(question)) - _BARE_WORDS


def document_question(question: str) -> DocumentAsk | None:
    """``"author"`` or ``"date"`` for a question about who wrote / when was published a document, else None."""
    if _AUTHOR.search(question):
        return "author"
    if _DATE.search(question):
        return "date"
    return None


# ("the analysis of X" too: "the article of X" is no way to name one)
_TOPIC = re.compile(rf"\b{_NOUN}\s+(?:about|on|concerning|regarding|covering|discussing|(?<=analysis\s)of)\s+(.+?)"
                    r"[\s?.!]*$", re.I)
_TRAILING_VERB = re.compile(r"\s+(?:was |were |is |been )?(?:published|written|posted|released|issued|come out|"
                            r"came out|appeared|appear)$", re.I)


def document_topic(question: str) -> str | None:
    """What the asked document is about ("the coup in Azawi"), to find it by; None when the question does not say.

    Example:
        >>> document_topic("Who wrote the article about the coup in Azawi?")
        'the coup in Azawi'
        >>> document_topic("When was the report on the shadow fleet published?")
        'the shadow fleet'
    """
    match = _TOPIC.search(question)
    topic = _TRAILING_VERB.sub("", match.group(1)).strip() if match else ""
    return topic or None


# "Summarise the article (about X)", "Give me an overview of this report", "What is the article about?",
# "What are the main takeaways?", "TL;DR": the whole document, not a question about part of it. "Summarise the
# article's argument about the EU" names a part: an analytic question like any other.
_SUMMARY_VERB = (r"(?:summari[sz]e|sum up|recap|(?:(?:give|provide|write|produce|prepare|make|send) (?:me |us )?|"
                 r"(?:i'?d|i would) like |i (?:want|need) )?(?:a |an )?(?:short |brief |quick |one-paragraph )?"
                 r"(?:summary|overview|synopsis|gist|rundown|recap)(?: of)?)")
# Politeness and format around the request: "Can you briefly…", "…for me", "…in three bullet points, please".
_LEADING = re.compile(r"^\s*(?:(?:please|can you|could you|would you|will you|kindly|briefly|quickly|now|just)\s+)+",
                      re.I)
_TRAILING = re.compile(r"(?:[\s,]+(?:please|for (?:me|us|(?:my|our) [\w-]+)|briefly|in brief|in short|quickly|"
                       r"in (?:a few|one|two|three|"
                       r"four|five|six|\d+) (?:bullet points?|bullets?|sentences?|lines?|words?|paragraphs?|points?)))+"
                       r"[\s?.!]*$", re.I)
_END = r"\s*[?.!]*\s*$"
# Our documents as a request names them: as _DOCUMENT ("the paper", "this short piece"; not "the plos pathogen
# paper", one the content discusses) plus "the document", "the study", "the text", without the lookahead.
_SUMMARY_NOUN = rf"(?:{_NOUN}|(?:document|text|stor(?:y|ies)|stud(?:y|ies))s?)"
_DOC = (rf"(?:(?:(?:this|that|these|those|our|your|its) (?:[a-z][\w'’-]* ){{0,2}}|the )?{_SUMMARY_NOUN}|"
        # "the Kestrel article": a name in front says which ("the IPCC Fourth Assessment Report" is a title)
        rf"the (?:(?-i:[{UPPER}])[\w'’-]* ){{1,3}}(?-i:{_SUMMARY_NOUN})|"
        # a title in quotes: "What are the main points of “Lights Out in Lessia”?" (the chat suggests it)
        r"“[^”]{2,160}”|\"[^\"]{2,160}\")")
_ABOUT = r"(?:about|on|concerning|regarding|covering|discussing)"
_SUMMARY = re.compile(
    rf"^{_SUMMARY_VERB}(?:\s+(?:{_DOC}(?:\s+{_ABOUT}\s+.+)?|it|this|that|them))?{_END}|"
    rf"^sum (?:it|this|that|them) up{_END}|"
    rf"^(?:tl;?dr|tl;?dr:?\s+{_DOC}.*|tl;?dr (?:of|for) {_DOC}.*){_END}|"
    rf"^what(?:'s| is) {_DOC}(?:\s+{_ABOUT}\s+.+)?\s+about{_END}|"
    rf"^what(?:'s| is) (?:this|it) about{_END}|"
    rf"^what(?:'s| is) the (?:gist|upshot|bottom line)(?: of {_DOC}(?:\s+{_ABOUT}\s+.+)?)?{_END}|"
    rf"^what(?:'s| is| was) (?:the|its) (?:main|key|central|principal|overall) (?:point|argument|message|finding|"
    rf"conclusion|thesis|idea|theme|takeaway)(?:\s+(?:of|in) {_DOC}(?:\s+{_ABOUT}\s+.+)?)?{_END}|"
    rf"^what (?:are|were) (?:the|its) (?:main|key|most important|central|principal) (?:points|takeaways|"
    rf"take-aways|arguments|findings|conclusions|messages|ideas|themes)(?:\s+(?:of|in|from) {_DOC}"
    rf"(?:\s+{_ABOUT}\s+.+)?)?{_END}|"
    rf"^what does {_DOC}(?:\s+{_ABOUT}\s+.+?)? (?:say|argue|conclude|claim|find){_END}",
    re.I)


def _request_core(question: str) -> str:
    """The request without politeness or format around it ("Can you briefly summarise X for me?" → "summarise X")."""
    text = " ".join(question.split())
    return _TRAILING.sub("", _LEADING.sub("", text)).strip()


def summary_request(question: str) -> bool:
    """Does ``question`` ask for a summary of a whole document ("Summarise the article about the coup.")?

    Example:
        >>> summary_request("Summarise the article."), summary_request("What are the main takeaways?")
        (True, True)
        >>> summary_request("Summarise the article's argument about the EU.")  # a part of it: analytic
        False
    """
    return bool(_SUMMARY.search(_request_core(question)))


_SUMMARY_TAIL = re.compile(r"\s+(?:say|says|argue|argues|conclude|concludes|claim|claims|find|finds|about)$", re.I)


def summary_topic(question: str) -> str | None:
    """What the document to summarise is about ("the shadow fleet"); None when the request does not say.

    Example:
        >>> summary_topic("What does the report on the shadow fleet conclude?")
        'the shadow fleet'
        >>> summary_topic("Can you summarise the article about the coup in Azawi in three bullet points?")
        'the coup in Azawi'
    """
    core = _request_core(question).rstrip("?.! ")
    match = re.search(rf"\b{_SUMMARY_NOUN}\s+{_ABOUT}\s+(.+)$", core, re.I)
    named = re.search(rf"\bthe ((?:[{UPPER}][\w'’-]* ){{1,3}}){_SUMMARY_NOUN}\b", core)  # "the Kestrel article"
    quoted = re.search(r"“([^”]{2,160})”|\"([^\"]{2,160})\"", core)  # a title
    topic = (_SUMMARY_TAIL.sub("", match.group(1)).strip() if match else named.group(1).strip() if named
             else (quoted.group(1) or quoted.group(2)).strip() if quoted else "")
    # 'Summarise "the article".' names no document: only words that say which one count.
    if re.fullmatch(rf"(?i:(?:the|this|that|these|those|our|your|its|an?)\s+)?{_SUMMARY_NOUN}", topic, re.I):
        return None
    return topic or None


def asks_about_author(question: str, authors: Sequence[str]) -> bool:
    """Whether ``question`` is "Who is NAME?" for one of ``authors`` (case and spacing aside), or names the
    author by surname, written with its capital ("Who is Clarke?").

        >>> authors = ["Georgia Clarke"]
        >>> asks_about_author("Who is Clarke?", authors), asks_about_author("who is clarke", authors)
        (True, False)
    """
    match = _WHO_IS.match(question)
    if not match:
        return False
    written = " ".join(match.group(1).split())
    asked = written.casefold()
    return any(asked == " ".join(a.split()).casefold() or written == surname(a) for a in authors if a)


# What a person is and where they work: "Which think tank is Tomas Reinholt affiliated with?", "What position does
# Helena Marsh hold at her institute?", "What organisation is Harrane attached to?", "Where does Lindqvist work?",
# "What is Reinholt's job?". An author's biography line answers it ("Tomas Reinholt is a senior analyst at the
# Ardent Policy Centre."), and only with the name in the question.
_BODY = (r"(?:think[- ]?tank|institute|institution|organi[sz]ation|centre|center|university|employer|firm|company|"
         r"body|outfit|agency|group|programme|program|foundation|council|newspaper|outlet|publication|department|"
         r"unit|school|college|faculty|network)s?")
# A job, not a stance: "What position does X hold on NATO?" and "What is X's position?" ask what X thinks.
_JOB = r"(?:post|job(?:\s+title)?|title|role|rank|occupation|profession|affiliation|employer)s?"
_NAME_WORD = r"(?-i:[A-Z][\w.-]*(?:['’][A-Z][\w.-]*)?)"  # a name as written, with its capital: "O'Brien"
_PERSON = rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}}"
_Q = r"^\s*(?:and\s+)?"
_AT_WORK = rf"(?:\s+at\s+(?:the|his|her|their)\s+(?:[\w'’-]+\s+)?{_BODY})?"  # "… at her institute"
_PROFILE = re.compile(
    rf"{_Q}(?:what|which)\s+(?:[\w'’-]+\s+)?{_BODY}\s+(?:is|was|does|did|has)\s+{_PERSON}\s+(?:currently\s+|now\s+)?"
    r"(?:affiliated|attached|associated|linked|connected|employed|based|work|working|belong|a (?:member|fellow)|"
    r"with|at|for|from)\b|"
    rf"{_Q}(?:what|which)\s+(?:[\w'’-]+\s+)?(?:position|{_JOB})\s+(?:does|did|is|was|has)\s+{_PERSON}\s+"
    r"(?:currently\s+|now\s+)?(?:hold|have|occupy|fill|held|had)\b(?!\s+(?:on|about|regarding|towards?|over)\b)|"
    rf"{_Q}(?:at\s+)?where\s+(?:does|did|is|was)\s+{_PERSON}\s+(?:currently\s+|now\s+)?(?:work|based|employed)\b|"
    rf"{_Q}(?:at|in)\s+(?:what|which)\s+(?:[\w'’-]+\s+)?{_BODY}\s+(?:does|did|is|was)\s+{_PERSON}\s+"
    r"(?:currently\s+|now\s+)?(?:work|based|employed)\b|"
    rf"{_Q}(?:who|which\s+\w+(?:[- ]\w+)?)\s+(?:does|did)\s+{_PERSON}\s+work\s+for\b|"
    rf"{_Q}(?:who|which\s+\w+(?:[- ]\w+)?)\s+(?:employs|employed)\s+{_PERSON}\s*\??\s*$|"
    rf"{_Q}what\s+(?:does|did)\s+{_PERSON}\s+do(?:\s+for\s+a\s+living)?\s*\??\s*$|"
    rf"{_Q}(?:what|who)(?:['’]s|\s+is|\s+was)\s+{_PERSON}['’]s?\s+(?:current\s+|main\s+)?(?:{_JOB}|{_BODY})"
    rf"{_AT_WORK}\s*\??\s*$|"
    rf"{_Q}what(?:['’]s|\s+is|\s+was)\s+{_PERSON}['’]s?\s+(?:current\s+)?position\s+at\s+(?:the|his|her|their)\b",
    re.I)


@lru_cache(maxsize=4096)  # asked for every candidate sentence of a question
def asks_about_person(question: str) -> bool:
    """Whether ``question`` asks what someone it names is, or where they work, rather than what they wrote.

        >>> asks_about_person("Which think tank is Tomas Reinholt affiliated with?")
        True
        >>> asks_about_person("What position does Helena Marsh hold at her institute?")
        True
        >>> asks_about_person("What does Tomas Reinholt argue?"), asks_about_person("What price does Wessel put on it?")
        (False, False)
    """
    return bool(_PROFILE.search(question))


def _date_renderings(iso: str) -> list[str]:
    """How a text may write the ISO date ``iso``: "24 July 2026", "July 24, 2026", "2026-07-24"…"""
    try:
        day = Date.fromisoformat(iso)
    except ValueError:
        return [iso]
    month = _MONTHS[day.month - 1]
    return [iso, f"{day.day} {month} {day.year}", f"{month} {day.day}, {day.year}", f"{month} {day.day} {day.year}",
            f"{day.day} {month[:3]} {day.year}", f"{month[:3]} {day.day}, {day.year}"]


def byline_answer(first_chunk: Chunk, ask: DocumentAsk) -> tuple[int, int] | None:
    """The (start, end) in ``first_chunk.text`` of the line or sentence that states the author or date.

    Only a document's opening (:data:`OPENING_CHARS`) is searched: a name deep in the text is a
    quotation or a reference, not the byline. None when the metadata is empty or the text does not
    state it.
    """
    if first_chunk.start != 0:
        return None
    wanted = [first_chunk.author] if ask == "author" and first_chunk.author else \
        _date_renderings(first_chunk.date) if ask == "date" and first_chunk.date else []
    opening = first_chunk.text[:OPENING_CHARS]
    # Whole words and figures only: "3 March 2026" is not in "13 March 2026".
    hits = [m.start() for w in wanted if (m := re.search(rf"(?<![\w]){re.escape(w)}(?![\w])", opening))]
    if not hits:
        return None
    at = min(hits)
    # The line holding it, or its sentence when the line is a whole paragraph ("George Meneshian – In the …").
    start = opening.rfind("\n", 0, at) + 1
    end = first_chunk.text.find("\n", at)
    end = len(first_chunk.text) if end < 0 else end
    if len(first_chunk.text[start:end].split()) > 40:
        for span in split_sentences(first_chunk.text):
            if span.start <= at < span.end:
                return span.start, span.end
    return start, end


# A title quoted in a question: “Lights Out in Lessia”, "Lights Out in Lessia", «…».
_QUOTED = re.compile(r"[“\"«]([^“”\"«»]{4,300})[”\"»]")


def title_key(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("‘", "'").split()).strip(" .?!").casefold()


def quoted_title(question: str, titles: Iterable[str]) -> tuple[tuple[int, int], str] | None:
    """The span (quotes included) of a document title the question quotes, and that title; else None.

    The quote must be the whole title or its part before a colon ("Lights Out in Lessia" for "Lights Out
    in Lessia: Reading the January Grid Attack"), case, spacing and curly apostrophes aside: a quoted
    phrase that is no title ("the “special military operation”") names no document.

        >>> quoted_title('Who wrote “lights out in Lessia”?', ["Lights Out in Lessia: Reading the Attack"])
        ((10, 32), 'Lights Out in Lessia: Reading the Attack')
        >>> quoted_title('Why was it called a “special operation”?', ["Lights Out in Lessia"]) is None
        True
    """
    keys: dict[str, str] = {}
    for title in titles:
        keys.setdefault(title_key(title), title)
        head = title.split(":", 1)[0]
        if head != title and len(title_key(head)) >= 8:
            keys.setdefault(title_key(head), title)
    for match in _QUOTED.finditer(question):
        found = keys.get(title_key(match.group(1)))
        if found is not None:
            return (match.start(), match.end()), found
    return None


def author_named(question: str, author: str) -> tuple[tuple[int, int], str] | None:
    """The span of ``author``'s full name in ``question`` (a possessive "'s" with it), case and spacing aside.

        >>> author_named("What does tomas  Rautio's article argue?", "Tomas Rautio")
        ((10, 25), 'Tomas Rautio')
        >>> author_named("What does Rautio argue?", "Tomas Rautio") is None
        True
    """
    words = author.split()
    if len(words) < 2:
        return None  # a single name ("Reuters", "Staff") is too easily a word of the question
    pattern = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"(?:['’]s)?(?!\w)"
    match = re.search(pattern, question, re.I)
    return None if match is None else ((match.start(), match.end()), author)


def surname(author: str) -> str | None:
    """The surname of a person's byline, with its particles ("Pieter de Groot" → "de Groot"); None for one word.

        >>> surname("Pieter de Groot"), surname("Tove Ebberlin"), surname("Reuters")
        ('de Groot', 'Ebberlin', None)
    """
    words = author.split()
    if len(words) < 2 or len(words[-1]) < 3 or not words[-1][:1].isupper():
        return None
    tail = [words[-1]]
    for word in reversed(words[1:-1]):
        if not word[:1].islower():
            break
        tail.insert(0, word)
    return " ".join(tail)


# Before a surname, a word that makes it something else: "the King", "of Jordan", "General Wessel" (a capital).
_NOT_A_WRITER_BEFORE = re.compile(r"\b(?:the|a|an|of|in|on|at|from|into|near|this|that|these|those)\s+$", re.I)
_NAME_BEFORE = re.compile(rf"[{UPPER}][\w’'.-]*\s+$")
# "in Kerrigan's view", "to Saldo's mind": a surname with its possessive before a word for a view
_VIEWED_FROM = re.compile(r"\b(?:in|from|to)\s+$", re.I)
_VIEW_OF = re.compile(r"(?<=['’]s)\s+(?:view|opinion|eyes|mind|judge?ment|assessment|analysis|reading|estimation|"
                      r"telling|words|perspective|account(?=\s*,))\b", re.I)  # ("in Kerrigan's account" may hold money)
# ... unless it is the question's first word: "Does Ebberlin think…", "Why Wessel doubts…"
_QUESTION_OPENING = re.compile(r"\s*(?:does|did|do|is|was|are|were|has|have|had|would|could|should|will|can|why|how|"
                               r"what|when|where|who|and|but)\s+", re.I)


def surname_named(question: str, author: str) -> tuple[tuple[int, int], str] | None:
    """The span of ``author``'s surname in ``question``, written with its capital (a possessive "'s" with it),
    not as the question's first word: analysts name a writer so ("How does Ebberlin judge the group's record?").

    Not a word that is something else there: after "the", "of", a title or another name ("the King", "of
    Jordan", "General Wessel"), before a name or a hyphen ("White House", "Hale-Smith"), or a state or a
    capital ("How did Jordan respond…").

        >>> surname_named("How does Ebberlin judge it?", "Tove Ebberlin")
        ((9, 17), 'Tove Ebberlin')
        >>> surname_named("How long did it last?", "Mara Long") is None  # a word, not the name
        True
        >>> surname_named("How did the King respond?", "Hannah King") is None
        True
        >>> surname_named("How did Jordan respond?", "Daniel Jordan") is None  # a state
        True
        >>> surname_named("What dangers do snap drills pose, in Kerrigan's view?", "Matthias Kerrigan")
        ((37, 47), 'Matthias Kerrigan')
        >>> surname_named("What did the navy do in Kerrigan's harbour?", "Matthias Kerrigan") is None
        True
    """
    name = surname(author)
    if name is None or state_forms(stem(name.split()[-1])) or seat_of(name):
        return None
    *particles, last = name.split()  # "de Groot" or "Groot"
    pattern = "".join(f"(?:(?i:{re.escape(w)})\\s+)?" for w in particles) + re.escape(last)
    for match in re.finditer(r"(?<=\S)\s+(" + pattern + r"(?:['’]s)?)(?![\w-])(?!\s+[" + UPPER + r"])",
                             question):
        before = question[:match.start(1)]
        after_name = _NAME_BEFORE.search(before) and not _QUESTION_OPENING.fullmatch(before)
        # "…, in Kerrigan's view", "from Saldo's perspective": a writer's view, whatever the preposition
        viewed = _VIEW_OF.match(question, match.end(1)) and _VIEWED_FROM.search(before)
        if not viewed and (_NOT_A_WRITER_BEFORE.search(before) or after_name):
            continue
        return (match.start(1), match.end(1)), author
    return None


# A byline that names a desk, a wire or a board, not a person: never taken as "the author" of a question.
_GENERIC_BYLINE = re.compile(r"^the\b|\b(?:staff|reporters?|correspondents?|editors?|editorial|board|desk|press|"
                             r"agency|wire|news|team|newsroom|contributors?)\b", re.I)


def generic_byline(author: str) -> bool:
    """Whether ``author`` names a desk or a wire ("the Editorial Board", "Staff Reporter", "Associated Press")."""
    return bool(_GENERIC_BYLINE.search(author.strip()))
