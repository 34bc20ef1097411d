"""Small, pure text utilities shared by lexical search, answering and verification.

Also the project's one sentence splitter (:func:`split_sentences`): chunking, the
loader, answering, verification and the eval all cut text into sentences with it.

Example:
    >>> [t[s.start:s.end] for t in ["No. 10 Downing St. said so. It did."] for s in split_sentences(t)]
    ['No. 10 Downing St. said so.', 'It did.']
    >>> terms("The drones were striking Armenian positions")
    ['drone', 'strike', 'armenian', 'posit']
    >>> numbers("On 13 September 2022, 1,200 troops")
    ['13', '2022', '1200']
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass

import Stemmer

STOPWORDS = frozenset("""
a about above after again against all also am an and any are aren't as at be because been before being below
between both but by can cannot could did do does doing down during each few for from further had has have
having he her here hers herself him himself his how i if in into is it its itself just let me more most my
myself nor of off on once only or other ought our ours ourselves out over own same she should so some such
than that the their theirs them themselves then there these they this those through to too under until up
upon very was we were what when where which while who whom why will with would you your yours yourself
yourselves s t don now one ones did does done get got also many much may might must shall us via per
""".split())

QUESTION_WORDS = frozenset("what which who whom whose when where why how whats".split())
NEGATIONS = frozenset("not no never none nobody nothing neither nor without n't cannot".split())

# Words and names in any script: "Türkiye", "Keïta-Sall", "Erdoğan", "Gdańsk" are one word each (an ASCII
# pattern cut them into "T" + "rkiye"). ``UPPER`` is every capital (and titlecase) letter of the Basic
# Multilingual Plane, ``LOWER`` every small one (Python's ``re`` has no \p{Lu}); a letter is ``[^\W\d_]``.
# Text is read in its composed form (NFC), so "Se\u0301re\u0301me\u0301" is "Sérémé" too.
UPPER = "".join(ch for ch in map(chr, range(0x10000)) if ch.isupper() or (ch.istitle() and not ch.islower()))
LOWER = "".join(ch for ch in map(chr, range(0x10000)) if ch.islower())
_WORD = re.compile(r"[^\W_]+(?:[’'][^\W\d_]+)?")
_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?(?![\w])")
_NAME = re.compile(rf"\b[{UPPER}](?:[^\W\d_]|[’'-])+(?:\s+[{UPPER}](?:[^\W\d_]|[’'-])+)*")


# Bump when :func:`terms` would give different tokens for the same text (stemmer, stop words, word
# pattern): the lexical index records it and rebuilds a file written with another version.
TERMS_VERSION = "snowball-english-3"  # 2: words in any script ("Sérémé", not "S" "r" "m"); 3: "İ" read as "I"

# Snowball English (Porter 2), in C. A Stemmer object is not thread-safe (it keeps a cache and buffers):
# one per thread.
_LOCAL = threading.local()


def _stemmer() -> Stemmer.Stemmer:
    stemmer = getattr(_LOCAL, "stemmer", None)
    if stemmer is None:
        stemmer = _LOCAL.stemmer = Stemmer.Stemmer("english")
    return stemmer


# Superscripts, subscripts and vulgar fractions (Unicode "No") end a word: "attack²" is the word "attack" with a
# footnote mark, as it was when words were ASCII.
_READ_AS = {c: " " for c in range(0x10000) if unicodedata.category(chr(c)) == "No"}
# The Turkish dotted capital "İ" lower-cases to "i" plus a combining dot, so "İstanbul" never matched
# "Istanbul" or "istanbul": it is read as "I".
_READ_AS[0x130] = "I"


def read_as(text: str) -> str:
    """``text`` as words are read: composed (NFC), "İ" as "I", footnote marks as spaces; the same length when
    it is already composed, so use it for matching, never for offsets.

    Example:
        >>> read_as("İstanbul²")
        'Istanbul '
    """
    return text if text.isascii() else unicodedata.normalize("NFC", text).translate(_READ_AS)


def stem(word: str) -> str:
    """The Snowball English stem of ``word`` (lowercased; a possessive ``'s`` dropped). Accents are kept
    (eval/README.md, "Ninth round": folding them cost the SQuAD sample four correct refusals).

    Example:
        >>> [stem(w) for w in ["species", "studies", "striking", "strikes", "Armenia's", "Sérémé"]]
        ['speci', 'studi', 'strike', 'strike', 'armenia', 'sérémé']
    """
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    return str(_stemmer().stemWord(w))


def words(text: str) -> list[str]:
    return _WORD.findall(read_as(text))


def terms(text: str) -> list[str]:
    """Content terms: lowercased, stop words removed, stemmed (:func:`stem`)."""
    out = []
    for word in words(text):
        lower = word.lower().replace("’", "'")
        # "US", "IT", "WHO" are names when written in capitals, not stop words.
        acronym = len(word) >= 2 and word.isupper() and word.isalpha()
        if not acronym and (lower in STOPWORDS or lower in QUESTION_WORDS or len(lower) < 2 and not lower.isdigit()):
            continue
        out.append(stem(lower))
    return out


def name_phrases(text: str) -> list[str]:
    """Multi-word capitalised names ("Joseph Priestley", "Nancy Pelosi"), lowercased."""
    phrases = []
    for match in _NAME.finditer(read_as(text)):
        tokens = [t for t in match.group(0).split() if t.lower() not in STOPWORDS | QUESTION_WORDS]
        if len(tokens) >= 2:
            phrases.append(" ".join(tokens).lower().replace("’", "'"))
    return phrases


_ACRONYM = re.compile(r"\b(?:[A-Z]\.){2,}|\b[A-Z]{2,6}\b(?!-\d)")


def acronyms(text: str) -> set[str]:
    """The acronyms a text writes ("US", "U.S.", "NATO"), lowercased without their dots.

    Not a model number ("SA-8") and nothing on a line written all in capitals (a headline: "TROOPS IN RETREAT").

    Example:
        >>> sorted(acronyms("The EU met NATO, as the U.K. asked.\\nTROOPS IN RETREAT\\nThe SA-8 fired."))
        ['eu', 'nato', 'uk']
    """
    return {match.group(0).replace(".", "").lower() for line in text.splitlines() if not line.isupper()
            for match in _ACRONYM.finditer(line)}


# Words an acronym's letters pass over ("surface-to-air missile" is SAM, "Ministry of Defence" MoD).
_ACRONYM_SKIPS = frozenset("of to and the for in on".split())
_SPELLING_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?|[.!?;:]")


def spelled_out(acronym: str, text: str) -> bool:
    """Does ``text`` write ``acronym`` (three letters or more) out in full, in capitals or not?

    "LNG" is stated by "liquefied natural gas", "SAM" by "surface-to-air missile": consecutive words of three
    letters or more, within one sentence, none of them a stop word (but "of", "to", "and"… are passed over).
    Other words with those initials count too ("a long new gallery"): the check lets a question's acronym be found,
    so a chance match only spares a refusal; short words ("called it an act" is no CIA) and two letters would
    match too often.

    Example:
        >>> spelled_out("LNG", "a liquefied natural gas terminal"), spelled_out("SAM", "a surface-to-air missile")
        (True, True)
        >>> spelled_out("LNG", "the gas terminal"), spelled_out("CIA", "Putin called it an act of terror")
        (False, False)
        >>> spelled_out("SAM", "Putin's agreement. Moscow said"), spelled_out("EU", "every unit")
        (False, False)
    """
    letters = acronym.replace(".", "").lower()
    if len(letters) < 3:
        return False
    tokens = [w.lower() for w in _SPELLING_WORD.findall(text)]
    for start, word in enumerate(tokens):
        if word[0] != letters[0] or not _spells(word):
            continue
        matched, position = 1, start + 1
        while matched < len(letters) and position < len(tokens):
            token = tokens[position]
            if token in _ACRONYM_SKIPS:
                position += 1
                continue
            if token[0] != letters[matched] or not _spells(token):
                break
            matched += 1
            position += 1
        if matched == len(letters):
            return True
    return False


def _spells(word: str) -> bool:
    """Can ``word`` give an acronym its letter: a word of three letters or more, no stop word, no punctuation."""
    return len(word) >= 3 and word[0].isalpha() and word not in STOPWORDS


def numbers(text: str) -> list[str]:
    """Numbers in the text, with thousands separators removed."""
    return [n.replace(",", "").rstrip(".") for n in _NUMBER.findall(text)]


# What a name takes after a hyphen without being part of it: "Greyfinch-style", "NATO-led", "US-made" (not the
# lower-case part of a name: "Kim Yo-jong", "Guinea-bissau"), and the hyphen of "Kestrel-7", whose figure is no
# letter.
_LOWER_SUFFIX = re.compile(r"-(?:style|like|led|backed|based|made|built|owned|run|funded|linked|controlled|flagged|"
                           r"registered|class|type|era|born|speaking|language|friendly|related|bound|allied|aligned|"
                           r"leaning|held|occupied|supplied|sponsored|inspired|installed|appointed|imposed|brokered|"
                           r"mediated|hosted|organi[sz]ed|trained|armed|equipped|designed|developed|produced|"
                           r"operated)$|-$")


def names(text: str) -> set[str]:
    """Capitalised words that are not sentence-initial stop words (a cheap proxy for names).

    "It's", "What's" are a stop word with a verb, not names; "the Greyfinch-style trade" names Greyfinch.

        >>> sorted(names("It's over. What's next for the Greyfinch-style trade and the NATO-led mission?"))
        ['greyfinch', 'nato']
    """
    found: set[str] = set()
    for match in _NAME.finditer(read_as(text)):
        for token in match.group(0).split():
            lower = _LOWER_SUFFIX.sub("", token).lower().replace("’", "'")
            bare = lower[:-2] if lower.endswith("'s") else lower
            # (a stop word is no name with its "'s" either: "It's", "What's"; and as passages drop "May", "May's")
            if not bare or bare in STOPWORDS or bare in QUESTION_WORDS:
                continue
            found.add(stem(lower))
    return found


def has_negation(text: str) -> bool:
    lowered = text.lower().replace("’", "'")
    return any(w in NEGATIONS for w in re.findall(r"[a-z']+", lowered)) or "n't" in lowered


def normalise_space(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------- bylines

# "By Aïcha Traoré-Mensah – Fellow, Africa Security Programme, 24 July 2026": the name, then the rest of the
# byline (a role, a date). The name is words of letters (any script: "Łukasz Żółć"), a separator (dash or bar,
# not a comma: "By Tuesday, the rebels…" is a sentence) and the rest; :func:`byline_name` checks the name's
# capitals. The loader reads the author from it (rag.load); the extractive backend never quotes it as a point.
_BYLINE_WITH_MORE = re.compile(r"^[Bb]y\s+([^\W\d_][\w.'’-]*(?: [^\W\d_][\w.'’-]*){0,4}?)\s*(?:[–—|]|\s-)\s*(\S.*)$")
# "By Jane Doe, Senior Fellow, 3 March 2026": a comma after a name of two words or more, and what follows opens
# with a capital or a figure ("By Christmas Eve, the troops had left" is a sentence).
_BYLINE_WITH_COMMA = re.compile(r"^[Bb]y\s+([^\W\d_][\w.'’-]*(?: [^\W\d_][\w.'’-]*){1,4}?),\s*([^\W_a-z].*)$")
_NAME_PARTICLES = frozenset("van von der den de del della da di du le la al el bin ibn ter ten".split())
_NOT_NAMES = frozenset("""january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow then now""".split())


def byline_name(name: str) -> str | None:
    """``name`` when it reads as a person's name (capitalised words, particles allowed; no month/weekday)."""
    parts = name.split()
    if not parts or parts[0].lower() in _NOT_NAMES or not parts[0][0].isupper() or not parts[-1][0].isupper():
        return None
    if any(not (p[0].isupper() or p.lower() in _NAME_PARTICLES) for p in parts):
        return None
    return name


# A date as a byline writes it: "2026-07-24", "24 July 2026", "Jul 24, 2026".
BYLINE_DATE = re.compile(
    r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{4}\b|"
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}\b")


def byline_parts(line: str) -> tuple[str, str] | None:
    """(name, the rest) of a "By NAME – role, date" line, or None.

    Example:
        >>> byline_parts("By Émile Durand – Visiting Fellow, 10 February 2026")
        ('Émile Durand', 'Visiting Fellow, 10 February 2026')
        >>> byline_parts("By Jane Doe, Senior Fellow, 3 March 2026")
        ('Jane Doe', 'Senior Fellow, 3 March 2026')
        >>> byline_parts("By Friday – the minister said – a deal will come.") is None
        True
        >>> byline_parts("By Christmas Eve, the troops had left.") is None
        True
    """
    match = _BYLINE_WITH_MORE.match(line.strip()) or _BYLINE_WITH_COMMA.match(line.strip())
    if not match or not byline_name(match.group(1)):
        return None
    return match.group(1), match.group(2)


# ---------------------------------------------------------------- sentences

@dataclass(frozen=True)
class Span:
    """A sentence's character span; ``paragraph_start`` when it follows a blank line."""

    start: int
    end: int
    paragraph_start: bool = False


_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st vs etc gen col lt maj capt sgt adm gov sen rep rev jr sr inc ltd co corp mt ft "
    "jan feb mar apr jun jul aug sep sept oct nov dec fig al approx dept est ca e.g i.e u.s u.k u.n".split())
# Abbreviations that only ever precede a number: "No. 10", "Vol. 3", "pp. 4-7".
_NUMBER_ABBREVIATIONS = frozenset("no nos vol vols pp art sec ch".split())
_BOUNDARY = re.compile(rf"(?<=[.!?…])[\"”’)\]]*(?=\s+[\"“‘(\[]?[{UPPER}0-9•])|\n")


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Sentence spans (whitespace-trimmed) of ``text[start:end]``; the one splitter of the project.

    A sentence ends at ``.``, ``!``, ``?`` or ``…`` (plus closing quotes/brackets)
    followed by a capital or a digit, except after an initial ("J. Smith"), a
    common abbreviation ("Dr.", "St.", "U.S.") or a number abbreviation before
    its number ("No. 10"). Line breaks always end a sentence (headings, list
    items, paragraphs); ``paragraph_start`` marks a sentence after a blank line.

    Example:
        >>> text = "Dr. Smith met J. Doe at No. 10. Why? Nobody knows."
        >>> [text[s.start:s.end] for s in split_sentences(text)]
        ['Dr. Smith met J. Doe at No. 10.', 'Why?', 'Nobody knows.']
    """
    end = len(text) if end is None else end
    raw: list[tuple[int, int]] = []
    cursor = start
    for match in _BOUNDARY.finditer(text, start, end):
        if match.group(0) != "\n" and _ends_with_abbreviation(text, cursor, match.start(), match.end()):
            continue
        _append(raw, text, cursor, match.end())
        cursor = match.end()
    _append(raw, text, cursor, end)
    spans: list[Span] = []
    previous_end = start
    for s, e in raw:
        spans.append(Span(s, e, not spans or text.count("\n", previous_end, s) >= 2))
        previous_end = e
    return spans


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` as strings (exact, stripped substrings), by :func:`split_sentences`."""
    return [text[s.start:s.end] for s in split_sentences(text)]


def _append(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    segment = text[start:end]
    stripped = segment.strip()
    if stripped:
        s = start + len(segment) - len(segment.lstrip())
        spans.append((s, s + len(stripped)))


def _ends_with_abbreviation(text: str, start: int, stop: int, after: int) -> bool:
    word = text[start:stop].rsplit(None, 1)[-1] if text[start:stop].split() else ""
    if not word.endswith("."):
        return False  # "!" and "?" end a sentence whatever precedes them
    word = word.rstrip(".").lstrip("(\"“‘")
    if word.lower() in _ABBREVIATIONS:
        return True
    # "No. 10" is an abbreviation, "he said no. 10 came" ends a sentence: "No"/"Nos" must be capitalised.
    if (word.lower() in _NUMBER_ABBREVIATIONS and (word[:1].isupper() or word.lower() not in {"no", "nos"})
            and text[after:after + 20].lstrip()[:1].isdigit()):
        return True
    word = word.lower()
    # A single initial ("J. Smith") is not the end of a sentence.
    return len(word) == 1 and word.isalpha()
