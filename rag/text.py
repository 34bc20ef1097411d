"""Small, pure text utilities shared by lexical search, answering and verification.

Example:
    >>> terms("The drones were striking Armenian positions")
    ['drone', 'strik', 'armenian', 'position']
    >>> numbers("On 13 September 2022, 1,200 troops")
    ['13', '2022', '1200']
"""

from __future__ import annotations

import re

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

_WORD = re.compile(r"[A-Za-z0-9]+(?:[’'][A-Za-z]+)?")
_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?(?![\w])")
_NAME = re.compile(r"\b[A-Z][a-zA-Z’'-]+(?:\s+[A-Z][a-zA-Z’'-]+)*")


def stem(word: str) -> str:
    """A deliberately light stemmer: plural and common verb endings only."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    for suffix, keep in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3 and not w.endswith("ss"):
            return w[: -len(suffix)] + keep
    return w


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def terms(text: str) -> list[str]:
    """Content terms: lowercased, stop words removed, lightly stemmed."""
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
    for match in _NAME.finditer(text):
        tokens = [t for t in match.group(0).split() if t.lower() not in STOPWORDS | QUESTION_WORDS]
        if len(tokens) >= 2:
            phrases.append(" ".join(tokens).lower().replace("’", "'"))
    return phrases


def numbers(text: str) -> list[str]:
    """Numbers in the text, with thousands separators removed."""
    return [n.replace(",", "").rstrip(".") for n in _NUMBER.findall(text)]


def names(text: str) -> set[str]:
    """Capitalised words that are not sentence-initial stop words (a cheap proxy for names)."""
    found: set[str] = set()
    for match in _NAME.finditer(text):
        for token in match.group(0).split():
            lower = token.lower().replace("’", "'")
            if lower in STOPWORDS or lower in QUESTION_WORDS:
                continue
            found.add(stem(lower))
    return found


def has_negation(text: str) -> bool:
    lowered = text.lower().replace("’", "'")
    return any(w in NEGATIONS for w in re.findall(r"[a-z']+", lowered)) or "n't" in lowered


def normalise_space(text: str) -> str:
    return " ".join(text.split())
