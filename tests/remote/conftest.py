"""Servers for the remote-engine tests: a small misbehaving OpenAI-compatible HTTP server on
loopback (threads; plain or TLS with a CA made here with ``cryptography``), a vault with an
engine added, and llama-cpp-python's own server with the demo model (``model`` tests)."""

from __future__ import annotations

import datetime
import ipaddress
import itertools
import json
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.cli.fixtures import run_in_process

SERVED_MODEL = "fake-model"
REPLY = ["Hello", " there", ".", " The", " weather", " is", " mild", "."]


@dataclass
class Behaviour:
    """What the fake server does with the next chat completion request."""

    # ok | drop | stall | pings | flood | malformed | status | no-finish | wrong-model | error
    # | trickle (one byte of an endless event at a time, each within the read timeout)
    mode: str = "ok"
    status: int = 200
    chunks: list[str] = field(default_factory=lambda: list(REPLY))
    stall_s: float = 5.0
    token: str | None = None
    usage: bool = False
    # Per request: the chunks to send (instead of ``chunks``) and a pause before the first.
    answer: Callable[[dict[str, Any]], list[str]] | None = None
    pause_for: Callable[[dict[str, Any]], float] | None = None
    status_for: Callable[[dict[str, Any]], int] | None = None
    chunk_pause_s: float = 0.0
    fingerprint: str = "fp_test_1"


@dataclass
class FakeServer:
    port: int
    behaviour: Behaviour
    requests: list[dict[str, Any]]
    tls: bool
    in_flight: int = 0
    most_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def chat_requests(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["path"].endswith("/chat/completions")]


def chunk_event(
    delta: dict[str, str],
    finish: str | None = None,
    model: str = SERVED_MODEL,
    fingerprint: str = "fp_test_1",
) -> bytes:
    event = {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "model": model,
        "system_fingerprint": fingerprint,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return b"data: " + json.dumps(event).encode() + b"\n\n"


def _handler(server: FakeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return None

        def _authorised(self) -> bool:
            token = server.behaviour.token
            if token is None or self.headers.get("Authorization") == f"Bearer {token}":
                return True
            self._plain(401, b'{"error": "bad token"}')
            return False

        def _plain(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            server.requests.append({"path": self.path, "method": "GET"})
            if not self._authorised():
                return
            if self.path != "/v1/models":
                self._plain(404, b"{}")
                return
            self._plain(200, json.dumps({"data": [{"id": SERVED_MODEL}]}).encode())

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            server.requests.append({"path": self.path, "method": "POST", "body": body})
            if not self._authorised():
                return
            with server.lock:
                server.in_flight += 1
                server.most_in_flight = max(server.most_in_flight, server.in_flight)
            try:
                self._stream(body)
            finally:
                with server.lock:
                    server.in_flight -= 1

        def _stream(self, body: dict[str, Any]) -> None:
            behaviour = server.behaviour
            if behaviour.pause_for is not None:
                time.sleep(behaviour.pause_for(body))
            status = behaviour.status if behaviour.mode == "status" else 200
            if behaviour.status_for is not None:
                status = behaviour.status_for(body)
            if status != 200:
                self._plain(status, b'{"error": "prompt: SECRET stuff echoed"}')
                return
            chunks = behaviour.answer(body) if behaviour.answer else behaviour.chunks

            def _chunk(delta: dict[str, str], finish: str | None = None, **more: str) -> bytes:
                return chunk_event(delta, finish, fingerprint=behaviour.fingerprint, **more)

            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b": ping\n\n" + _chunk({"role": "assistant"}))
            model = "another-model" if behaviour.mode == "wrong-model" else SERVED_MODEL
            for index, text in enumerate(chunks):
                if behaviour.mode == "drop" and index == len(chunks) - 1:
                    self.wfile.flush()
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.wfile.write(_chunk({"content": text}, model=model))
                self.wfile.flush()
                time.sleep(behaviour.chunk_pause_s)
            if behaviour.mode == "trickle":
                # Bytes keep coming, each well within the read timeout; the event never ends.
                deadline = time.monotonic() + behaviour.stall_s
                for byte in itertools.cycle(_chunk({"content": " and"})[:-2]):
                    if time.monotonic() > deadline:
                        return
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.1)
            if behaviour.mode == "stall":
                time.sleep(behaviour.stall_s)
                return
            if behaviour.mode == "pings":
                deadline = time.monotonic() + behaviour.stall_s
                while time.monotonic() < deadline:
                    self.wfile.write(b": ping\n\n")
                    self.wfile.flush()
                    time.sleep(0.2)
                return
            if behaviour.mode == "flood":
                for _ in range(200):
                    self.wfile.write(_chunk({"content": " more"}))
                self.wfile.flush()
            if behaviour.mode == "malformed":
                self.wfile.write(b"data: {not json\n\n")
                return
            if behaviour.mode == "error":
                self.wfile.write(b'data: {"error": {"message": "boom"}}\n\n')
                return
            if behaviour.mode != "no-finish":
                self.wfile.write(_chunk({}, finish="stop"))
            if behaviour.usage:
                usage = {"prompt_tokens": 11, "completion_tokens": len(chunks)}
                event = {"model": SERVED_MODEL, "choices": [], "usage": usage}
                self.wfile.write(b"data: " + json.dumps(event).encode() + b"\n\n")
            self.wfile.write(b"data: [DONE]\n\n")

    return Handler


@dataclass(frozen=True)
class Certificates:
    """A CA and a server certificate it signed, for ``names``; PEM files under ``folder``."""

    ca: Path
    cert: Path
    key: Path
    cert_sha256: str


def make_certificates(folder: Path, names: tuple[str, ...] = ("localhost",)) -> Certificates:
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "milai test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    alt_names: list[x509.GeneralName] = [x509.DNSName(name) for name in names]
    alt_names.append(x509.IPAddress(ipaddress.ip_address("127.0.0.1")))
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = Certificates(
        ca=folder / "ca.pem",
        cert=folder / "server.pem",
        key=folder / "server.key",
        cert_sha256=cert.fingerprint(hashes.SHA256()).hex(),
    )
    paths.ca.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


class _QuietHTTPServer(ThreadingHTTPServer):
    """A client that goes away in the middle of a reply (milai stopping a batch) is normal
    here, and the CLI runs in this process: socketserver's traceback on stderr would land in
    the stderr the test reads."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


def start_fake_server(
    certificates: Certificates | None = None, port: int = 0
) -> tuple[FakeServer, Any]:
    httpd = _QuietHTTPServer(("127.0.0.1", port), BaseHTTPRequestHandler)
    server = FakeServer(
        port=httpd.server_address[1],
        behaviour=Behaviour(),
        requests=[],
        tls=certificates is not None,
    )
    httpd.RequestHandlerClass = _handler(server)
    if certificates is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certificates.cert, certificates.key)
        httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    # serve_forever looks at its shutdown flag between polls: at its default 0.5 s each
    # test's teardown waited up to half a second for the server to stop.
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    return server, httpd


@pytest.fixture
def fake_server() -> Iterator[FakeServer]:
    server, httpd = start_fake_server()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="session")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    return make_certificates(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def tls_server(certificates: Certificates) -> Iterator[FakeServer]:
    server, httpd = start_fake_server(certificates)
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()


@dataclass(frozen=True)
class Home:
    """A vault folder and how to run milai against it."""

    path: Path
    key: Path

    def milai(self, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
        """``milai ARGS`` against this vault, in this process (tests/cli/harness.py)."""
        env = {"MILAI_HOME": str(self.path), "MILAI_KEY_FILE": str(self.key)}
        return run_in_process(*args, input=input, env=env)

    def audit(self) -> list[dict[str, Any]]:
        shown = self.milai("audit", "show", "--json")
        assert shown.returncode == 0, shown.stderr
        return [json.loads(line)["event"] for line in shown.stdout.splitlines() if line.strip()]


@pytest.fixture(scope="session")
def template_home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    root = tmp_path_factory.mktemp("remote-template")
    home = Home(root / "home", root / "vault.key")
    created = home.milai("init", "--key-file", str(home.key))
    assert created.returncode == 0, created.stderr
    return home


@pytest.fixture
def home(template_home: Home, tmp_path: Path) -> Home:
    import shutil

    target = Home(tmp_path / "home", template_home.key)
    shutil.copytree(template_home.path, target.path)
    return target


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class LlamaServer:
    url: str
    model_id: str


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    """llama-cpp-python's OpenAI-compatible server with the demo model on a free port."""
    from tests.helpers import demo_model_file

    pytest.importorskip("uvicorn", reason="llama-cpp-python[server]'s dependencies are missing")
    model = demo_model_file()
    port = free_port()
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    command = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(model),
        "--model_alias",
        "smollm2",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        "4096",
        # By default the server cuts the stream in progress when another request comes in:
        # milai then reports an unfinished reply (exit 5). Lines in flight need it off.
        "--interrupt_requests",
        "False",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, env={**os.environ}
        )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                pytest.fail(f"llama_cpp.server exited: {log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(url + "/v1/models", timeout=2) as answer:  # noqa: S310
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("llama_cpp.server did not become ready in 90 s")
            time.sleep(0.2)
        yield LlamaServer(url=url, model_id="smollm2")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
