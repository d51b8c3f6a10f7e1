"""Run the round-13 held-out probes through TREE's gate: ../gate_runner.py says how.

usage: tests/heldout/round13/run_gate.py TREE [--json OUT] [--jobs N]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import gate_runner  # noqa: E402 (found through the line above)

if __name__ == "__main__":
    sys.exit(gate_runner.run_round(__file__))
