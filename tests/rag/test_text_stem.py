"""The stemmer behind rag.text.terms (BM25 and verification both match on its stems)."""

from __future__ import annotations

import threading

import pytest

from rag.text import stem, terms


@pytest.mark.parametrize(("word", "expected"), [
    ("species", "speci"),     # the toy stemmer made "specy" (and "specie" stayed "specie")
    ("specie", "speci"),
    ("studies", "studi"),
    ("study", "studi"),
    ("running", "run"),
    ("runs", "run"),
    ("positions", "posit"),
    ("position", "posit"),
    ("Armenia's", "armenia"),
    ("Armenia’s", "armenia"),
    ("news", "news"),         # Snowball's exceptions: not "new"
    ("dying", "die"),
])
def test_snowball_english_stems(word: str, expected: str) -> None:
    assert stem(word) == expected


def test_inflections_of_one_word_share_a_stem() -> None:
    assert len({stem(w) for w in ("connect", "connected", "connecting", "connection", "connections")}) == 1
    assert stem("generously") == stem("generous")


def test_terms_drop_stop_words_and_stem() -> None:
    assert terms("The drones were striking Armenian positions") == ["drone", "strike", "armenian", "posit"]


def test_stemming_is_safe_across_threads() -> None:
    # One Snowball object is not thread-safe; rag.text keeps one per thread.
    words = ["connections", "species", "running", "studies", "positions"] * 200
    expected = [stem(w) for w in words]
    results: list[list[str]] = []

    def work() -> None:
        results.append([stem(w) for w in words])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 4
