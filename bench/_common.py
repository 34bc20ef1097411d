"""Setup shared by the benchmarks in ``bench/``, imported first by each (``from _common import ...``).

Models load from the local cache only (no hub calls, no telemetry, no tokenizer
threads fighting the benchmark), the checkout is importable as ``rag`` without
an install, and :data:`SQUAD` names the SQuAD 2.0 dev file the benchmarks draw
their text and questions from.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
SQUAD = REPO.parent / "shared" / "datasets" / "squad_v2_dev" / "dev-v2.0.rebuilt.json"


def p95(values: Sequence[float]) -> float:
    """The 95th percentile of ``values`` (:func:`rag.eval.metrics.percentile`, linear interpolation)."""
    from rag.eval.metrics import percentile

    return percentile(values, 95)
