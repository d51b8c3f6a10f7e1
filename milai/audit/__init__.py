"""The tamper-evident audit log: who asked which model what, under which policy, and what the
gate decided — recorded so that an edit, deletion, reordering or truncation is detected.

File format (``audit.log``, JSON Lines, ASCII, one entry per line, 0600)::

    {"event":{...},"mac":"<hex>","prev":"<hex>","seq":17,"time":"2025-06-01T12:00:00.000000Z"}

Each line is the canonical JSON of its entry (sorted keys, no spaces, ASCII escapes);
verification rejects any other spelling. ``seq`` counts from 1 with no gaps; ``prev`` is the
SHA-256 of the previous line without its newline (64 zeros for entry 1); ``mac`` is
HMAC-SHA256, under ``vault.derive_key("milai audit hmac v1")``, of the canonical JSON of
``{"event", "prev", "seq", "time"}``. The head of the log is the SHA-256 of its last line.

Checkpoints (``audit.log.checkpoints`` beside it, one JSON line each, and the files
``AuditLog.write_checkpoint`` exports to removable media) are
``{"format": "milai-audit-checkpoint-v1", "seq", "head", "time", "public_key", "signature"}``:
an Ed25519 signature by the vault's audit key over the canonical JSON of every other field.
One is appended every ``checkpoint_every`` entries when a signer is given. The sidecar
catches partial truncation; only an exported checkpoint catches a log replaced wholesale by
an older copy (with its sidecar).

A crash mid-append leaves a torn final line with no newline. It never became an entry, so
verification passes over it and says so (``VerifyReport.torn_tail``: exit 0 with a
warning, not 4: tearing a line gains an attacker nothing that cutting the log short would
not, and checkpoints catch that). The next append cuts it off and records an
``audit.repair`` entry with the discarded bytes' length and SHA-256.

Events (built by the CLI; JSON values only; free of sensitive text by default)::

    command        str, required: "run", "chat", "check", "redact", "model.import",
                   "model.verify", "model.remove", "key.change", "policy.change",
                   "vault.unlock-failed", ...  ("audit.repair" is the log's own)
    model          {"name", "sha256"}
    policy         {"name", "sha256"}
    clearance      the caller's clearance level
    levels         {"prompt", "output"}: the levels the gate assigned
    decision       "allow", "redact", "block", ...
    rules          [rule ids that fired]
    usage          {"prompt_tokens", "completion_tokens"}
    sampling       {"temperature", "max_tokens", "seed"}
    prompt_sha256, output_sha256   for replay: same model, policy, sampling and seed must
                   reproduce output_sha256 (the prompt itself must be supplied again)
    prompt_chars, output_chars
    (any other JSON-valued key is kept as given: the pipeline adds out_level, stage, reason)

The log never holds plaintext: ``append`` refuses top-level ``prompt``, ``output`` and
``text`` keys. When a policy asks for the text to be recorded, the caller seals it with the
vault first and passes the ciphertext under ``sealed_text`` (``{"prompt", "output"}``);
this module does no encryption and cannot tell ciphertext from plaintext.
"""

from milai.audit._checkpoint import CHECKPOINT_FORMAT, Checkpoint, Signer, VerifySignature
from milai.audit._entry import GENESIS, AuditEntry, AuditIntegrityError
from milai.audit._filter import filter_entries
from milai.audit._log import AuditLog, EntryStream, VerifyReport

__all__ = [
    "CHECKPOINT_FORMAT",
    "GENESIS",
    "AuditEntry",
    "AuditIntegrityError",
    "AuditLog",
    "Checkpoint",
    "EntryStream",
    "Signer",
    "VerifyReport",
    "VerifySignature",
    "filter_entries",
]
