"""QA evaluation sets: our JSONL format, the SQuAD 2.0 adapter, seeded samples, corpus export.

The JSONL format holds one question per line::

    {"id": "q1", "question": "...", "answers": ["France"], "evidence": "gold passage text",
     "answerable": true, "source": "squad/normans/000", "context_id": "squad/normans/000"}

``answers`` are reference answers/aliases (``[]`` when unanswerable); ``evidence`` is the gold
passage text, a list of them, or ``null`` when unanswerable; ``source`` (optional) names the
gold document; ``context_id`` (optional) names the paragraph a question was written against,
kept for unanswerable questions too (SQuAD's are on-topic for their paragraph).

Example:
    >>> item = EvalItem(id="q1", question="Where is Normandy?", answers=["France"],
    ...                 evidence="Normandy, a region in France.", answerable=True)
    >>> EvalItem.from_dict(item.to_dict()) == item
    True
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from rag.eval.metrics import normalize_answer

T = TypeVar("T")

__all__ = [
    "EvalItem",
    "SquadData",
    "article_key",
    "load_jsonl",
    "load_squad",
    "sample_squad",
    "slugify",
    "write_corpus",
    "write_jsonl",
]

_REQUIRED = ("id", "question", "answers", "evidence", "answerable")
_OPTIONAL = ("source", "context_id")
_LISTS = ("key_points",)  # optional lists of strings


_FEEDBACK_FIELDS = ("feedback", "answer", "user", "time")


@dataclass(frozen=True)
class EvalItem:
    """One evaluation question with its references and gold evidence.

    Lists given for ``answers``/``evidence`` are stored as tuples so the item
    stays hashable; :meth:`to_dict` gives lists back.
    """

    id: str
    question: str
    answers: tuple[str, ...]
    evidence: str | tuple[str, ...] | None
    answerable: bool
    source: str | None = None
    context_id: str | None = None
    # For analytic questions: the source sentences a good answer covers (rag.eval.metrics.key_point_recall).
    key_points: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "answers", tuple(self.answers))
        object.__setattr__(self, "key_points", tuple(self.key_points))
        if self.evidence is not None and not isinstance(self.evidence, str):
            object.__setattr__(self, "evidence", tuple(self.evidence))

    @property
    def evidence_texts(self) -> list[str]:
        """The gold passage texts as a list (empty when there is none).

        Example:
            >>> EvalItem("q", "?", (), None, False).evidence_texts
            []
        """
        if self.evidence is None:
            return []
        return [self.evidence] if isinstance(self.evidence, str) else list(self.evidence)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict; optional fields are left out when unset.

        Example:
            >>> EvalItem("q", "Why?", (), None, False).to_dict()
            {'id': 'q', 'question': 'Why?', 'answers': [], 'evidence': None, 'answerable': False}
        """
        out: dict[str, Any] = {
            "id": self.id,
            "question": self.question,
            "answers": list(self.answers),
            "evidence": self.evidence if not isinstance(self.evidence, tuple) else list(self.evidence),
            "answerable": self.answerable,
        }
        for name in _OPTIONAL:
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        if self.key_points:
            out["key_points"] = list(self.key_points)
        return out

    @classmethod
    def from_dict(cls, obj: Any) -> EvalItem:
        """Validate a decoded JSON object; ``ValueError("field 'x' ...")`` names the bad field.

        Example:
            >>> EvalItem.from_dict({"id": "q", "question": "?", "answers": "France",
            ...                     "evidence": None, "answerable": True})
            Traceback (most recent call last):
            ...
            ValueError: field 'answers' must be a list of strings
        """
        if not isinstance(obj, dict):
            raise ValueError(f"expected a JSON object, got {type(obj).__name__}")
        unknown = sorted(set(obj) - set(_REQUIRED) - set(_OPTIONAL) - set(_LISTS))
        if "feedback" in obj:
            # Lines from the chat's feedback file carry the reviewed answer and who reviewed it.
            unknown = [k for k in unknown if k not in _FEEDBACK_FIELDS]
        if unknown:
            # Strict on purpose: a typo such as "answer" would otherwise silently lose the references.
            raise ValueError(f"field {unknown[0]!r} is not known; "
                             f"allowed fields: {', '.join(_REQUIRED + _OPTIONAL + _LISTS)}")
        for name in _REQUIRED:
            if name not in obj:
                raise ValueError(f"field {name!r} is missing")
        if not isinstance(obj["id"], str) or not obj["id"].strip():
            raise ValueError("field 'id' must be a non-empty string")
        if not isinstance(obj["question"], str) or not obj["question"].strip():
            raise ValueError("field 'question' must be a non-empty string")
        answers = obj["answers"]
        if not isinstance(answers, list) or not all(isinstance(a, str) for a in answers):
            raise ValueError("field 'answers' must be a list of strings")
        evidence = obj["evidence"]
        if evidence is not None and not isinstance(evidence, str):
            if not isinstance(evidence, list) or not all(isinstance(e, str) for e in evidence):
                raise ValueError("field 'evidence' must be a string, a list of strings or null")
        answerable = obj["answerable"]
        if not isinstance(answerable, bool):
            raise ValueError("field 'answerable' must be true or false")
        for name in _OPTIONAL:
            value = obj.get(name)
            if value is not None and not isinstance(value, str):
                raise ValueError(f"field {name!r} must be a string or null")
        key_points = obj.get("key_points") or []
        if not isinstance(key_points, list) or not all(isinstance(k, str) and k.strip() for k in key_points):
            raise ValueError("field 'key_points' must be a list of non-empty strings")
        if key_points and not answerable:
            raise ValueError("field 'key_points' must be empty when 'answerable' is false")
        if not answerable:
            if answers:
                raise ValueError("field 'answers' must be [] when 'answerable' is false")
            if evidence is not None:
                raise ValueError("field 'evidence' must be null when 'answerable' is false")
        elif not answers and not evidence:
            raise ValueError("field 'answers' is empty and 'evidence' is null, "
                             "but 'answerable' is true: give at least one of them")
        return cls(
            id=obj["id"],
            question=obj["question"],
            answers=tuple(answers),
            evidence=evidence if evidence is None or isinstance(evidence, str) else tuple(evidence),
            answerable=answerable,
            source=obj.get("source"),
            context_id=obj.get("context_id"),
            key_points=tuple(key_points),
        )


def load_jsonl(path: str | Path) -> list[EvalItem]:
    """Load and validate an evaluation set; errors read ``"<path>:<line>: field 'x' ..."``.

    Blank lines are skipped; a repeated ``id`` is an error naming both lines.

    Example:
        >>> items = load_jsonl("eval/data/questions.jsonl")  # doctest: +SKIP
    """
    path = Path(path)
    items: list[EvalItem] = []
    first_line: dict[str, int] = {}
    for lineno, item in read_jsonl_lines(path, EvalItem.from_dict):
        if item.id in first_line:
            raise ValueError(f"{path}:{lineno}: field 'id' repeats {item.id!r} "
                             f"(first on line {first_line[item.id]}); ids must be unique")
        first_line[item.id] = lineno
        items.append(item)
    return items


def read_jsonl_lines(path: str | Path, parse: Callable[[Any], T]) -> Iterator[tuple[int, T]]:
    """(line number, parsed object) for each non-blank line; errors read ``"<path>:<line>: ..."``."""
    path = Path(path)
    with path.open(encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{lineno}: invalid JSON ({exc.msg} at column {exc.colno})") from None
            try:
                yield lineno, parse(obj)
            except ValueError as exc:
                raise ValueError(f"{path}:{lineno}: {exc}") from None


def write_jsonl(items: Iterable[EvalItem] | Iterable[Any], path: str | Path) -> Path:
    """Write items (anything with ``to_dict()``) one JSON object per line (UTF-8, parent folders
    created); returns the path.

    Example:
        >>> write_jsonl([EvalItem("q", "?", (), None, False)], "/tmp/one.jsonl")  # doctest: +SKIP
        PosixPath('/tmp/one.jsonl')
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for item in items:
            handle.write(json.dumps(item.to_dict(), ensure_ascii=False) + "\n")
    return path


# ---------------------------------------------------------------- SQuAD 2.0

Document = tuple[str, str, str]
"""A corpus document: ``(doc_id, title, text)``."""


@dataclass(frozen=True)
class SquadData:
    """SQuAD questions as :class:`EvalItem` plus the corpus: one document per paragraph.

    Document ids are ``squad/<article-slug>/<paragraph index, 0-based, 3 digits>``;
    every item's ``context_id`` is its paragraph's id (``source`` too when answerable).
    """

    items: list[EvalItem]
    documents: list[Document]
    _by_id: dict[str, Document] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {doc[0]: doc for doc in self.documents})

    def document(self, doc_id: str) -> Document:
        """The ``(doc_id, title, text)`` with this id; ``KeyError`` naming it if absent."""
        try:
            return self._by_id[doc_id]
        except KeyError:
            raise KeyError(f"no document {doc_id!r} in this SQuAD corpus") from None

    @property
    def articles(self) -> list[str]:
        """Article keys (``squad/<slug>``) in corpus order.

        Example:
            >>> SquadData([], [("squad/a/000", "A (¶1)", "x"), ("squad/a/001", "A (¶2)", "y")]).articles
            ['squad/a']
        """
        return list(dict.fromkeys(article_key(doc[0]) for doc in self.documents))


def article_key(doc_id: str) -> str:
    """The article part of a paragraph id: ``"squad/normans/003"`` -> ``"squad/normans"``.

    Example:
        >>> article_key("squad/normans/003")
        'squad/normans'
    """
    return doc_id.rsplit("/", 1)[0]


def slugify(title: str) -> str:
    """Lowercase ASCII slug with hyphens: ``"Sky_(United_Kingdom)"`` -> ``"sky-united-kingdom"``.

    Example:
        >>> slugify("Fresno,_California")
        'fresno-california'
    """
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")


def load_squad(path: str | Path) -> SquadData:
    """Read an official-format SQuAD 2.0 JSON file into items and a paragraph corpus.

    Each paragraph becomes a document ``squad/<slug>/<i:03d>`` titled
    ``"<Article Title> (¶<i+1>)"`` (underscores in titles become spaces; the
    pilcrow number is 1-based for people, the id index 0-based as in the file).
    Answerable questions get ``answers`` (distinct texts, first-seen order),
    ``evidence`` = the paragraph text and ``source`` = the paragraph id;
    unanswerable ones get ``answers=[]``, ``evidence=None``, ``source=None``;
    all get ``context_id`` = the paragraph id.

    Example:
        >>> data = load_squad("/work/shared/datasets/squad_v2_dev/dev-v2.0.rebuilt.json")  # doctest: +SKIP
        >>> len(data.items), len(data.documents)  # doctest: +SKIP
        (11873, 1204)
    """
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: invalid JSON ({exc.msg} at line {exc.lineno})") from None
    articles = raw.get("data") if isinstance(raw, dict) else None
    if not isinstance(articles, list):
        raise ValueError(f"{path}: not a SQuAD file (no top-level 'data' list)")

    items: list[EvalItem] = []
    documents: list[Document] = []
    slugs: dict[str, str] = {}
    seen_ids: set[str] = set()
    for a_index, article in enumerate(articles):
        raw_title = article.get("title")
        if not isinstance(raw_title, str) or not slugify(raw_title):
            raise ValueError(f"{path}: data[{a_index}]: field 'title' must be a non-empty string")
        slug = slugify(raw_title)
        if slug in slugs:
            raise ValueError(f"{path}: data[{a_index}]: title {raw_title!r} has the same slug "
                             f"{slug!r} as {slugs[slug]!r}; document ids would collide")
        slugs[slug] = raw_title
        title = raw_title.replace("_", " ")
        for p_index, paragraph in enumerate(article.get("paragraphs", [])):
            where = f"{path}: data[{a_index}].paragraphs[{p_index}]"
            context = paragraph.get("context")
            if not isinstance(context, str) or not context.strip():
                raise ValueError(f"{where}: field 'context' must be a non-empty string")
            doc_id = f"squad/{slug}/{p_index:03d}"
            documents.append((doc_id, f"{title} (¶{p_index + 1})", context))
            for qa in paragraph.get("qas", []):
                qid = qa.get("id")
                if not isinstance(qid, str) or qid in seen_ids:
                    raise ValueError(f"{where}: question id {qid!r} is missing or repeated")
                seen_ids.add(qid)
                answerable = not qa.get("is_impossible", False)
                answers = list(dict.fromkeys(
                    a["text"] for a in qa.get("answers", []) if normalize_answer(a.get("text", ""))))
                if answerable and not answers:
                    raise ValueError(f"{where}: question {qid} is answerable but has no answer text")
                items.append(EvalItem(
                    id=qid,
                    question=qa["question"],
                    answers=tuple(answers) if answerable else (),
                    evidence=context if answerable else None,
                    answerable=answerable,
                    source=doc_id if answerable else None,
                    context_id=doc_id,
                ))
    return SquadData(items=items, documents=documents)


DEFAULT_MIN_PARAGRAPHS = 100
"""With ``n_articles=None``, :func:`sample_squad` adds articles until the corpus has this many paragraphs."""


def sample_squad(
    data: SquadData,
    n_questions: int,
    seed: int,
    n_articles: int | None = None,
) -> SquadData:
    """A fixed, seeded sample for CI: whole articles as the corpus, balanced questions from them.

    Articles are drawn with ``random.Random(seed)``; every paragraph of a drawn
    article stays in the corpus, so most paragraphs are distractors. With
    ``n_articles=None`` articles are drawn until the corpus holds at least
    :data:`DEFAULT_MIN_PARAGRAPHS` (100) paragraphs (3-5 SQuAD dev articles,
    about 100-150 paragraphs). Then ``n_questions`` are drawn from those
    articles: ``n_questions // 2`` unanswerable and the rest answerable, topping
    up from the other group if one runs short. Items and documents keep the
    original file order. The same data, arguments and seed give the same sample.

    Example:
        >>> ci = sample_squad(load_squad("dev-v2.0.rebuilt.json"), 200, seed=13)  # doctest: +SKIP
    """
    if n_questions < 0:
        raise ValueError(f"n_questions must be >= 0, got {n_questions}")
    articles = data.articles
    if n_articles is not None and not 1 <= n_articles <= len(articles):
        raise ValueError(f"n_articles must be between 1 and {len(articles)}, got {n_articles}")
    rng = random.Random(seed)
    # Shuffle the whole list once: a prefix of it is then the draw for any n_articles.
    order = rng.sample(articles, len(articles))
    if n_articles is not None:
        chosen = set(order[:n_articles])
    else:
        paragraphs_per_article: dict[str, int] = {}
        for doc_id, _, _ in data.documents:
            key = article_key(doc_id)
            paragraphs_per_article[key] = paragraphs_per_article.get(key, 0) + 1
        chosen = set()
        total = 0
        for key in order:
            if total >= DEFAULT_MIN_PARAGRAPHS:
                break
            chosen.add(key)
            total += paragraphs_per_article[key]

    documents = [doc for doc in data.documents if article_key(doc[0]) in chosen]
    positions = {item.id: i for i, item in enumerate(data.items)}
    pool: list[EvalItem] = []
    for item in data.items:
        if item.context_id is None:
            raise ValueError(f"item {item.id!r} has no context_id; sample_squad needs load_squad items")
        if article_key(item.context_id) in chosen:
            pool.append(item)
    if n_questions > len(pool):
        raise ValueError(f"n_questions={n_questions} but the {len(chosen)} drawn articles hold only "
                         f"{len(pool)} questions; lower n_questions or raise n_articles")
    answerable = [item for item in pool if item.answerable]
    unanswerable = [item for item in pool if not item.answerable]
    n_unanswerable = min(n_questions // 2, len(unanswerable))
    n_answerable = min(n_questions - n_unanswerable, len(answerable))
    n_unanswerable = n_questions - n_answerable
    picked = rng.sample(answerable, n_answerable) + rng.sample(unanswerable, n_unanswerable)
    picked.sort(key=lambda item: positions[item.id])
    return SquadData(items=picked, documents=documents)


# -------------------------------------------------------------- corpus files

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_STEM = 120


def _file_stem(doc_id: str) -> str:
    stem = _UNSAFE.sub("_", doc_id.replace("/", "__")).strip("._") or "doc"
    if len(stem) > _MAX_STEM:
        # Keep long names unique and stable: a prefix plus a hash of the full id.
        stem = f"{stem[:_MAX_STEM - 17]}-{hashlib.sha256(doc_id.encode()).hexdigest()[:16]}"
    return stem


def write_corpus(documents: Sequence[Document], directory: str | Path) -> dict[str, Path]:
    """Write each ``(doc_id, title, text)`` as ``<stem>.txt`` plus a ``<stem>.txt.meta.json`` sidecar.

    The ``.txt`` holds only the text; the sidecar holds ``{"title", "source_id"}``
    (``rag.load`` reads ``title`` from it). File names derive from the doc id
    alone (``squad/normans/000`` -> ``squad__normans__000.txt``), so they are
    stable across runs; two ids that map to one name are an error. Returns
    ``{doc_id: path of the .txt}``, in input order.

    Example:
        >>> paths = write_corpus([("squad/normans/000", "Normans (¶1)", "The Normans...")], "/tmp/c")  # doctest: +SKIP
        >>> paths["squad/normans/000"].name  # doctest: +SKIP
        'squad__normans__000.txt'
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    owner: dict[str, str] = {}
    for doc_id, title, text in documents:
        if doc_id in paths:
            raise ValueError(f"document id {doc_id!r} appears twice in the corpus")
        name = _file_stem(doc_id) + ".txt"
        if name.lower() in owner:  # case-insensitive file systems would merge them
            raise ValueError(f"document ids {owner[name.lower()]!r} and {doc_id!r} both map to file {name!r}")
        owner[name.lower()] = doc_id
        path = directory / name
        path.write_text(text, encoding="utf-8")
        meta = {"title": title, "source_id": doc_id}
        path.with_name(name + ".meta.json").write_text(
            json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        paths[doc_id] = path
    return paths

