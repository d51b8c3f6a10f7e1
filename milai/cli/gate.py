"""Commands on documents and policies: ``check``, ``redact`` (a file, stdin or a folder),
``policy validate|show|test``."""

from __future__ import annotations

import codecs
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any, Protocol

import typer

from milai.cli._app import app, emit_json, one_line, open_context, quiet_stdout, say
from milai.errors import Blocked, ExitCode, UsageError
from milai.files import name_bytes, shown_name

if TYPE_CHECKING:
    from milai.context import Context
    from milai.documents import Document
    from milai.policy import Decision, Policy

policy_app = typer.Typer(
    help="Validate, show and test classification policies.", no_args_is_help=True
)
app.add_typer(policy_app, name="policy")

CHUNK_BYTES = 1 << 20
DOCUMENTS_HELP = (
    "Reads .docx, .odt, .pdf, .html, .eml, Markdown and UTF-8 text, told apart by content; "
    "every part where a marking hides (headers, footers, footnotes, comments, tracked "
    "deletions, properties, every PDF page). DIR: every file under it (symbolic links are "
    "reported, never followed)."
)


@dataclass
class Material:
    """What ``check``/``redact`` read: a document, or plain UTF-8 text streamed in chunks
    (memory flat in its size)."""

    name: str
    document: Document | None = None
    chunks: Iterator[str] | None = None
    # A plain-text file's own text, blank lines at its ends included (the document's text
    # is trimmed): what a redacted copy of it is made from.
    source: str | None = None

    @property
    def format(self) -> str:
        return self.document.format if self.document is not None else "text"

    @property
    def encoding(self) -> str | None:
        """The code page a file that is not UTF-8 was read in (``cp1252``), else None."""
        return self.document.encoding if self.document is not None else None

    def part_at(self, offset: int) -> str:
        return self.document.part_at(offset) if self.document is not None else "body"

    def text_chunks(self) -> Iterator[str]:
        if self.document is not None:
            yield self.document.text
        elif self.chunks is not None:
            yield from self.chunks


def read_material(path: str | Path | None) -> Material:
    """PATH, ``-`` or piped stdin, sniffed by content. Raises ``UsageError`` (exit 2) for
    unreadable, malformed or hostile input."""
    source = None if path is None else str(path)
    # Plain text needs only the sniffing; the document model and readers load for the rest.
    from milai.documents import HEAD_BYTES
    from milai.policy.whole import TEXT, TEXT_READ_WHOLE, material_kind

    name = "stdin" if source in (None, "-") else str(source)
    if source in (None, "-"):
        if sys.stdin is None or sys.stdin.isatty():
            raise UsageError("no input: give PATH, or pipe text on stdin")
        handle: IO[bytes] = sys.stdin.buffer
    else:
        try:
            handle = open(str(source), "rb")  # closed below, or when the chunks end
        except IsADirectoryError:
            raise UsageError(f"{source} is a directory") from None
        except OSError as error:
            raise UsageError(f"cannot read {source}: {error.strerror}") from None
    head = _read_head(handle, HEAD_BYTES, name)
    # The one owner of this choice (the output gate reads a model's answer the same way).
    kind = material_kind(head)
    # A file (not stdin: it cannot be read twice) that is not UTF-8 is read whole, as
    # cp1252 (documents._text): a Windows "ANSI" file.
    legacy = (
        source not in (None, "-")
        and kind in (TEXT, "html", *TEXT_READ_WHOLE)
        and _not_utf8(handle, head)
    )
    if kind == TEXT and not legacy:
        # Text streams; subtitles and calendars are read whole, for the reading of their
        # joined cues or unfolded lines.
        return Material(name, chunks=_decode_chunks(head, handle, name))
    from milai.documents import Limits, read_document

    limit = Limits().max_input_bytes
    with handle:
        try:
            data = head + handle.read(limit + 1 - len(head))
        except OSError as error:
            raise UsageError(f"cannot read {name}: {error.strerror}") from None
    if len(data) > limit:
        raise UsageError(f"{name} is larger than {limit} bytes")
    document = read_document(data, name, legacy=legacy)
    return Material(name, document=document, source=own_text(document, data, name))


def _not_utf8(handle: IO[bytes], head: bytes) -> bool:
    """Whether a file that starts with ``head`` is not UTF-8 from there to its end; the file
    is read once for that and left where it was (after ``head``). A file that cannot seek
    (a named pipe) is taken as UTF-8: it streams, and a byte that is not UTF-8 is refused."""
    try:
        if not handle.seekable():
            return False
        decoder = codecs.getincrementaldecoder("utf-8")("strict")
        resume = handle.tell()
        data = head
        try:
            while True:
                decoder.decode(data, final=not data)
                if not data:
                    return False
                data = handle.read(CHUNK_BYTES)
        except UnicodeDecodeError:
            return True
        finally:
            handle.seek(resume)
    except OSError:
        return False  # read as it streams, and any error said there


def own_text(document: Document, data: bytes, name: str) -> str | None:
    """A plain-text file's own text, when its document is that text alone (perhaps with
    the joined cues of a subtitle file or the unfolded lines of a calendar beside it): what
    a redacted copy is made from."""
    from milai.documents import decode_readings

    if document.format != "text":
        return None
    readings: tuple[str, ...] = ("body", "subtitle cues", "calendar unfolded")
    # A cp1252 file's reading as UTF-8 is the same bytes: its copy is written from the first.
    readings += ("as UTF-8",) if document.encoding is not None else ()
    if any(part.name not in readings for part in document.parts):
        return None
    return decode_readings(data, name, legacy=document.encoding is not None)[0][1]


def _read_head(handle: IO[bytes], size: int, name: str) -> bytes:
    head = b""
    try:
        while len(head) < size:
            data = handle.read(size - len(head))
            if not data:
                break
            head += data
    except OSError as error:
        raise UsageError(f"cannot read {name}: {error.strerror}") from None
    return head


def _decode_chunks(head: bytes, handle: IO[bytes], name: str) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder("utf-8-sig")("strict")  # a leading BOM is no text
    offset = 0
    data = head
    with handle:
        while True:
            try:
                text = decoder.decode(data, final=not data)
            except UnicodeDecodeError as error:
                raise UsageError(
                    f"{name} is not valid UTF-8 text (bad byte at offset {offset + error.start})"
                ) from None
            offset += len(data)
            if text:
                yield text
            if not data:
                return
            data = handle.read(CHUNK_BYTES)


def _policy_and_audit(policy_file: Path | None) -> tuple[Policy, Context | None]:
    """The policy in force, and the context whose audit log records the decision (when a
    vault exists to keep one).

    The installed policy is the floor: ``--policy FILE`` may stand in for it only when no
    administrator installed one (``milai settings set policy``) or FILE is that same policy;
    otherwise ``UsageError`` (exit 2), before any input is read.
    """
    context = open_context()
    policy = context.policy(policy_file)
    if not context.has_vault():
        return policy, None
    if policy_file is not None:
        settings = context.settings
        if settings.policy_sha256 is not None and policy.sha256 != settings.policy_sha256:
            raise UsageError(
                f"--policy {policy_file} is not the policy an administrator installed "
                f"({settings.policy}, sha256 {settings.policy_sha256[:12]}…): "
                "it may not replace it",
                hint="try a policy with `milai policy test FILE`; an administrator installs "
                "one with `milai settings set policy FILE`",
            )
    return policy, context


@app.command(epilog=DOCUMENTS_HELP)
def check(
    path: Annotated[
        Path | None, typer.Argument(help="File or folder to check, or - for stdin.")
    ] = None,
    policy_file: Annotated[
        Path | None,
        typer.Option("--policy", help="Policy YAML file (not over an installed policy)."),
    ] = None,
    clearance: Annotated[
        str | None, typer.Option("--clearance", help="Block text above this level.")
    ] = None,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print one JSON object (a folder: one per file).")
    ] = False,
    explain: Annotated[bool, typer.Option("--explain", help="Show findings in the text.")] = False,
) -> None:
    """Classify a document: its level, its findings (with the part each is in), and what the
    policy decides (exit 3: block). A folder exits with its worst file's code (3, else 2)."""
    from milai.policy import check_stream
    from milai.policy.whole import unread_blocks

    if explain and json_output:
        raise UsageError("--explain draws findings in the text, --json prints them: choose one")
    policy, audit = _policy_and_audit(policy_file)
    if clearance is not None:
        clearance = policy.canonical_level(clearance)
    if path is not None and str(path) != "-" and path.is_dir():
        if explain:
            raise UsageError("--explain shows one document: give a file, not a folder")
        _check_folder(Path(path), policy, audit, clearance, json_output)
        return
    material = read_material(path)
    text = ""
    if explain:
        text = "".join(material.text_chunks())
        decision = check_stream(policy, (text,), clearance=clearance)
    else:
        decision = check_stream(policy, material.text_chunks(), clearance=clearance)
    decision = unread_blocks(policy, decision, material.document)
    if audit is not None:
        audit.record(_check_event("check", policy, decision, clearance, material.format))
    try:
        if json_output:
            emit_json(_decision_json(decision, material))
        elif explain:
            from milai.cli.render import explain_decision

            explain_decision(text, decision, part_of=material.part_at)
        else:
            sys.stdout.write(f"{decision.action} {decision.level}\n")
            for finding in decision.findings:
                sys.stdout.write(
                    f"  {finding.rule} {finding.kind} {finding.level} {finding.action} "
                    f"{material.part_at(finding.start)} [{finding.start}:{finding.end}]\n"
                )
            sys.stdout.flush()
    except BrokenPipeError:
        if decision.action != "block":
            raise
        quiet_stdout()  # the reader went away: a block is still exit 3
    _say_skipped(material.document)
    _say_encoding(material)
    if decision.action == "block":
        raise typer.Exit(int(ExitCode.BLOCKED))


def _decision_json(decision: Decision, material: Material) -> dict[str, Any]:
    data = decision.to_json()
    for finding in data["findings"]:
        finding["part"] = material.part_at(finding["start"])
    data["format"] = material.format
    if material.document is not None and material.document.skipped:
        data["skipped"] = list(material.document.skipped)
    if material.document is not None and material.document.unread:
        data["unread"] = list(material.document.unread)
    if material.encoding is not None:
        data["encoding"] = material.encoding
    return data


def _say_skipped(document: Document | None) -> None:
    for note in document.skipped if document is not None else ():
        say(f"milai: note: not read: {note}")
    if document is not None and document.unread:
        say(
            f"milai: blocked: not read: {'; '.join(document.unread)} (what it holds is "
            "unknown, rule unreadable-document)"
        )


def refuse_unread(name: str, document: Document | None, what: str) -> None:
    """Raise ``Blocked`` (exit 3) when the reader left a document inside ``document`` unread
    (nested past its depth): ``what`` would pass what it holds unseen (a redacted copy, a
    prompt), so nothing is done with it."""
    if document is not None and document.unread:
        raise Blocked(
            f"{shown_name(name)}: {what}: not read: {'; '.join(document.unread)} (what it "
            "holds is unknown, rule unreadable-document)"
        )


def _say_encoding(material: Material, written: bool = False) -> None:
    if material.encoding is not None:
        copy = f"; its copy is written in {material.encoding} too" if written else ""
        say(
            f"milai: note: {shown_name(material.name)} is not UTF-8: "
            f"read as Windows-1252 ({material.encoding}){copy}"
        )


# --- folders ---------------------------------------------------------------------------

_WORST = (ExitCode.BLOCKED, ExitCode.USAGE, ExitCode.OK)  # a folder's code: the first one met


def worst_exit(codes: list[ExitCode]) -> ExitCode:
    """A folder's exit code: 3 if any file was blocked, else 2 if any could not be read."""
    return next((code for code in _WORST if code in codes), ExitCode.OK)


def _folder_documents(root: Path) -> Iterator[tuple[str, Material | None, str | None]]:
    """(relative path, material, error) for every file under ``root``."""
    from milai.documents import DocumentError, read_document, walk_folder

    for entry in walk_folder(root):
        if entry.data is None:
            yield entry.path, None, entry.error
            continue
        try:
            document = read_document(entry.data, entry.path, legacy=True)
        except DocumentError as error:
            yield entry.path, None, error.message
            continue
        source = own_text(document, entry.data, entry.path)
        yield entry.path, Material(entry.path, document=document, source=source), None


def _check_folder(
    root: Path, policy: Policy, audit: Context | None, clearance: str | None, json_output: bool
) -> None:
    codes: list[ExitCode] = []
    try:
        _check_files(root, policy, audit, clearance, json_output, codes)
    except BrokenPipeError:
        if ExitCode.BLOCKED not in codes:
            raise
        quiet_stdout()  # the reader went away: a block met by then is still exit 3
    code = worst_exit(codes)
    if code != ExitCode.OK:
        raise typer.Exit(int(code))


def _check_files(
    root: Path,
    policy: Policy,
    audit: Context | None,
    clearance: str | None,
    json_output: bool,
    codes: list[ExitCode],
) -> None:
    """``_check_folder``'s rows, each file's exit code added to ``codes`` as it is met."""
    from milai.policy import check_text
    from milai.policy.whole import unread_blocks

    rows: list[tuple[str, str, str, str, int, str]] = []
    for path, material, error in _folder_documents(root):
        if material is None or material.document is None:
            codes.append(ExitCode.USAGE)
            rows.append((path, "", "error", "", 0, error or ""))
            if json_output:
                emit_json({**_named("path", path), "error": error, "exit_code": 2})
            continue
        decision = check_text(policy, material.document.text, clearance=clearance)
        decision = unread_blocks(policy, decision, material.document)
        code = ExitCode.BLOCKED if decision.action == "block" else ExitCode.OK
        codes.append(code)
        if audit is not None:
            audit.record(_check_event("check", policy, decision, clearance, material.format))
        rules = sorted({f.rule for f in decision.findings})
        not_read = (*material.document.unread, *material.document.skipped)
        notes = ", ".join(rules) + "".join(f"; not read: {n}" for n in not_read)
        notes += f"; read as {material.encoding}" if material.encoding is not None else ""
        rows.append(
            (path, material.format, str(decision.action), decision.level, len(rules), notes)
        )
        if json_output:
            emit_json(
                {
                    **_named("path", path),
                    **_decision_json(decision, material),
                    "exit_code": int(code),
                }
            )
    if not json_output:
        _folder_table(f"milai check {root}", rows)


def _named(key: str, name: str | Path) -> dict[str, str]:
    """A file's name in a JSON line: ``KEY`` as text (``shown_name``: a byte that is not
    UTF-8 as ``\\xNN``), and ``KEY_bytes``, base64 of its exact bytes, when it is not UTF-8
    (the text alone could not name the file again)."""
    named = {key: shown_name(name)}
    exact = name_bytes(name)
    if exact is not None:
        named[f"{key}_bytes"] = exact
    return named


_FOLDER_COLUMNS = ("file", "format", "decision", "level", "rules", "rule ids / why")


def _folder_table(title: str, rows: list[tuple[str, str, str, str, int, str]]) -> None:
    """A Rich table at a terminal; tab-separated lines, uncut, when stdout is not one."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row[2]] = counts.get(row[2], 0) + 1
    summary = ", ".join(f"{n} {what}" for what, n in sorted(counts.items()))
    if not sys.stdout.isatty():
        sys.stdout.write("\t".join(_FOLDER_COLUMNS) + "\n")
        for row in rows:
            sys.stdout.write("\t".join(one_line(str(cell)) for cell in row) + "\n")
        sys.stdout.write(f"{len(rows)} files: {summary}\n")
        return
    from rich.table import Table
    from rich.text import Text

    from milai.cli.render import stdout

    table = Table(title=title)
    for column in _FOLDER_COLUMNS:
        table.add_column(column)
    for path, format_, decision, level, count, notes in rows:
        style = {"block": "bold red", "error": "yellow"}.get(decision, "")
        table.add_row(
            Text(shown_name(path)),
            format_,
            Text(decision, style=style),
            level,
            str(count),
            Text(shown_name(notes)),
        )
    stdout.print(table)
    stdout.print(f"{len(rows)} files: {summary}")


# --- redact ----------------------------------------------------------------------------


@app.command(epilog=DOCUMENTS_HELP)
def redact(
    path: Annotated[
        Path | None, typer.Argument(help="File or folder to redact, or - for stdin.")
    ] = None,
    policy_file: Annotated[
        Path | None,
        typer.Option("--policy", help="Policy YAML file (not over an installed policy)."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="Write here instead of stdout: a new file, or for a folder a new or empty "
            "folder (required then).",
        ),
    ] = None,
    json_output: Annotated[
        bool, typer.Option("--json", help="A folder: one JSON line per file.")
    ] = False,
) -> None:
    """Write the text with every redacted or blocked span replaced. A document that is not
    plain text (.docx, .odt, .pdf, .html, .eml) comes out as its redacted extracted text (in a
    folder, as NAME.txt beside the other files), never as a document of its kind."""
    folder = path is not None and str(path) != "-" and path.is_dir()
    if json_output and not folder:
        raise UsageError("--json is for a folder (one JSON line per file); a file's copy is text")
    policy, audit = _policy_and_audit(policy_file)
    if folder and path is not None:  # a folder has a path (said again for mypy)
        if output is None:
            raise UsageError("redact DIR needs -o OUTDIR (a new or empty folder)")
        _redact_folder(Path(path), output, policy, audit, json_output)
        return
    material = read_material(path)
    if material.document is not None and material.document.unread:
        if audit is not None:
            audit.record(_redact_event(policy, "blocked", 0, material.format))
        refuse_unread(material.name, material.document, "no redacted copy is written")
    if output is None:
        if material.encoding is not None:
            sys.stdout.flush()
            _redact_to(LegacySink(sys.stdout.buffer), material, policy, audit)
        else:
            _redact_to(sys.stdout, material, policy, audit)
        return
    try:
        fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except OSError as error:
        raise UsageError(f"cannot create {output}: {error.strerror}") from None
    try:
        if material.encoding is not None:  # written back in the code page it came in
            with os.fdopen(fd, "wb") as raw:
                _redact_to(LegacySink(raw), material, policy, audit)
        else:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                _redact_to(handle, material, policy, audit)
    except BaseException as failure:
        # A copy cut short is no copy: nothing is left that looks like one.
        output.unlink(missing_ok=True)
        if isinstance(failure, OSError):
            raise UsageError(f"cannot write {output}: {failure.strerror}") from None
        raise


class Sink(Protocol):
    """Where a redacted copy is written: a text stream, or a ``LegacySink``."""

    def write(self, text: str, /) -> int: ...

    def flush(self) -> None: ...


class LegacySink:
    """Writes text in cp1252, as a file that is not UTF-8 came (documents._text): every
    character of its reading has its byte, and redactions are ASCII."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw

    def write(self, text: str, /) -> int:
        from milai.documents._text import encode_legacy

        try:
            data = encode_legacy(text)
        except UnicodeEncodeError as error:  # not from a cp1252 reading: never written half
            raise UsageError(f"cannot write {error.object[error.start]!r} in cp1252") from None
        self.raw.write(data)
        return len(text)

    def flush(self) -> None:
        self.raw.flush()


def _redact_to(sink: Sink, material: Material, policy: Policy, audit: Context | None) -> None:
    from milai.policy import redact_stream

    chars = 0
    outcome = "error"
    last = ""
    try:
        own = [material.source] if material.source is not None else None
        for piece in redact_stream(policy, own or material.text_chunks()):
            chars += len(piece)
            sink.write(piece)
            last = piece
        if own is None and material.document is not None and not last.endswith("\n"):
            sink.write("\n")  # extracted text ends its last line, as a text file does
        sink.flush()
        outcome = "redact"
    except BrokenPipeError:
        outcome = "interrupted"
        raise
    finally:
        if audit is not None:
            audit.record(_redact_event(policy, outcome, chars, material.format))
    _say_skipped(material.document)
    _say_encoding(material, written=True)


def _redact_event(policy: Policy, outcome: str, chars: int, format_: str) -> dict[str, Any]:
    return {
        "command": "redact",
        "policy": {"name": policy.name, "sha256": policy.sha256},
        "decision": outcome,
        "output_chars": chars,
        "format": format_,
    }


def _redact_folder(
    root: Path, output: Path, policy: Policy, audit: Context | None, json_output: bool
) -> None:
    from milai.documents import NewFiles
    from milai.policy import check_text, redact_text

    if output.resolve().is_relative_to(root.resolve()):
        raise UsageError(f"the output folder {output} is inside {root}")
    files = NewFiles(output)
    codes: list[ExitCode] = []
    rows: list[tuple[str, str, str, str, int, str]] = []
    for path, material, error in _folder_documents(root):
        written: Path | None = None
        redactions = 0
        level = ""
        # A document left partly unread is not redacted: its copy would pass that part unseen.
        unread = material.document.unread if material and material.document else ()
        if unread:
            error = f"not read: {'; '.join(unread)}: no redacted copy is written"
            if audit is not None and material is not None:
                audit.record(_redact_event(policy, "blocked", 0, material.format))
        elif material is not None and material.document is not None:
            text = material.source if material.source is not None else material.document.text
            redacted = redact_text(policy, text)
            redacted += "" if redacted.endswith("\n") or material.format == "text" else "\n"
            redactions = redacted.count("[REDACTED:") - text.count("[REDACTED:")
            # The level of what is written: a marking is never redacted, so a SECRET file
            # stays SECRET after its PII is taken out.
            level = check_text(policy, redacted).level
            name = path if material.format == "text" else path + ".txt"
            legacy = material.encoding is not None and material.format == "text"
            try:
                written = files.write(name, redacted, legacy=legacy)
            except OSError as failure:
                error = f"cannot write {name}: {failure.strerror}"
            except UnicodeEncodeError:  # not from a cp1252 reading (never: redactions are ASCII)
                error = f"cannot write {name} in cp1252"
            if audit is not None:
                outcome = "redact" if written else "error"
                audit.record(_redact_event(policy, outcome, len(redacted), material.format))
        failed = ExitCode.BLOCKED if unread else ExitCode.USAGE
        codes.append(ExitCode.OK if written else failed)
        format_ = material.format if material is not None else ""
        if json_output:
            line: dict[str, Any] = {**_named("path", path), "format": format_}
            if written is not None:
                line.update(_named("output", written))
                line.update(level=level, redactions=redactions, exit_code=0)
                if material is not None and material.encoding is not None:
                    line["encoding"] = material.encoding
            else:
                line.update(error=error, exit_code=int(failed))
            emit_json(line)
        note = f"→ {written}" if written else error or ""
        rows.append(
            (
                path,
                format_,
                "redact" if written else "block" if unread else "error",
                level if written else "",
                redactions,
                note,
            )
        )
    if not json_output:
        _folder_table(f"milai redact {root} -o {output}", rows)
    code = worst_exit(codes)
    if code != ExitCode.OK:
        raise typer.Exit(int(code))


def policy_view(policy: Any) -> dict[str, Any]:
    """The effective policy as plain data: scale, markings per level, detectors, rules."""
    spec = policy.spec
    markings: dict[str, list[dict[str, Any]]] = {level: [] for level in spec.scale}
    for marking in spec.markings:
        markings[marking.level].append(
            {"text": marking.text, "schemes": list(marking.schemes), "portion": marking.portion}
        )
    return {
        "name": policy.name,
        "version": policy.version,
        "sha256": policy.sha256,
        "description": spec.description,
        "scale": list(spec.scale),
        "markings": markings,
        "sensitivity_labels": [
            {"by": label.by, "value": label.value, "level": label.level, "rule": label.detector}
            for label in spec.sensitivity_labels
        ],
        "detectors": [
            {
                "id": d.id,
                "kind": d.kind,
                "level": d.level,
                "validator": d.validator,
                "keywords": list(d.keywords),
                "pattern": d.pattern,
                "description": d.description,
            }
            for d in spec.detectors
        ],
        "rules": [
            {
                "id": r.id,
                "action": str(r.action),
                "directions": sorted(r.directions),
                "detector": r.detector,
                "kind": r.kind,
                "level": r.level,
                "description": r.description,
            }
            for r in spec.rules
        ],
        "tests": len(spec.tests),
        "record_text": spec.record_text,
    }


def _check_event(
    command: str, policy: Any, decision: Any, clearance: str | None, format_: str = "text"
) -> dict[str, Any]:
    return {
        "command": command,
        "format": format_,
        "policy": {"name": policy.name, "sha256": policy.sha256},
        "clearance": clearance,
        "levels": {"input": decision.level},
        "decision": str(decision.action),
        "rules": sorted({finding.rule for finding in decision.findings}),
    }


@policy_app.command("validate")
def policy_validate(file: Annotated[Path, typer.Argument(help="Policy YAML file.")]) -> None:
    """Check a policy file; one line per error with its YAML line (exit 2 if any)."""
    from milai.policy import validate_policy

    errors = validate_policy(file)
    for error in errors:
        sys.stderr.write(one_line(error) + "\n")
    if errors:
        raise typer.Exit(int(ExitCode.USAGE))
    say(f"milai: {file} is valid")


@policy_app.command("show")
def policy_show(
    file: Annotated[
        Path | None, typer.Argument(help="Policy file (default: the one in force).")
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show the effective policy."""
    policy = open_context().policy(file)
    view = policy_view(policy)
    if json_output:
        emit_json(view)
        return
    from milai.cli.render import policy_tables

    policy_tables(view)


@policy_app.command("test")
def policy_test(
    file: Annotated[
        Path | None, typer.Argument(help="Policy file (default: the one in force).")
    ] = None,
) -> None:
    """Run the policy's embedded tests (exit 1 if any fails, like `opa test`)."""
    from milai.policy import run_policy_tests

    policy = open_context().policy(file)
    results = run_policy_tests(policy)
    if not results:
        raise UsageError(f"{policy.name} has no embedded tests")
    failed = [result for result in results if not result.passed]
    for result in failed:
        sys.stdout.write(
            f"FAIL {result.name}: expected {result.expected_decision} {result.expected_level}, "
            f"got {result.got_decision} {result.got_level}\n"
        )
    sys.stdout.write(f"{policy.name}: {len(results) - len(failed)}/{len(results)} tests passed\n")
    if failed:
        raise typer.Exit(int(ExitCode.INTERNAL))
