"""The typed records that flow through every stage of the pipeline.

load → ``SourceDocument`` → chunk → ``Chunk`` → index → retrieve → ``Passage``
→ answer → ``Answer`` (with ``Citation`` and ``SentenceSupport``).

They are frozen dataclasses so a stage can never mutate what an earlier stage
produced; LangChain ``Document`` objects are made from them at one boundary
(:func:`Passage.to_langchain` / :func:`passage_from_langchain`).

Example:
    >>> doc = SourceDocument(source="a.txt", title="A", text="One. Two.", content_hash="x")
    >>> doc.page_at(0) is None
    True
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field
from pathlib import PurePath
from typing import Any

REFUSAL = "The sources do not contain an answer to this question."
"""The fixed refusal every backend returns when the passages do not answer."""


def sha256_hex(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def document_id(source: str) -> str:
    """The id of the document indexed under ``source`` (its path as the index knows it): 32 hex digits.

    The one definition: the index's document records are keyed by it and the chat's
    ``/source/{id}`` and ``/viewer/{id}`` URLs name documents by it.

    Example:
        >>> document_id("/corpus/a.pdf") == sha256_hex("/corpus/a.pdf")[:32]
        True
    """
    return sha256_hex(source)[:32]


_DOCUMENT_ID = re.compile(r"^[0-9a-f]{32}$")


def is_document_id(value: str) -> bool:
    """Whether ``value`` has the shape of a :func:`document_id` (URLs are checked before any lookup)."""
    return isinstance(value, str) and bool(_DOCUMENT_ID.match(value))


def file_sha256(path: Any) -> str:
    """SHA-256 of a file, read in 1 MiB blocks so large files never sit in memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class PageSpan:
    """Where one PDF page sits in the extracted document text (1-based page)."""

    page: int
    start: int
    end: int


@dataclass(frozen=True)
class SourceDocument:
    """A loaded article: clean text plus what is known about it.

    ``source`` is the path (or URL) exactly as the index knows it; ``content_hash``
    is the SHA-256 of the file's bytes, used by sync to skip unchanged files.
    """

    source: str
    title: str
    text: str
    content_hash: str
    format: str = "txt"
    author: str | None = None
    date: str | None = None  # ISO 8601 (YYYY-MM-DD) when known
    pages: tuple[PageSpan, ...] = ()
    collection: str = "default"

    def page_at(self, offset: int) -> int | None:
        """The 1-based page holding character ``offset``, or None for unpaged text."""
        for span in self.pages:
            if span.start <= offset < span.end:
                return span.page
        if self.pages and offset >= self.pages[-1].end:
            return self.pages[-1].page
        return None


@dataclass(frozen=True)
class Chunk:
    """A passage of a document with the provenance a citation needs.

    ``text == document.text[start:end]`` always holds, so a citation can
    highlight the exact span in the source.
    """

    id: str
    source: str
    title: str
    text: str
    start: int
    end: int
    index: int
    page: int | None = None
    author: str | None = None
    date: str | None = None
    collection: str = "default"
    doc_hash: str = ""

    @staticmethod
    def make_id(source: str, text: str, occurrence: int = 0) -> str:
        """Content-hash id: the n-th occurrence of this text in this source.

        The offset is deliberately left out, so an edit early in a document does
        not change the ids (and vectors) of the unchanged chunks after it.
        """
        return sha256_hex(f"{source}\x00{occurrence}\x00{text}")[:32]

    @property
    def text_hash(self) -> str:
        return sha256_hex(self.text)[:32]

    def metadata(self) -> dict[str, Any]:
        """Flat metadata for the vector store (no None values: Chroma rejects them)."""
        meta: dict[str, Any] = {
            "source": self.source,
            "title": self.title,
            "start": self.start,
            "end": self.end,
            "chunk_index": self.index,
            "collection": self.collection,
            "doc_hash": self.doc_hash,
            "text_hash": self.text_hash,
        }
        if self.page is not None:
            meta["page"] = self.page
        if self.author:
            meta["author"] = self.author
        if self.date:
            meta["date"] = self.date
            digits = self.date.replace("-", "")[:8]
            if digits.isdigit() and len(digits) == 8:
                meta["date_int"] = int(digits)
        return meta

    @classmethod
    def from_store(cls, chunk_id: str, text: str, meta: dict[str, Any]) -> "Chunk":
        return cls(
            id=chunk_id,
            source=str(meta.get("source", "")),
            title=str(meta.get("title", "")),
            text=text,
            start=int(meta.get("start", 0)),
            end=int(meta.get("end", len(text))),
            index=int(meta.get("chunk_index", 0)),
            page=int(meta["page"]) if meta.get("page") is not None else None,
            author=meta.get("author"),
            date=meta.get("date"),
            collection=str(meta.get("collection", "default")),
            doc_hash=str(meta.get("doc_hash", "")),
        )


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its fused score and per-retriever ranks."""

    chunk: Chunk
    score: float
    dense_rank: int | None = None
    lexical_rank: int | None = None
    similarity: float | None = None  # cosine similarity to the query, when known

    def to_langchain(self) -> Any:
        from langchain_core.documents import Document

        meta = self.chunk.metadata()
        meta.update(id=self.chunk.id, score=self.score)
        if self.similarity is not None:
            meta["similarity"] = self.similarity
        return Document(page_content=self.chunk.text, metadata=meta, id=self.chunk.id)


def passage_from_langchain(doc: Any) -> Passage:
    """Inverse of :meth:`Passage.to_langchain`."""
    meta = dict(doc.metadata)
    chunk = Chunk.from_store(str(meta.get("id") or doc.id), doc.page_content, meta)
    return Passage(chunk=chunk, score=float(meta.get("score", 0.0)), similarity=meta.get("similarity"))


@dataclass(frozen=True)
class Citation:
    """One numbered source of an answer, pointing at the exact passage.

    ``id`` is the number the answer shows (``[id]``): an answer's citations are
    numbered 1, 2, 3… in the order its sentences first cite them.
    ``rank`` is the passage's place in retrieval order (1 = best), i.e. it is
    ``Answer.passages[rank - 1]`` and ``to_dict()["retrieved"][rank - 1]``.
    ``start``/``end`` are the passage's character span in the source document;
    ``quote`` is the part of the passage the answer rests on, at
    ``quote_start``/``quote_end`` (also document offsets) so a UI can highlight it.
    """

    id: int
    chunk_id: str
    source: str
    title: str
    page: int | None
    start: int
    end: int
    text: str
    quote: str = ""
    quote_start: int | None = None
    quote_end: int | None = None
    rank: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SentenceQuote:
    """The words of cited passage ``citation`` that one sentence rests on (document offsets)."""

    citation: int
    quote: str
    quote_start: int
    quote_end: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SentenceSupport:
    """An answer sentence, the citations it carries and how well they support it.

    ``quotes`` holds, per cited passage, the span this sentence rests on: two
    sentences citing one passage usually rest on different words of it.
    """

    text: str
    citations: tuple[int, ...]
    support: float
    supported: bool
    quotes: tuple[SentenceQuote, ...] = ()
    verifier: str = ""  # the scorer that produced ``support`` (names a fallback, e.g. when a judge failed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "citations": list(self.citations),
            "support": round(self.support, 4),
            "supported": self.supported,
            "quotes": [q.to_dict() for q in self.quotes],
            "verifier": self.verifier,
        }


@dataclass(frozen=True)
class RelatedDocument:
    """A document close to a refused question; ``other_sources`` are other files of the same article
    (its ``.html`` and ``.txt`` beside a ``.pdf``), listed once under the best-scoring one.

    Example:
        >>> RelatedDocument("a/r.pdf", "R", 0.5, other_sources=("a/r.txt",)).formats
        ('pdf', 'txt')
    """

    source: str
    title: str
    score: float
    other_sources: tuple[str, ...] = ()

    @property
    def formats(self) -> tuple[str, ...]:
        """The file types the article is held in, this source's first (``"pdf"``; ``""`` without a suffix)."""
        return tuple(dict.fromkeys(PurePath(s).suffix.lstrip(".").lower() for s in (self.source, *self.other_sources)))

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "title": self.title, "score": round(self.score, 4),
                "other_sources": list(self.other_sources), "formats": list(self.formats)}


@dataclass(frozen=True)
class Answer:
    """The result of a question: text with ``[n]`` markers and everything to check it.

    Example:
        >>> Answer(question="q", answer=REFUSAL, refused=True).to_dict()["refused"]
        True
    """

    question: str
    answer: str
    refused: bool
    citations: tuple[Citation, ...] = ()
    sentences: tuple[SentenceSupport, ...] = ()
    related: tuple[RelatedDocument, ...] = ()
    invalid_citations: tuple[int, ...] = ()
    standalone_question: str | None = None
    backend: str = ""
    verifier: str = ""  # the support scorer that checked the sentences (see rag.verifiers)
    # "factoid" or "analytic" (rag.questions) and, for the extractive backend, how well the answer's
    # best sentence states what was asked (0..1; rag.backends.extractive.answerability).
    question_kind: str | None = None
    answerability: float | None = None
    # What scored it: "learned" (rag.answer_model), an answer checker's name, "relevance" (key points),
    # or "learned (fallback: … failed)" when a configured checker failed.
    answerability_by: str | None = None
    passages: tuple[Passage, ...] = field(default=(), compare=False, repr=False)
    timings: dict[str, float] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data; the CLI's ``--json`` output and the eval's results."""
        return {
            "question": self.question,
            "standalone_question": self.standalone_question or self.question,
            "answer": self.answer,
            "refused": self.refused,
            "citations": [c.to_dict() for c in self.citations],
            "sentences": [s.to_dict() for s in self.sentences],
            "related": [r.to_dict() for r in self.related],
            "invalid_citations": list(self.invalid_citations),
            "retrieved": [
                {"chunk_id": p.chunk.id, "source": p.chunk.source, "title": p.chunk.title,
                 "page": p.chunk.page, "start": p.chunk.start, "end": p.chunk.end,
                 "score": round(p.score, 6)}
                for p in self.passages
            ],
            "backend": self.backend,
            "verifier": self.verifier,
            "question_kind": self.question_kind,
            "answerability": None if self.answerability is None else round(self.answerability, 4),
            "answerability_by": self.answerability_by,
            "timings": {k: round(v, 4) for k, v in self.timings.items()},
        }


def rendering_key(source: str) -> tuple[str, str]:
    """Files in one folder with one name (``a.txt``, ``a.html``, ``a.pdf``) hold one article in several formats.

    Example:
        >>> rendering_key("/c/a.txt") == rendering_key("/c/a.pdf") != rendering_key("/d/a.txt")
        True
    """
    path = PurePath(source)
    return str(path.parent), path.stem


def title_from_name(title: str, source: str) -> bool:
    """Is ``title`` only the file's name ("000 37ea4592f850c55e" for a .txt without a heading)?

    Example:
        >>> title_from_name("000 37ea4592f850c55e", "/c/000_37ea4592f850c55e.txt"), title_from_name("Azawi", "/c/a.txt")
        (True, False)
    """
    def words(text: str) -> str:
        return " ".join(re.split(r"[\W_]+", text)).strip().lower()

    return words(title) == words(PurePath(source).stem)
