"""Fakes that ship with the package, for fast, deterministic tests of the logic.

- :class:`FakeEmbedder`: a bag-of-words embedder whose vectors a person can
  compute by hand (each lowercased word adds 1 to one hashed dimension).
- :class:`ScriptedChatModel`: a LangChain chat model that replays scripted
  replies and records every prompt it was given.
- :func:`routed_chat_model`: a slow chat model that answers by keyword, for
  browser tests where several questions run at once.
- :class:`InMemoryStore` (from :mod:`rag.memory_store`): an index in memory,
  ``Assistant(store=InMemoryStore(), embedder=FakeEmbedder())``.
- :func:`passage`: a retrieved passage of one short text, for the extractive backend's functions; :func:`documents`:
  the passages of whole documents.

Integration tests use the real embedder and a real model server instead.

Example:
    >>> emb = FakeEmbedder(dimension=8)
    >>> float(emb.embed_query("a a").max())
    1.0
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rag.chunk import whitespace_offsets
from rag.memory_store import InMemoryStore
from rag.records import Chunk, Passage

__all__ = ["FakeEmbedder", "InMemoryStore", "ScriptedJudgeClient", "documents", "passage", "routed_chat_model",
           "scripted_chat_model"]


def passage(text: str, n: int = 1, *, author: str | None = None) -> Passage:
    """The ``n``-th retrieved passage: all of ``text``, from its own file ``/corpus/{n}.txt``.

        >>> p = passage("The port closed.", 2)
        >>> p.chunk.source, p.score
        ('/corpus/2.txt', 0.5)
    """
    chunk = Chunk(id=f"chunk-{n}", source=f"/corpus/{n}.txt", title="", text=text, start=0, end=len(text), index=0,
                  author=author)
    return Passage(chunk=chunk, score=1.0 / n, similarity=0.5)


def documents(*docs: tuple[str, Sequence[str]]) -> list[Passage]:
    """Retrieved passages of whole documents: each ``(file name, paragraphs)`` read in that many passages of
    ``/corpus/{file name}``, titled by the file name, scored in the order given.

        >>> ps = documents(("a.txt", ["One.", "Two."]), ("b.txt", ["Three."]))
        >>> [(p.chunk.source, p.chunk.index) for p in ps], round(ps[-1].score, 2)
        ([('/corpus/a.txt', 0), ('/corpus/a.txt', 1), ('/corpus/b.txt', 0)], 0.33)
    """
    out: list[Passage] = []
    for source, texts in docs:
        for n, text in enumerate(texts):
            chunk = Chunk(id=f"{source}-{n}", source=f"/corpus/{source}", title=source, text=text, start=0,
                          end=len(text), index=n)
            out.append(Passage(chunk=chunk, score=1.0 / (len(out) + 1), similarity=0.5))
    return out


_WORD = re.compile(r"\w+")


class FakeEmbedder:
    """Deterministic hashed bag-of-words embeddings, L2-normalised."""

    def __init__(self, dimension: int = 256, name: str = "fake/bag-of-words") -> None:
        self.dimension = dimension
        self.name = name
        self.max_tokens = 256
        self.calls: list[int] = []  # batch sizes, so tests can assert what was embedded

    def bucket(self, word: str) -> int:
        return int(hashlib.md5(word.lower().encode()).hexdigest(), 16) % self.dimension

    def token_offsets(self, text: str) -> list[tuple[int, int]]:
        return whitespace_offsets(text)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(len(texts))
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text):
                out[row, self.bucket(word)] += 1.0
            norm = float(np.linalg.norm(out[row]))
            if norm:
                out[row] /= norm
            else:
                out[row, 0] = 1.0  # Chroma's cosine space cannot take a zero vector
        return out

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]

    @property
    def embedded(self) -> int:
        return sum(self.calls)


def scripted_chat_model(replies: Sequence[str]) -> Any:
    """A LangChain chat model replaying ``replies`` in order and recording prompts.

    The returned model has ``.prompts`` (list of message lists it received).
    Streaming yields the reply word by word, like a real server.
    """
    from langchain_core.language_models.chat_models import BaseChatModel
    from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
    from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

    class ScriptedChatModel(BaseChatModel):
        replies: list[str]
        prompts: list[list[BaseMessage]] = []
        cursor: int = 0

        @property
        def _llm_type(self) -> str:
            return "scripted"

        def _next(self, messages: list[BaseMessage]) -> str:
            self.prompts.append(list(messages))
            reply = self.replies[min(self.cursor, len(self.replies) - 1)]
            self.cursor += 1
            return reply

        def _generate(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None,
                      **kwargs: Any) -> ChatResult:
            return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self._next(messages)))])

        def _stream(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None,
                    **kwargs: Any) -> Iterator[ChatGenerationChunk]:
            for piece in re.findall(r"\S+\s*|\s+", self._next(messages)):
                yield ChatGenerationChunk(message=AIMessageChunk(content=piece))

    return ScriptedChatModel(replies=list(replies), prompts=[])


def routed_chat_model(routes: Sequence[tuple[str, str]], delay_s: float = 0.1) -> Any:
    """A slow LangChain chat model that answers by keyword, word by word, like a model server.

    Scripted replies in order break as soon as two users ask at once; this one picks
    its reply from the question itself: the first ``(keyword, reply)`` whose keyword the question contains
    (case-insensitive) gives the reply; otherwise the fixed refusal. A follow-up rewrite gets the
    question back unchanged. Streaming waits ``delay_s`` per word."""
    import time

    from langchain_core.language_models.chat_models import BaseChatModel
    from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
    from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

    from rag.records import REFUSAL

    class RoutedChatModel(BaseChatModel):
        routes: list[tuple[str, str]]
        delay_s: float

        @property
        def _llm_type(self) -> str:
            return "routed"

        def _reply(self, messages: list[BaseMessage]) -> str:
            system, last = str(messages[0].content), str(messages[-1].content)
            if system.startswith("Rewrite the last user question"):
                return last.rsplit("Last question:", 1)[-1].strip()
            question = last.rsplit("Question:", 1)[-1].lower()
            return next((reply for key, reply in self.routes if key.lower() in question), REFUSAL)

        def _generate(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None,
                      **kwargs: Any) -> ChatResult:
            return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self._reply(messages)))])

        def _stream(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None,
                    **kwargs: Any) -> Iterator[ChatGenerationChunk]:
            for piece in re.findall(r"\S+\s*|\s+", self._reply(messages)):
                time.sleep(self.delay_s)
                yield ChatGenerationChunk(message=AIMessageChunk(content=piece))

    return RoutedChatModel(routes=list(routes), delay_s=delay_s)


class ScriptedJudgeClient:
    """A judge client that replays scripted replies and records every prompt (see :mod:`rag.judge`).

    Each reply is a ``str`` (text only, as from a server without log-probs), a
    :class:`rag.judge.JudgeReply`, or an ``Exception`` to raise (a failing server).
    The last reply repeats when the script runs out.

    Example:
        >>> client = ScriptedJudgeClient(["No"])
        >>> client.complete([{"role": "user", "content": "Document: a\\nClaim: b"}], timeout=1).text
        'No'
        >>> len(client.prompts)
        1
    """

    def __init__(self, replies: Sequence[Any], delay: float = 0.0) -> None:
        if not replies:
            raise ValueError("ScriptedJudgeClient: give at least one reply")
        self.replies = list(replies)
        self.delay = delay
        self.prompts: list[list[dict[str, str]]] = []
        self.timeouts: list[float] = []
        self._lock = threading.Lock()

    def complete(self, messages: list[dict[str, str]], *, timeout: float) -> Any:
        from rag.judge import JudgeError, JudgeReply

        with self._lock:
            reply = self.replies[min(len(self.prompts), len(self.replies) - 1)]
            self.prompts.append(messages)
            self.timeouts.append(timeout)
        if self.delay:
            if self.delay > timeout:
                time.sleep(timeout)
                raise JudgeError(f"scripted judge: no reply within {timeout:g} s")
            time.sleep(self.delay)
        if isinstance(reply, BaseException):
            raise reply
        return reply if isinstance(reply, JudgeReply) else JudgeReply(str(reply))


def tiny_cross_encoder(folder: Path, words: str) -> Path:
    """A randomly initialised one-layer BERT with one output, saved as a CrossEncoder directory (for tests).

    ``words`` make its vocabulary; nothing is downloaded.
    """
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast  # type: ignore[attr-defined]

    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *sorted({w.strip(".,").lower() for w in words.split()})]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer = BertTokenizerFast(vocab_file=str(folder / "vocab.txt"))
    config = BertConfig(vocab_size=len(vocab), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=32, max_position_embeddings=128, num_labels=1)  # type: ignore[call-arg]
    BertForSequenceClassification(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
