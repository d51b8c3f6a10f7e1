"""Throughput and memory of ``milai check`` (the policy scan) on a large mixed document.

Builds a mixed document (English, French, German and Luxembourgish prose with markings,
obfuscated markings and Luxembourg personal data) in a temporary folder, then:

* times ``check_stream`` over it, read in 1 MiB chunks as ``milai check`` reads a file,
  against a plain ``re`` scan of the same chunks with one compiled alternation of the
  policy's raw marking strings (no normalisation, no context, no validation);
* measures the peak resident memory of a fresh process checking a 10 MB and a 100 MB
  document (and 1 GB with ``--gigabyte``): it should stay flat.

    python bench/check_throughput.py [--size-mb 100] [--gigabyte] [--policy FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from milai.policy import Policy, check_stream, load_policy  # noqa: E402

CHUNK = 1 << 20

PROSE = {
    "en": "the of and to in a is that for it as was with be by on not this are or from at "
    "which have they were there been one all their has would when if no out up more "
    "what about government ministry convoy analysis report operation secretary a "
    "secret recipe restricted area the leaked files were marked classified".split(),
    "fr": "le la les de des du un une et est que qui dans pour pas sur au avec il elle "
    "nous vous ont été être à où réunion défense sécurité ministère "
    "l\u2019\u00c9tat donn\u00e9es "
    "secret bancaire confidentiel diffusion restreinte aux membres — « note »".split(),
    "de": "der die das und ist nicht ein eine zu den von mit sich des auf für im dem über "
    "Geheimdienst Straße Behörde Vertraulichkeit Maßnahme Beschaffung geheim".split(),
    "lb": "d' Regierung huet decidéiert de Rapport ze publizéieren dat ass geheim an "
    "mir sinn zefridden Versammlung vum Comité Moien alleguer".split(),
}
MARKED = [
    "SECRET//NOFORN",
    "NATO CONFIDENTIAL",
    "(S) The plan is set for Tuesday.",
    "Objet : [CONFIDENTIEL DÉFENSE] réunion du comité",
    "> RESTREINT UE",
    "Einstufung: GEHEIM",
    "TRÈS SECRET LUX",
    "(TS//SI) Intercepts confirm the meeting.",
    "Subject: [NATO RESTRICTED] exercise",
    "VS-NUR FÜR DEN DIENSTGEBRAUCH",
    "S E C R E T",
    "\u0405\u0415\u0421R\u0415\u0422",
    "CON\u200bFIDENTIAL",
    "Decode U0VDUkVU",
]
PERSONAL = [
    "Contact jean.dupont@etat.lu for the file.",
    "Call +352 621 123 456 tomorrow.",
    "IBAN LU28 0019 4006 4475 0000, please.",
    "Matricule 1985 0315 123 71 au dossier.",
]


def _paragraphs(seed: int) -> list[str]:
    rng = random.Random(seed)
    pool = []
    for _ in range(4000):
        words = PROSE[rng.choice(["en", "en", "fr", "de", "lb"])]
        sentences = []
        for _ in range(rng.randint(1, 4)):
            sentence = " ".join(rng.choice(words) for _ in range(rng.randint(6, 24)))
            sentences.append(sentence.capitalize() + ".")
        pool.append(" ".join(sentences))
    return pool


def build_document(path: Path, size: int, seed: int = 2025) -> None:
    """Write a mixed document of about ``size`` characters, without holding it in memory."""
    rng = random.Random(seed)
    pool = _paragraphs(seed)
    written = 0
    with path.open("w", encoding="utf-8") as out:
        while written < size:
            roll = rng.random()
            if roll < 0.02:
                line = rng.choice(MARKED)
            elif roll < 0.05:
                line = rng.choice(PERSONAL)
            else:
                line = rng.choice(pool)
            out.write(line + "\n")
            written += len(line) + 1


def chunks_of(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


def time_check(policy: Policy, path: Path) -> tuple[float, str]:
    start = time.perf_counter()
    decision = check_stream(policy, chunks_of(path))
    elapsed = time.perf_counter() - start
    return (
        elapsed,
        f"decision {decision.action}, level {decision.level}, {len(decision.findings)} findings",
    )


def time_plain_re(policy: Policy, path: Path) -> tuple[float, int]:
    raw = sorted({m.text for m in policy.spec.markings}, key=len, reverse=True)
    alternation = re.compile("|".join(re.escape(text) for text in raw))
    start = time.perf_counter()
    count = sum(1 for chunk in chunks_of(path) for _ in alternation.finditer(chunk))
    return time.perf_counter() - start, count


def _child_peak(policy_path: Path, path: Path) -> None:
    """In a fresh process: check ``path`` and print the peak RSS in MiB."""
    policy = load_policy(policy_path)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    check_stream(policy, chunks_of(path))
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{before / 1024:.1f} {after / 1024:.1f}")  # Linux: ru_maxrss is in KiB


def peak_memory(policy_path: Path, path: Path) -> tuple[float, float]:
    result = subprocess.run(
        [sys.executable, __file__, "--child", str(policy_path), str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    before, after = (float(x) for x in result.stdout.split())
    return before, after


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=100.0)
    parser.add_argument("--gigabyte", action="store_true", help="also measure memory at 1 GB")
    parser.add_argument("--policy", type=Path, default=ROOT / "policies" / "default.yaml")
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child_peak(*args.child)
        return 0

    policy = load_policy(args.policy)
    size = int(args.size_mb * 1_000_000)
    with tempfile.TemporaryDirectory(prefix="milai-bench-") as tmp:
        folder = Path(tmp)
        document = folder / "document.txt"
        build_document(document, size)
        mb = document.stat().st_size / 1e6
        print(
            f"milai check throughput — {dt.date.today()}, Python {platform.python_version()},"
            f" {os.cpu_count()} CPUs, {platform.machine()}"
        )
        print(
            f"policy {policy.name} {policy.version}; document {mb:.1f} MB "
            f"(UTF-8 bytes), read in 1 MiB chunks"
        )
        check_s, summary = time_check(policy, document)
        plain_s, matches = time_plain_re(policy, document)
        print(f"  check_stream      {mb / check_s:8.1f} MB/s  ({check_s:.2f} s; {summary})")
        print(
            f"  plain re scan     {mb / plain_s:8.1f} MB/s  ({plain_s:.2f} s; {matches} raw "
            "marking strings, no normalisation)"
        )
        print(f"  ratio             {check_s / plain_s:8.1f}x the time of the plain scan")

        sizes = [10.0, args.size_mb] + ([1000.0] if args.gigabyte else [])
        print("peak resident memory of a fresh process checking (before → after the check):")
        for size_mb in sizes:
            sample = folder / f"memory-{size_mb:g}.txt"
            if size_mb == args.size_mb:
                sample = document
            else:
                build_document(sample, int(size_mb * 1_000_000))
            before, after = peak_memory(args.policy, sample)
            print(f"  {size_mb:7g} MB input: {before:6.1f} MiB → {after:6.1f} MiB")
            if sample != document:
                sample.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
