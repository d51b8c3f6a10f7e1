"""milai batch against a raw llama-cpp-python loop over the same requests in one process.

Both sides are whole processes on the same GGUF, threads, prompts, seeds and greedy
sampling. milai's includes everything an operator pays for: start-up, unlocking the vault,
decrypting the model into memory, the policy gate on every prompt and answer, an audit
entry per line, and an fsynced OUT entry per line. Interleaved runs; prints medians:

  throughput ratio = milai completion tokens/s / raw completion tokens/s   (target >= 0.95)

    .venv/bin/python bench/batch_throughput.py [--runs 3] [--lines 16] [--max-tokens 64]
        [--before DIR]

``--before DIR`` also times another milai source tree (DIR holds its ``milai/`` and
``policies/``, e.g. ``git archive COMMIT milai policies models | tar -x -C DIR``) in the same
interleaved runs: before/after figures of a change against the same raw baseline.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

from bench._demo_vault import demo_vault, timed

RAW_SCRIPT = r"""
import json, sys
from llama_cpp import Llama
path, threads, source, target = sys.argv[1:5]
llama = Llama(model_path=path, n_ctx=4096, n_threads=int(threads),
              n_threads_batch=int(threads), verbose=False)
with open(source) as lines, open(target, "w") as out:
    for line in lines:
        request = json.loads(line)
        body = request["body"]
        reply = llama.create_chat_completion(
            messages=body["messages"], max_tokens=body["max_tokens"],
            temperature=body["temperature"], seed=body["seed"])
        out.write(json.dumps({"custom_id": request["custom_id"], "response": reply}) + "\n")
"""

TOPICS = (
    "the history of Luxembourg",
    "how lighthouses work",
    "the water cycle",
    "why bridges need expansion joints",
    "the life of bees",
    "how a compass works",
    "the rules of chess",
    "the causes of the seasons",
)


def write_requests(path: Path, lines: int, max_tokens: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for number in range(lines):
            topic = TOPICS[number % len(TOPICS)]
            request = {
                "custom_id": f"line-{number}",
                "method": "POST",
                "url": "/v1/chat/completions",
                "body": {
                    "messages": [
                        {"role": "system", "content": "You are a helpful assistant."},
                        {"role": "user", "content": f"Write a paragraph about {topic}."},
                    ],
                    "max_tokens": max_tokens,
                    "temperature": 0.0,
                    "seed": number,
                },
            }
            handle.write(json.dumps(request) + "\n")


def completion_tokens(out: Path, milai: bool) -> int:
    total = 0
    for line in out.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        body = entry["response"]["body"] if milai else entry["response"]
        total += body["usage"]["completion_tokens"]
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--lines", type=int, default=16)
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--threads", type=int, default=0, help="0: milai's default")
    parser.add_argument("--before", type=Path, help="another milai source tree to time too")
    args = parser.parse_args()

    vault = demo_vault(args.threads)
    work, env, model, threads = vault.work, vault.env, vault.model, vault.threads
    source = work / "in.jsonl"
    write_requests(source, args.lines, args.max_tokens)
    raw_script = work / "raw.py"
    raw_script.write_text(RAW_SCRIPT)
    raw_out, milai_out = work / "raw-out.jsonl", work / "milai-out.jsonl"
    raw_cmd = [sys.executable, str(raw_script), model, str(threads), str(source), str(raw_out)]
    milai_cmd = [
        *vault.milai,
        "batch",
        str(source),
        "-o",
        str(milai_out),
        "--threads",
        str(threads),
    ]

    sides = {"milai": (milai_cmd, env)}
    if args.before is not None:
        # -P: the working folder is not put first on sys.path, so PYTHONPATH's milai is used.
        before_cmd = [sys.executable, "-P", *milai_cmd[1:]]
        sides["before"] = (before_cmd, {**env, "PYTHONPATH": str(args.before.resolve())})

    def run_milai(name: str) -> float:
        milai_out.unlink(missing_ok=True)  # a fresh OUT: nothing to resume
        command, side_env = sides[name]
        return timed(command, side_env)[0]

    timed(raw_cmd, env)  # warm the page cache
    for name in sides:
        run_milai(name)
    raw_rates, raw_walls = [], []
    rates: dict[str, list[float]] = {name: [] for name in sides}
    walls: dict[str, list[float]] = {name: [] for name in sides}
    tokens = {"raw": 0}
    for _ in range(args.runs):
        wall, _ = timed(raw_cmd, env)
        raw_walls.append(wall)
        tokens["raw"] = completion_tokens(raw_out, milai=False)
        raw_rates.append(tokens["raw"] / wall)
        for name in sides:
            wall = run_milai(name)
            walls[name].append(wall)
            tokens[name] = completion_tokens(milai_out, milai=True)
            rates[name].append(tokens[name] / wall)

    median = statistics.median
    print(
        f"model {Path(model).name}, {threads} threads, {args.lines} lines of at most "
        f"{args.max_tokens} tokens, {args.runs} interleaved runs each, medians"
    )
    print("completion tokens " + "  ".join(f"{name} {count}" for name, count in tokens.items()))
    print(f"whole process s   raw    {median(raw_walls):8.3f}")
    for name in sides:
        print(f"whole process s   {name:<6} {median(walls[name]):8.3f}")
    print(f"tokens/s          raw    {median(raw_rates):8.1f}")
    for name in sides:
        ratio = median(rates[name]) / median(raw_rates)
        print(f"tokens/s          {name:<6} {median(rates[name]):8.1f}   ratio {ratio:.3f}")
    print("(target: milai's ratio >= 0.95)")


if __name__ == "__main__":
    main()
