"""A restricted document never loses its restriction through an ingest (issue 9, item 1).

Paths into the index that used to move a document to a less restricted collection:
a symlink in a public folder pointing at a restricted file, a symlink leaving the
folders named, and a plain `rag ingest corpus` over files uploaded to a restricted
collection (also after `--rebuild`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rag import testing_files as tf
from rag.assistant import Assistant
from rag.cli import main
from rag.collection_rules import COLLECTION_MARKER, MarkerLookup, may_move, pin_collection
from rag.config import Config
from rag.ingest import ingest
from rag.store import ChunkStore
from rag.testing import FakeEmbedder

SECRET = ("Project Nightjar\n\nProject Nightjar was approved by the defence ministry in March 2019 after a long "
          "review of the northern radar chain and its budget.\n")
PUBLIC = ("Harbour notes\n\nThe Tallinn lighthouse agreement was concluded in 1999 by the port authority and "
          "renewed twice since then.\n")


def make(tmp_path: Path) -> tuple[ChunkStore, FakeEmbedder, Config]:
    config = Config(index_dir=str(tmp_path / "index"), chunk_tokens=30, chunk_overlap=5)
    return ChunkStore(config), FakeEmbedder(), config


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    tf.make_text(root / "secret", "report.txt", SECRET)
    tf.make_text(root / "public", "harbour.txt", PUBLIC)
    return root


def collections(store: ChunkStore) -> dict[str, str]:
    return {Path(d.source).relative_to(d.source.split("/corpus/")[0]).as_posix(): d.collection
            for d in store.documents()}


def reasons(report) -> dict[str, str]:
    return {Path(f["path"]).name: f["reason"] for f in report.failed}


def test_symlink_to_a_restricted_file_is_refused_and_the_file_keeps_its_collection(corpus: Path, tmp_path: Path
                                                                                  ) -> None:
    store, emb, config = make(tmp_path)
    assert ingest([corpus / "secret"], store, emb, config, collection="restricted").ok
    (corpus / "public" / "alias.txt").symlink_to("../secret/report.txt")
    report = ingest([corpus / "public"], store, emb, config)
    assert "outside the folders named" in reasons(report)["alias.txt"]
    assert "--follow-symlinks" in reasons(report)["alias.txt"]
    assert collections(store) == {"corpus/secret/report.txt": "restricted", "corpus/public/harbour.txt": "default"}
    assert {c.collection for c in store.all_chunks() if "Nightjar" in c.text} == {"restricted"}


def test_symlink_inside_the_folders_named_cannot_publish_a_restricted_target(corpus: Path, tmp_path: Path
                                                                            ) -> None:
    store, emb, config = make(tmp_path)
    assert ingest([corpus / "secret"], store, emb, config, collection="restricted").ok
    (corpus / "public" / "alias.txt").symlink_to("../secret/report.txt")
    report = ingest([corpus], store, emb, config)   # the target is inside `corpus`: not "outside"
    why = reasons(report)
    assert "'restricted'" in why["alias.txt"] and "'default'" in why["alias.txt"]
    assert "'restricted'" in why["report.txt"] and "'default'" in why["report.txt"] and "--move" in why["report.txt"]
    assert collections(store) == {"corpus/secret/report.txt": "restricted", "corpus/public/harbour.txt": "default"}
    # --follow-symlinks does not lift the collection rule either.
    report = ingest([corpus / "public"], store, emb, config, follow_symlinks=True)
    assert "'restricted'" in reasons(report)["alias.txt"]
    assert all(c.collection == "restricted" for c in store.all_chunks() if "Nightjar" in c.text)


def test_symlink_out_of_the_tree_is_skipped_unless_asked_and_then_indexed_under_its_own_name(
        corpus: Path, tmp_path: Path) -> None:
    outside = tf.make_text(tmp_path / "elsewhere", "passwd.txt", "root:x:0:0:root:/root:/bin/bash\n"
                           "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nbin:x:2:2:bin:/bin:/usr/sbin/nologin\n")
    (corpus / "public" / "passwd.txt").symlink_to(outside)
    store, emb, config = make(tmp_path)
    report = ingest([corpus / "public"], store, emb, config)
    assert "outside the folders named" in reasons(report)["passwd.txt"]
    assert str(outside) not in {d.source for d in store.documents()}
    followed = ingest([corpus / "public"], store, emb, config, follow_symlinks=True)
    link = str(corpus.resolve() / "public" / "passwd.txt")
    assert followed.added == [link] and link in {d.source for d in store.documents()}


def test_moving_out_of_a_restricted_collection_needs_move(corpus: Path, tmp_path: Path) -> None:
    store, emb, config = make(tmp_path)
    assert ingest([corpus / "secret"], store, emb, config, collection="restricted").ok
    refused = ingest([corpus / "secret"], store, emb, config, collection="analysts")
    assert "'restricted'" in reasons(refused)["report.txt"] and "'analysts'" in reasons(refused)["report.txt"]
    assert collections(store)["corpus/secret/report.txt"] == "restricted"
    # A changed file in another collection keeps its previous version and collection, too.
    (corpus / "secret" / "report.txt").write_text(SECRET + "It was cancelled in 2021.\n")
    assert not ingest([corpus], store, emb, config).ok
    assert collections(store)["corpus/secret/report.txt"] == "restricted"
    moved = ingest([corpus / "secret"], store, emb, config, collection="default", move=True)
    assert moved.ok and collections(store)["corpus/secret/report.txt"] == "default"


def test_marker_pins_a_folder_and_contradicting_it_fails(corpus: Path, tmp_path: Path) -> None:
    pin_collection(corpus / "secret", "restricted")
    store, emb, config = make(tmp_path)
    assert ingest([corpus], store, emb, config).ok
    assert collections(store) == {"corpus/secret/report.txt": "restricted", "corpus/public/harbour.txt": "default"}
    refused = ingest([corpus / "secret"], store, emb, config, collection="default", move=True)
    assert COLLECTION_MARKER in reasons(refused)["report.txt"]
    assert collections(store)["corpus/secret/report.txt"] == "restricted"
    (corpus / "secret" / COLLECTION_MARKER).write_text("../etc\n")
    broken = ingest([corpus], store, emb, config)
    assert "not a valid collection name" in reasons(broken)["report.txt"]


def test_uploads_keep_their_collection_on_corpus_ingest_and_rebuild_and_stay_hidden(tmp_path: Path) -> None:
    from rag.ui.access import AccessPolicy, hash_password
    from rag.ui.service import ResearchService
    from rag.ui.settings import UISettings
    from rag.ui.sources import document_id

    corpus = tmp_path / "corpus"
    tf.make_text(corpus / "public", "harbour.txt", PUBLIC)
    policy = AccessPolicy.from_mapping({
        "users": {"alice": {"password": hash_password("a-long-password", iterations=1000), "groups": ["analysts"]},
                  "bob": {"password": hash_password("b-long-password", iterations=1000), "groups": []}},
        "collections": {"restricted": ["analysts"]}})
    assistant = Assistant(index_dir=tmp_path / "index", embedder=FakeEmbedder(), chunk_tokens=30, chunk_overlap=5)
    service = ResearchService(assistant, UISettings(corpus_dir=str(corpus)), policy)
    incoming = tf.make_text(tmp_path / "incoming", "nightjar.txt", SECRET)
    result = service.upload([incoming], "restricted", "alice")
    assert [row.status for row in result.rows] == ["added"]
    upload = str(corpus.resolve() / "uploads" / "restricted" / "nightjar.txt")

    def collection_of_upload() -> str:
        return {d.source: d.collection for d in assistant.documents()}[upload]

    # The documented `rag ingest corpus` (collection not given), then a rebuild of the whole index.
    assert assistant.ingest([corpus], progress=False).ok
    assert collection_of_upload() == "restricted"
    assert assistant.ingest([corpus], progress=False, rebuild=True).ok
    assert collection_of_upload() == "restricted"

    # A user outside the group gets nothing from it; a member does.
    question = "When was Project Nightjar approved by the defence ministry?"
    for_bob = assistant.ask(question, allowed_collections=service.allowed_collections("bob"))
    assert all(c.source != upload for c in for_bob.citations)
    assert all(upload != d.source for d in service.documents("bob"))
    assert service.source_path(document_id(upload), "bob") is None      # the /source route's check
    assert service.source_path(document_id(upload), "alice") == Path(upload)
    for_alice = assistant.ask(question, allowed_collections=service.allowed_collections("alice"))
    assert any(c.source == upload for c in for_alice.citations)


def test_upload_folders_from_before_markers_are_pinned_when_the_service_starts(tmp_path: Path) -> None:
    from rag.ui.service import ResearchService
    from rag.ui.settings import UISettings

    tf.make_text(tmp_path / "corpus" / "uploads" / "restricted", "old.txt", SECRET)
    assistant = Assistant(index_dir=tmp_path / "index", embedder=FakeEmbedder())
    ResearchService(assistant, UISettings(corpus_dir=str(tmp_path / "corpus")))
    marker = MarkerLookup().collection_for(tmp_path / "corpus" / "uploads" / "restricted" / "old.txt")
    assert marker is not None and marker[0] == "restricted"


def test_only_restricting_is_implicit() -> None:
    assert may_move("default", "restricted", move=False)
    assert not may_move("restricted", "default", move=False)
    assert not may_move("restricted", "analysts", move=False)
    assert may_move("restricted", "default", move=True)


def test_cli_move_needs_a_collection_and_prune_is_a_boolean_flag(
        corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from rag.cli import build_parser

    assert main(["ingest", str(corpus / "public"), "--index", str(tmp_path / "index"), "--move"]) == 2
    assert "--collection" in capsys.readouterr().err
    parse = build_parser().parse_args
    assert parse(["ingest", "x", "--prune"]).prune is True   # was "unrecognized arguments: --prune"
    assert parse(["ingest", "x", "--no-prune"]).prune is False
    assert parse(["ingest", "x"]).prune is True
    assert parse(["ingest", "x"]).collection is None and not parse(["ingest", "x"]).move
