"""Opening what a command needs: the vault (unlocked as milai/vault/unlock.py says), the
settings, the policy, the audit log, and the pipeline that ties them together."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from milai.config import milai_home
from milai.errors import MilaiError, ModelError, PolicyError, VaultError
from milai.settings import Settings
from milai.vault.unlock import Unlock

# The vault (cryptography), the audit log and the pipeline load only when a command uses
# them: `milai check` on a machine without a vault needs none of them.
if TYPE_CHECKING:
    from milai.audit import AuditLog
    from milai.corpus import Corpus
    from milai.engine import Embedder
    from milai.engine._registry import EngineRegistry
    from milai.events import RunEvent
    from milai.pipeline import AuditSink, Pipeline
    from milai.policy import Policy
    from milai.vault import KeySource, Vault

AUDIT_LOG = "audit.log"
AUDIT_STATE = ("audit", "state")  # (kind, id) of the vault record holding the log's state
AUDIT_DIGEST_PURPOSE = "milai audit text digest v1"
AUDIT_TEXT_KIND = "audit_text"


class Context:
    """The opened vault and what hangs off it, for one command."""

    def __init__(self, unlock: Unlock, home: Path | None = None) -> None:
        self.home = home or milai_home()
        self.unlock = unlock
        self._rotation_recorded = False

    def has_vault(self) -> bool:
        from milai.vault import vault_exists

        return vault_exists(self.home)

    @cached_property
    def _opened(self) -> tuple[Vault, KeySource]:
        from milai.vault.unlock import open_vault

        return open_vault(self.home, self.unlock)

    @property
    def vault(self) -> Vault:
        """The vault, unlocked on first use. Raises ``VaultError`` (exit 4) and, for an
        unusable key file or passphrase file, ``UsageError``. A key rotation that a killed
        command left half done is finished, and that is audited."""
        vault = self._opened[0]
        if vault.finished_rotation and not self._rotation_recorded:
            self._rotation_recorded = True
            self.record({"command": "vault.rotation-finished"})
        return vault

    @property
    def key(self) -> KeySource:
        """The key that opened the vault (opening it if need be)."""
        return self._opened[1]

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
        from milai.vault.unlock import move_failed_unlocks

        log = open_audit_log(self.home, self.vault)
        move_failed_unlocks(self.home, _AuditSink(log).record)
        return log

    def record(self, event: dict[str, Any]) -> None:
        """Append ``event`` to the audit log. Raises ``VaultError`` when it cannot."""
        _AuditSink(self.audit).record(event)

    @contextlib.contextmanager
    def act(self, command: str, **intent: Any) -> Iterator[dict[str, Any]]:
        """Record the administrative act ``command`` write-ahead, as a run is: a ``started``
        entry (with ``intent``) before the block changes the vault, an outcome entry after it.

        The block fills the yielded dict with what the act did; the outcome holds ``intent``,
        that, and ``"decision": "done"``, or, when the block raises, ``"error"`` (or
        ``"interrupted"``), what the block had filled in by then (what it did before it
        stopped), and the error's message. Killed, or unable to write its outcome,
        the act stands in the log as started with no outcome, as a killed run does. Raises
        ``VaultError`` when the ``started`` entry cannot be written: the block never runs,
        so nothing changes that is not on record.
        """
        from milai.events import Outcome, new_run_id, outcome_of

        base = {"command": command, "run_id": new_run_id(), **intent}
        self.record({**base, "phase": "started"})
        done: dict[str, Any] = {}
        try:
            yield done
        except BaseException as error:
            failed = {**base, **done, "phase": "outcome", "decision": str(outcome_of(error))}
            failed["error"] = (
                error.message if isinstance(error, MilaiError) else type(error).__name__
            )
            try:
                self.record(failed)
            except BaseException as failure:  # the started entry stands as "no outcome"
                error.add_note(f"the outcome of {command} was not recorded: {failure}")
            raise
        self.record({**base, **done, "phase": "outcome", "decision": str(Outcome.DONE)})

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
        names = [m.name for m in self.vault.list_models() if m.kind == "chat"]
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

    @contextlib.contextmanager
    def embedder(self, threads: int | None = None) -> Iterator[LoadedEmbedder | None]:
        """The vault's embedding model (``model import --embedding``) loaded from memory
        like any model, closed when the block ends; None when the vault holds none. Raises
        ``ModelError`` when it fails to load, ``VaultIntegrityError`` when it is damaged."""
        from milai import engine

        manifest = self.vault.embedding_model()
        if manifest is None:
            yield None
            return
        with self.vault.open_model(manifest.name) as path:
            loaded = engine.load_embedder(path, threads or self.settings.sampling.threads)
            try:
                yield LoadedEmbedder(manifest.name, manifest.sha256, manifest.level, loaded)
            finally:
                loaded.close()


@dataclass(frozen=True)
class LoadedEmbedder:
    """The embedding model of the vault, loaded: who it is and the engine."""

    name: str
    sha256: str
    level: str
    engine: Embedder


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
