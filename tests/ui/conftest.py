"""Fixtures shared by the UI tests: one headless Chromium per browser test module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium (:func:`rag.testing_browser.chromium`); skips the module where it is missing."""
    from rag.testing_browser import CHROMIUM, chromium

    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} missing: apt-get install -y chromium")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with chromium() as launched:
        yield launched
