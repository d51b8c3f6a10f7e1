"""Feed caught attack probes through the real pipeline as the model's OUTPUT.

    TREE/.venv/bin/python tests/heldout/round9/run_stream.py TREE [GOT.json] [--n N]

Runs in process in TREE (imports TREE's milai and tests.fakes): a FakeEngine streams the
probe in small seeded chunks (1-5 characters) to a Pipeline with TREE's default policy.
Two modes: stream (model accredited UNCLASSIFIED = sink level: the gate releases as it
goes) and held (model accredited TOP SECRET, sink UNCLASSIFIED: output held to the end).
A leak is released text that the gate itself, re-reading it whole, raises above the sink
(UNCLASSIFIED). GOT.json (from run_gate.py --json) picks the probes the gate caught whole.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    tree = Path(sys.argv[1]).resolve()
    sys.path.insert(0, str(tree))
    from milai.engine import SamplingParams
    from milai.errors import Blocked
    from milai.policy import check_text, load_policy
    from tests.fakes import FakeEngine, fake_pipeline

    manifest = json.loads((HERE / "manifest.json").read_text(encoding="utf-8"))
    got = {}
    if len(sys.argv) > 2 and sys.argv[2].endswith(".json"):
        got = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
    n = int(sys.argv[sys.argv.index("--n") + 1]) if "--n" in sys.argv else 10_000
    policy = load_policy(tree / "policies/default.yaml")
    scale = list(policy.levels)
    picked = [
        e for e in manifest
        if "expect_at_least" in e and e.get("policy", "default") == "default"
        and (not got or scale.index(got.get(e["file"], "UNCLASSIFIED")) >= scale.index(e["expect_at_least"]))
    ][:n]
    leaks = 0
    from collections import Counter

    for mode, model_level in (("stream", "UNCLASSIFIED"), ("held", "TOP SECRET")):
        outcomes: Counter[str] = Counter()
        partial = 0
        for e in picked:
            text = (HERE / e["file"]).read_text(encoding="utf-8")
            rng = random.Random(e["file"])
            chunks, i = [], 0
            while i < len(text):
                k = rng.randint(1, 5)
                chunks.append(text[i : i + k])
                i += k
            engine = FakeEngine(chunks=chunks)
            pipeline, _, _ = fake_pipeline(engine, model_level=model_level)
            released: list[str] = []
            outcome = "allowed"
            try:
                pipeline.run(
                    "Write the document.", model_name="fake", clearance="UNCLASSIFIED",
                    params=SamplingParams(max_tokens=100_000), emit=released.append,
                    out_level="UNCLASSIFIED",
                )
            except Blocked:
                outcome = "blocked"
            except Exception as error:  # noqa: BLE001 - a probe's report, not a crash
                outcome = f"error {type(error).__name__}: {error}"
            out = "".join(released)
            level = check_text(policy, out).level if out else "UNCLASSIFIED"
            leak = level != "UNCLASSIFIED"
            outcomes[outcome.split(':')[0]] += 1
            partial += bool(out) and outcome == "blocked"
            leaks += leak
            if leak or outcome.startswith("error"):
                print(f"{mode:6s} LEAK={leak} {e['file']} outcome={outcome} released_level={level} released={out[:80]!r}")
        print(f"{mode}: {len(picked)} probes run, outcomes {dict(outcomes)}, {partial} blocked after releasing a clean prefix")
    print(f"leaks: {leaks}")
    # The input side: every default-policy probe through check_stream in the same small
    # chunks, against the manifest (the raw text: no document reader, as a pipe gives it).
    from milai.policy import check_stream

    wrong = 0
    for e in manifest:
        if e.get("policy", "default") != "default":
            continue
        text = (HERE / e["file"]).read_text(encoding="utf-8")
        rng = random.Random(e["file"])
        pieces, i = [], 0
        while i < len(text):
            k = rng.randint(1, 5)
            pieces.append(text[i : i + k])
            i += k
        streamed = check_stream(policy, iter(pieces)).level
        whole = check_text(policy, text).level
        if streamed != whole:
            wrong += 1
            print(f"stream/whole differ: {e['file']} streamed={streamed} whole={whole}")
    print(f"check_stream vs check_text: {wrong} differ")
    return 1 if leaks else 0


if __name__ == "__main__":
    raise SystemExit(main())
