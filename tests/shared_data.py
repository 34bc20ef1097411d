"""Where the tests find the shared data sets, and the mark that skips a test without them."""

from __future__ import annotations

from pathlib import Path

import pytest

SQUAD_DEV = Path("/work/shared/datasets/squad_v2_dev/dev-v2.0.rebuilt.json")
"""SQuAD 2.0 dev, rebuilt (``/work/shared``); absent on machines without the shared data sets."""

needs_squad = pytest.mark.skipif(not SQUAD_DEV.is_file(), reason=f"{SQUAD_DEV} not present")
