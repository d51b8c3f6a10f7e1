"""Run the round-14 held-out probes through TREE's gate.

usage: tests/heldout/round14/run_gate.py TREE [--json OUT] [--jobs N]

The runner is ../gate_runner.py (shared with the other rounds, which says what it prints).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from gate_runner import main  # noqa: E402 (found through the line above)

if __name__ == "__main__":
    sys.exit(main(HERE, "round14"))
