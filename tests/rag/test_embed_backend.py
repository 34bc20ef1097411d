"""The embed_backend setting: loading, validation, the index recording it, refusal of mixed vectors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rag.assistant import Assistant
from rag.cli import build_parser
from rag.config import Config, ConfigError
from rag.embed import SentenceTransformerEmbedder, make_embedder, onnx_cache_dir
from rag.store import ChunkStore, IndexMismatchError
from rag.testing import FakeEmbedder


def test_default_is_torch_and_records_fp32_vectors() -> None:
    config = Config()
    assert config.embed_backend == "torch"
    assert config.index_settings()["embed_vectors"] == "fp32"


@pytest.mark.parametrize("backend,vectors", [("torch", "fp32"), ("onnx", "fp32"), ("onnx-int8", "int8")])
def test_each_backend_records_its_kind_of_vectors(backend: str, vectors: str) -> None:
    assert Config(embed_backend=backend).index_settings()["embed_vectors"] == vectors


def test_environment_and_flag_set_it() -> None:
    assert Config.load(environ={"RAG_EMBED_BACKEND": "onnx-int8"}).embed_backend == "onnx-int8"
    args = build_parser().parse_args(["ask", "q", "--embed-backend", "onnx"])
    assert args.embed_backend == "onnx"


def test_an_unknown_backend_is_named() -> None:
    with pytest.raises(ConfigError, match=r"embed_backend: 'tensorrt' is not one of torch, onnx, onnx-int8"):
        Config(embed_backend="tensorrt")


def test_make_embedder_builds_the_backend_lazily(tmp_path: Path) -> None:
    from rag.embed_onnx import OnnxEmbedder

    torch_emb = make_embedder(Config(index_dir=str(tmp_path)))
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
