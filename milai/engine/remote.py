"""A remote engine: an accredited OpenAI-compatible server (vLLM, llama.cpp's llama-server)
inside the enclave, reached at its pinned address over verified TLS (plain HTTP only on
loopback), streaming chat completions as server-sent events.

Standard library only (``http.client`` + ``ssl``): the connection is opened by hand so that
it goes to the address pinned at ``engine add`` (no DNS at run time) while TLS verifies the
configured host name, and the network guard sees exactly one destination. Every failure is a
``ModelError`` naming the engine, in one line; the server's own error text is never printed
(it is unvetted data). Requests are retried, a bounded number of times, only before any text
was handed on. Three bounds keep a bad server from holding milai: connecting, each read, and
the whole reply (a watchdog shuts the socket at the deadline, so a server that trickles a byte
now and then cannot keep a blocking read alive).
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import ipaddress
import json
import math
import re
import socket
import ssl
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from milai import netguard
from milai.engine import Message, SamplingParams, Timings, Usage
from milai.errors import ModelError, UsageError

ENGINE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
CONNECT_TIMEOUT_S = 10.0
READ_TIMEOUT_S = 120.0
REPLY_TIMEOUT_S = 600.0
MAX_LINE_BYTES = 1 << 20
MAX_BODY_BYTES = 4 << 20
RETRIES = 2
RETRY_PAUSE_S = 0.25
RETRY_STATUSES = frozenset({429, 502, 503, 504})
_STATUS_MEANINGS = {
    400: "refused the request (400; is the prompt longer than the served context?)",
    401: "refused the token (401)",
    403: "refused the token (403)",
    404: "has no such model or endpoint (404)",
    429: "is too busy (429)",
}


@dataclass(frozen=True)
class EngineDefinition:
    """An engine as the administrator added it, stored encrypted in the vault.

    ``address`` is the IP pinned at ``engine add``: the only one ever connected to. ``host``
    is the name TLS verifies and the ``Host`` header carries. ``fingerprint`` is the SHA-256
    of the server certificate (DER), checked on every connection when set.
    """

    name: str
    url: str
    level: str
    host: str
    port: int
    address: str
    tls: bool
    base_path: str = ""
    model_id: str | None = None
    ca_pem: str | None = None
    fingerprint: str | None = None
    read_timeout_s: float = READ_TIMEOUT_S
    connect_timeout_s: float = CONNECT_TIMEOUT_S
    # The whole exchange, from connecting to the last event, retries included.
    reply_timeout_s: float = REPLY_TIMEOUT_S

    @property
    def endpoint(self) -> str:
        scheme = "https" if self.tls else "http"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{scheme}://{host}:{self.port}{self.base_path}"

    @property
    def verified_by(self) -> str:
        if not self.tls:
            return "loopback (plain http)"
        parts = (["CA file"] if self.ca_pem else []) + (
            ["pinned certificate"] * bool(self.fingerprint)
        )
        return " + ".join(parts)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: object) -> EngineDefinition:
        """Raises ``ModelError`` when ``data`` is not an engine definition."""
        try:
            if not isinstance(data, dict):
                raise TypeError
            definition = cls(**data)
        except TypeError:
            raise ModelError("an engine definition in the vault is malformed") from None
        definition.check()
        return definition

    def check(self) -> None:
        """Refuse a definition that could connect unverified. Raises ``UsageError``."""
        if not ENGINE_NAME.fullmatch(self.name):
            raise UsageError(
                f"invalid engine name {self.name!r}",
                hint="letters, digits, '.', '_' and '-', at most 64",
            )
        ip = ipaddress.ip_address(self.address)
        if not self.tls and not ip.is_loopback:
            raise UsageError(
                f"plain http is allowed only on loopback, and {self.host} is {ip}",
                hint="use https:// with --ca-file PEM (or a pinned certificate)",
            )
        if self.tls and not (self.ca_pem or self.fingerprint):
            raise UsageError(f"engine {self.name}: TLS with neither a CA nor a pinned certificate")
        timeouts = (self.read_timeout_s, self.connect_timeout_s, self.reply_timeout_s)
        if not all(type(t) in (int, float) and 0 < t < math.inf for t in timeouts):
            raise UsageError("timeouts must be positive numbers of seconds")


@dataclass(frozen=True)
class ParsedUrl:
    tls: bool
    host: str
    port: int
    base_path: str


def parse_engine_url(url: str) -> ParsedUrl:
    """``https://host[:port][/base]`` (a trailing ``/v1`` is accepted and dropped), or
    ``http://`` for loopback. Raises ``UsageError``."""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise UsageError(f"invalid engine URL {url!r}: {error}") from None
    if parts.scheme not in ("https", "http"):
        raise UsageError(
            f"invalid engine URL {url!r}: the scheme must be https (or http on loopback)"
        )
    if not parts.hostname:
        raise UsageError(f"invalid engine URL {url!r}: no host")
    if parts.username is not None or parts.password is not None:
        raise UsageError(
            "the engine URL must not carry credentials", hint="give the token with --token-file"
        )
    if parts.query or parts.fragment:
        raise UsageError(f"invalid engine URL {url!r}: no query or fragment, please")
    tls = parts.scheme == "https"
    base_path = parts.path.rstrip("/").removesuffix("/v1")
    return ParsedUrl(tls, parts.hostname.lower(), port or (443 if tls else 80), base_path)


def pin_address(host: str, port: int, explicit: str | None = None) -> str:
    """The IP address to pin for ``host``: ``explicit``, the host itself when it is an IP
    literal, else the first address a lookup gives (the one lookup the guard allows).
    Raises ``UsageError`` or ``ModelError``."""
    if explicit is not None:
        try:
            return str(ipaddress.ip_address(explicit))
        except ValueError:
            raise UsageError(f"--address {explicit!r} is not an IP address") from None
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    try:
        with netguard.resolving(host):
            found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        raise ModelError(f"cannot resolve engine host {host}: {error.strerror or error}") from None
    addresses = [str(info[4][0]) for info in found]
    if not addresses:
        raise ModelError(f"cannot resolve engine host {host}: no IP address")
    return addresses[0]


def certificate_sha256(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


def presented_certificate(definition: EngineDefinition) -> str:
    """The SHA-256 of the certificate the server presents now, unverified: ``engine add``
    shows it and pins it when there is no CA file (trust on first use, on the record).
    Raises ``ModelError``."""
    netguard.allow(definition.address, definition.port)
    family = socket.AF_INET6 if ":" in definition.address else socket.AF_INET
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.settimeout(definition.connect_timeout_s)
            sock.connect((definition.address, definition.port))
            with context.wrap_socket(sock, server_hostname=definition.host) as tls:
                der = tls.getpeercert(binary_form=True)
    except OSError as error:
        raise ModelError(f"engine {definition.name} is unreachable: {_one_line(error)}") from None
    if der is None:  # pragma: no cover - a TLS server always presents a certificate
        raise ModelError(f"engine {definition.name} presented no certificate")
    return certificate_sha256(der)


@dataclass(frozen=True)
class TlsDetails:
    version: str
    cipher: str
    certificate_sha256: str
    verified_by: str

    def to_json(self) -> dict[str, str]:
        return asdict(self)


def _one_line(error: BaseException) -> str:
    text = str(getattr(error, "strerror", None) or error) or type(error).__name__
    return " ".join(text.split())[:160]


class _Watchdog:
    """The deadline of one exchange with the server. At the deadline a timer thread shuts the
    connection's socket down, which ends any read blocked on it (a per-read timeout alone
    cannot: a server sending a byte every few seconds never lets one expire)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._deadline = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._expired = False
        # The socket itself, not the connection's ``sock``: http.client drops that as soon
        # as a response says "Connection: close", while the response still reads from it.
        self._sock: socket.socket | None = None
        self._timer = threading.Timer(seconds, self.expire)
        self._timer.daemon = True
        self._timer.start()

    @property
    def expired(self) -> bool:
        with self._lock:
            return self._expired

    def remaining(self) -> float:
        return max(0.0, self._deadline - time.monotonic())

    def watch(self, sock: socket.socket) -> None:
        """Watch ``sock`` (the exchange's connected socket); shut it at once if the time
        is up already."""
        with self._lock:
            self._sock = sock
            if self._expired:
                _shut(sock)

    def cancel(self) -> None:
        self._timer.cancel()

    def expire(self) -> None:
        """End the exchange now (the timer's job; ``RemoteEngine.abort`` calls it early)."""
        with self._lock:
            self._expired = True
            if self._sock is not None:
                _shut(self._sock)


def _shut(sock: socket.socket) -> None:
    # socket.socket's own shutdown, also for an SSLSocket: SSLSocket.shutdown would drop its
    # TLS state under the reading thread's feet; this only ends the byte stream beneath it.
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass  # already closed


class _PinnedConnection(http.client.HTTPConnection):
    """An HTTP(S) connection to the pinned address; TLS verifies the configured host name."""

    def __init__(
        self, definition: EngineDefinition, *, fingerprint: str | None, watchdog: _Watchdog
    ) -> None:
        super().__init__(definition.host, definition.port, timeout=definition.read_timeout_s)
        self._definition = definition
        self._fingerprint = fingerprint
        self._watchdog = watchdog
        self.tls_details: TlsDetails | None = None

    def connect(self) -> None:
        definition = self._definition
        family = socket.AF_INET6 if ":" in definition.address else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.settimeout(min(definition.connect_timeout_s, self._watchdog.remaining()) or 0.001)
            sock.connect((definition.address, definition.port))
            self._watchdog.watch(sock)  # a handshake that trickles is cut too
            if definition.tls:
                sock = self._handshake(sock)
                self._watchdog.watch(sock)
            sock.settimeout(definition.read_timeout_s)
        except BaseException:
            sock.close()
            raise
        self.sock = sock

    def _handshake(self, sock: socket.socket) -> ssl.SSLSocket:
        definition = self._definition
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        if definition.ca_pem:
            context.load_verify_locations(cadata=definition.ca_pem)
        else:
            # No CA: the pinned certificate fingerprint, checked below, is the verification.
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        tls = context.wrap_socket(sock, server_hostname=definition.host)
        der = tls.getpeercert(binary_form=True)
        if der is None:  # pragma: no cover - a TLS server always presents a certificate
            raise ssl.SSLError("the server presented no certificate")
        found = certificate_sha256(der)
        if self._fingerprint is not None and found != self._fingerprint:
            tls.close()
            raise _PinMismatch(found)
        if not definition.ca_pem and self._fingerprint is None:
            tls.close()
            raise ssl.SSLError("nothing to verify the server certificate against")
        cipher = tls.cipher()
        self.tls_details = TlsDetails(
            version=tls.version() or "",
            cipher=cipher[0] if cipher else "",
            certificate_sha256=found,
            verified_by=definition.verified_by or "pinned certificate",
        )
        return tls


class _PinMismatch(Exception):
    def __init__(self, found: str) -> None:
        super().__init__(found)
        self.found = found


class _Retryable(Exception):
    """A failure before any text was read: safe to try again."""

    def __init__(self, error: ModelError) -> None:
        super().__init__(error.message)
        self.error = error


@dataclass
class _Stream:
    served_model: str | None = None
    system_fingerprint: str | None = None
    finish_reason: str | None = None
    content_events: int = 0
    usage: dict[str, Any] = field(default_factory=dict)


class RemoteEngine:
    """An ``Engine`` that streams from a remote server. One connection per ``generate``; an
    instance is not shared between threads (``usage``/``timings`` describe its last call)."""

    def __init__(self, definition: EngineDefinition, token: str | None = None) -> None:
        definition.check()
        self.definition = definition
        self._token = token
        self.usage = Usage()
        self.timings = Timings()
        self.tls_details: TlsDetails | None = None
        self._last = _Stream()
        self._watchdog: _Watchdog | None = None
        # Opening the engine opens the guard for its one pinned destination, nothing else.
        netguard.allow(definition.address, definition.port)

    # -- Engine protocol

    def generate(self, messages: list[Message], params: SamplingParams) -> Iterator[str]:
        """Stream the reply. Raises ``ModelError`` naming the engine on any failure."""
        definition = self.definition
        self.usage = Usage()
        self.timings = Timings()
        self._last = stream = _Stream()
        body: dict[str, Any] = {
            "messages": messages,
            "stream": True,
            "stream_options": {"include_usage": True},
            "max_tokens": params.max_tokens,
            "temperature": params.temperature,
            "top_p": params.top_p,
            "top_k": params.top_k,
            "seed": params.seed,
            # llama.cpp's server defaults to a repeat penalty of 1.1 where llama-cpp-python
            # (the local engine) uses 1.0: say it, so the same params give the same text.
            "repeat_penalty": getattr(params, "repeat_penalty", 1.0),
        }
        if definition.model_id:
            body["model"] = definition.model_id
        started = time.perf_counter()
        first_at = last_at = None
        self._watchdog = watchdog = _Watchdog(definition.reply_timeout_s)
        connection: _PinnedConnection | None = None
        try:
            connection, response = self._request("POST", "/v1/chat/completions", body, watchdog)
            self.timings.load_s = time.perf_counter() - started
            if not response.getheader("Content-Type", "").startswith("text/event-stream"):
                raise self._error("answered without an event stream")
            for data in self._events(response):
                text = self._content(data, stream)
                if text:
                    stream.content_events += 1
                    if stream.content_events > 2 * params.max_tokens + 16:
                        raise self._error(
                            f"sent far more than the {params.max_tokens} tokens asked"
                        )
                    last_at = time.perf_counter()
                    if first_at is None:
                        first_at = last_at
                    yield text
            if stream.finish_reason is None:
                raise self._error("ended the stream before the reply was finished")
        except ModelError:
            if watchdog.expired:  # whatever the cut socket looked like from here
                raise self._out_of_time(watchdog) from None
            raise
        finally:
            watchdog.cancel()
            if connection is not None:
                connection.close()
            self._account(stream, started, first_at, last_at)

    def abort(self) -> None:
        """End the reply in progress now; safe from another thread. Its ``generate`` then
        raises ``ModelError``."""
        watchdog = self._watchdog
        if watchdog is not None:
            watchdog.expire()

    def close(self) -> None:
        return None

    def audit_details(self) -> dict[str, Any]:
        """What the audit entry records about this engine and its last reply."""
        definition = self.definition
        details: dict[str, Any] = {
            "name": definition.name,
            "endpoint": definition.endpoint,
            "address": definition.address,
            "model_id": definition.model_id,
            "served_model": self._last.served_model,
            "system_fingerprint": self._last.system_fingerprint,
        }
        if self.tls_details is not None:
            details["tls"] = self.tls_details.to_json()
        return details

    # -- checks (``engine add`` / ``engine check``)

    def served_models(self) -> list[str]:
        """The model ids the server lists at ``/v1/models``. Raises ``ModelError``."""
        watchdog = _Watchdog(self.definition.reply_timeout_s)
        connection: _PinnedConnection | None = None
        try:
            connection, response = self._request("GET", "/v1/models", None, watchdog)
            raw = self._read_body(response)
        except ModelError:
            if watchdog.expired:
                raise self._out_of_time(watchdog) from None
            raise
        finally:
            watchdog.cancel()
            if connection is not None:
                connection.close()
        try:
            listed = json.loads(raw)["data"]
            return sorted(str(entry["id"]) for entry in listed)
        except (ValueError, KeyError, TypeError):
            raise self._error(
                "answered /v1/models with something that is not a model list"
            ) from None

    # -- the HTTP exchange

    def _request(
        self, method: str, path: str, body: dict[str, Any] | None, watchdog: _Watchdog
    ) -> tuple[_PinnedConnection, http.client.HTTPResponse]:
        attempts = RETRIES + 1
        for attempt in range(attempts):
            try:
                return self._request_once(method, path, body, watchdog)
            except _Retryable as retryable:
                pause = RETRY_PAUSE_S * (2**attempt)
                if attempt == attempts - 1 or watchdog.remaining() <= pause:
                    raise retryable.error from None
                time.sleep(pause)
        raise AssertionError("unreachable")  # pragma: no cover

    def _request_once(
        self, method: str, path: str, body: dict[str, Any] | None, watchdog: _Watchdog
    ) -> tuple[_PinnedConnection, http.client.HTTPResponse]:
        definition = self.definition
        connection = _PinnedConnection(
            definition, fingerprint=definition.fingerprint, watchdog=watchdog
        )
        headers = {"Accept": "text/event-stream" if body else "application/json"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        try:
            connection.request(method, definition.base_path + path, body=payload, headers=headers)
            self.tls_details = connection.tls_details
            response = connection.getresponse()
        except _PinMismatch as mismatch:
            connection.close()
            raise self._error(
                f"presented a certificate that does not match its pin (sha256 {mismatch.found})"
            ) from None
        except ssl.SSLError as error:
            connection.close()
            raise self._error(f"failed TLS verification: {_one_line(error)}") from None
        except TimeoutError:
            # Not retried: a stalled server would make each attempt wait the whole timeout.
            connection.close()
            raise self._error("did not answer in time") from None
        except (OSError, http.client.HTTPException) as error:
            connection.close()
            raise _Retryable(self._error(f"is unreachable: {_one_line(error)}")) from None
        if response.status != 200:
            connection.close()
            meaning = _STATUS_MEANINGS.get(response.status)
            if meaning is None:
                meaning = f"failed ({response.status} {' '.join(response.reason.split())[:60]})"
            refused = self._error(meaning)
            if response.status in RETRY_STATUSES:
                raise _Retryable(refused)
            raise refused
        return connection, response

    @contextlib.contextmanager
    def _reading(self, cut: str) -> Iterator[None]:
        """A read from the server: a timeout is a stall, any other failure ``cut`` it."""
        try:
            yield
        except TimeoutError:
            raise self._error(
                f"stalled: no data for {self.definition.read_timeout_s:g} s"
            ) from None
        except (OSError, http.client.HTTPException) as error:
            raise self._error(f"{cut}: {_one_line(error)}") from None

    def _read_body(self, response: http.client.HTTPResponse) -> bytes:
        with self._reading("cut the connection"):
            raw = response.read(MAX_BODY_BYTES + 1)
        if len(raw) > MAX_BODY_BYTES:
            raise self._error("sent an answer too large to be one")
        return raw

    def _events(self, response: http.client.HTTPResponse) -> Iterator[dict[str, Any]]:
        """The JSON payloads of the server-sent events, up to ``[DONE]`` or the end."""
        data: list[bytes] = []
        timeout = self.definition.read_timeout_s
        last_event_at = time.monotonic()
        while True:
            if time.monotonic() - last_event_at > timeout:
                # Keep-alive comments are not progress: a server that only pings has stalled.
                raise self._error(f"stalled: no event for {timeout:g} s")
            with self._reading("cut the stream"):
                line = response.readline(MAX_LINE_BYTES + 1)
            if len(line) > MAX_LINE_BYTES:
                raise self._error("sent a malformed event (a line over 1 MiB)")
            if not line:
                return  # the end of the body; the caller decides whether that was early
            line = line.rstrip(b"\r\n")
            if line:
                field_name, _, value = line.partition(b":")
                if field_name == b"data":
                    data.append(value.removeprefix(b" "))
                continue  # comments (pings), event:, id:, retry: carry nothing for us
            if not data:
                continue
            payload = b"\n".join(data)
            data = []
            last_event_at = time.monotonic()
            if payload == b"[DONE]":
                return
            try:
                event = json.loads(payload)
            except ValueError:
                raise self._error("sent a malformed event (not JSON)") from None
            if not isinstance(event, dict):
                raise self._error("sent a malformed event (not an object)")
            yield event

    def _content(self, event: dict[str, Any], stream: _Stream) -> str:
        """The text in one chunk (empty for role-only, usage and final chunks)."""
        if "error" in event:
            raise self._error("reported an error in the middle of the reply")
        served = event.get("model")
        model_id = self.definition.model_id
        if isinstance(served, str):
            if model_id and served != model_id:
                raise self._error(
                    f"answered with model {served[:80]!r}, not the accredited {model_id!r}"
                )
            stream.served_model = served
        fingerprint = event.get("system_fingerprint")
        if isinstance(fingerprint, str):
            stream.system_fingerprint = fingerprint[:200]
        usage = event.get("usage")
        if isinstance(usage, dict):
            stream.usage = usage
        choices = event.get("choices")
        if not isinstance(choices, list):
            raise self._error("sent a malformed event (no choices)")
        if not choices:
            return ""  # the usage chunk of stream_options.include_usage
        choice = choices[0]
        if not isinstance(choice, dict) or not isinstance(choice.get("delta", {}), dict):
            raise self._error("sent a malformed event (a choice without a delta)")
        if choice.get("finish_reason"):
            stream.finish_reason = str(choice["finish_reason"])
        text = choice.get("delta", {}).get("content")
        if text is None:
            return ""
        if not isinstance(text, str):
            raise self._error("sent a malformed event (content that is not text)")
        return text

    def _account(
        self, stream: _Stream, started: float, first_at: float | None, last_at: float | None
    ) -> None:
        # Servers that report usage (vLLM with include_usage) are believed; otherwise each
        # content event is one token, as llama.cpp's and vLLM's servers stream them.
        prompt = stream.usage.get("prompt_tokens")
        completion = stream.usage.get("completion_tokens")
        self.usage = Usage(
            prompt_tokens=prompt if isinstance(prompt, int) else 0,
            completion_tokens=completion if isinstance(completion, int) else stream.content_events,
            finish_reason="length" if stream.finish_reason == "length" else "stop",
        )
        self.timings.completion_tokens = self.usage.completion_tokens
        if first_at is not None and last_at is not None:
            self.timings.first_token_s = first_at - started
            self.timings.decode_s = last_at - first_at

    def _error(self, what: str) -> ModelError:
        return ModelError(f"engine {self.definition.name} {what}")

    def _out_of_time(self, watchdog: _Watchdog) -> ModelError:
        return self._error(f"did not finish its reply within {watchdog.seconds:g} s")


__all__ = [
    "ENGINE_NAME",
    "EngineDefinition",
    "ParsedUrl",
    "RemoteEngine",
    "TlsDetails",
    "certificate_sha256",
    "parse_engine_url",
    "pin_address",
    "presented_certificate",
]
