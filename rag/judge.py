"""An LLM judge of support: "Document: … Claim: …" → Yes/No, MiniCheck-style.

The judge is a model separate from the answering one, behind any
OpenAI-compatible server (vLLM, llama.cpp's server, LM Studio, OpenAI) or
Ollama's OpenAI-compatible ``/v1`` endpoint. The score is P(Yes) from the
first token's log-probabilities where the server returns them, else 1.0/0.0
from the reply's text. Calls run concurrently up to a bound, are cached by a
hash of (evidence, claim), and time out. A judge that fails, times out or
answers neither Yes nor No never fails an answer: that sentence falls back to
the lexical score, and its ``Support.verifier`` says so.

A small model is a poor judge (SmolLM2-135M answers almost at random); a
fact-checking model such as Bespoke-MiniCheck-7B (Ollama: ``bespoke-minicheck``)
or a GPT-4-class model is the intended use.

Example:
    >>> from rag.testing import ScriptedJudgeClient
    >>> from rag.verify import lexical_support
    >>> judge = LLMJudge(ScriptedJudgeClient(["Yes"]), model="fake", fallback=lexical_support)
    >>> judge("Russia signed in 1997.", ["Armenia and Russia signed a deal in 1997."]).score
    1.0
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, Protocol

from rag.config import Config, ConfigError
from rag.verify import Support, SupportScorer

log = logging.getLogger(__name__)

JUDGE_SYSTEM = ("You are a fact checker. Decide whether the document fully supports the claim: every part of "
                "the claim must be stated or clearly implied by the document. Answer with one word: Yes or No.")
JUDGE_PROMPT = "Document: {document}\nClaim: {claim}\nIs the claim supported by the document? Answer Yes or No."
MAX_DOCUMENT_CHARS = 12000  # keeps a prompt inside an 8k-token context; cited passages are far shorter


@dataclass(frozen=True)
class JudgeReply:
    """What a judge model returned: its text and, when the server gives them, first-token top log-probs."""

    text: str
    top_logprobs: Mapping[str, float] | None = None


class JudgeClient(Protocol):
    """Sends one chat request to a judge model (a fake in tests, HTTP in use)."""

    def complete(self, messages: list[dict[str, str]], *, timeout: float) -> JudgeReply: ...


class JudgeError(RuntimeError):
    """The judge gave no usable verdict (server error, timeout, or neither Yes nor No)."""


def judge_messages(claim: str, evidence: Sequence[str]) -> list[dict[str, str]]:
    """The chat messages asking whether ``evidence`` supports ``claim``."""
    document = "\n\n".join(e.strip() for e in evidence)[:MAX_DOCUMENT_CHARS]
    return [{"role": "system", "content": JUDGE_SYSTEM},
            {"role": "user", "content": JUDGE_PROMPT.format(document=document, claim=claim.strip())}]


def verdict(reply: JudgeReply) -> float:
    """P(Yes) from the reply: log-probabilities of Yes/No tokens if present, else the text.

    Example:
        >>> verdict(JudgeReply("Yes", {"Yes": math.log(0.8), "No": math.log(0.2)}))
        0.8
        >>> verdict(JudgeReply("No."))
        0.0
    """
    if reply.top_logprobs:
        yes = no = 0.0
        for token, logprob in reply.top_logprobs.items():
            word = token.strip().strip(".,:!\"'").lower()
            if word == "yes":
                yes += math.exp(logprob)
            elif word == "no":
                no += math.exp(logprob)
        if yes + no > 0:
            return round(yes / (yes + no), 6)
    words = reply.text.strip().lstrip("*#`\"' ").lower()
    if words.startswith("yes"):
        return 1.0
    if words.startswith("no"):
        return 0.0
    raise JudgeError(f"the judge answered neither Yes nor No: {reply.text[:80]!r}")


class OpenAIJudgeClient:
    """POST ``{base_url}/chat/completions`` with ``logprobs``; retries once without them if refused."""

    def __init__(self, base_url: str, model: str, api_key: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key = api_key
        self._logprobs = True

    def complete(self, messages: list[dict[str, str]], *, timeout: float) -> JudgeReply:
        import httpx

        body: dict[str, Any] = {"model": self.model, "messages": messages, "temperature": 0.0, "max_tokens": 2}
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        url = f"{self.base_url}/chat/completions"
        try:
            if self._logprobs:
                response = httpx.post(url, json={**body, "logprobs": True, "top_logprobs": 10},
                                      headers=headers, timeout=timeout)
                if response.status_code in (400, 422):  # a server without logprobs: ask for text only
                    self._logprobs = False
            if not self._logprobs:
                response = httpx.post(url, json=body, headers=headers, timeout=timeout)
            response.raise_for_status()
            choice = response.json()["choices"][0]
        except httpx.TimeoutException:
            raise JudgeError(f"{url}: no reply within {timeout:g} s") from None
        except (httpx.HTTPError, KeyError, IndexError, ValueError) as exc:
            raise JudgeError(f"{url}: {type(exc).__name__}: {exc}") from None
        text = str((choice.get("message") or {}).get("content") or "")
        return JudgeReply(text, _first_token_logprobs(choice.get("logprobs")))


def _first_token_logprobs(logprobs: Any) -> dict[str, float] | None:
    """{token: logprob} of the first generated token that is not whitespace, from an OpenAI ``logprobs``."""
    content = (logprobs or {}).get("content") if isinstance(logprobs, dict) else None
    for entry in content or []:
        if not str(entry.get("token", "")).strip():
            continue
        tops = {str(t["token"]): float(t["logprob"]) for t in entry.get("top_logprobs") or []
                if "token" in t and "logprob" in t}
        tops.setdefault(str(entry["token"]), float(entry.get("logprob", 0.0)))
        return tops
    return None


class LLMJudge:
    """A support scorer backed by a judge model; the lexical scorer locates quotes and stands in on failure.

    ``client`` sends the requests; ``fallback`` (the lexical scorer) is computed for
    every claim anyway, for the quote location, and its score is used when the judge
    fails. After ``max_failures`` failures in a row the judge rests ``rest_s`` seconds,
    so a dead server costs one timeout, not one per sentence.
    """

    def __init__(self, client: JudgeClient, *, model: str, fallback: SupportScorer, timeout: float = 30.0,
                 concurrency: int = 4, cache_size: int = 4096, max_failures: int = 3, rest_s: float = 60.0) -> None:
        if concurrency <= 0 or timeout <= 0:
            raise ValueError(f"LLMJudge: concurrency ({concurrency}) and timeout ({timeout}) must be > 0")
        self.client = client
        self.name = f"llm:{model}"
        self.fallback = fallback
        self.timeout = timeout
        self.concurrency = concurrency
        self.cache_size = cache_size
        self.max_failures = max_failures
        self.rest_s = rest_s
        self._cache: OrderedDict[str, float] = OrderedDict()
        self._failed: dict[str, tuple[float, str]] = {}  # key -> (when, why), not retried for rest_s
        self._lock = threading.Lock()
        self._failures = 0
        self._resting_until = 0.0

    @staticmethod
    def key(claim: str, evidence: Sequence[str]) -> str:
        """The cache key: a hash of the evidence and the claim."""
        digest = hashlib.sha256()
        for part in (*evidence, claim):
            digest.update(part.encode("utf-8"))
            digest.update(b"\x00")
        return digest.hexdigest()

    def _judge(self, claim: str, evidence: Sequence[str]) -> float:
        key = self.key(claim, evidence)
        now = time.monotonic()
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
            failed = self._failed.get(key)
            if failed and now - failed[0] < self.rest_s:
                # The same pair failed moments ago (e.g. prefetched by score_many): do not wait twice.
                raise JudgeError(failed[1])
            if now < self._resting_until:
                raise JudgeError(f"the judge failed {self.max_failures} times in a row; resting")
        try:
            score = verdict(self.client.complete(judge_messages(claim, evidence), timeout=self.timeout))
        except Exception as exc:
            error = exc if isinstance(exc, JudgeError) else JudgeError(f"{type(exc).__name__}: {exc}")
            with self._lock:
                self._failures += 1
                if self._failures >= self.max_failures:
                    self._resting_until = time.monotonic() + self.rest_s
                    self._failures = 0
                self._failed[key] = (time.monotonic(), str(error))
                if len(self._failed) > self.cache_size:
                    self._failed.clear()
            raise error from exc
        with self._lock:
            self._failures = 0
            self._cache[key] = score
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return score

    def __call__(self, claim: str, evidence: Sequence[str]) -> Support:
        located = self.fallback(claim, evidence)
        if not evidence or not claim.strip():
            return replace(located, verifier=self.name)
        try:
            score = self._judge(claim, evidence)
        except JudgeError as exc:
            log.warning("support judge %s failed, using the lexical score: %s", self.name, exc)
            name = getattr(self.fallback, "name", "lexical")
            return replace(located, verifier=f"{name} (fallback: {self.name} failed)",
                           reason="; ".join(r for r in (located.reason, f"judge failed: {exc}") if r))
        return replace(located, score=score, verifier=self.name)

    def score_many(self, pairs: Sequence[tuple[str, Sequence[str]]]) -> list[Support]:
        """Score many (claim, evidence) pairs, at most ``concurrency`` requests at a time."""
        if len(pairs) <= 1 or self.concurrency == 1:
            return [self(c, e) for c, e in pairs]
        with ThreadPoolExecutor(max_workers=min(self.concurrency, len(pairs))) as pool:
            return list(pool.map(lambda pair: self(*pair), pairs))


def make_llm_judge(config: Config, fallback: SupportScorer) -> LLMJudge:
    """The ``llm`` verifier from ``config``: ``verifier_base_url`` + ``verifier_model`` are required."""
    if not config.verifier_model:
        raise ConfigError("verifier_model: the llm verifier needs a judge model name (--verifier-model, "
                          "e.g. bespoke-minicheck)")
    if not config.verifier_base_url:
        raise ConfigError("verifier_base_url: the llm verifier needs an OpenAI-compatible base URL "
                          "(--verifier-base-url, e.g. http://localhost:8080/v1, or Ollama's "
                          "http://localhost:11434/v1)")
    client = OpenAIJudgeClient(config.verifier_base_url, config.verifier_model, config.verifier_api_key)
    return LLMJudge(client, model=config.verifier_model, fallback=fallback, timeout=config.verifier_timeout,
                    concurrency=config.verifier_concurrency)
