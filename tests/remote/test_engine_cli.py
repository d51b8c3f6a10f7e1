"""``milai engine add | list | remove | check`` and how an engine shows as a model."""

from __future__ import annotations

import json
from pathlib import Path

from tests.remote.conftest import SERVED_MODEL, FakeServer, Home


def test_add_list_check_remove(home: Home, fake_server: FakeServer, tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("s3cr3t-token\n")
    fake_server.behaviour.token = "s3cr3t-token"
    added = home.milai(
        "engine",
        "add",
        "gpu1",
        "--url",
        fake_server.url + "/v1",
        "--level",
        "secret",
        "--token-file",
        str(token),
    )
    assert added.returncode == 0, added.stderr
    assert f"model {SERVED_MODEL}, SECRET" in added.stderr
    listed = json.loads(home.milai("engine", "list", "--json").stdout)
    assert listed == [
        {
            "name": "gpu1",
            "kind": "remote",
            "level": "SECRET",
            "endpoint": fake_server.url,
            "address": "127.0.0.1",
            "model_id": SERVED_MODEL,
            "verified_by": "loopback (plain http)",
            "certificate_sha256": None,
            "token": True,
            "read_timeout_s": 120.0,
            "reply_timeout_s": 600.0,
        }
    ]
    models = json.loads(home.milai("model", "list", "--json").stdout)
    assert [(m["name"], m["kind"], m["level"]) for m in models] == [("gpu1", "remote", "SECRET")]
    checked = home.milai("engine", "check", "gpu1", "--json")
    assert checked.returncode == 0, checked.stderr
    report = json.loads(checked.stdout)
    assert report["served_models"] == [SERVED_MODEL]
    assert report["model_served"] is True
    assert all(r.get("path") for r in fake_server.requests)
    removed = home.milai("engine", "remove", "gpu1")
    assert removed.returncode == 0, removed.stderr
    assert json.loads(home.milai("engine", "list", "--json").stdout) == []
    commands = [(event["command"], event.get("phase")) for event in home.audit()]
    assert commands == [
        ("engine.add", "started"),
        ("engine.add", "outcome"),
        ("engine.check", None),  # changes nothing in the vault
        ("engine.remove", "started"),
        ("engine.remove", "outcome"),
    ]
    assert "s3cr3t" not in json.dumps(home.audit())


def test_the_token_is_stored_encrypted(home: Home, fake_server: FakeServer, tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("plain-token-value-123")
    fake_server.behaviour.token = "plain-token-value-123"
    added = home.milai(
        "engine",
        "add",
        "gpu1",
        "--url",
        fake_server.url,
        "--level",
        "UNCLASSIFIED",
        "--token-file",
        str(token),
    )
    assert added.returncode == 0, added.stderr
    token.unlink()
    records = list((home.path / "records").rglob("*.rec"))
    assert len(records) >= 2  # the definition and the token
    for path in home.path.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert b"plain-token-value" not in data, path
            if path in records:  # the audit log names the endpoint; the definition is sealed
                assert fake_server.url.encode() not in data, path
    ran = home.milai("run", "--model", "gpu1", "hello")
    assert ran.returncode == 0, ran.stderr
    sent = [r for r in fake_server.requests if r["path"].endswith("/chat/completions")]
    assert len(sent) == 1


def test_a_wrong_token_is_exit_5(home: Home, fake_server: FakeServer, tmp_path: Path) -> None:
    fake_server.behaviour.token = "expected"
    added = home.milai("engine", "add", "gpu1", "--url", fake_server.url, "--level", "SECRET")
    assert added.returncode == 5
    assert added.stderr == "milai: error: engine gpu1 refused the token (401)\n"
    assert json.loads(home.milai("engine", "list", "--json").stdout) == []


def test_bad_definitions_are_usage_errors(home: Home, fake_server: FakeServer) -> None:
    cases = {
        "http://10.1.2.3:8000": "plain http is allowed only on loopback",
        "ftp://127.0.0.1:21": "the scheme must be https",
        "https://user:pw@127.0.0.1:8443": "must not carry credentials",
        "http://127.0.0.1:99999": "invalid engine URL",
    }
    for url, says in cases.items():
        result = home.milai("engine", "add", "gpu1", "--url", url, "--level", "SECRET")
        assert result.returncode == 2, (url, result.stderr)
        assert says in result.stderr, (url, result.stderr)
        assert len(result.stderr.splitlines()) == 1
    unknown = home.milai("engine", "add", "gpu1", "--url", fake_server.url, "--level", "HUSH")
    assert unknown.returncode == 2 and "unknown level" in unknown.stderr
    bad_name = home.milai("engine", "add", "../x", "--url", fake_server.url, "--level", "SECRET")
    assert bad_name.returncode == 2 and "invalid engine name" in bad_name.stderr
    assert fake_server.requests == []


def test_an_unknown_engine_is_exit_5(home: Home) -> None:
    for args in (("engine", "check", "nope"), ("engine", "remove", "nope")):
        result = home.milai(*args)
        assert result.returncode == 5
        assert result.stderr.startswith("milai: error: unknown engine 'nope'")
    ran = home.milai("run", "--model", "nope", "hello")
    assert ran.returncode == 5


def test_two_engines_need_a_model_flag(home: Home, fake_server: FakeServer) -> None:
    for name in ("one", "two"):
        added = home.milai("engine", "add", name, "--url", fake_server.url, "--level", "SECRET")
        assert added.returncode == 0, added.stderr
    again = home.milai("engine", "add", "one", "--url", fake_server.url, "--level", "SECRET")
    assert again.returncode == 2 and "exists" in again.stderr
    ran = home.milai("run", "hello")
    assert ran.returncode == 5
    assert "several models" in ran.stderr
    picked = home.milai("run", "--model", "two", "--json", "hello")
    assert picked.returncode == 0, picked.stderr
    assert json.loads(picked.stdout)["model"] == {"name": "two", "sha256": ""}


def test_the_engine_level_limits_what_it_is_given(home: Home, fake_server: FakeServer) -> None:
    added = home.milai("engine", "add", "low", "--url", fake_server.url, "--level", "RESTRICTED")
    assert added.returncode == 0, added.stderr
    result = home.milai(
        "run", "--model", "low", "--clearance", "SECRET", "CONFIDENTIAL\nThe plan for Tuesday."
    )
    assert result.returncode == 3, result.stderr
    assert [r for r in fake_server.requests if r["method"] == "POST"] == []
