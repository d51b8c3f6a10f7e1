"""``milai docs add|list|show|remove``: the encrypted corpus that ``milai ask`` answers from.

Adding is an administrator's act (audited): each document is kept at the higher of the
level declared and the level the gate finds in it, and refused above the ceiling. Listing,
showing and removing see only the documents at or below the clearance (``--clearance``,
else the configured default): the others are as if they were not there.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from milai.cli._app import app, emit_json, open_context, say
from milai.errors import Blocked, UsageError
from milai.files import shown_name
from milai.settings import resolve_clearance

if TYPE_CHECKING:
    from milai.context import Context, LoadedEmbedder
    from milai.corpus import Added, DocumentEntry, PreparedDocument
    from milai.policy import Policy

docs_app = typer.Typer(
    help="Add, list, show and remove the documents `milai ask` answers from.",
    no_args_is_help=True,
)
app.add_typer(docs_app, name="docs")

FLUSH_DOCUMENTS = 64  # documents per vault change while adding
FLUSH_PASSAGES = 5000  # or passages, whichever comes first

Clearance = Annotated[
    str | None,
    typer.Option("--clearance", help="Your clearance: documents above it are not shown."),
]
CollectionOption = Annotated[
    str | None, typer.Option("--collection", "-c", help="Only this collection.")
]
DocumentId = Annotated[str, typer.Argument(metavar="ID", help="The document's id.")]


@dataclass(frozen=True)
class _Input:
    """A file named on the command line or found in a folder: its bytes, or why not.
    ``name`` is text (``shown_name``): the corpus keeps it, ``ask`` cites it."""

    name: str
    data: bytes | None = None
    error: str | None = None


def _inputs(paths: list[Path]) -> Iterator[_Input]:
    from milai.documents import Limits, walk_folder

    limit = Limits().max_input_bytes
    for path in paths:
        if path.is_dir():
            for found in walk_folder(path):
                name = shown_name(f"{path.name or path}/{found.path}")
                yield _Input(name, found.data, None if found.data is not None else found.error)
            continue
        try:
            with path.open("rb") as handle:
                data = handle.read(limit + 1)
        except OSError as error:
            yield _Input(shown_name(path), error=f"cannot read: {error.strerror}")
            continue
        if len(data) > limit:
            yield _Input(shown_name(path), error=f"larger than {limit} bytes")
        else:
            yield _Input(shown_name(path.name), data)


@dataclass
class _Adding:
    """What one ``docs add`` did so far."""

    collection: str
    declared: str
    pending: list[PreparedDocument] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    # their levels, or "unread" (nested documents not read) (no names: audit)
    refused: list[str] = field(default_factory=list)
    skipped: int = 0
    embedder: LoadedEmbedder | None = None
    embedded: int = 0
    not_embedded: int = 0  # above the embedding model's accreditation

    def count(self, status: str) -> None:
        self.counts[status] = self.counts.get(status, 0) + 1


@docs_app.command("add")
def docs_add(
    paths: Annotated[list[Path], typer.Argument(help="Files and folders to add.")],
    level: Annotated[
        str, typer.Option("--level", help="The documents' level (raised by their markings).")
    ],
    collection: Annotated[
        str, typer.Option("--collection", "-c", help="Collection to add to.")
    ] = "default",
) -> None:
    """Read documents into the encrypted corpus (an administrator's act, audited).

    Every format `milai check` reads; a folder is read whole (symbolic links are reported,
    never followed). A file that cannot be read is reported and the rest still added. Each
    document's level is the higher of --level and what the gate finds in it; one above the
    ceiling is refused. The same content twice is one document. Exit 3 when a document was
    refused, 2 when one could not be read.
    """
    from milai.corpus import check_collection

    context = open_context()
    policy = context.policy()
    declared = policy.canonical_level(level)
    ceiling = context.settings.ceiling or policy.highest
    if policy.above(declared, ceiling):
        raise UsageError(f"--level {declared} is above the ceiling {ceiling}")
    check_collection(collection)
    context.corpus  # noqa: B018  (the vault opens, or fails, before any file is read)
    inputs = list(_inputs(paths))
    state = _Adding(collection, declared)
    from milai.cli.render import count_progress

    with (
        context.embedder() as state.embedder,
        count_progress("adding", len(inputs), enabled=sys.stderr.isatty()) as advance,
    ):
        for item in inputs:
            _add_one(context, policy, ceiling, state, item)
            advance(item.name)
            passages = sum(len(document.passages) for document in state.pending)
            if len(state.pending) >= FLUSH_DOCUMENTS or passages >= FLUSH_PASSAGES:
                _flush(context, policy, state)
        _flush(context, policy, state, final=True)
    summary = ", ".join(f"{count} {status}" for status, count in sorted(state.counts.items()))
    say(f"milai: collection {collection}: {summary or 'nothing added'}")
    if state.embedder is not None:
        above = f", {state.not_embedded} above its level" if state.not_embedded else ""
        say(f"milai: vectors for {state.embedded} document(s) ({state.embedder.name}{above})")
    if state.refused:
        why = sorted(
            {
                "documents nested in it too deep to read"
                if level == "unread"
                else f"above the ceiling {ceiling}"
                for level in state.refused
            }
        )
        raise Blocked(f"{len(state.refused)} document(s) refused: {' or '.join(why)}")
    if state.skipped:
        raise UsageError(f"{state.skipped} file(s) could not be read")


def _add_one(context: Context, policy: Policy, ceiling: str, state: _Adding, item: _Input) -> None:
    from milai.corpus import prepare_document
    from milai.documents import DocumentError, read_document

    if item.data is None:
        say(f"milai: skipped {item.name}: {item.error}")
        state.skipped += 1
        state.count("skipped")
        return
    try:
        document = read_document(item.data, item.name)
    except DocumentError as error:
        say(f"milai: skipped {error.message}")
        state.skipped += 1
        state.count("skipped")
        return
    if document.unread:  # what a document nested too deep holds is unknown: not added
        say(f"milai: refused {item.name}: not read: {'; '.join(document.unread)}")
        state.refused.append("unread")
        state.count("refused")
        return
    prepared = prepare_document(policy, item.data, item.name, state.declared, document)
    if policy.above(prepared.level, ceiling):
        say(f"milai: refused {item.name}: it is {prepared.level}, above the ceiling {ceiling}")
        state.refused.append(prepared.level)
        state.count("refused")
        return
    if prepared.raised:
        found = ", ".join(f"{r['rule']} in its {r['part']}" for r in prepared.raised_by)
        say(
            f"milai: {item.name}: declared {prepared.declared}, raised to {prepared.level} "
            f"(the gate found {found or 'that level in it'})"
        )
    if not prepared.passages:
        say(f"milai: skipped {item.name}: no text")
        state.skipped += 1
        state.count("skipped")
        return
    state.pending.append(prepared)


def _flush(context: Context, policy: Policy, state: _Adding, *, final: bool = False) -> None:
    """Add what is pending in one vault change, recorded ahead (``Context.act``), then give
    the added documents vectors in another. Interrupted while embedding (Ctrl-C is honoured
    between groups of passages), the documents stay added without vectors, as if added
    before the vault had an embedding model (``docs embed`` gives them theirs), and the
    act's outcome, "interrupted", lists them."""
    if not state.pending and not (final and (state.refused or state.skipped)):
        return
    with context.act(
        "docs.add",
        collection=state.collection,
        declared=state.declared,
        pending=len(state.pending),
    ) as done:
        results: list[Added] = []
        if state.pending:
            results = context.corpus.add(state.collection, state.pending, policy)
        done.update(
            documents=[
                {
                    "id": result.entry.id,
                    "status": result.status,
                    "level": result.entry.level,
                    "found": prepared.found,
                    "passages": result.entry.passages,
                }
                for prepared, result in zip(state.pending, results, strict=True)
            ],
            **(
                {"refused_levels": list(state.refused), "unreadable": state.skipped}
                if final
                else {}
            ),
        )
        if state.embedder is not None:
            added = [
                (result.entry, [passage.text for passage in prepared.passages])
                for prepared, result in zip(state.pending, results, strict=True)
                if result.status == "added"
            ]
            given, above = _embed(context, policy, state.embedder, state.collection, added)
            state.embedded += given
            state.not_embedded += above
    for prepared, result in zip(state.pending, results, strict=True):
        state.count(result.status)
        entry = result.entry
        if result.status == "added":
            passages = f"{entry.passages} passage" + ("" if entry.passages == 1 else "s")
            say(f"milai: added {entry.id} {prepared.name} ({entry.level}, {passages})")
        elif result.status == "raised":
            say(f"milai: {prepared.name} was already here as {entry.id}: now {entry.level}")
        else:
            say(f"milai: {prepared.name} is already here as {entry.id} ({entry.level})")
    state.pending = []


def _embed(
    context: Context,
    policy: Policy,
    embedder: LoadedEmbedder,
    collection: str,
    documents: list[tuple[DocumentEntry, list[str]]],
) -> tuple[int, int]:
    """Give ``documents`` (entry, passage texts) vectors by ``embedder``, in one vault
    change; those above its accreditation get none. Returns (given, above)."""
    from milai.corpus import as_matrix

    vectors = {}
    above = 0
    for entry, texts in documents:
        if policy.above(entry.level, embedder.level):
            above += 1
            continue
        rows = embedder.engine.embed(texts)
        vectors[entry.id] = as_matrix(rows, embedder.engine.dimensions)
    if not vectors:
        return 0, above
    done = context.corpus.put_vectors(
        collection, embedder.sha256, embedder.engine.dimensions, vectors
    )
    return done, above


@docs_app.command("embed")
def docs_embed(collection: CollectionOption = None) -> None:
    """Give vectors (for `milai ask`'s hybrid ranking) to the documents that have none, or
    have another model's (an administrator's act, audited). `docs add` gives vectors to
    what it adds once an embedding model is in the vault; this is for what came before."""
    collection = _only(collection)
    context = open_context()
    policy = context.policy()
    corpus = context.corpus
    counts: dict[str, int] = {}
    above = 0
    with context.embedder() as embedder:
        if embedder is None:
            raise UsageError(
                "the vault holds no embedding model",
                hint="import one: `milai model import FILE.gguf --name NAME --level LEVEL "
                "--embedding`",
            )
        model = {"name": embedder.name, "sha256": embedder.sha256}
        with context.act("docs.embed", model=model) as recorded:
            # filled as each group's vectors are written: an interrupted act lists them
            recorded.update(documents=counts, above_model=0)
            for name in [collection] if collection else corpus.collections():
                above += _embed_collection(context, policy, embedder, name, counts)
                recorded["above_model"] = above
    total = sum(counts.values())
    note = f"; {above} above its level, left without" if above else ""
    say(f"milai: vectors for {total} document(s) by {embedder.name}{note}")


def _embed_collection(
    context: Context, policy: Policy, embedder: LoadedEmbedder, name: str, given: dict[str, int]
) -> int:
    """Vectors for the documents of collection ``name`` that lack this model's, a vault
    change per ``FLUSH_DOCUMENTS``, each counted in ``given[name]`` once written. Returns
    how many were above the model's level."""
    from milai.cli.render import count_progress

    corpus = context.corpus
    vectors = corpus.vectors(name)
    usable = vectors if vectors is not None and vectors.model == embedder.sha256 else None
    missing = [
        entry
        for entry in corpus.index(name).documents
        if usable is None or usable.rows_of(entry.id) is None
    ]
    given[name] = above = 0
    with count_progress(f"embedding {name}", len(missing), enabled=sys.stderr.isatty()) as advance:
        for start in range(0, len(missing), FLUSH_DOCUMENTS):
            group = missing[start : start + FLUSH_DOCUMENTS]
            texts = [(entry, [p.text for p in corpus.passages(name, entry)]) for entry in group]
            done, high = _embed(context, policy, embedder, name, texts)
            given[name] += done
            above += high
            for entry in group:
                advance(entry.id)
    return above


def _only(collection: str | None) -> str | None:
    """The --collection of list/show/remove, refused (exit 2) as `docs add` refuses it."""
    from milai.corpus import check_collection

    return None if collection is None else check_collection(collection)


def _readable(context: Context, policy: Policy, clearance: str | None) -> Any:
    from milai.corpus import readable_at

    return readable_at(policy, resolve_clearance(policy, clearance, context.settings))


def _row(collection: str, entry: DocumentEntry) -> dict[str, Any]:
    row = entry.to_json()
    return {"id": row.pop("id"), "collection": collection, **row}


@docs_app.command("list")
def docs_list(
    collection: CollectionOption = None,
    clearance: Clearance = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the documents at or below your clearance."""
    collection = _only(collection)
    context = open_context()
    policy = context.policy()
    may_read = _readable(context, policy, clearance)
    rows = [_row(name, entry) for name, entry in context.corpus.entries(may_read, collection)]
    if json_output:
        emit_json(rows)
        return
    if not rows:
        say("milai: no documents at your clearance")
        return
    from milai.cli.render import documents_table

    documents_table(rows)


def _find(
    document_id: str, collection: str | None, clearance: str | None
) -> tuple[Context, str, Any]:
    """The open context, and the collection and entry of a document the caller may read.
    Raises ``UsageError`` for no such document at that clearance."""
    collection = _only(collection)
    context = open_context()
    readable = _readable(context, context.policy(), clearance)
    name, entry = context.corpus.find(document_id, readable, collection)
    return context, name, entry


@docs_app.command("show")
def docs_show(
    document_id: DocumentId,
    collection: CollectionOption = None,
    clearance: Clearance = None,
) -> None:
    """Show one document: its entry and where each passage lies (not its text)."""
    context, name, entry = _find(document_id, collection, clearance)
    passages = context.corpus.passages(name, entry)
    emit_json(
        {
            **_row(name, entry),
            "passage_list": [
                {
                    "id": f"{entry.id}:{number}",
                    "part": passage.part,
                    "page": passage.page,
                    "chars": len(passage.text),
                }
                for number, passage in enumerate(passages)
            ],
        }
    )


@docs_app.command("remove")
def docs_remove(
    document_id: DocumentId,
    collection: CollectionOption = None,
    clearance: Clearance = None,
) -> None:
    """Remove a document and its passages from the corpus (audited)."""
    context, name, entry = _find(document_id, collection, clearance)
    document = {"id": entry.id, "level": entry.level}
    with context.act("docs.remove", collection=name, document=document):
        context.corpus.remove(name, entry.id)
    say(f"milai: removed {entry.id} {entry.name} from collection {name}")
