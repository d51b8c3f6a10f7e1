"""Policy files: the schema, from the strict YAML loader's output into named tuples.

Every value keeps the line it came from (see ``milai.policy.loader``), so each error
names it: ``policy.yaml:12: unknown key 'acton'``. A policy that has any error is refused
whole (fail closed).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any, NamedTuple

from milai.policy.decision import Action
from milai.policy.labels import LABEL_KIND, label_match, name_problem
from milai.policy.loader import (
    Errors,
    Reader,
    YamlLoadError,
    YamlMap,
    YamlSeq,
    load_yaml,
    type_name,
)
from milai.policy.regexcheck import RegexFacts, analyse
from milai.policy.validators import VALIDATORS

MAX_POLICY_BYTES = 1 << 20
DIRECTIONS = ("prompt", "output")
RESERVED_KINDS = frozenset({"marking", "hidden-characters", "level", LABEL_KIND})
_ID_RE = re.compile(r"[a-z0-9][a-z0-9\-]{0,63}")


class MarkingSpec(NamedTuple):
    """A marking string (banner, header, subject tag) or a portion mark, at one level."""

    text: str
    level: str
    schemes: tuple[str, ...]
    portion: bool
    line: int


class DetectorSpec(NamedTuple):
    id: str
    kind: str
    level: str
    keywords: tuple[str, ...]
    pattern: str | None
    facts: RegexFacts | None
    validator: str | None
    anchor: str | None
    description: str
    line: int


class RuleSpec(NamedTuple):
    id: str
    action: Action
    directions: frozenset[str]
    detector: str | None
    kind: str | None
    level: str | None
    min_level: str | None
    description: str
    line: int


class SensitivityLabelSpec(NamedTuple):
    """An Office sensitivity label (by id or by name) mapped to a level: it is found by the
    detector ``detector`` and reported under the rule of the same id."""

    value: str
    by: str  # "id" or "name"
    level: str
    detector: str
    line: int


class TestSpec(NamedTuple):
    name: str
    text: str
    direction: str
    clearance: str | None
    expect_decision: Action
    expect_level: str
    line: int


class PolicySpec(NamedTuple):
    """A validated policy file, before its patterns are compiled."""

    name: str
    version: str
    description: str
    scale: tuple[str, ...]
    markings: tuple[MarkingSpec, ...]
    caveats: tuple[str, ...]
    header_labels: tuple[str, ...]
    subject_labels: tuple[str, ...]
    sensitivity_labels: tuple[SensitivityLabelSpec, ...]
    banners: dict[str, str]
    detectors: tuple[DetectorSpec, ...]
    rules: tuple[RuleSpec, ...]
    tests: tuple[TestSpec, ...]
    record_text: bool
    sha256: str


_TOP_KEYS = {
    "name",
    "version",
    "description",
    "scale",
    "markings",
    "portion_marks",
    "caveats",
    "labels",
    "banners",
    "detectors",
    "rules",
    "tests",
    "audit",
}


def parse_policy(data: bytes, source: str) -> tuple[PolicySpec | None, list[str]]:
    """Parse and validate policy bytes; return the spec, or None and every error."""
    errors = Errors(source)
    if len(data) > MAX_POLICY_BYTES:
        errors.add(0, f"policy is larger than {MAX_POLICY_BYTES} bytes")
        return None, errors.lines()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        errors.add(line, f"policy is not UTF-8 text ({exc.reason} at byte {exc.start})")
        return None, errors.lines()
    try:
        root = load_yaml(text)
    except YamlLoadError as exc:
        errors.add(exc.line, exc.message)
        return None, errors.lines()
    if root is None:
        errors.add(1, "policy is empty (an empty policy denies everything)")
        return None, errors.lines()
    spec = _Builder(errors, hashlib.sha256(data).hexdigest()).build(root)
    if errors.items:
        return None, errors.lines()
    return spec, []


class _Builder:
    def __init__(self, errors: Errors, sha256: str) -> None:
        self.errors = errors
        self.read = Reader(errors)
        self.sha256 = sha256
        self.levels: dict[str, str] = {}  # casefolded → canonical

    def level(self, value: Any, line: int, what: str) -> str | None:
        if not isinstance(value, str):
            self.errors.add(line, f"{what} must be a level name, not {type_name(value)}")
            return None
        canonical = self.levels.get(value.casefold())
        if canonical is None:
            if self.levels:
                known = ", ".join(self.levels.values())
                self.errors.add(line, f"unknown level {value!r} in {what} (the scale is {known})")
            return None
        return canonical

    def build(self, root: Any) -> PolicySpec | None:
        top = self.read.mapping(
            root, 1, "the policy", _TOP_KEYS, {"name", "version", "scale", "markings"}
        )
        if top is None:
            return None
        name = self.read.string(top, "name", "name") if "name" in top else None
        version = self.read.string(top, "version", "version") if "version" in top else None
        description = ""
        if "description" in top:
            description = self.read.string(top, "description", "description") or ""
        scale = self._scale(top)
        markings = self._markings(top)
        caveats = (
            tuple(s for s, _ in self.read.strings(top, "caveats", "caveats"))
            if "caveats" in top
            else ()
        )
        header_labels, subject_labels, label_entries = self._labels(top)
        banners = self._banners(top)
        detectors = self._detectors(top)
        sensitivity, label_detectors = self._label_detectors(top, label_entries, detectors)
        detectors = (*detectors, *label_detectors)
        rules = self._rules(top, detectors)
        rules = (*rules, *(_label_rule(label) for label in sensitivity))
        tests = self._tests(top)
        record_text = self._audit(top)
        if name is None or version is None or not scale:
            return None
        return PolicySpec(
            name=name,
            version=version,
            description=description.strip(),
            scale=scale,
            markings=markings,
            caveats=caveats,
            header_labels=header_labels,
            subject_labels=subject_labels,
            sensitivity_labels=sensitivity,
            banners=banners,
            detectors=detectors,
            rules=rules,
            tests=tests,
            record_text=record_text,
            sha256=self.sha256,
        )

    def _scale(self, top: YamlMap) -> tuple[str, ...]:
        if "scale" not in top:
            return ()
        items = self.read.strings(top, "scale", "scale")
        if not items and isinstance(top.get("scale"), YamlSeq):
            self.errors.add(top.key_lines["scale"], "scale must list at least one level")
        result: list[str] = []
        for value, line in items:
            if value.casefold() in self.levels:
                self.errors.add(line, f"level {value!r} appears twice in the scale")
                continue
            self.levels[value.casefold()] = value
            result.append(value)
        return tuple(result)

    def _level_lists(
        self, top: YamlMap, key: str, portion: bool
    ) -> list[tuple[str, str, str, int]]:
        """(scheme, level, text, line) for markings or portion marks."""
        section = self.read.mapping(top[key], top.key_lines[key], key, None)
        if section is None:
            return []
        if not section:
            self.errors.add(section.line, f"{key} must name at least one scheme")
        result = []
        for scheme, per_level in section.items():
            what = f"{key} scheme {scheme!r}"
            levels = self.read.mapping(per_level, section.key_lines[scheme], what, None)
            if levels is None:
                continue
            for level_name in levels:
                line = levels.key_lines[level_name]
                level = self.level(level_name, line, what)
                for text, text_line in self.read.strings(levels, level_name, f"{what} level"):
                    if level is None:
                        continue
                    if portion and not re.fullmatch(r"[A-Za-z]{1,8}", text):
                        self.errors.add(
                            text_line,
                            f"portion mark {text!r} must be 1 to 8 "
                            "letters, without brackets (e.g. TS)",
                        )
                        continue
                    if not portion and (len(text) > 80 or not any(c.isalpha() for c in text)):
                        self.errors.add(
                            text_line,
                            f"marking {text!r} must have letters and at most 80 characters",
                        )
                        continue
                    result.append((scheme, level, text, text_line))
        return result

    def _markings(self, top: YamlMap) -> tuple[MarkingSpec, ...]:
        found: list[tuple[str, str, str, int, bool]] = []
        if "markings" in top:
            found += [(*item, False) for item in self._level_lists(top, "markings", False)]
        if "portion_marks" in top:
            found += [(*item, True) for item in self._level_lists(top, "portion_marks", True)]
        merged: dict[tuple[str, bool], MarkingSpec] = {}
        from milai.policy.patterns import marking_key

        for scheme, level, text, line, portion in found:
            key = (marking_key(text), portion)
            previous = merged.get(key)
            if previous is None:
                merged[key] = MarkingSpec(text, level, (scheme,), portion, line)
            elif previous.level != level:
                self.errors.add(
                    line,
                    f"{text!r} ({scheme}) is {level} but {previous.text!r} "
                    f"({', '.join(previous.schemes)}, line {previous.line}) reads the same "
                    f"and is {previous.level}",
                )
            elif scheme not in previous.schemes:
                merged[key] = MarkingSpec(
                    previous.text, level, (*previous.schemes, scheme), portion, previous.line
                )
        return tuple(merged.values())

    def _labels(
        self, top: YamlMap
    ) -> tuple[tuple[str, ...], tuple[str, ...], list[tuple[str, str, int]]]:
        """``labels.header``, ``labels.subject``, and ``labels.sensitivity`` as (level,
        value, line) entries."""
        if "labels" not in top:
            return (), (), []
        labels = self.read.mapping(
            top["labels"], top.key_lines["labels"], "labels", {"header", "subject", "sensitivity"}
        )
        if labels is None:
            return (), (), []
        header = (
            tuple(s for s, _ in self.read.strings(labels, "header", "labels.header"))
            if "header" in labels
            else ()
        )
        subject = (
            tuple(s for s, _ in self.read.strings(labels, "subject", "labels.subject"))
            if "subject" in labels
            else ()
        )
        sensitivity: list[tuple[str, str, int]] = []
        if "sensitivity" in labels:
            what = "labels.sensitivity"
            section = self.read.mapping(
                labels["sensitivity"], labels.key_lines["sensitivity"], what, None
            )
            if section is not None:
                for level_name in section:
                    level = self.level(level_name, section.key_lines[level_name], what)
                    for value, line in self.read.strings(section, level_name, f"{what} level"):
                        problem = name_problem(value)
                        if problem is not None:
                            self.errors.add(line, f"{what}: label {value!r} {problem}")
                        elif level is not None:
                            sensitivity.append((level, value, line))
        return header, subject, sensitivity

    def _label_detectors(
        self,
        top: YamlMap,
        entries: list[tuple[str, str, int]],
        detectors: tuple[DetectorSpec, ...],
    ) -> tuple[tuple[SensitivityLabelSpec, ...], tuple[DetectorSpec, ...]]:
        """One detector per sensitivity label mapping, with an id no detector or rule of
        the policy has (``label-`` and the label's id or name)."""
        from milai.policy.patterns import slug

        rules = top.get("rules")
        taken = {d.id for d in detectors} | {
            str(rule.get("id"))
            for rule in (rules if isinstance(rules, list) else ())
            if isinstance(rule, dict)
        }
        first: dict[tuple[str, str], tuple[str, int]] = {}
        labels: list[SensitivityLabelSpec] = []
        found: list[DetectorSpec] = []
        for level, value, line in entries:
            match = label_match(value)
            key = (match.by, match.key if match.by == "id" else match.pattern)
            if key in first:
                other_level, other_line = first[key]
                self.errors.add(
                    line,
                    f"labels.sensitivity: label {value!r} is mapped twice ({other_level} at "
                    f"line {other_line}, {level} here)",
                )
                continue
            first[key] = (level, line)
            facts, problems = analyse(match.pattern)
            for problem in problems:
                self.errors.add(line, f"labels.sensitivity: label {value!r}: {problem}")
            if facts is None:
                continue
            base = ("label-" + slug(match.key))[:60].rstrip("-")
            detector_id = base
            suffix = 2
            while detector_id in taken:
                detector_id = f"{base}-{suffix}"
                suffix += 1
            taken.add(detector_id)
            labels.append(SensitivityLabelSpec(match.key, match.by, level, detector_id, line))
            found.append(
                DetectorSpec(
                    detector_id,
                    LABEL_KIND,
                    level,
                    (),
                    match.pattern,
                    facts,
                    None,
                    match.anchor,
                    f"Office sensitivity label {match.by} {match.key!r} is {level}",
                    line,
                )
            )
        return tuple(labels), tuple(found)

    def _banners(self, top: YamlMap) -> dict[str, str]:
        if "banners" not in top:
            return {}
        value = top["banners"]
        section = self.read.mapping(value, top.key_lines["banners"], "banners", None)
        result: dict[str, str] = {}
        if section is None:
            return result
        for level_name in section:
            level = self.level(level_name, section.key_lines[level_name], "banners")
            text = self.read.string(section, level_name, f"banner for {level_name!r}")
            if level is not None and text is not None:
                result[level] = text
        return result

    def _detectors(self, top: YamlMap) -> tuple[DetectorSpec, ...]:
        if "detectors" not in top:
            return ()
        value = top["detectors"]
        section = self.read.mapping(value, top.key_lines["detectors"], "detectors", None)
        if section is None:
            return ()
        result = []
        allowed = {"kind", "keywords", "pattern", "validator", "anchor", "level", "description"}
        for detector_id, body in section.items():
            line = section.key_lines[detector_id]
            what = f"detector {detector_id!r}"
            if not _ID_RE.fullmatch(detector_id):
                self.errors.add(line, f"{what}: ids are lower-case letters, digits and dashes")
            spec = self.read.mapping(body, line, what, allowed, {"kind"})
            if spec is None:
                continue
            built = self._detector(detector_id, spec, what)
            if built is not None:
                result.append(built)
        return tuple(result)

    def _detector(self, detector_id: str, spec: YamlMap, what: str) -> DetectorSpec | None:
        kind = self.read.string(spec, "kind", f"{what} kind") if "kind" in spec else None
        if kind is not None and (kind in RESERVED_KINDS or not _ID_RE.fullmatch(kind)):
            self.errors.add(
                spec.key_lines["kind"],
                f"{what}: kind {kind!r} is reserved or not lower-case letters, digits and dashes",
            )
            kind = None
        level = self.levels_lowest()
        if "level" in spec:
            level = self.level(spec["level"], spec.key_lines["level"], f"{what} level")
        description = ""
        if "description" in spec:
            description = self.read.string(spec, "description", f"{what} description") or ""
        has_keywords, has_pattern = "keywords" in spec, "pattern" in spec
        if has_keywords == has_pattern:
            self.errors.add(spec.line, f"{what} needs exactly one of 'keywords' or 'pattern'")
            return None
        keywords: tuple[str, ...] = ()
        pattern = validator = anchor = None
        facts: RegexFacts | None = None
        if has_keywords:
            keywords = tuple(s for s, _ in self.read.strings(spec, "keywords", f"{what} keywords"))
            for key in ("validator", "anchor"):
                if key in spec:
                    self.errors.add(spec.key_lines[key], f"{what}: {key!r} goes with 'pattern'")
            if not keywords and isinstance(spec.get("keywords"), YamlSeq):
                self.errors.add(spec.key_lines["keywords"], f"{what} lists no keywords")
        else:
            pattern = self.read.string(spec, "pattern", f"{what} pattern")
            if pattern is not None:
                facts, problems = analyse(pattern)
                for problem in problems:
                    self.errors.add(spec.key_lines["pattern"], f"{what} pattern: {problem}")
            if "validator" in spec:
                validator = self.read.choice(spec, "validator", what, set(VALIDATORS), "validator")
            if "anchor" in spec:
                anchor = self.read.string(spec, "anchor", f"{what} anchor")
                if (
                    anchor is not None
                    and facts is not None
                    and not any(anchor in literal for literal in facts.literals)
                ):
                    self.errors.add(
                        spec.key_lines["anchor"],
                        f"{what}: anchor {anchor!r} is not a literal that every match contains",
                    )
        if kind is None or level is None:
            return None
        return DetectorSpec(
            detector_id,
            kind,
            level,
            keywords,
            pattern,
            facts,
            validator,
            anchor,
            description.strip(),
            spec.line,
        )

    def levels_lowest(self) -> str | None:
        return next(iter(self.levels.values()), None)

    def _rules(self, top: YamlMap, detectors: tuple[DetectorSpec, ...]) -> tuple[RuleSpec, ...]:
        items = top.get("rules", YamlSeq())
        if not isinstance(items, YamlSeq):
            self.errors.add(top.key_lines["rules"], "rules must be a list")
            return ()
        by_id = {d.id: d for d in detectors}
        kinds = {d.kind for d in detectors} | {"marking", "hidden-characters"}
        result: list[RuleSpec] = []
        seen: dict[str, int] = {}
        for index, item in enumerate(items):
            line = items.item_lines[index]
            rule = self.read.mapping(
                item,
                line,
                f"rule {index + 1}",
                {"id", "action", "direction", "match", "description"},
                {"id", "action", "match"},
            )
            if rule is None:
                continue
            rule_id = self.read.string(rule, "id", "rule id") if "id" in rule else None
            what = f"rule {rule_id or index + 1!r}"
            if rule_id is not None:
                if not _ID_RE.fullmatch(rule_id):
                    self.errors.add(
                        rule.key_lines["id"],
                        f"{what}: ids are lower-case letters, digits and dashes",
                    )
                if rule_id in seen:
                    self.errors.add(
                        rule.key_lines["id"],
                        f"duplicate rule id {rule_id!r} (first at line {seen[rule_id]})",
                    )
                seen.setdefault(rule_id, rule.key_lines["id"])
            action = self._enum(rule, "action", Action, what)
            directions = frozenset(DIRECTIONS)
            if "direction" in rule:
                # "direction", not "on": YAML 1.1 reads a bare `on:` key as true.
                value = rule["direction"]
                if value in DIRECTIONS:
                    directions = frozenset({value})
                elif value != "both":
                    self.errors.add(
                        rule.key_lines["direction"],
                        f"{what}: direction must be prompt, output or both, not {value!r}",
                    )
            match = self.read.mapping(
                rule.get("match"),
                rule.key_lines.get("match", line),
                f"{what} match",
                {"detector", "kind", "level", "min_level"},
            )
            detector = kind = level = min_level = None
            if match is not None:
                if not match:
                    self.errors.add(
                        match.line, f"{what}: match needs detector, kind, level or min_level"
                    )
                if "detector" in match:
                    detector = self.read.choice(match, "detector", what, set(by_id), "detector")
                if "kind" in match:
                    kind = self.read.choice(match, "kind", what, kinds, "kind")
                if "level" in match:
                    level = self.level(match["level"], match.key_lines["level"], f"{what} level")
                if "min_level" in match:
                    min_level = self.level(
                        match["min_level"], match.key_lines["min_level"], f"{what} min_level"
                    )
            description = ""
            if "description" in rule:
                description = self.read.string(rule, "description", f"{what} description") or ""
            if rule_id is None or action is None:
                continue
            result.append(
                RuleSpec(
                    rule_id,
                    action,
                    directions,
                    detector,
                    kind,
                    level,
                    min_level,
                    description.strip(),
                    line,
                )
            )
        used = {r.detector for r in result} | {
            d.id for d in detectors if d.kind in {r.kind for r in result}
        }
        for detector_spec in detectors:
            if detector_spec.id not in used and detector_spec.kind != LABEL_KIND:
                self.errors.add(
                    detector_spec.line, f"detector {detector_spec.id!r} is used by no rule"
                )
        return tuple(result)

    def _enum(self, container: YamlMap, key: str, enum: type[Action], what: str) -> Action | None:
        if key not in container:
            return None
        value = container[key]
        try:
            return enum(value)
        except ValueError:
            known = ", ".join(member.value for member in enum)
            self.errors.add(
                container.key_lines[key], f"{what}: {key} must be one of {known}, not {value!r}"
            )
            return None

    def _tests(self, top: YamlMap) -> tuple[TestSpec, ...]:
        if "tests" not in top:
            return ()
        items = top["tests"]
        if not isinstance(items, YamlSeq):
            self.errors.add(top.key_lines["tests"], "tests must be a list")
            return ()
        result = []
        for index, item in enumerate(items):
            line = items.item_lines[index]
            test = self.read.mapping(
                item,
                line,
                f"test {index + 1}",
                {"name", "text", "direction", "clearance", "expect"},
                {"text", "expect"},
            )
            if test is None:
                continue
            name = f"test {index + 1}"
            if "name" in test:
                name = self.read.string(test, "name", "test name") or name
            what = f"test {name!r}"
            text = self.read.string(test, "text", f"{what} text") if "text" in test else None
            direction = "prompt"
            if "direction" in test:
                if test["direction"] in DIRECTIONS:
                    direction = test["direction"]
                else:
                    self.errors.add(
                        test.key_lines["direction"], f"{what}: direction must be prompt or output"
                    )
            clearance = None
            if "clearance" in test:
                clearance = self.level(
                    test["clearance"], test.key_lines["clearance"], f"{what} clearance"
                )
            expect = self.read.mapping(
                test.get("expect"),
                test.key_lines.get("expect", line),
                f"{what} expect",
                {"decision", "level"},
                {"decision", "level"},
            )
            decision = level = None
            if expect is not None:
                decision = self._enum(expect, "decision", Action, what)
                if "level" in expect:
                    level = self.level(
                        expect["level"], expect.key_lines["level"], f"{what} expected level"
                    )
            if text is None or decision is None or level is None:
                continue
            result.append(TestSpec(name, text, direction, clearance, decision, level, line))
        return tuple(result)

    def _audit(self, top: YamlMap) -> bool:
        if "audit" not in top:
            return False
        audit = self.read.mapping(top["audit"], top.key_lines["audit"], "audit", {"record_text"})
        if audit is None or "record_text" not in audit:
            return False
        value = audit["record_text"]
        if not isinstance(value, bool):
            self.errors.add(
                audit.key_lines["record_text"],
                f"audit.record_text must be true or false, not {type_name(value)}",
            )
            return False
        return value


def _label_rule(label: SensitivityLabelSpec) -> RuleSpec:
    """The rule a label mapping reports under, after the policy's own rules: the label
    sets the level (the scale decides, as for a marking)."""
    return RuleSpec(
        label.detector,
        Action.ALLOW,
        frozenset(DIRECTIONS),
        label.detector,
        None,
        None,
        None,
        f"labels.sensitivity: label {label.by} {label.value!r} is {label.level}",
        label.line,
    )


def read_policy_bytes(path: Path) -> tuple[bytes | None, list[str]]:
    """A policy file's bytes (one more than the limit at most, which ``parse_policy``
    refuses); an unreadable file is an error, never an exception."""
    try:
        with path.open("rb") as handle:
            return handle.read(MAX_POLICY_BYTES + 1), []
    except OSError as exc:
        return None, [f"{path}: cannot read the policy: {exc.strerror or exc}"]


def read_policy_file(path: Path) -> tuple[PolicySpec | None, list[str]]:
    """Read and validate a policy file; unreadable files are errors, never exceptions."""
    data, errors = read_policy_bytes(path)
    if data is None:
        return None, errors
    return parse_policy(data, str(path))
