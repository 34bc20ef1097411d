"""The web UI: a Gradio app over :class:`rag.Assistant` (chat with cited sources, documents, settings).

Start it with :func:`rag.ui.app.serve` (what ``rag serve`` calls) or build the
Blocks yourself with :func:`rag.ui.app.build_app`.

Example:
    >>> from rag.ui import serve
    >>> serve("index", host="127.0.0.1", port=7860)   # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

# Importing the UI changes no environment variable: the app makes no calls home because its Blocks are
# built with analytics_enabled=False (Gradio's documented switch), and downloads nothing because the
# embedding model loads from its package directory with local_files_only.

__all__ = ["RunningApp", "UISettings", "build_app", "serve"]


def __getattr__(name: str) -> Any:
    # Lazy, so `python -m rag.ui.access hash` does not pay for importing gradio.
    if name in ("RunningApp", "build_app", "serve"):
        from rag.ui import app

        return getattr(app, name)
    if name == "UISettings":
        from rag.ui.settings import UISettings

        return UISettings
    raise AttributeError(f"module 'ui' has no attribute {name!r}")
