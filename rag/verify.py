"""Support scoring: does a passage back a sentence? Pure, pluggable functions.

The default scorer needs no extra model. It looks for the best window of one
to three consecutive evidence sentences and checks, against that window:

- content-word coverage (how much of the claim's vocabulary is there),
- numbers: every number in the claim must appear (a changed number fails),
- names: capitalised names in the claim must appear (a swapped entity fails),
- negation: a claim negated where the evidence is not (or the reverse) fails,
- optionally, embedding similarity to the window (pass ``similarity``).

A scorer returns a :class:`Support` with the score in [0, 1] and the located
quote (character span inside the evidence) so a UI can highlight it. Any
callable with the signature of :func:`lexical_support` can replace it, e.g.
:class:`NLISupport` for an NLI cross-encoder the user provides.

Example:
    >>> lexical_support("Russia signed the deal in 1997.", ["Armenia and Russia signed a deal in 1997."]).score > 0.5
    True
    >>> lexical_support("Russia signed the deal in 1998.", ["Armenia and Russia signed a deal in 1997."]).score < 0.5
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Protocol, Sequence

from rag.text import has_negation, names, numbers, split_sentences, terms


@dataclass(frozen=True)
class Support:
    """How well evidence supports a claim, and where (``passage`` index, span in it)."""

    score: float
    passage: int | None = None
    start: int = 0
    end: int = 0
    reason: str = ""


class SupportScorer(Protocol):
    def __call__(self, claim: str, evidence: Sequence[str]) -> Support: ...


Similarity = Callable[[str, str], float]


def _windows(evidence: Sequence[str], max_sentences: int = 3) -> list[tuple[int, int, int]]:
    """(passage index, start, end) of every run of 1..max_sentences sentences, shortest runs first."""
    out: list[tuple[int, int, int]] = []
    split = [split_sentences(text) for text in evidence]
    for size in range(1, max_sentences + 1):
        for p, spans in enumerate(split):
            for i in range(len(spans) - size + 1):
                out.append((p, spans[i].start, spans[i + size - 1].end))
    for p, (text, spans) in enumerate(zip(evidence, split)):
        if not spans and text.strip():
            out.append((p, 0, len(text)))
    return out


def score_window(claim: str, window: str) -> tuple[float, str]:
    """Lexical support of ``claim`` by one window of evidence text, with the reason."""
    claim_terms = set(terms(claim))
    if not claim_terms:
        return 0.0, "no content words"
    window_terms = set(terms(window))
    coverage = len(claim_terms & window_terms) / len(claim_terms)
    # A one- or two-word claim ("PWNED [1].") echoes rather than states: it cannot be fully supported.
    score = coverage * min(1.0, len(claim_terms) / 3)
    reasons = []
    claim_numbers = set(numbers(claim))
    if claim_numbers:
        missing = claim_numbers - set(numbers(window))
        if missing:
            score *= 0.25
            reasons.append(f"number(s) not in source: {', '.join(sorted(missing))}")
    claim_names = names(claim)
    if claim_names:
        missing_names = claim_names - (names(window) | window_terms)
        if missing_names:
            # Like a changed number: one swapped name among many is still a false claim.
            score *= 0.25
            reasons.append(f"name(s) not in source: {', '.join(sorted(missing_names))}")
    if has_negation(claim) != has_negation(_closest_sentence(claim_terms, window)):
        score *= 0.35
        reasons.append("negation differs from the source")
    return score, "; ".join(reasons)


def _closest_sentence(claim_terms: set[str], window: str) -> str:
    """The window's sentence sharing most claim terms: polarity is judged there, not window-wide."""
    spans = split_sentences(window)
    if len(spans) <= 1:
        return window
    return max((window[s.start:s.end] for s in spans), key=lambda t: len(claim_terms & set(terms(t))))


def lexical_support(
    claim: str,
    evidence: Sequence[str],
    similarity: Similarity | None = None,
    similarity_weight: float = 0.3,
) -> Support:
    """Best support of ``claim`` by any window of the evidence passages."""
    best = Support(0.0, reason="no evidence")
    for p, start, end in _windows(evidence):
        window = evidence[p][start:end]
        score, reason = score_window(claim, window)
        # A longer window must earn its length: the quote should be as tight as the evidence.
        if best.passage is None or score > best.score + 0.05:
            best = Support(score, p, start, end, reason)
    if len(evidence) > 1:
        # Claims that only the cited passages together support (ALCE's joint support).
        joint, reason = score_window(claim, "\n".join(evidence))
        if joint > best.score + 0.15:
            best = Support(joint * 0.95, best.passage, best.start, best.end, reason)
    if similarity is not None and best.passage is not None:
        sim = max(0.0, similarity(claim, evidence[best.passage][best.start:best.end]))
        # Similarity refines a lexical judgement; it cannot rescue a failed number/name/negation check.
        blended = (1 - similarity_weight) * best.score + similarity_weight * sim
        best = Support(min(best.score, blended) if best.reason else blended,
                       best.passage, best.start, best.end, best.reason)
    return best


class NLISupport:
    """Support by an NLI cross-encoder (entailment probability), for users who provide one.

    ``model_dir`` is a local sentence-transformers ``CrossEncoder`` directory whose
    labels include "entailment"; nothing is downloaded. Loaded on first use.
    """

    def __init__(self, model_dir: str, entailment_label: str = "entailment") -> None:
        self.model_dir = model_dir
        self.entailment_label = entailment_label
        self._model = None
        self._index: int | None = None

    def __call__(self, claim: str, evidence: Sequence[str]) -> Support:
        if self._model is None:
            from sentence_transformers import CrossEncoder

            self._model = CrossEncoder(self.model_dir, local_files_only=True)
            labels = {v.lower(): int(k) for k, v in self._model.config.id2label.items()}
            self._index = labels.get(self.entailment_label, max(labels.values()))
        windows = _windows(evidence)
        if not windows:
            return Support(0.0, reason="no evidence")
        probs = self._model.predict([(evidence[p][s:e], claim) for p, s, e in windows],
                                    apply_softmax=True)
        best = max(range(len(windows)), key=lambda i: probs[i][self._index])
        p, s, e = windows[best]
        return Support(float(probs[best][self._index]), p, s, e, "")
