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
    rag.errors.ConfigError: verifier: 'nli' needs an argument: nli:DIR (a local CrossEncoder NLI model directory)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rag.registry import Registration as _Registration
from rag.registry import SpecRegistry

if TYPE_CHECKING:
    from rag.config import Config
    from rag.verify import SupportScorer

VerifierFactory = Callable[[str, "Config"], "SupportScorer"]
"""Builds a scorer from (the spec's argument, the config). Must be cheap: models load on first use."""


Registration = _Registration  # one verifier: its factory, whether it needs NAME:ARGUMENT, the argument
_REGISTRY: SpecRegistry[VerifierFactory] = SpecRegistry("verifier")


def register_verifier(name: str, factory: VerifierFactory, *, argument: str | None = None,
                      help: str = "") -> None:
    """Make ``name`` (``name:ARGUMENT`` when ``argument`` is given) a valid ``verifier`` setting."""
    _REGISTRY.register(name, factory, argument=argument, help=help)


def verifier_names() -> list[str]:
    """Registered verifier names, e.g. ``['lexical', 'nli', 'llm']``."""
    return _REGISTRY.names()


def describe_verifiers() -> str:
    """One line for ``--help``: ``lexical, nli:DIR, llm``."""
    return _REGISTRY.describe()


def check_verifier_spec(spec: str) -> tuple[_Registration[VerifierFactory], str]:
    """Validate a spec eagerly; raise :class:`rag.config.ConfigError` naming the field and the choices."""
    return _REGISTRY.check(spec)


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
