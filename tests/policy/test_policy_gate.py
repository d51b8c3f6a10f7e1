"""Levels flow: no read up, no write down; outputs are gated as they stream."""

from __future__ import annotations

import pytest

from milai.errors import Blocked, ExitCode, UsageError
from milai.policy import Action, Policy, PolicyGate


def test_prompt_within_the_limit_is_allowed(default_policy: Policy) -> None:
    gate = PolicyGate(default_policy, clearance="SECRET", model_level="SECRET")
    decision = gate.check_prompt("NATO CONFIDENTIAL\nExercise plan")
    assert (decision.action, decision.level) == (Action.ALLOW, "CONFIDENTIAL")


def test_prompt_above_the_model_accreditation_is_blocked(default_policy: Policy) -> None:
    gate = PolicyGate(default_policy, clearance="TOP SECRET", model_level="RESTRICTED")
    with pytest.raises(Blocked) as caught:
        gate.check_prompt("NATO SECRET\nOrder of battle")
    blocked = caught.value
    assert blocked.exit_code == ExitCode.BLOCKED
    assert blocked.message == (
        "blocked by rule marking-nato-secret: prompt is SECRET, above the limit RESTRICTED "
        "(min of clearance TOP SECRET and model accreditation RESTRICTED)"
    )
    assert blocked.decision.action is Action.BLOCK
    assert blocked.decision.level == "SECRET"
    assert blocked.decision.findings[-1].rule == "level-above-limit"


def test_prompt_above_the_clearance_is_blocked(default_policy: Policy) -> None:
    gate = PolicyGate(default_policy, clearance="CONFIDENTIAL", model_level="TOP SECRET")
    with pytest.raises(Blocked, match="above the limit CONFIDENTIAL"):
        gate.check_prompt("(TS) Strategic intent.")


def test_prompt_block_rule(default_policy: Policy) -> None:
    gate = PolicyGate(default_policy, clearance="TOP SECRET", model_level="TOP SECRET")
    with pytest.raises(Blocked) as caught:
        gate.check_prompt("Please format this KEYMAT.")
    assert caught.value.message == (
        "blocked by rule keying-material: codeword in the prompt (characters 19-25)"
    )
    assert caught.value.decision.action is Action.BLOCK


def test_unknown_levels_are_usage_errors(default_policy: Policy) -> None:
    with pytest.raises(UsageError):
        PolicyGate(default_policy, clearance="COSMIC", model_level="SECRET")
    with pytest.raises(UsageError):
        PolicyGate(default_policy, clearance="SECRET", model_level="SECRET", out_level="x")


def _stream(gate: PolicyGate, prompt: str, chunks: list[str]) -> tuple[str, Exception | None]:
    out = gate.open_output(gate.check_prompt(prompt))
    released: list[str] = []
    try:
        for chunk in chunks:
            released.append(out.feed(chunk))
        released.append(out.close())
    except Blocked as blocked:
        return "".join(released), blocked
    return "".join(released), None


def test_output_inherits_the_prompt_level(default_policy: Policy) -> None:
    gate = PolicyGate(default_policy, clearance="SECRET", model_level="SECRET")
    out = gate.open_output(gate.check_prompt("CONFIDENTIEL LUX\nQuestion"))
    assert out.feed("All ") + out.close() == "All "
    assert out.decision.level == "CONFIDENTIAL"
    assert out.decision.findings == ()


def test_output_above_the_out_level_is_withheld(default_policy: Policy) -> None:
    gate = PolicyGate(
        default_policy, clearance="SECRET", model_level="SECRET", out_level="RESTRICTED"
    )
    answer = "Here is the summary.\nNATO SECRET\nThe convoy leaves at dawn."
    chunks = [answer[i : i + 3] for i in range(0, len(answer), 3)]
    released, blocked = _stream(gate, "hello", chunks)
    assert isinstance(blocked, Blocked)
    assert blocked.message == (
        "withheld by rule marking-nato-secret: output is SECRET, above the output level RESTRICTED"
    )
    assert "NATO" not in released and "N" not in released.split("\n")[-1]
    assert answer.startswith(released)
    assert len(released) <= answer.index("NATO SECRET")


def test_out_level_defaults_to_the_clearance(default_policy: Policy) -> None:
    gate = PolicyGate(default_policy, clearance="CONFIDENTIAL", model_level="TOP SECRET")
    released, blocked = _stream(gate, "q", ["ok\n", "SECRET\n", "more"])
    assert blocked is not None and "above the output level CONFIDENTIAL" in str(blocked)
    assert released in ("", "ok", "ok\n")


def test_open_output_refuses_when_the_prompt_is_above_the_sink(default_policy: Policy) -> None:
    gate = PolicyGate(
        default_policy, clearance="SECRET", model_level="SECRET", out_level="RESTRICTED"
    )
    prompt = gate.check_prompt("SECRET\nQuestion")
    with pytest.raises(Blocked, match="inherits the prompt's level SECRET"):
        gate.open_output(prompt)


def test_output_block_rule_stops_the_stream(default_policy: Policy) -> None:
    gate = PolicyGate(default_policy, clearance="TOP SECRET", model_level="TOP SECRET")
    released, blocked = _stream(gate, "q", list("The KEY") + list("MAT is attached."))
    assert blocked is not None
    assert "keying-material" in str(blocked)
    assert released == "The "[: len(released)]
    assert "K" not in released


def test_output_redaction_streams(default_policy: Policy) -> None:
    gate = PolicyGate(default_policy, clearance="SECRET", model_level="SECRET")
    answer = "Mail jean.dupont@etat.lu or call +352 621 123 456 today."
    released, blocked = _stream(gate, "q", list(answer))
    assert blocked is None
    assert released == "Mail [REDACTED:pii-email-output] or call [REDACTED:pii-phone-output] today."


def test_blocked_gate_stays_blocked(default_policy: Policy) -> None:
    gate = PolicyGate(default_policy, clearance="SECRET", model_level="SECRET")
    out = gate.open_output(gate.check_prompt("q"))
    with pytest.raises(Blocked):
        out.feed("KEYMAT is attached, and the rest of the answer follows here.")
    with pytest.raises(Blocked):
        out.feed("more")
    with pytest.raises(Blocked):
        out.close()
    assert out.decision.action is Action.BLOCK


def test_output_decision_offsets_are_into_the_whole_output(default_policy: Policy) -> None:
    gate = PolicyGate(default_policy, clearance="TOP SECRET", model_level="TOP SECRET")
    out = gate.open_output(gate.check_prompt("q"))
    text = "Intro line\n(S) Detail paragraph.\n"
    released = "".join(out.feed(ch) for ch in text) + out.close()
    assert released == text
    (finding,) = out.decision.findings
    assert text[finding.start : finding.end] == "S"
    assert out.decision.level == "SECRET"


def test_hold_back_is_short_on_plain_prose(default_policy: Policy) -> None:
    gate = PolicyGate(default_policy, clearance="SECRET", model_level="SECRET")
    out = gate.open_output(gate.check_prompt("q"))
    text = "The weather in Luxembourg is mild today and the river is calm. " * 4
    released = "".join(out.feed(ch) for ch in text)
    # Only the tail that could still become a finding is held back.
    assert len(text) - len(released) < 40
    assert released + out.close() == text


def test_output_streams_when_the_sink_is_at_the_model_and_conversation_level(
    default_policy: Policy,
) -> None:
    gate = PolicyGate(
        default_policy, clearance="SECRET", model_level="RESTRICTED", out_level="RESTRICTED"
    )
    out = gate.open_output(gate.check_prompt("q"), conversation_level="RESTRICTED")
    assert not out.held
    text = "The weather in Luxembourg is mild today and the river is calm. " * 2
    assert "".join(out.feed(ch) for ch in text)  # released as it comes


@pytest.mark.parametrize(
    ("model_level", "conversation_level"),
    [("SECRET", "UNCLASSIFIED"), ("RESTRICTED", "CONFIDENTIAL")],
)
def test_output_is_held_when_the_sink_is_below_the_model_or_the_conversation(
    default_policy: Policy, model_level: str, conversation_level: str
) -> None:
    gate = PolicyGate(
        default_policy, clearance="SECRET", model_level=model_level, out_level="RESTRICTED"
    )
    out = gate.open_output(gate.check_prompt("q"), conversation_level=conversation_level)
    assert out.held
    text = "Mail jean.dupont@etat.lu about the weather, which is mild today. " * 2
    assert [out.feed(ch) for ch in text] == [""] * len(text)
    assert out.close() == text.replace("jean.dupont@etat.lu", "[REDACTED:pii-email-output]")


def test_a_late_footer_withholds_a_held_output_whole(default_policy: Policy) -> None:
    gate = PolicyGate(
        default_policy, clearance="SECRET", model_level="SECRET", out_level="RESTRICTED"
    )
    body = "The exercise went well and the weather held. " * 5
    released, blocked = _stream(gate, "q", [*body.split(" "), "\n\nSECRET\n"])
    assert released == ""
    assert isinstance(blocked, Blocked) and "above the output level RESTRICTED" in blocked.message
