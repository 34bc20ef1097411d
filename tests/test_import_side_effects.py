"""Importing the library changes nothing global (issue 12; CONVENTIONS item 16): no environment variable,
no logger's level, handlers or propagation, no warnings filter. And nothing needs the offline variables:
the packaged model loads with the network blocked and HF_HUB_OFFLINE unset.

Each check runs in a fresh interpreter whose environment lacks the variables the test suite (conftest) and
the `rag` command set, with every outbound connection refused."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# The brief's five, first, then every other module of the package (rag.ui and rag.eval included).
FIRST = ["rag", "rag.cli", "rag.embed", "rag.ui", "rag.ui.app", "rag.eval.runner"]


def our_modules() -> list[str]:
    import pkgutil

    import rag

    walked = [m.name for m in pkgutil.walk_packages(rag.__path__, "rag.")]
    return FIRST + sorted(set(walked) - set(FIRST))


OPTIONAL = {"rag.ui": "gradio", "rag.backends.llamacpp": "llama_cpp", "rag.backends.llama_safe": "llama_cpp",
            "rag.embed_onnx": "onnxruntime"}


def importable(module: str) -> bool:
    """False for modules of an extra that is not installed."""
    needs = next((dep for prefix, dep in OPTIONAL.items() if module == prefix or module.startswith(prefix + ".")),
                 None)
    return needs is None or importlib.util.find_spec(needs) is not None
# Third-party packages our modules import at module level, imported *before* the first snapshot:
# whatever they do to logging at their own import is theirs, not ours.
THEIRS = ["numpy", "chromadb", "gradio", "starlette", "httpx", "pydantic", "langchain_core",
          "langchain_core.language_models.chat_models",  # adds its own warning filters when imported
          "tqdm", "pypdf",
          "tokenizers"]
# What conftest.py and `rag` (main) set: the child must start without them to see a change.
SET_BY_OTHERS = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "GRADIO_ANALYTICS_ENABLED", "ANONYMIZED_TELEMETRY",
                 "TOKENIZERS_PARALLELISM", "HF_HUB_DISABLE_PROGRESS_BARS", "GRADIO_ANALYTICS_CACHE_FREQUENCY")

PRELUDE = """
import importlib, json, logging, os, socket, sys, warnings

def refuse(self, address, *args):
    raise RuntimeError(f"network access at import: {address!r}")

REAL_CONNECT = socket.socket.connect
socket.socket.connect = refuse
socket.socket.connect_ex = refuse

def snapshot():
    manager = logging.Logger.manager
    loggers = {name: logger for name, logger in manager.loggerDict.items() if isinstance(logger, logging.Logger)}
    loggers["<root>"] = logging.getLogger()
    return {
        "environ": dict(os.environ),
        "loggers": {name: [logger.level, logger.propagate, logger.disabled, [repr(h) for h in logger.handlers]]
                    for name, logger in loggers.items()},
        "disable": manager.disable,
        "warnings": [repr(f) for f in warnings.filters],
    }

def env_changes(before, after):
    keys = set(before["environ"]) | set(after["environ"])
    return {k: [before["environ"].get(k), after["environ"].get(k)] for k in sorted(keys)
            if before["environ"].get(k) != after["environ"].get(k)}
"""


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SET_BY_OTHERS}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    return env


def run_child(body: str, timeout: float = 300) -> dict:
    result = subprocess.run([sys.executable, "-c", PRELUDE + textwrap.dedent(body)], capture_output=True, text=True,
                            env=clean_env(), cwd=REPO, timeout=timeout, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_importing_the_library_the_cli_and_the_ui_changes_nothing_global() -> None:
    ours = [m for m in our_modules() if importable(m)]
    theirs = [m for m in THEIRS if importlib.util.find_spec(m) is not None]
    got = run_child(f"""
        for name in {theirs!r}:
            importlib.import_module(name)
        before = snapshot()
        for name in {ours!r}:
            importlib.import_module(name)
        after = snapshot()
        print(json.dumps({{"before": before, "after": after}}))
    """)
    before, after = got["before"], got["after"]

    changed_env = {k: (before["environ"].get(k), after["environ"].get(k))
                   for k in set(before["environ"]) | set(after["environ"])
                   if before["environ"].get(k) != after["environ"].get(k)}
    assert changed_env == {}, f"os.environ changed at import: {changed_env}"
    changed_loggers = {name: (state, after["loggers"].get(name)) for name, state in before["loggers"].items()
                       if after["loggers"].get(name) != state}
    assert changed_loggers == {}, f"loggers reconfigured at import: {changed_loggers}"
    new = {name: state for name, state in after["loggers"].items() if name not in before["loggers"]}
    # A library that adds a NullHandler to its *own* logger follows the logging HOWTO (urllib3, requests
    # and charset_normalizer do when some dependency imports them): that configures nothing.
    unconfigured = ([0, True, False, []], [0, True, False, ["<NullHandler (NOTSET)>"]])
    configured = {name: state for name, state in new.items() if state not in unconfigured}
    assert configured == {}, f"loggers created with a level or handlers at import: {configured}"
    assert any(name.startswith("rag.") for name in new), "the library's named loggers exist"
    assert after["disable"] == before["disable"] and after["warnings"] == before["warnings"]


@pytest.mark.integration
def test_the_packaged_model_loads_offline_without_any_offline_variable() -> None:
    """No HF_HUB_OFFLINE, sockets refused: the embedder still loads and embeds, and sets no variable."""
    got = run_child("""
        import sentence_transformers, torch, transformers  # torch sets KMP_* variables when imported: not ours
        from rag.embed import SentenceTransformerEmbedder
        before = snapshot()
        vector = SentenceTransformerEmbedder().embed_query("drone strikes")
        after = snapshot()
        print(json.dumps({"shape": list(vector.shape), "env_changes": env_changes(before, after),
                          "offline": os.environ.get("HF_HUB_OFFLINE")}))
    """)
    assert got == {"shape": [384], "env_changes": {}, "offline": None}


@pytest.mark.integration
@pytest.mark.network
@pytest.mark.skipif(importlib.util.find_spec("gradio") is None, reason="needs the ui extra")
def test_the_web_app_calls_no_one_without_gradio_analytics_variable(tmp_path: Path) -> None:
    """GRADIO_ANALYTICS_ENABLED unset: serving the app (Blocks built with analytics_enabled=False) still makes
    no connection except to itself, and sets no environment variable of its own."""
    from rag.testing_servers import free_port

    port = free_port()
    got = run_child(f"""
        import time, urllib.request
        attempts = []
        def local_only(self, address, *args):
            if not (isinstance(address, tuple) and address[0] in ("127.0.0.1", "localhost", "::1")):
                attempts.append(repr(address))  # analytics threads swallow errors: record, then refuse
                raise RuntimeError(f"network access: {{address!r}}")
            return REAL_CONNECT(self, address, *args)
        socket.socket.connect = local_only
        from rag import Assistant
        from rag.testing import FakeEmbedder
        from rag.ui.app import serve
        from rag.ui.settings import UISettings
        before = snapshot()
        running = serve(Assistant(index_dir={str(tmp_path / "index")!r}, embedder=FakeEmbedder()), port={port},
                        settings=UISettings(corpus_dir={str(tmp_path / "corpus")!r}), quiet=True, block=False)
        urllib.request.urlopen(running.url + "/", timeout=30).close()
        time.sleep(2)  # analytics would run in background threads
        queue_frequency = running.chat.blocks._queue.ANAYLTICS_CACHE_FREQUENCY
        running.close()
        after = snapshot()
        print(json.dumps({{"attempts": attempts, "env_changes": env_changes(before, after),
                          "analytics": running.chat.blocks.analytics_enabled, "queue_frequency": queue_frequency}}))
    """)
    # Gradio's own Blocks(analytics_enabled=False) sets HF_HUB_DISABLE_TELEMETRY (gradio/blocks.py); nothing else.
    assert got["env_changes"] in ({}, {"HF_HUB_DISABLE_TELEMETRY": [None, "True"]}), got
    assert got["attempts"] == [] and got["analytics"] is False
    assert got["queue_frequency"] == 100, "the monitoring summary is still computed once per 100 events"
