"""Hold-back release of streamed text: redactions applied, nothing released too early.

The releaser feeds text to a scanner and hands out only the text before the scanner's
release point, the first position where a future finding could still start. A span to
redact (or block) is written as ``[REDACTED:rule-id]`` once no future finding can overlap
it. Whole-text redaction is the same releaser with one chunk, so a stream is redacted
exactly like the whole text, whatever its chunking.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from milai.errors import Blocked
from milai.policy.decision import Action, Finding
from milai.policy.detect import Scanner
from milai.policy.policy import Collector, Direction, Policy

_HIDDEN_ACTIONS = (Action.REDACT, Action.BLOCK)


class _Span:
    """A merged stretch to redact; named after its earliest constituent."""

    __slots__ = ("end", "label", "label_start", "start")

    def __init__(self, start: int, end: int, label_start: int, label: str) -> None:
        self.start = start
        self.end = end
        self.label_start = label_start
        self.label = label


class Releaser:
    """Releases text as soon as no finding to come can touch it."""

    def __init__(self, policy: Policy, direction: Direction) -> None:
        self.policy = policy
        self.scanner = Scanner(policy.engine)
        # Nothing is released yet: the scanner keeps all of the text until it is (without a
        # claim, a first chunk over 64 KiB was trimmed before it was released, and lost).
        self.scanner.keep_orig_from = 0
        self.collector = Collector(policy, direction)
        self.cursor = 0  # original offset released so far
        self.spans: list[_Span] = []  # pending, sorted, disjoint, all at or after cursor
        self.new_findings: list[Finding] = []

    def push(self, chunk: str) -> str:
        """Scan ``chunk``; return what can be released now. Raises ``Blocked`` on a leak."""
        self.scan(chunk)
        return self.release()

    def finish(self) -> str:
        """End of text: return the rest. Raises ``Blocked`` on a leak."""
        self.scan_end()
        return self.release()

    def scan(self, chunk: str) -> None:
        """Scan ``chunk`` without releasing anything (a gate looks at findings first)."""
        self.scanner.feed(chunk)
        self._collect()

    def scan_end(self) -> None:
        self.scanner.close()
        self._collect()

    def release(self) -> str:
        """The text that no finding to come can touch, redactions applied."""
        return self._release(self.scanner.release_point())

    def take_findings(self) -> list[Finding]:
        found, self.new_findings = self.new_findings, []
        return found

    def _collect(self) -> None:
        for hit in self.scanner.take_hits():
            finding = self.collector.add(hit)
            if finding is None:
                continue
            self.new_findings.append(finding)
            if finding.start < self.cursor and (
                finding.action in _HIDDEN_ACTIONS or finding.level != self.policy.lowest
            ):
                # Cannot happen if the scanner's release point is right; if it ever does,
                # stop rather than pretend the stream was gated.
                raise Blocked(
                    f"internal error: finding {finding.rule} starts in text already released; "
                    "stream stopped",
                )
            if finding.action in _HIDDEN_ACTIONS:
                self._add_span(finding.start, finding.end, finding.rule)

    def _add_span(self, start: int, end: int, rule: str) -> None:
        merged = _Span(start, end, start, rule)
        kept: list[_Span] = []
        for span in self.spans:
            if span.start < merged.end and merged.start < span.end:
                if (span.label_start, span.label) < (merged.label_start, merged.label):
                    merged.label_start, merged.label = span.label_start, span.label
                merged.start = min(merged.start, span.start)
                merged.end = max(merged.end, span.end)
            else:
                kept.append(span)
        kept.append(merged)
        kept.sort(key=lambda s: s.start)
        self.spans = kept

    def _release(self, target: int) -> str:
        out: list[str] = []
        cursor = self.cursor
        while cursor < target:
            span = self.spans[0] if self.spans else None
            if span is not None and span.start <= cursor:
                if span.end > target:
                    break  # a finding to come could still extend this span
                out.append(f"[REDACTED:{span.label}]")
                cursor = span.end
                self.spans.pop(0)
                continue
            stop = target if span is None else min(target, span.start)
            out.append(self.scanner.released(cursor, stop))
            cursor = stop
        self.cursor = cursor
        self.scanner.keep_orig_from = cursor
        return "".join(out)


def redact_stream(
    policy: Policy, chunks: Iterable[str], *, direction: Direction = "output"
) -> Iterator[str]:
    """Yield the text of ``chunks`` with every redact and block span replaced by
    ``[REDACTED:rule-id]``, in memory flat in the input size.

    Rules apply as for ``direction`` (a document being written out: ``output``).
    Raises ``Blocked`` only if the redaction could not be guaranteed (an internal error).
    """
    releaser = Releaser(policy, direction)
    for chunk in chunks:
        released = releaser.push(chunk)
        if released:
            yield released
    rest = releaser.finish()
    if rest:
        yield rest


def redact_text(policy: Policy, text: str, *, direction: Direction = "output") -> str:
    """``text`` with every redact and block span replaced by ``[REDACTED:rule-id]``."""
    return "".join(redact_stream(policy, (text,), direction=direction))
