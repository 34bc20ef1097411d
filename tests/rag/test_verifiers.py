"""Verifier backends behind the SupportScorer seam: the registry, the LLM judge (with a scripted
client), its fallback, cache and concurrency bound, the NLI verifier with a tiny model built here,
and the verifier's name in every answer."""

from __future__ import annotations

import math
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from rag.assistant import Assistant, answer_verifier
from rag.config import Config, ConfigError
from rag.judge import JUDGE_PROMPT, JudgeError, JudgeReply, LLMJudge, _first_token_logprobs, verdict
from rag.records import SentenceSupport
from rag.testing import FakeEmbedder, ScriptedJudgeClient, scripted_chat_model
from rag.verifiers import check_verifier_spec, make_verifier, register_verifier, verifier_names
from rag.verify import LexicalVerifier, NLISupport, Support, lexical_support

EVIDENCE = ["Armenia and Russia signed a deal on mutual military assistance in 1997."]
CLAIM = "Armenia and Russia signed a military assistance deal in 1997."


# ------------------------------------------------------------------ registry
def test_builtin_verifiers_are_registered_and_validated_eagerly() -> None:
    assert {"lexical", "nli", "llm"} <= set(verifier_names())
    with pytest.raises(ConfigError, match="verifier: 'nli' needs an argument: nli:DIR"):
        Config(verifier="nli")
    with pytest.raises(ConfigError, match="verifier: 'minicheck' is not one of lexical, nli:DIR, llm"):
        Config(verifier="minicheck")
    with pytest.raises(ConfigError, match="takes no argument"):
        check_verifier_spec("lexical:x")


def test_config_reads_the_verifier_from_the_environment() -> None:
    config = Config.load(environ={"RAG_VERIFIER": "llm", "RAG_VERIFIER_MODEL": "judge",
                                  "RAG_VERIFIER_BASE_URL": "http://127.0.0.1:9/v1"})
    assert (config.verifier, config.verifier_model, config.verifier_base_url) == (
        "llm", "judge", "http://127.0.0.1:9/v1")


def test_llm_verifier_needs_a_model_and_a_url() -> None:
    with pytest.raises(ConfigError, match="verifier_model"):
        make_verifier(Config(verifier="llm", verifier_base_url="http://127.0.0.1:9/v1"))
    with pytest.raises(ConfigError, match="verifier_base_url"):
        make_verifier(Config(verifier="llm", verifier_model="judge"))


def test_assistant_checks_its_verifier_when_built(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="verifier_model: the llm verifier needs a judge model name"):
        Assistant(index_dir=tmp_path / "index", embedder=FakeEmbedder(), verifier="llm")


def test_a_new_verifier_is_one_registration() -> None:
    class Always:
        name = "always"

        def __call__(self, claim: str, evidence: Any) -> Support:
            return Support(1.0, 0, 0, 1)

    register_verifier("always", lambda argument, config: Always())
    try:
        scorer = make_verifier(Config(verifier="always"))
        assert scorer.name == "always" and scorer(CLAIM, EVIDENCE).score == 1.0
    finally:
        from rag import verifiers

        verifiers._REGISTRY.pop("always")


def test_lexical_verifier_names_itself() -> None:
    assert make_verifier(Config()).name == "lexical"
    support = LexicalVerifier()(CLAIM, EVIDENCE)
    assert support.verifier == "lexical" and support.score >= 0.5


# ------------------------------------------------------------------ llm judge
def judge(replies: list[Any], **kwargs: Any) -> tuple[LLMJudge, ScriptedJudgeClient]:
    client = ScriptedJudgeClient(replies, delay=kwargs.pop("delay", 0.0))
    return LLMJudge(client, model="judge", fallback=LexicalVerifier(), **kwargs), client


def test_judge_sends_a_minicheck_prompt_and_reads_the_answer_text() -> None:
    scorer, client = judge(["Yes"])

    support = scorer(CLAIM, EVIDENCE)

    assert support.score == 1.0 and support.verifier == "llm:judge"
    user = client.prompts[0][-1]["content"]
    assert user == JUDGE_PROMPT.format(document=EVIDENCE[0], claim=CLAIM)
    assert user.startswith("Document: ") and "\nClaim: " + CLAIM in user
    # The quote is still located (by the lexical scorer) for the sources panel.
    assert EVIDENCE[0][support.start:support.end] == EVIDENCE[0]


def test_judge_uses_log_probabilities_when_the_server_gives_them() -> None:
    reply = JudgeReply("No", {"No": math.log(0.7), " Yes": math.log(0.2), "Maybe": math.log(0.1)})
    scorer, _ = judge([reply])

    assert scorer(CLAIM, EVIDENCE).score == pytest.approx(0.2 / 0.9, abs=1e-6)


def test_first_token_logprobs_are_read_from_an_openai_reply() -> None:
    logprobs = {"content": [{"token": "Yes", "logprob": -0.1,
                             "top_logprobs": [{"token": "Yes", "logprob": -0.1}, {"token": "No", "logprob": -2.4}]}]}
    tops = _first_token_logprobs(logprobs)
    assert tops == {"Yes": -0.1, "No": -2.4}
    assert verdict(JudgeReply("Yes", tops)) == pytest.approx(math.exp(-0.1) / (math.exp(-0.1) + math.exp(-2.4)),
                                                             abs=1e-6)
    with pytest.raises(JudgeError, match="neither Yes nor No"):
        verdict(JudgeReply("I cannot tell."))


@pytest.mark.parametrize("failure", [JudgeError("http://judge/v1/chat/completions: 500"), "Perhaps."])
def test_a_failing_judge_falls_back_to_the_lexical_score_and_says_so(failure: Any) -> None:
    scorer, _ = judge([failure])

    support = scorer(CLAIM, EVIDENCE)

    assert support.score == LexicalVerifier()(CLAIM, EVIDENCE).score
    assert support.verifier == "lexical (fallback: llm:judge failed)"
    assert "judge failed" in support.reason


def test_a_judge_that_times_out_falls_back_within_the_timeout() -> None:
    scorer, client = judge(["Yes"], delay=5.0, timeout=0.2)

    started = time.perf_counter()
    support = scorer(CLAIM, EVIDENCE)

    assert time.perf_counter() - started < 2.0
    assert client.timeouts == [0.2]
    assert support.verifier.startswith("lexical (fallback")


def test_a_dead_judge_rests_after_repeated_failures() -> None:
    scorer, client = judge([JudgeError("down")], max_failures=2, rest_s=60)
    for i in range(5):
        scorer(f"{CLAIM} ({i})", EVIDENCE)
    assert len(client.prompts) == 2


def test_verdicts_are_cached_by_evidence_and_claim() -> None:
    scorer, client = judge(["Yes", "No"])

    first = scorer(CLAIM, EVIDENCE)
    again = scorer(CLAIM, EVIDENCE)
    other = scorer(CLAIM, ["Another passage about a deal in 1997."])

    assert first.score == again.score == 1.0 and other.score == 0.0
    assert len(client.prompts) == 2


def test_score_many_runs_at_most_concurrency_requests_at_once() -> None:
    active = 0
    peak = 0
    lock = threading.Lock()

    class Slow:
        def complete(self, messages: list[dict[str, str]], *, timeout: float) -> JudgeReply:
            nonlocal active, peak
            with lock:
                active += 1
                peak = max(peak, active)
            time.sleep(0.05)
            with lock:
                active -= 1
            return JudgeReply("Yes")

    scorer = LLMJudge(Slow(), model="judge", fallback=lexical_support, concurrency=3)
    results = scorer.score_many([(f"{CLAIM} ({i})", EVIDENCE) for i in range(9)])

    assert [r.score for r in results] == [1.0] * 9
    assert 1 < peak <= 3


# ------------------------------------------------------------------ in answers
@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("verifiers")
    docs = root / "docs"
    docs.mkdir()
    (docs / "etna.txt").write_text("Mount Etna Eruption\n\nMount Etna erupted on 21 May 2023 in Sicily. "
                                   "The Catania airport closed for 48 hours because of volcanic ash.\n")
    Assistant(index_dir=root / "index", embedder=FakeEmbedder()).ingest([docs], progress=False)
    return root / "index"


def test_every_answer_names_its_verifier(index: Path) -> None:
    answer = Assistant(index_dir=index, embedder=FakeEmbedder()).ask("When did Mount Etna erupt?")
    data = answer.to_dict()
    assert data["verifier"] == "lexical"
    assert all(s["verifier"] == "lexical" for s in data["sentences"])


def test_judge_scores_land_in_the_answer_and_a_failure_is_named(index: Path) -> None:
    client = ScriptedJudgeClient(["No", JudgeError("timed out")])
    scorer = LLMJudge(client, model="judge", fallback=LexicalVerifier(), concurrency=1)
    chat = scripted_chat_model(["Mount Etna erupted on 21 May 2023 [1]. The airport closed for 48 hours [1]."])
    assistant = Assistant(index_dir=index, embedder=FakeEmbedder(), backend="openai", llm_model="m",
                          llm_base_url="http://127.0.0.1:9/v1", chat_model=chat, support_scorer=scorer)

    answer = assistant.ask("When did Mount Etna erupt?")

    data = answer.to_dict()
    assert len(client.prompts) == 2
    assert "Claim: Mount Etna erupted on 21 May 2023." in client.prompts[0][-1]["content"]
    first, second = data["sentences"]
    assert (first["support"], first["supported"], first["verifier"]) == (0.0, False, "llm:judge")
    assert second["verifier"] == "lexical (fallback: llm:judge failed)" and second["supported"]
    assert data["verifier"] == "llm:judge (1 of 2 sentences scored by lexical)"


def test_answer_verifier_is_the_configured_one_when_nothing_fell_back() -> None:
    assert answer_verifier("llm:m", [SentenceSupport("a", (1,), 0.9, True, verifier="llm:m")]) == "llm:m"
    assert answer_verifier("lexical", []) == "lexical"


# ------------------------------------------------------------------ nli
def tiny_nli_model(folder: Path) -> Path:
    """A randomly initialised two-layer BERT with NLI labels, saved as a CrossEncoder directory."""
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    words = sorted({w.strip(".,").lower() for w in (CLAIM + " " + EVIDENCE[0]).split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer = BertTokenizerFast(vocab_file=str(folder / "vocab.txt"))
    config = BertConfig(vocab_size=len(vocab), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=32, max_position_embeddings=128, num_labels=3,
                        id2label={0: "contradiction", 1: "entailment", 2: "neutral"},
                        label2id={"contradiction": 0, "entailment": 1, "neutral": 2})
    BertForSequenceClassification(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.mark.integration  # loads the real sentence-transformers CrossEncoder stack (slow to import)
def test_nli_verifier_scores_the_best_window_with_a_local_model(tmp_path: Path) -> None:
    model_dir = tiny_nli_model(tmp_path / "nli")
    scorer = make_verifier(Config(verifier=f"nli:{model_dir}"))
    assert scorer.name == f"nli:{model_dir}"

    two = ["Mount Etna erupted in 2023. " + EVIDENCE[0]]
    support = scorer(CLAIM, two)

    assert 0.0 <= support.score <= 1.0 and support.verifier == scorer.name
    assert support.passage == 0 and support.end > support.start
    assert scorer(CLAIM, []).score == 0.0


def test_nli_verifier_names_a_directory_that_is_not_a_model(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="not a CrossEncoder model directory"):
        NLISupport(str(tmp_path))(CLAIM, EVIDENCE)


# ------------------------------------------------------------------ the HTTP client, against a local stub
class _Stub:
    """A local OpenAI-compatible stub: records request bodies; refuses logprobs when told to."""

    def __init__(self, refuse_logprobs: bool) -> None:
        import http.server
        import json as _json

        stub = self
        self.bodies: list[dict[str, Any]] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
                body = _json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                stub.bodies.append(body)
                if refuse_logprobs and body.get("logprobs"):
                    self.send_response(400)
                    self.end_headers()
                    return
                choice: dict[str, Any] = {"message": {"role": "assistant", "content": "No"}}
                if body.get("logprobs"):
                    choice["logprobs"] = {"content": [{"token": "No", "logprob": math.log(0.6), "top_logprobs": [
                        {"token": "No", "logprob": math.log(0.6)}, {"token": "Yes", "logprob": math.log(0.3)}]}]}
                data = _json.dumps({"choices": [choice]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.mark.network
@pytest.mark.parametrize("refuse_logprobs", [False, True])
def test_http_client_reads_logprobs_or_falls_back_to_text(refuse_logprobs: bool) -> None:
    from rag.judge import OpenAIJudgeClient

    stub = _Stub(refuse_logprobs)
    try:
        scorer = LLMJudge(OpenAIJudgeClient(stub.url, "judge", api_key="k"), model="judge", fallback=LexicalVerifier())
        first = scorer(CLAIM, EVIDENCE)
        second = scorer(CLAIM + " Again.", EVIDENCE)
    finally:
        stub.server.shutdown()
    assert stub.bodies[0]["model"] == "judge" and stub.bodies[0]["max_tokens"] == 2
    assert stub.bodies[0]["messages"][-1]["content"].startswith("Document: ")
    if refuse_logprobs:
        # 400 to logprobs: asked again for text only, and never asks for logprobs again.
        assert [bool(b.get("logprobs")) for b in stub.bodies] == [True, False, False]
        assert first.score == second.score == 0.0
    else:
        assert first.score == pytest.approx(1 / 3, abs=1e-6)
    assert first.verifier == "llm:judge"
