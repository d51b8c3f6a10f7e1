"""Rich rendering for people at a terminal: tables, progress, highlighted explanations.

Imported lazily by the commands that need it, so scripted paths never pay for Rich.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from rich.console import Console, ConsoleDimensions
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TransferSpeedColumn,
)
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from milai.vault import ModelManifest


# Wide enough for any row milai prints (a table is as wide as its cells, never padded to this).
_UNCUT = 100_000


class _Console(Console):
    """Rich's console, as wide as its lines when it is not a terminal (Rich would cut a
    table to 80 columns: ``milai model list > models.txt`` kept ``smollm2…``), and leaving
    a closed pipe to ``cli.main`` (Rich would exit 1, an internal error by milai's codes,
    where ``milai … | head`` ends quietly with 0)."""

    @property
    def size(self) -> ConsoleDimensions:
        # Not a terminal: uncut, also where COLUMNS is set (Rich takes it as the width).
        size = super().size
        return size if self.is_terminal else ConsoleDimensions(_UNCUT, size.height)

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        self._width, self._height = new_size

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


# Markup off: policy texts, model names and model output are data, never Rich markup.
stdout = _Console(highlight=False, soft_wrap=True, markup=False)
stderr = _Console(stderr=True, highlight=False, markup=False)


def _byte_progress() -> Progress:
    return Progress(
        TextColumn("{task.description}", markup=False),  # model names are data, not markup
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=stderr,
        transient=True,
    )


@contextmanager
def progress_bar(label: str, *, enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A byte-progress bar on stderr, yielding the ``progress(done, total)`` callback."""
    if not enabled:
        yield None
        return
    with _byte_progress() as progress:
        task = progress.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield update


@contextmanager
def rotation_bar() -> Iterator[Callable[[str, int, int], None]]:
    """A byte-progress bar on stderr for a key rotation, one model after another, yielding
    the vault's ``progress(model, done, total)`` callback."""
    with _byte_progress() as progress:
        tasks: dict[str, Any] = {}

        def update(model: str, done: int, total: int) -> None:
            if model not in tasks:
                tasks[model] = progress.add_task(f"re-keying {model}", total=total)
            progress.update(tasks[model], completed=done, total=total)

        yield update


@contextmanager
def count_progress(label: str, total: int, *, enabled: bool) -> Iterator[Callable[[str], None]]:
    """A bar on stderr counting items (files), yielding ``advance(name)``."""
    if not enabled:
        yield lambda _name: None
        return
    with Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[item]}", markup=False),
        console=stderr,
        transient=True,
    ) as progress:
        task = progress.add_task(label, total=total, item="")

        def advance(name: str) -> None:
            progress.update(task, advance=1, item=name[-40:])

        yield advance


def documents_table(rows: Sequence[dict[str, Any]]) -> None:
    table = Table(title="Documents in the corpus")
    table.add_column("id", no_wrap=True, min_width=16)
    for column in ("collection", "level", "passages", "name", "title"):
        table.add_column(column)
    for row in rows:
        level = row["level"] + (" (raised)" if row["level"] != row["declared"] else "")
        table.add_row(
            *(
                Text(str(cell))
                for cell in (
                    row["id"],
                    row["collection"],
                    level,
                    row["passages"],
                    row["name"],
                    row["title"],
                )
            )
        )
    stdout.print(table)


def model_table(manifests: Sequence[ModelManifest], *, default: str | None) -> None:
    table = Table(title="Models in the vault")
    for column in ("name", "level", "architecture", "quantisation", "size", "sha256", "catalogued"):
        table.add_column(column)
    for manifest in manifests:
        name = manifest.name + (" (default)" if manifest.name == default else "")
        name += f" ({manifest.kind})" if manifest.kind != "chat" else ""
        table.add_row(
            name,
            manifest.level,
            manifest.architecture,
            manifest.quantisation,
            f"{manifest.size / 1e6:.1f} MB",
            manifest.sha256[:16] + "…",
            "yes" if manifest.catalogued else "no",
        )
    stdout.print(table)


def doctor_report(report: dict[str, Any]) -> None:
    table = Table(title="milai doctor", show_header=False)
    table.add_column("check")
    table.add_column("result")
    for key, value in report.items():
        if isinstance(value, dict):
            ok = value.get("ok", True)
            details = ", ".join(f"{k}={v}" for k, v in value.items() if k != "ok")
            result = Text("ok " if ok else "problem ", style="green" if ok else "red")
            table.add_row(key, result + Text(details))
        else:
            table.add_row(key, str(value))
    stdout.print(table)


def banner(text: str) -> Text:
    """A level banner, shown reversed; never read as markup."""
    return Text(f" {text} ", style="reverse bold")


def highlighted(text: str, spans: Sequence[tuple[int, int, str]]) -> Text:
    """``text`` with each (start, end, style) span highlighted."""
    rich_text = Text(text)
    for start, end, style in spans:
        rich_text.stylize(style, start, end)
    return rich_text


def audit_table(entries: Sequence[Any]) -> None:
    table = Table(title="Audit log")
    for column in ("seq", "time", "command", "decision", "levels", "model", "rules"):
        table.add_column(column)
    for entry in entries:
        event = entry.event
        levels = event.get("levels") or {}
        model = (event.get("model") or {}).get("name", "")
        table.add_row(
            str(entry.seq),
            entry.time,
            str(event.get("command", "")),
            str(event.get("decision", "")),
            " → ".join(str(level) for level in levels.values()),
            str(model),
            ", ".join(event.get("rules") or []),
        )
    stdout.print(table)


_ACTION_STYLES = {
    "allow": "bold cyan",
    "warn": "bold yellow",
    "redact": "bold magenta",
    "block": "bold white on red",
}


def explain_decision(text: str, decision: Any, part_of: Callable[[int], str] | None = None) -> None:
    """The text with each finding highlighted, then a table of why (with the document part
    of each finding when ``part_of`` says which part holds an offset)."""
    spans = [(f.start, f.end, _ACTION_STYLES.get(str(f.action), "bold")) for f in decision.findings]
    stdout.print(highlighted(text, spans))
    table = Table(
        title=Text(f"{decision.action} — level {decision.level} — policy {decision.policy.name}")
    )
    columns = ("rule", "kind", "level", "action", "part", "span", "text")
    for column in columns if part_of else (c for c in columns if c != "part"):
        table.add_column(column)
    for finding in decision.findings:
        cells = [finding.rule, finding.kind, finding.level, str(finding.action)]
        if part_of:
            cells.append(part_of(finding.start))
        table.add_row(
            *cells,
            f"{finding.start}:{finding.end}",
            Text(text[finding.start : finding.end][:60]),
        )
    stdout.print(table)


def policy_tables(view: dict[str, Any]) -> None:
    """The effective policy: its scale with the markings at each level, then its rules."""
    stdout.print(f"{view['name']} {view['version']}  sha256 {view['sha256']}", markup=False)
    if view["description"]:
        stdout.print(view["description"].strip(), markup=False)
    scale = Table(title="Scale and markings (lowest first)")
    scale.add_column("level")
    scale.add_column("markings")
    labels = view.get("sensitivity_labels", [])
    if labels:
        scale.add_column("sensitivity labels (labels.sensitivity)")
    for level in view["scale"]:
        texts = sorted({m["text"] for m in view["markings"][level]})
        row = [Text(level), Text(", ".join(texts))]
        if labels:
            mapped = [f"{x['by']} {x['value']}" for x in labels if x["level"] == level]
            row.append(Text(", ".join(mapped)))
        scale.add_row(*row)
    stdout.print(scale)
    rules = Table(title="Rules")
    for column in ("rule", "action", "on", "matches", "description"):
        rules.add_column(column)
    for rule in view["rules"]:
        matches = rule["detector"] or rule["kind"] or rule["level"] or ""
        cells = (
            rule["id"],
            rule["action"],
            "/".join(rule["directions"]),
            matches,
            rule["description"],
        )
        rules.add_row(*(Text(str(cell)) for cell in cells))
    stdout.print(rules)
    stdout.print(f"{view['tests']} embedded tests; record_text: {view['record_text']}")
