"""The web server around the Gradio Blocks: our own sign-in and sign-out routes, the file routes, and
Gradio mounted at ``/`` through its documented ``gr.mount_gradio_app(..., auth_dependency=...)``.

How a user is known (see also :mod:`rag.ui.sessions`):

1. ``GET /login`` shows a plain sign-in form (no script, nothing fetched from elsewhere).
2. ``POST /login`` (form fields ``username``, ``password``) checks them through
   :class:`rag.ui.login.Authenticator` (backoff per user and address, HTTP 429 with
   ``Retry-After``, an audit line on ``rag.ui.login``), starts a server-side session
   and sets the session cookie. A browser is sent back to the app (303); any other
   client (``gradio_client``, ``curl``) gets ``{"success": true}``, or 400 for wrong
   credentials, as Gradio's own route answered.
3. :class:`rag.ui.sessions.SessionGuard` puts the session's user on each request,
   and Gradio's ``auth_dependency`` (:func:`rag.ui.sessions.request_user`) hands it to
   every event handler as ``gr.Request.username``; Gradio answers 401 to a request
   without one.
4. ``GET /logout`` ends the session server-side and deletes the cookie.

:class:`ServerThread` runs the app with uvicorn in a background thread.

Example:
    >>> app = web_app(blocks, policy=lambda: policy, sessions=SessionStore(),        # doctest: +SKIP
    ...               authenticator=Authenticator(lambda: policy))
    >>> server = ServerThread(app, "127.0.0.1", 7860); server.start()                 # doctest: +SKIP
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from html import escape
from typing import Any

import gradio as gr
import uvicorn
from fastapi import FastAPI
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from rag.ui.access import AccessPolicy
from rag.ui.login import Authenticator, LoginThrottled, client_address
from rag.ui.sessions import SESSION_COOKIE, SessionGuard, SessionStore, request_user

log = logging.getLogger(__name__)
audit = logging.getLogger("rag.ui.login")  # the sign-in audit log: one logger for every line of it

INCORRECT = "Incorrect user name or password."
LOGIN_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
}
_LOGIN_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — sign in</title>
<style>
body{{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;
  font:15px system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;background:#f6f7f9;color:#1f2328}}
form{{background:#fff;border:1px solid #d0d7de;border-radius:10px;padding:28px 32px;width:min(340px,90vw)}}
h1{{font-size:20px;margin:0 0 6px}} p{{margin:0 0 16px;color:#57606a}}
label{{display:block;font-weight:600;margin:12px 0 4px}}
input{{box-sizing:border-box;width:100%;padding:8px 10px;border:1px solid #d0d7de;border-radius:6px;font:inherit}}
button.primary{{margin-top:18px;width:100%;padding:9px;border:0;border-radius:6px;background:#ea580c;color:#fff;
  font:inherit;font-weight:600;cursor:pointer}}
.error{{color:#b42318;background:#fef3f2;border:1px solid #fecdca;border-radius:6px;padding:8px 10px}}
@media (prefers-color-scheme: dark){{body{{background:#0d1117;color:#e6edf3}}
  form{{background:#161b22;border-color:#30363d}} p{{color:#9da7b3}}
  input{{background:#0d1117;color:#e6edf3;border-color:#30363d}}
  .error{{color:#ffb4a9;background:#3b1a16;border-color:#7a2e26}}}}
</style></head><body>
<form method="post" action="login" autocomplete="on">
<h1>{title}</h1><p>{message}</p>{error}
<label for="username">User name</label>
<input id="username" type="text" name="username" autocomplete="username" required autofocus value="{username}">
<label for="password">Password</label>
<input id="password" type="password" name="password" autocomplete="current-password" required>
<button class="primary" type="submit">Sign in</button>
</form></body></html>
"""


def login_page(title: str, message: str, error: str = "", username: str = "") -> str:
    """The sign-in form as HTML (every value escaped)."""
    note = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    return _LOGIN_PAGE.format(title=escape(title), message=escape(message), error=note,
                              username=escape(username, quote=True))


def _wants_html(request: Request) -> bool:
    """A browser submitting the form (it asks for HTML), not an API client."""
    return "text/html" in request.headers.get("accept", "")


def login_routes(authenticator: Authenticator, sessions: SessionStore, policy: Callable[[], AccessPolicy], *,
                 title: str = "Sign in", message: str = "Sign in with your research account.") -> list[Route]:
    """``GET``/``POST /login`` and ``GET``/``POST /logout`` (see the module docstring)."""

    def back_to_app() -> Response:
        return RedirectResponse("./", status_code=303, headers={"Cache-Control": "no-store"})

    def refusal(request: Request, status: int, detail: str, username: str,
                headers: dict[str, str] | None = None) -> Response:
        if _wants_html(request):
            return HTMLResponse(login_page(title, message, detail, username), status_code=status,
                                headers={**LOGIN_HEADERS, **(headers or {})})
        return JSONResponse({"detail": detail}, status_code=status, headers=headers)

    async def show(request: Request) -> Response:
        if not policy().login_required:
            return back_to_app()
        user, reason = sessions.lookup(request.cookies.get(SESSION_COOKIE), active=False)
        if user is not None:
            return back_to_app()
        error = f"You were signed out ({reason})." if reason else ""
        return HTMLResponse(login_page(title, message, error), headers=LOGIN_HEADERS)

    async def sign_in(request: Request) -> Response:
        if not policy().login_required:
            return back_to_app()
        form = await request.form()
        username = str(form.get("username") or "").strip()
        password = str(form.get("password") or "")
        try:
            ok = await authenticator(username, password)
        except LoginThrottled as exc:
            return refusal(request, 429, str(exc.detail), username, dict(exc.headers or {}))
        if not ok:
            return refusal(request, 400, INCORRECT, username)
        # A fresh token on every sign-in: a token planted before it (session fixation) is worth nothing.
        sessions.end(request.cookies.get(SESSION_COOKIE), "signed in again")
        token = sessions.start(username)
        response: Response = back_to_app() if _wants_html(request) else JSONResponse({"success": True})
        response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax",
                            secure=request.url.scheme == "https")
        return response

    async def sign_out(request: Request) -> Response:
        user = sessions.end(request.cookies.get(SESSION_COOKIE), "you signed out")
        if user is not None:
            audit.info("logout: user=%r address=%s time=%s", user, client_address(),
                       datetime.now(UTC).isoformat(timespec="seconds"))
        response = back_to_app()
        response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax")
        return response

    return [Route("/login", show, methods=["GET", "HEAD"]), Route("/login", sign_in, methods=["POST"]),
            Route("/logout", sign_out, methods=["GET", "POST"])]


def web_app(blocks: gr.Blocks, *, policy: Callable[[], AccessPolicy], sessions: SessionStore,
            authenticator: Authenticator, may_upload: Callable[[str | None], bool] | None = None,
            routes: Sequence[BaseRoute] = (), title: str = "Sign in",
            auth_message: str = "Sign in with your research account.", **gradio: Any) -> FastAPI:
    """A FastAPI app: the sign-in routes, ``routes``, and ``blocks`` mounted at ``/``.

    ``gradio`` are further :func:`gradio.mount_gradio_app` arguments (theme, css, blocked_paths …).
    Whether login is on is decided now, from ``policy()`` (as Gradio's ``auth=`` was); who the users
    are and what they may do is re-read on every request.
    """
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None,
                  routes=[*login_routes(authenticator, sessions, policy, title=title, message=auth_message),
                          *routes],
                  middleware=[Middleware(SessionGuard, sessions=sessions, policy=policy, may_upload=may_upload)])
    login = policy().login_required
    return gr.mount_gradio_app(app, blocks, path="/", auth_dependency=request_user if login else None,
                               auth_message=auth_message if login else None, **gradio)


class ServerThread:
    """``app`` served by uvicorn on ``host:port`` in a daemon thread (signals stay with the caller)."""

    def __init__(self, app: Any, host: str, port: int, *, log_level: str = "warning") -> None:
        self.host, self.port = host, port
        self.server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level=log_level))
        self.thread = threading.Thread(target=self.server.run, name=f"rag-web-{port}", daemon=True)

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self, timeout_s: float = 60.0) -> None:
        """Start and wait until it accepts connections; OSError when it cannot (e.g. the port is taken)."""
        self.thread.start()
        deadline = time.monotonic() + timeout_s
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise OSError(f"{self.host}:{self.port}: the web server did not start "
                              "(is the port in use? see the log above)")
            time.sleep(0.01)

    def stop(self) -> None:
        """Stop without waiting for open connections: every open page holds a heartbeat stream, and
        a graceful shutdown would wait for each."""
        self.server.force_exit = True
        self.server.should_exit = True
        if self.thread.is_alive() and self.thread is not threading.current_thread():
            self.thread.join(timeout=5)

    def wait(self) -> None:
        """Block until the server stops (Ctrl-C raises KeyboardInterrupt here)."""
        while self.thread.is_alive():
            self.thread.join(timeout=0.2)
