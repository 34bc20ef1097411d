"""Issue 9 (items 3-5, 7, 8) in the web app: disclosure, login throttle and audit, policy reload and
session expiry, the bound on chat-model clients, and files served only through the rights-checking route.

A real :class:`rag.Assistant` over the tiny corpus of ``test_app_unit`` with the FakeEmbedder.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from rag import Assistant
from rag.paths import public_answer, public_source
from rag.testing import FakeEmbedder
from rag.ui.access import AccessPolicy
from rag.ui.service import ResearchService
from rag.ui.settings import UISettings
from rag.ui.sources import source_url
from tests.ui.test_app_unit import KARSK, NIGHTJAR, _users, ask, corpus, handlers_for, request, signed_in_app  # noqa: F401


@pytest.fixture
def assistant(corpus: Path) -> Assistant:  # noqa: F811
    return Assistant(index_dir=corpus / "index", embedder=FakeEmbedder())


@pytest.fixture
def settings(corpus: Path, tmp_path: Path) -> UISettings:  # noqa: F811
    """The corpus root is the folder the documents were ingested from."""
    return UISettings(corpus_dir=str(corpus / "corpus"), uploads_dir=str(tmp_path / "uploads"),
                      feedback_path=str(tmp_path / "feedback.jsonl"))


@pytest.fixture
def policy() -> AccessPolicy:
    return AccessPolicy.from_mapping(_users())


# ----------------------------------------------------------------------------- 9.8 disclosure
def test_public_source_is_relative_to_the_root_or_a_hash() -> None:
    assert public_source("/srv/corpus/a/b.pdf", "/srv/corpus") == "a/b.pdf"
    outside = public_source("/home/alice/secret/b.txt", "/srv/corpus")
    assert outside.startswith("doc-") and outside.endswith("/b.txt") and "alice" not in outside
    assert public_source("/home/alice/b.txt", None).startswith("doc-")
    assert public_source("open/b.txt", "/srv/corpus") == "open/b.txt"
    data = {"citations": [{"source": "/srv/corpus/x.txt", "id": 1}], "related": [{"source": "/srv/y.txt"}],
            "retrieved": [{"source": "/srv/corpus/x.txt"}], "answer": "a"}
    out = public_answer(data, "/srv/corpus")
    assert out["citations"][0] == {"source": "x.txt", "id": 1} and out["answer"] == "a"
    assert "/srv" not in json.dumps(out)
    assert data["citations"][0]["source"] == "/srv/corpus/x.txt"  # a copy: the input is unchanged


def test_ask_api_and_chat_show_no_server_paths(assistant: Assistant, settings: UISettings,
                                               corpus: Path) -> None:  # noqa: F811
    handlers = handlers_for(assistant, settings)
    data = handlers.api_ask(KARSK, None, 5, None, None, None, request())
    assert data["citations"] and data["citations"][0]["source"] == "open/karsk.txt"
    assert str(corpus) not in json.dumps(data)
    assert all(not r["source"].startswith("/") for r in data["retrieved"])
    refused = handlers.api_ask("Who won the 2018 FIFA World Cup?", None, 5, None, None, None, request())
    assert str(corpus) not in json.dumps(refused)
    _, turns, _, panel, _ = ask(handlers, KARSK)
    assert str(corpus) not in json.dumps(turns) and str(corpus) not in panel


def test_links_to_public_sources_still_open_through_the_rights_checking_route(
        assistant: Assistant, settings: UISettings, policy: AccessPolicy) -> None:
    service = ResearchService(assistant, settings, policy)
    data = service.ask(KARSK, user="bob")
    doc_id = source_url(data["citations"][0]["source"]).removeprefix("source/")
    path = service.source_path(doc_id, "bob")
    assert path is not None and path.name == "karsk.txt"
    secret = service.ask(NIGHTJAR, user="alice")["citations"][0]["source"]
    secret_id = source_url(secret).removeprefix("source/")
    assert service.source_path(secret_id, "alice") is not None
    assert service.source_path(secret_id, "bob") is None


def test_removed_message_escapes_the_title(tmp_path: Path) -> None:
    docs = tmp_path / "corpus"
    docs.mkdir()
    (docs / "evil.txt").write_text("[Click me](https://evil.example) **now** <img src=x>\n\n"
                                   "The depot was rebuilt in 2011. It stores fuel.\n", encoding="utf-8")
    assistant = Assistant(index_dir=tmp_path / "index", embedder=FakeEmbedder())
    assert assistant.ingest([docs], progress=False).ok
    service = ResearchService(assistant, UISettings(corpus_dir=str(docs)), AccessPolicy())
    record = service.documents(None)[0]
    assert "Click me" in record.title
    from rag.ui.sources import document_id

    message = service.remove(document_id(record.source), None)
    assert "\\[Click me\\]\\(https://evil.example\\)" in message
    assert "**now**" not in message and "\\*\\*now\\*\\*" in message
    assert "\\<img" in message and " <img" not in message


# ----------------------------------------------------------------------------- 9.4 login throttle, audit
class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_throttle_backs_off_per_user_and_per_address() -> None:
    from rag.ui.login import LoginThrottle

    clock = Clock()
    throttle = LoginThrottle(free_failures=3, address_free_failures=3, base_delay_s=1.0, max_delay_s=8.0,
                             clock=clock)
    for _ in range(3):
        assert throttle.failed("alice", "10.0.0.1") == 0.0
    assert throttle.retry_after("alice", "10.0.0.1") == 0.0
    assert [throttle.failed("alice", "10.0.0.1") for _ in range(5)] == [1.0, 2.0, 4.0, 8.0, 8.0]
    # The name is locked from every address, and the address for every name.
    assert throttle.retry_after("alice", "10.9.9.9") == 8.0
    assert throttle.retry_after("bob", "10.0.0.1") == 8.0
    assert throttle.retry_after("bob", "10.9.9.9") == 0.0
    clock.now += 8.5
    assert throttle.retry_after("alice", "10.0.0.1") == 0.0
    throttle.succeeded("alice", "10.0.0.1")
    assert throttle.failed("alice", "10.0.0.1") == 0.0  # a success starts afresh


def test_a_shared_address_gets_more_slack_than_a_name() -> None:
    from rag.ui.login import LoginThrottle

    throttle = LoginThrottle(clock=Clock())  # defaults: 3 per name, 10 per address
    for n in range(9):
        throttle.failed(f"user{n}", "10.0.0.1")  # nine people behind one NAT mistype once
    assert throttle.retry_after("carol", "10.0.0.1") == 0.0
    for _ in range(4):
        throttle.failed("dave", "10.0.0.2")
    assert throttle.retry_after("dave", "10.0.0.3") > 0 and throttle.retry_after("erin", "10.0.0.2") == 0.0


def test_throttle_memory_is_bounded() -> None:
    from rag.ui.login import LoginThrottle

    throttle = LoginThrottle(max_entries=100)
    for n in range(1000):
        throttle.failed(f"user{n}", f"10.0.{n // 256}.{n % 256}")
    assert len(throttle._records) <= 100


class CountingPolicy:
    def __init__(self, policy: AccessPolicy) -> None:
        self.policy, self.calls, self.threads = policy, 0, []

    def check(self, user: str, password: str) -> bool:
        import threading

        self.calls += 1
        self.threads.append(threading.current_thread().name)
        return self.policy.check(user, password)


def test_login_is_throttled_audited_and_hashed_off_the_event_loop(
        policy: AccessPolicy, caplog: pytest.LogCaptureFixture) -> None:
    import asyncio
    import logging

    from rag.ui.login import Authenticator, LoginThrottle, LoginThrottled, set_client_address

    counting = CountingPolicy(policy)
    auth = Authenticator(lambda: counting, LoginThrottle(free_failures=2, address_free_failures=2,
                                                         base_delay_s=60))

    async def attempt(user: str, password: str, address: str = "192.0.2.7") -> Any:
        set_client_address(address)
        try:
            return await auth(user, password)
        except LoginThrottled as exc:
            return exc

    caplog.set_level(logging.INFO, logger="rag.ui.login")
    assert asyncio.run(attempt("alice", "alice-pw")) is True
    results = [asyncio.run(attempt("alice", f"guess-{n}")) for n in range(4)]
    assert results[:3] == [False, False, False]
    assert isinstance(results[3], LoginThrottled) and results[3].status_code == 429
    assert results[3].headers["Retry-After"] == "60"
    assert counting.calls == 4  # the throttled attempt never reached PBKDF2
    # Even the right password waits out the lock; another address may still sign in as bob.
    assert isinstance(asyncio.run(attempt("alice", "alice-pw")), LoginThrottled)
    assert asyncio.run(attempt("bob", "bob-pw", "198.51.100.1")) is True
    assert all(name.startswith("rag-login") for name in counting.threads)
    lines = [r.getMessage() for r in caplog.records if r.name == "rag.ui.login"]
    assert any(line.startswith("login succeeded: user='alice' address=192.0.2.7 time=") for line in lines)
    assert sum(line.startswith("login failed: user='alice' address=192.0.2.7") for line in lines) == 3
    assert any("throttled" in line and "user='alice'" in line for line in lines)
    assert not any("guess-" in line or "alice-pw" in line for line in lines)
    auth.close()


# ----------------------------------------------------------------------------- 9.7 policy reload, sessions
def _write_users(path: Path, bob_groups: list[str], with_bob: bool = True) -> None:
    from rag.ui.access import hash_password

    alice = hash_password("alice-pw", iterations=1000)
    bob = hash_password("bob-pw", iterations=1000)
    text = f'[users.alice]\npassword = "{alice}"\ngroups = ["analysts"]\n'
    if with_bob:
        text += f'[users.bob]\npassword = "{bob}"\ngroups = {json.dumps(bob_groups)}\n'
    text += '[collections]\nrestricted = ["analysts"]\n'
    path.write_text(text, encoding="utf-8")


def _touch_later(path: Path, seconds: int) -> None:
    import os

    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + seconds * 1_000_000_000))


def test_users_file_changes_apply_without_a_restart(
        assistant: Assistant, settings: UISettings, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from rag.ui.access import PolicyFile

    users = tmp_path / "users.toml"
    _write_users(users, [])
    service = ResearchService(assistant, settings, PolicyFile(users, check_every_s=0))
    assert service.ask(NIGHTJAR, user="bob")["refused"]
    _write_users(users, ["analysts"])  # bob joins the group
    _touch_later(users, 2)
    assert "March 2019" in service.ask(NIGHTJAR, user="bob")["answer"]
    users.write_text("[users.bob\nbroken", encoding="utf-8")  # a half-saved edit keeps the last good policy
    _touch_later(users, 4)
    assert "March 2019" in service.ask(NIGHTJAR, user="bob")["answer"]
    assert any("cannot parse" in r.getMessage() for r in caplog.records)
    _write_users(users, [], with_bob=False)  # bob is removed
    _touch_later(users, 6)
    assert service.documents("bob") == []
    assert service.ask(NIGHTJAR, user="bob")["refused"]


def _guarded_app(policy: Any, clock: Clock, idle_s: float = 60.0, may_upload: Any = None) -> Any:
    """A stand-in app behind the SessionGuard: its routes answer with the request's user and address."""
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    from rag.ui.login import client_address
    from rag.ui.sessions import request_user

    async def page(request: Any) -> Any:
        return PlainTextResponse(f"user={request_user(request)} address={client_address()}")

    return signed_in_app([Route("/", page), Route("/whoami", page),
                          Route("/gradio_api/queue/join", page, methods=["POST"]),
                          Route("/gradio_api/upload", page, methods=["POST"]),
                          Route("/gradio_api/heartbeat/abc", page), Route("/login", page, methods=["POST"])],
                         policy, clock=clock, idle_s=idle_s, may_upload=may_upload)


def test_idle_sessions_expire_with_a_clear_signed_out_message(policy: AccessPolicy) -> None:
    from starlette.testclient import TestClient

    from rag.ui.sessions import SESSION_COOKIE

    clock = Clock()
    app, sessions, tokens = _guarded_app(lambda: policy, clock)
    client = TestClient(app)
    client.cookies.set(SESSION_COOKIE, tokens["alice"])
    assert client.get("/whoami").text == "user=alice address=testclient"
    assert client.get("/").text.startswith("user=alice")  # a live session sees the app's page
    clock.now += 50
    assert client.post("/gradio_api/queue/join").status_code == 200
    clock.now += 50
    assert client.get("/gradio_api/heartbeat/abc").status_code == 200  # the open page is not activity
    clock.now += 20
    response = client.post("/gradio_api/queue/join")
    assert response.status_code == 401
    assert response.json()["detail"].startswith("You are signed out (no activity for more than 1 minutes)")
    assert sessions.lookup(tokens["alice"]) == (None, "no activity for more than 1 minutes")
    assert client.get("/whoami").text.startswith("user=None")
    page = client.get("/", follow_redirects=False)  # reloading the page shows the sign-in page again
    assert page.status_code == 303 and page.headers["location"] == "login"
    assert client.post("/login").status_code == 200  # signing in again is not blocked
    client.cookies.clear()  # logging out in another tab deletes the cookie
    response = client.post("/gradio_api/queue/join")
    assert response.status_code == 401 and response.json()["detail"].startswith("You are signed out")


def test_without_login_nobody_is_signed_in_and_nothing_is_redirected() -> None:
    from starlette.testclient import TestClient

    from rag.ui.sessions import SESSION_COOKIE

    app, _, tokens = _guarded_app(lambda: AccessPolicy(), Clock())
    client = TestClient(app)
    client.cookies.set(SESSION_COOKIE, tokens["alice"])  # a cookie from when login was on
    assert client.get("/", follow_redirects=False).text == "user=None address=testclient"
    assert client.post("/gradio_api/queue/join").status_code == 200


def test_a_user_removed_from_the_users_file_loses_the_session(tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    from rag.ui.access import PolicyFile
    from rag.ui.sessions import SESSION_COOKIE

    users = tmp_path / "users.toml"
    _write_users(users, [])
    app, sessions, tokens = _guarded_app(PolicyFile(users, check_every_s=0), Clock())
    client = TestClient(app)
    client.cookies.set(SESSION_COOKIE, tokens["bob"])
    assert client.post("/gradio_api/queue/join").status_code == 200
    _write_users(users, [], with_bob=False)
    _touch_later(users, 2)
    response = client.post("/gradio_api/queue/join")
    assert response.status_code == 401 and "no longer in the users file" in response.json()["detail"]
    assert sessions.lookup(tokens["bob"])[0] is None and sessions.lookup(tokens["alice"])[0] == "alice"


@pytest.mark.network
def test_real_server_throttles_and_audits_sign_ins(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    import logging

    import httpx

    from rag.testing_servers import free_port
    from rag.ui.app import serve

    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text("The depot was rebuilt in 2011. It stores fuel.", encoding="utf-8")
    assistant = Assistant(index_dir=tmp_path / "index", embedder=FakeEmbedder())
    assert assistant.ingest([tmp_path / "corpus"], progress=False).ok
    users = tmp_path / "users.toml"
    _write_users(users, [])
    settings = UISettings(corpus_dir=str(tmp_path / "corpus"), users_file=str(users), editor_groups=("analysts",))
    caplog.set_level(logging.INFO, logger="rag.ui")
    running = serve(assistant, port=free_port(), settings=settings, block=False, quiet=True)
    assert running is not None
    try:
        with httpx.Client(base_url=running.url, timeout=30) as client:
            codes = [client.post("/login", data={"username": "bob", "password": f"x{n}"}).status_code
                     for n in range(5)]
            assert codes[:4] == [400, 400, 400, 400] and codes[4] == 429
            time.sleep(1.1)  # the first lock is one second
            ok = client.post("/login", data={"username": "bob", "password": "bob-pw"})
            assert ok.status_code == 200
            assert client.get("/gradio_api/user").json() == "bob"
            files = {"files": ("a.txt", b"The depot was rebuilt in 2011.", "text/plain")}
            refused = client.post("/gradio_api/upload", files=files)  # bob is not an editor
            assert refused.status_code == 403 and "may not upload" in refused.json()["detail"]
            from rag.ui.sessions import SESSION_COOKIE

            kept = client.cookies[SESSION_COOKIE]
            client.get("/logout", follow_redirects=False)
            assert client.get("/gradio_api/user").json() is None
            # Ended on the server: a copy of the cookie no longer reaches Gradio's pages or API.
            with httpx.Client(base_url=running.url, timeout=30, cookies={SESSION_COOKIE: kept}) as copy:
                assert copy.get("/gradio_api/user").json() is None
                assert copy.get("/config").status_code == 401
                page = copy.get("/", follow_redirects=False)
                assert page.status_code == 303 and page.headers["location"] == "login"
            assert client.post("/login", data={"username": "alice", "password": "alice-pw"}).status_code == 200
            stored = client.post("/gradio_api/upload", files=files)  # an editor may
            assert stored.status_code == 200 and stored.json()[0].endswith("a.txt")
        # Behind a reverse proxy on this machine: the user's address is logged and the cookie is Secure.
        proxied = httpx.post(f"{running.url}/login", data={"username": "alice", "password": "alice-pw"},
                             headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"})
        assert proxied.status_code == 200 and "secure" in proxied.headers["set-cookie"].lower()
    finally:
        running.close()
    lines = [r.getMessage() for r in caplog.records if r.name == "rag.ui.login"]
    assert sum(line.startswith("login failed: user='bob' address=127.0.0.1") for line in lines) == 4
    assert any(line.startswith("login refused (throttled") for line in lines)
    assert any(line.startswith("login succeeded: user='bob' address=127.0.0.1") for line in lines)
    assert any(line.startswith("login succeeded: user='alice' address=203.0.113.9") for line in lines)
    assert any(line.startswith("logout: user='bob' address=127.0.0.1") for line in lines)
    assert not any("bob-pw" in line or "x1" in line for line in lines)


# ----------------------------------------------------------------------------- 9.3 bounded memory
def _count(kind: type) -> int:
    import gc

    gc.collect()
    return sum(isinstance(o, kind) for o in gc.get_objects())


def test_many_model_names_share_one_index_and_keep_few_clients(
        corpus: Path, settings: UISettings, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    import rag.assistant as assistant_module
    from rag.retrieve import HybridRetriever
    from rag.testing import scripted_chat_model

    built: list[str] = []

    def fake_client(config: Any) -> Any:
        built.append(config.llm_model)
        return scripted_chat_model(["The Karsk treaty on naval cooperation was signed in 2004 [1]."] * 10)

    monkeypatch.setattr(assistant_module, "make_chat_model", fake_client)
    assistant = Assistant(index_dir=corpus / "index", embedder=FakeEmbedder(), backend="openai",
                          llm_model="base", llm_base_url="http://127.0.0.1:9/v1", min_similarity=0.0)
    service = ResearchService(assistant, settings, AccessPolicy())
    from rag.ui.service import AskOptions

    answer = service.ask(KARSK, options=AskOptions(model="model-0"))
    assert "2004" in answer["answer"]
    retriever = assistant.retriever
    assistants, retrievers = _count(Assistant), _count(HybridRetriever)
    for n in range(1, 40):
        service.ask(KARSK, options=AskOptions(backend="openai", model=f"model-{n}"))
    assert len(built) == 40  # one client per name, built once ...
    assert len(assistant._chat_models) <= assistant.config.max_chat_models  # ... but only a few kept
    assert assistant.retriever is retriever
    assert _count(Assistant) <= assistants and _count(HybridRetriever) <= retrievers
    service.ask(KARSK, options=AskOptions(model="model-39"))  # a recent one is reused
    assert len(built) == 40


@pytest.mark.parametrize("name", ["two words", "x" * 200, "http://evil.example/v1", "../../etc/passwd",
                                  "model\nname", "-rf"])
def test_bad_model_names_are_refused_before_any_client_is_built(name: str) -> None:
    from rag.config import ConfigError, check_model_name

    with pytest.raises(ConfigError, match="llm_model: .* is not a model name"):
        check_model_name(name)


def test_good_model_names_pass() -> None:
    from rag.config import check_model_name

    for name in ("llama3.1:8b", "gpt-4o-mini", "Qwen/Qwen2.5-7B-Instruct", "org/model@q4_k_m", "phi3+tools"):
        assert check_model_name(name) == name


def test_the_chat_reports_a_bad_model_name(assistant: Assistant, settings: UISettings) -> None:
    handlers = handlers_for(assistant, settings)
    chat, turns, *_ = ask(handlers, KARSK, backend="openai", model="rm -rf /")
    assert turns[-1]["answer"] is None and "is not a model name" in turns[-1]["error"]


# ----------------------------------------------------------------------------- 9.5 uploads and exports
def test_private_files_go_to_their_owner_only_and_expire(tmp_path: Path) -> None:
    from rag.ui.files import PrivateFiles

    clock = Clock()
    files = PrivateFiles(tmp_path / "private", ttl_s=60, clock=clock)
    token = files.add_text("../../conversation.md", "# secret passages", owner="alice")
    path = files.get(token, "alice")
    assert path is not None and path.name == "conversation.md" and (tmp_path / "private") in path.parents
    assert files.get(token, "bob") is None and files.get(token, None) is None
    assert files.get("../" + token, "alice") is None
    assert oct((tmp_path / "private").stat().st_mode & 0o777) == "0o700"
    clock.now += 61
    assert files.get(token, "alice") is None and not path.exists()


def test_exports_are_served_only_by_the_own_route_to_their_author(
        assistant: Assistant, settings: UISettings, policy: AccessPolicy) -> None:
    from starlette.testclient import TestClient

    from rag.ui.app import export_route
    from rag.ui.sessions import SESSION_COOKIE

    handlers = handlers_for(assistant, settings, policy)
    service: ResearchService = handlers.service
    _, turns, *_ = ask(handlers, KARSK, user="alice")
    update = handlers.export(turns, request("alice"))
    assert 'href="export/' in update["value"] and "download" in update["value"]
    token = update["value"].split('href="export/', 1)[1].split('"', 1)[0]
    app, _, tokens = signed_in_app([export_route(service)], policy)
    client = TestClient(app)
    assert client.get(f"/export/{token}").status_code == 401
    client.cookies.set(SESSION_COOKIE, tokens["bob"])
    assert client.get(f"/export/{token}").status_code == 404
    client.cookies.set(SESSION_COOKIE, tokens["alice"])
    response = client.get(f"/export/{token}")
    assert response.status_code == 200 and "## Bibliography" in response.text
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.headers["cache-control"] == "private, no-store"
    # Nothing was written where Gradio's file route could serve it.
    from gradio.utils import get_upload_folder

    path = service.export_path(token, "alice")
    assert path is not None and Path(get_upload_folder()) not in path.parents


@pytest.mark.parametrize("user,status", [("alice", "added"), ("bob", "rejected")])
def test_gradio_upload_copies_are_deleted_once_handled(
        assistant: Assistant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, user: str, status: str) -> None:
    gradio_tmp = tmp_path / "gradio"
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(gradio_tmp))
    upload = gradio_tmp / "f00d" / "note.txt"
    upload.parent.mkdir(parents=True)
    upload.write_text("The lighthouse at Varn was rebuilt in 1911. It is 40 metres tall.", encoding="utf-8")
    elsewhere = tmp_path / "keep.txt"
    elsewhere.write_text("not Gradio's", encoding="utf-8")
    settings = UISettings(corpus_dir=str(tmp_path / "corpus"), editor_groups=("analysts",))
    index = Assistant(index_dir=tmp_path / "index", embedder=FakeEmbedder())
    handlers = handlers_for(index, settings, AccessPolicy.from_mapping(_users()))
    message, rows, *_ = handlers.upload([str(upload), str(elsewhere)], "default", request(user))
    assert rows["value"][0][1] == status
    assert not upload.exists() and not upload.parent.exists()
    assert elsewhere.exists()  # only files inside Gradio's upload folder are deleted


def test_non_editors_cannot_use_the_raw_upload_route(policy: AccessPolicy) -> None:
    from starlette.testclient import TestClient

    from rag.ui.sessions import SESSION_COOKIE

    app, _, tokens = _guarded_app(lambda: policy, Clock(), may_upload=lambda user: user == "alice")
    client = TestClient(app)
    files = {"files": ("a.txt", b"x" * 10, "text/plain")}
    client.cookies.set(SESSION_COOKIE, tokens["bob"])
    response = client.post("/gradio_api/upload", files=files)
    assert response.status_code == 403 and "may not upload" in response.json()["detail"]
    client.cookies.set(SESSION_COOKIE, tokens["alice"])
    assert client.post("/gradio_api/upload", files=files).text.startswith("user=alice")
