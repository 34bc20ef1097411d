"""Pluggable answer checkers (rag.answer_checkers): chosen by config, scoring the best candidates, a judge
LLM's prompts and verdicts, the fallback when a checker fails, and a real local CrossEncoder."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from rag import answer_model
from rag.answer_checkers import (
    CrossEncoderChecker,
    LLMAnswerChecker,
    check_answer_checker_spec,
    make_answer_checker,
    score_candidates,
)
from rag.assistant import Assistant
from rag.backends.extractive import extractive_result
from rag.config import Config, ConfigError
from rag.judge import JudgeError, JudgeReply
from rag.records import Chunk, Passage
from rag.testing import FakeEmbedder, tiny_cross_encoder

ARCTIC = ("Russia operates about forty icebreakers. The US Coast Guard operates two heavy icebreakers. "
          "The Arctic is warming faster than the rest of the planet. Shipping on the Northern Sea Route grew.")


def passages(text: str = ARCTIC) -> list[Passage]:
    chunk = Chunk(id="c1", source="/corpus/arctic.txt", title="Arctic", text=text, start=0, end=len(text), index=0)
    return [Passage(chunk=chunk, score=1.0, similarity=0.6)]


class ScriptedChecker:
    """Says yes to sentences holding ``word``; records what it was asked."""

    name = "scripted"

    def __init__(self, word: str) -> None:
        self.word = word
        self.asked: list[tuple[str, list[tuple[str, str]]]] = []

    def score_many(self, question: str, pairs: Sequence[tuple[str, str]]) -> list[float]:
        self.asked.append((question, list(pairs)))
        return [0.9 if self.word in sentence else 0.1 for sentence, _ in pairs]


class BrokenChecker:
    name = "broken"

    def score_many(self, question: str, pairs: Sequence[tuple[str, str]]) -> list[float]:
        raise JudgeError("http://judge/v1/chat/completions: no reply within 30 s")


def test_the_spec_is_checked_eagerly_and_names_the_setting() -> None:
    assert check_answer_checker_spec("") is None and check_answer_checker_spec(None) is None
    with pytest.raises(ConfigError, match="answer_checker: 'bert' is not one of cross-encoder:DIR, llm"):
        Config(answer_checker="bert")
    with pytest.raises(ConfigError, match="needs an argument: cross-encoder:DIR"):
        Config(answer_checker="cross-encoder")
    with pytest.raises(ConfigError, match="answer_checker llm: needs verifier_model and verifier_base_url"):
        make_answer_checker(Config(answer_checker="llm"))
    with pytest.raises(FileNotFoundError, match="not a CrossEncoder model directory"):
        make_answer_checker(Config(answer_checker="cross-encoder:/nonexistent/model"))
    assert make_answer_checker(Config()) is None


def test_a_checker_decides_which_sentence_answers_at_its_own_threshold() -> None:
    checker = ScriptedChecker("Russia")
    result = extractive_result("How many icebreakers does Russia operate?", passages(), FakeEmbedder(),
                               min_score=0.0, checker=checker, checker_threshold=0.5)
    assert result.text.startswith("Russia operates about forty icebreakers.") and result.text.endswith("[1]")
    assert result.answerability == 0.9 and result.answerability_by == "scripted"
    question, pairs = checker.asked[0]
    assert question == "How many icebreakers does Russia operate?" and len(checker.asked) == 1  # one batch
    assert 1 <= len(pairs) <= answer_model.TOP_CANDIDATES
    refused = extractive_result("How many icebreakers does Russia operate?", passages(), FakeEmbedder(),
                                min_score=0.0, checker=ScriptedChecker("Brazil"), checker_threshold=0.5)
    assert refused.refused and refused.answerability_by == "scripted"


def test_a_failing_checker_never_fails_the_answer(caplog: pytest.LogCaptureFixture) -> None:
    result = extractive_result("How many icebreakers does Russia operate?", passages(), FakeEmbedder(),
                               min_score=0.0, min_answerability=0.0, checker=BrokenChecker())
    assert not result.refused
    assert result.answerability_by == "learned (fallback: broken failed)"
    assert "answer checker broken failed" in caplog.text and "no reply within 30 s" in caplog.text


def test_scores_must_be_probabilities_one_per_sentence() -> None:
    with pytest.raises(ValueError, match="scores must be 0..1"):
        score_candidates(lambda q, s, c: 3.0, "q", [("a", "")])
    assert score_candidates(lambda q, s, c: 0.25, "q", [("a", ""), ("b", "")]) == [0.25, 0.25]


class ScriptedJudge:
    model = "judge-1"

    def __init__(self) -> None:
        self.prompts: list[str] = []

    def complete(self, messages: list[dict[str, str]], *, timeout: float) -> JudgeReply:
        prompt = messages[-1]["content"]
        self.prompts.append(prompt)
        sentence = prompt.split("\n\nDoes the sentence")[0].rsplit("\n", 1)[-1]  # not the context line before it
        yes = 0.8 if "forty" in sentence else 0.1
        return JudgeReply("Yes" if yes > 0.5 else "No", {"Yes": math.log(yes), "No": math.log(1 - yes)})


def test_the_llm_checker_asks_per_sentence_reads_log_probabilities_and_caches() -> None:
    judge = ScriptedJudge()
    checker = LLMAnswerChecker(judge, timeout=5.0, concurrency=2)
    pairs = [("Russia operates about forty icebreakers.", ""),
             ("The US Coast Guard operates two heavy icebreakers.", "Russia operates about forty icebreakers.")]
    scores = checker.score_many("How many icebreakers does Russia operate?", pairs)
    assert scores == pytest.approx([0.8, 0.1])
    assert len(judge.prompts) == 2 and all("How many icebreakers does Russia operate?" in p for p in judge.prompts)
    assert any("US Coast Guard" in p and "Yes or No" in p for p in judge.prompts)
    assert checker.score_many("How many icebreakers does Russia operate?", pairs) == scores
    assert len(judge.prompts) == 2  # cached
    assert checker.name == "llm:judge-1"


def test_the_assistant_builds_the_configured_checker_and_reports_it(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "arctic.txt").write_text("Arctic notes\n\n" + ARCTIC + "\n", encoding="utf-8")
    # The fake embedder's similarities are arbitrary: no similarity floor, so the checker decides.
    assistant = Assistant(index_dir=tmp_path / "index", embedder=FakeEmbedder(), min_similarity=0.0,
                          min_sentence_score=0.0, answer_checker=ScriptedChecker("forty"))
    assert assistant.ingest([corpus], progress=False).ok
    data = assistant.ask("How many icebreakers does Russia operate?").to_dict()
    assert data["answerability_by"] == "scripted" and "forty" in data["answer"]
    assert Assistant(index_dir=tmp_path / "index", embedder=FakeEmbedder()).answer_checker is None


def test_the_command_line_refuses_an_unknown_checker(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from rag import cli

    status = cli.main(["ask", "q", "--index", str(tmp_path / "index"), "--answer-checker", "bert"])
    assert status == 2 and "answer_checker: 'bert' is not one of" in capsys.readouterr().err


@pytest.mark.integration  # loads the real sentence-transformers CrossEncoder stack
def test_a_local_cross_encoder_scores_question_sentence_pairs(tmp_path: Path) -> None:
    from sentence_transformers import CrossEncoder

    model_dir = tiny_cross_encoder(tmp_path / "ce", "how many icebreakers does russia operate " + ARCTIC)
    checker = make_answer_checker(Config(answer_checker=f"cross-encoder:{model_dir}"))
    assert isinstance(checker, CrossEncoderChecker) and checker.name == f"cross-encoder:{model_dir}"
    pairs = [("Russia operates about forty icebreakers.", ""), ("The Arctic is warming.", "")]
    scores = checker.score_many("How many icebreakers does Russia operate?", pairs)
    expected: Any = CrossEncoder(str(model_dir), local_files_only=True, device="cpu").predict(
        [("How many icebreakers does Russia operate?", s) for s, _ in pairs])
    assert scores == pytest.approx([float(v) for v in expected], abs=1e-5)
    assert all(0.0 <= s <= 1.0 for s in scores)
    result = extractive_result("How many icebreakers does Russia operate?", passages(), FakeEmbedder(),
                               min_score=0.0, checker=checker, checker_threshold=0.0)
    assert result.answerability_by == checker.name and not result.refused
