"""Optional parts of the package and the error that names the extra to install.

The core (ingest .txt/.md/.pdf, retrieval, the extractive answerer, verification, eval) needs
only the base requirements. HTML extraction, the chat UI, the model clients and the ONNX
encoders are extras of the ``thinktank-rag`` distribution::

    pip install "thinktank-rag[html,ui,openai,ollama,onnx]"   # what `make setup` installs
"""

from __future__ import annotations

import importlib
from types import ModuleType

from rag.errors import RagError

DISTRIBUTION = "thinktank-rag"


class MissingExtraError(RagError, ImportError):
    """An optional dependency is not installed; the message names the extra that provides it."""

    def __init__(self, module: str, extra: str, purpose: str):
        self.module, self.extra, self.purpose = module, extra, purpose
        super().__init__(f"{purpose} needs the '{extra}' extra ({module} is not installed): "
                         f"pip install '{DISTRIBUTION}[{extra}]'")

    def __reduce__(self) -> tuple[type[MissingExtraError], tuple[str, str, str]]:
        return (type(self), (self.module, self.extra, self.purpose))


def require(module: str, extra: str, purpose: str) -> ModuleType:
    """Import ``module`` or raise :class:`MissingExtraError` naming ``extra``."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and module.split(".")[0] != exc.name.split(".")[0]:
            raise  # the module is there but one of its own imports is broken: show that
        raise MissingExtraError(module, extra, purpose) from None
