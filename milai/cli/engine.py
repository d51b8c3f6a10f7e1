"""Administrator commands for remote engines: ``engine add | list | remove | check``.

An engine is an accredited OpenAI-compatible server inside the enclave. Its definition
(pinned address, CA or certificate pin, served model id, level) and its token are encrypted
vault records; adding and removing one is on the audit record.
"""

from __future__ import annotations

import math
import ssl
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from milai.cli._app import app, emit_json, open_context, say
from milai.context import Context
from milai.errors import MilaiError, ModelError, UsageError
from milai.files import read_small_file

if TYPE_CHECKING:
    from milai.engine.remote import EngineDefinition, RemoteEngine

engine_app = typer.Typer(
    help="Remote inference engines (vLLM, llama-server) an administrator accredited.",
    no_args_is_help=True,
)
app.add_typer(engine_app, name="engine")

MAX_FILE_BYTES = 1 << 20


def _read_ca(path: Path) -> str:
    try:
        pem = read_small_file(path, "CA file", MAX_FILE_BYTES).decode("ascii")
        ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).load_verify_locations(cadata=pem)
    except (UnicodeDecodeError, ssl.SSLError, ValueError):
        raise UsageError(f"{path} is not a PEM CA certificate file") from None
    return pem


def _check_fingerprint(value: str) -> str:
    hex_digits = value.replace(":", "").lower()
    if len(hex_digits) != 64 or any(c not in "0123456789abcdef" for c in hex_digits):
        raise UsageError("--fingerprint must be a SHA-256 in hex (64 digits, colons allowed)")
    return hex_digits


def _row(definition: EngineDefinition, has_token: bool) -> dict[str, Any]:
    return {
        "name": definition.name,
        "kind": "remote",
        "level": definition.level,
        "endpoint": definition.endpoint,
        "address": definition.address,
        "model_id": definition.model_id,
        "verified_by": definition.verified_by,
        "certificate_sha256": definition.fingerprint,
        "token": has_token,
        "read_timeout_s": definition.read_timeout_s,
        "reply_timeout_s": definition.reply_timeout_s,
    }


def _described(definition: EngineDefinition) -> dict[str, Any]:
    """An engine as the audit log names it."""
    return {
        "name": definition.name,
        "endpoint": definition.endpoint,
        "address": definition.address,
        "model_id": definition.model_id,
        "level": definition.level,
        "verified_by": definition.verified_by,
        "certificate_sha256": definition.fingerprint,
    }


def _record(context: Context, command: str, definition: EngineDefinition, **more: Any) -> None:
    """An audit entry for an act on an engine that changes nothing in the vault."""
    context.record({"command": command, "engine": _described(definition), **more})


def _served(engine: RemoteEngine, model_id: str | None) -> str:
    """The model id to ask for: ``model_id`` when the engine serves it, else its only one."""
    served = engine.served_models()
    name = engine.definition.name
    if model_id is None:
        if len(served) == 1:
            return served[0]
        raise UsageError(
            f"engine {name} serves {len(served)} models: say which with --model-id",
            hint="served: " + ", ".join(served[:10]) if served else None,
        )
    if model_id not in served:
        raise ModelError(
            f"engine {name} does not serve model {model_id!r}",
            hint="served: " + ", ".join(served[:10]) if served else None,
        )
    return model_id


@engine_app.command("add")
def engine_add(
    name: Annotated[str, typer.Argument(help="Name to refer to the engine by (--model NAME).")],
    url: Annotated[str, typer.Option("--url", help="https://host:port (http only on loopback).")],
    level: Annotated[str, typer.Option("--level", help="Accreditation level of the engine.")],
    model_id: Annotated[
        str | None, typer.Option("--model-id", help="Served model id (default: its only one).")
    ] = None,
    ca_file: Annotated[
        Path | None,
        typer.Option("--ca-file", help="PEM file of the CA that signs its certificate."),
    ] = None,
    token_file: Annotated[
        Path | None, typer.Option("--token-file", help="File holding its bearer token.")
    ] = None,
    fingerprint: Annotated[
        str | None,
        typer.Option("--fingerprint", help="SHA-256 of its certificate, to pin (hex)."),
    ] = None,
    address: Annotated[
        str | None, typer.Option("--address", help="Pin this IP address instead of looking up.")
    ] = None,
    read_timeout: Annotated[
        float, typer.Option("--read-timeout", help="Seconds without data before giving up.")
    ] = 120.0,
    reply_timeout: Annotated[
        float,
        typer.Option("--reply-timeout", help="Seconds a whole reply may take before giving up."),
    ] = 600.0,
) -> None:
    """Accredit a remote engine: pin its address and certificate, check what it serves."""
    from milai.engine._registry import check_token
    from milai.engine.remote import (
        EngineDefinition,
        RemoteEngine,
        parse_engine_url,
        pin_address,
        presented_certificate,
    )

    context = open_context()
    canonical = context.policy().canonical_level(level)
    parsed = parse_engine_url(url)
    ca_pem = _read_ca(ca_file) if ca_file is not None else None
    pinned = _check_fingerprint(fingerprint) if fingerprint is not None else None
    token = None
    if token_file is not None:
        token = check_token(read_small_file(token_file, "token file", MAX_FILE_BYTES))
    if (ca_pem or pinned) and not parsed.tls:
        raise UsageError("--ca-file and --fingerprint need an https:// URL")
    for option, seconds in (("--read-timeout", read_timeout), ("--reply-timeout", reply_timeout)):
        if not 0 < seconds < math.inf:
            raise UsageError(f"{option} must be a positive number of seconds")
    vault = context.vault
    if name in [manifest.name for manifest in vault.list_models()]:
        raise UsageError(f"a model named {name!r} is in the vault: pick another engine name")
    engines = context.engines
    if engines.find(name) is not None:
        raise UsageError(f"engine {name!r} exists", hint=f"`milai engine remove {name}` first")
    definition = EngineDefinition(
        name=name,
        url=url,
        level=canonical,
        host=parsed.host,
        port=parsed.port,
        address=pin_address(parsed.host, parsed.port, address),
        tls=parsed.tls,
        base_path=parsed.base_path,
        ca_pem=ca_pem,
        fingerprint=pinned,
        read_timeout_s=read_timeout,
        reply_timeout_s=reply_timeout,
    )
    first_use = False
    if definition.tls and ca_pem is None and pinned is None:
        # No CA and no pin given: pin what the server presents now, and say so.
        definition = replace(definition, fingerprint=presented_certificate(definition))
        first_use = True
    definition.check()
    engine = RemoteEngine(definition, token)
    definition = replace(definition, model_id=_served(engine, model_id))
    with context.act(
        "engine.add",
        engine=_described(definition),
        token=token is not None,
        pinned_on_first_use=first_use,
    ):
        engines.add(definition, token)
    say(
        f"milai: added engine {name} ({definition.endpoint} at {definition.address}, "
        f"model {definition.model_id}, {canonical}; verified by {definition.verified_by})"
    )
    if first_use:
        say(
            f"milai: pinned the certificate it presented now, sha256 {definition.fingerprint}: "
            "compare it with the server's before use"
        )


@engine_app.command("list")
def engine_list(
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the remote engines."""
    engines = open_context().engines
    rows = [_row(d, engines.has_token(d.name)) for d in engines.definitions()]
    if json_output:
        emit_json(rows)
        return
    from rich.table import Table

    from milai.cli.render import stdout

    table = Table(title="Remote engines")
    for column in ("name", "level", "endpoint", "address", "model id", "verified by", "token"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row["name"],
            row["level"],
            row["endpoint"],
            row["address"],
            row["model_id"] or "",
            row["verified_by"],
            "yes" if row["token"] else "no",
        )
    stdout.print(table)


@engine_app.command("remove")
def engine_remove(name: str) -> None:
    """Remove a remote engine (and its token) from the vault."""
    context = open_context()
    definition = context.engines.definition(name)
    with context.act("engine.remove", engine=_described(definition)):
        context.engines.remove(name)
        if context.settings.default_model == name:
            replace(context.settings, default_model=None).save(context.vault.records)
    say(f"milai: removed engine {name}")


@engine_app.command("check")
def engine_check(
    name: str,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Reach the engine: TLS details, the model ids it serves (exit 5 when it fails)."""
    context = open_context()
    engine = context.engines.open(name)
    definition = engine.definition
    try:
        served = engine.served_models()
    except MilaiError as error:
        _record(context, "engine.check", definition, decision="failed", error=error.message)
        raise
    report: dict[str, Any] = {
        **_row(definition, context.engines.has_token(name)),
        "reachable": True,
        "served_models": served,
        "model_served": definition.model_id in served,
        "tls": engine.tls_details.to_json() if engine.tls_details else None,
    }
    _record(context, "engine.check", definition, decision="reachable", served_models=served)
    if json_output:
        emit_json(report)
    else:
        for key, value in report.items():
            say(f"{key}: {value}")
    if not report["model_served"]:
        raise ModelError(f"engine {name} no longer serves model {definition.model_id!r}")
