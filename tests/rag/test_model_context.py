"""A chat model gets only the passages that fit its context window, and an empty reply is a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.assistant import Assistant
from rag.errors import ModelError
from rag.records import Answer
from rag.testing import FakeEmbedder
from tests.rag.test_assistant import ARTICLES, blocks, chat_assistant, user_message, write_corpus


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """test_assistant's six one-chunk articles."""
    root = tmp_path_factory.mktemp("context")
    write_corpus(root / "docs", ARTICLES)
    Assistant(index_dir=root / "index", embedder=FakeEmbedder()).ingest([root / "docs"], progress=False)
    return root / "index"

QUESTION = "Why did the talks on the Kars treaty fail?"  # analytic: retrieval is widened


def test_passages_beyond_the_context_window_stay_out_of_the_prompt_and_the_answer(index: Path) -> None:
    wide, wide_model = chat_assistant(index, ["Something [1]."], k=4, llm_context_tokens=100_000)
    narrow, narrow_model = chat_assistant(index, ["Something [1]."], k=4, max_tokens=64,
                                          llm_context_tokens=520)
    all_passages = wide.ask(QUESTION).passages
    answer = narrow.ask(QUESTION)
    shown = blocks(user_message(narrow_model))
    assert 1 <= len(shown) < len(all_passages) == len(blocks(user_message(wide_model)))
    # The best ones are kept, and the answer's passages are exactly those the model saw.
    assert [p.chunk.id for p in answer.passages] == [p.chunk.id for p in all_passages[:len(shown)]]


def test_the_streamed_prompt_is_trimmed_the_same_way(index: Path) -> None:
    narrow, model = chat_assistant(index, ["Something [1]."], k=4, max_tokens=64, llm_context_tokens=520)
    final = list(narrow.stream(QUESTION))[-1]
    assert isinstance(final, Answer)
    assert len(blocks(user_message(model))) == len(final.passages) >= 1


@pytest.mark.parametrize("how", ["ask", "stream"])
def test_a_model_that_returns_nothing_is_a_clear_error_naming_the_setting(index: Path, how: str) -> None:
    assistant, _ = chat_assistant(index, [""], llm_context_tokens=4096)
    with pytest.raises(ModelError, match="returned no text.*llm_context_tokens=4096"):
        if how == "ask":
            assistant.ask(QUESTION)
        else:
            list(assistant.stream(QUESTION))
