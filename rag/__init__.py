"""rag: a grounded research assistant over published articles.

Ask questions across a corpus and get answers whose every sentence cites the
exact source passage, checked by a support verifier; when the corpus does not
hold the answer, it says so.

Example:
    >>> from rag import Assistant
    >>> assistant = Assistant(index_dir="index")
    >>> assistant.ingest(["corpus/sample"])                       # doctest: +SKIP
    >>> print(assistant.ask("When did the offensive start?").answer)  # doctest: +SKIP
"""

from rag.assistant import Assistant
from rag.config import Config
from rag.errors import ConfigError, IndexBusyError, RagError
from rag.records import REFUSAL, Answer, Chunk, Citation, Passage, SentenceSupport, SourceDocument

__all__ = ["Assistant", "Config", "ConfigError", "IndexBusyError", "RagError", "REFUSAL", "Answer", "Chunk",
           "Citation", "Passage", "SentenceSupport", "SourceDocument"]
