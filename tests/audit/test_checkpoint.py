"""Exported checkpoints: written for removable media, and refused when forged."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from milai.audit import CHECKPOINT_FORMAT, AuditIntegrityError, AuditLog
from milai.errors import UsageError
from tests.audit.support import HMAC_KEY, TestSigner, event, verify_signature

FixtureCopy = Callable[[str], Path]


def test_a_checkpoint_file_holds_a_signed_head(audit_log: AuditLog, tmp_path: Path) -> None:
    for n in range(3):
        audit_log.append(event(n))
    media = tmp_path / "usb"
    media.mkdir()

    written = audit_log.write_checkpoint(media)
    named = audit_log.write_checkpoint(media / "today.json")

    assert written == media / "audit-checkpoint-3.json"
    fields = json.loads(written.read_text())
    assert list(fields) == ["format", "seq", "head", "time", "public_key", "signature"]
    assert fields["format"] == CHECKPOINT_FORMAT
    assert (fields["seq"], fields["head"]) == (3, audit_log.entry(3).digest)
    assert fields["public_key"] == TestSigner().public_key_bytes().hex()
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
    log = AuditLog(fixture_copy("clean.log"), HMAC_KEY, TestSigner())

    with pytest.raises(AuditIntegrityError) as caught:
        log.verify(checkpoint=fixture_copy(fixture), verify_signature=verify_signature)

    assert caught.value.sequence is None
    assert str(caught.value) == f"audit log fails verification: {reason}"


def test_a_forged_sidecar_checkpoint_is_refused(fixture_copy: FixtureCopy) -> None:
    log = AuditLog(fixture_copy("clean.log"), HMAC_KEY, TestSigner())
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


@pytest.mark.parametrize("content", [b"", b"{}", b'{"format": "other"}', b"\xff\xfe"])
def test_malformed_checkpoints_are_refused(
    audit_log: AuditLog, tmp_path: Path, content: bytes
) -> None:
    audit_log.append(event(1))
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)

    with pytest.raises(AuditIntegrityError, match=r"checkpoint bad\.json is not"):
        audit_log.verify(checkpoint=bad, verify_signature=verify_signature)


def test_a_missing_checkpoint_file_is_a_usage_error(audit_log: AuditLog, tmp_path: Path) -> None:
    audit_log.append(event(1))
    with pytest.raises(UsageError, match="cannot read checkpoint"):
        audit_log.verify(checkpoint=tmp_path / "nope.json", verify_signature=verify_signature)


def test_checkpoints_need_the_signer_and_the_verifier(log_path: Path, tmp_path: Path) -> None:
    unsigned = AuditLog(log_path, HMAC_KEY)
    unsigned.append(event(1))

    with pytest.raises(ValueError, match="signer"):
        unsigned.write_checkpoint(tmp_path)
    with pytest.raises(ValueError, match="public key"):
        unsigned.verify(verify_signature=verify_signature)
    signed = AuditLog(log_path, HMAC_KEY, TestSigner())
    with pytest.raises(ValueError, match="verify_signature"):
        signed.verify(checkpoint=signed.write_checkpoint(tmp_path))


def test_a_tampered_log_is_never_checkpointed(fixture_copy: FixtureCopy, tmp_path: Path) -> None:
    log = AuditLog(fixture_copy("swapped-entries-5-6.log"), HMAC_KEY, TestSigner())

    with pytest.raises(AuditIntegrityError):
        log.write_checkpoint(tmp_path / "out.json")
    assert not (tmp_path / "out.json").exists()
