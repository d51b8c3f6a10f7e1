"""The gate on the one path every prompt and output takes: levels flow, no read up, no
write down.

A prompt above ``min(clearance, model accreditation)`` never reaches the model. An output
is at least at its prompt's level, raised by any marking it contains; above the sink's
level (``out_level``, by default the clearance) it is withheld. Outputs are gated as they
stream: nothing is released that a later finding could still cover.
"""

from __future__ import annotations

from collections.abc import Callable

from milai.errors import Blocked, UsageError
from milai.policy.decision import Action, Decision, Finding
from milai.policy.policy import Policy, check_text
from milai.policy.stream import Releaser


def _level_finding(decision: Decision) -> Finding | None:
    """The finding that set the decision's level (the first at that level)."""
    at_level = [f for f in decision.findings if f.level == decision.level]
    markings = [f for f in at_level if f.kind == "marking"]
    return next(iter(markings or at_level), None)


def _first_block(decision: Decision) -> Finding | None:
    return next((f for f in decision.findings if f.action is Action.BLOCK), None)


class Gate:
    """Gates prompts and outputs for one clearance, one model and one sink.

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
        self.limit = min(self.clearance, self.model_level, key=policy.level_index)

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
        if policy.level_index(decision.level) > policy.level_index(self.limit):
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

    def open_output(self, prompt: Decision) -> OutputGate:
        """A streaming gate for the model's answer to ``prompt``.

        Raises ``Blocked`` at once when the prompt's level is already above the sink's
        level: the answer would inherit it, so none of it could be released.
        """
        policy = self.policy
        level = policy.canonical_level(prompt.level)
        if policy.level_index(level) > policy.level_index(self.out_level):
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
        return OutputGate(self, level)


class OutputGate:
    """Streams a model's output through the policy, holding back what is not yet safe."""

    def __init__(self, gate: Gate, prompt_level: str) -> None:
        self._gate = gate
        self._policy = gate.policy
        self._prompt_level = prompt_level
        self._releaser = Releaser(gate.policy, "output")
        self._failure: Blocked | None = None
        self._closed = False

    def feed(self, chunk: str) -> str:
        """Add model output; return the text that is safe to release now.

        Raises ``Blocked`` when a rule blocks or the output's level goes above the output
        level; after that, every call raises it again. Nothing of a blocked span is ever
        returned, whatever the chunking.
        """
        if self._failure is not None:
            raise self._failure
        if self._closed:
            raise UsageError("the output gate is closed")
        return self._guard(lambda: self._releaser.scan(chunk))

    def close(self) -> str:
        """End of output: return what remains. Raises ``Blocked`` as ``feed`` does."""
        if self._failure is not None:
            raise self._failure
        if self._closed:
            return ""
        self._closed = True
        return self._guard(self._releaser.scan_end)

    def _guard(self, scan: Callable[[], None]) -> str:
        """Scan, judge the new findings, and only then release (a block releases nothing)."""
        try:
            scan()
        except Blocked as blocked:
            self._failure = blocked
            raise
        self._check()
        return self._releaser.release()

    def _check(self) -> None:
        """Raise for the first block or level violation among the new findings."""
        policy = self._policy
        limit = policy.level_index(self._gate.out_level)
        for finding in self._releaser.take_findings():
            if finding.action is Action.BLOCK:
                self._fail(
                    f"blocked by rule {finding.rule}: {finding.kind} in the output "
                    f"(characters {finding.start}-{finding.end})",
                    None,
                )
            if policy.level_index(finding.level) > limit:
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

    def _fail(self, message: str, extra: Finding | None) -> None:
        decision = self.decision
        if extra is not None:
            decision = Decision(
                Action.BLOCK, decision.level, (*decision.findings, extra), decision.policy
            )
        self._failure = Blocked(message, decision=decision)
        raise self._failure

    @property
    def decision(self) -> Decision:
        """The decision so far (final after ``close``): the output's level is at least
        the prompt's; findings carry offsets into the whole output."""
        policy = self._policy
        collected = self._releaser.collector.decision()
        level = max(collected.level, self._prompt_level, key=policy.level_index)
        action = collected.action
        if self._failure is not None:
            action = Action.BLOCK
        return Decision(action, level, collected.findings, collected.policy)


class PassThroughGate:
    """The same interface with no policy at all: the benchmark's baseline."""

    def __init__(
        self,
        policy: Policy,
        *,
        clearance: str = "",
        model_level: str = "",
        out_level: str | None = None,
    ) -> None:
        self.policy = policy

    def check_prompt(self, text: str) -> Decision:
        """Always allowed, at the policy's lowest level, with no findings."""
        return Decision(Action.ALLOW, self.policy.lowest, (), self.policy.info)

    def open_output(self, prompt: Decision) -> PassThroughOutputGate:
        return PassThroughOutputGate(self.policy)


class PassThroughOutputGate:
    """Releases every chunk unchanged."""

    def __init__(self, policy: Policy) -> None:
        self._policy = policy

    def feed(self, chunk: str) -> str:
        return chunk

    def close(self) -> str:
        return ""

    @property
    def decision(self) -> Decision:
        return Decision(Action.ALLOW, self._policy.lowest, (), self._policy.info)
