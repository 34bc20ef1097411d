"""Issue 12.4: the app's own sign-in (``/login``, ``/logout``, a server-side session cookie) in front of
Gradio, instead of Gradio's private token table and cookie names."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import pytest

from rag.ui.access import AccessPolicy
from tests.ui.test_app_unit import _users
from tests.ui.test_security import Clock

UI = Path(__file__).resolve().parents[2] / "ui"
BROWSER = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def _app(policy: AccessPolicy | None = None, clock: Clock | None = None, idle_s: float = 60.0,
         free_failures: int = 3) -> tuple[Any, Any]:
    """The sign-in routes and a /whoami page behind the SessionGuard, as :func:`rag.ui.server.web_app` wires them."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    from rag.ui.login import Authenticator, LoginThrottle
    from rag.ui.server import login_routes
    from rag.ui.sessions import SessionGuard, SessionStore, request_user

    policy = policy or AccessPolicy.from_mapping(_users())
    clock = clock or Clock()
    sessions = SessionStore(idle_timeout_s=idle_s, clock=clock)
    authenticator = Authenticator(lambda: policy, LoginThrottle(free_failures=free_failures, base_delay_s=30,
                                                                clock=clock))

    async def whoami(request: Any) -> Any:
        return PlainTextResponse(str(request_user(request)))

    routes = [*login_routes(authenticator, sessions, lambda: policy, title="Research <b>assistant</b>"),
              Route("/whoami", whoami), Route("/", whoami), Route("/gradio_api/queue/join", whoami, methods=["POST"])]
    app = Starlette(routes=routes, middleware=[Middleware(SessionGuard, sessions=sessions, policy=lambda: policy)])
    return app, sessions


def _client(app: Any, **kwargs: Any) -> Any:
    from starlette.testclient import TestClient

    return TestClient(app, follow_redirects=False, **kwargs)


def test_a_browser_signs_in_with_the_form_and_gets_an_httponly_same_site_cookie() -> None:
    from rag.ui.sessions import SESSION_COOKIE

    app, sessions = _app()
    client = _client(app)
    page = client.get("/")
    assert page.status_code == 303 and page.headers["location"] == "login"
    form = client.get("/login", headers=BROWSER)
    assert form.status_code == 200 and 'type="password"' in form.text and 'action="login"' in form.text
    assert "Research &lt;b&gt;assistant&lt;/b&gt;" in form.text  # the title is escaped
    assert "default-src 'none'" in form.headers["content-security-policy"]
    assert not re.search(r"(src|href)=[\"']https?:", form.text)  # nothing fetched from elsewhere

    signed_in = client.post("/login", data={"username": "alice", "password": "alice-pw"}, headers=BROWSER)
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "./"
    cookie = signed_in.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=") and "httponly" in cookie.lower()
    assert "samesite=lax" in cookie.lower() and "secure" not in cookie.lower()  # plain http: no Secure
    assert client.get("/whoami").text == "alice"
    assert client.get("/login", headers=BROWSER).status_code == 303  # already signed in: back to the app
    assert len(sessions) == 1


def test_over_https_the_cookie_is_secure() -> None:
    app, _ = _app()
    client = _client(app, base_url="https://rag.example")
    response = client.post("/login", data={"username": "alice", "password": "alice-pw"})
    assert response.status_code == 200 and "secure" in response.headers["set-cookie"].lower()


def test_api_clients_get_json_and_gradio_status_codes() -> None:
    app, _ = _app()
    client = _client(app)
    ok = client.post("/login", data={"username": "bob", "password": "bob-pw"})
    assert ok.status_code == 200 and ok.json() == {"success": True}  # what gradio_client expects
    assert client.get("/whoami").text == "bob"
    wrong = client.post("/login", data={"username": "bob", "password": "nope"})
    assert wrong.status_code == 400 and wrong.json()["detail"] == "Incorrect user name or password."
    page = client.post("/login", data={"username": "<bob>", "password": "nope"}, headers=BROWSER)
    assert page.status_code == 400 and "Incorrect user name or password." in page.text
    assert 'value="&lt;bob&gt;"' in page.text and "<bob>" not in page.text


def test_failed_sign_ins_back_off_with_429_and_are_audited(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="rag.ui.login")
    app, _ = _app(free_failures=2)
    client = _client(app)
    codes = [client.post("/login", data={"username": "bob", "password": f"x{n}"}).status_code for n in range(4)]
    assert codes == [400, 400, 400, 429]
    throttled = client.post("/login", data={"username": "bob", "password": "bob-pw"}, headers=BROWSER)
    assert throttled.status_code == 429 and throttled.headers["retry-after"] == "30"
    assert "Too many failed sign-ins" in throttled.text and 'type="password"' in throttled.text
    lines = [r.getMessage() for r in caplog.records if r.name == "rag.ui.login"]
    assert sum(line.startswith("login failed: user='bob' address=testclient") for line in lines) == 3
    assert not any("x1" in line or "bob-pw" in line for line in lines)


def test_logout_ends_the_session_for_every_copy_of_the_cookie(caplog: pytest.LogCaptureFixture) -> None:
    from rag.ui.sessions import SESSION_COOKIE

    caplog.set_level(logging.INFO, logger="rag.ui")
    app, sessions = _app()
    client = _client(app)
    client.post("/login", data={"username": "alice", "password": "alice-pw"})
    stolen = client.cookies[SESSION_COOKIE]
    out = client.get("/logout")
    assert out.status_code == 303 and out.headers["location"] == "./"
    assert f'{SESSION_COOKIE}=""' in out.headers["set-cookie"] and "max-age=0" in out.headers["set-cookie"].lower()
    other = _client(app)  # a copy of the cookie elsewhere is worth nothing now
    other.cookies.set(SESSION_COOKIE, stolen)
    assert other.get("/whoami").text == "None"
    refused = other.post("/gradio_api/queue/join")
    assert refused.status_code == 401 and "You are signed out (you signed out)" in refused.json()["detail"]
    assert "You were signed out (you signed out)." in other.get("/login").text
    assert len(sessions) == 0
    assert any(r.getMessage().startswith("logout: user='alice' address=testclient") for r in caplog.records
               if r.name == "rag.ui.login")


def test_signing_in_again_replaces_the_token() -> None:
    from rag.ui.sessions import SESSION_COOKIE

    app, sessions = _app()
    planted = sessions.start("bob")  # a token someone slipped into the browser before it signs in
    client = _client(app)
    client.cookies.set(SESSION_COOKIE, planted, domain="testserver.local")  # as the server's own would be
    client.post("/login", data={"username": "alice", "password": "alice-pw"})
    assert client.cookies[SESSION_COOKIE] != planted and client.get("/whoami").text == "alice"
    assert sessions.lookup(planted) == (None, "signed in again")


def test_without_a_users_file_the_sign_in_routes_lead_back_to_the_app() -> None:
    app, sessions = _app(AccessPolicy())
    client = _client(app)
    assert client.get("/login").status_code == 303
    assert client.post("/login", data={"username": "alice", "password": "x"}).status_code == 303
    assert client.get("/", headers=BROWSER).text == "None" and len(sessions) == 0


def test_the_session_table_is_bounded_and_forgets_the_oldest() -> None:
    from rag.ui.sessions import SessionStore

    clock = Clock()
    sessions = SessionStore(clock=clock, max_sessions=3, max_ended=1)
    tokens = []
    for n in range(5):
        clock.now += 1
        tokens.append(sessions.start(f"user{n}"))
    assert len(sessions) == 3 and sessions.lookup(tokens[0]) == (None, None)  # its reason is forgotten too
    assert sessions.lookup(tokens[1])[1] == "too many sessions; the oldest ended"
    assert sessions.lookup(tokens[4]) == ("user4", None)
    assert sessions.lookup("made-up") == (None, None) and sessions.lookup(None) == (None, None)


def test_the_ui_uses_no_private_gradio_parts() -> None:
    """Who is signed in comes from our session cookie and gr.Request, never Gradio's token table or cookie
    names; nothing is patched onto the Blocks; the library is reached through the Assistant."""
    source = {path.name: path.read_text(encoding="utf-8") for path in UI.glob("*.py")}
    for name, text in source.items():
        for private in ("app.tokens", "cookie_id", "access-token", ".tokens.get", "store._", "._lock.",
                        ".retriever.lexical", "demo.handlers", "demo.service", "app_kwargs"):
            assert private not in text, f"ui/{name} uses {private!r}"
        assert not re.search(r"\b(demo|blocks)\.\w+\s*=[^=]", text), f"ui/{name} sets an attribute on the Blocks"
