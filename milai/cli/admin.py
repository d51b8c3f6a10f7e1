"""Administrator commands: ``init``, ``model …``, ``key …``, ``settings …``, ``doctor``."""

from __future__ import annotations

import platform
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from milai import __version__, netguard
from milai.cli._app import app, emit_json, open_context, say, state
from milai.config import configured_home, milai_home
from milai.context import Context, open_audit_log
from milai.errors import MilaiError, UsageError, VaultError
from milai.settings import (
    SAMPLING_SETTINGS,
    Settings,
    check_levels,
    parse_sampling_setting,
)
from milai.vault.unlock import (
    forget_key_file,
    new_key_source,
    remember_key_file,
    terminal_passphrase,
)

if TYPE_CHECKING:
    from milai.engine.remote import EngineDefinition
    from milai.vault import KeySource, ModelManifest
    from milai.vault.vault import RotationProgress

model_app = typer.Typer(
    help="Import, list, verify and remove encrypted models.", no_args_is_help=True
)
key_app = typer.Typer(help="Manage the keys that unlock the vault.", no_args_is_help=True)
settings_app = typer.Typer(help="Administrator settings.", no_args_is_help=True)
app.add_typer(model_app, name="model")
app.add_typer(key_app, name="key")
app.add_typer(settings_app, name="settings")


def _new_key(
    key_file: Path | None, passphrase_file: Path | None, *, options: tuple[str, str]
) -> KeySource:
    """The key for a new vault or a new slot: a key file, a passphrase file, or typed twice
    (``options`` name the two flags in messages)."""
    return new_key_source(key_file, passphrase_file, terminal_passphrase(), options=options)


@app.command()
def init(
    key_file: Annotated[
        Path | None, typer.Option("--key-file", help="Use this key file (created if missing).")
    ] = None,
    passphrase_file: Annotated[
        Path | None, typer.Option("--passphrase-file", help="Read the passphrase from a file.")
    ] = None,
    clearance: Annotated[
        str | None, typer.Option("--clearance", help="Default clearance for commands.")
    ] = None,
    ceiling: Annotated[
        str | None, typer.Option("--ceiling", help="Highest clearance anyone may claim here.")
    ] = None,
) -> None:
    """Create the vault (MILAI_HOME, or the platform's user data folder)."""
    from milai.vault import Vault

    key_file = key_file or state.key_file
    passphrase_file = passphrase_file or state.passphrase_file
    home = milai_home()
    if Vault.exists(home):
        # Before the policy is read (from the vault: unlocking it with whatever key is at
        # hand said "locked" or "wrong key") or a new passphrase is asked for.
        raise VaultError(
            f"a vault already exists at {home}", hint="use it, or set MILAI_HOME to another folder"
        )
    context = open_context()
    settings = check_levels(context.policy(), Settings(clearance=clearance, ceiling=ceiling))
    new = _new_key(key_file, passphrase_file, options=("--key-file", "--passphrase-file"))
    vault = Vault.create(home, new)
    if key_file is not None:
        remember_key_file(home, key_file)
    settings.save(vault.records)
    open_audit_log(home, vault).start()  # the audit ratchet starts from a fresh seed
    say(f"milai: vault created at {home}")


def _record(context: Context, command: str, **details: Any) -> None:
    """An audit entry for an act that changes nothing in the vault (no secrets, no text).
    An act that changes the vault is recorded ahead of it: ``context.act``."""
    context.record({"command": command, **details})


def _model_ref(manifest: ModelManifest) -> dict[str, str]:
    return {"name": manifest.name, "sha256": manifest.sha256}


def _manifest_row(manifest: ModelManifest) -> dict[str, Any]:
    return manifest.to_json()


@model_app.command("import")
def model_import(
    file: Annotated[Path, typer.Argument(help="The GGUF file.")],
    name: Annotated[str, typer.Option("--name", help="Name to refer to the model by.")],
    level: Annotated[str, typer.Option("--level", help="Accreditation level of the model.")],
    sha256: Annotated[
        str | None, typer.Option("--sha256", help="Expected sha256 of the file (hex).")
    ] = None,
    default: Annotated[bool, typer.Option("--default", help="Make it the default model.")] = False,
    embedding: Annotated[
        bool,
        typer.Option(
            "--embedding", help="An embedding model: `ask` and `docs add` rank passages with it."
        ),
    ] = False,
) -> None:
    """Encrypt a GGUF file into the vault."""
    context = open_context()
    policy = context.policy()
    policy.canonical_level(level)  # an unknown level is a usage error before any work
    vault = context.vault
    if embedding:
        if default:
            raise UsageError("an embedding model cannot be the default model (it does not answer)")
        present = vault.embedding_model()
        if present is not None:
            raise UsageError(
                f"the vault already holds an embedding model ({present.name})",
                hint=f"remove it first: `milai model remove {present.name}`",
            )
    from milai.cli.render import progress_bar

    kind = "embedding" if embedding else "chat"
    with (
        context.act("model.import", model={"name": name}, level=level, kind=kind) as done,
        progress_bar(f"importing {name}", enabled=sys.stderr.isatty()) as progress,
    ):
        manifest = vault.import_model(
            file, name=name, level=level, sha256=sha256, progress=progress, kind=kind
        )
        if not embedding and (default or context.settings.default_model is None):
            settings = context.settings
            replace(settings, default_model=manifest.name).save(vault.records)
        done.update(
            model=_model_ref(manifest),
            level=manifest.level,
            catalogued=manifest.catalogued,
            kind=manifest.kind,
        )
    if embedding:
        say(
            "milai: passages added from now on get vectors; "
            "`milai docs embed` gives them to the documents already here"
        )
    catalogued = "a catalogued model" if manifest.catalogued else "not in models/catalog.yaml"
    say(
        f"milai: imported {manifest.name} ({manifest.architecture}, {manifest.quantisation}, "
        f"{manifest.level}); {catalogued}"
    )


@model_app.command("list")
def model_list(
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the models in the vault."""
    context = open_context()
    manifests = context.vault.list_models()
    engines = context.engines.definitions()  # remote engines are models too (milai engine)
    if json_output:
        local = [_manifest_row(m) for m in manifests]
        emit_json(local + [_engine_row(e) for e in engines])
        return
    from milai.cli.render import model_table

    model_table(manifests, default=context.settings.default_model)
    if engines:
        say("remote engines: " + ", ".join(f"{e.name} ({e.level}, {e.endpoint})" for e in engines))


def _engine_row(definition: EngineDefinition) -> dict[str, Any]:
    return {
        "name": definition.name,
        "kind": "remote",
        "level": definition.level,
        "endpoint": definition.endpoint,
        "model_id": definition.model_id,
    }


@model_app.command("show")
def model_show(name: str) -> None:
    """Show one model's manifest."""
    emit_json(_manifest_row(open_context().vault.model(name)))


@model_app.command("verify")
def model_verify(name: str) -> None:
    """Decrypt a model fully and check its sha256 (exit 4 on any mismatch)."""
    context = open_context()
    manifest = context.vault.model(name)
    try:
        context.vault.verify_model(name)
    except MilaiError:
        _record(context, "model.verify", model=_model_ref(manifest), decision="failed")
        raise
    _record(context, "model.verify", model=_model_ref(manifest), decision="verified")
    say(f"milai: {name} verified")


@model_app.command("remove")
def model_remove(name: str) -> None:
    """Remove a model from the vault."""
    context = open_context()
    manifest = context.vault.model(name)
    with context.act("model.remove", model=_model_ref(manifest)):
        context.vault.remove_model(name)
        if context.settings.default_model == name:
            settings = context.settings
            replace(settings, default_model=None).save(context.vault.records)
    say(f"milai: removed {name}")


NewKeyFile = Annotated[Path | None, typer.Option("--new-key-file", help="New key file.")]
NewPassphraseFile = Annotated[
    Path | None, typer.Option("--new-passphrase-file", help="New passphrase in a file.")
]
NEW_KEY_OPTIONS = ("--new-key-file", "--new-passphrase-file")


@key_app.command("list")
def key_list(
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the key slots: number, id, kind, and which one this command unlocked."""
    slots = open_context().vault.key_slots_info()
    rows = [
        {"slot": s.number, "id": s.slot_id, "kind": s.kind, "unlocked_this": s.unlocked_this}
        for s in slots
    ]
    if json_output:
        emit_json(rows)
        return
    for row in rows:
        mark = "  (unlocked this command)" if row["unlocked_this"] else ""
        sys.stdout.write(f"{row['slot']}\t{row['id']}\t{row['kind']}{mark}\n")
    sys.stdout.flush()


@key_app.command("add")
def key_add(
    key_file: NewKeyFile = None,
    passphrase_file: NewPassphraseFile = None,
) -> None:
    """Add a key slot (e.g. a recovery key file beside the passphrase)."""
    context = open_context()
    new = _new_key(key_file, passphrase_file, options=NEW_KEY_OPTIONS)
    with context.act("key.add", slot=new.kind):
        context.vault.add_key_slot(new)
    say("milai: key slot added")


@key_app.command("change")
def key_change(
    key_file: NewKeyFile = None,
    passphrase_file: NewPassphraseFile = None,
    rotate: Annotated[
        bool,
        typer.Option(
            "--rotate",
            help="Also move the vault to a new vault key (re-encrypts records and models), "
            "so the old key opens nothing written from now on.",
        ),
    ] = False,
) -> None:
    """Replace the key that unlocked the vault (re-wraps; --rotate also revokes the old key)."""
    context = open_context()
    vault, old = context.vault, context.key
    new = _new_key(key_file, passphrase_file, options=NEW_KEY_OPTIONS)

    def point_at_the_new_key() -> None:  # before re-encrypting: a killed rotation resumes
        if new.key_file is not None:
            remember_key_file(context.home, new.key_file)
        elif old.key_file is not None:
            forget_key_file(context.home, old.key_file)

    with (
        context.act("key.change", slot=new.kind, rotated=rotate),
        _rotation_progress(rotate) as progress,
    ):
        vault.change_key(old, new, rotate=rotate, progress=progress, on_commit=point_at_the_new_key)
    if rotate:
        models = len(vault.model_names())
        say(
            f"milai: key changed and the vault key rotated ({models} "
            f"model{'' if models == 1 else 's'} re-keyed): the old key opens nothing written "
            "from now on"
        )
    else:
        say(
            "milai: key changed by re-wrapping only: the old key with a copy of the old "
            "vault.json still decrypts this vault (revoke it with `milai key change --rotate`)"
        )


@key_app.command("revoke")
def key_revoke(
    slot: Annotated[str, typer.Argument(help="The slot's number or id (see `milai key list`).")],
) -> None:
    """Remove a key slot and rotate the vault key: its key opens nothing written from now on."""
    context = open_context()
    vault = context.vault
    with context.act("key.revoke", requested=slot) as done:
        with _rotation_progress(True) as progress:
            removed = vault.revoke_key_slot(slot, progress=progress)
        _forget_revoked_key_file(context)
        done.update(slot=removed.slot_id, kind=removed.kind)
    say(
        f"milai: key slot {removed.number} ({removed.kind}, id {removed.slot_id}) revoked and "
        "the vault key rotated: its key opens nothing written from now on"
    )


def _forget_revoked_key_file(context: Context) -> None:
    """Drop the recorded key-file path when the key file it names opened the revoked slot."""
    from milai.vault import KeySource
    from milai.vault.unlock import recorded_key_file

    recorded = recorded_key_file(context.home)
    if recorded is None or not recorded.exists():
        return
    try:
        opens = context.vault.slot_of(KeySource(key_file=recorded)) is not None
    except MilaiError:
        return  # unreadable now: leave the hint alone, the next command says why
    if not opens:
        forget_key_file(context.home, recorded)


@contextmanager
def _rotation_progress(rotate: bool) -> Iterator[RotationProgress | None]:
    """A progress bar over the models being re-keyed, on a terminal; silent otherwise."""
    if not rotate or not sys.stderr.isatty():
        yield None
        return
    from milai.cli.render import rotation_bar

    with rotation_bar() as progress:
        yield progress


@settings_app.command("show")
def settings_show() -> None:
    """Print the settings as JSON."""
    emit_json(asdict(open_context().settings))


@settings_app.command("set")
def settings_set(
    key: Annotated[
        str,
        typer.Argument(
            help="default_model, clearance, ceiling, policy, or a default for run, chat and "
            "batch: temperature, top-p, top-k, repeat-penalty, ctx, threads"
        ),
    ],
    value: Annotated[str, typer.Argument(help="The new value ('none' to unset).")],
) -> None:
    """Change one setting."""
    sampling_field, sampling_value = parse_sampling_setting(key, value)
    context = open_context()
    if sampling_field:
        changed = context.settings.changed(**{sampling_field: sampling_value})
        with context.act("settings.change", setting=key, value=sampling_value):
            changed.save(context.vault.records)
        say(f"milai: {key} = {sampling_value}")
        return
    current = asdict(context.settings)
    if key == "policy_sha256":
        raise UsageError("policy_sha256 is set with the policy: `milai settings set policy PATH`")
    settable = [name for name in current if name not in ("policy_sha256", "sampling")]
    if key not in settable:
        known = ", ".join([*settable, *SAMPLING_SETTINGS])
        raise UsageError(f"unknown setting {key!r}; known: {known}")
    new_value: str | None = None if value.lower() == "none" else value
    pinned: dict[str, str | None] = {}
    if key == "policy":
        from milai.policy import load_policy

        if new_value is not None:
            new_value = str(Path(new_value).resolve())
        installed = load_policy(Path(new_value) if new_value else Settings().policy_path())
        installed.check_banners()  # a load leaves it to the first banner printed
        pinned = {"policy_sha256": installed.sha256 if new_value else None}
    elif key == "default_model" and new_value is not None:
        if context.engines.find(new_value) is None:  # a remote engine may be the default
            context.vault.model(new_value)
    updated = context.settings.changed(**{key: new_value}, **pinned)
    if key in ("clearance", "ceiling"):
        updated = check_levels(context.policy(), updated)
    command = "settings.change" if key != "policy" else "policy.change"
    with context.act(command, setting=key, value=new_value):
        updated.save(context.vault.records)
    say(f"milai: {key} = {new_value}")


@app.command()
def doctor(
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Check this machine and this installation."""
    report: dict[str, Any] = {
        "python": platform.python_version(),
        "milai": __version__,
        "network_guard": netguard.is_installed(),
        "home": str(configured_home()),
    }
    report["llama_cpp"] = _probe(_llama_info)
    report["memory"] = _probe(_memory_info)
    report["vault"] = _probe(_vault_info)
    report["policy"] = _probe(_policy_info)
    if json_output:
        emit_json(report)
        return
    from milai.cli.render import doctor_report

    doctor_report(report)


def _probe(check: Any) -> dict[str, Any]:
    try:
        return {"ok": True, **check()}
    except MilaiError as error:
        return {"ok": False, "error": error.message}


def _llama_info() -> dict[str, Any]:
    from milai.engine.llama import build_info

    return build_info()


def _memory_info() -> dict[str, Any]:
    from milai.vault import memory_lock_status

    return memory_lock_status()


def _vault_info() -> dict[str, Any]:
    context = open_context()
    if not context.has_vault():
        return {"exists": False}
    vault = context.vault
    return {"exists": True, "models": [m.name for m in vault.list_models()]}


def _policy_info() -> dict[str, Any]:
    policy = open_context().policy()
    return {"name": policy.name, "version": policy.version, "sha256": policy.sha256}
