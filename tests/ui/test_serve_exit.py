"""``rag serve`` stops promptly on SIGTERM, even with a page open (issue 11: it took 10–30 s)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from rag.testing_servers import free_port

pytestmark = [pytest.mark.integration, pytest.mark.network]

REPO = Path(__file__).resolve().parents[2]
SERVER = """
import sys
from rag import Assistant
from rag.testing import FakeEmbedder
from rag.ui.app import serve
from rag.ui.settings import UISettings
root = sys.argv[2]
serve(Assistant(index_dir=root + "/index", embedder=FakeEmbedder()), port=int(sys.argv[1]),
      settings=UISettings(corpus_dir=root + "/corpus"), quiet=True)
"""


def test_sigterm_stops_the_server_within_seconds_with_a_page_connected(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(port), str(tmp_path)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(url + "/", timeout=2).close()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
                time.sleep(0.5)
        # An open page keeps a heartbeat stream open, as a browser tab does.
        heartbeat = socket.create_connection(("127.0.0.1", port))
        heartbeat.sendall(f"GET /gradio_api/heartbeat/page-1 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        time.sleep(1.0)
        started = time.monotonic()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        took = time.monotonic() - started
        heartbeat.close()
        assert took < 5.0, f"the server took {took:.1f} s to stop on SIGTERM"
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
