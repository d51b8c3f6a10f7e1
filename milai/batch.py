"""``milai batch``: a file of OpenAI Batch API requests through the one gated pipeline.

Input: JSON Lines in the OpenAI Batch API input format (the format vLLM's ``run-batch``
reads too): ``{"custom_id", "method": "POST", "url": "/v1/chat/completions", "body":
{"messages", "max_tokens", "temperature", "seed", "top_p", "response_format"}}``.
Output: JSON Lines in the OpenAI batch output format (``id``, ``custom_id``, ``response
{status_code, request_id, body}``, ``error``) with milai's ``decision``, ``level`` and
findings added. Every line is a turn of its own ``Session`` (gated, audited, no history
carried between lines); the sessions share one model load, at one clearance.

OUT is the checkpoint: entries are appended in IN's order, each whole and fsynced, so a
killed batch leaves valid JSON Lines (a torn last entry is cut off on the next run) and
re-running skips the ``custom_id``s OUT already holds. Lines run one at a time write a
line's outcome and OUT entry behind, while the next line decodes (``_WriteBehind``); with
``concurrency`` above 1 (remote engines) an entry waits for the lines before it. Either way
OUT is a prefix of the answers and a kill only costs re-asking the last lines.
"""

from __future__ import annotations

import dataclasses
import fcntl
import json
import os
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TypeVar

from milai.engine import MAX_SEED, Engine, LoadOptions, Message, SamplingParams, Timings, Usage
from milai.errors import Blocked, MilaiError, UsageError
from milai.events import RunEvent
from milai.pipeline import (
    AuditSink,
    EngineLoader,
    ModelInfo,
    ModelSource,
    Pipeline,
    RunResult,
)
from milai.policy import Decision
from milai.structured import (
    OutputSchema,
    SchemaError,
    SchemaMismatch,
    schema_from_response_format,
    structured_gate_factory,
)

CHAT_COMPLETIONS = "/v1/chat/completions"
MAX_LINE_BYTES = 8 << 20
MAX_CUSTOM_ID = 512
MAX_CONCURRENCY = 64
ROLES = ("system", "user", "assistant")
# Body keys milai honours; ``model`` is accepted and ignored (every line runs on the
# batch's model), ``user``/``metadata`` are labels. Anything else is refused, not ignored.
_BODY_KEYS = frozenset(
    {
        "messages",
        "model",
        "max_tokens",
        "max_completion_tokens",
        "temperature",
        "top_p",
        "top_k",
        "seed",
        "response_format",
        "n",
        "stream",
        "user",
        "metadata",
    }
)


class BatchFileError(UsageError):
    """IN or OUT cannot be used (unreadable, not a batch output, locked): exit 2."""


@dataclass(frozen=True)
class LineError:
    """Why one input line could not run; reported in OUT and on stderr."""

    line: int
    code: str
    message: str
    custom_id: str | None = None


@dataclass(frozen=True)
class BatchRequest:
    """One valid input line: the conversation split the way a ``Session`` takes it."""

    line: int
    custom_id: str
    system: str | None
    prompt: str
    params: SamplingParams
    schema: OutputSchema | None


@dataclass(frozen=True)
class LineOutcome:
    """What became of one input line (for progress and the summary)."""

    line: int
    custom_id: str | None
    status: str  # ok | blocked | failed | invalid | skipped
    completion_tokens: int = 0
    message: str = ""


@dataclass
class BatchSummary:
    lines: int = 0
    ok: int = 0
    blocked: int = 0
    failed: int = 0
    invalid: int = 0
    skipped: int = 0

    def add(self, outcome: LineOutcome) -> None:
        self.lines += 1
        setattr(self, outcome.status, getattr(self, outcome.status) + 1)


# ---------------------------------------------------------------------------------------
# Input


def _content_text(content: Any, where: str) -> str:
    """A message's text: a string, or a list of ``{"type": "text", "text": …}`` parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = []
        for part in content:
            if not (
                isinstance(part, dict)
                and part.get("type") == "text"
                and isinstance(part.get("text"), str)
            ):
                raise ValueError(f"{where}: only text content parts are supported")
            texts.append(part["text"])
        # Each part starts a paragraph of its own, as a message does.
        return "\n\n".join(texts)
    raise ValueError(f"{where}: content must be a string or a list of text parts")


def split_conversation(messages: Any) -> tuple[str | None, str]:
    """(system text, prompt) for a ``Session``: the leading system messages become its
    system text; the rest is the prompt. Every message's content is in one or the other,
    so all of it is gated. A conversation with earlier turns is given as a transcript with
    each message's role on a line of its own.

    Raises ``ValueError`` for a malformed conversation.
    """
    if not isinstance(messages, list) or not messages:
        raise ValueError("body.messages must be a non-empty list")
    parsed: list[Message] = []
    for index, message in enumerate(messages):
        where = f"body.messages[{index}]"
        if not isinstance(message, dict):
            raise ValueError(f"{where} is not an object")
        role = message.get("role")
        if role not in ROLES:
            raise ValueError(f"{where}.role must be one of {', '.join(ROLES)}")
        parsed.append({"role": role, "content": _content_text(message.get("content"), where)})
    if parsed[-1]["role"] != "user":
        raise ValueError("the last message must be the user's")
    leading = 0
    while parsed[leading]["role"] == "system":
        leading += 1
    system = "\n\n".join(m["content"] for m in parsed[:leading]) or None
    rest = parsed[leading:]
    if len(rest) == 1:
        return system, rest[0]["content"]
    transcript = "\n\n".join(f"{m['role'].capitalize()}:\n{m['content']}" for m in rest)
    return system, transcript


def _number(body: dict[str, Any], key: str, low: float, high: float) -> float | None:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise ValueError(f"body.{key} must be a number between {low:g} and {high:g}")
    return float(value)


def _integer(body: dict[str, Any], key: str, low: int, high: int) -> int | None:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"body.{key} must be an integer between {low} and {high}")
    return value


def sampling_from_body(body: dict[str, Any], defaults: SamplingParams) -> SamplingParams:
    """The line's sampling parameters over the batch's defaults; a fresh random seed for a
    line that gives none (it is recorded). Raises ``ValueError``."""
    unknown = sorted(set(body) - _BODY_KEYS)
    if unknown:
        raise ValueError(f"unsupported body parameter {unknown[0]!r}")
    if body.get("n", 1) != 1:
        raise ValueError("body.n must be 1")
    if body.get("stream", False) is not False:
        raise ValueError("body.stream is not supported in a batch")
    max_tokens = _integer(body, "max_completion_tokens", 1, 1 << 20)
    if max_tokens is None:
        max_tokens = _integer(body, "max_tokens", 1, 1 << 20)
    temperature = _number(body, "temperature", 0.0, 5.0)
    top_p = _number(body, "top_p", 0.0, 1.0)
    top_k = _integer(body, "top_k", 0, 1 << 20)
    seed = _integer(body, "seed", 0, MAX_SEED)
    return dataclasses.replace(
        defaults,
        max_tokens=defaults.max_tokens if max_tokens is None else max_tokens,
        temperature=defaults.temperature if temperature is None else temperature,
        top_p=defaults.top_p if top_p is None else top_p,
        top_k=defaults.top_k if top_k is None else top_k,
        seed=secrets.randbelow(MAX_SEED) if seed is None else seed,
    )


def parse_request(
    data: bytes,
    line: int,
    defaults: SamplingParams,
    default_schema: OutputSchema | None = None,
) -> BatchRequest | LineError:
    """One input line, checked. Never raises for bad input: returns a ``LineError``."""
    try:
        request = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        return LineError(line, "invalid_json", "the line is not UTF-8 text")
    except ValueError as error:
        return LineError(line, "invalid_json", f"the line is not JSON ({error})")
    if not isinstance(request, dict):
        return LineError(line, "invalid_request", "the line is not a JSON object")
    custom_id = request.get("custom_id")
    if not isinstance(custom_id, str) or not custom_id:
        return LineError(line, "invalid_request", "custom_id is missing or not a string")
    if len(custom_id) > MAX_CUSTOM_ID:
        return LineError(line, "invalid_request", f"custom_id is longer than {MAX_CUSTOM_ID}")

    def refuse(code: str, message: str) -> LineError:
        return LineError(line, code, message, custom_id)

    if request.get("method", "POST") != "POST":
        return refuse("invalid_request", "method must be POST")
    if request.get("url") != CHAT_COMPLETIONS:
        return refuse("invalid_url", f"url must be {CHAT_COMPLETIONS}")
    body = request.get("body")
    if not isinstance(body, dict):
        return refuse("invalid_request", "body is missing or not an object")
    try:
        system, prompt = split_conversation(body.get("messages"))
        params = sampling_from_body(body, defaults)
    except ValueError as error:
        return refuse("invalid_request", str(error))
    try:
        schema = schema_from_response_format(body.get("response_format")) or default_schema
    except SchemaError as error:
        return refuse("invalid_schema", error.message)
    if schema is not None:
        params = dataclasses.replace(params, json_schema=schema.text)
    return BatchRequest(line, custom_id, system, prompt, params, schema)


def read_lines(handle: IO[bytes]) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) for each non-blank line; None for a line over the size limit
    (skipped without holding it in memory)."""
    number = 0
    while True:
        data = handle.readline(MAX_LINE_BYTES + 1)
        if not data:
            return
        number += 1
        if len(data) > MAX_LINE_BYTES and not data.endswith(b"\n"):
            while data and not data.endswith(b"\n"):
                data = handle.readline(MAX_LINE_BYTES)
            yield number, None
            continue
        if data.strip():
            yield number, data


def count_lines(path: Path) -> int:
    """How many non-blank lines ``path`` has (for a progress bar's total)."""
    total = 0
    with path.open("rb") as handle:
        for _, _data in read_lines(handle):
            total += 1
    return total


# ---------------------------------------------------------------------------------------
# Output


class BatchOutput:
    """OUT, opened for appending under an exclusive lock: what it already holds, and a
    durable ``append`` (one write, flush and fsync per entry)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.done: set[str] = set()
        self.blocked: set[str] = set()  # custom_ids the policy blocked, this run or before
        self.reported_lines: set[int] = set()
        self._fd = -1

    def __enter__(self) -> BatchOutput:
        try:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        except OSError as error:
            raise BatchFileError(f"cannot open {self.path}: {error.strerror}") from None
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self._fd)
            raise BatchFileError(f"{self.path} is in use by another milai batch") from None
        try:
            self._resume()
        except BaseException:
            os.close(self._fd)
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        os.close(self._fd)

    def _resume(self) -> None:
        """Read what OUT holds; cut off a torn last entry (the line being written when the
        last run was killed: it runs again)."""
        with open(self._fd, "rb", closefd=False) as handle:
            handle.seek(0)
            good_end = 0
            for number, data in enumerate(handle, start=1):
                if not data.endswith(b"\n"):
                    break  # the torn tail: cut below
                good_end += len(data)
                if not data.strip():
                    continue
                self._remember(number, data)
            size = handle.seek(0, os.SEEK_END)
        if good_end < size:
            os.ftruncate(self._fd, good_end)
            os.fsync(self._fd)

    def _remember(self, number: int, data: bytes) -> None:
        try:
            entry = json.loads(data)
        except ValueError:
            entry = None
        if not isinstance(entry, dict) or "custom_id" not in entry:
            raise BatchFileError(
                f"{self.path} line {number} is not a batch output entry",
                hint="give a new -o file, or the OUT of an earlier run of this batch",
            )
        self._note(entry)

    def _note(self, entry: dict[str, Any]) -> None:
        custom_id = entry.get("custom_id")
        error = entry.get("error")
        if isinstance(custom_id, str):
            self.done.add(custom_id)
            if isinstance(error, dict) and error.get("code") == "blocked":
                self.blocked.add(custom_id)
        elif isinstance(error, dict) and isinstance(error.get("line"), int):
            self.reported_lines.add(error["line"])

    def append(self, entry: dict[str, Any]) -> None:
        """Write ``entry`` as one line and make it durable before returning."""
        data = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
        try:
            written = os.write(self._fd, data)
            while written < len(data):
                written += os.write(self._fd, data[written:])
            os.fsync(self._fd)
        except OSError as error:
            raise BatchFileError(f"cannot write {self.path}: {error.strerror}") from None
        self._note(entry)


def _new_id(prefix: str) -> str:
    return f"{prefix}{secrets.token_hex(12)}"


def error_entry(error: LineError) -> dict[str, Any]:
    return {
        "id": _new_id("batch_req_"),
        "custom_id": error.custom_id,
        "response": None,
        "error": {"code": error.code, "message": error.message, "line": error.line},
    }


def _finish_reason(result: RunResult) -> str:
    return "length" if result.usage.completion_tokens >= result.params.max_tokens else "stop"


def success_entry(request: BatchRequest, result: RunResult) -> dict[str, Any]:
    usage = result.usage
    return {
        "id": _new_id("batch_req_"),
        "custom_id": request.custom_id,
        "response": {
            "status_code": 200,
            "request_id": _new_id("req_"),
            "body": {
                "id": _new_id("chatcmpl-"),
                "object": "chat.completion",
                "created": int(time.time()),
                "model": result.model.name,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": result.text},
                        "logprobs": None,
                        "finish_reason": _finish_reason(result),
                    }
                ],
                "usage": {
                    "prompt_tokens": usage.prompt_tokens,
                    "completion_tokens": usage.completion_tokens,
                    "total_tokens": usage.prompt_tokens + usage.completion_tokens,
                },
            },
        },
        "error": None,
        "decision": str(result.decision.action),
        "level": result.level,
        "findings": [finding.to_json() for finding in result.decision.findings],
        "prompt_findings": [finding.to_json() for finding in result.prompt_decision.findings],
        "seed": result.params.seed,
    }


def blocked_entry(request: BatchRequest, blocked: Blocked, stage: str) -> dict[str, Any]:
    """A blocked line: the rule ids and levels, never the text."""
    decision = blocked.decision if isinstance(blocked.decision, Decision) else None
    findings = [finding.to_json() for finding in decision.findings] if decision else []
    entry: dict[str, Any] = {
        "id": _new_id("batch_req_"),
        "custom_id": request.custom_id,
        "response": None,
        "error": {
            "code": "blocked",
            "message": blocked.message,
            "rules": sorted({finding["rule"] for finding in findings}),
            "stage": stage,
        },
        "decision": "block",
        "level": decision.level if decision else None,
        "findings": findings if stage == "output" else [],
        "prompt_findings": findings if stage == "prompt" else [],
        "seed": request.params.seed,
    }
    return entry


# ---------------------------------------------------------------------------------------
# Running


class _SharedEngine:
    """The engine of one worker (the batch's one engine when lines run one at a time), lent
    to each line's session: closing it is the batch's job. Once the batch is ``cancelled``,
    a reply in progress ends at its next chunk as an interruption (so the audit log says
    so), and no new one starts."""

    def __init__(self, engine: Engine, cancelled: threading.Event | None = None) -> None:
        self.engine = engine
        self.generate_calls = 0
        self._cancelled = cancelled

    @property
    def usage(self) -> Usage:
        return self.engine.usage

    @usage.setter
    def usage(self, value: Usage) -> None:
        self.engine.usage = value

    @property
    def timings(self) -> Timings:
        return self.engine.timings

    @timings.setter
    def timings(self, value: Timings) -> None:
        self.engine.timings = value

    def generate(self, messages: list[Message], params: SamplingParams) -> Iterator[str]:
        self.generate_calls += 1
        if self._cancelled is None:
            return self.engine.generate(messages, params)
        return self._cancellable(self._cancelled, messages, params)

    def _cancellable(
        self, cancelled: threading.Event, messages: list[Message], params: SamplingParams
    ) -> Iterator[str]:
        if cancelled.is_set():
            raise KeyboardInterrupt
        chunks = self.engine.generate(messages, params)
        try:
            for chunk in chunks:
                if cancelled.is_set():
                    raise KeyboardInterrupt
                yield chunk
        except MilaiError:
            if cancelled.is_set():  # the reply was cut because the batch stopped
                raise KeyboardInterrupt from None
            raise
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()

    def abort(self) -> None:
        """End the reply in progress now, from another thread (a remote engine shuts its
        connection; a local one has nothing to cut and stops at its next token)."""
        abort = getattr(self.engine, "abort", None)
        if abort is not None:
            abort()

    def close(self) -> None:
        return None  # each line's session closes its loan; the batch closes the engine


class _LoadOnce:
    """A model source and loader for the batch's sessions: the model is opened (decrypted)
    and loaded once, on the first line that passes the gate, and shared by every line (of
    one worker, when lines run concurrently)."""

    def __init__(
        self, models: ModelSource, load: EngineLoader, cancelled: threading.Event | None = None
    ) -> None:
        self._models = models
        self._load = load
        self._cancelled = cancelled
        self._stack = ExitStack()
        self._path: str | None = None
        self._infos: dict[str, ModelInfo] = {}
        self.engine: _SharedEngine | None = None
        self.failed: MilaiError | None = None

    def model(self, name: str) -> ModelInfo:
        if name not in self._infos:
            self._infos[name] = self._models.model(name)
        return self._infos[name]

    def open_model(self, name: str) -> AbstractContextManager[str]:
        if self._path is None:
            try:
                self._path = self._stack.enter_context(self._models.open_model(name))
            except MilaiError as error:
                self.failed = error
                raise
        return _lent(self._path)

    def load(self, path: str, options: LoadOptions) -> Engine:
        if self.engine is None:
            try:
                self.engine = _SharedEngine(self._load(path, options), self._cancelled)
            except MilaiError as error:
                self.failed = error
                raise
            self._stack.callback(self.engine.engine.close)
        return self.engine

    @property
    def generate_calls(self) -> int:
        return 0 if self.engine is None else self.engine.generate_calls

    def abort(self) -> None:
        if self.engine is not None:
            self.engine.abort()

    def close(self) -> None:
        self._stack.close()


@contextmanager
def _lent(path: str) -> Iterator[str]:
    yield path


class _Worker:
    """What one line runner holds: its own model load (for a remote engine, its own
    ``RemoteEngine`` and connection) and its pipelines, plain and per JSON schema."""

    def __init__(self, pipeline: Pipeline, cancelled: threading.Event | None = None) -> None:
        self.shared = _LoadOnce(pipeline.models, pipeline.load, cancelled)
        self._plain = dataclasses.replace(pipeline, models=self.shared, load=self.shared.load)
        self._structured: dict[str, Pipeline] = {}

    def pipeline(self, schema: OutputSchema | None) -> Pipeline:
        if schema is None:
            return self._plain
        pipeline = self._structured.get(schema.text)
        if pipeline is None:
            pipeline = dataclasses.replace(self._plain, gate=structured_gate_factory(schema))
            self._structured[schema.text] = pipeline
        return pipeline


class _SerialModels:
    """A model source whose every use holds ``lock`` (vault reads from worker threads)."""

    def __init__(self, models: ModelSource, lock: threading.Lock) -> None:
        self._models = models
        self._lock = lock

    def model(self, name: str) -> ModelInfo:
        with self._lock:
            return self._models.model(name)

    @contextmanager
    def open_model(self, name: str) -> Iterator[str]:
        stack = ExitStack()
        with self._lock:
            path = stack.enter_context(self._models.open_model(name))
        try:
            yield path
        finally:
            with self._lock:
                stack.close()


class _SerialAudit:
    """An audit sink whose every write holds ``lock``: entries from worker threads are
    appended one at a time, each whole."""

    def __init__(self, audit: AuditSink, lock: threading.Lock) -> None:
        self._audit = audit
        self._lock = lock

    def preflight(self) -> None:
        with self._lock:
            self._audit.preflight()

    def started(self, event: RunEvent) -> None:
        with self._lock:
            self._audit.started(event)

    def record(self, event: RunEvent) -> None:
        with self._lock:
            self._audit.record(event)


_Result = TypeVar("_Result")


def _holding(lock: threading.Lock, function: Callable[..., _Result]) -> Callable[..., _Result]:
    def call(*args: Any) -> _Result:
        with lock:
            return function(*args)

    return call


def _serialised(pipeline: Pipeline) -> Pipeline:
    """``pipeline`` for worker threads: the vault, the audit log and the text store behind
    one lock. The gate and the engines are per session and need none."""
    lock = threading.Lock()
    keep_text = pipeline.keep_text
    return dataclasses.replace(
        pipeline,
        models=_SerialModels(pipeline.models, lock),
        load=_holding(lock, pipeline.load),
        audit=_SerialAudit(pipeline.audit, lock),
        digest=_holding(lock, pipeline.digest),
        keep_text=None if keep_text is None else _holding(lock, keep_text),
    )


class _WriteBehind:
    """The audit sink and OUT writer of a batch whose lines run one at a time, so that the
    disk waits overlap the model's work instead of adding to it.

    A line's ``started`` entry is written at once: the model never sees a prompt before it
    is on disk. Its outcome entry and its OUT entry are held until the next line's
    ``started`` entry is on disk, then a writer thread writes them, outcome first, while that
    next line decodes. Each file keeps its order (OUT is IN's order; an OUT entry never
    precedes its outcome entry). A kill can lose the held outcome and OUT entry of the last
    line or two: the log then shows their runs as started with no outcome, OUT lacks them,
    and a re-run asks them again (no gap, no duplicate in OUT). A failed write surfaces at
    the next ``started`` or at ``close``; from then on OUT gets nothing more (it stays a
    prefix of IN), while the later outcome entries are still tried, so the log says what
    happened to lines that did run.
    """

    MAX_HELD = 64  # lines that never reach the model (bad, blocked) are written in groups

    def __init__(self, audit: AuditSink, out: Callable[[dict[str, Any]], None]) -> None:
        self._audit = audit
        self._out = out
        self._held: list[RunEvent | dict[str, Any]] = []  # outcome events and OUT entries
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="milai-batch-writer")
        self._writing: Future[None] | None = None
        self._broken = False  # a write failed: OUT gets nothing more

    def preflight(self) -> None:
        self._settle()
        self._audit.preflight()

    def started(self, event: RunEvent) -> None:
        self._settle()
        self._audit.started(event)
        held, self._held = self._held, []
        if held:
            self._writing = self._writer.submit(self._write, held)

    def record(self, event: RunEvent) -> None:
        self._hold(event)

    def append(self, entry: dict[str, Any]) -> None:
        self._hold(entry)

    def close(self) -> None:
        """Write everything still held and stop the writer. Raises what a write raises."""
        try:
            self._settle()
            held, self._held = self._held, []
            self._write(held)
        finally:
            self._writer.shutdown(wait=True)

    def _hold(self, item: RunEvent | dict[str, Any]) -> None:
        self._held.append(item)
        if len(self._held) >= self.MAX_HELD:
            self._settle()
            held, self._held = self._held, []
            self._write(held)

    def _settle(self) -> None:
        writing, self._writing = self._writing, None
        if writing is not None:
            writing.result()  # the writer's failure, if any, is the caller's now

    def _write(self, held: list[RunEvent | dict[str, Any]]) -> None:
        failure: Exception | None = None
        for item in held:
            try:
                if isinstance(item, RunEvent):
                    self._audit.record(item)
                elif not self._broken:
                    self._out(item)
            except Exception as error:
                self._broken = True
                failure = failure or error
        if failure is not None:
            raise failure


@dataclass(frozen=True)
class _Done:
    """A line's result, ready for OUT: its entry (None for a line OUT already holds)."""

    entry: dict[str, Any] | None
    outcome: LineOutcome


def _ready(done: _Done) -> Future[_Done]:
    future: Future[_Done] = Future()
    future.set_result(done)
    return future


@dataclass
class BatchRunner:
    """Runs the lines of one batch file, one ``Session`` turn each: on one model load, or,
    with ``concurrency`` above 1 (remote engines only), on that many worker threads each
    with its own connection, every line gated on its own and OUT written in IN's order."""

    pipeline: Pipeline
    model_name: str
    clearance: str
    out_level: str | None = None
    load_options: LoadOptions = field(default_factory=LoadOptions)
    defaults: SamplingParams = field(default_factory=SamplingParams)
    schema: OutputSchema | None = None
    concurrency: int = 1

    def run(
        self,
        source: IO[bytes],
        output: BatchOutput,
        report: Callable[[LineOutcome], None] = lambda outcome: None,
    ) -> BatchSummary:
        """Run every line of ``source`` that ``output`` does not hold yet.

        Bad lines and lines the policy blocks are entries in OUT, never an exception.
        Raises ``UsageError`` for a ``concurrency`` out of range or above 1 with a local
        model, ``VaultError``, ``ModelError`` (the model cannot be opened or loaded, a
        remote engine fails), ``BatchFileError``, ``KeyboardInterrupt``: the batch stops,
        OUT stays valid (a prefix of the answers, in IN's order) and a re-run resumes.
        """
        self.check()
        summary = BatchSummary()
        first_line: dict[str, int] = {}
        lines = (
            self._prepare(number, data, output, first_line) for number, data in read_lines(source)
        )

        def finisher(write: Callable[[dict[str, Any]], None]) -> Callable[[_Done], None]:
            def finish(done: _Done) -> None:
                if done.entry is not None:
                    write(done.entry)
                summary.add(done.outcome)
                report(done.outcome)

            return finish

        if self.concurrency == 1:
            self._run_in_turn(lines, finisher, output)
        else:
            self._run_concurrently(lines, finisher(output.append))
        return summary

    def check(self) -> None:
        """Refuse settings no line could run with. Raises ``UsageError`` for a
        ``concurrency`` out of range or above 1 with a local model, ``ModelError`` for an
        unknown model (only looked up when ``concurrency`` is above 1)."""
        if not 1 <= self.concurrency <= MAX_CONCURRENCY:
            raise UsageError(f"--concurrency must be between 1 and {MAX_CONCURRENCY}")
        if self.concurrency == 1:
            return
        model = self.pipeline.models.model(self.model_name)
        if getattr(model, "kind", "local") != "remote":
            # One llama.cpp context decodes one sequence at a time: lines in parallel would
            # only queue on it. Refused rather than clamped, so no script believes it got N.
            raise UsageError(
                "--concurrency must be 1 with a local model",
                hint="parallel lines need a remote inference engine",
            )

    def _run_in_turn(
        self,
        lines: Iterator[_Done | BatchRequest],
        finisher: Callable[[Callable[[dict[str, Any]], None]], Callable[[_Done], None]],
        output: BatchOutput,
    ) -> None:
        behind = _WriteBehind(self.pipeline.audit, output.append)
        worker = _Worker(dataclasses.replace(self.pipeline, audit=behind))
        finish = finisher(behind.append)
        try:
            for item in lines:
                finish(item if isinstance(item, _Done) else self._turn(item, worker))
        except BaseException as error:
            try:
                behind.close()  # what the lines before (and this one's outcome) left held
            except Exception as failure:
                error.add_note(f"what the batch held back was not all written: {failure}")
            raise
        else:
            behind.close()
        finally:
            worker.shared.close()

    def _run_concurrently(
        self, lines: Iterator[_Done | BatchRequest], finish: Callable[[_Done], None]
    ) -> None:
        """Keep ``concurrency`` lines in flight, one worker thread and one engine each, and
        write their entries in IN's order: an entry waits for the lines before it, so OUT is
        always a prefix a re-run can resume from. At most ``4 * concurrency`` lines are
        started ahead of the oldest unwritten one. When anything stops the batch, the
        lines in flight are cut (recorded as interrupted) and nothing after the last
        written entry is kept: a re-run asks them again."""
        cancelled = threading.Event()
        pipeline = _serialised(self.pipeline)
        workers: list[_Worker] = []
        workers_lock = threading.Lock()
        local = threading.local()

        def work(request: BatchRequest) -> _Done:
            if cancelled.is_set():  # taken from the queue as the batch stopped: not started
                raise KeyboardInterrupt
            worker: _Worker | None = getattr(local, "worker", None)
            if worker is None:
                worker = local.worker = _Worker(pipeline, cancelled)
                with workers_lock:
                    workers.append(worker)
            return self._turn(request, worker)

        window = 4 * self.concurrency
        pending: deque[Future[_Done]] = deque()
        pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="milai-batch")
        try:
            for item in lines:
                pending.append(_ready(item) if isinstance(item, _Done) else pool.submit(work, item))
                while pending and (pending[0].done() or len(pending) >= window):
                    finish(pending.popleft().result())
            while pending:
                finish(pending.popleft().result())
        except BaseException:
            cancelled.set()
            with workers_lock:
                for worker in workers:
                    worker.shared.abort()
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            for worker in workers:
                worker.shared.close()

    def _prepare(
        self,
        number: int,
        data: bytes | None,
        output: BatchOutput,
        first_line: dict[str, int],
    ) -> _Done | BatchRequest:
        """Check one line: a request to run, or what OUT gets for it without the model."""
        if data is None:
            parsed: BatchRequest | LineError = LineError(
                number, "invalid_request", f"the line is longer than {MAX_LINE_BYTES} bytes"
            )
        else:
            parsed = parse_request(data, number, self.defaults, self.schema)
        custom_id = parsed.custom_id
        if custom_id is not None and custom_id in first_line:
            parsed = LineError(
                number,
                "duplicate_custom_id",
                f"custom_id already used on line {first_line[custom_id]}",
            )
        elif custom_id is not None:
            first_line[custom_id] = number
            if custom_id in output.done:
                return _Done(None, LineOutcome(number, custom_id, "skipped"))
        if isinstance(parsed, LineError):
            if parsed.custom_id is None and number in output.reported_lines:
                return _Done(None, LineOutcome(number, None, "skipped"))
            outcome = LineOutcome(number, parsed.custom_id, "invalid", message=parsed.message)
            return _Done(error_entry(parsed), outcome)
        return parsed

    def _turn(self, request: BatchRequest, worker: _Worker) -> _Done:
        shared = worker.shared
        calls_before = shared.generate_calls
        released: list[str] = []
        try:
            with worker.pipeline(request.schema).session(
                self.model_name,
                clearance=self.clearance,
                out_level=self.out_level,
                load_options=self.load_options,
                command="batch",
                system=request.system,
            ) as session:
                result = session.turn(request.prompt, request.params, released.append)
        except Blocked as blocked:
            stage = "output" if shared.generate_calls > calls_before else "prompt"
            return _Done(
                blocked_entry(request, blocked, stage),
                LineOutcome(request.line, request.custom_id, "blocked", message=blocked.message),
            )
        except SchemaMismatch as mismatch:
            failure = LineError(request.line, "schema", mismatch.message, request.custom_id)
        except UsageError as error:
            if shared.failed is not None:
                raise  # the model could not be opened or loaded: no line can run
            failure = LineError(request.line, "invalid_request", error.message, request.custom_id)
        else:
            return _Done(
                success_entry(request, result),
                LineOutcome(request.line, request.custom_id, "ok", result.usage.completion_tokens),
            )
        return _Done(
            error_entry(failure),
            LineOutcome(request.line, request.custom_id, "failed", message=failure.message),
        )


def open_source(path: Path) -> IO[bytes]:
    """IN, opened for reading. Raises ``BatchFileError``."""
    try:
        return path.open("rb")
    except IsADirectoryError:
        raise BatchFileError(f"{path} is a directory, not a batch file") from None
    except OSError as error:
        raise BatchFileError(f"cannot read {path}: {error.strerror}") from None


__all__ = [
    "BatchFileError",
    "BatchOutput",
    "BatchRequest",
    "BatchRunner",
    "BatchSummary",
    "LineError",
    "LineOutcome",
    "count_lines",
    "open_source",
    "parse_request",
    "split_conversation",
]
