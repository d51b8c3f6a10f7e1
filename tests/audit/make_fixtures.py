"""Build the named audit fixtures in tests/fixtures/audit/ (deterministic: fixed keys, fixed
clock). Run ``python -m tests.audit.make_fixtures`` after changing the file format;
test_fixtures.py fails while they are stale. What each fixture is:
tests/fixtures/audit/README.md.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

from milai.audit import AuditLog, _checkpoint, _entry
from tests.audit.support import FIXTURES, HMAC_KEY, TestSigner

EVENTS: list[dict[str, object]] = [
    {"command": "model.import", "model": {"name": "demo", "sha256": "11" * 32}},
    {
        "command": "run",
        "decision": "allow",
        "clearance": "SECRET",
        "levels": {"prompt": "UNCLASSIFIED", "output": "UNCLASSIFIED"},
        "rules": [],
        "model": {"name": "demo", "sha256": "11" * 32},
        "policy": {"name": "default", "sha256": "22" * 32},
        "usage": {"prompt_tokens": 12, "completion_tokens": 40},
        "sampling": {"temperature": 0.0, "max_tokens": 64, "seed": 7},
        "prompt_sha256": "33" * 32,
        "output_sha256": "44" * 32,
        "prompt_chars": 51,
        "output_chars": 170,
    },
    {
        "command": "check",
        "decision": "allow",
        "clearance": "SECRET",
        "levels": {"prompt": "UNCLASSIFIED"},
        "rules": [],
    },
    {
        "command": "run",
        "decision": "block",
        "clearance": "CONFIDENTIAL",
        "levels": {"prompt": "SECRET"},
        "rules": ["marking.secret"],
    },
    {"command": "redact", "decision": "redact", "rules": ["pii.email", "pii.phone"]},
    {"command": "vault.unlock-failed"},
    {"command": "policy.change", "policy": {"name": "default", "sha256": "55" * 32}},
    {"command": "run", "decision": "allow", "clearance": "SECRET", "rules": []},
]


@contextlib.contextmanager
def fixed_clock() -> Iterator[None]:
    minutes = itertools.count()

    def now() -> str:
        minute = next(minutes)
        return f"2025-03-01T09:{minute // 60:02d}:{minute % 60:02d}.000000Z"

    with mock.patch.object(_entry, "utc_now", now), mock.patch.object(_checkpoint, "utc_now", now):
        yield


def build(folder: Path) -> None:
    """Write every fixture into ``folder`` (which must exist)."""
    with tempfile.TemporaryDirectory() as scratch_name, fixed_clock():
        scratch = Path(scratch_name)
        clean = AuditLog(scratch / "clean.log", HMAC_KEY, TestSigner(), checkpoint_every=5)
        for event in EVENTS:
            clean.append(event)
        clean.write_checkpoint(scratch / "checkpoint-8.json")
        for name in ("clean.log", "clean.log.checkpoints", "checkpoint-8.json"):
            shutil.copyfile(scratch / name, folder / name)
        lines = (scratch / "clean.log").read_bytes().splitlines(keepends=True)

        rewritten = scratch / "rewritten-after-5.log"
        rewritten.write_bytes(b"".join(lines[:5]))
        for event in EVENTS[5:]:
            AuditLog(rewritten, HMAC_KEY).append({**event, "rewritten": True})
        shutil.copyfile(rewritten, folder / rewritten.name)

        other_key = AuditLog(scratch / "clean.log", HMAC_KEY, TestSigner(bytes(32)))
        other_key.write_checkpoint(scratch / "other.json")
        other = json.loads((scratch / "other.json").read_bytes())

        AuditLog(scratch / "clean.log", HMAC_KEY).append({"command": "run", "decision": "allow"})
        entry_9 = (scratch / "clean.log").read_bytes().splitlines(keepends=True)[8]

    def write(name: str, *parts: bytes) -> None:
        (folder / name).write_bytes(b"".join(parts))

    third = lines[2]
    write("edited-byte-entry-3.log", *lines[:2], third.replace(b'"allow"', b'"alloW"'), *lines[3:])
    write("deleted-entry-4.log", *lines[:3], *lines[4:])
    write("swapped-entries-5-6.log", *lines[:4], lines[5], lines[4], *lines[6:])
    prev = hashlib.sha256(lines[1].rstrip(b"\n")).hexdigest()
    forged = {
        "seq": 3,
        "time": "2025-03-01T09:01:30.000000Z",
        "prev": prev,
        "event": {"command": "run", "decision": "allow", "note": "forged"},
        "mac": hashlib.sha256(b"a guess").hexdigest(),
    }
    write(
        "forged-entry-inserted-at-3.log",
        *lines[:2],
        _entry.canonical_json(forged) + b"\n",
        *lines[2:],
    )
    write("truncated-after-6.log", *lines[:6])
    write("older-copy-at-4.log", *lines[:4])
    write("torn-tail.log", *lines, entry_9[:70])

    checkpoint = json.loads((folder / "checkpoint-8.json").read_bytes())
    signature = checkpoint["signature"]
    flipped = signature[:-1] + ("0" if signature[-1] != "0" else "1")
    _write_checkpoint(
        folder / "checkpoint-8-bad-signature.json", {**checkpoint, "signature": flipped}
    )
    head_6 = hashlib.sha256(lines[5].rstrip(b"\n")).hexdigest()
    _write_checkpoint(
        folder / "checkpoint-8-forged-head.json", {**checkpoint, "seq": 6, "head": head_6}
    )
    _write_checkpoint(folder / "checkpoint-8-other-key.json", other)


def _write_checkpoint(path: Path, fields: dict[str, object]) -> None:
    path.write_bytes(json.dumps(fields, indent=2).encode("ascii") + b"\n")


if __name__ == "__main__":
    FIXTURES.mkdir(parents=True, exist_ok=True)
    build(FIXTURES)
    sys.exit(0)
