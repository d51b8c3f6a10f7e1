"""A policy file is parsed once a process for the same bytes: the compiled-policy cache is
looked up by the bytes' digest before they are parsed (every in-process command loads the
policy again). Changed bytes are parsed and compiled anew; a bad file is never cached."""

from __future__ import annotations

from pathlib import Path

import pytest

from milai.errors import PolicyError
from milai.policy import policy as policy_module
from milai.policy import schema
from tests.policy.conftest import POLICIES


def test_the_same_bytes_are_parsed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[str] = []
    real = schema.parse_policy

    def counting(data: bytes, source: str) -> tuple[schema.PolicySpec | None, list[str]]:
        parsed.append(source)
        return real(data, source)

    monkeypatch.setattr(policy_module, "parse_policy", counting)
    monkeypatch.setattr(policy_module, "_CACHE", {})
    text = (POLICIES / "default.yaml").read_text(encoding="utf-8")
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text(text, encoding="utf-8")
    second.write_text(text, encoding="utf-8")
    loaded = policy_module.load_policy(first)
    assert policy_module.load_policy(first) is loaded
    assert policy_module.load_policy(second) is loaded  # the same bytes elsewhere
    assert parsed == [str(first)]

    first.write_text(text.replace("description:", "description: changed;", 1), encoding="utf-8")
    assert policy_module.load_policy(first) is not loaded
    assert len(parsed) == 2

    first.write_text(text + "\nnot: [closed\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(PolicyError):
            policy_module.load_policy(first)
    assert len(parsed) == 4
