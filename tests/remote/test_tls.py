"""TLS to a remote engine: verified against the CA file or the pinned certificate, the
configured host name checked, the address pinned; any mismatch is exit 5, nothing sent."""

from __future__ import annotations

import json
from pathlib import Path

from tests.remote.conftest import (
    REPLY,
    Certificates,
    FakeServer,
    Home,
    make_certificates,
    start_fake_server,
)


def https_url(server: FakeServer, host: str = "localhost") -> str:
    return f"https://{host}:{server.port}"


def add(home: Home, url: str, *more: str) -> tuple[int, str]:
    result = home.milai(
        "engine", "add", "tls", "--url", url, "--level", "SECRET", "--address", "127.0.0.1", *more
    )
    return result.returncode, result.stderr


def test_a_ca_verified_engine_runs(
    home: Home, tls_server: FakeServer, certificates: Certificates
) -> None:
    code, stderr = add(home, https_url(tls_server), "--ca-file", str(certificates.ca))
    assert code == 0, stderr
    assert "verified by CA file" in stderr
    ran = home.milai("run", "--model", "tls", "--json", "hello")
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)["text"] == "".join(REPLY)
    event = [e for e in home.audit() if e["command"] == "run"][-1]
    assert event["engine"]["tls"]["certificate_sha256"] == certificates.cert_sha256
    assert event["engine"]["tls"]["version"] in ("TLSv1.2", "TLSv1.3")
    checked = json.loads(home.milai("engine", "check", "tls", "--json").stdout)
    assert checked["tls"]["verified_by"] == "CA file"


def test_another_ca_is_refused(home: Home, tls_server: FakeServer, tmp_path: Path) -> None:
    other = make_certificates(tmp_path / "other")
    code, stderr = add(home, https_url(tls_server), "--ca-file", str(other.ca))
    assert code == 5
    assert stderr.startswith("milai: error: engine tls failed TLS verification: ")
    assert len(stderr.splitlines()) == 1
    assert tls_server.requests == []


def test_a_wrong_host_name_is_refused(
    home: Home, tls_server: FakeServer, certificates: Certificates
) -> None:
    # The certificate names localhost; the address is right but the name is not.
    code, stderr = add(
        home, https_url(tls_server, "gpu.example"), "--ca-file", str(certificates.ca)
    )
    assert code == 5
    assert "failed TLS verification" in stderr
    assert tls_server.requests == []


def test_a_pinned_certificate_is_checked(
    home: Home, tls_server: FakeServer, certificates: Certificates
) -> None:
    code, stderr = add(home, https_url(tls_server), "--fingerprint", certificates.cert_sha256)
    assert code == 0, stderr
    assert "verified by pinned certificate" in stderr
    assert home.milai("run", "--model", "tls", "hello").returncode == 0


def test_a_wrong_pin_is_refused(home: Home, tls_server: FakeServer) -> None:
    code, stderr = add(home, https_url(tls_server), "--fingerprint", "ab" * 32)
    assert code == 5
    assert "does not match its pin" in stderr
    assert tls_server.requests == []


def test_first_use_pins_and_a_changed_certificate_is_refused(
    home: Home, certificates: Certificates, tmp_path: Path
) -> None:
    server, httpd = start_fake_server(certificates)
    try:
        code, stderr = add(home, https_url(server))
        assert code == 0, stderr
        assert f"sha256 {certificates.cert_sha256}" in stderr
        assert home.milai("run", "--model", "tls", "hello").returncode == 0
    finally:
        httpd.shutdown()
        httpd.server_close()
    # The same address and port, now presenting another certificate.
    other = make_certificates(tmp_path / "swapped")
    swapped, httpd = start_fake_server(other, port=server.port)
    try:
        ran = home.milai("run", "--model", "tls", "hello")
        assert ran.returncode == 5
        assert ran.stderr.startswith("milai: error: engine tls presented a certificate that")
        assert ran.stdout == ""
        assert swapped.requests == []
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_plain_http_to_a_tls_engine_fails_cleanly(home: Home, tls_server: FakeServer) -> None:
    result = home.milai(
        "engine", "add", "tls", "--url", f"http://127.0.0.1:{tls_server.port}", "--level", "SECRET"
    )
    assert result.returncode == 5
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("milai: error: engine tls ")
