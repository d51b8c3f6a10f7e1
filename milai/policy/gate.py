"""The gate on the one path every prompt and output takes: levels flow, no read up, no
write down.

A prompt above ``min(clearance, model accreditation)`` never reaches the model. An output
is at least at its prompt's level, raised by any marking it contains; above the sink's
level (``out_level``, by default the clearance) it is withheld. Outputs are gated as they
stream: nothing is released that a later finding could still cover.

No late surprises: a footer banner or a late portion mark classifies the whole output, so
the output streams only while the sink is at or above both the model's accreditation and
the conversation's level. Otherwise it is held and decided on the whole text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NoReturn, Protocol

from milai.errors import Blocked, UsageError
from milai.policy.decision import Action, Decision, Finding
from milai.policy.policy import Policy, check_text
from milai.policy.stream import Releaser
from milai.policy.whole import TEXT, Unreadable, document_text, material_kind

# ``check`` sniffs a file's first bytes (``documents.HEAD_BYTES``: the same 8 KiB).
_SNIFF_BYTES = 8192
_SNIFF_EVERY = 256  # below this many bytes the start is sniffed at every chunk
_SNIFF_AT = re.compile(r"[\n>]")


def _level_finding(decision: Decision) -> Finding | None:
    """The finding that set the decision's level (the first at that level)."""
    at_level = [f for f in decision.findings if f.level == decision.level]
    markings = [f for f in at_level if f.kind == "marking"]
    return next(iter(markings or at_level), None)


def _first_block(decision: Decision) -> Finding | None:
    return next((f for f in decision.findings if f.action is Action.BLOCK), None)


class OutputGate(Protocol):
    """Gates one streamed output: ``feed`` chunks, ``close`` at the end, then ``decision``."""

    @property
    def held(self) -> bool:
        """Whether the output is held until the end (nothing released before ``close``)."""
        ...

    @property
    def reads_as(self) -> str | None:
        """The document format the output's start reads as (it is then held and decided
        as ``milai check`` reads it); None while it streams as plain text."""
        ...

    def feed(self, chunk: str) -> str:
        """Add output; return what may be released now. Raises ``Blocked``."""
        ...

    def close(self) -> str:
        """End of output; return what remains to release. Raises ``Blocked``."""
        ...

    @property
    def decision(self) -> Decision: ...


class Gate(Protocol):
    """Gates prompts and outputs for one clearance, one model and one sink."""

    def check_prompt(self, text: str) -> Decision:
        """The prompt's decision when the model may see it. Raises ``Blocked``."""
        ...

    def open_output(self, prompt: Decision, *, conversation_level: str | None = None) -> OutputGate:
        """A gate for the answer to ``prompt``. Raises ``Blocked`` when none of it could
        be released."""
        ...


class PolicyGate:
    """The policy's gate for one clearance, one model and one sink (a ``Gate``).

    Raises ``UsageError`` for a level that is not on the policy's scale.
    """

    def __init__(
        self,
        policy: Policy,
        *,
        clearance: str,
        model_level: str,
        out_level: str | None = None,
    ) -> None:
        self.policy = policy
        self.clearance = policy.canonical_level(clearance)
        self.model_level = policy.canonical_level(model_level)
        self.out_level = policy.canonical_level(out_level if out_level is not None else clearance)
        self.limit = policy.lower(self.clearance, self.model_level)

    def check_prompt(self, text: str) -> Decision:
        """The prompt's decision, when the model may see it.

        Raises ``Blocked`` (with the decision) when a rule blocks, or when the prompt's
        level is above ``min(clearance, model accreditation)``.
        """
        policy = self.policy
        decision = check_text(policy, text, direction="prompt")
        blocking = _first_block(decision)
        if blocking is not None:
            raise Blocked(
                f"blocked by rule {blocking.rule}: {blocking.kind} in the prompt "
                f"(characters {blocking.start}-{blocking.end})",
                decision=decision,
            )
        if policy.above(decision.level, self.limit):
            top = _level_finding(decision)
            rule = top.rule if top else "level-above-limit"
            start, end = (top.start, top.end) if top else (0, 0)
            refused = Decision(
                Action.BLOCK,
                decision.level,
                (
                    *decision.findings,
                    Finding(
                        "level-above-limit",
                        "level",
                        decision.level,
                        Action.BLOCK,
                        start,
                        end,
                        f"above {self.limit}",
                    ),
                ),
                decision.policy,
            )
            raise Blocked(
                f"blocked by rule {rule}: prompt is {decision.level}, above the limit "
                f"{self.limit} (min of clearance {self.clearance} and model accreditation "
                f"{self.model_level})",
                decision=refused,
            )
        return decision

    def holds_output(self, conversation_level: str) -> bool:
        """Whether outputs are held to the end: the sink is below the model's accreditation
        or the conversation's level, so a late marking could classify what came before."""
        policy = self.policy
        return policy.above(self.model_level, self.out_level) or policy.above(
            conversation_level, self.out_level
        )

    def open_output(
        self, prompt: Decision, *, conversation_level: str | None = None
    ) -> PolicyOutputGate:
        """A gate for the model's answer to ``prompt``, streaming or held (see
        ``holds_output``; ``conversation_level`` defaults to the prompt's level).

        Raises ``Blocked`` at once when the prompt's level is already above the sink's
        level: the answer would inherit it, so none of it could be released.
        """
        policy = self.policy
        level = policy.canonical_level(prompt.level)
        held = self.holds_output(conversation_level or level)
        if policy.above(level, self.out_level):
            refused = Decision(
                Action.BLOCK,
                level,
                (
                    Finding(
                        "level-above-out-level",
                        "level",
                        level,
                        Action.BLOCK,
                        0,
                        0,
                        f"the prompt is {level}",
                    ),
                ),
                policy.info,
            )
            raise Blocked(
                f"withheld by rule level-above-out-level: the output inherits the prompt's "
                f"level {level}, above the output level {self.out_level}",
                decision=refused,
            )
        return PolicyOutputGate(self, level, held=held)


class PolicyOutputGate:
    """Streams a model's output through the policy, holding back what is not yet safe; when
    ``held``, holds all of it until the whole text is decided (an ``OutputGate``)."""

    def __init__(self, gate: PolicyGate, prompt_level: str, *, held: bool = False) -> None:
        self._gate = gate
        self._policy = gate.policy
        self._prompt_level = prompt_level
        self._releaser = Releaser(gate.policy, "output")
        self._failure: Blocked | None = None
        self._closed = False
        self._held = held
        self._kept: list[str] = []
        # The output's start, sniffed as ``check`` sniffs a file's (``policy.whole``) until
        # its first bytes are all in; kept whole from there when it reads as a document.
        self._seen: list[str] = []
        self._head = bytearray()
        self._sniffing = True
        self._reads_as: str | None = None
        self._whole: Decision | None = None

    @property
    def held(self) -> bool:
        return self._held

    @property
    def reads_as(self) -> str | None:
        """The format the output's start reads as when ``check`` would read it whole
        through a documents reader (``html``, ``email``, ``calendar``, ``subtitles``…);
        from then on the output is held and decided on that reading too."""
        return self._reads_as

    def feed(self, chunk: str) -> str:
        """Add model output; return the text that is safe to release now.

        Raises ``Blocked`` when a rule blocks or the output's level goes above the output
        level; after that, every call raises it again. Nothing of a blocked span is ever
        returned, whatever the chunking; when held, nothing at all is returned before
        ``close``.
        """
        if self._failure is not None:
            raise self._failure
        if self._closed:
            raise UsageError("the output gate is closed")
        if self._sniffing or self._reads_as is not None:
            self._sniff(chunk)
        return self._guard(lambda: self._releaser.scan(chunk))

    def _sniff(self, chunk: str) -> None:
        """Keep ``chunk`` while the output's start is sniffed (or once it reads whole); hold
        the rest of the output as soon as its start reads as a document."""
        self._seen.append(chunk)
        if not self._sniffing:
            return
        head = self._head
        head += chunk.encode("utf-8", "replace")
        # What the sniffers read changes only with a line's end (headers, a subtitle's first
        # line, a PDF header on its line) or a tag's, near the start, or when the head is
        # complete: plain text pays a look per line, not per token.
        if len(head) < _SNIFF_EVERY or len(head) >= _SNIFF_BYTES or _SNIFF_AT.search(chunk):
            self._sniff_head(final=len(head) >= _SNIFF_BYTES)

    def _sniff_head(self, *, final: bool) -> None:
        head = bytes(self._head[:_SNIFF_BYTES])
        kind = material_kind(head)
        if kind == TEXT and not final:
            # a chunk may end inside a line, and some starts read as a document only at
            # a line's end (e-mail headers): the head up to its last line end, too
            line_end = head.rfind(b"\n") + 1
            if 0 < line_end < len(head):
                kind = material_kind(head[:line_end])
        if kind != TEXT:
            self._reads_as = kind
            self._held = True  # what is released from here on waits for the whole text
            self._sniffing = False
            self._head = bytearray()
        elif final:
            self._sniffing = False  # plain text: it streams, and pays nothing more
            self._seen = []
            self._head = bytearray()

    def close(self) -> str:
        """End of output: return what remains (when held, the whole text, decided on as a
        whole). Raises ``Blocked`` as ``feed`` does."""
        if self._failure is not None:
            raise self._failure
        if self._closed:
            return ""
        self._closed = True
        rest = self._guard(self._releaser.scan_end)
        streamed = not self._held
        if self._sniffing:  # the whole output is its head: sniffed as check sniffs a file
            self._sniff_head(final=True)
        if self._reads_as is not None:
            self._decide_whole()
        if streamed:
            return rest
        whole, self._kept = "".join(self._kept), []
        return whole

    def _guard(self, scan: Callable[[], None]) -> str:
        """Scan, judge the new findings, and only then release (a block releases nothing)."""
        try:
            scan()
        except Blocked as blocked:
            self._failure = blocked
            raise
        self._check()
        released = self._releaser.release()
        if self._held:
            self._kept.append(released)
            return ""
        return released

    def _check(self) -> None:
        """Raise for the first block or level violation among the new findings."""
        policy = self._policy
        for finding in self._releaser.take_findings():
            if finding.action is Action.BLOCK:
                self._fail(
                    f"blocked by rule {finding.rule}: {finding.kind} in the output "
                    f"(characters {finding.start}-{finding.end})",
                    None,
                )
            if policy.above(finding.level, self._gate.out_level):
                self._fail(
                    f"withheld by rule {finding.rule}: output is {finding.level}, above the "
                    f"output level {self._gate.out_level}",
                    Finding(
                        "level-above-out-level",
                        "level",
                        finding.level,
                        Action.BLOCK,
                        finding.start,
                        finding.end,
                        f"above {self._gate.out_level}",
                    ),
                )

    def _decide_whole(self) -> None:
        """Decide the whole output as ``check`` reads the same bytes: through the documents
        reader its start names; the higher of that and the text's decision stands. A reader
        that refuses the output blocks it: what only that reading shows is unknown."""
        whole, self._seen = "".join(self._seen), []
        kind = self._reads_as
        try:
            text = document_text(whole)
        except Unreadable:
            self._fail(
                f"blocked by rule unreadable-document: the output reads as {kind}, and the "
                f"{kind} reader does not open it",
                Finding(
                    "unreadable-document",
                    "unreadable-document",
                    self._policy.levels[0],
                    Action.BLOCK,
                    0,
                    0,
                    f"read as {kind}: it does not open",
                ),
            )
        if text is None:
            return
        reading = check_text(self._policy, text, direction="output")
        findings = tuple(
            Finding(
                f.rule,
                f.kind,
                f.level,
                f.action,
                0,
                0,
                f"read as {kind}: characters {f.start}-{f.end} of its text"
                + (f"; {f.detail}" if f.detail else ""),
            )
            for f in reading.findings
        )
        self._whole = Decision(reading.action, reading.level, findings, reading.policy)
        policy = self._policy
        blocking = _first_block(self._whole)
        if blocking is not None:
            self._fail(
                f"blocked by rule {blocking.rule}: {blocking.kind} in the output read as {kind}",
                None,
            )
        if policy.above(reading.level, self._gate.out_level):
            top = _level_finding(reading)
            rule = top.rule if top is not None else "level-above-out-level"
            self._fail(
                f"withheld by rule {rule}: output read as {kind} is {reading.level}, above "
                f"the output level {self._gate.out_level}",
                Finding(
                    "level-above-out-level",
                    "level",
                    reading.level,
                    Action.BLOCK,
                    0,
                    0,
                    f"read as {kind}: above {self._gate.out_level}",
                ),
            )

    def _fail(self, message: str, extra: Finding | None) -> NoReturn:
        decision = self.decision
        if extra is not None:
            decision = Decision(
                Action.BLOCK, decision.level, (*decision.findings, extra), decision.policy
            )
        self._kept.clear()
        self._failure = Blocked(message, decision=decision)
        raise self._failure

    @property
    def decision(self) -> Decision:
        """The decision so far (final after ``close``): the output's level is at least
        the prompt's; findings carry offsets into the whole output."""
        policy = self._policy
        collected = self._releaser.collector.decision()
        level = policy.higher(collected.level, self._prompt_level)
        action = collected.action
        findings = collected.findings
        whole = self._whole
        if whole is not None:  # the output read as a document: never lower than that
            level = policy.higher(level, whole.level)
            if whole.action.severity > action.severity:
                action = whole.action
            findings = (*findings, *whole.findings)
        if self._failure is not None:
            action = Action.BLOCK
        return Decision(action, level, findings, collected.policy)
