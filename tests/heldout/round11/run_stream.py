"""Feed the round-11 attack probes the gate caught through a gated generation as the
model's OUTPUT (stream and held): ../stream_runner.py says how.

usage: tests/heldout/round11/run_stream.py TREE GOT.json [--limit N]   (GOT.json: run_gate.py's --json)
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import stream_runner  # noqa: E402 (found through the line above)

if __name__ == "__main__":
    stream_runner.run_round(__file__)
