"""The OpenAI-compatible path against a real local server: llama-cpp-python + SmolLM2."""

from __future__ import annotations

import pytest

from rag.assistant import Assistant
from rag.citations import parse_answer
from rag.errors import ModelError
from rag.records import Answer

pytestmark = [pytest.mark.integration, pytest.mark.network]


def test_streams_parses_citations_and_flags_unsupported_sentences(llama_url, sample_index, real_embedder) -> None:
    assistant = Assistant(index_dir=sample_index, embedder=real_embedder, backend="openai",
                          llm_base_url=llama_url, llm_model="smollm2", max_tokens=96,
                          llm_context_tokens=2048)  # the test server's n_ctx
    questions = ["When does the Russian peacekeeping mission end?",
                 "Which countries condemned Azerbaijan's aggression at the UN Security Council?",
                 "What is the capital of France?"]
    flagged = 0
    for question in questions:
        pieces = list(assistant.stream(question))
        final = pieces[-1]
        assert isinstance(final, Answer)
        text_pieces = [p for p in pieces[:-1] if isinstance(p, str)]
        assert len(text_pieces) >= 2, "tokens must stream, not arrive as one block"
        raw = "".join(text_pieces)
        assert final.timings.get("first_token", 0) > 0
        parsed = parse_answer(raw, len(final.passages))
        # Every marker left in the answer points at a listed citation; invalid ones are gone.
        cited = {c.id for c in final.citations}
        for sentence in final.sentences:
            assert set(sentence.citations) <= set(range(1, len(final.passages) + 1))
            # The flag is the verifier's verdict on exactly the passages the sentence cites (an answer
            # numbers them in reading order, each citation keeping its rank; a refusal cites by rank).
            rank = {c.id: c.rank for c in final.citations}
            evidence = [final.passages[(rank[n] if rank else n) - 1].chunk.text for n in sentence.citations]
            expected = (bool(evidence)
                        and assistant.scorer()(sentence.text, evidence).score >= assistant.config.support_threshold)
            assert sentence.supported == expected, sentence
            flagged += not sentence.supported
        if not final.refused:
            assert cited == {n for s in final.sentences for n in s.citations}
            for n in parsed.invalid:
                assert f"[{n}]" not in final.answer
        else:
            assert final.answer == "The sources do not contain an answer to this question."
            assert final.related
    assert flagged >= 1, "a 135M model's free text should not pass verification everywhere"


def test_strict_mode_drops_what_the_small_model_made_up(llama_url, sample_index, real_embedder) -> None:
    assistant = Assistant(index_dir=sample_index, embedder=real_embedder, backend="openai",
                          llm_base_url=llama_url, llm_model="smollm2", max_tokens=96, strict=True,
                          llm_context_tokens=2048)
    answer = assistant.ask("What did France do after the attack?")
    assert all(s.supported for s in answer.sentences) or answer.refused


def test_an_analytic_question_fits_the_server_context_or_fails_clearly(llama_url, sample_index, real_embedder) -> None:
    # Analytic questions retrieve ten passages, more than the 2048-token window of the test server holds.
    question = "What did France do after the attack?"
    fitted = Assistant(index_dir=sample_index, embedder=real_embedder, backend="openai", llm_base_url=llama_url,
                       llm_model="smollm2", max_tokens=64, llm_context_tokens=2048)
    answer = fitted.ask(question)
    assert answer.question_kind == "analytic" and 1 <= len(answer.passages) < 10
    # Told the window is larger than it is, the server returns an empty stream: a clear error, not a crash.
    told_wrong = Assistant(index_dir=sample_index, embedder=real_embedder, backend="openai", llm_base_url=llama_url,
                           llm_model="smollm2", max_tokens=64, llm_context_tokens=32768)
    with pytest.raises(ModelError, match="llm_context_tokens"):
        told_wrong.ask(question)
