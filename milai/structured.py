"""Structured output: a JSON Schema the model's answer must match, and the output gate that
checks a JSON answer as JSON before anything of it is released.

Decoding is constrained by a grammar compiled from the schema (the engine's
``SamplingParams.json_schema``); the grammar covers a subset of JSON Schema, so the
finished answer is also validated with ``jsonschema`` before it is released. The policy
reads text where a person would: a marking inside a JSON string (``"SECRET//NOFORN"``, or
``"\\u0053ECRET"``) is a marking, so every decoded string is checked as a paragraph of its
own, with the same gate, levels and out-level as the raw answer.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema.exceptions
import jsonschema.validators

from milai.errors import Blocked, ModelError, UsageError
from milai.files import read_small_file
from milai.policy import (
    Action,
    Decision,
    Finding,
    Gate,
    Policy,
    PolicyGate,
    PolicyOutputGate,
    redact_text,
)

MAX_SCHEMA_BYTES = 1 << 20
# What ``{"type": "json_object"}`` asks for: any JSON object.
JSON_OBJECT_SCHEMA: dict[str, Any] = {"type": "object"}


class SchemaError(UsageError):
    """A schema that is not JSON, not a valid JSON Schema, or not usable (exit 2)."""


class SchemaMismatch(ModelError):
    """The model's answer is not JSON matching the schema (exit 5): nothing is released."""


@dataclass(frozen=True)
class OutputSchema:
    """A checked JSON Schema: ``text`` is what the engine compiles into a grammar."""

    schema: dict[str, Any]
    text: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def validate(self, answer: str) -> Any:
        """The decoded answer. Raises ``SchemaMismatch`` if it is not JSON matching the schema."""
        try:
            value = json.loads(answer)
        except json.JSONDecodeError as error:
            raise SchemaMismatch(f"the model's answer is not JSON ({error.msg})") from None
        validator_class = jsonschema.validators.validator_for(self.schema)
        mismatch = jsonschema.exceptions.best_match(validator_class(self.schema).iter_errors(value))
        if mismatch is not None:
            where = "/".join(str(part) for part in mismatch.absolute_path) or "(root)"
            raise SchemaMismatch(
                f"the model's answer does not match the schema at {where}: {mismatch.message}"
            )
        return value


def parse_schema(schema: Any, where: str = "the schema") -> OutputSchema:
    """An ``OutputSchema`` from a decoded JSON value. Raises ``SchemaError``."""
    if not isinstance(schema, dict):
        raise SchemaError(f"{where} is not a JSON object")
    try:
        jsonschema.validators.validator_for(schema).check_schema(schema)
    except jsonschema.exceptions.SchemaError as error:
        raise SchemaError(f"{where} is not a valid JSON Schema: {error.message}") from None
    return OutputSchema(schema=schema, text=json.dumps(schema, sort_keys=True))


def load_schema(path: Path) -> OutputSchema:
    """The JSON Schema in the file at ``path`` (for ``run --schema``). Raises ``SchemaError``."""
    data = read_small_file(path, "schema file", MAX_SCHEMA_BYTES, SchemaError)
    try:
        schema = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise SchemaError(f"schema file {path} is not UTF-8 text") from None
    except ValueError as error:
        raise SchemaError(f"schema file {path} is not JSON: {error}") from None
    return parse_schema(schema, f"schema file {path}")


def schema_from_response_format(response_format: Any) -> OutputSchema | None:
    """The schema an OpenAI ``response_format`` asks for (None for ``{"type": "text"}``).

    Raises ``SchemaError`` for a malformed or unsupported ``response_format``.
    """
    if response_format is None:
        return None
    if not isinstance(response_format, dict):
        raise SchemaError("response_format is not an object")
    kind = response_format.get("type")
    if kind == "text":
        return None
    if kind == "json_object":
        return parse_schema(JSON_OBJECT_SCHEMA)
    if kind == "json_schema":
        spec = response_format.get("json_schema")
        if not isinstance(spec, dict) or "schema" not in spec:
            raise SchemaError("response_format.json_schema.schema is missing")
        return parse_schema(spec["schema"], "response_format.json_schema.schema")
    raise SchemaError(f"unsupported response_format type {kind!r}")


@dataclass(frozen=True)
class JsonString:
    """One string of a JSON text: its raw span (quotes included) and its decoded value."""

    start: int
    end: int
    value: str

    @property
    def escaped(self) -> bool:
        return self.end - self.start != len(self.value) + 2


_DECODER = json.JSONDecoder(strict=False)


def json_strings(text: str) -> list[JsonString]:
    """Every string (keys and values) of the JSON ``text``, decoded, in order.

    Tolerates text that is not JSON: an unterminated string runs to the end, raw.
    """
    strings: list[JsonString] = []
    position = text.find('"')
    while position >= 0:
        try:
            value, end = _DECODER.raw_decode(text, position)
        except ValueError:
            strings.append(JsonString(position, len(text), text[position + 1 :]))
            break
        strings.append(JsonString(position, end, value))
        position = text.find('"', end)
    return strings


# Decoded strings are checked as paragraphs of their own: a banner in a string is a banner.
_SEPARATOR = "\n\n"


def _decoded_view(strings: list[JsonString]) -> tuple[str, list[int]]:
    """The decoded strings joined by blank lines, and where each one starts in that view."""
    starts: list[int] = []
    position = 0
    for string in strings:
        starts.append(position)
        position += len(string.value) + len(_SEPARATOR)
    return _SEPARATOR.join(string.value for string in strings), starts


def _to_raw(finding: Finding, strings: list[JsonString], starts: list[int]) -> Finding:
    """``finding`` with offsets into the raw JSON text rather than the decoded view (the
    whole string's span when escapes make the exact position ambiguous)."""
    index = max((i for i, start in enumerate(starts) if start <= finding.start), default=0)
    if not strings:
        return finding
    string, base = strings[index], starts[index]
    if string.escaped:
        start, end = string.start, string.end
    else:
        start = string.start + 1 + (finding.start - base)
        end = min(string.end - 1, string.start + 1 + (finding.end - base))
    return dataclasses.replace(finding, start=start, end=end)


def _redact_strings(policy: Policy, value: Any) -> Any:
    if isinstance(value, str):
        return redact_text(policy, value, direction="output")
    if isinstance(value, list):
        return [_redact_strings(policy, item) for item in value]
    if isinstance(value, dict):
        return {
            redact_text(policy, key, direction="output"): _redact_strings(policy, item)
            for key, item in value.items()
        }
    return value


def _worse(first: Action, second: Action) -> Action:
    return first if first.severity >= second.severity else second


class StructuredOutputGate(PolicyOutputGate):
    """An output gate for a JSON answer: the raw text is gated as it streams (the plain
    gate's own checks), but nothing is released until the end, where every decoded string
    is checked too and the answer is validated against the schema.

    ``close`` raises ``Blocked`` as the plain gate does (also for a finding that only the
    decoded strings show) and ``SchemaMismatch`` when the answer does not match.
    """

    def __init__(self, gate: StructuredGate, prompt: Decision, *, held: bool) -> None:
        super().__init__(gate, gate.policy.canonical_level(prompt.level), held=held)
        self._structured = gate
        self._prompt = prompt
        self._released: list[str] = []  # what the plain gate released (redactions applied)
        self._generated: list[str] = []  # what the model wrote
        self._strings_decision: Decision | None = None
        self._strings_blocked = False

    @property
    def held(self) -> bool:
        return True  # nothing is released before the whole answer is checked

    def feed(self, chunk: str) -> str:
        self._released.append(super().feed(chunk))
        self._generated.append(chunk)
        return ""

    def close(self) -> str:
        self._released.append(super().close())
        generated = "".join(self._generated)
        strings = json_strings(generated)
        view, starts = _decoded_view(strings)
        # The plain gate's output path, on the decoded strings: same levels, same out-level.
        strings_gate = PolicyGate.open_output(self._structured, self._prompt)
        try:
            strings_gate.feed(view)
            strings_gate.close()
        except Blocked as blocked:
            self._strings_blocked = True
            if isinstance(blocked.decision, Decision):
                self._strings_decision = _in_raw_offsets(blocked.decision, strings, starts)
            raise Blocked(
                f"{blocked.message} (in a JSON string of the answer)", decision=self.decision
            ) from None
        self._strings_decision = _in_raw_offsets(strings_gate.decision, strings, starts)
        schema = self._structured.schema
        raw_redacted = "".join(self._released) != generated
        if raw_redacted or any(f.action is Action.REDACT for f in self._strings_decision.findings):
            # Redact inside the decoded strings, where the policy found what to hide (a raw
            # redaction could cut an escape in half), keep it JSON, and pass the result
            # through the plain gate once more as a whole.
            value = schema.validate(generated)
            redacted = json.dumps(
                _redact_strings(self._structured.policy, value), ensure_ascii=False
            )
            recheck = PolicyGate.open_output(self._structured, self._prompt)
            answer = recheck.feed(redacted) + recheck.close()
        else:
            answer = generated
        schema.validate(answer)
        return answer

    @property
    def decision(self) -> Decision:
        raw = super().decision
        strings = self._strings_decision
        if strings is None:
            if self._strings_blocked:
                return dataclasses.replace(raw, action=Action.BLOCK)
            return raw
        known = {(f.rule, f.start, f.end) for f in raw.findings}
        extra = tuple(f for f in strings.findings if (f.rule, f.start, f.end) not in known)
        action = Action.BLOCK if self._strings_blocked else _worse(raw.action, strings.action)
        return Decision(
            action,
            self._structured.policy.higher(raw.level, strings.level),
            (*raw.findings, *extra),
            raw.policy,
        )


def _in_raw_offsets(decision: Decision, strings: list[JsonString], starts: list[int]) -> Decision:
    findings = tuple(_to_raw(finding, strings, starts) for finding in decision.findings)
    return dataclasses.replace(decision, findings=findings)


class StructuredGate(PolicyGate):
    """The policy gate for answers that must be JSON matching ``schema``: prompts are
    checked exactly as by ``Gate``; outputs go through a ``StructuredOutputGate``."""

    def __init__(
        self,
        policy: Policy,
        *,
        clearance: str,
        model_level: str,
        out_level: str | None = None,
        schema: OutputSchema,
    ) -> None:
        super().__init__(policy, clearance=clearance, model_level=model_level, out_level=out_level)
        self.schema = schema

    def open_output(
        self, prompt: Decision, *, conversation_level: str | None = None
    ) -> StructuredOutputGate:
        """Raises ``Blocked`` at once as ``PolicyGate.open_output`` does."""
        # The plain gate's refusal of a prompt above the out-level, and its choice to hold.
        plain = super().open_output(prompt, conversation_level=conversation_level)
        return StructuredOutputGate(self, prompt, held=plain.held)


def structured_gate_factory(schema: OutputSchema) -> Callable[..., Gate]:
    """A gate factory for ``Pipeline.gate``: every gate it builds checks JSON as JSON."""

    def factory(
        policy: Policy, *, clearance: str, model_level: str, out_level: str | None = None
    ) -> Gate:
        return StructuredGate(
            policy,
            clearance=clearance,
            model_level=model_level,
            out_level=out_level,
            schema=schema,
        )

    return factory


__all__ = [
    "JSON_OBJECT_SCHEMA",
    "OutputSchema",
    "SchemaError",
    "SchemaMismatch",
    "StructuredGate",
    "StructuredOutputGate",
    "json_strings",
    "load_schema",
    "parse_schema",
    "schema_from_response_format",
    "structured_gate_factory",
]
