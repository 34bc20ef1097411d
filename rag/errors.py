"""The library's exceptions: one definition each, all under :class:`RagError`.

Catch :class:`RagError` to handle anything the library reports on purpose (a bad
setting, a busy index, a file that cannot be read); every message names the file
or field and the reason. The modules that raise them re-export them under their
old names (``rag.store.IndexBusyError`` is ``rag.errors.IndexBusyError``).
:class:`rag.extras.MissingExtraError` (an optional dependency is not installed) is a
:class:`RagError` too; it lives next to the list of extras it names.

The ``rag`` command maps the *types* to exit statuses (see :data:`rag.cli.EXIT_CODES`):
usage and configuration errors exit 2, a busy index 75 (try again later).

Example:
    >>> from rag.errors import IndexBusyError, RagError
    >>> issubclass(IndexBusyError, RagError)
    True
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "ConfigError",
    "FilterError",
    "IndexBusyError",
    "IndexMismatchError",
    "LoadError",
    "MarkerError",
    "ModelDirError",
    "RagError",
    "StoreError",
    "UsageError",
]


class RagError(Exception):
    """Base of every error the library raises on purpose; the message says what and why."""


class UsageError(RagError, ValueError):
    """A request the library cannot act on as given (an empty question, a flag without its partner)."""


class ConfigError(RagError, ValueError):
    """A configuration value is invalid; the message names the field and the fix."""


class ModelDirError(ConfigError, FileNotFoundError):
    """A setting names a local model directory that holds no model (``cross-encoder:DIR``, ``nli:DIR``)."""


class FilterError(RagError, ValueError):
    """A retrieval filter is malformed (e.g. a date that is not YYYY-MM-DD); the message names it."""


class MarkerError(RagError, ValueError):
    """A collection marker file cannot be used; the message names the file and the reason."""


class StoreError(RagError, RuntimeError):
    """The index cannot be used; the message says why and what to do."""


class IndexBusyError(StoreError):
    """Another process holds the index's write lock (or lease); try again when it is done."""


class IndexMismatchError(StoreError):
    """The index was built with another embedding model or chunking than the one asked for."""


class ModelError(RagError, RuntimeError):
    """A chat model answered with nothing (an empty stream, no text), e.g. a prompt over its context window."""


class LoadError(RagError):
    """A file could not be loaded. ``str(err)`` is ``"<path>: <reason>"``."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")

    def __reduce__(self) -> tuple[type[LoadError], tuple[str, str]]:
        # Exceptions pickle their args; these are (path, reason), not the formatted message.
        return (type(self), (self.path, self.reason))
