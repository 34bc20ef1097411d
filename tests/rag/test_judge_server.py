"""The llm judge against a real OpenAI-compatible server: llama-cpp-python's, serving the packaged
SmolLM2-135M. Prompts go out, Yes/No come back, scores land in the answer. A 135M model is a poor
judge: this checks the plumbing, not the verdicts (see eval/README.md for judges worth using)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from rag.assistant import Assistant
from rag.config import Config
from rag.judge import JudgeReply, LLMJudge, OpenAIJudgeClient, make_llm_judge
from rag.verify import LexicalVerifier

pytestmark = [pytest.mark.integration, pytest.mark.network]

EVIDENCE = ["Armenia and Russia signed a deal on mutual military assistance in 1997."]


class Recording:
    """Wraps the real HTTP client and keeps every prompt and reply."""

    def __init__(self, inner: OpenAIJudgeClient) -> None:
        self.inner = inner
        self.exchanges: list[tuple[list[dict[str, str]], JudgeReply]] = []

    def complete(self, messages: list[dict[str, str]], *, timeout: float) -> JudgeReply:
        reply = self.inner.complete(messages, timeout=timeout)
        self.exchanges.append((messages, reply))
        return reply


def test_judge_prompts_go_out_and_yes_no_comes_back(llama_url: str) -> None:
    client = Recording(OpenAIJudgeClient(llama_url, "smollm2"))
    judge = LLMJudge(client, model="smollm2", fallback=LexicalVerifier(), timeout=60, concurrency=2)
    claims = ["Armenia and Russia signed a military assistance deal in 1997.",
              "France invaded Armenia in 1997."]

    supports = judge.score_many([(c, EVIDENCE) for c in claims])

    assert len(client.exchanges) == 2
    for messages, reply in client.exchanges:
        assert messages[-1]["content"].startswith("Document: " + EVIDENCE[0])
        # The server returned first-token log-probabilities holding Yes or No, or a Yes/No text.
        words = {t.strip().lower() for t in (reply.top_logprobs or {})} | {reply.text.strip().lower()[:3]}
        assert words & {"yes", "no"}, reply
    for support in supports:
        assert support.verifier == "llm:smollm2" and 0.0 <= support.score <= 1.0
    # Cached: asking again sends nothing.
    judge(claims[0], EVIDENCE)
    assert len(client.exchanges) == 2


def test_eval_verifier_measures_the_llm_judge_end_to_end(llama_url: str, tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.jsonl"
    rows = [("Armenia and Russia signed a military assistance deal in 1997.", 1),
            ("France invaded Armenia in 1997.", 0),
            ("Russia and Armenia agreed on mutual military assistance.", 1),
            ("Armenia and Russia signed a trade deal in 2005.", 0)]
    pairs.write_text("".join(json.dumps({"doc": EVIDENCE[0], "claim": c, "label": y}) + "\n" for c, y in rows),
                     encoding="utf-8")

    result = subprocess.run(
        [sys.executable, "-m", "rag.cli", "eval-verifier", str(pairs), "--json", "--verifier", "llm",
         "--verifier-model", "smollm2", "--verifier-base-url", llama_url],
        capture_output=True, text=True, timeout=600, check=False)

    assert result.returncode == 0, result.stderr[-2000:]
    metrics = json.loads(result.stdout)
    # Every pair was judged by the server (none fell back to lexical); the verdicts of a 135M model
    # are not asserted.
    assert metrics["verifier"] == "llm:smollm2" and metrics["n"] == 4 and metrics["fallbacks"] == 0
    assert metrics["auroc"] is not None and metrics["latency_ms"]["mean"] > 0


def test_judge_scores_land_in_a_real_answer(llama_url: str, sample_index: Path, real_embedder: Any) -> None:
    assistant = Assistant(index_dir=sample_index, embedder=real_embedder, verifier="llm",
                          verifier_model="smollm2", verifier_base_url=llama_url, verifier_timeout=60)

    answer = assistant.ask("When does the Russian peacekeeping mission end?").to_dict()

    assert answer["verifier"].startswith("llm:smollm2")
    assert answer["sentences"] and all(s["verifier"] == "llm:smollm2" for s in answer["sentences"])


def test_a_dead_judge_server_falls_back_to_lexical_without_failing_the_answer(sample_index: Path,
                                                                             real_embedder: Any) -> None:
    from rag.testing_servers import free_port

    config = Config(verifier="llm", verifier_model="judge", verifier_timeout=2,
                    verifier_base_url=f"http://127.0.0.1:{free_port()}/v1")
    judge = make_llm_judge(config, fallback=LexicalVerifier())
    assistant = Assistant(index_dir=sample_index, embedder=real_embedder, support_scorer=judge)

    answer = assistant.ask("When does the Russian peacekeeping mission end?").to_dict()

    assert not answer["refused"]
    assert all(s["verifier"] == "lexical (fallback: llm:judge failed)" for s in answer["sentences"])
    assert "lexical" in answer["verifier"]


def test_the_llm_answer_checker_asks_the_real_server_and_its_verdicts_decide(llama_url: str, sample_index: Path,
                                                                              real_embedder: Any) -> None:
    # The same judge server decides answerability (rag.answer_checkers): prompts go out per candidate, P(Yes)
    # comes back, and the answer names the checker. A 135M model's verdicts are not checked, only the plumbing.
    assistant = Assistant(index_dir=sample_index, embedder=real_embedder, answer_checker="llm",
                          verifier_model="smollm2", verifier_base_url=llama_url, verifier_timeout=60,
                          answer_checker_threshold=0.0, min_sentence_score=0.0)
    client = Recording(assistant.answer_checker.client)
    assistant.answer_checker.client = client

    answer = assistant.ask("When does the Russian peacekeeping mission end?").to_dict()

    assert answer["answerability_by"] == "llm:smollm2" and 0.0 <= answer["answerability"] <= 1.0
    assert 1 <= len(client.exchanges) <= 12
    for messages, _ in client.exchanges:
        assert "Question: When does the Russian peacekeeping mission end?" in messages[-1]["content"]
    assert not answer["refused"]  # no thresholds: whatever the verdicts, the likeliest candidate answers


def test_a_dead_answer_checker_server_leaves_the_built_in_model_to_decide(sample_index: Path,
                                                                         real_embedder: Any) -> None:
    from rag.testing_servers import free_port

    assistant = Assistant(index_dir=sample_index, embedder=real_embedder, answer_checker="llm",
                          verifier_model="judge", verifier_timeout=2,
                          verifier_base_url=f"http://127.0.0.1:{free_port()}/v1")

    answer = assistant.ask("When does the Russian peacekeeping mission end?").to_dict()

    assert not answer["refused"] and "2025" in answer["answer"]
    assert answer["answerability_by"] == "learned (fallback: llm:judge failed)"
