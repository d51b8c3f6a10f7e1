"""Classification policies: the gate every prompt and every output passes through.

A policy is one YAML file (docs/DESIGN.md, "Policies"): an ordered scale of levels, the
markings of each scheme at each level, detectors (codewords, regular expressions with
validators), rules that turn findings into actions, and embedded tests. This package
loads it strictly, detects markings where they stand as markings (through evasion:
Unicode look-alikes, invisible characters, letter spacing, base64/hex), and gates
prompts and streamed outputs so that levels flow: no read up, no write down.
"""

from __future__ import annotations

from milai.policy.decision import Action, Decision, Finding, PolicyInfo, TestResult
from milai.policy.gate import Gate, OutputGate, PolicyGate, PolicyOutputGate
from milai.policy.policy import (
    Policy,
    check_stream,
    check_text,
    load_policy,
    run_policy_tests,
    validate_policy,
)
from milai.policy.stream import redact_stream, redact_text

__all__ = [
    "Action",
    "Decision",
    "Finding",
    "Gate",
    "OutputGate",
    "Policy",
    "PolicyGate",
    "PolicyInfo",
    "PolicyOutputGate",
    "TestResult",
    "check_stream",
    "check_text",
    "load_policy",
    "redact_stream",
    "redact_text",
    "run_policy_tests",
    "validate_policy",
]
