"""Two answering processes on one `chroma run` server stay consistent.

The test process writes (ingest, remove) and answers; a second Python process
answers only, with its own Chroma client and its own lexical replica. What one
adds or removes, the other answers from (or stops citing) within seconds, with
no restart. Deterministic fake embedder on both sides (same vectors in both
processes), a real Chroma server.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rag.assistant import Assistant
from rag.lexical import LexicalIndex, default_path
from rag.testing import FakeEmbedder
from rag.testing_servers import chroma_server

pytestmark = [pytest.mark.integration, pytest.mark.network]

REPO = Path(__file__).resolve().parents[2]

READER = """
import json, sys
from rag.assistant import Assistant
from rag.testing import FakeEmbedder
assistant = Assistant(chroma_url=sys.argv[1], lexical_dir=sys.argv[2], embedder=FakeEmbedder(), min_similarity=0.0)
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    answer = assistant.ask(line.strip())
    sources = sorted({c.source for c in answer.citations})
    lexical = sorted({c.source for c, _ in assistant.retriever.lexical().search(line, 5)})
    print(json.dumps({"refused": answer.refused, "sources": sources, "lexical": lexical}), flush=True)
"""


class Reader:
    """The other answering process, asked one question per line."""

    def __init__(self, url: str, lexical_dir: Path) -> None:
        env = {**os.environ, "PYTHONPATH": str(REPO), "ANONYMIZED_TELEMETRY": "False"}
        self.proc = subprocess.Popen([sys.executable, "-c", READER, url, str(lexical_dir)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, env=env)
        assert json.loads(self._line())["ready"]

    def _line(self) -> str:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line, f"reader process exited ({self.proc.poll()})"
        return line

    def ask(self, question: str) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(question + "\n")
        self.proc.stdin.flush()
        return json.loads(self._line())

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=30)


@pytest.fixture
def shared(tmp_path: Path) -> Iterator[tuple[str, Reader]]:
    with chroma_server(tmp_path / "chroma") as url:
        reader = Reader(url, tmp_path / "reader-lexical")
        try:
            yield url, reader
        finally:
            reader.close()


def within(seconds: float, check: Any) -> Any:
    """Poll ``check()`` until it returns something truthy or ``seconds`` pass; return the last value."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def test_documents_added_through_one_process_are_answered_by_the_other(shared: tuple[str, Reader],
                                                                       tmp_path: Path) -> None:
    url, reader = shared
    writer = Assistant(chroma_url=url, lexical_dir=str(tmp_path / "writer-lexical"), embedder=FakeEmbedder(),
                       min_similarity=0.0)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    depot = corpus / "depot.txt"
    depot.write_text("Drones struck the fuel depot near the border on Tuesday night.", encoding="utf-8")
    assert writer.ingest([corpus], progress=False).ok
    assert reader.ask("Which depot was struck by the drones?")["sources"] == [str(depot.resolve())]

    customs = corpus / "customs.txt"
    customs.write_text("A joint customs post was placed at the Hakari bridge in 2031.", encoding="utf-8")
    assert writer.ingest([customs], prune=False, progress=False).ok

    seen = within(5, lambda: str(customs.resolve()) in reader.ask("Where was the joint customs post placed?")["sources"])
    assert seen, "the other process did not answer from the new document within 5 s"

    writer.remove(str(depot))
    gone = within(5, lambda: not (r := reader.ask("Which depot was struck by the drones?"))["sources"]
                  and not r["lexical"])
    assert gone, "the other process still cites (or finds) a removed document"
    # The writer process answers from the same state.
    assert writer.ask("Where was the joint customs post placed?").citations[0].source == str(customs.resolve())


def test_each_process_keeps_its_own_replica_of_the_lexical_index(shared: tuple[str, Reader], tmp_path: Path) -> None:
    url, reader = shared
    writer = Assistant(chroma_url=url, lexical_dir=str(tmp_path / "writer-lexical"), embedder=FakeEmbedder(),
                       min_similarity=0.0)
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a.txt").write_text("Peacekeepers patrol the corridor.", encoding="utf-8")
    writer.ingest([tmp_path / "c"], progress=False)
    reader.ask("Who patrols the corridor?")

    replicas = sorted((tmp_path / "reader-lexical").glob("*.sqlite3")), sorted(
        (tmp_path / "writer-lexical").glob("*.sqlite3"))
    assert all(len(files) == 1 for files in replicas)
    assert default_path(writer.config) == replicas[1][0]
    for files in replicas:
        assert LexicalIndex(files[0]).count() == 1
