"""The distribution: its own name, only the `rag` top-level package (ui and eval inside it), its data."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(out), str(REPO)], check=True, capture_output=True, timeout=300)
    (built,) = out.glob("*.whl")
    return zipfile.ZipFile(built)


@pytest.mark.integration
def test_wheel_installs_only_the_rag_package_with_ui_and_eval_inside(wheel: zipfile.ZipFile) -> None:
    names = wheel.namelist()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith((".dist-info", ".data"))}
    assert top == {"rag"}
    for needed in ("rag/py.typed", "rag/ui/app.py", "rag/eval/runner.py", "rag/eval/thresholds.toml",
                   "rag/eval/golden/sample.jsonl", "rag/eval/baseline/golden.json",
                   "rag/eval/baseline/squad.json", "rag/eval/data/squad_v2_sample.json",
                   "rag/eval/data/PROVENANCE.md", "rag/eval/data/wice/PROVENANCE.md",
                   # the question-shape probes, so `python -m rag.eval.question_shapes` runs from an install
                   "rag/eval/data/question_shapes_c/question_shapes_c.jsonl",
                   "rag/eval/data/question_shapes_c/PROVENANCE.md"):
        assert needed in names, needed


@pytest.mark.integration
def test_metadata_names_the_distribution_and_does_not_pin_torch(wheel: zipfile.ZipFile) -> None:
    (meta_name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    meta = Parser().parsestr(wheel.read(meta_name).decode())
    assert meta["Name"] == "thinktank-rag"
    requires = meta.get_all("Requires-Dist") or []
    assert not any(r.startswith("torch") for r in requires)
    base = [r for r in requires if "extra ==" not in r]
    for optional in ("gradio", "trafilatura", "langchain-openai", "langchain-ollama", "llama-cpp-python"):
        assert not any(r.startswith(optional) for r in base), optional
    assert {"html", "ui", "openai", "ollama", "llm", "onnx"} <= set(meta.get_all("Provides-Extra") or [])
    assert not any(r.startswith(("langchain-text-splitters", "matplotlib")) for r in requires)


def test_missing_extra_names_the_extra_to_install() -> None:
    from rag.extras import MissingExtraError, require

    with pytest.raises(MissingExtraError, match=r"pip install 'thinktank-rag\[html\]'"):
        require("no_such_module_for_the_test", "html", "Reading HTML articles")
    assert require("json", "html", "x").dumps([]) == "[]"
