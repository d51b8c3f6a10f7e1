"""The whole gate on adversarial texts: seconds per MB against the mixed benchmark text.

An attacker writes what the gate reads. Each family below is a text built to make a
backtracking pattern work hard (long runs of one character class, markup that never
closes, runs of brackets, base64-like runs, digits, separators between letters), as one
long line and as short lines. ``check_stream`` reads it in 1 MiB chunks as ``milai check``
does; the baseline is the mixed document of ``check_throughput.py``, same size, same run
(median of ``--repeat`` interleaved runs). A family more than ``--ratio`` times slower per
byte than the baseline is reported (exit 1).

    python bench/gate_adversarial.py [--size-kb 64] [--policy FILE] [--only NAME]
"""

from __future__ import annotations

import argparse
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.check_throughput import build_document  # noqa: E402
from milai.policy import Policy, check_stream, load_policy  # noqa: E402

CHUNK = 1 << 20

# (name, unit): the unit repeated to the size, as one line and as lines of ~80 and ~200.
UNITS: list[tuple[str, str]] = [
    ("letters", "a"),
    ("capitals", "A"),
    ("words", "ab "),
    ("capital words", "TOP "),
    ("digits", "0"),
    ("number words", "0123 "),
    ("blanks", " "),
    ("tabs", "\t"),
    ("em spaces", "\u2003"),
    ("new lines", "\n"),
    ("open parens", "("),
    ("open brackets", "["),
    ("open braces", "{"),
    ("open angles", "<"),
    ("close angles", ">"),
    ("bars", "|"),
    ("bar cells", "| "),
    ("quote bars", "> "),
    ("dashes", "-"),
    ("slashes", "/"),
    ("backslashes", "\\"),
    ("quotes", '"'),
    ("stars", "*"),
    ("hashes", "#"),
    ("dots", "."),
    ("colons", ":"),
    ("equals", "="),
    ("plus", "+"),
    ("percent", "%"),
    ("ampersands", "&"),
    ("unclosed tag", "<b class=x "),
    ("unclosed comment", "<!-- a "),
    ("unclosed cdata", "<![CDATA[ a "),
    ("unclosed json", '{"a": "b", '),
    ("unclosed string", '"a\\"b '),
    ("latex", "\\textbf{a"),
    ("base64", "QUJDRGVm"),
    ("base64 url", "QUJD-_RG"),
    ("base32", "KRSXG5DS"),
    ("hex pairs", "4f "),
    ("hex colon", "4f:"),
    ("hex 0x", "0x4f "),
    ("percent codes", "%4F"),
    ("entities", "&#65;"),
    ("named entities", "&amp;"),
    ("escapes", "\\x41"),
    ("unicode escapes", "\\u0041"),
    ("code points", "U+0041 "),
    ("binary", "01010011 "),
    ("quoted printable", "=4F"),
    ("utf7", "+AFM-"),
    ("ascii85", "<~87cU"),
    ("spaced letters", "S E C R E "),
    ("dotted letters", "s.e.c.r.e."),
    ("piped letters", "s|e|c|r|e|"),
    ("dashed letters", "a-b-c-"),
    ("leet", "5ECR3 "),
    ("portion marks", "(S) "),
    ("numbering", "1.2.3 "),
    ("paren numbers", "(1) "),
    ("page words", "page 3 of "),
    ("labels", "classification: "),
    ("eyes only", "eyes "),
    ("mixed punct", "(-[|<*"),
    ("cjk", "\u4e2d\u6587"),
    ("cyrillic", "\u0421\u0415"),
    ("combining", "a\u0301"),
    ("zero width", "a\u200b"),
    ("rtl override", "\u202ea"),
    ("tag chars", "\U000e0053"),
    ("turned", "\u0287\u01dd"),
    ("small caps", "\u1d07\u1d04"),
    # A cell per marking: each cell (and each run of up to seven) is read as a line.
    ("marking cells", "SECRET  "),
    ("marking tab cells", "SECRET\t"),
    ("marking bar cells", "SECRET | "),
    ("marking dash cells", "SECRET  -  a "),
    # Glued copies of a marking (and of its rot13 spelling).
    ("glued markings", "SECRET"),
    ("glued rot13", "FRPERG"),
    # A marking's first letters, then a symbol that stands for a letter and is a gap too.
    ("leet symbol run", "d31f1" + "$" * 512 + "\n"),
]


def texts(size: int) -> list[tuple[str, str]]:
    out = []
    for name, unit in UNITS:
        count = max(1, size // len(unit))
        out.append((f"{name} (one line)", unit * count))
        if unit != "\n":
            for width in (80, 200):
                line = (unit * (width // len(unit) + 1))[:width] + "\n"
                out.append((f"{name} (lines of {width})", line * max(1, size // len(line))))
    return out


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise _Timeout


def time_check(policy: Policy, text: str, limit: float) -> float:
    """Seconds ``check_stream`` takes over ``text`` in 1 MiB chunks (inf past ``limit``)."""
    chunks = [text[i : i + CHUNK] for i in range(0, len(text), CHUNK)]
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    started = time.perf_counter()
    try:
        check_stream(policy, chunks)
    except _Timeout:
        return float("inf")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    return time.perf_counter() - started


def run(
    policy: Policy,
    size: int,
    *,
    ratio: float = 10.0,
    repeat: int = 3,
    only: str = "",
    limit: float = 120.0,
    report: Callable[[str], None] = print,
) -> list[tuple[str, float]]:
    """Time every family; return those over ``ratio`` x the baseline's seconds per byte."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mixed.txt"
        build_document(path, size)
        mixed = path.read_text(encoding="utf-8")
    families = [(name, text) for name, text in texts(size) if only in name]
    base_times: list[float] = []
    slow: list[tuple[str, float]] = []
    rows: list[tuple[str, int, float]] = []
    for name, text in families:
        times = []
        for _ in range(repeat):
            base_times.append(time_check(policy, mixed, limit))
            times.append(time_check(policy, text, limit))
            if times[-1] == float("inf"):
                break
        rows.append((name, len(text.encode("utf-8")), statistics.median(times)))
    base = statistics.median(base_times) / len(mixed.encode("utf-8"))
    report(f"baseline (mixed text): {1 / base / 1e6:.2f} MB/s, {len(mixed) // 1024} KiB")
    for name, length, seconds in rows:
        factor = seconds / length / base
        flag = "  SLOW" if factor > ratio else ""
        report(f"{factor:8.2f}x  {length / seconds / 1e6:8.2f} MB/s  {name}{flag}")
        if factor > ratio:
            slow.append((name, factor))
    return slow


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-kb", type=int, default=64)
    parser.add_argument("--policy", type=Path, default=ROOT / "policies" / "default.yaml")
    parser.add_argument("--ratio", type=float, default=10.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", default="", help="families whose name holds this")
    args = parser.parse_args()
    policy = load_policy(args.policy)
    slow = run(policy, args.size_kb * 1024, ratio=args.ratio, repeat=args.repeat, only=args.only)
    print(f"{len(slow)} families over {args.ratio:g}x the baseline per byte")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
