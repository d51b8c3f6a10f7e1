"""A loaded policy, and the checks that run it: whole texts, streams, redaction, its tests."""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from milai._lazyre import lazy_compile
from milai.errors import PolicyError, UsageError
from milai.policy.decision import Action, Decision, Finding, PolicyInfo, TestResult
from milai.policy.detect import (
    CompiledPolicy,
    GuardedPattern,
    Hit,
    KeywordUnit,
    Scanner,
    ScreenedPattern,
)
from milai.policy.patterns import (
    DEFAULT_HEADER_LABELS,
    DEFAULT_SUBJECT_LABELS,
    REVIEW_WORDS,
    Rot13Spelling,
    banner_prefilter_regex,
    context_regex,
    keyword_regex,
    lenient_width,
    marking_key,
    marking_squeeze,
    marking_variants,
    multiline_regex,
    portion_context_regex,
    portion_screen_regex,
    rot13,
    slug,
    squeeze,
    words,
)
from milai.policy.regexcheck import max_width
from milai.policy.schema import (
    MarkingSpec,
    PolicySpec,
    RuleSpec,
    parse_policy,
    read_policy_bytes,
    read_policy_file,
)

Direction = Literal["prompt", "output"]
MAX_FINDINGS = 10_000  # kept per decision; beyond it, only findings that raise the verdict


class Policy:
    """A validated, compiled classification policy. Build it with ``load_policy``."""

    def __init__(self, spec: PolicySpec, engine: CompiledPolicy, source: str = "policy") -> None:
        self.spec = spec
        self.source = source  # the file it was read from, for error messages
        self.engine = engine
        self.name = spec.name
        self.version = spec.version
        self.sha256 = spec.sha256
        self.description = spec.description
        self.info = PolicyInfo(spec.name, spec.version, spec.sha256)
        self.levels: tuple[str, ...] = spec.scale
        self.lowest: str = spec.scale[0]
        self.highest: str = spec.scale[-1]
        self.record_text: bool = spec.record_text
        self._index = {level: i for i, level in enumerate(spec.scale)}
        self._folded = {level.casefold(): level for level in spec.scale}
        self._rules: tuple[RuleSpec, ...] = spec.rules
        self._banners_checked = False

    def __repr__(self) -> str:
        return f"<Policy {self.name} {self.version} sha256={self.sha256[:12]}>"

    def canonical_level(self, level: str) -> str:
        """The scale's spelling of ``level`` (case-insensitive).

        Raises ``UsageError`` for a level that is not on the scale.
        """
        found = self._folded.get(str(level).casefold())
        if found is None:
            raise UsageError(
                f"unknown level {level!r}: the policy {self.name} has {', '.join(self.levels)}"
            )
        return found

    def level_index(self, level: str) -> int:
        """Position of ``level`` on the scale, 0 for the lowest. Raises ``UsageError``."""
        return self._index[self.canonical_level(level)]

    # The one place levels are compared: no read up and no write down are decided here.

    def above(self, level: str, limit: str) -> bool:
        """Whether ``level`` is strictly above ``limit``. Raises ``UsageError``."""
        return self.level_index(level) > self.level_index(limit)

    def higher(self, *levels: str) -> str:
        """The highest of ``levels`` (the high-water mark). Raises ``UsageError``."""
        return max(levels, key=self.level_index)

    def lower(self, *levels: str) -> str:
        """The lowest of ``levels`` (e.g. min(clearance, accreditation)). Raises ``UsageError``."""
        return min(levels, key=self.level_index)

    def banner(self, level: str) -> str:
        """The banner line printed above and below text at ``level`` (``--label``).

        Raises ``UsageError`` for an unknown level, ``PolicyError`` (exit 2) when one of
        the policy's banners does not read as its own level (``check_banners``).
        """
        canonical = self.canonical_level(level)
        self.check_banners()
        return self._banner_text(canonical)

    def check_banners(self) -> None:
        """Check (once) that each of the policy's banners reads as its own level.

        Raises ``PolicyError`` (exit 2) naming each banner that does not. ``load_policy``
        leaves it to the first banner printed and to installing the policy: it needs the
        whole marking-context pattern, which most commands never compile.
        """
        if self._banners_checked:
            return
        errors = banner_errors(self, self.source)
        if errors:
            raise _policy_error(Path(self.source), errors)
        self._banners_checked = True

    def _banner_text(self, canonical: str) -> str:
        return self.spec.banners.get(canonical, canonical)

    def resolve(self, hit: Hit, direction: str) -> Finding | None:
        """What the rules make of a raw hit in one direction (None: not reported)."""
        if hit.source == "limit":
            # Text the scanner could not read within its bounds: it blocks, whatever the
            # rules say (an unread payload may hold anything).
            return Finding(
                hit.key, hit.kind, hit.level, Action.BLOCK, hit.start, hit.end, hit.detail
            )
        for rule in self._rules:
            if direction not in rule.directions:
                continue
            if rule.detector is not None and (hit.source != "detector" or hit.key != rule.detector):
                continue
            if rule.kind is not None and hit.kind != rule.kind:
                continue
            if rule.level is not None and hit.level != rule.level:
                continue
            if rule.min_level is not None and self.above(rule.min_level, hit.level):
                continue
            rule_id = rule.id
            if hit.source == "marking" and rule.action is Action.ALLOW:
                rule_id = _marking_rule_id(hit.key)  # the scale decides: name the marking
            return Finding(
                rule_id, hit.kind, hit.level, rule.action, hit.start, hit.end, hit.detail
            )
        if hit.source == "marking":
            return Finding(
                _marking_rule_id(hit.key),
                hit.kind,
                hit.level,
                Action.ALLOW,
                hit.start,
                hit.end,
                hit.detail,
            )
        if hit.source == "hidden":
            return Finding(
                "hidden-characters",
                hit.kind,
                hit.level,
                Action.WARN,
                hit.start,
                hit.end,
                hit.detail,
            )
        return None  # a detector with no rule for this direction


def _marking_rule_id(key: str) -> str:
    if key.startswith("("):
        return "marking-portion-" + slug(key.strip("()"))
    return "marking-" + slug(key)


class Collector:
    """Turns hits into findings for one direction and keeps the verdict so far."""

    def __init__(self, policy: Policy, direction: str) -> None:
        self.policy = policy
        self.direction = direction
        self.findings: list[Finding] = []
        self.action = Action.ALLOW
        self.level_index = 0
        self.top: Finding | None = None  # the finding that set the level

    def add(self, hit: Hit) -> Finding | None:
        finding = self.policy.resolve(hit, self.direction)
        if finding is None:
            return None
        index = self.policy.level_index(finding.level)
        raises = (
            index > self.level_index
            or finding.action.severity > self.action.severity
            or (self.top is None and index == self.level_index and index > 0)
        )
        if index > self.level_index or (self.top is None and index > 0):
            self.top = finding
        self.level_index = max(self.level_index, index)
        if finding.action.severity > self.action.severity:
            self.action = finding.action
        if len(self.findings) < MAX_FINDINGS or raises:
            self.findings.append(finding)
        return finding

    @property
    def level(self) -> str:
        return self.policy.levels[self.level_index]

    def decision(self, clearance: str | None = None) -> Decision:
        findings = sorted(self.findings, key=lambda f: (f.start, f.end, f.rule))
        action = self.action
        if clearance is not None:
            if self.policy.above(self.level, clearance):
                top = self.top
                start, end = (top.start, top.end) if top else (0, 0)
                findings.append(
                    Finding(
                        "level-above-clearance",
                        "level",
                        self.level,
                        Action.BLOCK,
                        start,
                        end,
                        f"text is {self.level}, above the clearance "
                        f"{self.policy.canonical_level(clearance)}",
                    )
                )
                action = Action.BLOCK
        return Decision(action, self.level, tuple(findings), self.policy.info)


def _scan_all(policy: Policy, chunks: Iterable[str], collector: Collector) -> None:
    scanner = Scanner(policy.engine)
    for chunk in chunks:
        scanner.feed(chunk)
        for hit in scanner.take_hits():
            collector.add(hit)
    scanner.close()
    for hit in scanner.take_hits():
        collector.add(hit)


def check_text(
    policy: Policy,
    text: str,
    *,
    direction: Direction = "prompt",
    clearance: str | None = None,
) -> Decision:
    """The policy's decision on ``text``; a block is a decision here, never an exception.

    With ``clearance``, a text above it is decided ``block`` with a finding
    ``level-above-clearance``. Raises ``UsageError`` for an unknown clearance or direction.
    """
    return check_stream(policy, (text,), direction=direction, clearance=clearance)


def check_stream(
    policy: Policy,
    chunks: Iterable[str],
    *,
    direction: Direction = "prompt",
    clearance: str | None = None,
) -> Decision:
    """Like ``check_text`` on the concatenation of ``chunks``, in memory flat in its size.

    Raises ``UsageError`` for an unknown clearance or direction.
    """
    if direction not in ("prompt", "output"):
        raise UsageError(f"unknown direction {direction!r}: expected prompt or output")
    if clearance is not None:
        policy.canonical_level(clearance)
    collector = Collector(policy, direction)
    _scan_all(policy, chunks, collector)
    return collector.decision(clearance)


def run_policy_tests(policy: Policy) -> list[TestResult]:
    """Run the tests embedded in the policy file, in order."""
    results = []
    for test in policy.spec.tests:
        direction: Direction = "output" if test.direction == "output" else "prompt"
        got = check_text(policy, test.text, direction=direction, clearance=test.clearance)
        results.append(
            TestResult(
                test.name,
                test.text,
                test.direction,
                test.expect_decision,
                test.expect_level,
                got.action,
                got.level,
            )
        )
    return results


# --- loading ----------------------------------------------------------------------------

_CACHE: dict[str, Policy] = {}
_CACHE_LOCK = threading.Lock()


def validate_policy(path: Path) -> list[str]:
    """Every error in the policy file, one ``file:line: message`` each (empty: valid)."""
    spec, errors = read_policy_file(Path(path))
    if spec is None:
        return errors
    _, compile_errors = _compile(spec, str(path), check_banners=True)
    return compile_errors


def load_policy(path: Path) -> Policy:
    """Load, validate and compile a policy file.

    Raises ``PolicyError`` (exit 2) naming every error, one per line with its YAML line,
    when the file is unreadable, empty or invalid: nothing runs with a bad policy.
    Compiled policies are cached in the process by the sha256 of the file's bytes, looked
    up before the bytes are parsed (the same bytes always give the same policy). That
    the policy's own banners read as their levels is checked by ``Policy.check_banners``
    (``validate_policy`` checks it too).
    """
    data, errors = read_policy_bytes(Path(path))
    if data is None:
        raise _policy_error(path, errors)
    with _CACHE_LOCK:
        cached = _CACHE.get(hashlib.sha256(data).hexdigest())
    if cached is not None:
        return cached
    spec, errors = parse_policy(data, str(path))
    if spec is None:
        raise _policy_error(path, errors)
    policy, errors = _compile(spec, str(path), check_banners=False)
    if policy is None:
        raise _policy_error(path, errors)
    with _CACHE_LOCK:
        _CACHE[spec.sha256] = policy
    return policy


def _policy_error(path: Path, errors: list[str]) -> PolicyError:
    count = f"{len(errors)} error{'s' if len(errors) != 1 else ''}"
    return PolicyError(
        "\n".join(errors) or f"{path}: invalid policy",
        hint=f"the policy has {count}; milai refuses to run without a valid policy "
        f"(check it with `milai policy validate {path}`)",
    )


def _variant_texts(markings: Iterable[MarkingSpec]) -> list[str]:
    return [v for m in markings if not m.portion for v in marking_variants(m.text)]


_PREFILTER_LETTERS = 4


def _compile(
    spec: PolicySpec, source: str, *, check_banners: bool
) -> tuple[Policy | None, list[str]]:
    """Build the regular expressions; with ``check_banners``, check that the policy's own
    banners read right (``Policy.banner`` checks it otherwise, when first needed)."""
    errors: list[str] = []
    lowest = spec.scale[0]
    banner_markings = [m.text for m in spec.markings if not m.portion]
    portions = [m.text for m in spec.markings if m.portion]
    labels = [
        *DEFAULT_HEADER_LABELS,
        *spec.header_labels,
        *DEFAULT_SUBJECT_LABELS,
        *spec.subject_labels,
    ]
    # Header labels in rot13 (Pynffvsvpngvba:), for a text answered in rot13 as a whole.
    labels += [
        rot13(label)
        for label in [*DEFAULT_HEADER_LABELS, *spec.header_labels]
        if len(squeeze(label)) >= 5 and rot13(label) not in labels
    ]
    # Reversed and rot13 spellings of every banner marking match like the marking itself.
    variants: dict[str, MarkingSpec] = {}
    for marking in spec.markings:
        if not marking.portion:
            for variant in marking_variants(marking.text):
                variants.setdefault(marking_squeeze(variant), marking)
    # Rot13 spellings come first: each of their letters may also be the marking's own
    # (see ``Rot13Spelling``), so that a rot13 text whose last word mixes both is read
    # whole (GERF FRPERG HR), not as a shorter marking and then text.
    variant_texts = _variant_texts(spec.markings)
    # A marking with a rot13 spelling is left to it (its letters take the marking's own
    # too): listed twice, each of up to 16 glued markings was read two ways (a line of
    # "secret" 20 times took minutes).
    rotated = {v.original for v in variant_texts if isinstance(v, Rot13Spelling)}
    all_banners = [
        *(v for v in variant_texts if isinstance(v, Rot13Spelling)),
        *(m for m in banner_markings if " ".join(words(m)) not in rotated),
        *(v for v in variant_texts if not isinstance(v, Rot13Spelling)),
    ]
    caveats = spec.caveats
    # The marking-context patterns are a few hundred kilobytes (every marking and variant,
    # letter by letter, with every gap): compiling them took most of a short command's
    # time. They are compiled the first time the small prefilter finds a new line where a
    # banner could start; portion marks have a small pattern of their own.
    # Two stages: the first few letters of a marking (a few milliseconds to compile), then
    # whole markings (compiled when the first stage fires: "Secretary" passes it).
    prefilter = GuardedPattern(
        lambda: re.compile(banner_prefilter_regex(all_banners, labels, caveats=caveats)),
        re.compile(banner_prefilter_regex(all_banners, labels, letters=_PREFILTER_LETTERS)),
    )
    # The reach of the context pattern, measured on a stand-in of the same width for the
    # markings (parsing the real one twice costs milliseconds at every start); lookaheads
    # look at most a copyright notice further.
    widest = max((lenient_width(m) for m in all_banners), default=1)
    context_reach = (
        max_width(context_regex((), portions, spec.caveats, labels, marks=f"x{{{widest}}}")) + 64
    )
    # Portion marks: compiled once a text holds a slash or a mark in brackets (the
    # prefilter above is needed by every text; this one, by few short ones).
    portion_re = ScreenedPattern(
        lambda: re.compile(portion_context_regex(portions)),
        re.compile(portion_screen_regex(portions)),
    )
    context_re = GuardedPattern(
        lambda: re.compile(context_regex(all_banners, portions, caveats, labels)),
        prefilter,
        portion_re,
    )
    multiline_re = GuardedPattern(
        lambda: re.compile(multiline_regex(all_banners, labels)), prefilter
    )
    widest_split = max((lenient_width(m, multiline=True) for m in all_banners), default=1)
    multiline_reach = max_width(multiline_regex((), labels, marks=f"x{{{widest_split}}}")) + 64
    keyword_units: list[KeywordUnit] = []
    for detector in spec.detectors:
        if not detector.keywords:
            continue
        keys: dict[str, str] = {}
        for keyword in detector.keywords:
            if not words(keyword):
                errors.append(
                    f"{source}:{detector.line}: detector {detector.id!r}: keyword "
                    f"{keyword!r} has no letters or digits"
                )
                continue
            keys[marking_key(keyword)] = keyword
        source_re = keyword_regex(detector.keywords)
        keyword_units.append(
            KeywordUnit(
                detector,
                lazy_compile(source_re),
                max_width(source_re) + 2,
                keys,
            )
        )
    engine = CompiledPolicy(
        lowest=lowest,
        markings=spec.markings,
        context_re=context_re,
        context_reach=context_reach,
        # a reviewing pane's change (``[Inserted: SECRET]``) may lead a cell like a label
        label_keys=[squeeze(" ".join(words(label))) for label in (*labels, *REVIEW_WORDS)],
        detectors=spec.detectors,
        keyword_units=keyword_units,
        variants=variants,
        multiline_re=multiline_re,
        multiline_reach=multiline_reach,
        field_labels=[*DEFAULT_HEADER_LABELS, *spec.header_labels],
        subject_keys=[
            squeeze(" ".join(words(label)))
            for label in (*DEFAULT_SUBJECT_LABELS, *spec.subject_labels)
        ],
        rot13_keys=frozenset(
            marking_squeeze(variant)
            for marking in spec.markings
            if not marking.portion
            for variant in marking_variants(marking.text)
            if variant != " ".join(words(marking.text))[::-1]  # reversed only
        ),
    )
    policy = Policy(spec, engine, source)
    if check_banners:
        errors += banner_errors(policy, source)
    if errors:
        return None, errors
    return policy, []


def banner_errors(policy: Policy, source: str) -> list[str]:
    """One error for each of the policy's banners that does not read as its own level."""
    errors: list[str] = []
    for level in policy.levels:
        banner = policy._banner_text(level)
        got = check_text(policy, banner).level
        if got != level:
            errors.append(
                f"{source}: the banner {banner!r} for {level} reads as {got}; "
                "add it to the markings or fix banners"
            )
    return errors
