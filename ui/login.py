"""Sign-in for the web app: backoff after failed attempts, an audit line per attempt, and
password hashing off the event loop.

:class:`LoginThrottle` counts failures per user name and per client address.
After ``free_failures`` failures in a row (``address_free_failures``, default 10,
for an address, which many people may share), each further failure locks that
name (or address) for ``base_delay_s * 2**n`` seconds, up to ``max_delay_s``; while
locked, attempts are refused without checking the password, so guessing costs
the attacker time and the server nothing. A success clears the user's and the
address's record.

:class:`Authenticator` checks a user name and password for the app's own sign-in
route (``POST /login`` in :mod:`rag.ui.server`). The client address comes from
:func:`client_address`, which :class:`rag.ui.sessions.SessionGuard` sets for each
request. Every attempt is logged on the ``rag.ui.login`` logger: user, address,
time and outcome, never the password.

Example:
    >>> throttle = LoginThrottle(free_failures=1, address_free_failures=1, base_delay_s=10, clock=lambda: 100.0)
    >>> throttle.failed("bob", "10.0.0.5"), throttle.failed("bob", "10.0.0.5")
    (0.0, 10.0)
    >>> throttle.retry_after("bob", "10.0.0.9"), throttle.retry_after("carol", "10.0.0.5")
    (10.0, 10.0)
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from starlette.exceptions import HTTPException

log = logging.getLogger(__name__)

_client_address: contextvars.ContextVar[str] = contextvars.ContextVar("rag_ui_client_address", default="unknown")


def client_address() -> str:
    """The address of the client whose request is being handled ("unknown" outside a request)."""
    return _client_address.get()


def set_client_address(address: str) -> contextvars.Token[str]:
    """Record the current request's client address (see :class:`rag.ui.sessions.SessionGuard`)."""
    return _client_address.set(address or "unknown")


def reset_client_address(token: contextvars.Token[str]) -> None:
    """Restore the address recorded before :func:`set_client_address` returned ``token``."""
    _client_address.reset(token)


class LoginThrottled(HTTPException):
    """Too many failed sign-ins for this name or address; ``retry_after`` seconds to wait.

    An HTTP 429 with ``Retry-After`` when raised inside the login route.
    """

    def __init__(self, retry_after: float) -> None:
        self.retry_after = retry_after
        seconds = max(1, round(retry_after))
        super().__init__(status_code=429, detail=f"Too many failed sign-ins: try again in {seconds} s.",
                         headers={"Retry-After": str(seconds)})


@dataclass
class _Record:
    failures: int = 0
    locked_until: float = 0.0
    last: float = 0.0


class LoginThrottle:
    """Exponential backoff per user name and per client address (see the module docstring).

    Records are forgotten ``forget_after_s`` after the last failure, and at most
    ``max_entries`` are kept (oldest dropped), so a flood of names cannot grow memory.
    """

    def __init__(self, *, free_failures: int = 3, address_free_failures: int | None = None,
                 base_delay_s: float = 1.0, max_delay_s: float = 300.0,
                 forget_after_s: float = 3600.0, max_entries: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if free_failures < 0 or base_delay_s <= 0 or max_delay_s < base_delay_s:
            raise ValueError("LoginThrottle: need free_failures >= 0 and 0 < base_delay_s <= max_delay_s")
        self.free_failures = free_failures
        # Many people may share one address (an office behind NAT): it gets more slack than a name.
        self.address_free_failures = (max(free_failures, 10) if address_free_failures is None
                                      else address_free_failures)
        self.base_delay_s = base_delay_s
        self.max_delay_s = max_delay_s
        self.forget_after_s = forget_after_s
        self.max_entries = max_entries
        self._clock = clock
        self._records: OrderedDict[str, _Record] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _keys(user: str, address: str) -> tuple[str, str]:
        return f"user:{user.strip().lower()}", f"addr:{address}"

    def retry_after(self, user: str, address: str) -> float:
        """Seconds until this name and address may try again (0.0: now)."""
        now = self._clock()
        with self._lock:
            waits = [r.locked_until - now for k in self._keys(user, address)
                     if (r := self._records.get(k)) is not None]
        return max([0.0, *waits])

    def failed(self, user: str, address: str) -> float:
        """Count a failure; returns the lock now in force (seconds)."""
        now = self._clock()
        lock = 0.0
        with self._lock:
            self._expire(now)
            for key in self._keys(user, address):
                record = self._records.pop(key, None) or _Record()
                record.failures += 1
                record.last = now
                free = self.free_failures if key.startswith("user:") else self.address_free_failures
                excess = record.failures - free
                if excess > 0:
                    delay = min(self.max_delay_s, self.base_delay_s * 2 ** (excess - 1))
                    record.locked_until = max(record.locked_until, now + delay)
                lock = max(lock, record.locked_until - now)
                self._records[key] = record
            while len(self._records) > self.max_entries:
                self._records.popitem(last=False)
        return lock

    def succeeded(self, user: str, address: str) -> None:
        """A correct password: this name and address start afresh."""
        with self._lock:
            for key in self._keys(user, address):
                self._records.pop(key, None)

    def _expire(self, now: float) -> None:
        while self._records:
            key, record = next(iter(self._records.items()))
            if now - record.last < self.forget_after_s or record.locked_until > now:
                break
            del self._records[key]


class Authenticator:
    """The sign-in check: throttle, check the password in a small pool, log the outcome.

    ``policy`` is a callable returning the current :class:`rag.ui.access.AccessPolicy`
    (it is re-read when the users file changes). PBKDF2 runs in a pool of
    ``workers`` threads, so a burst of sign-ins waits there instead of blocking
    the event loop or taking the threads that answer questions.
    """

    def __init__(self, policy: Callable[[], Any], throttle: LoginThrottle | None = None, *,
                 workers: int = 2) -> None:
        self.policy = policy
        self.throttle = throttle or LoginThrottle()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="rag-login")

    async def __call__(self, username: str, password: str) -> bool:
        address = client_address()
        when = datetime.now(UTC).isoformat(timespec="seconds")
        wait = self.throttle.retry_after(username, address)
        if wait > 0:
            log.warning("login refused (throttled, %.0f s left): user=%r address=%s time=%s",
                        wait, username, address, when)
            raise LoginThrottled(wait)
        policy = self.policy()
        ok = await asyncio.get_running_loop().run_in_executor(self._pool, policy.check, username, password)
        if ok:
            self.throttle.succeeded(username, address)
            log.info("login succeeded: user=%r address=%s time=%s", username, address, when)
        else:
            lock = self.throttle.failed(username, address)
            log.warning("login failed: user=%r address=%s time=%s%s", username, address, when,
                        f" (locked for {lock:.0f} s)" if lock > 0 else "")
        return bool(ok)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
