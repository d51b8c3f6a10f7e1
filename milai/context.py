"""Opening what a command needs: the vault (with a key from the right place), the settings,
the policy, the audit log, and the pipeline that ties them together.

Where the key comes from, in order: ``--key-file``, ``--passphrase-file``, ``MILAI_KEY_FILE``
(which names a file: the secret itself is never in the environment), the key-file path
recorded at ``init``, then an interactive passphrase prompt when a terminal is attached.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from milai.config import milai_home
from milai.errors import (
    MilaiError,
    ModelError,
    PolicyError,
    UsageError,
    VaultError,
    VaultIntegrityError,
    VaultLocked,
)
from milai.settings import Settings

# The vault (cryptography), the audit log and the pipeline load only when a command uses
# them: `milai check` on a machine without a vault needs none of them.
if TYPE_CHECKING:
    from milai.audit import AuditLog
    from milai.corpus import Corpus
    from milai.engine._registry import EngineRegistry
    from milai.events import RunEvent
    from milai.pipeline import AuditSink, Pipeline
    from milai.policy import Policy
    from milai.vault import KeySource, Vault

KEY_FILE_HINT = "key-file.path"
AUDIT_LOG = "audit.log"
AUDIT_STATE = ("audit", "state")  # (kind, id) of the vault record holding the log's state
AUDIT_DIGEST_PURPOSE = "milai audit text digest v1"
AUDIT_TEXT_KIND = "audit_text"
FAILED_UNLOCKS = "unlock-failures.jsonl"
MAX_PASSPHRASE_FILE = 4096

AskPassphrase = Callable[[str], bytes]


@dataclass(frozen=True)
class Unlock:
    """How the person running the command said to unlock the vault (paths, never secrets)."""

    key_file: Path | None = None
    passphrase_file: Path | None = None
    ask: AskPassphrase | None = None


def read_passphrase_file(path: Path) -> bytes:
    """The passphrase in ``path``, without its trailing newline. Raises ``UsageError``."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_PASSPHRASE_FILE + 1)
    except OSError as error:
        raise UsageError(f"cannot read passphrase file {path}: {error.strerror}") from None
    if len(data) > MAX_PASSPHRASE_FILE:
        raise UsageError(f"passphrase file {path} is larger than {MAX_PASSPHRASE_FILE} bytes")
    passphrase = data.removesuffix(b"\n").removesuffix(b"\r")
    if not passphrase:
        raise UsageError(f"passphrase file {path} is empty")
    return passphrase


def key_source(home: Path, unlock: Unlock) -> KeySource:
    """Pick the key as the module docstring says. Raises ``VaultLocked`` when there is none."""
    from milai.vault import KeySource

    if unlock.key_file is not None:
        return KeySource(key_file=unlock.key_file)
    if unlock.passphrase_file is not None:
        return KeySource(passphrase=read_passphrase_file(unlock.passphrase_file))
    named = os.environ.get("MILAI_KEY_FILE")
    if named:
        return KeySource(key_file=Path(named).expanduser())
    hint = home / KEY_FILE_HINT
    if hint.is_file():
        return KeySource(key_file=_recorded_key_file(hint))
    if unlock.ask is not None:
        return KeySource(passphrase=unlock.ask("Vault passphrase: "))
    raise VaultLocked(
        "the vault is locked: no key file and no terminal to ask for the passphrase",
        hint="give --key-file PATH or --passphrase-file PATH, or set MILAI_KEY_FILE to a key file",
    )


def _recorded_key_file(hint: Path) -> Path:
    try:
        recorded = hint.read_bytes().decode("utf-8").strip()
    except (OSError, UnicodeDecodeError):
        recorded = ""
    if not recorded:
        raise VaultLocked(
            f"the recorded key-file path in {hint} is unreadable",
            hint="give --key-file PATH, or remove that file",
        )
    return Path(recorded)


def remember_key_file(home: Path, key_file: Path) -> None:
    """Record where the key file lives (a path, not a secret) so later commands find it."""
    from milai.vault._fs import atomic_write

    atomic_write(home / KEY_FILE_HINT, str(key_file.resolve()).encode())


def _note_failed_unlock(home: Path, key: KeySource) -> None:
    """Note a wrong key outside the vault (time and kind of key only, never the secret)."""
    attempt = {
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "with": "key-file" if key.key_file is not None else "passphrase",
    }
    try:
        fd = os.open(home / FAILED_UNLOCKS, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    except OSError:
        return  # best effort: the refusal itself is what protects the vault
    with os.fdopen(fd, "a", encoding="utf-8") as notes:
        notes.write(json.dumps(attempt) + "\n")


def forget_key_file(home: Path) -> None:
    """Drop the recorded key-file path (the vault is now unlocked some other way)."""
    (home / KEY_FILE_HINT).unlink(missing_ok=True)


class Context:
    """The opened vault and what hangs off it, for one command."""

    def __init__(self, unlock: Unlock, home: Path | None = None) -> None:
        self.home = home or milai_home()
        self.unlock = unlock
        self.key: KeySource | None = None  # the key that opened the vault, once it is open

    def has_vault(self) -> bool:
        from milai.vault import vault_exists

        return vault_exists(self.home)

    @cached_property
    def vault(self) -> Vault:
        from milai.vault import Vault

        if not Vault.exists(self.home):
            raise VaultLocked(
                f"no vault at {self.home}",
                hint="create one with `milai init` (or set MILAI_HOME)",
            )
        self.key = key_source(self.home, self.unlock)
        try:
            vault = Vault.open(self.home, self.key)
        except VaultIntegrityError:
            _note_failed_unlock(self.home, self.key)
            raise
        return vault

    @cached_property
    def settings(self) -> Settings:
        return Settings.load(self.vault.records)

    def policy(self, override: Path | None = None) -> Policy:
        """The policy in force: ``override``, else the configured one, else the shipped default.
        Raises ``PolicyError`` (fail closed) when it cannot be loaded."""
        from milai.policy import load_policy

        if override is not None:
            return load_policy(override)
        if not self.has_vault():
            return load_policy(Settings().policy_path())
        settings = self.settings
        policy = load_policy(settings.policy_path())
        if settings.policy_sha256 is not None and policy.sha256 != settings.policy_sha256:
            # The administrator installed one policy; this file is another (fail closed).
            raise PolicyError(
                f"the policy file {settings.policy_path()} changed since it was installed",
                hint="check it, then `milai settings set policy PATH` to accept it",
            )
        return policy

    @cached_property
    def audit(self) -> AuditLog:
        log = open_audit_log(self.home, self.vault)
        _move_failed_unlocks(self.home, log)
        return log

    def record(self, event: dict[str, Any]) -> None:
        """Append ``event`` to the audit log. Raises ``VaultError`` when it cannot."""
        _AuditSink(self.audit).record(event)

    def audit_sink(self) -> AuditSink:
        return _AuditSink(self.audit)

    def digest(self, text: str) -> str:
        """A keyed fingerprint of ``text`` for the audit log (HMAC-SHA256 under a vault key):
        it identifies a text for replay without letting the log confirm guesses."""
        return hmac.new(self._digest_key, text.encode("utf-8"), hashlib.sha256).hexdigest()

    @cached_property
    def _digest_key(self) -> bytes:
        return self.vault.derive_key(AUDIT_DIGEST_PURPOSE)

    @cached_property
    def engines(self) -> EngineRegistry:
        """The remote engines an administrator added (encrypted vault records)."""
        from milai.engine._registry import EngineRegistry

        return EngineRegistry(self.vault.records)

    def pipeline(self, policy: Policy) -> Pipeline:
        from milai.engine._registry import ModelsAndEngines
        from milai.pipeline import Pipeline

        models = ModelsAndEngines(self.vault, self.engines)  # --model NAME takes either
        return Pipeline(
            policy=policy,
            models=models,
            load=models.load,
            audit=self.audit_sink(),
            digest=self.digest,
            keep_text=self.keep_text,
        )

    def keep_text(self, texts: dict[str, str]) -> str:
        """Store ``texts`` as an encrypted vault record for the audit log; return its id."""
        record_id = f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{secrets.token_hex(4)}"
        self.vault.records.put(AUDIT_TEXT_KIND, record_id, json.dumps(texts).encode("utf-8"))
        return record_id

    def model_name(self, requested: str | None) -> str:
        """``--model``, else the configured default, else the only model in the vault."""
        if requested:
            return requested
        if self.settings.default_model:
            return self.settings.default_model
        names = [manifest.name for manifest in self.vault.list_models()]
        names += self.engines.names()
        if len(names) == 1:
            return names[0]
        if not names:
            raise ModelError(
                "the vault holds no model",
                hint="import one with `milai model import FILE.gguf --name NAME --level LEVEL`",
            )
        raise ModelError(
            "several models and no default: say which with --model NAME",
            hint="models: " + ", ".join(sorted(names)),
        )

    @cached_property
    def corpus(self) -> Corpus:
        """The documents ``milai docs`` added (encrypted vault records)."""
        from milai.corpus import ID_PURPOSE, Corpus

        return Corpus(self.vault.records, self.vault.derive_key(ID_PURPOSE))


def open_audit_log(home: Path, vault: Vault) -> AuditLog:
    """The vault's audit log: its state (head, ratchet, keys) kept as a vault record."""
    from milai.audit import AuditLog

    return AuditLog(home / AUDIT_LOG, _RecordState(vault), vault.audit_signer())


@dataclass(frozen=True)
class _RecordState:
    """The audit log's state as the vault record ``audit/state`` (``StateStore``)."""

    vault: Vault

    def load(self) -> bytes | None:
        return self.vault.records.get(*AUDIT_STATE)

    def save(self, data: bytes) -> None:
        self.vault.records.put(*AUDIT_STATE, data)


def _move_failed_unlocks(home: Path, log: AuditLog) -> None:
    """Move failed unlock attempts noted while the vault was locked into the audit log
    (they could not be authenticated then: the audit key lives in the vault)."""
    notes = home / FAILED_UNLOCKS
    try:
        lines = notes.read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return
    sink = _AuditSink(log)
    for line in lines:
        try:
            attempt = json.loads(line)
        except ValueError:
            attempt = {"unparsed": line[:200]}
        sink.record({"command": "vault.unlock-failed", "attempt": attempt})
    notes.unlink(missing_ok=True)


@dataclass
class _AuditSink:
    """The pipeline's ``AuditSink`` on the audit log. Every append is durable before it
    returns (the line fsync-ed, then the vault's head record replaced and fsync-ed), so a
    ``started`` entry is on disk before the model sees the prompt."""

    log: AuditLog

    def preflight(self) -> None:
        try:
            self.log.check_tail()
        except OSError as error:
            raise VaultError(f"cannot read the audit log: {error.strerror}") from None

    def started(self, event: RunEvent) -> None:
        """Record that a run is about to reach the model (``"phase": "started"``)."""
        self._append(event.started_json())

    def record(self, event: RunEvent | dict[str, Any]) -> None:
        """Record an outcome (a run's, ``"phase": "outcome"``) or an administrative act."""
        self._append(event if isinstance(event, dict) else event.to_json())

    def _append(self, event: dict[str, Any]) -> None:
        try:
            self.log.append(event)
        except OSError as error:
            raise VaultError(f"cannot write the audit log: {error.strerror}") from None
        except (TypeError, ValueError) as error:
            raise MilaiError(f"an audit event was malformed: {error}") from None
