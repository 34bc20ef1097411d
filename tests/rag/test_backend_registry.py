"""The backend registry: one registration makes a backend valid everywhere a backend is chosen."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rag.assistant import Assistant
from rag.backends import backend_names, get_backend, make_chat_model, register_backend, unregister_backend
from rag.backends.llamacpp import LlamaCppChat, make_llamacpp_model
from rag.cli import build_parser
from rag.config import Config, ConfigError
from rag.testing import FakeEmbedder, scripted_chat_model

FAKE = "scripted-test"


@pytest.fixture()
def fake_backend() -> Iterator[list[Config]]:
    """Registers ``scripted-test`` (a scripted chat model); yields the configs its factory was given."""
    built: list[Config] = []

    def factory(config: Config) -> Any:
        built.append(config)
        return scripted_chat_model(["Ashford's bridge opened in 1998 [1]."])

    def check(config: Config) -> None:
        if config.llm_model == "forbidden":
            raise ConfigError("llm_model: the scripted-test backend refuses 'forbidden'")

    register_backend(FAKE, factory, check=check, takes_model=True, server=lambda c: "http://scripted.invalid",
                     description="a scripted test double")
    try:
        yield built
    finally:
        unregister_backend(FAKE)


def test_registered_backend_is_accepted_by_config_and_listed(fake_backend: list[Config]) -> None:
    assert Config(backend=FAKE).backend == FAKE
    assert FAKE in backend_names()
    assert backend_names()[0] == "extractive"  # the default stays first


def test_unknown_backend_error_names_the_registered_ones(fake_backend: list[Config]) -> None:
    with pytest.raises(ConfigError, match=rf"backend: 'nope' is not one of extractive, .*{FAKE}"):
        Config(backend="nope")


def test_unregistered_backend_is_refused_again() -> None:
    register_backend(FAKE, lambda config: None)
    unregister_backend(FAKE)
    with pytest.raises(ConfigError, match="backend: 'scripted-test'"):
        Config(backend=FAKE)


def test_cli_backend_choices_come_from_the_registry(fake_backend: list[Config]) -> None:
    args = build_parser().parse_args(["ask", "Who?", "--backend", FAKE])
    assert args.backend == FAKE
    assert "a scripted test double" in " ".join(_subcommand_help("ask").split())


def _subcommand_help(name: str) -> str:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return sub.choices[name].format_help()  # type: ignore[attr-defined]


def test_cli_refuses_a_backend_that_is_not_registered() -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["ask", "Who?", "--backend", FAKE])


def test_assistant_answers_through_the_registered_backend(tmp_path: Path, fake_backend: list[Config]) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "ashford.txt").write_text("Ashford bridge\n\nThe bridge at Ashford opened in 1998 after years "
                                      "of delay.\n", encoding="utf-8")
    assistant = Assistant(index_dir=tmp_path / "index", embedder=FakeEmbedder(), backend=FAKE, llm_model="m1",
                          min_similarity=0.0)
    assert assistant.ingest([docs], progress=False).ok
    answer = assistant.ask("When did the bridge at Ashford open?")
    assert answer.backend == FAKE
    assert "1998" in answer.answer and answer.citations
    assert [c.backend for c in fake_backend] == [FAKE]  # built once, from the Assistant's config
    assert fake_backend[0].llm_model == "m1"


def test_registered_check_runs_when_the_assistant_is_built(tmp_path: Path, fake_backend: list[Config]) -> None:
    with pytest.raises(ConfigError, match="refuses 'forbidden'"):
        Assistant(index_dir=tmp_path / "index", embedder=FakeEmbedder(), backend=FAKE, llm_model="forbidden")


def test_ui_reads_the_registry(fake_backend: list[Config]) -> None:
    from rag.ui.backends import backend_choices, model_server, takes_model_name

    config = Config(backend=FAKE, llm_model="m1")
    assert backend_choices(config) == ["extractive", FAKE]
    assert takes_model_name(FAKE) and not takes_model_name("extractive") and not takes_model_name("llamacpp")
    assert model_server(config, FAKE) == "http://scripted.invalid"
    assert model_server(config, "llamacpp") == ""


def test_registering_a_taken_name_needs_replace() -> None:
    with pytest.raises(ValueError, match="already registered"):
        register_backend("openai", lambda config: None)
    with pytest.raises(ValueError, match="backend name"):
        register_backend("no spaces", lambda config: None)


def test_builtin_checks_name_the_missing_field() -> None:
    with pytest.raises(ConfigError, match="llm_model"):
        get_backend("ollama").check_config(Config(backend="ollama"))
    assert get_backend("ollama").server_address(Config(ollama_url="http://127.0.0.1:2")) == "http://127.0.0.1:2"
    assert get_backend("openai").server_address(Config()) == "https://api.openai.com/v1"
    assert make_chat_model(Config()) is None


def test_every_builtin_backend_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Answer backends"):]
    assert {"extractive", "openai", "ollama", "llamacpp"} <= set(backend_names())
    for name in backend_names():  # a backend added to the registry must be added to the README's table
        assert f"| `{name}`" in section, name


# ------------------------------------------------------------------ the GGUF chat model

def test_gguf_chat_model_is_a_module_level_class_built_lazily(tmp_path: Path) -> None:
    pytest.importorskip("llama_cpp", reason="the llm extra is not installed")
    gguf = tmp_path / "model.gguf"
    gguf.write_bytes(b"GGUF not really")  # never read: nothing loads until the first message
    model = make_llamacpp_model(Config(backend="llamacpp", gguf_path=str(gguf), max_tokens=33, temperature=0.0))
    assert isinstance(model, LlamaCppChat)
    assert (model.model_path, model.max_tokens, model.temperature) == (str(gguf), 33, 0.0)
    assert not model.loaded


def test_gguf_chat_model_pickles_its_settings_without_the_llama_handle() -> None:
    model = LlamaCppChat(model_path="model.gguf", max_tokens=7, n_ctx=1024)

    class Unpicklable:
        def __reduce__(self) -> Any:
            raise TypeError("a live llama context cannot be pickled")

    model._llama = Unpicklable()  # as if loaded
    copy = pickle.loads(pickle.dumps(model))
    assert (copy.model_path, copy.max_tokens, copy.n_ctx) == ("model.gguf", 7, 1024)
    assert not copy.loaded and model.loaded
    with copy._lock:  # a fresh lock, usable
        pass


def test_gguf_chat_model_can_be_subclassed() -> None:
    class Small(LlamaCppChat):
        n_ctx: int = 512

        @property
        def _llm_type(self) -> str:
            return "llamacpp-small"

    small = Small(model_path="m.gguf")
    assert small.n_ctx == 512 and small._llm_type == "llamacpp-small" and isinstance(small, LlamaCppChat)
