"""The loader registry: one registration makes a file type loadable, ingestible, uploadable and servable."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from rag.assistant import Assistant
from rag.load import (
    SUPPORTED_SUFFIXES,
    Loaded,
    LoadError,
    LoadLimits,
    decode_text,
    load_document,
    loader_for,
    register_loader,
    unregister_loader,
)
from rag.records import document_id
from rag.testing import FakeEmbedder


def load_csv(source: str, data: bytes, limits: LoadLimits, meta: Mapping[str, str]) -> Loaded:
    """A toy loader: one sentence per row, "<first column> <second column>."."""
    rows = list(csv.reader(io.StringIO(decode_text(source, data))))
    if len(rows) < 2:
        raise LoadError(source, "CSV has no data rows")
    return Loaded(text="\n".join(f"{a} {b}." for a, b, *_ in rows[1:]), title=meta.get("title") or "Table")


@pytest.fixture()
def csv_loader() -> Iterator[None]:
    register_loader(".csv", load_csv, format="csv", media_type="text/csv; charset=utf-8")
    try:
        yield
    finally:
        unregister_loader(".csv")


def write_folder(folder: Path) -> None:
    folder.mkdir(parents=True)
    (folder / "bridges.csv").write_text("place,fact\nAshford,opened its bridge in 1998\nBexley,closed its mill\n",
                                        encoding="utf-8")
    (folder / "note.txt").write_text("A note\n\nThe council met on Tuesday.\n", encoding="utf-8")
    (folder / "sheet.xyz").write_text("not a known type", encoding="utf-8")


def test_registered_csv_loader_is_picked_up_by_folder_ingest(tmp_path: Path, csv_loader: None) -> None:
    write_folder(tmp_path / "docs")
    assistant = Assistant(index_dir=tmp_path / "index", embedder=FakeEmbedder())
    report = assistant.ingest([tmp_path / "docs"], progress=False)
    assert report.ok, report.failed
    assert sorted(Path(p).name for p in report.added) == ["bridges.csv", "note.txt"]
    assert [Path(p).name for p in report.skipped] == ["sheet.xyz"]
    csv_doc = next(d for d in assistant.documents() if d.source.endswith("bridges.csv"))
    assert (csv_doc.format, csv_doc.title) == ("csv", "Table") and csv_doc.chunks >= 1


def test_without_the_registration_csv_is_skipped(tmp_path: Path) -> None:
    write_folder(tmp_path / "docs")
    report = Assistant(index_dir=tmp_path / "index", embedder=FakeEmbedder()).ingest([tmp_path / "docs"],
                                                                                      progress=False)
    assert sorted(Path(p).name for p in report.skipped) == ["bridges.csv", "sheet.xyz"]


def test_supported_suffixes_is_a_live_view_read_by_the_ui(csv_loader: None) -> None:
    from rag.ui import service
    from rag.ui.sources import media_type

    assert ".csv" in SUPPORTED_SUFFIXES and ".csv" in service.SUPPORTED_SUFFIXES
    assert media_type("/corpus/Table.CSV") == "text/csv; charset=utf-8"
    assert loader_for("a.csv") is not None and loader_for("a.csv").format == "csv"  # type: ignore[union-attr]
    unregister_loader(".csv")
    assert ".csv" not in service.SUPPORTED_SUFFIXES and media_type("/corpus/t.csv") is None


def test_builtin_file_types_and_their_media_types() -> None:
    from rag.ui.sources import media_type

    assert list(SUPPORTED_SUFFIXES) == [".txt", ".md", ".markdown", ".html", ".htm", ".pdf"]
    assert media_type("a.pdf") == "application/pdf"
    assert media_type("a.HTML") == "text/html; charset=utf-8"
    assert media_type("a.markdown") == "text/plain; charset=utf-8"
    assert media_type("a.docx") is None


def test_unsupported_file_error_lists_the_registered_types(tmp_path: Path, csv_loader: None) -> None:
    path = tmp_path / "a.docx"
    path.write_bytes(b"PK")
    with pytest.raises(LoadError, match=r"a\.docx: unsupported file type \.docx; supported: .*\.csv"):
        load_document(path)


def test_registration_checks_the_suffix_and_refuses_to_shadow_a_loader() -> None:
    with pytest.raises(ValueError, match="lowercase with its dot"):
        register_loader("csv", load_csv, format="csv")
    with pytest.raises(ValueError, match="lowercase with its dot"):
        register_loader(".CSV", load_csv, format="csv")
    with pytest.raises(ValueError, match="already registered"):
        register_loader(".pdf", load_csv, format="csv")
    assert loader_for("x.pdf").format == "pdf"  # type: ignore[union-attr]


def test_sidecar_title_reaches_the_loader(tmp_path: Path, csv_loader: None) -> None:
    path = tmp_path / "t.csv"
    path.write_text("a,b\nx,y\n", encoding="utf-8")
    (tmp_path / "t.csv.meta.json").write_text('{"title": "Sidecar title"}', encoding="utf-8")
    assert load_document(path).title == "Sidecar title"


# ------------------------------------------------------------------ one document id

def test_ingest_store_and_ui_agree_on_a_documents_id(tmp_path: Path) -> None:
    from rag.ui.sources import document_id as ui_document_id
    from rag.ui.sources import is_document_id, source_url, viewer_url

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Alpha\n\nThe bridge opened in 1998.\n", encoding="utf-8")
    assistant = Assistant(index_dir=tmp_path / "index", embedder=FakeEmbedder())
    source = assistant.ingest([docs], progress=False).added[0]
    stored = assistant.store.docs.get(ids=[document_id(source)], include=["metadatas"])
    assert stored["ids"] == [document_id(source)] and stored["metadatas"][0]["source"] == source
    assert ui_document_id is document_id and is_document_id(document_id(source))
    assert source_url(source) == f"source/{document_id(source)}"
    assert viewer_url(source, []) == f"viewer/{document_id(source)}"
    assert assistant.store.delete_document(source) >= 1
    assert assistant.store.docs.get(ids=[document_id(source)])["ids"] == []
