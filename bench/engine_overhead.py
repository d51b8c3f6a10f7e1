"""milai run against raw llama-cpp-python on the same GGUF, threads, seed and prompt.

Interleaved runs; prints medians and ratios:
  decode ratio   = milai decode tokens/s / raw decode tokens/s        (target >= 0.97)
  process ratio  = milai whole-process seconds / raw whole-process s  (target <= 1.15)

milai's process includes everything a user pays for: start-up, unlocking the vault,
decrypting the model into memory, the policy gate on prompt and output, and the audit entry.

    .venv/bin/python bench/engine_overhead.py [--runs 7] [--max-tokens 128]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

from bench._demo_vault import demo_vault, timed

RAW_SCRIPT = r"""
import json, sys, time
from llama_cpp import Llama
path, threads, seed, max_tokens, prompt = sys.argv[1:6]
llama = Llama(model_path=path, n_ctx=4096, n_threads=int(threads),
              n_threads_batch=int(threads), verbose=False)
stamps = []
text = []
for chunk in llama.create_chat_completion(
        messages=[{"role": "user", "content": prompt}], max_tokens=int(max_tokens),
        temperature=0.0, seed=int(seed), stream=True):
    content = chunk["choices"][0]["delta"].get("content")
    if content:
        stamps.append(time.perf_counter())
        text.append(content)
sys.stdout.write("".join(text))
decode = (len(stamps) - 1) / (stamps[-1] - stamps[0]) if len(stamps) > 1 else 0.0
sys.stderr.write(json.dumps({"tokens_per_s": decode, "tokens": len(stamps)}) + "\n")
"""

PROMPT = "Write a detailed paragraph about the history of the city of Luxembourg."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--max-tokens", type=int, default=128)
    parser.add_argument("--threads", type=int, default=0, help="0: milai's default")
    args = parser.parse_args()

    vault = demo_vault(args.threads)
    work, env, model, threads = vault.work, vault.env, vault.model, vault.threads
    raw_script = work / "raw.py"
    raw_script.write_text(RAW_SCRIPT)
    raw_cmd = [
        sys.executable,
        str(raw_script),
        model,
        str(threads),
        "1",
        str(args.max_tokens),
        PROMPT,
    ]
    milai_cmd = [
        *vault.milai,
        "run",
        "--json",
        "--seed",
        "1",
        "--temperature",
        "0",
        "--threads",
        str(threads),
        "--max-tokens",
        str(args.max_tokens),
        PROMPT,
    ]

    timed(raw_cmd, env), timed(milai_cmd, env)  # warm the page cache for both
    raw_wall, raw_tps, milai_wall, milai_tps = [], [], [], []
    for _ in range(args.runs):
        wall, result = timed(raw_cmd, env)
        raw_wall.append(wall)
        raw_tps.append(json.loads(result.stderr.strip().splitlines()[-1])["tokens_per_s"])
        wall, result = timed(milai_cmd, env)
        milai_wall.append(wall)
        milai_tps.append(json.loads(result.stdout)["timings"]["tokens_per_s"])

    median = statistics.median
    print(
        f"model {Path(model).name}, {threads} threads, {args.max_tokens} max tokens, "
        f"{args.runs} interleaved runs each, medians"
    )
    print(
        f"decode tokens/s   raw {median(raw_tps):8.1f}   milai {median(milai_tps):8.1f}   "
        f"ratio {median(milai_tps) / median(raw_tps):.3f}  (target >= 0.97)"
    )
    print(
        f"whole process s   raw {median(raw_wall):8.3f}   milai {median(milai_wall):8.3f}   "
        f"ratio {median(milai_wall) / median(raw_wall):.3f}  (target <= 1.15)"
    )


if __name__ == "__main__":
    main()
