"""``milai replay`` of a run on a remote engine: replayed against the same engine, honest
that its weights cannot be checked, and telling what the server reports differently."""

from __future__ import annotations

import json

from tests.remote.conftest import REPLY, FakeServer, Home

PROMPT = "Say hello."


def remote_run(home: Home, server: FakeServer) -> str:
    added = home.milai("engine", "add", "fake", "--url", server.url, "--level", "UNCLASSIFIED")
    assert added.returncode == 0, added.stderr
    ran = home.milai("run", "--model", "fake", "--seed", "3", "--temperature", "0", PROMPT)
    assert ran.returncode == 0, ran.stderr
    shown = home.milai("audit", "show", "--json")
    runs = [
        json.loads(line)
        for line in shown.stdout.splitlines()
        if json.loads(line)["event"].get("command") == "run"
        and json.loads(line)["event"].get("phase") == "outcome"
    ]
    return str(runs[-1]["seq"])


def test_a_remote_run_replays_against_its_engine(home: Home, fake_server: FakeServer) -> None:
    seq = remote_run(home, fake_server)
    replayed = home.milai("replay", seq, PROMPT, "--json")
    assert replayed.returncode == 0, replayed.stderr
    outcome = json.loads(replayed.stdout)
    assert outcome["match"] is True
    assert outcome["model"] == {"name": "fake", "sha256": ""}
    engine = outcome["engine"]
    assert engine["weights_verified"] is False
    assert engine["changed"] == []
    assert engine["replayed"]["system_fingerprint"] == "fp_test_1"
    assert "weights are not in the vault" in outcome["note"]
    sent = fake_server.chat_requests()
    assert len(sent) == 2 and sent[1]["body"]["seed"] == 3 == sent[0]["body"]["seed"]
    assert sent[1]["body"]["messages"] == sent[0]["body"]["messages"]
    plain = home.milai("replay", seq, PROMPT)
    assert plain.returncode == 0
    assert plain.stderr.splitlines() == [
        f"milai: replayed entry {seq} on remote engine fake: the output matches the recorded one",
        "milai: note: a remote engine's weights are not in the vault: milai cannot check that "
        "it serves the model it served then; a match shows only that it gave the same text "
        "for this seed",
    ]


def test_a_different_answer_and_fingerprint_are_reported(
    home: Home, fake_server: FakeServer
) -> None:
    seq = remote_run(home, fake_server)
    fake_server.behaviour.chunks = [*REPLY[:-1], "!"]
    fake_server.behaviour.fingerprint = "fp_test_2"
    replayed = home.milai("replay", seq, PROMPT)
    assert replayed.returncode == 5, replayed.stderr
    lines = replayed.stderr.splitlines()
    assert lines[0].endswith("on remote engine fake: the output DIFFERS from the recorded one")
    assert lines[-1] == "milai: note: system_fingerprint was fp_test_1 then, fp_test_2 now"
    data = json.loads(home.milai("replay", seq, PROMPT, "--json").stdout)
    assert data["match"] is False and data["engine"]["changed"] == ["system_fingerprint"]


def test_a_removed_engine_cannot_be_replayed(home: Home, fake_server: FakeServer) -> None:
    seq = remote_run(home, fake_server)
    assert home.milai("engine", "remove", "fake").returncode == 0
    replayed = home.milai("replay", seq, PROMPT)
    assert replayed.returncode == 5
    assert replayed.stderr.splitlines() == [
        f"milai: error: engine fake, which answered entry {seq}, is no longer configured "
        "(a remote run can be replayed only against its engine)"
    ]
    assert fake_server.chat_requests()[1:] == []


def test_a_replay_on_another_endpoint_says_so(home: Home, fake_server: FakeServer) -> None:
    from tests.remote.conftest import start_fake_server

    seq = remote_run(home, fake_server)
    other, httpd = start_fake_server()
    try:
        assert home.milai("engine", "remove", "fake").returncode == 0
        added = home.milai("engine", "add", "fake", "--url", other.url, "--level", "UNCLASSIFIED")
        assert added.returncode == 0, added.stderr
        replayed = home.milai("replay", seq, PROMPT, "--json")
        assert replayed.returncode == 0, replayed.stderr
        assert json.loads(replayed.stdout)["engine"]["changed"] == ["endpoint"]
        assert len(other.chat_requests()) == 1
    finally:
        httpd.shutdown()
        httpd.server_close()
