"""Every regular expression the gate runs, and a fuzzer for catastrophic backtracking.

An attacker writes the text the gate reads (prompts, documents, model output), so every
pattern the gate runs must take time linear (or bounded) in its input. This module

* enumerates the patterns: it records every pattern compiled from milai's own code
  (``re._compile`` wrapped before milai is imported, so module-level ``re.compile``s,
  ``re.search(literal, ...)`` calls and the patterns the loader builds from both
  shipped policies, lazy ones included after a warm-up over texts that wake every unit),
  with the file and line that compiled it;
* builds adversarial inputs for each: for every repetition in its parse tree, the text
  that leads to it, then many repeats of what its body accepts (a sample of the body in
  several variants, and each single character that can start it), then a suffix that
  makes the match fail (or nothing), pumped from 16 characters to ``max_length``;
* times ``finditer`` (every start: what the units do) and ``fullmatch`` (a forced
  failure at the end: what the banner tail check does) on each, with a per-call limit
  enforced by a timer signal (``re`` checks for signals while it matches), and flags a
  pattern whose call passes the limit or whose time grows faster than its input.

Run ``python -m tests.policy.redos`` (fast: up to 256 characters, as the test suite does:
an exponential pattern passes the limit long before that) or with
``--thorough`` (1 KiB to 32 KiB, growth checked) for the audit table. ``--budget S`` bounds
the CPU seconds spent on one pattern (the thorough mode's default is 120): a pattern not
done by then is reported "partial" with the share of its input families tried, spread over
the whole pattern. ``--slope`` times each pattern's slowest family at 1e3..1e5 characters
and prints the exponent of its growth (1 is linear).
"""

from __future__ import annotations

import argparse
import ast
import importlib
import json
import linecache
import pkgutil
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

ROOT = Path(__file__).resolve().parents[2]
_parser: Any = importlib.import_module("re._parser")
_const: Any = importlib.import_module("re._constants")

# Packages whose patterns the gate runs: the policy engine and the document readers.
PACKAGES = ("milai.policy", "milai.documents")
_REPEATS = (_const.MAX_REPEAT, _const.MIN_REPEAT, _const.POSSESSIVE_REPEAT)
_CHAR_NODES = (_const.LITERAL, _const.NOT_LITERAL, _const.ANY, _const.IN)

# Characters tried first when a class is sampled: one of each kind an attacker can repeat.
_REPS = (
    "a0 .-/_Z\t\n(<\"=+%&\\x1é\xa0中:,;|)]>'*#@!?$^~{}[`\u2003\u0416\u03c3\u00c9\u2013\u2019\u00ab"
)
_SUFFIXES = ("", "\n", "\x00", "!", " ", "a", "0", "Z", "\u2603")


# -- enumeration --------------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """One compiled pattern and where milai compiled it."""

    origin: str  # file:line of milai's code that compiled it
    pattern: str | bytes
    flags: int

    def compiled(self) -> re.Pattern[Any]:
        return re.compile(self.pattern, self.flags)

    def label(self) -> str:
        text = self.pattern if isinstance(self.pattern, str) else repr(self.pattern)
        short = text if len(text) <= 60 else text[:57] + "..."
        return f"{self.origin} {short!r} ({len(text)} chars)"


def _warm_up_texts() -> list[str]:
    """Texts that wake every unit of the gate, so its lazily compiled patterns are seen."""
    texts = [
        "TOP SECRET//NOFORN\nThe plan.\nSECRET - DRAFT page 3 of 9 REF 12/34\n",
        "Secretary of State\nGeheimdienst\nUNCLASSIFIED\n",
        "1. (S) Troops moved.\n(TS//SCI) Intercepts.\n(C) Crown copyright 2024\n(S)-ibuprofen\n",
        "Classification: NATO SECRET\n| Classification | CONFIDENTIEL |\n",
        '{"classification": "SECRET"}\n<doc classification="SECRET"/>\nEinstufung: GEHEIM\n',
        "TOP\nSECRET\nSE-\nCRET\nS E C R E T\nS.E.C.R.E.T\n5ECR3T\n",
        "VGhpcyBpcyBUT1AgU0VDUkVU\n54 4f 50 20 53 45 43 52 45 54\n%54%4F%50\n",
        "&#84;&#79;&#80; &amp; \\u0054OP \\x54OP +AFMARQ- =54=4F U+0053 U+0045\n",
        '01010011 01000101 KRSXG5DSMVZA <~87cURD]i,"Ebo80~> GBC FRPERG\n',
        "TERCES POT\n\u202eTERCES POT\u202c\n\u0287\u01dd\u0279\u0254\u01dd\u0161\n",
        "\U000e0053\U000e0045\U000e0043 \u03f9\u1d07\u1d04\u0280\u1d07\u1d1b \U0001f182\n",
        "<b>TOP</b> <p align=center>SECRET</p> <<SECRET>> **SECRET** `SECRET`\n",
        "\\textbf{SECRET} [SECRET] <![CDATA[SECRET]]> <!-- c --> SECRET\tNOFORN\n",
        "Subject: [$ECRET] plan\nBetreff: VS-NUR FÜR DEN DIENSTGEBRAUCH\n",
        "IBAN LU28 0019 4006 4475 0000 matricule 1980 01 01 123 45 card 4111 1111 1111 1111\n",
        "$6$salt$abcdefghijklmnopqrstuv\n-----BEGIN PRIVATE KEY-----\nMIIB\n",
        "password = hunter2\nsecret = 42\nSECRET = 3\n## Top Secret\n",
        # a Caesar shift over another spelling; tracked changes
        "\u1515V\u1455I\u15f4\u15b6 Z*L*J*Y*L*A AM<!-- f -->KZMB gThIgXrItS\n",
        "[Inserted: [b]SECRET[/b]] {~~UNCLASSIFIED~>SECRET~~} {++SECRET++}\n",
        "x" * 70_000 + " SECRET\n",
    ]
    return texts + [t.lower() for t in texts] + [t.upper() for t in texts]


_DIRECTIONS: tuple[Literal["prompt", "output"], ...] = ("prompt", "output")


def _origin(frame: Any) -> str | None:
    """``milai/…/file.py:line`` of a frame in milai's code; None elsewhere."""
    path = Path(frame.f_code.co_filename)
    try:
        relative = path.resolve().relative_to(ROOT / "milai")
    except ValueError:
        return None
    return f"milai/{relative}:{frame.f_lineno}"


def _caller_origin() -> str | None:
    frame: Any = sys._getframe(2)
    re_dir = str(Path(re.__file__).parent)
    while frame is not None and frame.f_code.co_filename.startswith(re_dir):
        frame = frame.f_back
    if frame is None or Path(frame.f_code.co_filename).name == "_lazyre.py":
        return None  # a lazily compiled pattern: recorded where it is defined
    return _origin(frame)


def record_compiled() -> list[Found]:
    """Import the gate and the readers, load both shipped policies, run the gate over texts
    that wake every unit, and return each distinct pattern milai compiled on the way.

    Must run in a process where milai is not yet imported (``enumerate_patterns`` starts
    one); a module already imported compiled its patterns unseen. A pattern compiled when
    first used (``milai._lazyre.lazy_compile``) is recorded where it is made, woken by
    the warm-up or not.
    """
    import milai._lazyre as lazyre  # imports nothing else of milai's

    seen: dict[tuple[Any, int], Found] = {}
    original = re._compile  # type: ignore[attr-defined]
    lazies: list[tuple[str, Any]] = []
    make = lazyre._LazyPattern.__init__

    def making(self: Any, pattern: str, flags: int) -> None:
        make(self, pattern, flags)
        origin = _origin(sys._getframe(2))  # 1: lazy_compile; 2: the code that called it
        if origin is not None:
            lazies.append((origin, self))

    def recording(pattern: Any, flags: Any) -> Any:
        if isinstance(pattern, (str, bytes)):
            key = (pattern, int(flags))
            if key not in seen:
                origin = _caller_origin()
                if origin is not None:
                    seen[key] = Found(origin, pattern, int(flags))
        return original(pattern, flags)

    re._compile = recording  # type: ignore[attr-defined]
    lazyre._LazyPattern.__init__ = making  # type: ignore[method-assign]
    try:
        for package in PACKAGES:
            module = importlib.import_module(package)
            for info in pkgutil.walk_packages(module.__path__, package + "."):
                if not info.name.rsplit(".", 1)[-1].endswith("_gen"):
                    importlib.import_module(info.name)
        from milai.policy import check_text, load_policy, redact_text
        from milai.policy.detect import GuardedPattern, ScreenedPattern

        for name in ("default.yaml", "ministry-codewords.yaml"):
            policy = load_policy(ROOT / "policies" / name)
            policy.check_banners()
            for text in _warm_up_texts():
                for direction in _DIRECTIONS:
                    check_text(policy, text, direction=direction)
                redact_text(policy, text)
            # the large patterns that no warm-up text woke
            for top in (policy.engine.context_re, policy.engine.multiline_re):
                guarded: object = top
                while isinstance(guarded, GuardedPattern):
                    guarded.full()
                    if isinstance(guarded.otherwise, ScreenedPattern):
                        guarded.otherwise.full()
                    guarded = guarded.guard
    finally:
        re._compile = original  # type: ignore[attr-defined]
        lazyre._LazyPattern.__init__ = make  # type: ignore[method-assign]
    for origin, lazy in lazies:
        seen.setdefault(
            (lazy.pattern, lazy.given_flags), Found(origin, lazy.pattern, lazy.given_flags)
        )
    return list(seen.values())


def literal_calls() -> list[Found]:
    """Patterns written as literals in ``re`` calls in the gate's and readers' sources
    (``re.sub(r"\\s+", ...)`` inside a function the warm-up may not reach)."""
    found: list[Found] = []
    for package in ("policy", "documents"):
        for path in sorted((ROOT / "milai" / package).glob("*.py")):
            if path.stem.endswith("_gen"):
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "re"
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, (str, bytes))
                ):
                    continue
                flags = 0
                for keyword in node.keywords:
                    if keyword.arg == "flags":
                        flags = _literal_flags(keyword.value)
                if node.func.attr == "compile" and len(node.args) > 1:
                    flags = _literal_flags(node.args[1])
                origin = f"milai/{package}/{path.name}:{node.lineno}"
                found.append(Found(origin, node.args[0].value, flags))
    return found


def _literal_flags(node: ast.expr) -> int:
    names = [n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)]
    return sum(int(getattr(re, name)) for name in names if hasattr(re, name))


def enumerate_patterns() -> list[Found]:
    """Every pattern the gate and the readers compile: recorded in a fresh process, plus
    the literal ones in their sources; sorted by origin, one entry per pattern."""
    out = subprocess.run(
        [sys.executable, "-m", "tests.policy.redos", "--record"],
        cwd=ROOT,
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    found = [
        Found(origin, pattern.encode("latin-1") if is_bytes else pattern, flags)
        for origin, pattern, is_bytes, flags in json.loads(out)
    ]
    unique: dict[tuple[Any, int], Found] = {}
    for item in found + literal_calls():
        unique.setdefault((item.pattern, item.flags), item)
    return sorted(unique.values(), key=lambda f: (f.origin, str(f.pattern)))


# -- adversarial inputs ---------------------------------------------------------------------


class _Sampler:
    """Strings that (mostly) match parts of a parse tree, in several variants."""

    def __init__(self, flags: int, is_bytes: bool) -> None:
        # Imported here: ``--record`` must import milai only after wrapping ``re``.
        from milai.policy.regexcheck import _SAMPLE

        self.ignore_case = bool(flags & re.IGNORECASE)
        universe = dict.fromkeys(_REPS + _SAMPLE)
        self.universe = [c for c in universe if not is_bytes or ord(c) < 256]
        # by the class's items: a large pattern (a trie of markings) repeats the same few
        # classes thousands of times, each its own list in the parse tree
        self._class_cache: dict[tuple[Any, ...], list[str]] = {}
        self._memo: dict[tuple[int, int, bool], str] = {}

    def members(self, op: Any, av: Any) -> list[str]:
        if op is _const.LITERAL:
            return [chr(av)]
        if op is _const.NOT_LITERAL:
            return [c for c in self.universe if c != chr(av)]
        if op is _const.ANY:
            return [c for c in self.universe if c != "\n"]
        key = tuple(av)
        if key not in self._class_cache:
            from milai.policy.regexcheck import _in_class

            test = _in_class(av, self.ignore_case)
            self._class_cache[key] = [c for c in self.universe if _safely(test, c)]
        return self._class_cache[key]

    def seq(self, seq: Any, k: int, one: bool) -> str:
        return "".join(self.node(op, av, k, one) for op, av in seq)

    def node(self, op: Any, av: Any, k: int, one: bool) -> str:
        key = (id(av), k, one)
        if key not in self._memo:
            self._memo[key] = self._node(op, av, k, one)
        return self._memo[key]

    def _node(self, op: Any, av: Any, k: int, one: bool) -> str:
        if op in _CHAR_NODES:
            chars = self.members(op, av)
            return chars[k % len(chars)] if chars else ""
        if op is _const.SUBPATTERN:
            return self.seq(av[3], k, one)
        if op is _const.ATOMIC_GROUP:
            return self.seq(av, k, one)
        if op is _const.BRANCH:
            alternatives = av[1]
            return self.seq(alternatives[k % len(alternatives)], k // len(alternatives), one)
        if op in _REPEATS:
            low, high, body = av
            count = max(low, 1) if one else low
            return str(self.seq(body, k, one) * min(count, high))
        if op is _const.ASSERT and av[0] < 0:
            return ""  # a lookbehind's text is added by the caller before the element
        if op is _const.GROUPREF_EXISTS:
            no = av[2]
            return self.seq(no, k, one) if no is not None else ""
        return ""  # anchors, negative assertions, lookaheads, back-references


def _safely(test: Callable[[str], bool], ch: str) -> bool:
    try:
        return test(ch)
    except TypeError:  # a letter whose other case is two letters (ß, ŉ): leave it out
        return False


def _frozen(tree: Any, seen: dict[int, Any]) -> Any:
    """A parse tree (or part of one) as nested tuples: equal parts compare equal. ``seen``
    keeps the parts already frozen, by identity (the tree must outlive it)."""
    if not (isinstance(tree, list | tuple) or hasattr(tree, "data")):
        return tree
    if id(tree) not in seen:
        items = tree.data if hasattr(tree, "data") else tree
        seen[id(tree)] = tuple(_frozen(item, seen) for item in items)
    return seen[id(tree)]


def pump_points(found: Found, prefixes_per_pump: int = 2) -> list[tuple[str, str]]:
    """(prefix, pump) pairs: for each repetition, the text that leads to it and one repeat
    of what its body accepts. A large pattern (a trie of markings) reaches the same pump
    by thousands of paths: each pump keeps ``prefixes_per_pump`` of them, the shortest
    and others spread over their lengths."""
    from milai.policy.regexcheck import _Analyser

    is_bytes = isinstance(found.pattern, bytes)
    tree = _parser.parse(found.pattern, found.flags)
    sampler = _Sampler(found.flags, is_bytes)
    analyser = _Analyser(sampler.ignore_case)
    by_pump: dict[str, dict[str, None]] = {}

    def add(prefix: str, pump: str) -> None:
        by_pump.setdefault(pump, {})[prefix] = None

    # the characters that can start a repetition's body, by the body's items (the same
    # body comes back thousands of times in a large pattern)
    first_chars: dict[Any, list[str]] = {}
    frozen: dict[int, Any] = {}

    def starts(body: Any) -> list[str]:
        key = _frozen(body, frozen)
        if key not in first_chars:
            first, _ = analyser.first(list(body))
            first_chars[key] = [ch for ch in sampler.universe[:40] if ch in first]
        return first_chars[key]

    def walk(seq: Any, prefix: str) -> None:
        before = prefix
        for op, av in seq:
            if op in _REPEATS:
                _, high, body = av
                if high > 1:
                    for k in range(6):
                        for one in (True, False):
                            pump = sampler.seq(body, k, one)
                            if pump:
                                add(before, pump)
                    for ch in starts(body):
                        add(before, ch)
                walk(body, before)
            elif op is _const.SUBPATTERN:
                walk(av[3], before)
            elif op is _const.ATOMIC_GROUP:
                walk(av, before)
            elif op is _const.BRANCH:
                for alternative in av[1]:
                    walk(alternative, before)
            elif op in (_const.ASSERT, _const.ASSERT_NOT):
                walk(av[1], before)
            elif op is _const.GROUPREF_EXISTS:
                walk(av[1], before)
                if av[2] is not None:
                    walk(av[2], before)
            if op is _const.ASSERT and av[0] < 0:
                before += sampler.seq(av[1], 0, True)  # a lookbehind needs its text before
            else:
                before += sampler.node(op, av, 0, False)

    walk(tree, "")
    points: list[tuple[str, str]] = []
    for pump, prefixes in by_pump.items():
        ordered = sorted(prefixes, key=len)
        step = max(1, len(ordered) // prefixes_per_pump)
        points.extend((prefix, pump) for prefix in ordered[::step][:prefixes_per_pump])
    return points


# -- timing --------------------------------------------------------------------------------


class _TimeLimit(Exception):
    pass


def _on_alarm(signum: int, frame: object) -> None:
    raise _TimeLimit


def _timed(operation: Callable[[Any], object], text: Any, limit: float) -> float:
    """CPU seconds ``operation(text)`` takes, or ``inf`` when it passes ``limit``
    (interrupted). CPU time: other processes on a busy machine do not count."""
    previous = signal.signal(signal.SIGPROF, _on_alarm)
    signal.setitimer(signal.ITIMER_PROF, limit)
    started = time.process_time()
    try:
        operation(text)
    except _TimeLimit:
        return float("inf")
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
    return time.process_time() - started


@dataclass
class Finding:
    """A pattern whose time on one input family passed the limit or grew super-linearly."""

    found: Found
    text: str  # the largest input tried (or the one that passed the limit)
    operation: str
    seconds: float
    reason: str

    def describe(self) -> str:
        shown = self.text if len(self.text) <= 80 else self.text[:40] + "…" + self.text[-20:]
        return (
            f"{self.found.label()}: {self.operation} on {len(self.text)} chars {shown!r}: "
            f"{self.reason}"
        )


@dataclass
class Report:
    found: Found
    inputs: int = 0
    worst: float = 0.0  # slowest call at the largest length, seconds
    worst_text: str = ""
    findings: list[Finding] = field(default_factory=list)
    families: int = 0  # input families (prefix, pump, suffix) to try
    tried: int = 0  # of them, tried before the budget ran out (all: finished)
    # the slowest families at the largest length: (seconds, (prefix, pump, suffix))
    slowest: list[tuple[float, tuple[str, str, str]]] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return self.tried >= self.families


def _lengths(max_length: int) -> list[int]:
    lengths = [16]
    while lengths[-1] < max_length:
        lengths.append(lengths[-1] * 2)
    return lengths


# Patterns only ever matched from a chosen start (never searched), by the source line that
# compiles them, and why: they are timed with ``match`` and ``fullmatch`` only (searched
# from every start of a long run, each would be quadratic, which their callers never do).
ANCHORED = {
    ("milai/policy/detect.py", "re.compile(LEAD),"): "matched at a line's start",
    ("milai/policy/detect.py", "self.cell_re = lazy_compile("): "fullmatch of a label or cell",
    ("milai/policy/decoders.py", "_MIME_LINE_RE = lazy_compile("): "fullmatch of one line",
    ("milai/policy/decoders.py", "_MIME_BLOCK = lazy_compile("): "matched where mime_blocks starts",
    ("milai/policy/detect.py", "_CODE_AFTER_RE = lazy_compile("): "matched at a name's end",
}


def is_anchored(found: Found) -> bool:
    path, _, line = found.origin.rpartition(":")
    if not line.isdigit():
        return False
    source = linecache.getline(str(ROOT / path), int(line))
    return any(path == file and needle in source for file, needle in ANCHORED)


def known(finding: Finding) -> str | None:
    """Why a finding is known and not fixed (bench/README_policy.md), or None."""
    tail = finding.text[-65:]
    if tail and tail[-1] in _SUFFIXES:
        tail = tail[:-1]  # the failing suffix
    origin = finding.found.origin
    if origin.startswith("milai/policy/policy.py") and tail and set(tail) <= set("$|!@"):
        return "banner prefilter: a symbol letter in the loose gap (found, not fixed)"
    return None


def _operations(compiled: re.Pattern[Any], from_start: bool) -> dict[str, Callable[[Any], object]]:
    if from_start:
        return {"match": compiled.match, "fullmatch": compiled.fullmatch}
    return {
        "finditer": lambda text: sum(1 for _ in compiled.finditer(text)),
        "fullmatch": compiled.fullmatch,
    }


def fuzz(
    found: Found,
    *,
    max_length: int = 256,
    limit: float = 0.1,
    growth: float | None = None,
    floor: float = 0.002,
    prefixes_per_pump: int = 1,
    suffixes: tuple[str, ...] = _SUFFIXES[:4],
    budget: float | None = None,
) -> Report:
    """Time ``found`` on its adversarial inputs pumped up to ``max_length`` characters.

    A call over ``limit`` seconds is a finding. With ``growth``, so is a family whose time
    at ``max_length`` is over ``floor`` seconds and over ``growth`` times its time at a
    quarter of that length (linear is 4x; quadratic 16x), confirmed on a re-run.

    With ``budget``, the families are tried until that many CPU seconds are spent on the
    pattern (one at least); the report then says how many were tried (``finished``). The
    families are tried in an order spread over the pattern (every n-th first), so that an
    unfinished run has still looked at every part of it.
    """
    compiled = found.compiled()
    is_bytes = isinstance(found.pattern, bytes)
    from_start = is_anchored(found)
    report = Report(found)
    lengths = _lengths(max_length)
    families = [
        (prefix, pump, suffix)
        for prefix, pump in pump_points(found, prefixes_per_pump)
        for suffix in suffixes
        if not (is_bytes and any(ord(c) > 255 for c in prefix + pump + suffix))
    ]
    report.families = len(families)
    started = time.process_time()
    for prefix, pump, suffix in _spread(families):
        if budget is not None and report.tried and time.process_time() - started > budget:
            return report
        report.tried += 1
        finding = _fuzz_family(
            compiled, from_start, prefix, pump, suffix, lengths, limit, growth, floor, report
        )
        if finding is not None:
            finding.found = found
            report.findings.append(finding)
            report.tried = report.families  # one input family is enough to condemn it
            return report
    return report


def _spread(items: list[Any]) -> list[Any]:
    """``items`` reordered so that any first part of the order samples all of them: the
    order of a stride that halves (every 64th, then every 32nd not yet taken, …)."""
    order: list[Any] = []
    taken: set[int] = set()
    stride = 1
    while stride * 2 < len(items):
        stride *= 2
    while stride >= 1:
        for at in range(0, len(items), stride):
            if at not in taken:
                taken.add(at)
                order.append(items[at])
        stride //= 2
    return order


def _fuzz_family(
    compiled: re.Pattern[Any],
    from_start: bool,
    prefix: str,
    pump: str,
    suffix: str,
    lengths: list[int],
    limit: float,
    growth: float | None,
    floor: float,
    report: Report,
) -> Finding | None:
    is_bytes = isinstance(compiled.pattern, bytes)

    def text_of(length: int) -> Any:
        text = prefix + pump * max(1, length // len(pump)) + suffix
        return text.encode("latin-1") if is_bytes else text

    for name, operation in _operations(compiled, from_start).items():
        times: dict[int, float] = {}
        for length in lengths:
            text = text_of(length)
            report.inputs += 1
            seconds = _timed(operation, text, limit)
            if seconds == float("inf"):  # the machine may have paused us: try once more
                seconds = _timed(operation, text, limit)
            if seconds == float("inf"):
                shown = text.decode("latin-1") if is_bytes else text
                reason = f"passed the {limit:g} s limit"
                return Finding(report.found, shown, name, seconds, reason)
            times[length] = seconds
        top = lengths[-1]
        if times[top] > report.worst:
            report.worst = times[top]
            shown = text_of(top)
            report.worst_text = shown.decode("latin-1") if is_bytes else shown
        report.slowest = sorted([*report.slowest, (times[top], (prefix, pump, suffix))])[-3:]
        if growth is None or len(lengths) < 3 or times[top] < floor:
            continue
        quarter = lengths[-3]
        # Confirm on the best of three runs at both lengths (the machine is noisy).
        slow = min(_timed(operation, text_of(top), limit) for _ in range(3))
        fast = min(_timed(operation, text_of(quarter), limit) for _ in range(3))
        if slow >= floor and slow > growth * max(fast, 1e-6):
            shown = text_of(top)
            reason = f"{slow * 1e3:.1f} ms, {slow / max(fast, 1e-6):.0f}x its time at {quarter}"
            return Finding(
                report.found,
                shown.decode("latin-1") if is_bytes else shown,
                name,
                slow,
                reason,
            )
    return None


# The thorough mode: 16 characters to 32 KiB, more paths and suffixes, and growth checked
# (quadratic is 16x from 8 to 32 KiB; the floor keeps a noisy machine's tens of milliseconds
# from counting).
THOROUGH: dict[str, Any] = {
    "max_length": 32768,
    "limit": 1.0,
    "growth": 10.0,
    "floor": 0.25,
    "prefixes_per_pump": 8,
    "suffixes": _SUFFIXES,
}
# CPU seconds a pattern gets in the thorough mode: the large context and prefilter patterns
# have thousands of input families (a trie of every marking), a run of hours without one.
THOROUGH_BUDGET = 120.0


def iter_reports(
    patterns: list[Found], **options: Any
) -> Iterator[Report]:  # pragma: no cover - thin loop
    for found in patterns:
        yield fuzz(found, **options)


# The slope: n from 1e3 to 1e5 characters, each time the best of two calls.
SLOPE_LENGTHS = (1000, 3000, 10000, 30000, 100000)


@dataclass
class Slope:
    """How a pattern's time grows on its slowest input family: the exponent ``k`` of
    t ~ n^k, fitted on ``SLOPE_LENGTHS`` (1 linear, 2 quadratic)."""

    found: Found
    family: tuple[str, str, str]
    operation: str
    times: dict[int, float]  # length -> seconds (inf: passed the limit)
    exponent: float | None  # None: too fast to fit (under ``floor`` at the largest n)


def slope(
    report: Report,
    *,
    limit: float = 10.0,
    floor: float = 0.002,
    lengths: tuple[int, ...] = SLOPE_LENGTHS,
) -> Slope | None:
    """The steepest growth, from 1e3 to 1e5 characters, of ``report``'s slowest families
    (the three ``fuzz`` timed slowest), or None when the fuzz timed no family. CPU time
    (a busy machine's other processes do not count), per call, the best of two rounds."""
    found = report.found
    compiled = found.compiled()
    is_bytes = isinstance(found.pattern, bytes)
    worst: Slope | None = None
    for _, family in report.slowest:
        prefix, pump, suffix = family
        for name, operation in _operations(compiled, is_anchored(found)).items():
            times: dict[int, float] = {}
            for length in lengths:
                text: Any = prefix + pump * max(1, length // len(pump)) + suffix
                if is_bytes:
                    text = text.encode("latin-1")
                times[length] = min(_per_call(operation, text, limit) for _ in range(2))
                if times[length] == float("inf"):
                    break
            exponent = _exponent(times, floor)
            result = Slope(found, family, name, times, exponent)
            if worst is None or (exponent or 0.0) > (worst.exponent or 0.0):
                worst = result
    return worst


def _per_call(operation: Callable[[Any], object], text: Any, limit: float) -> float:
    """CPU seconds of one ``operation(text)``: calls repeated until they add up to 50 ms
    (the CPU clock may tick in milliseconds), at most 1,000; ``inf`` past ``limit``."""
    calls, spent = 0, 0.0
    while spent < 0.05 and calls < 1000:
        seconds = _timed(operation, text, limit)
        if seconds == float("inf"):
            return seconds
        calls, spent = calls + 1, spent + seconds
    return spent / calls


def _exponent(times: dict[int, float], floor: float) -> float | None:
    """The least-squares slope of log t on log n over the lengths timed above ``floor / 10``
    (smaller times are noise), or None when the largest is under ``floor``."""
    import math

    if not times or max(times.values()) < floor:
        return None
    if any(t == float("inf") for t in times.values()):
        return float("inf")
    points = [(math.log(n), math.log(t)) for n, t in times.items() if t >= floor / 10]
    if len(points) < 2:
        return None
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--record", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--thorough", action="store_true", help="pump 1 KiB to 32 KiB")
    parser.add_argument("--list", action="store_true", help="list the patterns only")
    parser.add_argument("--match", default="", help="only patterns whose origin holds this")
    parser.add_argument(
        "--budget",
        type=float,
        default=None,
        help="CPU seconds per pattern (thorough: 120); past it the pattern is reported "
        "'not finished' with the share of its input families tried",
    )
    parser.add_argument(
        "--slope",
        action="store_true",
        help="also time each pattern's slowest family at 1e3..1e5 characters and print "
        "the exponent k of t ~ n^k (1: linear)",
    )
    args = parser.parse_args(argv)
    if args.record:
        found = record_compiled()
        rows = [
            [
                f.origin,
                f.pattern.decode("latin-1") if isinstance(f.pattern, bytes) else f.pattern,
                isinstance(f.pattern, bytes),
                f.flags,
            ]
            for f in found
        ]
        json.dump(rows, sys.stdout)
        return 0
    patterns = [f for f in enumerate_patterns() if args.match in f.origin]
    if args.list:
        for item in patterns:
            print(item.label())
        print(f"{len(patterns)} patterns")
        return 0
    options: dict[str, Any] = dict(THOROUGH) if args.thorough else {}
    if args.budget is not None:
        options["budget"] = args.budget
    elif args.thorough:
        options["budget"] = THOROUGH_BUDGET
    bad = unfinished = 0
    for report in iter_reports(patterns, **options):
        status = "FLAGGED" if report.findings else "ok" if report.finished else "partial"
        unfinished += not report.finished and not report.findings
        print(
            f"{status:7} {report.worst * 1e3:8.2f} ms {report.inputs:6} inputs  "
            f"{report.found.label()}",
            flush=True,
        )
        if not report.finished and not report.findings:
            print(
                f"        not finished: {report.tried} of {report.families} input families "
                "tried within the budget, none flagged",
                flush=True,
            )
        if args.slope and not report.findings:
            grown = slope(report)
            if grown is not None:
                shown = (
                    "flat (under 2 ms at 1e5)"
                    if grown.exponent is None
                    else (f"k = {grown.exponent:.2f}")
                )
                timed = ", ".join(f"{n:g}: {t * 1e3:.2f} ms" for n, t in grown.times.items())
                print(f"        slope {shown} ({grown.operation}; {timed})", flush=True)
        for finding in report.findings:
            reason = known(finding)
            bad += reason is None
            print(f"        {finding.describe()}", flush=True)
            if reason is not None:
                print(f"        known: {reason}", flush=True)
    print(
        f"{len(patterns)} patterns, {bad} flagged (known ones aside), "
        f"{unfinished} not finished within the budget"
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
