"""Exported checkpoints: written for removable media, and refused when forged."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from milai.audit import CHECKPOINT_FORMAT, AuditIntegrityError, AuditLog
from milai.errors import ExitCode, UsageError
from tests.audit.support import FIXTURES, event, fixed_signer, open_log, verify_signature

FixtureCopy = Callable[[str], Path]


def test_a_checkpoint_file_holds_a_signed_head(audit_log: AuditLog, tmp_path: Path) -> None:
    for n in range(3):
        audit_log.append(event(n))
    media = tmp_path / "usb"
    media.mkdir()

    written = audit_log.write_checkpoint(media, generation=7)
    named = audit_log.write_checkpoint(media / "today.json")

    assert written == media / "audit-checkpoint-3.json"
    fields = json.loads(written.read_text())
    assert list(fields) == [
        "format",
        "seq",
        "head",
        "time",
        "generation",
        "public_key",
        "signature",
    ]
    assert fields["generation"] == 7
    assert fields["format"] == CHECKPOINT_FORMAT
    assert (fields["seq"], fields["head"]) == (3, audit_log.entry(3).digest)
    assert fields["public_key"] == fixed_signer().public_key_bytes().hex()
    assert json.loads(named.read_text())["head"] == fields["head"]
    report = audit_log.verify(checkpoint=written, verify_signature=verify_signature)
    assert report.checkpoints_checked == 1


@pytest.mark.parametrize(
    ("fixture", "reason"),
    [
        (
            "checkpoint-8-bad-signature.json",
            "checkpoint checkpoint-8-bad-signature.json has a bad signature",
        ),
        (
            "checkpoint-8-forged-head.json",
            "checkpoint checkpoint-8-forged-head.json has a bad signature",
        ),
        (
            "checkpoint-8-other-key.json",
            "checkpoint checkpoint-8-other-key.json was signed by another key",
        ),
    ],
)
def test_forged_checkpoints_are_refused(
    fixture_copy: FixtureCopy, fixture: str, reason: str
) -> None:
    log = open_log(fixture_copy("clean.log"), fixed_signer())

    with pytest.raises(AuditIntegrityError) as caught:
        log.verify(checkpoint=fixture_copy(fixture), verify_signature=verify_signature)

    assert caught.value.sequence is None
    assert str(caught.value) == f"audit log fails verification: {reason}"


def test_a_forged_sidecar_checkpoint_is_refused(fixture_copy: FixtureCopy) -> None:
    log = open_log(fixture_copy("clean.log"), fixed_signer())
    log.checkpoints_path.write_bytes(
        log.checkpoints_path.read_bytes().replace(b'"seq":5', b'"seq":4')
    )

    with pytest.raises(
        AuditIntegrityError,
        match=r"checkpoint 1 in clean\.log\.checkpoints has "
        r"a bad signature",
    ):
        log.verify(verify_signature=verify_signature)
    assert log.verify().entries == 8  # without signatures the sidecar is not consulted


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{}",
        b'{"format": "other"}',
        b"\xff\xfe",
        b"the auditor's notes\n",
        (FIXTURES / "clean.log").read_bytes(),
        (FIXTURES / "clean.seal-key").read_bytes(),
    ],
)
def test_a_file_that_is_not_a_checkpoint_is_a_usage_error(
    audit_log: AuditLog, tmp_path: Path, content: bytes
) -> None:
    audit_log.append(event(1))
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)

    with pytest.raises(UsageError, match=r"checkpoint bad\.json is not a milai audit checkpoint"):
        audit_log.verify(checkpoint=bad, verify_signature=verify_signature)


def test_a_checkpoint_of_the_old_format_is_a_usage_error(
    fixture_copy: FixtureCopy, tmp_path: Path
) -> None:
    fields = json.loads(fixture_copy("checkpoint-8.json").read_bytes())
    del fields["generation"]
    old = tmp_path / "old.json"
    old.write_text(json.dumps({**fields, "format": "milai-audit-checkpoint-v1"}))

    with pytest.raises(UsageError) as caught:
        open_log(fixture_copy("clean.log"), fixed_signer()).verify(
            checkpoint=old, verify_signature=verify_signature
        )
    assert caught.value.exit_code == ExitCode.USAGE


def test_a_missing_checkpoint_file_is_a_usage_error(audit_log: AuditLog, tmp_path: Path) -> None:
    audit_log.append(event(1))
    with pytest.raises(UsageError, match="cannot read checkpoint"):
        audit_log.verify(checkpoint=tmp_path / "nope.json", verify_signature=verify_signature)


def test_checkpoints_need_the_signer_and_the_verifier(log_path: Path, tmp_path: Path) -> None:
    unsigned = open_log(log_path)
    unsigned.append(event(1))

    with pytest.raises(ValueError, match="signer"):
        unsigned.write_checkpoint(tmp_path)
    with pytest.raises(ValueError, match="public key"):
        unsigned.verify(verify_signature=verify_signature)
    signed = open_log(log_path, fixed_signer())
    with pytest.raises(ValueError, match="verify_signature"):
        signed.verify(checkpoint=signed.write_checkpoint(tmp_path))


def test_a_tampered_log_is_never_checkpointed(fixture_copy: FixtureCopy, tmp_path: Path) -> None:
    log = open_log(fixture_copy("swapped-entries-5-6.log"), fixed_signer())

    with pytest.raises(AuditIntegrityError):
        log.write_checkpoint(tmp_path / "out.json")
    assert not (tmp_path / "out.json").exists()
