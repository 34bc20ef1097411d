"""``Assistant(Config(...))``: a Config as the first argument is the config, not an index path
(it used to become a path named after the Config's repr and fail with "File name too long")."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from rag.assistant import Assistant
from rag.config import Config
from rag.testing import FakeEmbedder


def test_a_config_as_first_argument_is_the_config(tmp_path: Path) -> None:
    config = Config.load(overrides={"index_dir": str(tmp_path / "idx"), "k": 3})
    assistant = Assistant(config, embedder=FakeEmbedder())
    assert assistant.config.index_dir == str(tmp_path / "idx")
    assert assistant.config.k == 3
    assert Assistant(config, embedder=FakeEmbedder(), k=4).config.k == 4  # keywords still override


@pytest.mark.parametrize("bad", [3, 2.5, ["index"], {"index_dir": "x"}])
def test_an_index_dir_that_is_not_a_path_is_a_type_error_naming_it(bad: Any) -> None:
    with pytest.raises(TypeError, match="index_dir must be a path"):
        Assistant(bad)


def test_a_config_given_twice_is_a_type_error(tmp_path: Path) -> None:
    config = Config.load(overrides={"index_dir": str(tmp_path)})
    with pytest.raises(TypeError, match="config"):
        Assistant(config, config=config)


def test_a_path_like_index_dir_is_accepted(tmp_path: Path) -> None:
    assert Assistant(tmp_path / "idx", embedder=FakeEmbedder()).config.index_dir == os.fspath(tmp_path / "idx")
