"""A labelled sentence/passage set that measures the support scorer.

Built from SQuAD paragraphs, so no model or annotator is needed and the labels
hold by construction. For a paragraph that answers a question, the sentence
holding the gold answer is the seed:

========================  =========  ==================================================
kind                      supported  how it is made
========================  =========  ==================================================
``verbatim``              yes        the seed sentence exactly as in the paragraph
``paraphrase``            yes        the seed minus a parenthesis, a non-restrictive
                                     "which/who" clause or a leading adverbial phrase
``number_changed``        no         one number in the seed altered (not found in the
                                     paragraph); seeds without a number are skipped
``entity_swapped``        no         a capitalised name replaced by a name of the same
                                     length taken from a *different* article
``negated``               no         "not" inserted after the first auxiliary
                                     (is/was/are/were/has/had/have/did/does/do/can/will/
                                     could/would); seeds already negated are skipped
``other_paragraph``       no         a sentence of a different article's paragraph
========================  =========  ==================================================

About half the pairs are supported, split evenly between the two supported
kinds; the unsupported half is split evenly over the four other kinds.

Example:
    >>> from rag.eval.datasets import load_squad  # doctest: +SKIP
    >>> pairs = build_support_pairs(load_squad("dev-v2.0.rebuilt.json"), n=400, seed=7)  # doctest: +SKIP
    >>> evaluate_scorer(pairs, my_scorer)["balanced_accuracy"]  # doctest: +SKIP
    0.91
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rag.eval.datasets import SquadData, article_key, read_jsonl_lines, write_jsonl
from rag.eval.metrics import balanced_accuracy
from rag.text import sentences

__all__ = [
    "KINDS",
    "SUPPORTED_KINDS",
    "UNSUPPORTED_KINDS",
    "SupportPair",
    "build_support_pairs",
    "evaluate_scorer",
    "load_pairs_jsonl",
    "split_sentences",
    "write_pairs_jsonl",
]

SUPPORTED_KINDS = ("verbatim", "paraphrase")
UNSUPPORTED_KINDS = ("number_changed", "entity_swapped", "negated", "other_paragraph")
KINDS = SUPPORTED_KINDS + UNSUPPORTED_KINDS

_MIN_WORDS = 6
_MAX_WORDS = 60


@dataclass(frozen=True)
class SupportPair:
    """A sentence, a passage and whether the passage supports the sentence.

    ``source_id`` names the passage's document (a SQuAD paragraph id), for tracing.
    """

    sentence: str
    passage: str
    supported: bool
    kind: str
    source_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# ----------------------------------------------------------------- sentences

# The support set must cut passages exactly as the answering system does, or it measures another
# system: its splitter *is* the project's (rag.text.sentences, exact stripped substrings, which the
# ``verbatim`` kind relies on), under the name this module has always exported.
split_sentences = sentences


def _usable(sentence: str) -> bool:
    return _MIN_WORDS <= len(sentence.split()) <= _MAX_WORDS


# ----------------------------------------------------------------- variants

@dataclass(frozen=True)
class _Seed:
    sentence: str
    passage: str
    doc_id: str
    article: str


@dataclass(frozen=True)
class _Pools:
    """Material drawn from the whole corpus: names and sentences per article."""

    entities_by_length: dict[int, list[tuple[str, str]]]  # word count -> [(article, name)]
    sentences: list[tuple[str, str]]  # [(article, sentence)]


def _paraphrase(seed: _Seed) -> str | None:
    text = seed.sentence
    # Each edit removes information the passage states, so the shorter sentence stays entailed.
    text = re.sub(r"\s+\([^()]*\)", "", text)  # not "T(n)": notation, not an aside
    # A comma followed by "but/and..." belongs to the main clause, so the aside has not ended there.
    text = re.sub(r",\s+(?:which|who|whose)\s+[^,.;:()]+,(?!\s+(?:but|and|or|yet|then|so)\b)", "", text)
    text = re.sub(r",\s+(?:which|who|whose)\s+[^,.;:()]+([.!?])$", r"\1", text)
    text = re.sub(r",\s+(?:including|such as|especially|particularly|mainly|notably)\s+[^;:()]+?([.!?])$",
                  r"\1", text)
    lead = re.match(
        r"^(?:In|On|At|During|After|Before|By|Since|Following|Although|Though|While|Despite|Because"
        r"|Throughout|Today|However|Thus|Therefore|Additionally|Moreover|Furthermore|Meanwhile"
        r"|Eventually|Later|Initially|Originally|Historically|Nevertheless|Instead|In addition"
        r"|As a result|For example|For instance|According to)\b([^,]{0,60}),\s+", text)
    if lead and len(lead.group(0).split()) <= 8:
        rest = text[lead.end():]
        first = rest.split(" ", 1)[0].lower()
        if len(rest.split()) >= _MIN_WORDS and first not in {"and", "but", "or", "which", "who", "whose"}:
            text = rest[0].upper() + rest[1:]
    text = re.sub(r"\s{2,}", " ", text).strip()
    if text == seed.sentence or len(text.split()) < _MIN_WORDS:
        return None
    return text


_NUMBER = re.compile(r"(?<![\w.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\w]|[.,]\d)")
_NUMBER_WORDS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
_NUMBER_WORD = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b", re.IGNORECASE)


def _altered_number(token: str, rng: random.Random) -> str:
    plain = token.replace(",", "")
    if "." in plain:
        decimals = len(plain.split(".")[1])
        value = float(plain) * rng.choice((0.5, 1.5, 2.0, 3.0))
        return f"{value:.{decimals}f}"
    value = int(plain)
    if len(plain) == 4 and 1000 <= value <= 2100 and "," not in token:
        # A year: a few years off reads naturally and is still wrong.
        new = value + rng.choice((-1, 1)) * rng.randint(3, 12)
    elif value < 10:
        new = value + rng.randint(2, 6)
    else:
        new = max(1, round(value * rng.choice((0.5, 1.5, 2, 3))))
    return f"{new:,}" if "," in token else str(new)


def _number_changed(seed: _Seed, rng: random.Random) -> str | None:
    matches = list(_NUMBER.finditer(seed.sentence))
    if matches:
        match = rng.choice(matches)
        for _ in range(10):
            new = _altered_number(match.group(0), rng)
            # The new number must be absent from the whole passage, or the claim might still hold.
            if new != match.group(0) and not re.search(rf"(?<![\d.,]){re.escape(new)}(?![\d]|[.,]\d)", seed.passage):
                return seed.sentence[:match.start()] + new + seed.sentence[match.end():]
        return None
    words = list(_NUMBER_WORD.finditer(seed.sentence))
    if not words:
        return None
    match = rng.choice(words)
    options = [w for w in _NUMBER_WORDS if not re.search(rf"\b{w}\b", seed.passage, re.IGNORECASE)]
    if not options:
        return None
    new = rng.choice(options)
    if match.group(0)[0].isupper():
        new = new.capitalize()
    return seed.sentence[:match.start()] + new + seed.sentence[match.end():]


_NAME = re.compile(r"\b[A-Z][\w'’-]*[A-Za-z](?: +[A-Z][\w'’-]*[A-Za-z])*")
_NOT_NAMES = frozenset(
    "The A An In On At As It Its This That These Those He She They His Her Their I We Our You If When While "
    "After Before During However But And Or For From By With Some Many Most Other Such There Here Also "
    "January February March April May June July August September October November December "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split())


def _names(sentence: str) -> list[tuple[int, int, str]]:
    """Capitalised word runs not at the sentence start, without leading function words.

    Returns ``(start, end, name)`` with ``sentence[start:end] == name``.
    """
    found: list[tuple[int, int, str]] = []
    for match in _NAME.finditer(sentence):
        words = [(match.start() + w.start(), w.group(0)) for w in re.finditer(r"\S+", match.group(0))]
        while words and words[0][1] in _NOT_NAMES:
            words.pop(0)
        # The first word of a sentence is capitalised anyway; a month or weekday inside makes it a date.
        if not words or words[0][0] == 0 or any(word in _NOT_NAMES for _, word in words):
            continue
        end = match.end()
        # Keep a possessive outside the name so "Denmark's" becomes "Spain's", not "Spain".
        for suffix in ("'s", "’s", "'", "’"):
            if sentence[words[0][0]:end].endswith(suffix):
                end -= len(suffix)
                break
        found.append((words[0][0], end, sentence[words[0][0]:end]))
    return found


def _entity_swapped(seed: _Seed, rng: random.Random, pools: _Pools) -> str | None:
    names = _names(seed.sentence)
    if not names:
        return None
    start, end, name = rng.choice(names)
    passage = seed.passage.casefold()
    options = [
        other for article, other in pools.entities_by_length.get(len(name.split()), [])
        if article != seed.article and other != name and other.casefold() not in passage
    ]
    if not options:
        return None
    new = rng.choice(options)
    return seed.sentence[:start] + new + seed.sentence[end:]


_NEGATION = re.compile(r"\b(?:not|never|no|nor|neither|cannot)\b|n't\b", re.IGNORECASE)
_AUXILIARY = re.compile(r"\b(is|was|are|were|has|had|have|did|does|do|can|will|could|would)\s+(\w+)")
_PERFECT_AUXILIARIES = frozenset({"has", "had", "have"})
_PARTICIPLE = re.compile(r"(?:ed|en|wn|ne|lt|ht|ft|ld|un|ung|ade|ome)$")


def _negated(seed: _Seed) -> str | None:
    if _NEGATION.search(seed.sentence):
        return None  # a second negation makes the label unclear
    for match in _AUXILIARY.finditer(seed.sentence):
        aux, following = match.group(1), match.group(2).lower()
        if following == "only":
            continue  # "was not only X" still asserts X
        if aux in _PERFECT_AUXILIARIES and not (following == "been" or _PARTICIPLE.search(following)):
            continue  # "has a population" is a main verb; "has not a population" is not English
        cut = match.end(1)
        return seed.sentence[:cut] + " not" + seed.sentence[cut:]
    return None


def _other_paragraph(seed: _Seed, rng: random.Random, pools: _Pools) -> str | None:
    # A few tries are enough: nearly every sentence comes from another article.
    for _ in range(20):
        article, sentence = rng.choice(pools.sentences)
        if article != seed.article and sentence not in seed.passage:
            return sentence
    return None


# ------------------------------------------------------------------ builder

def _seeds(data: SquadData) -> list[_Seed]:
    seeds: dict[tuple[str, str], _Seed] = {}
    for item in data.items:
        if not item.answerable or item.context_id is None:
            continue
        doc_id, _, passage = data.document(item.context_id)
        for sentence in split_sentences(passage):
            if _usable(sentence) and any(answer in sentence for answer in item.answers):
                seeds.setdefault((doc_id, sentence), _Seed(sentence, passage, doc_id, article_key(doc_id)))
                break
    return list(seeds.values())


def _pools(data: SquadData) -> _Pools:
    by_length: dict[int, dict[tuple[str, str], None]] = {}
    sentences: list[tuple[str, str]] = []
    for doc_id, _, text in data.documents:
        article = article_key(doc_id)
        for sentence in split_sentences(text):
            if not _usable(sentence):
                continue
            sentences.append((article, sentence))
            for _, _, name in _names(sentence):
                by_length.setdefault(len(name.split()), {})[(article, name)] = None
    return _Pools({length: list(names) for length, names in by_length.items()}, sentences)


def _generate(kind: str, seeds: Sequence[_Seed], rng: random.Random, pools: _Pools) -> Iterator[SupportPair]:
    made: set[tuple[str, str]] = set()
    for seed in rng.sample(list(seeds), len(seeds)):
        if kind == "verbatim":
            sentence: str | None = seed.sentence
        elif kind == "paraphrase":
            sentence = _paraphrase(seed)
        elif kind == "number_changed":
            sentence = _number_changed(seed, rng)
        elif kind == "entity_swapped":
            sentence = _entity_swapped(seed, rng, pools)
        elif kind == "negated":
            sentence = _negated(seed)
        else:
            sentence = _other_paragraph(seed, rng, pools)
        if sentence is None or (sentence, seed.passage) in made:
            continue
        if kind not in SUPPORTED_KINDS and sentence in seed.passage:
            continue  # an "unsupported" sentence found verbatim in its passage would be mislabelled
        made.add((sentence, seed.passage))
        yield SupportPair(sentence, seed.passage, kind in SUPPORTED_KINDS, kind, seed.doc_id)


def _round_robin(generators: dict[str, Iterator[SupportPair]], quota: int) -> list[SupportPair]:
    # Taking one of each kind in turn keeps the kinds even and lets a scarce kind's
    # shortfall go to the others of the same label.
    out: list[SupportPair] = []
    active = list(generators)
    while len(out) < quota and active:
        for kind in list(active):
            if len(out) >= quota:
                break
            pair = next(generators[kind], None)
            if pair is None:
                active.remove(kind)
            else:
                out.append(pair)
    return out


def build_support_pairs(data: SquadData, n: int, seed: int) -> list[SupportPair]:
    """Build ``n`` labelled pairs (half supported) from SQuAD paragraphs, deterministically for ``seed``.

    Seeds are the answer-bearing sentences of the paragraphs of ``data.items``
    (answerable ones); names and "other paragraph" sentences come from all of
    ``data.documents``, so use a corpus with several articles. When the data
    cannot yield ``n`` pairs, fewer are returned, still balanced (the larger
    label is cut to the size of the smaller). The order is shuffled.

    Example:
        >>> pairs = build_support_pairs(data, n=200, seed=1)  # doctest: +SKIP
        >>> sum(p.supported for p in pairs)  # doctest: +SKIP
        100
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    rng = random.Random(seed)
    seeds = _seeds(data)
    pools = _pools(data)
    kind_rngs = {kind: random.Random(rng.randrange(2**32)) for kind in KINDS}
    generators = {kind: _generate(kind, seeds, kind_rngs[kind], pools) for kind in KINDS}
    n_unsupported = n // 2
    supported = _round_robin({k: generators[k] for k in SUPPORTED_KINDS}, n - n_unsupported)
    unsupported = _round_robin({k: generators[k] for k in UNSUPPORTED_KINDS}, n_unsupported)
    if len(supported) + len(unsupported) < n:
        size = min(len(supported), len(unsupported))
        supported, unsupported = supported[:size], unsupported[:size]
    pairs = supported + unsupported
    rng.shuffle(pairs)
    return pairs


def evaluate_scorer(pairs: Sequence[SupportPair], score_fn: Callable[[str, str], bool]) -> dict[str, Any]:
    """Score a support scorer ``score_fn(sentence, passage) -> supported?`` on labelled pairs.

    Returns ``{"n", "balanced_accuracy", "accuracy", "by_kind": {kind: {"n", "accuracy"}}}``;
    per-kind accuracy is the share of that kind's pairs labelled correctly
    (for an unsupported kind, the share the scorer rejected).

    Example:
        >>> pairs = [SupportPair("a b", "a b c", True, "verbatim"),
        ...          SupportPair("x", "a b c", False, "other_paragraph")]
        >>> evaluate_scorer(pairs, lambda s, p: s in p)["balanced_accuracy"]
        1.0
    """
    labels = [pair.supported for pair in pairs]
    predictions = [bool(score_fn(pair.sentence, pair.passage)) for pair in pairs]
    by_kind: dict[str, dict[str, float | int]] = {}
    for kind in dict.fromkeys(pair.kind for pair in pairs):
        hits = [pred == pair.supported for pair, pred in zip(pairs, predictions, strict=True) if pair.kind == kind]
        by_kind[kind] = {"n": len(hits), "accuracy": sum(hits) / len(hits)}
    correct = sum(pred == label for pred, label in zip(predictions, labels, strict=True))
    return {
        "n": len(pairs),
        "balanced_accuracy": balanced_accuracy(labels, predictions),
        "accuracy": correct / len(pairs) if pairs else None,
        "by_kind": by_kind,
    }


def write_pairs_jsonl(pairs: Iterable[SupportPair], path: str | Path) -> Path:
    """Write pairs one JSON object per line (parent folders created); returns the path.

    Example:
        >>> write_pairs_jsonl(pairs, "eval/data/support_pairs.jsonl")  # doctest: +SKIP
    """
    return write_jsonl(pairs, path)


def load_pairs_jsonl(path: str | Path) -> list[SupportPair]:
    """Load pairs; errors read ``"<path>:<line>: field 'x' ..."``.

    Example:
        >>> pairs = load_pairs_jsonl("eval/data/support_pairs.jsonl")  # doctest: +SKIP
    """
    return [pair for _, pair in read_jsonl_lines(path, _pair_from_dict)]


def _pair_from_dict(obj: Any) -> SupportPair:
    if not isinstance(obj, dict):
        raise ValueError(f"expected a JSON object, got {type(obj).__name__}")
    for name in ("sentence", "passage"):
        if not isinstance(obj.get(name), str) or not obj[name].strip():
            raise ValueError(f"field {name!r} must be a non-empty string")
    if not isinstance(obj.get("supported"), bool):
        raise ValueError("field 'supported' must be true or false")
    kind = obj.get("kind")
    if not isinstance(kind, str) or not kind:
        raise ValueError("field 'kind' must be a non-empty string")
    if kind in KINDS and (kind in SUPPORTED_KINDS) != obj["supported"]:
        raise ValueError(f"field 'supported' is {obj['supported']} but kind {kind!r} is "
                         f"{'supported' if kind in SUPPORTED_KINDS else 'unsupported'} by definition")
    source_id = obj.get("source_id")
    if source_id is not None and not isinstance(source_id, str):
        raise ValueError("field 'source_id' must be a string or null")
    return SupportPair(obj["sentence"], obj["passage"], obj["supported"], kind, source_id)
