"""The tamper-evident audit log: who asked which model what, under which policy, and what the
gate decided — recorded so that an edit, deletion, reordering, truncation or rollback is
detected, and so that whoever holds the vault key later cannot rewrite it unnoticed by an
auditor holding the seal key (forward-secure sealing, after journald's).

File format (``audit.log``, JSON Lines, ASCII, one entry per line, 0600)::

    {"mac":"<hex>","prev":"<hex>","sealed":"<base64>","seq":17}

Each line is the canonical JSON of its entry (sorted keys, no spaces); verification rejects
any other spelling. Nothing in it is readable at rest: ``sealed`` is AES-256-GCM (nonce and
ciphertext) of ``{"event", "time"}`` under a random key kept in the vault, with the
entry's ``seq`` and ``prev`` as associated data. ``seq`` counts from 1 with no gaps;
``prev`` is the SHA-256 of the previous line without its newline (64 zeros for entry 1);
``mac`` is HMAC-SHA256 of ``{"format", "seq", "prev", "sealed"}`` under the ratchet key of
entry ``seq`` (``_seal.py``: an HKDF chain from a seed, one step per entry, old keys
erased). The head of the log is the SHA-256 of its last line.

The vault keeps the audit state (``_state.py``: the head's sequence number and hash, the
next ratchet key, the encryption key, the sidecar's checkpoint count, the seed until it is
exported) as an encrypted record, rewritten after every append: a deleted, truncated or
rolled-back log no longer ends where the vault says and fails verification.
``export_seal_key`` writes the seed once for the auditor's removable media and erases it
from the vault; ``verify(seal_key=...)`` recomputes every MAC from it.

Checkpoints (``audit.log.checkpoints`` beside it, one JSON line each, and the files
``AuditLog.write_checkpoint`` exports to removable media) are
``{"format": "milai-audit-checkpoint-v2", "seq", "head", "time", "generation",
"public_key", "signature"}``: an Ed25519 signature by the vault's audit key over the
canonical JSON of every other field. One is appended every ``checkpoint_every`` entries
when a signer is given. Only an exported checkpoint catches the whole vault folder rolled
back to an older copy: its ``generation`` (the vault's) and ``seq`` must still be reached.

A crash mid-append leaves a torn final line with no newline. It never became an entry, so
verification passes over it and says so (``VerifyReport.torn_tail``). The next append cuts
it off and records an ``audit.repair`` entry with the discarded bytes' length and SHA-256.
A crash after an entry is written but before the vault records it leaves the vault one entry
behind; that entry carries the MAC of the key the vault holds, so it is accepted and
adopted.

Write-ahead: a run is recorded twice, ``{"phase": "started", "run_id", ...}`` before the
model sees the prompt and ``{"phase": "outcome", "run_id", "decision", ...}`` after; so is
every administrative act that changes the vault (``key.change``, ``model.import``,
``settings.change``, ``docs.add``, ``audit.seal-key-export``...: ``started`` before the
change commits, the outcome, ``"decision": "done"`` or ``"error"``, after). A ``started``
entry with no outcome is a killed run or act (or one still running): verification lists
it (``VerifyReport.no_outcome``), it is not tampering. The ``started`` entry is fsync-ed
and recorded in the vault before ``append`` returns, like every entry: an unrecorded one
could be cut off the log, unnoticed, by anyone who can write the file.

Events (built by the CLI and the pipeline; JSON values only; free of sensitive text by
default)::

    command        str, required: "run", "chat", "check", "redact", "model.import",
                   "model.verify", "model.remove", "key.change", "policy.change",
                   "vault.unlock-failed", ...  ("audit.repair" and
                   "audit.seal-key-export" are the log's own)
    phase, run_id  "started" | "outcome", 16 hex characters (runs, chat turns and acts
                   that change the vault)
    model          {"name", "sha256"}
    policy         {"name", "sha256"}
    clearance      the caller's clearance level
    levels         {"prompt", "output"}: the levels the gate assigned
    decision       "allow", "redact", "block", ...; "done" or "error" for an act
    rules          [rule ids that fired]
    usage          {"prompt_tokens", "completion_tokens"}
    sampling       {"temperature", "max_tokens", "seed"}
    (any other JSON-valued key is kept as given)

``append`` refuses top-level ``prompt``, ``output`` and ``text`` keys: when a policy asks
for the text to be recorded, the caller stores it in the vault and records its id.
"""

from milai.audit._checkpoint import CHECKPOINT_FORMAT, Checkpoint, Signer, VerifySignature
from milai.audit._entry import GENESIS, AuditEntry, AuditIntegrityError
from milai.audit._filter import filter_entries
from milai.audit._log import AuditLog, EntryStream, VerifyReport
from milai.audit._seal import SealKey
from milai.audit._state import AuditState, StateStore

__all__ = [
    "CHECKPOINT_FORMAT",
    "GENESIS",
    "AuditEntry",
    "AuditIntegrityError",
    "AuditLog",
    "AuditState",
    "Checkpoint",
    "EntryStream",
    "SealKey",
    "Signer",
    "StateStore",
    "VerifyReport",
    "VerifySignature",
    "filter_entries",
]
