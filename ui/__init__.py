"""The web UI: a Gradio app over :class:`rag.Assistant` (chat with cited sources, documents, settings).

Start it with :func:`rag.ui.app.serve` (what ``rag serve`` calls) or build the
Blocks yourself with :func:`rag.ui.app.build_app`.

Example:
    >>> from rag.ui import serve
    >>> serve("index", host="127.0.0.1", port=7860)   # doctest: +SKIP
"""

from __future__ import annotations

import os

# Set before gradio or the embedding model is imported: the app makes no calls home and downloads
# nothing at run time (the model ships in a package).
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from typing import Any  # noqa: E402

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
