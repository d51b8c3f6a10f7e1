"""Build the named audit fixtures in tests/fixtures/audit/ (deterministic: fixed keys, fixed
clock). Run ``python -m tests.audit.make_fixtures`` after changing the file format;
test_fixtures.py fails while they are stale. What each fixture is:
tests/fixtures/audit/README.md.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import itertools
import json
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from unittest import mock

from milai.audit import _checkpoint, _entry, _log, _state
from milai.vault import _crypto, recipes
from tests.audit.support import FIXTURES, FileState, fixed_signer, open_log, state_path

GENERATION = 3
"""The vault generation the exported checkpoint fixtures carry."""

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
def fixed_clock_and_randomness() -> Iterator[None]:
    minutes = itertools.count()
    draws = itertools.count()

    def now() -> str:
        minute = next(minutes)
        return f"2025-03-01T09:{minute // 60:02d}:{minute % 60:02d}.000000Z"

    def random_bytes(count: int) -> bytes:
        return hashlib.shake_256(b"fixture %d" % next(draws)).digest(count)

    with contextlib.ExitStack() as stack:
        for module in (_entry, _checkpoint, _log, _state):
            stack.enter_context(mock.patch.object(module, "utc_now", now))
        # the vault's own draw (AES-GCM nonces) and the name the audit code imports
        for module in (_crypto, recipes):
            stack.enter_context(mock.patch.object(module, "random_bytes", random_bytes))
        yield


def build(folder: Path) -> None:
    """Write every fixture into ``folder`` (which must exist)."""
    with tempfile.TemporaryDirectory() as scratch_name, fixed_clock_and_randomness():
        scratch = Path(scratch_name)
        clean = open_log(scratch / "clean.log", fixed_signer())
        clean.start()
        for event in EVENTS:
            clean.append(event)
        clean.write_checkpoint(scratch / "checkpoint-8.json", generation=GENERATION)
        # The auditor's seal key, as `audit seal-key export` writes it (here without the
        # log entry that records the export, so the fixture keeps its 8 entries).
        clean_state = FileState(state_path(scratch / "clean.log"))
        clean_state.state().seal_key().write(scratch / "clean.seal-key")
        clean_state.save(clean_state.state().seal_key_exported().to_bytes())
        for name in (
            "clean.log",
            "clean.log.checkpoints",
            "clean.log.state",
            "clean.seal-key",
            "checkpoint-8.json",
        ):
            shutil.copyfile(scratch / name, folder / name)
        lines = (scratch / "clean.log").read_bytes().splitlines(keepends=True)

        # Whoever holds the vault key now rewrites entries 6-8: they have the log, the
        # signer and the current state, but only the ratchet key of entry 9 (old ones are
        # gone), so they roll the state's head back and append with what they have.
        rewritten = scratch / "rewritten-after-5.log"
        rewritten.write_bytes(b"".join(lines[:5]))
        sidecar = scratch / "rewritten-after-5.log.checkpoints"
        shutil.copyfile(scratch / "clean.log.checkpoints", sidecar)
        current = clean_state.state()
        forged_state = replace(
            current,
            seq=5,
            head=hashlib.sha256(lines[4].rstrip(b"\n")).hexdigest(),
            size=len(b"".join(lines[:5])),
        )
        FileState(state_path(rewritten)).save(forged_state.to_bytes())
        for event in EVENTS[5:]:
            open_log(rewritten).append({**event, "rewritten": True})
        for path in (rewritten, sidecar, state_path(rewritten)):
            shutil.copyfile(path, folder / path.name)

        other_key = open_log(scratch / "clean.log", fixed_signer(bytes(32)))
        other_key.write_checkpoint(scratch / "other.json", generation=GENERATION)
        other = json.loads((scratch / "other.json").read_bytes())

        open_log(scratch / "clean.log").append({"command": "run", "decision": "allow"})
        entry_9 = (scratch / "clean.log").read_bytes().splitlines(keepends=True)[8]

    def write(name: str, *parts: bytes) -> None:
        (folder / name).write_bytes(b"".join(parts))

    write("edited-byte-entry-3.log", *lines[:2], _edit_ciphertext(lines[2]), *lines[3:])
    write("deleted-entry-4.log", *lines[:3], *lines[4:])
    write("swapped-entries-5-6.log", *lines[:4], lines[5], lines[4], *lines[6:])
    prev = hashlib.sha256(lines[1].rstrip(b"\n")).hexdigest()
    forged = {
        "seq": 3,
        "prev": prev,
        "sealed": base64.b64encode(b"\x00" * 12 + b'{"command":"run"}' + b"\x00" * 16).decode(),
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


def _edit_ciphertext(line: bytes) -> bytes:
    """``line`` with one base64 character of its ciphertext changed (still valid base64)."""
    start = line.index(b'"sealed":"') + len(b'"sealed":"') + 20
    changed = b"B" if line[start : start + 1] != b"B" else b"C"
    return line[:start] + changed + line[start + 1 :]


def _write_checkpoint(path: Path, fields: dict[str, object]) -> None:
    path.write_bytes(json.dumps(fields, indent=2).encode("ascii") + b"\n")


if __name__ == "__main__":
    FIXTURES.mkdir(parents=True, exist_ok=True)
    build(FIXTURES)
    sys.exit(0)
