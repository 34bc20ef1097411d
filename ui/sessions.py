"""Sessions of the web app: our own sign-in cookie, idle expiry, revocation when the users file drops a
user, and a clear "signed out" answer instead of a bare error.

A successful sign-in (:mod:`rag.ui.server`'s ``POST /login``) starts a session in the
:class:`SessionStore`: a random 256-bit token, kept server-side with its user and
last activity, sent to the browser as the HttpOnly, SameSite=Lax cookie
:data:`SESSION_COOKIE` (Secure over HTTPS). The token is only a key: ending a
session server-side (logout, idle expiry, the user leaving the users file) ends
it for every copy of the cookie, which a signed client-side session could not do.

:class:`SessionGuard` is an ASGI middleware in front of the whole app (our
routes and the mounted Gradio app). For every request it:

- looks the cookie up and puts the user in ``scope["user"]`` / ``scope["auth"]``
  the way Starlette's ``AuthenticationMiddleware`` does (``request.user``), which
  :func:`request_user` reads for our routes and Gradio's ``auth_dependency`` for
  its own (``gr.Request.username``);
- ends the session when it has been idle longer than the store's
  ``idle_timeout_s`` (the page's heartbeat does not count as activity), or when
  its user is no longer in the (re-read) users file;
- answers an action without a live session (asking a question, uploading,
  calling the API) with HTTP 401 and a sentence the page shows: "You are signed
  out …", and sends a page load without one to the sign-in page;
- refuses Gradio's raw upload route to users who may not upload (``may_upload``);
- records the client address for :func:`rag.ui.login.client_address`, which the
  sign-in audit log and throttle use.

Example:
    >>> sessions = SessionStore(idle_timeout_s=1800, clock=lambda: 0.0)
    >>> token = sessions.start("alice")
    >>> sessions.lookup(token)
    ('alice', None)
    >>> sessions.end(token, "you signed out")
    'alice'
    >>> sessions.lookup(token)
    (None, 'you signed out')
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from starlette.authentication import AuthCredentials, SimpleUser, UnauthenticatedUser
from starlette.requests import HTTPConnection

from rag.ui.login import reset_client_address, set_client_address

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]

SESSION_COOKIE = "rag_session"
SIGNED_OUT = "You are signed out ({reason}). Reload the page to sign in again."
_PASSIVE = ("/heartbeat/",)  # requests the open page makes by itself: not user activity


@dataclass
class _Session:
    user: str
    last_seen: float


class SessionStore:
    """Live sign-ins, server-side: token → user and last activity (see the module docstring).

    At most ``max_sessions`` are kept (the least recently active dropped first), and
    the reasons of the last ``max_ended`` ended ones, so a returning page can say why.
    Thread-safe.
    """

    def __init__(self, *, idle_timeout_s: float = 1800.0, clock: Callable[[], float] = time.monotonic,
                 max_sessions: int = 100_000, max_ended: int = 10_000) -> None:
        self.idle_timeout_s = idle_timeout_s
        self._clock = clock
        self._sessions: OrderedDict[str, _Session] = OrderedDict()
        self._ended: OrderedDict[str, str] = OrderedDict()
        self._max_sessions = max_sessions
        self._max_ended = max_ended
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._sessions)

    def start(self, user: str) -> str:
        """A new session for ``user``; returns its token (the cookie's value)."""
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._sessions[token] = _Session(user, self._clock())
            while len(self._sessions) > self._max_sessions:
                old, _ = self._sessions.popitem(last=False)
                self._remember(old, "too many sessions; the oldest ended")
        return token

    def lookup(self, token: str | None, *, active: bool = True) -> tuple[str | None, str | None]:
        """``(user, None)`` for a live session (``active``: this request counts as activity),
        ``(None, reason)`` for one that has ended (an idle one ends now), ``(None, None)`` otherwise."""
        if not token:
            return None, None
        now = self._clock()
        with self._lock:
            session = self._sessions.get(token)
            if session is None:
                return None, self._ended.get(token)
            if self.idle_timeout_s > 0 and now - session.last_seen > self.idle_timeout_s:
                reason = f"no activity for more than {self.idle_timeout_s / 60:g} minutes"
                self._end_locked(token, reason)
                return None, reason
            if active:
                session.last_seen = now
                self._sessions.move_to_end(token)
            return session.user, None

    def end(self, token: str | None, reason: str) -> str | None:
        """End this session (logout, revocation); returns its user (None: there was none)."""
        if not token:
            return None
        with self._lock:
            return self._end_locked(token, reason)

    def _end_locked(self, token: str, reason: str) -> str | None:
        session = self._sessions.pop(token, None)
        if session is None:
            return None
        self._remember(token, reason)
        log.info("session ended: user=%r reason=%s", session.user, reason)
        return session.user

    def _remember(self, token: str, reason: str) -> None:
        self._ended[token] = reason
        while len(self._ended) > self._max_ended:
            self._ended.popitem(last=False)


def request_user(request: HTTPConnection) -> str | None:
    """The signed-in user of a request that passed :class:`SessionGuard` (None: nobody, or login is off).

    Also what Gradio's ``auth_dependency`` returns, so handlers see the same user in ``gr.Request.username``.
    """
    user = request.scope.get("user")
    return user.display_name if user is not None and user.is_authenticated else None


class SessionGuard:
    """ASGI middleware; see the module docstring.

    ``policy`` returns the current :class:`rag.ui.access.AccessPolicy` (None: no login);
    ``may_upload(user)`` says who may use Gradio's upload route.
    """

    def __init__(self, app: ASGIApp, *, sessions: SessionStore, policy: Callable[[], Any],
                 may_upload: Callable[[str | None], bool] | None = None, login_path: str = "login") -> None:
        self.app = app
        self.sessions = sessions
        self.policy = policy
        self.may_upload = may_upload
        self.login_path = login_path

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Any]],
                       send: Callable[[Any], Awaitable[None]]) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        marker = set_client_address(str(client[0]) if client else "unknown")
        try:
            policy = self.policy()
            user, reason = self.check(scope, policy)
            scope["user"] = SimpleUser(user) if user else UnauthenticatedUser()
            scope["auth"] = AuthCredentials(["authenticated"] if user else [])
            if user is None and policy is not None and policy.login_required and scope["type"] == "http":
                if _is_action(scope):
                    await _send_json(send, 401, SIGNED_OUT.format(
                        reason=reason or "you signed out or your session ended"))
                    return
                if _is_page(scope):
                    await _redirect(send, self.login_path)
                    return
            if self.may_upload is not None and _is_upload(scope) and not self.may_upload(user):
                # Gradio's raw upload route would otherwise let anyone signed in fill its cache.
                await _send_json(send, 403, "You may not upload documents.")
                return
            await self.app(scope, receive, send)
        finally:
            reset_client_address(marker)

    def check(self, scope: Scope, policy: Any = None) -> tuple[str | None, str | None]:
        """This request's user (None: no live session) and, when its session has ended, why.
        ``policy``: the AccessPolicy in force (default: ask ``self.policy``)."""
        policy = policy if policy is not None else self.policy()
        if policy is None or not policy.login_required:
            return None, None
        token = HTTPConnection(scope).cookies.get(SESSION_COOKIE)
        passive = any(p in str(scope.get("path", "")) for p in _PASSIVE)
        user, reason = self.sessions.lookup(token, active=not passive)
        if user is not None and user not in policy.users:
            self.sessions.end(token, "your account is no longer in the users file")
            return None, "your account is no longer in the users file"
        return user, reason


async def _send_json(send: Callable[[Any], Awaitable[None]], status: int, message: str) -> None:
    payload = json.dumps({"detail": message, "error": message}).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"cache-control", b"no-store")]})
    await send({"type": "http.response.body", "body": payload})


async def _redirect(send: Callable[[Any], Awaitable[None]], location: str) -> None:
    # Relative, so the app works unchanged behind a reverse proxy under a sub-path.
    await send({"type": "http.response.start", "status": 303,
                "headers": [(b"location", location.encode("ascii")), (b"cache-control", b"no-store")]})
    await send({"type": "http.response.body", "body": b""})


def _is_upload(scope: Scope) -> bool:
    return scope.get("method") == "POST" and str(scope.get("path", "")).rstrip("/").endswith("/gradio_api/upload")


def _is_page(scope: Scope) -> bool:
    """The app's page itself (what a browser opens), not its API."""
    return scope.get("method") in ("GET", "HEAD") and scope.get("path") in ("/", "")


def _is_action(scope: Scope) -> bool:
    """Requests a user makes on purpose (a question, an upload, an API call), not page loads."""
    path = str(scope.get("path", ""))
    if path.rstrip("/").endswith("/login"):
        return False  # signing in again must work
    return scope.get("method") == "POST" or "/queue/data" in path or "/call/" in path
