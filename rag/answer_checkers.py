"""Pluggable answerability: a QA/NLI model or a judge LLM decides whether a sentence answers the question.

The extractive backend refuses a factual question when no retrieved sentence
*answers* it (:mod:`rag.answer_model`, the built-in learned answerability, is
the default). A stronger model can take that decision instead, chosen by a spec
string like the verifiers (``answer_checker`` in :class:`rag.config.Config`,
``RAG_ANSWER_CHECKER``, ``--answer-checker``):

- ``""`` (default): the built-in learned answerability.
- ``cross-encoder:DIR``: a local sentence-transformers ``CrossEncoder`` that
  scores (question, sentence) pairs, e.g. a QNLI model ("does this sentence
  answer the question?") or a passage reranker; nothing is downloaded.
- ``llm``: a judge model behind an OpenAI-compatible server or Ollama, the same
  one as ``--verifier llm`` (``--verifier-model``, ``--verifier-base-url``), asked
  "Does the sentence answer the question? Yes/No"; P(Yes) from log-probabilities
  where the server gives them.

A checker scores the best-ranked candidates (:data:`rag.answer_model.TOP_CANDIDATES`)
0..1, and a factual answer needs ``answer_checker_threshold`` (default 0.5). A
checker that fails (server down, timeout, broken model) never fails an answer:
the built-in answerability decides that question, and the answer says so in
``answerability_by``. Calibrate a checker's threshold on held-out data with
``python -m rag.eval.answerability --inputs FILE --checker SPEC``.

A new checker is a class with ``score_many(question, [(sentence, context), ...])``
(or a plain ``fn(question, sentence, context) -> float``) plus one
:func:`register_answer_checker` call.

Example:
    >>> check_answer_checker_spec("") is None
    True
    >>> check_answer_checker_spec("bert")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rag.errors.ConfigError: answer_checker: 'bert' is not one of cross-encoder:DIR, llm (or empty ...)
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.registry import Registration, SpecRegistry
from rag.rerank import LocalCrossEncoder

if TYPE_CHECKING:
    from rag.config import Config

logger = logging.getLogger(__name__)

AnswerCheckerFactory = Callable[[str, "Config"], Any]
_REGISTRY: SpecRegistry[AnswerCheckerFactory] = SpecRegistry("answer_checker")


def register_answer_checker(name: str, factory: AnswerCheckerFactory, *, argument: str | None = None,
                            help: str = "") -> None:
    """Make ``name`` (``name:ARGUMENT`` when ``argument`` is given) a valid ``answer_checker`` setting."""
    _REGISTRY.register(name, factory, argument=argument, help=help)


def describe_answer_checkers() -> str:
    """For messages and ``--help``: ``cross-encoder:DIR, llm``."""
    return _REGISTRY.describe()


def check_answer_checker_spec(spec: str | None) -> tuple[Registration[AnswerCheckerFactory], str] | None:
    """Validate a spec eagerly (None for the built-in model); raise ``ConfigError`` naming the field."""
    if spec is None or not str(spec).strip() or str(spec).strip().lower() in ("none", "builtin", "learned"):
        return None
    return _REGISTRY.check(str(spec).strip(), suffix=" (or empty for the built-in model)")


def make_answer_checker(config: Config, spec: str | None = None) -> Any:
    """The checker ``spec`` (default ``config.answer_checker``) names, or None for the built-in model."""
    checked = check_answer_checker_spec(config.answer_checker if spec is None else spec)
    if checked is None:
        return None
    registration, argument = checked
    return registration.factory(argument, config)


def checker_name(checker: Any) -> str:
    """How an answer names the checker that scored it (``cross-encoder:DIR``, ``llm:MODEL``, a function's name)."""
    return str(getattr(checker, "name", None) or getattr(checker, "__name__", None) or type(checker).__name__)


def score_candidates(checker: Any, question: str, pairs: Sequence[tuple[str, str]]) -> list[float]:
    """``checker``'s 0..1 score of each (sentence, context); batched when it has ``score_many``."""
    if not pairs:
        return []
    if hasattr(checker, "score_many"):
        scores = [float(s) for s in checker.score_many(question, pairs)]
    else:
        scores = [float(checker(question, sentence, context)) for sentence, context in pairs]
    if len(scores) != len(pairs):
        raise ValueError(f"answer checker {checker_name(checker)}: {len(scores)} scores for {len(pairs)} sentences")
    bad = [s for s in scores if not 0.0 <= s <= 1.0]
    if bad:
        raise ValueError(f"answer checker {checker_name(checker)}: scores must be 0..1, got {bad[0]!r}")
    return scores


class CrossEncoderChecker(LocalCrossEncoder):
    """(question, sentence) pairs scored by a local sentence-transformers ``CrossEncoder``.

    A one-output model's score is taken as a probability (sentence-transformers
    applies its sigmoid; a raw logit outside 0..1 gets one here); a model with
    several outputs gives the softmax of its *last* label (QNLI-style "answers").
    The model loads on first use, from ``model_dir`` only.
    """

    setting = "answer_checker"

    def __init__(self, model_dir: str | Path, *, batch_size: int = 32, device: str = "cpu",
                 max_length: int = 256) -> None:
        super().__init__(model_dir, batch_size=batch_size, device=device, max_length=max_length)

    def score_many(self, question: str, pairs: Sequence[tuple[str, str]]) -> list[float]:
        raw = self.predict([(question, sentence) for sentence, _ in pairs])
        out = []
        for value in raw:
            values = [float(v) for v in (value if getattr(value, "ndim", 0) else [value])]
            if len(values) == 1:
                v = values[0]
                out.append(v if 0.0 <= v <= 1.0 else 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, v)))))
            else:
                top = max(values)
                exps = [math.exp(v - top) for v in values]
                out.append(exps[-1] / sum(exps))
        return out


ANSWER_SYSTEM = "You check whether a sentence answers a question. Reply with one word: Yes or No."
ANSWER_PROMPT = ("Question: {question}\n\nSentence (with the sentence before it for context):\n{context}"
                 "{sentence}\n\nDoes the sentence state the answer to the question? Answer Yes or No.")


class LLMAnswerChecker:
    """A judge model asked, per candidate, whether the sentence answers the question (P(Yes)).

    Requests run up to ``concurrency`` at once, each with ``timeout``; verdicts are
    cached by (question, sentence, context). Any failure raises
    :class:`rag.judge.JudgeError`, and the answer falls back to the built-in model.
    """

    def __init__(self, client: Any, *, timeout: float = 30.0, concurrency: int = 4, cache_size: int = 4096) -> None:
        self.client = client
        self.timeout = timeout
        self.concurrency = max(1, concurrency)
        self.name = f"llm:{getattr(client, 'model', 'judge')}"
        self._cache: OrderedDict[str, float] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def messages(self, question: str, sentence: str, context: str) -> list[dict[str, str]]:
        prefix = f"{context.strip()}\n" if context.strip() else ""
        return [{"role": "system", "content": ANSWER_SYSTEM},
                {"role": "user", "content": ANSWER_PROMPT.format(question=question.strip(), context=prefix,
                                                                 sentence=sentence.strip())}]

    def _one(self, question: str, sentence: str, context: str) -> float:
        from rag.judge import verdict

        key = hashlib.sha256("\x1f".join((question, sentence, context)).encode()).hexdigest()
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        value = verdict(self.client.complete(self.messages(question, sentence, context), timeout=self.timeout))
        with self._lock:
            self._cache[key] = value
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return value

    def score_many(self, question: str, pairs: Sequence[tuple[str, str]]) -> list[float]:
        if len(pairs) <= 1 or self.concurrency == 1:
            return [self._one(question, s, c) for s, c in pairs]
        with ThreadPoolExecutor(max_workers=min(self.concurrency, len(pairs))) as pool:
            return list(pool.map(lambda pair: self._one(question, *pair), pairs))


def _cross_encoder(argument: str, config: Config) -> CrossEncoderChecker:
    return CrossEncoderChecker(argument)


def _llm(argument: str, config: Config) -> LLMAnswerChecker:
    from rag.errors import ConfigError
    from rag.judge import OpenAIJudgeClient

    if not config.verifier_model or not config.verifier_base_url:
        raise ConfigError("answer_checker llm: needs verifier_model and verifier_base_url (the judge model: "
                          "--verifier-model, --verifier-base-url)")
    client = OpenAIJudgeClient(config.verifier_base_url, config.verifier_model)
    return LLMAnswerChecker(client, timeout=config.verifier_timeout, concurrency=config.verifier_concurrency)


register_answer_checker("cross-encoder", _cross_encoder, argument="DIR",
                        help="a local sentence-transformers CrossEncoder (QNLI / reranker) directory")
register_answer_checker("llm", _llm, help="the judge model of --verifier llm, asked whether a sentence answers")
