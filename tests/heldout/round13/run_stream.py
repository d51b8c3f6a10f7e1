"""Feed the round-13 attack probes the gate caught through a gated generation as the model's
OUTPUT (two modes, stream and held; a leak is emitted text read above UNCLASSIFIED).

Usage: python tests/heldout/round13/run_stream.py TREE GOT.json [--limit N]

GOT.json is run_gate.py's --json output. The runner is ../stream_runner.py (shared with the
other rounds, which says how); this script says which of the round's rows were caught.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from stream_runner import main  # noqa: E402 (found through the line above)


def caught(row: dict[str, Any]) -> str | None:
    """Round 13's run_gate.py (../gate_runner.py): attack rows carry expect_at_least, and wrong when missed; a
    policy is named by its path in the tree (none: the default policy)."""
    if "expect_at_least" not in row or row.get("wrong", True):
        return None
    return Path(row.get("policy") or "default").stem


if __name__ == "__main__":
    main(HERE, "round13", caught)
