"""The verifier registry: which support scorer checks an answer's sentences.

A verifier is named by a spec string, ``NAME`` or ``NAME:ARGUMENT``, taken from
``Config.verifier`` (``--verifier``, ``RAG_VERIFIER``):

=============  =====================================================================
``lexical``    the offline default (:class:`rag.verify.LexicalVerifier`), calibrated on
               human-labelled claims (WiCE)
``nli:DIR``    a local sentence-transformers CrossEncoder NLI model
               (:class:`rag.verify.NLISupport`); nothing is downloaded
``llm``        a judge model behind an OpenAI-compatible server or Ollama's ``/v1``
               (:class:`rag.judge.LLMJudge`; ``verifier_model``, ``verifier_base_url``)
=============  =====================================================================

A new verifier is one module plus one :func:`register_verifier` call here.
Every scorer built here has a ``name`` that answers report (``Answer.verifier``).

Example:
    >>> from rag.config import Config
    >>> make_verifier(Config()).name
    'lexical'
    >>> check_verifier_spec("nli")
    Traceback (most recent call last):
    ...
    rag.config.ConfigError: verifier: 'nli' needs an argument: nli:DIR (a local CrossEncoder NLI model directory)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from rag.config import Config
    from rag.verify import SupportScorer

VerifierFactory = Callable[[str, "Config"], "SupportScorer"]
"""Builds a scorer from (the spec's argument, the config). Must be cheap: models load on first use."""


@dataclass(frozen=True)
class Registration:
    """One verifier: its factory, whether it needs ``NAME:ARGUMENT`` and what the argument is."""

    name: str
    factory: VerifierFactory
    argument: str | None = None  # e.g. "DIR"; None = takes no argument
    help: str = ""


_REGISTRY: dict[str, Registration] = {}


def register_verifier(name: str, factory: VerifierFactory, *, argument: str | None = None,
                      help: str = "") -> None:
    """Make ``name`` (``name:ARGUMENT`` when ``argument`` is given) a valid ``verifier`` setting."""
    if not name or ":" in name:
        raise ValueError(f"verifier name {name!r}: must be non-empty and without ':'")
    _REGISTRY[name] = Registration(name, factory, argument, help)


def verifier_names() -> list[str]:
    """Registered verifier names, e.g. ``['lexical', 'nli', 'llm']``."""
    return list(_REGISTRY)


def describe_verifiers() -> str:
    """One line for ``--help``: ``lexical, nli:DIR, llm``."""
    return ", ".join(f"{r.name}:{r.argument}" if r.argument else r.name for r in _REGISTRY.values())


def check_verifier_spec(spec: str) -> tuple[Registration, str]:
    """Validate a spec eagerly; raise :class:`rag.config.ConfigError` naming the field and the choices."""
    from rag.config import ConfigError

    name, _, argument = str(spec).partition(":")
    registration = _REGISTRY.get(name)
    if registration is None:
        raise ConfigError(f"verifier: {spec!r} is not one of {describe_verifiers()}")
    if registration.argument and not argument:
        raise ConfigError(f"verifier: {spec!r} needs an argument: {name}:{registration.argument}"
                          + (f" ({registration.help})" if registration.help else ""))
    if not registration.argument and argument:
        raise ConfigError(f"verifier: {name!r} takes no argument, got {spec!r}")
    return registration, argument


def make_verifier(config: "Config", spec: str | None = None) -> "SupportScorer":
    """The scorer ``spec`` (default ``config.verifier``) names, built cheaply (models load on first use)."""
    registration, argument = check_verifier_spec(spec or config.verifier)
    return registration.factory(argument, config)


# ------------------------------------------------------------- built-ins

def _lexical(argument: str, config: "Config") -> "SupportScorer":
    from rag.verify import LexicalVerifier

    return LexicalVerifier()


def _nli(argument: str, config: "Config") -> "SupportScorer":
    from rag.verify import NLISupport

    return NLISupport(argument)


def _llm(argument: str, config: "Config") -> "SupportScorer":
    from rag.judge import make_llm_judge

    return make_llm_judge(config, fallback=_lexical("", config))


register_verifier("lexical", _lexical, help="lexical checks calibrated on WiCE")
register_verifier("nli", _nli, argument="DIR", help="a local CrossEncoder NLI model directory")
register_verifier("llm", _llm, help="a judge model: --verifier-model, --verifier-base-url")
