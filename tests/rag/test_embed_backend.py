"""The embed_backend setting: loading, validation, the index recording it, refusal of mixed vectors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from rag.assistant import Assistant
from rag.cli import build_parser
from rag.config import Config, ConfigError
from rag.embed import SentenceTransformerEmbedder, auto_backend, make_embedder, onnx_cache_dir, packaged_model_dir
from rag.store import ChunkStore, IndexMismatchError
from rag.testing import FakeEmbedder


def test_default_is_auto_and_records_fp32_vectors() -> None:
    config = Config()
    assert config.embed_backend == "auto"
    assert config.index_settings()["embed_vectors"] == "fp32"  # whichever it picks: torch and onnx share indexes


@pytest.mark.parametrize("backend,vectors", [("auto", "fp32"), ("torch", "fp32"), ("onnx", "fp32"),
                                             ("onnx-int8", "int8")])
def test_each_backend_records_its_kind_of_vectors(backend: str, vectors: str) -> None:
    assert Config(embed_backend=backend).index_settings()["embed_vectors"] == vectors


def test_environment_and_flag_set_it() -> None:
    assert Config.load(environ={"RAG_EMBED_BACKEND": "onnx-int8"}).embed_backend == "onnx-int8"
    args = build_parser().parse_args(["ask", "q", "--embed-backend", "onnx"])
    assert args.embed_backend == "onnx"
    assert build_parser().parse_args(["ask", "q", "--embed-backend", "auto"]).embed_backend == "auto"


def test_an_unknown_backend_is_named() -> None:
    with pytest.raises(ConfigError, match=r"embed_backend: 'tensorrt' is not one of auto, torch, onnx, onnx-int8"):
        Config(embed_backend="tensorrt")


def test_make_embedder_builds_the_backend_lazily(tmp_path: Path) -> None:
    from rag.embed_onnx import OnnxEmbedder

    torch_emb = make_embedder(Config(index_dir=str(tmp_path), embed_backend="torch"))
    onnx_emb = make_embedder(Config(index_dir=str(tmp_path), embed_backend="onnx-int8"))

    assert type(torch_emb) is SentenceTransformerEmbedder
    assert isinstance(onnx_emb, OnnxEmbedder) and onnx_emb.quantize
    assert onnx_emb.cache_dir == tmp_path / "onnx"  # cached next to the index
    assert not (tmp_path / "onnx").exists()  # nothing exported until first use
    assert onnx_emb.model_path().name == "model_int8.onnx"


def test_server_indexes_cache_exports_in_the_user_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert onnx_cache_dir(Config(chroma_url="http://h:8000")) == tmp_path / "rag" / "onnx"


def build(tmp_path: Path, backend: str) -> Assistant:
    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    (corpus / "a.txt").write_text("Drones struck the fuel depot near the border.", encoding="utf-8")
    assistant = Assistant(index_dir=tmp_path / "index", embedder=FakeEmbedder(), embed_backend=backend)
    assert assistant.ingest([corpus], progress=False).ok
    return assistant


def test_int8_vectors_are_refused_by_an_fp32_index(tmp_path: Path) -> None:
    build(tmp_path, "torch")

    reader = ChunkStore(Config(index_dir=str(tmp_path / "index"), embed_backend="onnx-int8"))
    with pytest.raises(IndexMismatchError, match=r"embed_vectors='fp32' \(this run: 'int8'\)"):
        reader.query(np.ones(256, dtype=np.float32), 3)


def test_fp32_vectors_are_refused_by_an_int8_index(tmp_path: Path) -> None:
    build(tmp_path, "onnx-int8")

    with pytest.raises(IndexMismatchError, match="embed_vectors='int8'"):
        ChunkStore(Config(index_dir=str(tmp_path / "index"))).count()


def test_onnx_may_read_and_extend_a_torch_index(tmp_path: Path) -> None:
    """Same vectors to float rounding (bench/embed_bench.py), hence one kind: fp32."""
    build(tmp_path, "torch")
    store = ChunkStore(Config(index_dir=str(tmp_path / "index"), embed_backend="onnx"))

    assert store.count() == 1
    store.check_write_settings()


def test_an_index_from_before_the_setting_counts_as_fp32(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = Config.index_settings
    with monkeypatch.context() as m:  # built by a version that did not record embed_vectors
        m.setattr(Config, "index_settings", lambda self: {k: v for k, v in real(self).items() if k != "embed_vectors"})
        assistant = build(tmp_path, "torch")
    assert "embed_vectors" not in (assistant.store.chunks.metadata or {})

    with pytest.raises(IndexMismatchError, match="embed_vectors"):
        ChunkStore(Config(index_dir=str(tmp_path / "index"), embed_backend="onnx-int8")).count()
    assert ChunkStore(Config(index_dir=str(tmp_path / "index"), embed_backend="onnx")).count() == 1


@pytest.mark.integration
@pytest.mark.parametrize("backend", ["onnx", "onnx-int8"])
def test_onnx_vectors_match_pytorch(tmp_path: Path, real_embedder: SentenceTransformerEmbedder,
                                    backend: str) -> None:
    """The real model, exported locally: fp32 equal to rounding, int8 close (per-channel quantization)."""
    texts = ["Drones struck the fuel depot near the border on Tuesday.",
             "The ceasefire was brokered by Russia in November 2020 and peacekeepers were deployed.",
             "Short."]
    onnx = make_embedder(Config(index_dir=str(tmp_path), embed_backend=backend))

    got = onnx.embed_documents(texts)
    want = real_embedder.embed_documents(texts)

    assert got.shape == want.shape == (3, 384)
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    cosines = np.sum(got * want, axis=1)
    assert cosines.min() > (0.99999 if backend == "onnx" else 0.97)
    assert onnx.model_path().is_file()
    assert onnx.token_offsets("Drones struck") == real_embedder.token_offsets("Drones struck")
    if backend == "onnx":
        _check_export_refuses_a_graph_that_differs(onnx.model_path())


def _check_export_refuses_a_graph_that_differs(path: Path) -> None:
    """check_export (run on every fp32 export) passes the graph against itself, refuses it 1 % off."""
    import onnxruntime as ort

    from rag.embed_onnx import check_export

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    wanted = {i.name for i in session.get_inputs()}

    def itself(ids: np.ndarray, mask: np.ndarray, types: np.ndarray) -> np.ndarray:
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        return np.asarray(session.run(None, {k: v for k, v in feeds.items() if k in wanted})[0])

    assert check_export(path, itself, 30522) == 0.0
    with pytest.raises(RuntimeError, match=r"model\.onnx: the ONNX export's vectors differ .* use embed_backend torch"):
        check_export(path, lambda *feeds: itself(*feeds) * 1.01, 30522)


class _RecordingSession:
    """Stands in for an ONNX Runtime session: one row per text (its length in tokens), batch sizes recorded."""

    def __init__(self) -> None:
        self.batches: list[tuple[int, int]] = []

    def get_inputs(self) -> list[object]:
        return [type("I", (), {"name": n})() for n in ("input_ids", "attention_mask", "token_type_ids")]

    def run(self, _outputs: object, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
        mask = feeds["attention_mask"]
        self.batches.append(mask.shape)
        return [np.stack([mask.sum(axis=1), np.ones(len(mask))], axis=1).astype(np.float32)]


@pytest.mark.parametrize("threads", [1, 2])
def test_onnx_encodes_longest_first_in_small_batches_and_keeps_the_order(tmp_path: Path, threads: int) -> None:
    from rag.embed_onnx import OnnxEmbedder

    emb = OnnxEmbedder(cache_dir=tmp_path, batch_size=64, normalize=False, threads=threads)
    emb._session = session = _RecordingSession()
    texts = [" ".join(["word"] * n) for n in (3, 40, 1, 17, 9) * 8]  # 40 texts of mixed lengths

    out = emb.embed_documents(texts)

    assert [int(v) for v in out[:, 0]] == [len(emb.encoder.encode(t).ids) for t in texts]  # input order kept
    assert sorted(b for b, _ in session.batches) == [8, 16, 16]  # at most max_batch texts per run
    widths = sorted((w for _, w in session.batches), reverse=True)
    assert widths[-1] < widths[0]  # longest first: the sub-batch of short texts is padded less
    if threads == 1:
        assert [w for _, w in session.batches] == widths


# ------------------------------------------------------------- embed_backend = "auto"
def _modules(monkeypatch: pytest.MonkeyPatch, missing: set[str]) -> None:
    """Pretend the modules in ``missing`` are not installed (auto only looks up their specs)."""
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name in missing else real(name, *a))


needs_onnxruntime = pytest.mark.skipif(__import__("importlib.util").util.find_spec("onnxruntime") is None,
                                       reason="the onnx extra is not installed")


@pytest.fixture
def user_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "rag" / "onnx"


def test_auto_falls_back_to_torch_without_onnxruntime_and_says_why(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Path, user_cache: Path) -> None:
    _modules(monkeypatch, {"onnxruntime"})

    with caplog.at_level("INFO", logger="rag.embed"):
        emb = make_embedder(Config(index_dir=str(tmp_path / "index")))

    assert type(emb) is SentenceTransformerEmbedder
    assert "embed_backend auto: torch (onnxruntime is not installed" in caplog.text


def test_auto_uses_an_export_cached_next_to_the_index(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                     user_cache: Path) -> None:
    from rag.embed_onnx import OnnxEmbedder

    _modules(monkeypatch, {"onnx"})  # cannot export here: only the cached export can be used
    config = Config(index_dir=str(tmp_path / "index"))
    cached = OnnxEmbedder(cache_dir=onnx_cache_dir(config)).model_path()
    assert auto_backend(config)[0] == "torch"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"stands in for the export")

    backend, why, cache_dir = auto_backend(config)
    emb = make_embedder(config)

    assert (backend, cache_dir) == ("onnx", tmp_path / "index" / "onnx") and str(cached) in why
    assert isinstance(emb, OnnxEmbedder) and not emb.quantize and emb.torch_fallback
    assert emb.model_path() == cached


def test_auto_exports_to_the_user_cache_not_into_a_directory_that_is_no_index_yet(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, user_cache: Path) -> None:
    from importlib.util import find_spec

    if any(find_spec(m) is None for m in ("onnxruntime", "onnx", "torch")):
        pytest.skip("the onnx extra is not installed")
    backend, why, cache_dir = auto_backend(Config(index_dir=str(tmp_path / "index")))

    assert (backend, cache_dir) == ("onnx", user_cache) and "exported once" in why
    assert not (tmp_path / "index").exists() and not user_cache.exists()  # nothing written by choosing


@needs_onnxruntime
def test_auto_keeps_torch_for_a_model_the_export_would_not_reproduce(tmp_path: Path, user_cache: Path) -> None:
    model = tmp_path / "model"
    shutil.copytree(packaged_model_dir(), model)
    pooling = json.loads((model / "1_Pooling" / "config.json").read_text())
    pooling.update(pooling_mode_mean_tokens=False, pooling_mode_cls_token=True)
    (model / "1_Pooling" / "config.json").write_text(json.dumps(pooling))

    backend, why, _ = auto_backend(Config(index_dir=str(tmp_path / "index"), embedding_path=str(model)))

    assert backend == "torch"
    assert str(model / "1_Pooling" / "config.json") in why and "pooling_mode_cls_token" in why


@needs_onnxruntime
def test_auto_keeps_torch_when_normalisation_is_switched_off(tmp_path: Path, user_cache: Path) -> None:
    backend, why, _ = auto_backend(Config(index_dir=str(tmp_path), normalize_embeddings=False))
    assert backend == "torch" and "normalize_embeddings" in why


def test_auto_encodes_with_torch_when_the_onnx_model_cannot_be_made(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    from rag.embed_onnx import OnnxEmbedder

    def broken(self: OnnxEmbedder) -> None:
        raise RuntimeError("export failed: disk full")

    monkeypatch.setattr(OnnxEmbedder, "_load_session", broken)
    monkeypatch.setattr(SentenceTransformerEmbedder, "embed_documents",
                        lambda self, texts: np.ones((len(texts), 3), dtype=np.float32))
    strict = OnnxEmbedder(cache_dir=tmp_path)
    with pytest.raises(RuntimeError, match="disk full"):
        strict.embed_documents(["a"])

    emb = OnnxEmbedder(cache_dir=tmp_path, torch_fallback=True)
    with caplog.at_level("WARNING", logger="rag.embed_onnx"):
        first, second = emb.embed_documents(["a", "b"]), emb.embed_query("c")

    assert first.shape == (2, 3) and second.shape == (3,)
    assert emb.backend == "torch" and emb.fallback_reason == "RuntimeError: export failed: disk full"
    assert caplog.text.count("encoding with torch instead") == 1  # decided once, not per call


def test_onnx_truncates_at_the_models_own_window(tmp_path: Path) -> None:
    from rag.embed_onnx import OnnxEmbedder

    model = tmp_path / "model"
    shutil.copytree(packaged_model_dir(), model)
    (model / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": 128}))
    emb = OnnxEmbedder(model, cache_dir=tmp_path)

    assert len(emb.encoder.encode("word " * 400).ids) == 128 == emb.max_tokens


@pytest.mark.integration
def test_onnx_runs_each_encode_on_one_thread(tmp_path: Path) -> None:
    """No ONNX Runtime thread pool to spin on a busy machine: parallelism is sub-batches side by side."""
    emb = make_embedder(Config(index_dir=str(tmp_path), embed_backend="onnx"))
    options = emb.session.get_session_options()  # type: ignore[attr-defined]
    assert (options.intra_op_num_threads, options.inter_op_num_threads) == (1, 1)
