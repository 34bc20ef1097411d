"""Named parts chosen by a spec string, ``NAME`` or ``NAME:ARGUMENT`` (verifiers, rerankers).

One definition of registering a part, listing the choices and validating a
spec eagerly with a message that names the setting and the choices.

Example:
    >>> shapes = SpecRegistry("shape")
    >>> shapes.register("circle", lambda argument: argument, argument="RADIUS")
    >>> shapes.check("circle:2")[1]
    '2'
    >>> shapes.check("square")
    Traceback (most recent call last):
    ...
    rag.errors.ConfigError: shape: 'square' is not one of circle:RADIUS
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Registration(Generic[F]):
    """One part: its factory, whether it needs ``NAME:ARGUMENT`` and what the argument is."""

    name: str
    factory: F
    argument: str | None = None  # e.g. "DIR"; None = takes no argument
    help: str = ""


class SpecRegistry(Generic[F]):
    """The parts of one kind (``kind`` names the setting in messages, e.g. ``"verifier"``)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[str, Registration[F]] = {}

    def register(self, name: str, factory: F, *, argument: str | None = None, help: str = "") -> None:
        """Make ``name`` (``name:ARGUMENT`` when ``argument`` is given) a valid setting."""
        if not name or ":" in name:
            raise ValueError(f"{self.kind} name {name!r}: must be non-empty and without ':'")
        self._entries[name] = Registration(name, factory, argument, help)

    def pop(self, name: str, default: Any = None) -> Any:
        """Unregister ``name`` (tests registering a part of their own clean up with it)."""
        return self._entries.pop(name, default)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def names(self) -> list[str]:
        return list(self._entries)

    def describe(self) -> str:
        """For messages and ``--help``: ``lexical, nli:DIR, llm``."""
        return ", ".join(f"{r.name}:{r.argument}" if r.argument else r.name for r in self._entries.values())

    def check(self, spec: str, suffix: str = "") -> tuple[Registration[F], str]:
        """Validate ``spec``; raise :class:`rag.config.ConfigError` naming the setting and the choices."""
        from rag.config import ConfigError

        name, _, argument = str(spec).partition(":")
        registration = self._entries.get(name)
        if registration is None:
            raise ConfigError(f"{self.kind}: {spec!r} is not one of {self.describe()}{suffix}")
        if registration.argument and not argument:
            raise ConfigError(f"{self.kind}: {spec!r} needs an argument: {name}:{registration.argument}"
                              + (f" ({registration.help})" if registration.help else ""))
        if not registration.argument and argument:
            raise ConfigError(f"{self.kind}: {name!r} takes no argument, got {spec!r}")
        return registration, argument
