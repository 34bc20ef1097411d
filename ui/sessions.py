"""Sessions of the web app: idle expiry, revocation when the users file drops a user, and a
clear "signed out" answer instead of a bare error.

Gradio keeps sign-ins as ``app.tokens[cookie token] -> user name`` and never
expires them. :class:`SessionGuard` is an ASGI middleware in front of the app
that, for every request carrying a session cookie:

- ends the session when it has been idle longer than ``idle_timeout_s`` (the
  page's heartbeat does not count as activity), or when its user is no longer in
  the (re-read) users file;
- answers an action from an ended session (asking a question, uploading, calling
  the API) with HTTP 401 and a sentence the page shows: "You are signed out …";
- refuses Gradio's raw upload route to users who may not upload (``may_upload``);
- records the client address for :func:`rag.ui.login.client_address`, which the
  sign-in audit log and throttle use.

Example:
    >>> from starlette.middleware import Middleware
    >>> m = Middleware(SessionGuard, policy=lambda: None, idle_timeout_s=1800)   # app_kwargs["middleware"]
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict
from typing import Any, Awaitable, Callable, MutableMapping

from starlette.requests import HTTPConnection

from rag.ui.login import _client_address

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]

SIGNED_OUT = "You are signed out ({reason}). Reload the page to sign in again."
_PASSIVE = ("/heartbeat/",)  # requests the open page makes by itself: not user activity


class SessionGuard:
    """ASGI middleware; see the module docstring. ``policy`` returns the current AccessPolicy."""

    def __init__(self, app: ASGIApp, *, policy: Callable[[], Any], idle_timeout_s: float = 1800.0,
                 may_upload: Callable[[str | None], bool] | None = None,
                 clock: Callable[[], float] = time.monotonic, max_ended: int = 10_000) -> None:
        self.app = app
        self.policy = policy
        self.may_upload = may_upload
        self.idle_timeout_s = idle_timeout_s
        self._clock = clock
        self._seen: dict[str, float] = {}
        self._ended: OrderedDict[str, str] = OrderedDict()
        self._max_ended = max_ended
        self._lock = threading.Lock()
        self._requests = 0

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Any]],
                       send: Callable[[Any], Awaitable[None]]) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        marker = _client_address.set(str(client[0]) if client else "unknown")
        try:
            reason = self.check(scope)
            if reason is None and _is_action(scope) and self._anonymous(scope):
                # Logging out in one tab deletes the cookie in all of them.
                reason = "you signed out or your session ended"
            if reason and scope["type"] == "http" and _is_action(scope):
                await _send_json(send, 401, SIGNED_OUT.format(reason=reason))
                return
            if self.may_upload is not None and _is_upload(scope) and not self.may_upload(self.user(scope)):
                # Gradio's raw upload route would otherwise let anyone signed in fill its cache.
                await _send_json(send, 403, "You may not upload documents.")
                return
            await self.app(scope, receive, send)
        finally:
            _client_address.reset(marker)

    @staticmethod
    def _token(scope: Scope) -> tuple[dict[str, str] | None, str | None]:
        app = scope.get("app")
        tokens: dict[str, str] | None = getattr(app, "tokens", None)
        cookie_id = getattr(app, "cookie_id", None)
        if tokens is None or cookie_id is None:
            return None, None
        cookies = HTTPConnection(scope).cookies
        return tokens, cookies.get(f"access-token-{cookie_id}") or cookies.get(f"access-token-unsecure-{cookie_id}")

    def user(self, scope: Scope) -> str | None:
        """The signed-in user of this request (None: no live session)."""
        tokens, token = self._token(scope)
        return tokens.get(token) if tokens is not None and token else None

    def _anonymous(self, scope: Scope) -> bool:
        """Login is on and this request carries no live session."""
        tokens, token = self._token(scope)
        policy = self.policy()
        return (tokens is not None and policy is not None and policy.login_required
                and not (token and token in tokens))

    def check(self, scope: Scope) -> str | None:
        """Why this request's session has ended (None: it is live, or there is none)."""
        tokens, token = self._token(scope)
        if tokens is None or not token:
            return None
        policy = self.policy()
        now = self._clock()
        with self._lock:
            self._requests += 1
            if self._requests % 1000 == 0:  # forget sessions Gradio no longer knows (logout)
                self._seen = {t: s for t, s in self._seen.items() if t in tokens}
            user = tokens.get(token)
            if user is None:
                if policy is None or not policy.login_required:
                    return None
                return self._ended.get(token, "your session has ended")
            if policy is not None and policy.login_required and user not in policy.users:
                return self._end(tokens, token, user, "your account is no longer in the users file")
            last = self._seen.get(token)
            if self.idle_timeout_s > 0 and last is not None and now - last > self.idle_timeout_s:
                minutes = self.idle_timeout_s / 60
                return self._end(tokens, token, user, f"no activity for more than {minutes:g} minutes")
            if not any(p in scope.get("path", "") for p in _PASSIVE):
                self._seen[token] = now
        return None

    def _end(self, tokens: dict[str, str], token: str, user: str, reason: str) -> str:
        tokens.pop(token, None)
        self._seen.pop(token, None)
        self._ended[token] = reason
        while len(self._ended) > self._max_ended:
            self._ended.popitem(last=False)
        log.info("session ended: user=%r reason=%s", user, reason)
        return reason


async def _send_json(send: Callable[[Any], Awaitable[None]], status: int, message: str) -> None:
    payload = json.dumps({"detail": message, "error": message}).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"cache-control", b"no-store")]})
    await send({"type": "http.response.body", "body": payload})


def _is_upload(scope: Scope) -> bool:
    return scope.get("method") == "POST" and str(scope.get("path", "")).rstrip("/").endswith("/gradio_api/upload")


def _is_action(scope: Scope) -> bool:
    """Requests a user makes on purpose (a question, an upload, an API call), not page loads."""
    path = str(scope.get("path", ""))
    if path.rstrip("/").endswith("/login"):
        return False  # signing in again must work
    return scope.get("method") == "POST" or "/queue/data" in path or "/call/" in path
