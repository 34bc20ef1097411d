"""The ``Assistant``: one facade over the pipeline, used by the CLI, the chat and the eval.

The pipeline is a chain of LangChain runnables — condense → retrieve →
generate → parse citations → verify — available from :meth:`Assistant.chain`
and :meth:`Assistant.steps` for users composing their own chains.

Example:
    >>> from rag import Assistant
    >>> assistant = Assistant(index_dir="index")         # cheap: nothing loads yet
    >>> answer = assistant.ask("When did the offensive start?")   # doctest: +SKIP
    >>> answer.to_dict()["citations"][0]["quote"]                  # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rag.answer_checkers import make_answer_checker
from rag.backends import get_backend, make_chat_model
from rag.backends.chat import build_messages, condense_messages, condensed_problem
from rag.backends.extractive import (
    AnswerChecker,
    UnstatedAsks,
    VectorCache,
    asked_names,
    asked_years,
    asks_person_by_role,
    distinct_passages,
    extractive_result,
    named_comparison,
    names_holder_asked,
    names_to_state,
    role_question,
    stated_years,
    summary_result,
)
from rag.citations import (
    MARKER,
    MarkerNumbering,
    is_refusal,
    number_by_first_use,
    parse_answer,
    same_passage,
    verify_answer,
)
from rag.config import Config, ConfigError, check_model_name
from rag.doc_questions import (
    WHICH_ANSWERS,
    WHICH_DOCUMENT,
    WHICH_DOCUMENT_ASKED,
    asks_about_author,
    asks_about_person,
    author_named,
    bare_document_question,
    byline_answer,
    document_question,
    document_topic,
    generic_byline,
    quoted_title,
    summary_request,
    summary_topic,
    surname_named,
    title_key,
)
from rag.embed import Embedder, make_embedder
from rag.errors import ModelError, UsageError
from rag.ingest import IngestReport, ProgressCallback, ingest, named_key
from rag.lexical import store_token
from rag.questions import defined_term, defines, plain_question, question_kind
from rag.records import (
    REFUSAL,
    Answer,
    Chunk,
    Passage,
    RelatedDocument,
    SentenceSupport,
    rendering_key,
    title_from_name,
)
from rag.retrieve import Filters, HybridRetriever, rrf, stored_vectors
from rag.store import ChunkStore, DocumentRecord, Store
from rag.text import BYLINE_DATE, byline_parts, names, numbers, sentences, terms
from rag.verifiers import make_verifier
from rag.verify import SupportScorer, scorer_name

log = logging.getLogger(__name__)

# The most characters a question may have (about 600 words; the longest one met in the audits, with a
# preamble, had 1,560). Longer text is refused before it is read: typing 4,000 characters takes 0.4 s.
MAX_QUESTION_CHARS = 4000

History = Sequence[tuple[str, str]] | Sequence[Mapping[str, Any]] | None

_CONTINUES = re.compile(r"^\s*(?:and|but|also|what about|how about|so|then)\b", re.I)
_PRONOUN = re.compile(r"\b(?:it|its|they|them|their|he|she|his|her|this|that|these|those|there)\b", re.I)


def is_follow_up(question: str) -> bool:
    """Does the question lean on the previous turn? ("And France?", "Why did they do it?")

    A complete question with names of its own ("When did Armenia and Russia
    sign their deal?") stands alone even if it has a pronoun.
    """
    own = terms(question)
    if _CONTINUES.search(question) or len(own) <= 1:
        return True
    return bool(_PRONOUN.search(question)) and len(own) <= 5 and not names(question)


def normalise_history(history: History) -> list[tuple[str, str]]:
    """(question, answer) pairs from tuples or Gradio-style ``{"role", "content"}`` messages."""
    if not history:
        return []
    pairs: list[tuple[str, str]] = []
    pending: str | None = None
    for n, item in enumerate(history):
        if isinstance(item, (str, bytes)) or not isinstance(item, Mapping) and (
                not isinstance(item, Sequence) or len(item) != 2):
            raise UsageError(f"history[{n}]: expected a (question, answer) pair or a {{'role', 'content'}} "
                             f"message, got {item!r:.60}")
        if isinstance(item, Mapping):
            content = item.get("content")
            if isinstance(content, list):  # Gradio 6 content blocks
                content = " ".join(str(c.get("text", "")) if isinstance(c, Mapping) else str(c) for c in content)
            content = str(content or "")
            if item.get("role") == "user":
                pending = content
            elif item.get("role") == "assistant" and pending is not None:
                pairs.append((pending, content))
                pending = None
        else:
            q, a = item
            pairs.append((str(q), str(a or "")))
    return pairs


def _check_store_settings(store: Store, config: Config) -> None:
    """Ingest chunks with ``config`` while the store guards its own: the two must agree."""
    ours, theirs = config.index_settings(), store.config.index_settings()
    differing = [f"{key}={theirs.get(key)!r} (this Assistant: {value!r})"
                 for key, value in ours.items() if value != theirs.get(key)]
    if differing:
        raise ConfigError(f"store: {store.location} was opened with {', '.join(differing)}; give the Assistant "
                          "the store's config (or the store the Assistant's)")


def carry_terms(question: str, history: Sequence[tuple[str, str]]) -> str:
    """Make a follow-up standalone without a model: add the previous question's terms.

    A previous question that was a follow-up itself counts with what it carried (:func:`previous_question`):
    "Why?" after "And France?" after "How did ECOWAS react to the coup in Azawi?" asks about France, ECOWAS
    and the coup in Azawi, not about France alone.
    """
    if not history:
        return question
    if not is_follow_up(question):
        return question
    extra = carried_words(question, previous_question(history))
    return f"{question} ({' '.join(extra)})" if extra else question


# A chain of follow-ups carries at most this many words (the latest questions' first).
MAX_CARRIED_WORDS = 12


def previous_question(history: Sequence[tuple[str, str]]) -> str:
    """The last question of ``history`` as it was understood: a follow-up with the words it carried.

    A follow-up keeps only the carried words its answer states: after "What about Nordhavn?" is answered
    about Nordhavn, the chain is about Nordhavn, not about the coup it was carried from. A refused
    follow-up keeps them all (its answer says nothing either way).
    """
    understood = ""
    for question, answer in history:
        if not understood or not is_follow_up(question):
            understood = question
            continue
        carried = carried_words(question, understood)
        if answer and not is_refusal(answer):
            stated = set(terms(answer))
            carried = [w for w in carried if terms(w)[0] in stated]
        understood = f"{question} ({' '.join(carried)})" if carried else question
    return understood


def carried_words(question: str, previous: str) -> list[str]:
    """The previous question's content words that the follow-up does not already have (at most
    :data:`MAX_CARRIED_WORDS`)."""
    own = terms(question)
    found = [w for w in dict.fromkeys(re.findall(r"[\w’'-]+", previous)) if terms(w) and terms(w)[0] not in own]
    return found[:MAX_CARRIED_WORDS]


class Assistant:
    """Ask questions across an index; every answer sentence cites and is checked.

    ``Assistant(index_dir=..., **config)`` is cheap; the embedding model, the
    index and any chat model load on first use. Keyword arguments are
    :class:`rag.config.Config` fields (``backend``, ``k``, ``strict``…).

    ``Assistant(Config(...))`` takes the Config as ``config``.
    ``store`` is any :class:`rag.store.Store` (default: Chroma at ``index_dir``
    or ``chroma_url``); without ``config`` the assistant starts from the
    store's. ``Assistant(store=InMemoryStore(), embedder=FakeEmbedder())`` is a
    throwaway index that touches no disk.
    """

    def __init__(
        self,
        index_dir: str | os.PathLike[str] | Config | None = None,
        *,
        config: Config | None = None,
        embedder: Embedder | None = None,
        chat_model: Any = None,
        support_scorer: SupportScorer | None = None,
        answer_checker: AnswerChecker | str | None = None,
        store: Store | None = None,
        **overrides: Any,
    ) -> None:
        if isinstance(index_dir, Config):  # Assistant(Config(...)): the config, not a path made of its repr
            if config is not None:
                raise TypeError("Assistant: a Config given both as the first argument and as config=; give one")
            index_dir, config = None, index_dir
        if index_dir is not None:
            if not isinstance(index_dir, (str, os.PathLike)):
                raise TypeError(f"Assistant: index_dir must be a path (str or os.PathLike), not "
                                f"{type(index_dir).__name__}; pass settings as config=Config(...) or keywords")
            overrides["index_dir"] = os.fspath(index_dir)
        if isinstance(answer_checker, str):  # a spec ("llm", "cross-encoder:DIR") is the config setting
            overrides["answer_checker"] = answer_checker
            answer_checker = None
        base = config or (store.config if store is not None else None)
        self.config = base.replace(**overrides) if base else Config.load(overrides=overrides)
        if store is not None:
            _check_store_settings(store, self.config)
        self._embedder = embedder
        # Chat-model clients by backend (and model name): the injected/configured one is pinned,
        # others are kept least-recently-used, at most ``config.max_chat_models``.
        self._chat_models: OrderedDict[str, Any] = OrderedDict()
        self._pinned: str | None = None
        if chat_model is not None:
            self._chat_models[self.config.backend] = chat_model
            self._pinned = self.config.backend
        else:
            self.config.check_backend()  # eager: a missing model name fails here, not mid-question
        self.support_scorer = support_scorer
        # Eager and cheap (models load on first use): an llm verifier without a model fails here.
        self._verifier: SupportScorer | None = None if support_scorer else make_verifier(self.config)
        # A QA / NLI model or judge LLM deciding answerability instead of the built-in model (rag.answer_checkers).
        self.answer_checker = answer_checker if answer_checker is not None else make_answer_checker(self.config)
        self._store: Store | None = store
        self._retriever: HybridRetriever | None = None
        self._sentence_cache: VectorCache | None = None
        self._library_cache: tuple[str, list[DocumentRecord]] | None = None  # (store token, its records)
        self._lock = threading.RLock()

    # ------------------------------------------------------------- components
    # Built once even when ten chat users arrive at the same moment.
    @property
    def embedder(self) -> Embedder:
        with self._lock:
            if self._embedder is None:
                self._embedder = make_embedder(self.config)
            return self._embedder

    @property
    def store(self) -> Store:
        with self._lock:
            if self._store is None:
                self._store = ChunkStore(self.config)
            return self._store

    @property
    def retriever(self) -> HybridRetriever:
        store, embedder = self.store, self.embedder
        with self._lock:
            if self._retriever is None:
                self._retriever = HybridRetriever(store, embedder, self.config)
            return self._retriever

    @property
    def sentence_cache(self) -> VectorCache:
        embedder = self.embedder
        with self._lock:
            if self._sentence_cache is None:
                self._sentence_cache = VectorCache(embedder)
            return self._sentence_cache

    def has_chat_model(self, backend: str | None = None) -> bool:
        """Whether a chat model for ``backend`` was given or is already built (nothing is built here)."""
        return (backend or self.config.backend) in self._chat_models

    def chat_model(self, backend: str | None = None, model: str | None = None) -> Any:
        """The chat model for ``backend`` (and model name), built once and reused.

        At most ``config.max_chat_models`` clients are kept (least recently used
        dropped); every one shares this Assistant's index, retriever and embedder.
        A model name is validated (:func:`rag.config.check_model_name`) before any
        client is built. A backend that takes no model name (``llamacpp`` runs the configured GGUF)
        ignores it.
        """
        backend = backend or self.config.backend
        model = (model or "").strip() or None
        if not get_backend(backend).takes_model or model == self.config.llm_model:
            model = None
        if model is not None:
            check_model_name(model)
        key = backend if model is None else f"{backend}:{model}"
        with self._lock:
            if key in self._chat_models:
                self._chat_models.move_to_end(key)
                return self._chat_models[key]
            changes: dict[str, Any] = {"backend": backend}
            if model:
                changes["llm_model"] = model
            config = self.config.replace(**changes)
            config.check_backend()
            self._chat_models[key] = client = make_chat_model(config)
            unpinned = [k for k in self._chat_models if k != self._pinned]
            for old in unpinned[:max(0, len(unpinned) - self.config.max_chat_models)]:
                del self._chat_models[old]
            return client

    def scorer(self, backend: str | None = None) -> SupportScorer:
        """The support scorer: the injected one, else the configured verifier (see :mod:`rag.verifiers`).

        ``backend`` is accepted for callers that ask per backend; every backend is checked alike.
        """
        if self.support_scorer is not None:
            return self.support_scorer
        with self._lock:
            if self._verifier is None:
                self._verifier = make_verifier(self.config)
            return self._verifier

    # ---------------------------------------------------------------- corpus
    def ingest(self, paths: Iterable[str | Path] | str | Path, *, collection: str | None = None, prune: bool = True,
               progress: ProgressCallback | bool | None = None, rebuild: bool = False, move: bool = False,
               follow_symlinks: bool = False) -> IngestReport:
        """Sync files or folders into the index (see :func:`rag.ingest.ingest`)."""
        if rebuild:
            with self.store.write_lock():
                self.store.reset()
        before = self.retriever.lexical().token
        report = ingest(paths, self.store, self.embedder, self.config, collection=collection,
                        prune=prune, progress=progress, move=move,
                        follow_symlinks=follow_symlinks)
        # The lexical index takes the changed documents now, not at the next question.
        self.retriever.lexical_changed([*report.added, *report.updated, *report.removed], before)
        return report

    def documents(self, allowed_collections: Sequence[str] | None = None) -> list[DocumentRecord]:
        return self.store.documents(allowed_collections)

    def warm_up(self) -> None:
        """Load the embedding model and open the index and its lexical part now, not at the first question
        (a server does this before it takes requests)."""
        self.embedder.embed_query("warm up")
        self.retriever.lexical()

    def remove(self, source: str) -> int:
        """Remove one document (by its source path) and its chunks; returns chunks removed."""
        before = self.retriever.lexical().token
        with self.store.write_lock():
            # By id, not the whole manifest (0.6 s for 10k documents).
            known = {r.source for r in self.store.documents_of([source, named_key(source)])}
            if source not in known:
                resolved = named_key(source)
                if resolved not in known:
                    raise KeyError(f"{source}: not in the index")
                source = resolved
            removed = self.store.delete_document(source)
            self.store.bump_generation()
        self.retriever.lexical_changed([source], before)
        return removed

    def hold_write_lock(self) -> None:
        """Be the index's writer until :meth:`release_write_lock` (the chat server is, for its life).

        Other processes then get ``IndexBusyError``; this assistant's own
        writes (ingest, remove) go on. See :meth:`rag.store.Store.hold_write_lock`.
        """
        self.store.hold_write_lock()

    def release_write_lock(self) -> None:
        """Give back the lock taken by :meth:`hold_write_lock` (no-op when not held)."""
        self.store.release_write_lock()

    # ----------------------------------------------------------------- steps
    def _condense(self, state: dict[str, Any]) -> dict[str, Any]:
        history = normalise_history(state.get("history"))
        question = plain_question(state["question"])  # "Can you tell me who…?" searches for "Who…?"
        standalone, carried = question, ""
        if history:
            model = self._model_for(state)
            reply = ""
            if model is not None:
                try:
                    reply = " ".join(str(model.invoke(condense_messages(question, history)).content).split())
                except Exception:  # a model hiccup must not lose the question
                    reply = ""
                problem = condensed_problem(reply, question) if reply else None
                if problem:
                    # The rewrite would land in the trusted question slot: keep the user's own words.
                    log.info("follow-up rewrite not used (%s): %.80r", problem, reply)
                    reply = ""
            if reply:
                standalone = reply
            else:
                standalone = carry_terms(question, history)
                if standalone != question:
                    carried = " ".join(carried_words(question, previous_question(history)))
        return {**state, "standalone": standalone, "carried": carried}

    def _model_for(self, state: Mapping[str, Any]) -> Any:
        backend = state.get("backend") or self.config.backend
        return self.chat_model(backend, state.get("model")) if get_backend(backend).chat else None

    def _retrieve(self, state: dict[str, Any]) -> dict[str, Any]:
        started = time.perf_counter()
        filters = Filters.from_mapping(state.get("filters")).restrict(state.get("allowed_collections"))
        state, filters = self._titled(state, filters)
        query = state["standalone"]
        vector = self.embedder.embed_query(query)
        k = state.get("k")
        kind = question_kind(query)
        summary = summary_request(state["question"])
        if summary and summary_topic(state["question"]):
            # "Summarise the article about X": the document is found by X alone; the request's own search
            # would be thrown away.
            return self._summary_state(state, [], filters, vector, started)
        if k is None and kind == "analytic":
            k = max(self.config.k, self.config.analytic_k)  # key points spread across the article
            # Twice as many, then copies of one text (an article's .txt and .pdf) count once.
            wide = self.retriever.retrieve(query, k=2 * k, filters=filters, query_vector=vector)
            compared = named_comparison(query, wide)
            if compared:
                # "Compare X and Y": each side gets its own search, taken in turn with the question's, so
                # one side's sources do not crowd out the other's.
                searches = [self.retriever.retrieve(q, k=2 * k, filters=filters) for q in compared.queries]
                wide = _in_turn([wide, *searches])
            passages = distinct_passages(wide, k)
        else:
            passages = self.retriever.retrieve(query, k=k, filters=filters, query_vector=vector)
        if state.get("carried") and terms(state["question"]):
            # Terms carried from the previous turn pull retrieval back to its topic; the follow-up's
            # own words get their own search, and the two rankings are fused.
            own = self.retriever.retrieve(state["question"], k=k, filters=filters)
            fused = rrf([[p.chunk.id for p in own], [p.chunk.id for p in passages]], k=self.config.rrf_k)
            # Where both found a passage, keep its similarity to the full query (the relevance gate's).
            by_id = {p.chunk.id: p for p in [*own, *passages]}
            passages = [by_id[i] for i in sorted(fused, key=lambda i: -fused[i])][:len(passages) or len(own)]
        if state.get("carried"):
            # "Why?" names nothing: it stays with the previous question's documents. "And France?" stays with
            # those that also state France, when one does ("What about Varenia?" about a document the previous
            # question's names are not in leaves the passages as they are).
            named = state["question"] if names(state["question"]) or numbers(state["question"]) else ""
            passages = self._stay_on_topic(f"{state['carried']} {named}", passages, query, vector, filters)
        if summary:
            return self._summary_state(state, passages, filters, vector, started)
        if kind == "analytic" and passages and asked_years(query):
            passages = self._with_dated_openings(query, passages, filters)
        term = defined_term(query) if kind == "factoid" else None
        if term and passages:
            passages = self._with_definition(term, passages, filters)
        if kind == "factoid" and passages and asks_person_by_role(role_question(query)):
            passages = self._with_role_holder(query, passages, filters, vector)
        ask = document_question(state["question"]) or document_question(query)
        topic = document_topic(query) if ask else None
        only: str | None = None  # the one document "Who wrote the article?" can mean
        which = False  # several could be meant: the answer asks which
        if ask is not None and not (topic or state.get("carried")) and \
                not bare_document_question(plain_question(state["question"])):
            ask = None  # "When was the paper published that the graph was based on?": a content question
        elif ask is not None and not (topic or state.get("carried")):
            # "Who wrote the article?" with nothing before it that names one: the document the conversation
            # was about, else the library's only one (its copies in other formats are one), else ask which.
            history = normalise_history(state.get("history"))
            only = self._conversation_document(history, filters) if history else None
            if only is None and passages:
                if self._other_document(passages, passages[0].chunk.source, filters) is None:
                    only = passages[0].chunk.source
                else:
                    which = True
            elif only is None:
                ask = None
        who_is = ask is None and asks_about_author(state["question"], [p.chunk.author or "" for p in passages])
        if ask is None and not who_is and asks_about_person(state["question"]):
            # "What position does Rautio hold?" about an author: their biography line if the text has one, else
            # the byline's role ("By Tomas Rautio – Visiting Fellow, …"), as for "Who is Rautio?".
            who_is = any(_names_author(state["question"], p.chunk.author) for p in passages)
        if ask is None and not who_is:
            passages, who_is = self._author_asked_about(state["question"], query, passages, filters, k, vector)
        found = False
        if who_is:
            ask = "author"
        if ask is not None:
            if topic:  # "Who wrote the article about X?": the document is found by X, not by "who wrote"
                passages = self.retriever.retrieve(topic, k=k, filters=filters)
            elif only is not None:
                narrowed = dataclasses.replace(filters, sources=(only,))
                passages = self.retriever.retrieve(query, k=k, filters=narrowed, query_vector=vector) or passages
            elif which:
                pass  # the closest documents are listed with the answer that asks which one
            elif not who_is:
                # "Who wrote it?": the article the conversation was about, not one that matches "wrote".
                source = self._conversation_document(normalise_history(state.get("history")), filters)
                if source is not None:
                    narrowed = dataclasses.replace(filters, sources=(source,))
                    passages = self.retriever.retrieve(query, k=k, filters=narrowed, query_vector=vector) or passages
                else:
                    # No answered turn says which document the conversation is about: only one that states the
                    # names the conversation carried ("Lessia") may be named, never whichever ranks first.
                    asked = UnstatedAsks(state.get("carried", ""), passages, words_only=True)
                    passages = [p for p in passages if asked.asked and not asked(p.chunk.source)]
            if not which:
                passages, found = self._opening_first(state["question"], passages, filters, topic)
        timings = dict(state.get("timings", {}), retrieve=time.perf_counter() - started)
        return {**state, "passages": passages, "query_vector": vector, "timings": timings, "question_kind": kind,
                "document_ask": ask, "document_found": found, "document_ambiguous": which, "who_is_author": who_is}

    def _library(self) -> list[DocumentRecord]:
        """Every document record, read again only when the index has changed since (a write, or a rebuild that
        made a new collection: :func:`rag.lexical.store_token`)."""
        token = store_token(self.store)
        cached = self._library_cache
        if cached is None or cached[0] != token:
            cached = (token, self.store.documents())
            self._library_cache = cached
        return cached[1]

    def _stated_elsewhere(self, phrase: str, sources: Sequence[str], filters: Filters) -> bool:
        """Whether a readable document other than ``sources`` states ``phrase`` (case and spacing aside)."""
        wanted = " ".join(phrase.split()).casefold()
        hits = self.retriever.sparse(phrase, 20, filters)
        return any(c.source not in sources and wanted in " ".join(c.text.split()).casefold() for c, _ in hits)

    def _titled(self, state: dict[str, Any], filters: Filters) -> tuple[dict[str, Any], Filters]:
        """A question that names one of the caller's documents is about that document: by its quoted title
        ("What does “Lights Out in Lessia” argue?") or its author ("What does Tomas Rautio argue?"). It is
        searched within that document's files (every format of it the caller may read; an author's documents)
        as "What does the article argue?", so the title's or name's words neither steer the search to other
        documents nor count as what is asked. The answer keeps the question as it was asked.

        Only a title of three words or more, or an author's full name, names a document (or the surname alone,
        capitalised and not opening the question, when no other author has it: "How does Ebberlin judge…"), and
        only when no other readable document states it: "Why did “deterrence” fail?" is about deterrence, and
        "What did Tomas Rautio tell reporters?" about a news item that quotes him, not about his own article. A
        quote or name that is no readable document's title or author leaves the question as it is; so do "Who
        is NAME?" (a biography in the text says more than a byline) and a question about the person rather than
        their writing ("Which think tank is NAME affiliated with?", :func:`rag.doc_questions.asks_about_person`)."""
        question = state["standalone"]
        quoted = any(q in question for q in "“\"«")
        if not quoted and len(names(question)) < 1:
            return state, filters
        records = [d for d in self._library() if filters.matches(d)]
        titles = [d.title for d in records if len(d.title.split()) >= 3]
        span = quoted_title(question, titles) if quoted else None
        if span is not None:
            key = title_key(span[1])
            sources = tuple(d.source for d in records if title_key(d.title) == key)
            phrase = question[span[0][0] + 1:span[0][1] - 1]
            find: Callable[[str], tuple[tuple[int, int], str] | None] = \
                lambda text: quoted_title(text, [span[1]])  # noqa: E731
        else:
            folded = question.casefold()
            authors = sorted({d.author for d in records if d.author and not generic_byline(d.author)
                              and d.author.split()[-1].casefold() in folded}, key=len, reverse=True)
            author = next((a for a in authors if author_named(question, a)), None)
            named, phrase = author_named, author
            # "How does Ebberlin judge…": a surname alone, when it is one author's only.
            by_surname = [a for a in authors if surname_named(question, a)]
            if author is None and len(by_surname) == 1:
                author, named = by_surname[0], surname_named
                phrase = by_surname[0].split()[-1]
            if author is None or asks_about_author(state["question"], [author]) or document_question(question) \
                    or asks_about_person(state["question"]):
                # "Which think tank is NAME affiliated with?" is about the person: their biography line names them.
                return state, filters
            sources = tuple(d.source for d in records if d.author == author)
            find = lambda text: named(text, author)  # noqa: E731
        if self._stated_elsewhere(phrase, sources, filters):
            return state, filters
        asked = state["question"]
        rewritten, plain = (_named_as_article(text, find(text)) for text in (question, asked))
        if rewritten is None:
            return state, filters
        return ({**state, "question": plain or asked, "standalone": rewritten,
                 "asked_as": state.get("asked_as", asked), "titled": True},
                dataclasses.replace(filters, sources=sources))

    def _author_asked_about(self, question: str, query: str, passages: list[Passage], filters: Filters,
                            k: int | None, vector: Any) -> tuple[list[Passage], bool]:
        """"Who is Ebberlin?" for a readable document's author whose name no retrieved passage states (a byline
        is metadata, not searched text): that author's documents are searched instead, so the byline can answer.
        Whether it was one."""
        authors = {d.author for d in self._library() if d.author and filters.matches(d)
                   and asks_about_author(question, [d.author])}
        if len(authors) != 1:
            return passages, False
        author = authors.pop()
        if any(author.split()[-1].casefold() in p.chunk.text.casefold() for p in passages):
            return passages, False  # a retrieved passage says something about them: answered as any question
        sources = tuple(d.source for d in self._library() if d.author == author and filters.matches(d))
        narrowed = dataclasses.replace(filters, sources=sources)
        return self.retriever.retrieve(query, k=k, filters=narrowed, query_vector=vector) or passages, True

    def _opening_first(self, question: str, passages: list[Passage], filters: Filters,
                       topic: str | None) -> tuple[list[Passage], bool]:
        """For "Who wrote / when was … published" (:mod:`rag.doc_questions`): the asked document's opening
        (its byline) becomes passage 1, fetched from the store when retrieval did not bring it; and whether
        the asked document was found at all.

        The document is the one whose author "Who is NAME?" names, else the best-ranked one, which must
        state what the question says the document is about (half of the topic's words, all of its names):
        "the article about quantum computing in Brazil" is no article about the grid. It was retrieved
        under the caller's filters; its opening is checked against them too.
        """
        if not passages:
            return passages, False
        named = [p for p in passages if p.chunk.author and (asks_about_author(question, [p.chunk.author]) or (
            asks_about_person(question) and _names_author(question, p.chunk.author)))]
        best = (named or passages)[0]
        if not named and topic and not _states_topic(topic, passages, best.chunk.source):
            return passages, False
        opening = next((p for p in passages if p.chunk.source == best.chunk.source and p.chunk.start == 0), None)
        if opening is None:
            first = self._openings([best.chunk.source], filters).get(best.chunk.source)
            if first is None:
                return passages, False
            opening = Passage(chunk=first, score=best.score)
        rest = [p for p in passages if p.chunk.id != opening.chunk.id]
        return [opening, *rest][:max(len(passages), 1)], True

    def _summary_state(self, state: dict[str, Any], passages: list[Passage], filters: Filters, vector: Any,
                       started: float) -> dict[str, Any]:
        """The retrieve step's output for a summary request (see :meth:`_summary_passages`)."""
        passages, status = self._summary_passages(state, passages, filters)
        timings = dict(state.get("timings", {}), retrieve=time.perf_counter() - started)
        return {**state, "passages": passages, "query_vector": vector, "timings": timings,
                "question_kind": "analytic", "document_ask": "summary", "document_found": status == "found",
                "summary_ambiguous": status == "ambiguous", "who_is_author": False}

    def _summary_passages(self, state: Mapping[str, Any], passages: list[Passage],
                          filters: Filters) -> tuple[list[Passage], str]:
        """For "Summarise the article (about X)": the document's chunks in order, and ``"found"``,
        ``"not_found"`` or ``"ambiguous"``.

        The document is the best-ranked one about X when the request names a topic (it must state the
        topic, as for "Who wrote the article about X?"); else the one the conversation was about
        (:meth:`_conversation_document`); else the one the request itself retrieved, unless other
        documents (not copies of it: an article's .txt and .pdf are one) came back too — "Summarise the
        article." over a library of them asks which. Only chunks the caller's filters allow are read; a
        long document is read at :data:`MAX_SUMMARY_CHUNKS` chunks spread over its length.
        """
        topic = summary_topic(state["question"])
        conversation = None if topic else self._conversation_document(normalise_history(state.get("history")),
                                                                        filters)
        if topic:
            found = self.retriever.retrieve(topic, k=self.config.k, filters=filters)
            if not found or not _states_topic(topic, found, found[0].chunk.source):
                return found, "not_found"
            source = found[0].chunk.source
        elif conversation is not None:
            source = conversation
        elif not passages:
            return passages, "not_found"
        else:
            source = passages[0].chunk.source
            other = self._other_document(passages, source, filters)
            if other is not None:
                # The answer lists the closest documents: the one that made the request ambiguous among them.
                listed = {p.chunk.source for p in passages}
                return [*passages, *([] if other.source in listed else [Passage(chunk=other, score=0.0)])], \
                    "ambiguous"
        chunks = sorted((c for c in self.store.chunks_of([source]) if filters.matches(c)), key=lambda c: c.start)
        if len(chunks) > MAX_SUMMARY_CHUNKS:
            step = (len(chunks) - 1) / (MAX_SUMMARY_CHUNKS - 1)
            chunks = [chunks[round(i * step)] for i in range(MAX_SUMMARY_CHUNKS)]
        return [Passage(chunk=c, score=1.0) for c in chunks], ("found" if chunks else "not_found")

    def _conversation_document(self, history: Sequence[tuple[str, str]], filters: Filters) -> str | None:
        """The document the conversation was about: found by its latest answered question (with the terms a
        follow-up carries from the turn before), if that question's passages are about it.

        Refused turns, summaries that did not name their document and questions about nothing the library
        holds ("What is the capital of France?") are passed over; at most :data:`CONVERSATION_TURNS` back.
        """
        for i in range(len(history) - 1, max(-1, len(history) - 1 - CONVERSATION_TURNS), -1):
            question, answer = history[i]
            if is_refusal(answer) or answer in WHICH_ANSWERS:
                continue
            query = summary_topic(question) if summary_request(question) else carry_terms(question, history[:i])
            if not query:
                continue
            found = self.retriever.retrieve(query, k=self.config.k, filters=filters)
            if found and self._relevant(found, query):
                return found[0].chunk.source
        return None

    def _other_document(self, passages: Sequence[Passage], source: str, filters: Filters) -> Chunk | None:
        """The opening chunk of a document the caller can read other than ``source`` and its copies (same
        opening sentences), or None.

        The retrieved documents are looked at first, then the rest of the library the filters allow, a few
        at a time, until one that is not a copy turns up (a library of one article in three formats has
        none).
        """
        others = [s for s in dict.fromkeys(p.chunk.source for p in passages) if s != source]
        mine = self._opening_sentences([source], filters).get(source, (None, set()))[1]
        listed = False  # the library is listed only when every retrieved document is a copy
        start = 0
        while True:
            if start >= len(others) and not listed:
                listed = True
                others += [d.source for d in self.store.documents(filters.collections)
                           if d.source != source and d.source not in others and filters.matches(d)]
            if start >= len(others):
                return None
            batch = others[start:start + 5]
            start += len(batch)  # a short batch of retrieved documents is followed by the library's first ones
            for chunk, keys in self._opening_sentences(batch, filters).values():
                if len(mine & keys) < 0.5 * max(1, min(len(mine), len(keys))):
                    return chunk

    def _opening_sentences(self, sources: Sequence[str], filters: Filters) -> dict[str, tuple[Chunk, set[str]]]:
        """Each document's first chunk and its sentences (lowercased), for the documents the filters allow."""
        return {source: (c, {" ".join(s.lower().split()) for s in sentences(c.text)})
                for source, c in self._openings(sources, filters).items()}

    def _openings(self, sources: Sequence[str], filters: Filters) -> dict[str, Chunk]:
        """Each document's first chunk, for the documents (and chunks) the caller's filters allow."""
        return {c.source: c for c in self.store.openings(list(sources)) if filters.matches(c)}

    def _with_dated_openings(self, query: str, passages: list[Passage], filters: Filters) -> list[Passage]:
        """For "Why did X happen in 2026?": a retrieved document whose passages do not state the year, when
        it does elsewhere, brings the chunk that states it: its opening (an article dates its events in its
        first paragraph), else its first chunk that states every asked year (a report that dates them in a
        middle section). It joins the passages last, so the document is not taken for one about another year."""
        asked = asked_years(query)
        lacking = [src for src in dict.fromkeys(p.chunk.source for p in passages)
                   if not asked <= stated_years(" ".join(p.chunk.text for p in passages if p.chunk.source == src))]
        if not lacking:
            return passages
        have = {p.chunk.id for p in passages}
        openings = self._openings(lacking, filters)
        added: list[Chunk] = []
        for source in lacking:
            opening = openings.get(source)
            if opening is not None and asked & stated_years(f"{opening.title} {opening.text}"):
                found: Chunk | None = opening
            else:
                found = next((c for text in _year_forms(min(asked))
                              for c in self.store.chunks_stating(source, text, limit=DATED_CHUNKS)
                              if filters.matches(c) and asked <= stated_years(c.text)), None)
            if found is not None and found.id not in have:
                added.append(found)
        return [*passages, *(Passage(chunk=c, score=0.0) for c in added)]

    def _with_definition(self, term: str, passages: list[Passage], filters: Filters) -> list[Passage]:
        """For "What is X?": when no retrieved passage defines X, the passage of a retrieved document that does.

        An article defines a term where it first uses it ("what shipbrokers call the shadow fleet: a few
        hundred ageing tankers…"), and that chunk can rank below the ones that use it most. The first
        chunk of the best-ranked documents (up to :data:`DEFINITION_SOURCES`) that defines X, and that the
        caller's filters allow, joins the passages right after its document's best one; the last passage
        makes room for it.
        """
        if any(defines(term, s) for p in passages for s in sentences(p.chunk.text)):
            return passages
        sources = list(dict.fromkeys(p.chunk.source for p in passages))[:DEFINITION_SOURCES]
        # Only chunks that use the term are read (a 500-page PDF is not listed whole): its longest word as
        # written, in lower case and in capitals ("What is ecowas?" for "(ECOWAS)"; the store's match is
        # case-sensitive), without its first letter ("Shadow fleet" at a sentence start for "shadow fleet").
        longest = max(term.split(), key=len)
        key = longest[1:] if len(longest) >= 4 else longest
        for source in sources:
            found_by_id = {c.id: c for variant in dict.fromkeys((key, key.lower(), key.upper()))
                           for c in self.store.chunks_stating(source, variant, limit=DEFINITION_CHUNKS)}
            chunks = sorted((c for c in found_by_id.values() if filters.matches(c)), key=lambda c: c.start)
            found = next((c for c in chunks if any(defines(term, s) for s in sentences(c.text))), None)
            if found is None:
                continue
            at = next(i for i, p in enumerate(passages) if p.chunk.source == source)
            extra = Passage(chunk=found, score=passages[at].score)
            kept = [*passages[:at + 1], extra, *passages[at + 1:]]
            return kept[:max(len(passages), at + 2)]
        return passages

    def _with_role_holder(self, question: str, passages: list[Passage], filters: Filters, vector: Any
                          ) -> list[Passage]:
        """For "Who heads X?", "Who is X's spokesman?": when no retrieved sentence names the holder asked for
        (:func:`rag.backends.extractive.names_holder_asked`), the chunk of a retrieved document that does.

        A report names a holder once, often in a paragraph about something else ('"We are not prepared to gamble,"
        the directorate's director-general, Annelise Vostrup, told reporters'), which ranks below the paragraphs
        about X. The chunks of the best-ranked documents (up to :data:`ROLE_HOLDER_SOURCES`) that the caller's
        filters allow are searched by the question's words and words for leading (:data:`ROLE_HOLDER_CHUNKS` of
        them, by BM25: a 500-page PDF is not read whole); the first that names the holder joins the passages at
        the end. The answer still has to pass the holder check and the answerability of every other answer.
        """
        if any(names_holder_asked(question, p.chunk.text) for p in passages):
            return passages
        sources = tuple(dict.fromkeys(p.chunk.source for p in passages))[:ROLE_HOLDER_SOURCES]
        narrowed = dataclasses.replace(filters, sources=sources)
        have = {p.chunk.id for p in passages}
        # (the role as the checks read it: "who set up X" searches for X's founder)
        search = f"{role_question(question)} {ROLE_HOLDER_WORDS}"
        for chunk, _ in self.retriever.sparse(search, ROLE_HOLDER_CHUNKS, narrowed):
            if chunk.id in have or not filters.matches(chunk) or not names_holder_asked(question, chunk.text):
                continue
            best = next(p for p in passages if p.chunk.source == chunk.source)
            stored = stored_vectors(self.store, [chunk.id]).get(chunk.id)
            similarity = float(np.dot(stored, vector)) if stored is not None else None
            return [*passages, Passage(chunk=chunk, score=best.score, similarity=similarity)]
        return passages

    def _stay_on_topic(self, carried: str, passages: list[Passage], query: str, vector: Any,
                       filters: Filters) -> list[Passage]:
        """A follow-up stays with the previous question's documents.

        "And what does the author propose?" after "Did the embargo on Karvesh work?": its own words
        match every article that proposes something. Passages of documents that never state the
        ``carried`` names or figures (the follow-up's own ones included) are replaced by more of the
        documents that do (searched with the same filters, narrowed to those documents); when none
        does, nothing changes.
        """
        asked = UnstatedAsks(carried, passages, words_only=True)
        if not (asked.asked or asked.asked_numbers):
            return passages
        on_topic = [p for p in passages if not asked(p.chunk.source)]
        if not on_topic or len(on_topic) == len(passages):
            return passages
        sources = tuple(sorted({p.chunk.source for p in on_topic}))
        narrowed = dataclasses.replace(filters, sources=tuple(s for s in sources if not filters.sources
                                                               or s in filters.sources))
        # Those documents' passages in the order the whole follow-up ranks them (the fused order favoured
        # the other documents' words).
        within = self.retriever.retrieve(query, k=len(passages), filters=narrowed, query_vector=vector)
        seen = {p.chunk.id for p in within}
        return distinct_passages([*within, *(p for p in on_topic if p.chunk.id not in seen)], len(passages))

    def _relevant(self, passages: Sequence[Passage], question: str = "") -> bool:
        """Are the passages about the question: similar enough, or one states every name the question asks about?

        A passage develops several points, so its similarity to a short question about one name in it ("What
        is the Frost Heron unit?") can fall under ``min_similarity``; the names, found as written, say it is on
        topic. Whether a sentence answers is decided after this, as for any question.
        """
        best = max((p.similarity or 0.0 for p in passages), default=0.0)
        if not passages:
            return False
        if best >= self.config.min_similarity:
            return True
        return bool(question and asked_names(question)) and \
            any(names_to_state(question, [p]) <= set(terms(f"{p.chunk.title} {p.chunk.text}")) for p in passages)

    def _generate(self, state: dict[str, Any]) -> dict[str, Any]:
        started = time.perf_counter()
        passages = state["passages"]
        extra: dict[str, Any] = {}
        asked = state.get("document_ask")
        found = bool(asked and state.get("document_found") and passages)
        summary = asked == "summary"
        span = byline_answer(passages[0].chunk, asked) if found and asked and not summary else None
        byline = None if span is None else f"{passages[0].chunk.text[span[0]:span[1]].strip()} [1]"
        by_byline = {"question_kind": "factoid", "answerability": 1.0, "answerability_by": "byline"}
        if asked and not found:
            # No document is about what the question names: no byline, no summary, and no content answer.
            text = WHICH_DOCUMENT if state.get("summary_ambiguous") else \
                WHICH_DOCUMENT_ASKED if state.get("document_ambiguous") else REFUSAL
        elif not found and not (state.get("titled") and passages) and not self._relevant(passages, state["standalone"]):
            text = REFUSAL
        else:
            model = self._model_for(state)
            if model is None and summary:
                result = summary_result(state["question"], passages, self.embedder, cache=self.sentence_cache)
                text = result.text
                extra = {"question_kind": "analytic", "answerability": result.answerability,
                         "answerability_by": result.answerability_by}
            elif model is None and byline is not None and not state.get("who_is_author"):
                # Who wrote it / when it was published: the byline that states it, quoted and cited.
                text, extra = byline, by_byline
            elif model is None and asked and not state.get("who_is_author"):
                # The text does not state who wrote it or when it was published (a date in the content is an
                # event's, a name a quoted person's): refuse.
                text = REFUSAL
                extra = {"question_kind": "factoid", "answerability": 0.0, "answerability_by": "byline"}
            elif model is None:
                # Terms carried from the previous turn give context; the ranking weighs them less.
                carried = state.get("carried", "")
                question = state["question"] if carried else state["standalone"]
                result = extractive_result(
                    question, passages, self.embedder, min_score=self.config.min_sentence_score,
                    max_sentences=self.config.max_answer_sentences,
                    min_answerability=self.config.min_answerability, query_vector=state.get("query_vector"),
                    cache=self.sentence_cache, carried=carried, checker=self.answer_checker,
                    checker_threshold=self.config.answer_checker_threshold,
                    premise_words=self.config.premise_words)
                text = result.text
                extra = {"question_kind": result.kind, "answerability": result.answerability,
                         "answerability_by": result.answerability_by}
                if byline is not None and is_refusal(text) and (
                        not asks_about_person(state["question"]) or _states_role(byline)):
                    # "Who is NAME?" for an author the text says nothing else about: the byline ("What position
                    # does NAME hold?" only from a byline that gives one).
                    text, extra = byline, by_byline
            else:
                passages = self._passages_for_model(state["standalone"], passages)
                # the shape the retrieval typed (a summary request is analytic whatever its words)
                messages = build_messages(state["standalone"], [p.chunk.text for p in passages],
                                          [p.chunk.title for p in passages], kind=state.get("question_kind"))
                try:
                    text = str(model.invoke(messages).content)
                except ValueError as exc:
                    if not _empty_stream(exc):
                        raise
                    text = ""
                if not text.strip():
                    raise self._empty_reply(passages)
        timings = dict(state.get("timings", {}), generate=time.perf_counter() - started)
        return {**state, **extra, "passages": passages, "raw": text, "timings": timings}

    def _passages_for_model(self, question: str, passages: Sequence[Passage]) -> list[Passage]:
        """The best ``passages`` that fit a chat model's context window beside the prompt and its reply.

        Tokens are estimated at 3 characters each (English BPE averages about 4): an estimate on the
        safe side, since a llama.cpp server given a prompt over its ``n_ctx`` returns nothing at all.
        """
        def tokens(text: str) -> int:
            return len(text) // 3 + 1

        prompt = sum(tokens(str(m.content)) for m in build_messages(question, [], []))
        budget = self.config.llm_context_tokens - self.config.max_tokens - prompt
        kept: list[Passage] = []
        used = 0
        for p in passages:
            need = tokens(p.chunk.text) + tokens(p.chunk.title) + 8  # "[n] title:" and the fence
            if kept and used + need > budget:
                break
            kept.append(p)
            used += need
        if len(kept) < len(passages):
            log.info("%d of %d passages fit the chat model's context (llm_context_tokens=%d)",
                        len(kept), len(passages), self.config.llm_context_tokens)
        return kept

    def _empty_reply(self, passages: Sequence[Passage]) -> ModelError:
        return ModelError(
            f"the chat model ({self.config.backend}) returned no text for a prompt with {len(passages)} passage(s); "
            f"if its context window is smaller than llm_context_tokens={self.config.llm_context_tokens}, set "
            "llm_context_tokens (RAG_LLM_CONTEXT_TOKENS) to it, or give the server a larger one (llama.cpp: --n_ctx)")

    def _finish(self, state: dict[str, Any]) -> Answer:
        """Parse citations, verify sentences and decide whether to refuse."""
        started = time.perf_counter()
        passages: list[Passage] = state["passages"]
        raw: str = state["raw"]
        strict = self.config.strict if state.get("strict") is None else bool(state["strict"])
        backend = state.get("backend") or self.config.backend
        parsed = parse_answer(raw, len(passages))
        scorer = self.scorer(backend)
        checked = verify_answer(parsed, passages, scorer, self.config.support_threshold, strict)
        # Checked against passages by retrieval rank, then shown as [1], [2]… in reading order.
        verified = number_by_first_use(checked)
        refused = is_refusal(raw) or not any(s.supported for s in verified.sentences)
        timings = dict(state.get("timings", {}), verify=time.perf_counter() - started)
        timings["total"] = sum(v for k, v in timings.items() if k != "total")
        common = dict(question=state.get("asked_as", state["question"]), standalone_question=state["standalone"],
                      backend=backend,
                      passages=tuple(passages), invalid_citations=parsed.invalid, timings=timings,
                      verifier=answer_verifier(scorer_name(scorer), verified.sentences),
                      question_kind=state.get("question_kind"), answerability=state.get("answerability"),
                      answerability_by=state.get("answerability_by"))
        if refused:
            # A refusal lists no citations to number: the sentences it keeps (to show what failed)
            # cite the retrieved passages by rank, as Answer.passages and to_dict()["retrieved"] list them.
            # "Summarise the article." over many articles asks which one (the closest are listed).
            which = raw in WHICH_ANSWERS
            return Answer(answer=raw if which else REFUSAL, refused=True, related=_related(passages),
                          sentences=() if is_refusal(raw) or which else checked.sentences, **common)
        return Answer(answer=verified.text, refused=False, citations=verified.citations,
                      sentences=verified.sentences, **common)

    def steps(self) -> dict[str, Any]:
        """The pipeline's steps as LangChain runnables (state dict in, state dict out)."""
        from langchain_core.runnables import RunnableLambda

        return {
            "condense": RunnableLambda(self._condense, name="condense"),
            "retrieve": RunnableLambda(self._retrieve, name="retrieve"),
            "generate": RunnableLambda(self._generate, name="generate"),
            "verify": RunnableLambda(self._finish, name="parse_and_verify"),
        }

    def chain(self) -> Any:
        """condense | retrieve | generate | parse_and_verify, invoked with ``{"question": ...}``."""
        s = self.steps()
        return s["condense"] | s["retrieve"] | s["generate"] | s["verify"]

    # ------------------------------------------------------------------- API
    def _state(self, question: str, history: History, **options: Any) -> dict[str, Any]:
        if not isinstance(question, str) or not question.strip():
            raise UsageError("question: must be a non-empty string")
        if len(question) > MAX_QUESTION_CHARS:
            # Question typing reads the whole text with patterns that grow faster than it: 32,000 characters
            # took 29 s before any search.
            raise UsageError(f"question: {len(question):,} characters, more than the {MAX_QUESTION_CHARS:,} a "
                             "question may have; ask about the passage instead of pasting it")
        k = options.get("k")
        if k is not None and (isinstance(k, bool) or not isinstance(k, int) or k <= 0):
            raise UsageError(f"k: must be a positive whole number of passages, got {k!r}")
        normalise_history(history)  # a malformed turn is named now, not met as an unpacking error later
        return {"question": question.strip(), "history": history, **options}

    def ask(self, question: str, history: History = None, *, k: int | None = None,
            filters: Mapping[str, Any] | None = None, strict: bool | None = None,
            backend: str | None = None, model: str | None = None,
            allowed_collections: Sequence[str] | None = None) -> Answer:
        """Answer ``question`` (a follow-up when ``history`` is given) with verified citations.

        ``backend``/``model`` override the configured chat backend for this call;
        ``allowed_collections`` restricts retrieval to what the caller may read.
        """
        return self.chain().invoke(self._state(
            question, history, k=k, filters=filters, strict=strict, backend=backend, model=model,
            allowed_collections=allowed_collections))

    def stream(self, question: str, history: History = None, *, k: int | None = None,
               filters: Mapping[str, Any] | None = None, strict: bool | None = None,
               backend: str | None = None, model: str | None = None,
               allowed_collections: Sequence[str] | None = None) -> Iterator[str | Answer]:
        """Yield the answer text as it is produced, then the final verified :class:`Answer`."""
        state = self._state(question, history, k=k, filters=filters, strict=strict, backend=backend,
                            model=model, allowed_collections=allowed_collections)
        state = self._retrieve(self._condense(state))
        chat_model = self._model_for(state)
        unfound = bool(state.get("document_ask")) and not state.get("document_found")
        summary = state.get("document_ask") == "summary"  # a whole document: no relevance to a question to check
        on_topic = summary or bool(state.get("titled") and state["passages"]) or \
            self._relevant(state["passages"], state["standalone"])
        if chat_model is None or unfound or not on_topic:
            state = self._generate(state)
            # Markers are shown as the final answer numbers them (1, 2… in reading order), not by passage rank.
            numbering = MarkerNumbering(len(state["passages"]))
            for piece in re.findall(r"\S+\s*", state["raw"]):
                shown = numbering.feed(piece)
                if shown:
                    yield shown
        else:
            started = time.perf_counter()
            state = {**state, "passages": self._passages_for_model(state["standalone"], state["passages"])}
            numbering = MarkerNumbering(len(state["passages"]))
            messages = build_messages(state["standalone"], [p.chunk.text for p in state["passages"]],
                                      [p.chunk.title for p in state["passages"]], kind=state.get("question_kind"))
            parts: list[str] = []
            first: float | None = None
            try:
                for chunk in chat_model.stream(messages):
                    piece = str(chunk.content)
                    if piece:
                        if first is None:
                            first = time.perf_counter() - started
                        parts.append(piece)
                        shown = numbering.feed(piece)
                        if shown:
                            yield shown
            except ValueError as exc:
                if not _empty_stream(exc):
                    raise
            if not "".join(parts).strip():
                raise self._empty_reply(state["passages"])
            timings = dict(state.get("timings", {}), generate=time.perf_counter() - started,
                           first_token=first or 0.0)
            state = {**state, "raw": "".join(parts), "timings": timings}
        rest = numbering.close()
        if rest:
            yield rest
        yield self._finish(state)

    def retrieve(self, question: str, k: int | None = None, filters: Mapping[str, Any] | None = None,
                 allowed_collections: Sequence[str] | None = None) -> list[Passage]:
        """Just the passages, best first."""
        flt = Filters.from_mapping(filters).restrict(allowed_collections)
        return self.retriever.retrieve(question, k=k, filters=flt)


# How many of the best-ranked documents are searched for the passage that defines what "What is X?" asks.
DEFINITION_SOURCES = 2
# How many turns back "Summarise the article." looks for the document a conversation was about.
CONVERSATION_TURNS = 5
# A summary reads at most this many chunks of the document (about 8,000 tokens at the default 200 a chunk).
MAX_SUMMARY_CHUNKS = 40


# "Who heads X?": how many of the best-ranked documents are searched for the chunk naming the holder, how many of
# their chunks (by BM25) are read, and the words for leading added to the question's for that search. On the 70
# development sets news_a-bz, 34 of the 243 answerable person-by-role questions' answers were not in the passages.
ROLE_HOLDER_SOURCES = 3
ROLE_HOLDER_CHUNKS = 8
ROLE_HOLDER_WORDS = "head chief director commander leader chairman chair led leads heads commands"
# How many chunks using a term are read from a document to find the one that defines it ("What is X?").
DEFINITION_CHUNKS = 25
# How many chunks stating an asked year are read from a document to find one that states them all.
DATED_CHUNKS = 3


def _names_author(question: str, author: str | None) -> bool:
    """Whether ``question`` names ``author`` (the full name, or the surname as :func:`surname_named` reads it)."""
    if not author or generic_byline(author):
        return False
    return bool(author_named(question, author) or surname_named(question, author))


def _states_role(byline: str) -> bool:
    """Whether a quoted byline says more than its writer's name and a date ("By Tomas Rautio – Visiting Fellow,
    Cyber and Critical Infrastructure Programme, 10 February 2026" does; "By Tomas Rautio, 10 February 2026" not).

        >>> _states_role("By Tomas Rautio – Visiting Fellow, Cyber Programme, 10 February 2026 [1]")
        True
        >>> _states_role("By Tomas Rautio – 10 February 2026 [1]")
        False
    """
    parts = byline_parts(MARKER.sub("", byline).strip())
    if parts is None:
        return False
    return bool(re.search(r"[A-Za-z]{3,}", BYLINE_DATE.sub(" ", parts[1])))


def _year_forms(year: str) -> tuple[str, ...]:
    """How a text may write a year: "2020", and as the end of a season or fiscal year ("2019–20", "2019-20")."""
    before, short = str(int(year) - 1), year[2:]
    return year, f"{before}–{short}", f"{before}-{short}"


def _in_turn(rankings: Sequence[Sequence[Passage]]) -> list[Passage]:
    """Passages from the rankings taken in turn (the first of each, then the second of each…), each chunk once."""
    seen: set[str] = set()
    merged: list[Passage] = []
    for rank in range(max((len(r) for r in rankings), default=0)):
        for ranking in rankings:
            if rank < len(ranking) and ranking[rank].chunk.id not in seen:
                seen.add(ranking[rank].chunk.id)
                merged.append(ranking[rank])
    return merged


def _states_topic(topic: str, passages: Sequence[Passage], source: str) -> bool:
    """Does the document ``source`` (retrieved passages and title) state ``topic``: half its words, all its names?"""
    wanted = set(terms(topic))
    have = set(terms(" ".join(f"{p.chunk.title} {p.chunk.text}" for p in passages if p.chunk.source == source)))
    return bool(wanted) and 2 * len(wanted & have) >= len(wanted) and names(topic) <= have


# "the article “TITLE”", "this report “TITLE”": the noun before a quoted title goes with it.
_NAMED_DOCUMENT = re.compile(r"\b(?:the|this|that|your|our)\s+(?:article|piece|report|paper|essay|commentary|analysis|"
                             r"brief(?:ing)?|note|post|column|op-?ed)\s*$", re.I)


def _named_as_article(text: str, found: tuple[tuple[int, int], str] | None) -> str | None:
    """``text`` with the span that names a document read as "the article" (its quoted title, with a "the
    article" before it) or "the author" (its author's name; "the author's" for "Tomas Rautio's")."""
    if found is None:
        return None
    (start, end), _ = found
    named = text[start:end]
    if named[:1] in "“\"«":
        before = _NAMED_DOCUMENT.search(text[:start])
        start = before.start() if before else start
        said = "the article"
    else:
        said = "the author's" if named[-2:] in ("'s", "’s") else "the author"
    return f"{text[:start]}{said}{text[end:]}"


def _empty_stream(exc: ValueError) -> bool:
    """LangChain's error for a model that streamed nothing ("No generations found in stream.", "No generation
    chunks were returned"): a llama.cpp server does that for a prompt over its context window."""
    return "no generation" in str(exc).lower()


def answer_verifier(configured: str, sentences: Sequence[SentenceSupport]) -> str:
    """The verifier an answer reports: the configured one, naming any sentences scored by a fallback.

    Example:
        >>> s = [SentenceSupport("a", (1,), 0.9, True, verifier="llm:m"),
        ...      SentenceSupport("b", (1,), 0.2, False, verifier="lexical")]
        >>> answer_verifier("llm:m", s)
        'llm:m (1 of 2 sentences scored by lexical)'
    """
    others = [s.verifier for s in sentences if s.verifier and s.verifier != configured]
    if not others:
        return configured
    names = ", ".join(dict.fromkeys(o.split(" (")[0] for o in others))
    return f"{configured} ({len(others)} of {len(sentences)} sentences scored by {names})"


def _related(passages: Sequence[Passage], n: int = 3) -> tuple[RelatedDocument, ...]:
    """The ``n`` documents closest to a refused question, renderings of one article listed once.

    Two files are one article when they share folder and file stem (``x.pdf``, ``x.html``, ``x.txt``),
    or when their titles match and their best passages hold the same text (:func:`same_passage`).
    A shared title alone is not enough: two different reports both titled "Annual report" stay
    two entries, so no document the reader may need is hidden behind another.
    """
    best: dict[str, Passage] = {}
    for p in passages:
        if p.chunk.source not in best or _closeness(p) > _closeness(best[p.chunk.source]):
            best[p.chunk.source] = p
    groups: list[list[Passage]] = []
    for p in sorted(best.values(), key=lambda p: -_closeness(p)):
        group = next((g for g in groups if any(_renderings(p, q) for q in g)), None)
        if group is None:
            groups.append([p])
        else:
            group.append(p)
    return tuple(RelatedDocument(g[0].chunk.source, _title(g), _closeness(g[0]),
                                 other_sources=tuple(q.chunk.source for q in g[1:])) for g in groups[:n])


def _closeness(p: Passage) -> float:
    return float(p.similarity if p.similarity is not None else p.score)


def _renderings(a: Passage, b: Passage) -> bool:
    """Whether two files hold one article (see :func:`_related`)."""
    if rendering_key(a.chunk.source) == rendering_key(b.chunk.source):
        return True
    return same_passage({"source": a.chunk.source, "title": a.chunk.title, "text": a.chunk.text},
                        {"source": b.chunk.source, "title": b.chunk.title, "text": b.chunk.text})


def _title(group: Sequence[Passage]) -> str:
    """The group's title: the best file's, unless that is only its file name ("000 37ea4592f850c55e"
    for a .txt) and another rendering has a real one."""
    return next((p.chunk.title for p in group if p.chunk.title and not title_from_name(p.chunk.title, p.chunk.source)),
                group[0].chunk.title)
