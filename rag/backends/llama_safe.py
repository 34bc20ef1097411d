"""llama.cpp with its repacked ("extra buffer type") CPU weights turned off.

llama-cpp-python 0.3.36, built natively on a CPU with AMX and AVX-512 (this project's
CI machines), segfaults on every batch of more than one token when llama.cpp repacks
the weights into its extra CPU buffer types: a one-token prompt works, any chat prompt
kills the process. Repacking only buys speed, so every llama.cpp path of the project —
the in-process ``llamacpp`` backend and the OpenAI-compatible server the tests start —
loads models without it.

Run the server this way instead of ``python -m llama_cpp.server`` (same arguments)::

    python -m rag.backends.llama_safe --model model.gguf --port 8080
"""

from __future__ import annotations

from typing import Any


def disable_extra_buffers() -> None:
    """Make llama-cpp-python load models with ``use_extra_bufts = False`` (idempotent)."""
    import llama_cpp.llama_cpp as lib

    current = lib.llama_model_default_params
    if getattr(current, "_rag_no_extra_buffers", False):
        return

    def params() -> Any:
        p = current()
        if hasattr(p, "use_extra_bufts"):
            p.use_extra_bufts = False
        return p

    params._rag_no_extra_buffers = True  # type: ignore[attr-defined]
    params._rag_original = current  # type: ignore[attr-defined]
    lib.llama_model_default_params = params


def main() -> None:
    """``python -m llama_cpp.server`` with :func:`disable_extra_buffers` applied first."""
    disable_extra_buffers()
    from llama_cpp.server.__main__ import main as server_main

    server_main()


if __name__ == "__main__":
    main()
