"""Which texts ``milai check`` reads whole through a documents reader, and that reading.

One owner for the CLI (``read_material``) and the pipeline's output gate, so that the gate
reads a model's answer as ``check`` reads the same bytes saved to a file: an answer that
starts as HTML, e-mail, a calendar or subtitles (or as any other format ``sniff`` names) is
decided on its document text too, never lower than on its plain text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from milai.documents import Document
    from milai.policy.decision import Decision
    from milai.policy.policy import Policy

TEXT = "text"  # the kind that streams as plain UTF-8 text
# Kinds of text files read whole: their joined cues or unfolded lines are a reading of their own.
TEXT_READ_WHOLE = ("subtitles", "calendar")


def material_kind(head: bytes) -> str:
    """What ``check`` makes of a file that starts with ``head`` (its first ``HEAD_BYTES``
    bytes, or all of it): ``sniff``'s format, or for text ``subtitles`` or ``calendar``
    when it starts as one; ``text`` (streamed as plain text) otherwise."""
    from milai.documents import looks_like_calendar, looks_like_subtitles, sniff

    kind = sniff(head)
    if kind != TEXT:
        return kind
    start = head.decode("utf-8", "replace")
    if looks_like_subtitles(start):
        return "subtitles"
    if looks_like_calendar(start):
        return "calendar"
    return TEXT


class Unreadable(Exception):
    """``text`` reads as a document whose reader refuses it (malformed, over the limits):
    ``check`` would not read it (exit 2), so what only that reading shows is unknown."""


def document_text(text: str) -> str | None:
    """The text ``check`` gates for ``text``'s UTF-8 bytes when it reads them whole through
    a documents reader, within the decompression budget a check of ``text`` has; None when
    it streams them as plain text. Raises ``Unreadable`` when the reader refuses them, goes
    past that budget, or leaves a document nested too deep unread."""
    from milai.documents import HEAD_BYTES

    data = text.encode("utf-8", "replace")
    if material_kind(data[:HEAD_BYTES]) == TEXT:
        return None
    from milai import _budget
    from milai.documents import read_document

    # A check of ``text`` is given this budget (what its documents and their streams may
    # unpack in all): its reading as a document is given the same, not the reader's
    # limits alone (a zip or PDF of small bombs, each within them, fills the memory).
    budget = _budget.Budget()
    budget.allow(len(text))
    try:
        with _budget.budgeted(budget):
            document = read_document(data, "output")
    except Exception as error:  # any failure of a reader on model output: not read
        raise Unreadable(str(error)) from None
    if budget.refused:
        raise Unreadable("past the check's decompression budget")
    if document.unread:  # a document nested past the reader's depth: what it holds is unknown
        raise Unreadable(f"not read: {document.unread[0]}")
    return document.text


UNREAD_RULE = "unreadable-document"


def unread_blocks(policy: Policy, decision: Decision, document: Document | None) -> Decision:
    """``decision`` on ``document``'s text, blocked (rule ``unreadable-document``, at the
    start of the text) when the reader left documents inside it unread (nested past its
    depth): what they hold is unknown, as for a payload past a check's bounds."""
    if document is None or not document.unread:
        return decision
    from dataclasses import replace

    from milai.policy.decision import Action, Finding

    finding = Finding(
        UNREAD_RULE,
        UNREAD_RULE,
        policy.lowest,
        Action.BLOCK,
        0,
        0,
        "not read: " + "; ".join(document.unread),
    )
    return replace(decision, action=Action.BLOCK, findings=(*decision.findings, finding))
