"""Where the tests find the shared data sets, and the mark that skips a test without them."""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

SQUAD_DEV = Path("/work/shared/datasets/squad_v2_dev/dev-v2.0.rebuilt.json")
"""SQuAD 2.0 dev, rebuilt (``/work/shared``); absent on machines without the shared data sets."""

needs_squad = pytest.mark.skipif(not SQUAD_DEV.is_file(), reason=f"{SQUAD_DEV} not present")


# A news report and an analysis of the same event, short enough to read in a test: the report says who said what,
# the analysis argues (tests of reports_first and of the learned point model).
REPORT = ("Corvania's foreign ministry condemned the strike on the port, a spokesman said on Tuesday. "
          "President Lenko told reporters that the air defences had shot down most of the drones. "
          "The port authority said grain exports were suspended for three days.")
ANALYSIS = ("I think Corvania's response to the strike on the port has been too timid. "
            "The government should move air defences to the coast and must protect the grain berths. "
            "We cannot expect partners to pay for the repairs.")

ANALYSIS_CORPUS = Path(__file__).resolve().parents[1] / "eval" / "dev" / "analysis" / "corpus"
"""The six think-tank-style analysis articles written for the project (eval/dev/analysis)."""


def analysis_library(root: Path, embedder: Any, public: Mapping[str, Path] | Sequence[str],
                     restricted: Sequence[str] = ()) -> Any:
    """An index at ``root/index`` (an :class:`rag.assistant.Assistant` over it): ``public`` files in the default
    collection, ``restricted`` in "restricted".

    Names are files of :data:`ANALYSIS_CORPUS`; a mapping gives other files their name in the corpus.
    """
    from rag.assistant import Assistant

    files = dict(public) if isinstance(public, Mapping) else {name: ANALYSIS_CORPUS / name for name in public}
    assistant = Assistant(index_dir=root / "index", embedder=embedder)
    for folder, chosen, collection in (("public", files, None),
                                       ("restricted", {n: ANALYSIS_CORPUS / n for n in restricted}, "restricted")):
        if not chosen:
            continue
        (root / folder).mkdir()
        for name, path in chosen.items():
            shutil.copy(path, root / folder / name)
        assert assistant.ingest([root / folder], collection=collection, progress=False).ok
    return assistant


def text_library(root: Path, files: Mapping[str, str], embedder: Any = None, **config: Any) -> Any:
    """An index at ``root/index`` (an :class:`rag.assistant.Assistant` over it) of ``files`` (name -> text,
    sidecars such as ``x.txt.meta.json`` too) written to ``root/docs``; the fake embedder unless one is given."""
    from rag.assistant import Assistant
    from rag.testing import FakeEmbedder

    (root / "docs").mkdir()
    for name, text in files.items():
        (root / "docs" / name).write_text(text, encoding="utf-8")
    assistant = Assistant(index_dir=root / "index", embedder=embedder or FakeEmbedder(), **config)
    assert assistant.ingest([root / "docs"], progress=False).ok
    return assistant
