"""Which answer backends the Options tab offers, and errors from a model server in a reader's words.

The server is configured by its administrator (``rag serve --backend … --base-url
… --model …``); the page offers what that configuration can actually reach:
the offline extractive backend and the configured one, never a backend with no
server address or model behind it.

Example:
    >>> from rag.config import Config
    >>> backend_choices(Config(backend="extractive"))
    ['extractive']
    >>> print(friendly_error(ConnectionRefusedError(111, "Connection refused"), Config(backend="ollama")))
    ... # doctest: +NORMALIZE_WHITESPACE
    The model server (ollama at http://localhost:11434) is not reachable: connection refused.
    Try again later, or choose the extractive backend in Options.
"""

from __future__ import annotations

import socket

from rag.backends import get_backend
from rag.config import Config, ConfigError


def takes_model_name(backend: str | None) -> bool:
    """Whether ``backend`` (a registered name) is told which model to run, so the page offers a model field."""
    try:
        return get_backend(backend or "").takes_model
    except ConfigError:
        return False


def backend_choices(config: Config, ready: bool = False) -> list[str]:
    """Extractive (always works) and the configured backend when it has what it needs (or, with
    ``ready``, when its chat model was handed over already built)."""
    choices = ["extractive"]
    if config.backend != "extractive":
        if not ready:
            try:
                config.check_backend()
            except ConfigError:
                return choices
        choices.append(config.backend)
    return choices


def model_server(config: Config, backend: str | None) -> str:
    """Where ``backend`` sends questions, for the Options tab ("" for in-process ones and unknown names)."""
    try:
        return get_backend(backend or config.backend).server_address(config)
    except ConfigError:
        return ""


def friendly_error(exc: BaseException, config: Config, backend: str | None = None) -> str:
    """One sentence a reader can act on, instead of "[Errno 111] Connection refused"."""
    backend = backend or config.backend
    server = model_server(config, backend)
    where = f"{backend} at {server}" if server else backend
    advice = "Try again later, or choose the extractive backend in Options."
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and len(chain) < 8:
        chain.append(current)
        current = current.__cause__ or current.__context__
    names = " ".join(type(e).__name__ for e in chain)
    text = " ".join(str(e) for e in chain).lower()
    if any(isinstance(e, ConnectionRefusedError) for e in chain) or "connection refused" in text \
            or "errno 111" in text:
        return f"The model server ({where}) is not reachable: connection refused. {advice}"
    if any(isinstance(e, (TimeoutError, socket.timeout)) for e in chain) or "timeout" in names.lower() \
            or "timed out" in text:
        return f"The model server ({where}) did not answer in time. {advice}"
    if "connect" in names.lower() or "name or service not known" in text or "nodename" in text:
        return f"The model server ({where}) cannot be reached. {advice}"
    if "404" in text and "model" in text:
        return (f"The model server ({where}) does not have the model {config.llm_model!r}. "
                "Ask the administrator which models it serves.")
    if "401" in text or "403" in text or "authentication" in text:
        return f"The model server ({where}) refused the credentials. Ask the administrator to check the API key."
    if isinstance(exc, ValueError):  # configuration and filter errors already name the field and the fix
        return str(exc)
    return f"The answer could not be produced ({type(exc).__name__}). {advice}"
