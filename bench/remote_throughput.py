"""milai batch --concurrency N against a remote engine on loopback: requests/s and tokens/s.

Two servers, each on 127.0.0.1:
  llama   llama-cpp-python's own OpenAI-compatible server (``python -m llama_cpp.server``)
          with the demo model. It holds one model behind a lock, so requests are served one
          at a time: what N buys there is only the overlap of one request's client-side work
          (gate, audit, OUT) with another's decoding.
  paced   a small OpenAI SSE server written here that sleeps ``--token-ms`` per token and
          serves any number of requests at once, as vLLM does with continuous batching: it
          shows what the client side does with N in flight.

For each server, interleaved runs of N = 1, 2, 4 (a fresh OUT each time), whole ``milai
batch`` processes; prints medians and the ratio to N = 1 measured in the same runs.

    .venv/bin/python bench/remote_throughput.py [--runs 3] [--lines 16] [--max-tokens 32]
        [--servers llama,paced] [--token-ms 20]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

CONCURRENCY = (1, 2, 4)
PACED_MODEL = "paced"


def write_requests(path: Path, lines: int, max_tokens: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for number in range(lines):
            body = {
                "messages": [{"role": "user", "content": f"Tell a story about ship {number}."}],
                "max_tokens": max_tokens,
                "temperature": 0.0,
                "seed": number,
            }
            request = {
                "custom_id": f"line-{number}",
                "method": "POST",
                "url": "/v1/chat/completions",
                "body": body,
            }
            handle.write(json.dumps(request) + "\n")


def _event(data: dict[str, Any]) -> bytes:
    return b"data: " + json.dumps(data).encode() + b"\n\n"


class PacedHandler(BaseHTTPRequestHandler):
    """Streams ``max_tokens`` tokens, ``token_s`` apart, to every request at once."""

    protocol_version = "HTTP/1.1"
    token_s = 0.02

    def log_message(self, format: str, *args: Any) -> None:
        return None

    def do_GET(self) -> None:
        body = json.dumps({"data": [{"id": PACED_MODEL}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        base = {"model": PACED_MODEL, "object": "chat.completion.chunk"}
        for index in range(int(request["max_tokens"])):
            time.sleep(self.token_s)
            delta = {"content": f" word{index}"}
            self.wfile.write(_event({**base, "choices": [{"index": 0, "delta": delta}]}))
            self.wfile.flush()
        finish = {"index": 0, "delta": {}, "finish_reason": "length"}
        self.wfile.write(_event({**base, "choices": [finish]}) + b"data: [DONE]\n\n")


@contextmanager
def paced_server(token_ms: float) -> Iterator[str]:
    PacedHandler.token_s = token_ms / 1000
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), PacedHandler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextmanager
def llama_server(threads: int) -> Iterator[str]:
    from milai.vault import demo_model_path

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(demo_model_path()),
        "--model_alias", "smollm2", "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", "4096", "--n_threads", str(threads),
        "--interrupt_requests", "False",  # else a new request cuts the stream in progress
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("llama_cpp.server did not start")
            try:
                with urllib.request.urlopen(url + "/v1/models", timeout=2):  # noqa: S310
                    break
            except OSError:
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def completion_tokens(out: Path) -> int:
    total = 0
    for line in out.read_text(encoding="utf-8").splitlines():
        total += json.loads(line)["response"]["body"]["usage"]["completion_tokens"]
    return total


def measure(name: str, url: str, args: argparse.Namespace, work: Path) -> None:
    env = {**os.environ, "MILAI_HOME": str(work / name / "home")}
    milai = [sys.executable, "-m", "milai"]
    key = work / name / "key"
    (work / name).mkdir()
    for command in (
        ["init", "--key-file", str(key)],
        ["engine", "add", name, "--url", url, "--level", "UNCLASSIFIED"],
    ):
        subprocess.run([*milai, *command], env=env, check=True, capture_output=True)
    source, out = work / "in.jsonl", work / name / "out.jsonl"
    walls: dict[int, list[float]] = {n: [] for n in CONCURRENCY}
    tokens: dict[int, int] = {}
    for run in range(args.runs + 1):  # the first round warms caches and is not counted
        for n in CONCURRENCY:
            out.unlink(missing_ok=True)
            command = [*milai, "batch", str(source), "-o", str(out), "--model", name]
            started = time.perf_counter()
            subprocess.run(
                [*command, "--concurrency", str(n)], env=env, check=True, capture_output=True
            )
            wall = time.perf_counter() - started
            tokens[n] = completion_tokens(out)
            if run:
                walls[n].append(wall)
    print(f"\n{name} server ({url}), {args.lines} lines of {args.max_tokens} tokens, medians:")
    print("  N   wall s   requests/s   tokens/s   ratio to N=1")
    base = statistics.median(walls[1])
    for n in CONCURRENCY:
        wall = statistics.median(walls[n])
        print(
            f"  {n}  {wall:7.2f}   {args.lines / wall:10.2f}   {tokens[n] / wall:8.1f}"
            f"   {base / wall:6.2f}x"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--lines", type=int, default=16)
    parser.add_argument("--max-tokens", type=int, default=32)
    parser.add_argument("--servers", default="llama,paced")
    parser.add_argument("--token-ms", type=float, default=20.0)
    parser.add_argument("--threads", type=int, default=0, help="llama server threads")
    args = parser.parse_args()
    from milai.engine import physical_cores

    work = Path(tempfile.mkdtemp(prefix="milai-remote-bench-"))
    write_requests(work / "in.jsonl", args.lines, args.max_tokens)
    print(f"{os.cpu_count()} CPUs, {args.runs} counted runs of each N, interleaved")
    for name in args.servers.split(","):
        if name == "paced":
            with paced_server(args.token_ms) as url:
                print(f"paced: {args.token_ms:g} ms a token, any number of requests at once")
                measure(name, url, args, work)
        elif name == "llama":
            with llama_server(args.threads or physical_cores()) as url:
                measure(name, url, args, work)
        else:
            raise SystemExit(f"unknown server {name!r}")


if __name__ == "__main__":
    main()
