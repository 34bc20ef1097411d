"""Pure metric functions for the evaluation harness.

Every function here is deterministic and free of I/O and models: the model-backed
part of a metric (does this passage support this sentence?) is passed in as a
plain callable, so each metric can be checked by hand.

Convention for "not applicable": a metric whose denominator is empty (no gold
passages, no answer sentences, no unanswerable questions...) returns ``None``
rather than 0.0 or NaN, and :func:`mean` skips ``None``. A 0.0 always means
"applicable and wrong".

Example:
    >>> recall_at_k(["d3", "d1"], {"d1"}, k=2)
    1.0
    >>> exact_match("the Normans", ["Normans"])
    1.0
"""

from __future__ import annotations

import collections
import math
import re
import string
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from rag.citations import MARKER as _MARKERS
from rag.text import terms

__all__ = [
    "CitationScores",
    "Support",
    "alias_containment",
    "any_unsupported",
    "balanced_accuracy",
    "citation_precision",
    "citation_recall",
    "citation_scores",
    "exact_match",
    "latency_summary",
    "match_gold_by_text",
    "mean",
    "mrr",
    "ndcg_at_k",
    "normalize_answer",
    "percentile",
    "recall_at_k",
    "refusal_rates",
    "supported_share",
    "token_f1",
]


# ------------------------------------------------------------------ retrieval

def _check_k(k: int) -> None:
    if not isinstance(k, int) or isinstance(k, bool) or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}")


def recall_at_k(retrieved_ids: Sequence[str], gold_ids: Collection[str], k: int) -> float | None:
    """Hit rate at ``k``: 1.0 if any gold id is among the first ``k`` retrieved, else 0.0.

    This is the "recall@k" of single-gold QA benchmarks (one gold passage per
    question), i.e. a hit rate, not the share of all gold ids found. Averaged over
    questions it gives the share of questions whose evidence was retrieved.
    Returns ``None`` when there is no gold (an unanswerable question).

    Example:
        >>> recall_at_k(["a", "b", "c"], {"c"}, k=2)
        0.0
        >>> recall_at_k(["a", "b", "c"], {"c"}, k=3)
        1.0
    """
    _check_k(k)
    if not gold_ids:
        return None
    gold = set(gold_ids)
    return 1.0 if any(doc_id in gold for doc_id in retrieved_ids[:k]) else 0.0


def mrr(retrieved_ids: Sequence[str], gold_ids: Collection[str], k: int | None = None) -> float | None:
    """Reciprocal rank of the first gold id (1-based), 0.0 if none in the (first ``k``) list.

    Returns ``None`` when there is no gold. Averaging over questions gives MRR.

    Example:
        >>> mrr(["a", "b", "c"], {"b", "c"})
        0.5
        >>> mrr(["a", "b", "c"], {"c"}, k=2)
        0.0
    """
    if k is not None:
        _check_k(k)
    if not gold_ids:
        return None
    gold = set(gold_ids)
    ranked = retrieved_ids if k is None else retrieved_ids[:k]
    for rank, doc_id in enumerate(ranked, start=1):
        if doc_id in gold:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(retrieved_ids: Sequence[str], gold_ids: Collection[str], k: int) -> float | None:
    """nDCG@k with binary relevance: DCG = sum over gold hits of 1/log2(rank+1).

    The ideal DCG places ``min(len(gold), k)`` gold ids at the top. A gold id
    retrieved twice counts only at its first rank, so duplicates cannot push the
    score above 1. Returns ``None`` when there is no gold.

    Example:
        >>> ndcg_at_k(["g", "x"], {"g"}, k=2)
        1.0
        >>> round(ndcg_at_k(["x", "g"], {"g"}, k=2), 4)
        0.6309
    """
    _check_k(k)
    gold = set(gold_ids)
    if not gold:
        return None
    seen: set[str] = set()
    dcg = 0.0
    for rank, doc_id in enumerate(retrieved_ids[:k], start=1):
        if doc_id in gold and doc_id not in seen:
            seen.add(doc_id)
            dcg += 1.0 / math.log2(rank + 1)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(gold), k) + 1))
    return dcg / ideal


_WORD = re.compile(r"\w+")


def _match_tokens(text: str) -> list[str]:
    # Word tokens only: chunkers and loaders change whitespace, line breaks and
    # sometimes cut punctuation at a boundary, none of which should break a match.
    return _WORD.findall(text.casefold())


def _contains_run(haystack: Sequence[str], needle: Sequence[str]) -> bool:
    n = len(needle)
    if n == 0 or n > len(haystack):
        return False
    first = needle[0]
    return any(
        haystack[i] == first and list(haystack[i:i + n]) == list(needle)
        for i in range(len(haystack) - n + 1)
    )


def match_gold_by_text(
    passages: Sequence[str],
    evidence: str | Sequence[str],
    answers: Sequence[str] = (),
    *,
    min_share: float = 0.5,
    min_overlap_tokens: int = 8,
) -> list[bool]:
    """Mark each retrieved passage as gold (True) or not, by its text.

    Texts are compared as sequences of word tokens (``\\w+``, case-folded), so
    whitespace, line breaks, case and punctuation never matter. Let *run* be the
    longest contiguous token sequence the passage shares with one evidence text.
    The passage is gold for that evidence when any of these holds:

    1. **contains**: the run is the whole evidence (the passage holds all of it);
    2. **inside**: the run covers ``>= min_share`` (default 50%) of the passage's
       tokens (the passage is mostly a piece of the evidence, as a chunk of a
       longer gold paragraph is);
    3. **straddles**: the evidence straddles a chunk boundary, so only part of it
       is here: the run is ``>= min_overlap_tokens`` long (default 8, so a shared
       name or stock phrase is not enough) AND some reference answer occurs
       inside the run, i.e. the answer this passage holds came from the evidence.

    With several evidence texts (a list), a passage is gold if it is gold for any.
    Rule 3 needs ``answers``; without them only rules 1 and 2 apply.

    Example:
        >>> ev = "The Normans were the people who gave their name to Normandy, a region in France."
        >>> match_gold_by_text(
        ...     ["Intro text. The Normans were the people who gave their name to Normandy,",
        ...      "a region in France. Then something else entirely happened here later on.",
        ...      "Unrelated passage about steam engines."], ev, answers=["France"])
        [True, False, False]
        >>> match_gold_by_text(["who gave their name to Normandy, a region in France. Later text."],
        ...                    ev, answers=["Normandy"])
        [True]
    """
    if not 0.0 < min_share <= 1.0:
        raise ValueError(f"min_share must be in (0, 1], got {min_share!r}")
    if min_overlap_tokens < 1:
        raise ValueError(f"min_overlap_tokens must be >= 1, got {min_overlap_tokens!r}")
    evidence_texts = [evidence] if isinstance(evidence, str) else list(evidence)
    evidence_tokens = [toks for toks in (_match_tokens(e) for e in evidence_texts) if toks]
    answer_tokens = [toks for toks in (_match_tokens(a) for a in answers) if toks]
    passage_tokens = [_match_tokens(p) for p in passages]

    flags = [False] * len(passages)
    for ev_toks in evidence_tokens:
        # The evidence is seq2 so difflib indexes it once for all passages.
        matcher = SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(ev_toks)
        for i, p_toks in enumerate(passage_tokens):
            if flags[i] or not p_toks:
                continue
            matcher.set_seq1(p_toks)
            run = matcher.find_longest_match(0, len(p_toks), 0, len(ev_toks))
            if run.size == 0:
                continue
            if run.size == len(ev_toks) or run.size >= min_share * len(p_toks):
                flags[i] = True
            elif run.size >= min_overlap_tokens:
                shared = p_toks[run.a:run.a + run.size]
                flags[i] = any(_contains_run(shared, ans) for ans in answer_tokens)
    return flags


# ------------------------------------------------------------------ citations

Support = Callable[[str, Sequence[str]], bool]
"""``support(sentence, passage_texts)``: do these passages, taken together, support the sentence?"""


@dataclass(frozen=True)
class CitationScores:
    """ALCE citation recall and precision of one answer, with the counts behind them."""

    recall: float | None
    precision: float | None
    n_sentences: int
    n_supported: int
    n_citations: int
    n_precise: int


def citation_scores(sentences: Sequence[tuple[str, Sequence[str]]], support: Support) -> CitationScores:
    """Citation recall and precision of one answer, exactly as ALCE defines them.

    ALCE (Gao et al. 2023, "Enabling Large Language Models to Generate Text with
    Citations", §2.3 and its ``eval.py``): for each answer sentence *s* with
    citations *C*,

    * **recall**: *s* counts 1 if ``|C| >= 1`` and the concatenation of *C*
      entails *s*; a sentence without citations counts 0. Recall is the share of
      the answer's sentences that count.
    * **precision**: a citation *c* is *irrelevant* if (a) *C* together does not
      entail *s* (then every citation of *s* is irrelevant), or (b) *C* entails
      *s*, *c* alone does not, and *C* without *c* still does. All other citations
      are precise. Precision is precise citations / all citations of the answer.
      As in ALCE's code, condition (b) is only tested when ``|C| > 1``, and a
      citation repeated in *C* is counted each time it appears.

    Each item of ``sentences`` is ``(sentence text without citation markers,
    texts of the passages it cites)``. A citation that points at no retrieved
    passage should be dropped by the caller and the sentence passed with its
    remaining citations; ALCE treats a sentence with an out-of-range citation as
    uncited (recall 0, no citations counted), so to match it exactly pass ``[]``.

    Empty inputs: zero sentences -> recall and precision ``None`` (not
    applicable; ALCE would divide by zero). Sentences but no citations at all ->
    precision 0.0, as in ALCE. Each distinct ``support`` call is made once.

    Example:
        >>> facts = {"A": "Paris is in France.", "B": "Berlin is in Germany."}
        >>> def support(sentence, passages):
        ...     return all(any(fact in p for p in passages) for fact in sentence.split(" and "))
        >>> scores = citation_scores([
        ...     ("Paris is in France.", [facts["A"], facts["B"]]),  # [2] is an irrelevant extra
        ...     ("Rome is in Italy.", []),                          # uncited
        ... ], support)
        >>> scores.recall, scores.precision
        (0.5, 0.5)
    """
    cache: dict[tuple[str, tuple[str, ...]], bool] = {}

    def supports(sentence: str, passages: Sequence[str]) -> bool:
        key = (sentence, tuple(passages))
        if key not in cache:
            cache[key] = bool(support(sentence, list(passages)))
        return cache[key]

    n_supported = n_citations = n_precise = 0
    for sentence, cited in sentences:
        cited = list(cited)
        if not cited:
            continue
        n_citations += len(cited)
        if not supports(sentence, cited):
            continue  # condition (a): every citation of this sentence is imprecise
        n_supported += 1
        if len(cited) == 1:
            n_precise += 1
            continue
        for i, passage in enumerate(cited):
            if supports(sentence, [passage]):
                n_precise += 1
            elif not supports(sentence, cited[:i] + cited[i + 1:]):
                # Needed: the others cannot support the sentence without it.
                n_precise += 1
    n_sentences = len(sentences)
    recall = n_supported / n_sentences if n_sentences else None
    if n_citations:
        precision: float | None = n_precise / n_citations
    else:
        precision = 0.0 if n_sentences else None
    return CitationScores(
        recall=recall,
        precision=precision,
        n_sentences=n_sentences,
        n_supported=n_supported,
        n_citations=n_citations,
        n_precise=n_precise,
    )


def citation_recall(sentences: Sequence[tuple[str, Sequence[str]]], support: Support) -> float | None:
    """ALCE citation recall of one answer; see :func:`citation_scores`.

    Example:
        >>> citation_recall([("x", ["x"]), ("y", [])], lambda s, ps: any(s in p for p in ps))
        0.5
    """
    return citation_scores(sentences, support).recall


def citation_precision(sentences: Sequence[tuple[str, Sequence[str]]], support: Support) -> float | None:
    """ALCE citation precision of one answer; see :func:`citation_scores`.

    Example:
        >>> citation_precision([("x", ["x", "z"])], lambda s, ps: any(s in p for p in ps))
        0.5
    """
    return citation_scores(sentences, support).precision


# --------------------------------------------------------------- faithfulness

def supported_share(flags: Sequence[bool]) -> float | None:
    """Share of an answer's sentences that are supported; ``None`` for no sentences.

    Example:
        >>> supported_share([True, True, False, True])
        0.75
    """
    if not flags:
        return None
    return sum(1 for flag in flags if flag) / len(flags)


def any_unsupported(flags: Sequence[bool]) -> bool:
    """True if at least one sentence is unsupported (an answer with no sentences has none).

    Example:
        >>> any_unsupported([True, False]), any_unsupported([])
        (True, False)
    """
    return not all(flags)


# ------------------------------------------------------- answer correctness

_ARTICLES = re.compile(r"\b(a|an|the)\b", re.UNICODE)
_PUNCTUATION = frozenset(string.punctuation)


def normalize_answer(text: str) -> str:
    """SQuAD's official normaliser: lowercase, drop punctuation, articles and extra whitespace.

    Copied in behaviour from the official ``evaluate-v2.0.py`` so scores are
    comparable with published SQuAD numbers.

    Example:
        >>> normalize_answer("The  Normans!")
        'normans'
    """
    text = text.lower()
    text = "".join(ch for ch in text if ch not in _PUNCTUATION)
    text = _ARTICLES.sub(" ", text)
    return " ".join(text.split())


def _squad_references(references: Sequence[str]) -> list[str]:
    # As in evaluate-v2.0.py: references that normalise to nothing are dropped,
    # and a question with none left is a no-answer question whose reference is "".
    kept = [ref for ref in references if normalize_answer(ref)]
    return kept or [""]


def exact_match(prediction: str, references: Sequence[str]) -> float:
    """1.0 if the normalised prediction equals any normalised reference (SQuAD EM).

    With no references (an unanswerable question) EM is 1.0 iff the prediction
    normalises to the empty string, as in SQuAD 2.0.

    Example:
        >>> exact_match("the Normans", ["Normans", "Norsemen"])
        1.0
        >>> exact_match("", [])
        1.0
    """
    pred = normalize_answer(prediction)
    return max(1.0 if pred == normalize_answer(ref) else 0.0 for ref in _squad_references(references))


def _f1(prediction_tokens: list[str], reference_tokens: list[str]) -> float:
    if not prediction_tokens or not reference_tokens:
        return 1.0 if prediction_tokens == reference_tokens else 0.0
    common = collections.Counter(prediction_tokens) & collections.Counter(reference_tokens)
    same = sum(common.values())
    if same == 0:
        return 0.0
    precision = same / len(prediction_tokens)
    recall = same / len(reference_tokens)
    return 2 * precision * recall / (precision + recall)


def token_f1(prediction: str, references: Sequence[str]) -> float:
    """SQuAD's official token F1, maximised over references.

    Tokens are the whitespace-split normalised text (bag of tokens, with
    multiplicity). With no references, 1.0 iff the prediction is empty after
    normalisation (SQuAD 2.0).

    Example:
        >>> round(token_f1("the 10th century", ["10th and 11th centuries", "10th century"]), 4)
        1.0
        >>> round(token_f1("10th and 11th", ["10th and 11th centuries"]), 4)
        0.8571
    """
    pred = normalize_answer(prediction).split()
    return max(_f1(pred, normalize_answer(ref).split()) for ref in _squad_references(references))


def alias_containment(prediction: str, references: Sequence[str]) -> float:
    """1.0 if any normalised reference occurs as a contiguous token run in the normalised prediction.

    Suits long generated answers that contain the short gold answer (EM would
    be 0). With no references, 1.0 iff the prediction normalises to empty, like
    :func:`exact_match`.

    Example:
        >>> alias_containment("They came from Normandy, in France.", ["France", "Gaul"])
        1.0
        >>> alias_containment("Frances", ["France"])
        0.0
    """
    pred = normalize_answer(prediction).split()
    refs = [normalize_answer(ref).split() for ref in references if normalize_answer(ref)]
    if not refs:
        return 1.0 if not pred else 0.0
    return 1.0 if any(_contains_run(pred, ref) for ref in refs) else 0.0


# ------------------------------------------------------------------- refusal

def refusal_rates(records: Sequence[tuple[bool, bool]]) -> dict[str, float | int | None]:
    """Refusal rates from ``(answerable, refused)`` pairs.

    ``correct_refusal_rate`` is the share of unanswerable questions refused,
    ``false_refusal_rate`` the share of answerable questions refused; a rate
    whose group is empty is ``None``.

    Example:
        >>> refusal_rates([(True, False), (True, True), (False, True), (False, True)])
        {'correct_refusal_rate': 1.0, 'false_refusal_rate': 0.5, 'n_answerable': 2, 'n_unanswerable': 2}
    """
    answerable = [refused for is_answerable, refused in records if is_answerable]
    unanswerable = [refused for is_answerable, refused in records if not is_answerable]
    return {
        "correct_refusal_rate": sum(unanswerable) / len(unanswerable) if unanswerable else None,
        "false_refusal_rate": sum(answerable) / len(answerable) if answerable else None,
        "n_answerable": len(answerable),
        "n_unanswerable": len(unanswerable),
    }


# ------------------------------------------------------------------- latency

def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) with linear interpolation, as ``numpy.percentile``'s default.

    Example:
        >>> percentile([1.0, 2.0, 3.0, 4.0], 50)
        2.5
    """
    if not values:
        raise ValueError("percentile of an empty sequence is undefined")
    if not 0.0 <= q <= 100.0 or math.isnan(q):
        raise ValueError(f"q must be between 0 and 100, got {q!r}")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100.0
    lower = math.floor(position)
    upper = min(lower + 1, len(ordered) - 1)
    fraction = position - lower
    return ordered[lower] + (ordered[upper] - ordered[lower]) * fraction


def latency_summary(seconds: Sequence[float]) -> dict[str, float | int | None]:
    """Median, 95th percentile and mean latency in milliseconds; ``None`` values for no samples.

    Example:
        >>> latency_summary([0.1, 0.2, 0.3])
        {'median_ms': 200.0, 'p95_ms': 290.0, 'mean_ms': 200.0, 'n': 3}
    """
    if not seconds:
        return {"median_ms": None, "p95_ms": None, "mean_ms": None, "n": 0}
    ms = [s * 1000.0 for s in seconds]
    return {
        "median_ms": round(percentile(ms, 50), 6),
        "p95_ms": round(percentile(ms, 95), 6),
        "mean_ms": round(math.fsum(ms) / len(ms), 6),
        "n": len(ms),
    }


# ------------------------------------------------------------------ helpers

def balanced_accuracy(labels: Sequence[bool], predictions: Sequence[bool]) -> float | None:
    """Mean of the recall on positives and the recall on negatives.

    Only classes present in ``labels`` are averaged (so with one class it is
    plain accuracy, like scikit-learn); ``None`` for no labels.

    Example:
        >>> balanced_accuracy([True, True, True, False], [True, True, True, True])
        0.5
    """
    if len(labels) != len(predictions):
        raise ValueError(f"labels and predictions differ in length ({len(labels)} != {len(predictions)})")
    recalls = []
    for cls in (True, False):
        hits = [pred == cls for label, pred in zip(labels, predictions, strict=True) if label == cls]
        if hits:
            recalls.append(sum(hits) / len(hits))
    if not recalls:
        return None
    return sum(recalls) / len(recalls)


def mean(values: Iterable[float | None]) -> float | None:
    """Arithmetic mean skipping ``None`` (not applicable); ``None`` if nothing is left.

    Example:
        >>> mean([1.0, None, 0.0])
        0.5
        >>> mean([None]) is None
        True
    """
    kept = [float(v) for v in values if v is not None]
    if not kept:
        return None
    return math.fsum(kept) / len(kept)


# ------------------------------------------------------------ key points

KEY_POINT_OVERLAP = 0.6
"""A key point counts as stated when one answer sentence holds this share of its content words."""


def key_point_recall(answer_sentences: Sequence[str], key_points: Sequence[str],
                     overlap: float = KEY_POINT_OVERLAP) -> float | None:
    """Share of ``key_points`` the answer states; ``None`` when there are none.

    The rule: a key point is covered when a single answer sentence contains at
    least ``overlap`` (0.6) of the key point's distinct content words — words
    after :func:`rag.text.terms` (lowercased, stop words dropped, Snowball-
    stemmed), so "Russia is focused on its war" covers "Russia was focused on
    her war in Ukraine" only if enough of the other words are there too.
    Citation markers are ignored.

    Example:
        >>> key_point_recall(["Azerbaijan wants a corridor in Southern Armenia [1]."],
        ...                  ["Azerbaijan wants a corridor in Southern Armenia.", "Baku wants a treaty."])
        0.5
    """
    if not key_points:
        return None
    sentence_terms = [set(terms(_MARKERS.sub(" ", s))) for s in answer_sentences]
    covered = 0
    for point in key_points:
        wanted = set(terms(point))
        if wanted and any(len(wanted & have) >= overlap * len(wanted) for have in sentence_terms):
            covered += 1
    return covered / len(key_points)


def answer_words(answer: str) -> int:
    """Length of an answer in words, citation markers and bullet dashes not counted.

    Example:
        >>> answer_words("- Baku attacked on 13 September [1]\\n- It paused. [2]")
        7
    """
    return len(re.findall(r"\w[\w’'.,-]*", _MARKERS.sub(" ", answer)))
