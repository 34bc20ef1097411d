"""Load test: simultaneous multi-turn conversations through the app's ``/chat`` API.

Runs ``--users`` conversations at once (default 10), each ``--turns`` questions
long (default 3, follow-ups sent with their history), with ``gradio_client``
against a running app, or against one it starts itself over an index. Prints
the number of questions actually asked, the error count and the latency
distribution; exits 1 if any call failed.

``--logins N`` also signs in N times at once while the conversations run and
reports the sign-in latencies against the client's default timeout (httpx's
5 s, what ``gradio_client.Client(auth=...)`` uses); exits 1 if one took longer or
failed. With ``--index`` it then starts the app with login on (a throwaway
users file, the real PBKDF2 cost) and signs the conversations in too.

Bounded on purpose: localhost only, at most 50 users and 5 turns, a timeout per call.

Usage::

    python scripts/load_test.py --url http://127.0.0.1:7860 [--auth alice:password]
    python scripts/load_test.py --index index            # starts the app on a free port
    python scripts/load_test.py --index index --logins 10 --users 5 --turns 2

Example:
    >>> summarize([1.0, 2.0, 3.0], errors=0)["median_s"]
    2.0
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CONVERSATIONS: tuple[tuple[str, ...], ...] = (
    ("When did Armenia and Russia sign the mutual military assistance deal?",
     "What organisation is Armenia a member of?", "Where does the Russian military maintain bases?"),
    ("When did the armed forces of Azerbaijan launch the offensive against Armenia?",
     "How many soldiers were killed?", "What did the international community do?"),
    ("Who wrote the analysis of the September 2022 offensive?",
     "What does he say about Russia?", "And about the CSTO?"),
    ("Who won the 2018 FIFA World Cup?", "What is the capital of Australia?", "When was it founded?"),
)
_LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
MAX_USERS, MAX_TURNS = 50, 5


LOGIN_TIMEOUT_S = 5.0  # httpx's default, which gradio_client's login uses
MAX_LOGINS = 50


@dataclass
class Result:
    asked: int = 0
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def conversation(url: str, questions: Sequence[str], auth: tuple[str, str] | None, result: Result,
                 timeout: float) -> None:
    """One user: a client of their own (their own session), questions asked in turn."""
    from gradio_client import Client

    try:
        client = Client(url, auth=auth, verbose=False, download_files=False)
    except Exception as exc:  # counted, not raised: the point is to see every failure
        with result.lock:
            result.errors.extend(f"connect: {type(exc).__name__}: {exc}" for _ in questions)
        return
    history: list[list[str]] = []
    for question in questions:
        started = time.perf_counter()
        with result.lock:
            result.asked += 1
        try:
            job = client.submit(question, history, api_name="/chat")
            answer = str(job.result(timeout=timeout))
        except Exception as exc:
            with result.lock:
                result.errors.append(f"{question!r}: {type(exc).__name__}: {exc}")
            continue
        elapsed = time.perf_counter() - started
        history.append([question, answer])
        with result.lock:
            result.latencies.append(elapsed)
            result.answers.append(answer)
    client.close()


def login(url: str, auth: tuple[str, str], result: Result) -> None:
    """One sign-in as gradio_client does it (a form POST, the default timeout); its latency counted."""
    import httpx

    started = time.perf_counter()
    try:
        response = httpx.post(f"{url}/login", data={"username": auth[0], "password": auth[1]},
                              timeout=LOGIN_TIMEOUT_S)
        response.raise_for_status()
    except Exception as exc:
        with result.lock:
            result.errors.append(f"login: {type(exc).__name__}: {exc}")
        return
    with result.lock:
        result.latencies.append(time.perf_counter() - started)


def summarize(latencies: Sequence[float], errors: int) -> dict[str, Any]:
    ordered = sorted(latencies)
    if not ordered:
        return {"calls": 0, "errors": errors}
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {"calls": len(ordered), "errors": errors, "median_s": round(statistics.median(ordered), 3),
            "p95_s": round(p95, 3), "max_s": round(ordered[-1], 3), "min_s": round(ordered[0], 3)}


def run(url: str, users: int = 10, turns: int = 3, auth: tuple[str, str] | None = None,
        timeout: float = 120.0, logins: int = 0,
        login_auths: Sequence[tuple[str, str]] | None = None) -> dict[str, Any]:
    """Run the load and return the summary (``asked``, ``errors``, ``median_s``, ``p95_s``, ``max_s``...;
    with ``logins``, a ``logins`` sub-summary of the sign-ins made while the questions ran)."""
    host = urlparse(url).hostname
    if host not in _LOCAL_HOSTS:
        raise ValueError(f"--url: {url} is not on localhost; this test only loads a local app")
    if not 1 <= users <= MAX_USERS or not 1 <= turns <= MAX_TURNS:
        raise ValueError(f"--users must be 1..{MAX_USERS} and --turns 1..{MAX_TURNS}")
    if not 0 <= logins <= MAX_LOGINS:
        raise ValueError(f"--logins must be 0..{MAX_LOGINS}")
    login_auths = list(login_auths or ([auth] if auth else []))
    if logins and not login_auths:
        raise ValueError("--logins needs --auth user:password (or --index, which makes a user)")
    result, signins = Result(), Result()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=users + logins) as pool:
        futures = [pool.submit(conversation, url, CONVERSATIONS[i % len(CONVERSATIONS)][:turns], auth, result,
                               timeout) for i in range(users)]
        if logins:
            time.sleep(1.0)  # let the questions start: the point is signing in under load
            futures += [pool.submit(login, url, login_auths[i % len(login_auths)], signins) for i in range(logins)]
        for future in futures:
            future.result()
    summary = summarize(result.latencies, len(result.errors))
    summary.update(users=users, turns=turns, asked=result.asked, wall_s=round(time.perf_counter() - started, 3),
                   error_messages=result.errors[:10])
    if logins:
        summary["logins"] = {**summarize(signins.latencies, len(signins.errors)), "attempted": logins,
                             "timeout_s": LOGIN_TIMEOUT_S, "error_messages": signins.errors[:10]}
    return summary


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--url", help="a running app on localhost, e.g. http://127.0.0.1:7860")
    target.add_argument("--index", help="start the app over this index on a free local port")
    parser.add_argument("--users", type=int, default=10, help="simultaneous conversations (default 10)")
    parser.add_argument("--turns", type=int, default=3, help="questions per conversation (default 3)")
    parser.add_argument("--auth", help="user:password when the app asks for a login")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per call (default 120)")
    parser.add_argument("--logins", type=int, default=0,
                        help=f"also sign in this many times at once under the load (max {MAX_LOGINS})")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)
    auth = tuple(args.auth.split(":", 1)) if args.auth else None
    if auth is not None and len(auth) != 2:
        parser.error("--auth: give user:password")

    running = None
    url = args.url
    if args.index:
        from rag.testing_servers import free_port
        from rag.ui.app import serve

        port = free_port()
        users_file, login_auths = None, None
        if args.logins and auth is None:
            # A user for the conversations and one per sign-in: each sign-in pays the full PBKDF2 cost.
            users_file, accounts = _throwaway_users(args.logins + 1)
            auth, login_auths = accounts[0], accounts[1:]
        running = serve(args.index, host="127.0.0.1", port=port, block=False, quiet=True,
                        users_file=users_file)
        assert running is not None
        url = running.url
    try:
        summary = run(url, args.users, args.turns, auth, args.timeout, args.logins,  # type: ignore[arg-type]
                      login_auths)
    finally:
        if running is not None:
            running.close()
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(f"{summary['users']} users x {summary['turns']} turns against {url}: "
              f"{summary['asked']} questions asked, {summary['calls']} answers, {summary['errors']} errors "
              f"in {summary['wall_s']} s")
        _print_latency(summary, "", with_min=True)
        if "logins" in summary:
            signins = summary["logins"]
            print(f"logins under load: {signins['calls']} of {signins['attempted']} signed in, "
                  f"{signins['errors']} errors; client timeout {signins['timeout_s']} s")
            _print_latency(signins, "login ")
    signins = summary.get("logins", {})
    too_slow = bool(signins.get("calls")) and signins["max_s"] > LOGIN_TIMEOUT_S
    return 1 if summary["errors"] or signins.get("errors") or too_slow else 0


def _print_latency(stats: dict[str, Any], what: str, with_min: bool = False) -> None:
    """Print one summary's latency line (when it has calls) and its error messages, each prefixed with ``what``."""
    if stats["calls"]:
        print(f"{what}latency: median {stats['median_s']} s, p95 {stats['p95_s']} s, max {stats['max_s']} s"
              + (f" (min {stats['min_s']} s)" if with_min else ""))
    for message in stats["error_messages"]:
        print(f"  {what}error: {message}")


def _throwaway_users(n: int) -> tuple[str, list[tuple[str, str]]]:
    """A users file with ``n`` users (real PBKDF2 cost) for --index --logins; deleted at exit."""
    import atexit
    import os
    import secrets
    import tempfile

    from rag.ui.access import hash_password

    accounts = [(f"loadtest{i}", secrets.token_urlsafe(12)) for i in range(n)]
    handle, path = tempfile.mkstemp(prefix="rag-load-users-", suffix=".toml")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        for name, password in accounts:
            out.write(f'[users.{name}]\npassword = "{hash_password(password)}"\n')
    atexit.register(lambda: os.path.exists(path) and os.unlink(path))
    return path, accounts


if __name__ == "__main__":
    raise SystemExit(main())
