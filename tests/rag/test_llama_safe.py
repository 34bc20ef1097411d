"""The llama.cpp wrapper loads models without repacked weights (they crash batched decoding here)."""

import pytest

pytest.importorskip("llama_cpp")

from rag.backends.llama_safe import disable_extra_buffers  # noqa: E402


def test_default_params_have_extra_buffers_off_and_patch_is_idempotent():
    import llama_cpp.llama_cpp as lib

    original = lib.llama_model_default_params
    # Another test in this process may have loaded a model through the backend (which patches): start bare.
    lib.llama_model_default_params = getattr(original, "_rag_original", original)
    try:
        assert lib.llama_model_default_params().use_extra_bufts is True  # llama.cpp's own default: what crashed
        disable_extra_buffers()
        patched = lib.llama_model_default_params
        disable_extra_buffers()
        assert lib.llama_model_default_params is patched
        assert patched().use_extra_bufts is False
    finally:
        lib.llama_model_default_params = original
