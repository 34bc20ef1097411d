"""Who may log in, and which collections each user may read.

Users come from a TOML or JSON file (or inline JSON in ``RAG_UI_USERS``)::

    [users.alice]
    password = "pbkdf2_sha256$600000$<salt hex>$<hash hex>"   # python -m rag.ui.access hash
    groups = ["analysts"]

    [users.bob]
    password = "pbkdf2_sha256$..."

    [collections]
    restricted = ["analysts"]        # collection name -> groups that may read it

A collection that is not listed is open to every logged-in user. Without a
users file there is no login and nobody may read a listed collection. The
restriction is enforced in retrieval: the UI passes
:meth:`AccessPolicy.allowed_collections` to ``Assistant.ask/stream/documents``.

Example:
    >>> policy = AccessPolicy.from_mapping({
    ...     "users": {"alice": {"password": hash_password("pw"), "groups": ["analysts"]},
    ...               "bob": {"password": hash_password("pw")}},
    ...     "collections": {"restricted": ["analysts"]}})
    >>> policy.check("alice", "pw"), policy.check("alice", "nope")
    (True, False)
    >>> policy.allowed_collections("bob", ["default", "restricted"])
    ['default']
"""

from __future__ import annotations

import argparse
import functools
import getpass
import hashlib
import hmac
import json
import logging
import os
import secrets
import sys
import threading
import time
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

_SCHEME = "pbkdf2_sha256"
_ITERATIONS = 600_000  # OWASP's 2023 figure for PBKDF2-HMAC-SHA256


class AccessError(ValueError):
    """The users file is unusable; the message names the file and the entry."""


def hash_password(password: str, *, iterations: int = _ITERATIONS, salt: bytes | None = None) -> str:
    """A salted PBKDF2-SHA256 hash, ``pbkdf2_sha256$<iterations>$<salt hex>$<hash hex>``.

    Example:
        >>> verify_password("s3cret", hash_password("s3cret", iterations=1000))
        True
    """
    if not password:
        raise ValueError("password: must not be empty")
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return f"{_SCHEME}${iterations}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches ``stored`` (compared in constant time)."""
    try:
        scheme, iterations, salt_hex, digest_hex = stored.split("$")
        if scheme != _SCHEME:
            return False
        digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), bytes.fromhex(salt_hex),
                                     int(iterations))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest.hex(), digest_hex)


@dataclass(frozen=True)
class User:
    name: str
    password_hash: str
    groups: frozenset[str] = frozenset()


@functools.cache
def _dummy_hash() -> str:
    """A hash to check unknown names against, so timing does not reveal which names exist."""
    return hash_password("unused", salt=b"\x00" * 16)


@dataclass(frozen=True)
class AccessPolicy:
    """Users with their groups, and the groups each restricted collection is open to."""

    users: Mapping[str, User] = field(default_factory=dict)
    restricted: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @property
    def login_required(self) -> bool:
        return bool(self.users)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], origin: str = "users") -> "AccessPolicy":
        """Build from the decoded file (``{"users": {...}, "collections": {...}}``)."""
        raw_users = data.get("users", {})
        if not isinstance(raw_users, Mapping):
            raise AccessError(f"{origin}: 'users' must be a table of user name -> {{password, groups}}")
        users: dict[str, User] = {}
        for name, entry in raw_users.items():
            if not isinstance(entry, Mapping) or not isinstance(entry.get("password"), str):
                raise AccessError(f"{origin}: user {name!r} needs a 'password' hash "
                                  "(make one with `python -m rag.ui.access hash`)")
            if not entry["password"].startswith(_SCHEME + "$"):
                raise AccessError(f"{origin}: user {name!r}: password must be a {_SCHEME} hash, not plain "
                                  "text (make one with `python -m rag.ui.access hash`)")
            groups = entry.get("groups", [])
            if isinstance(groups, str) or not all(isinstance(g, str) for g in groups):
                raise AccessError(f"{origin}: user {name!r}: 'groups' must be a list of names")
            users[str(name)] = User(str(name), entry["password"], frozenset(groups))
        raw_collections = data.get("collections", {})
        if not isinstance(raw_collections, Mapping):
            raise AccessError(f"{origin}: 'collections' must be a table of collection -> [groups]")
        restricted: dict[str, frozenset[str]] = {}
        for collection, groups in raw_collections.items():
            if isinstance(groups, str) or not isinstance(groups, Iterable):
                raise AccessError(f"{origin}: collection {collection!r}: give a list of groups, "
                                  f"e.g. {collection} = [\"analysts\"]")
            restricted[str(collection)] = frozenset(str(g) for g in groups)
        return cls(users, restricted)

    @classmethod
    def load(cls, source: str | os.PathLike[str] | None) -> "AccessPolicy":
        """From a ``.toml``/``.json`` file, inline JSON (``{...}``), or nothing (open access)."""
        if source is None or str(source).strip() == "":
            return cls()
        text = str(source).strip()
        if text.startswith("{"):
            try:
                return cls.from_mapping(json.loads(text), origin="RAG_UI_USERS")
            except json.JSONDecodeError as exc:
                raise AccessError(f"RAG_UI_USERS: not valid JSON ({exc})") from None
        path = Path(text)
        try:
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise AccessError(f"{path}: users file not found") from None
        try:
            data = json.loads(raw) if path.suffix.lower() == ".json" else tomllib.loads(raw)
        except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
            raise AccessError(f"{path}: cannot parse users file ({exc})") from None
        return cls.from_mapping(data, origin=str(path))

    def check(self, username: str, password: str) -> bool:
        """The ``auth=`` callable for Gradio: True when the password matches."""
        user = self.users.get(username)
        if user is None:
            verify_password(password, _dummy_hash())
            return False
        return verify_password(password, user.password_hash)

    def groups(self, username: str | None) -> frozenset[str]:
        user = self.users.get(username or "")
        return user.groups if user else frozenset()

    def may_read(self, username: str | None, collection: str) -> bool:
        """Open collections need a login when login is on; restricted ones need a group."""
        if self.login_required and username not in self.users:
            return False
        groups = self.restricted.get(collection)
        return groups is None or bool(groups & self.groups(username))

    def allowed_collections(self, username: str | None, collections: Iterable[str]) -> list[str] | None:
        """What to pass as ``allowed_collections``: None when nothing is restricted at all.

        ``collections`` are the ones in the index now; a collection created later is
        simply absent from the list, so the list can only err on the side of hiding.
        """
        if not self.restricted and not self.login_required:
            return None
        return sorted(c for c in set(collections) if self.may_read(username, c))

    def may_edit(self, username: str | None, editor_groups: Sequence[str]) -> bool:
        """Upload/remove rights: any (logged-in) user unless editor groups are configured."""
        if self.login_required and username not in self.users:
            return False
        return not editor_groups or bool(set(editor_groups) & self.groups(username))


class PolicyFile:
    """The current :class:`AccessPolicy`, re-read when its users file changes.

    Calling it returns the policy; the file's modification time and size are
    checked at most every ``check_every_s`` seconds. A file that became unreadable
    or invalid keeps the last good policy (and logs an error naming the file),
    so a half-saved edit never opens anything up. Inline JSON and "no file" are
    fixed policies.

    Example:
        >>> PolicyFile(None)().login_required
        False
    """

    def __init__(self, source: str | os.PathLike[str] | None, *, check_every_s: float = 1.0,
                 initial: "AccessPolicy | None" = None) -> None:
        self.source = source
        self.check_every_s = check_every_s
        text = "" if source is None else str(source).strip()
        self._path = Path(text) if text and not text.startswith("{") else None
        self._stamp = self._stat()
        self._policy = initial if initial is not None else AccessPolicy.load(source)
        self._checked = time.monotonic()
        self._lock = threading.Lock()

    def _stat(self) -> tuple[int, int] | None:
        if self._path is None:
            return None
        try:
            st = self._path.stat()
        except OSError:
            return None
        return st.st_mtime_ns, st.st_size

    def __call__(self) -> "AccessPolicy":
        if self._path is None:
            return self._policy
        now = time.monotonic()
        if now - self._checked < self.check_every_s:
            return self._policy
        with self._lock:
            self._checked = now
            stamp = self._stat()
            if stamp == self._stamp:
                return self._policy
            try:
                policy = AccessPolicy.load(self._path)
            except AccessError as exc:
                log.error("%s; keeping the previous users and rights", exc)
                return self._policy
            self._stamp = stamp
            self._policy = policy
            log.info("%s: users file changed; now %d user(s), %d restricted collection(s)",
                     self._path, len(policy.users), len(policy.restricted))
            return policy


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m rag.ui.access hash [--password-stdin]``: print a password hash for the users file."""
    parser = argparse.ArgumentParser(prog="python -m rag.ui.access", description=main.__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    hash_cmd = sub.add_parser("hash", help="hash a password for the users file")
    hash_cmd.add_argument("--password-stdin", action="store_true",
                          help="read the password from standard input instead of prompting")
    args = parser.parse_args(argv)
    if args.command == "hash":
        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Again: "):
                print("passwords differ", file=sys.stderr)
                return 1
        if not password:
            print("password: must not be empty", file=sys.stderr)
            return 1
        print(hash_password(password))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
