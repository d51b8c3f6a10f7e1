"""The only module that imports ``llama_cpp``: load a GGUF model and stream chat completions.

llama.cpp's own logging is routed through ``llama_log_set`` into the ``milai.llama`` logger,
so stderr stays silent unless the CLI is asked to be verbose.
"""

from __future__ import annotations

import ctypes
import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, cast

import llama_cpp
import llama_cpp.llama_chat_format as llama_chat_format
from llama_cpp import Llama
from llama_cpp.llama_grammar import LlamaGrammar

from milai.engine import (
    MIN_CONTEXT_TOKENS,
    LoadOptions,
    Message,
    SamplingParams,
    Timings,
    Usage,
)
from milai.engine.hardware import default_threads, physical_cores
from milai.errors import ModelError, UsageError

GGUF_MAGIC = b"GGUF"
EMBED_TOKENS = 512
# Characters per call into llama.cpp when embedding (one text at least): a Ctrl-C that lands
# in its log callback is raised when the call returns, so a document's passages go in groups
# of about one EMBED_TOKENS batch (~4 characters a token in prose; a denser text is cut at
# EMBED_TOKENS anyway) and an interrupt waits for one decode, not for the whole document.
# Short passages still share a batch: the tokens decoded are the same, only the calls more.
EMBED_GROUP_CHARS = 4 * EMBED_TOKENS
_log = logging.getLogger("milai.llama")

# ggml_log_level in the llama.cpp this binding vendors: NONE, DEBUG, INFO, WARN, ERROR, and
# CONT, which continues the previous message at its level.
_LOG_LEVELS = {1: logging.DEBUG, 2: logging.INFO, 3: logging.WARNING, 4: logging.ERROR}
_GGML_LOG_CONT = 5
_last_level = logging.DEBUG
# A Ctrl-C (or SIGTERM's ``Terminated``) that arrives while llama.cpp is calling back into
# Python with a log line is raised inside the ctypes callback, where ctypes prints a traceback
# and drops it: the load would go on as if nothing had been pressed. The callback keeps it
# here and ``_raising_interrupts`` raises it once llama.cpp has returned.
_pending_interrupt: KeyboardInterrupt | None = None


@llama_cpp.llama_log_callback  # type: ignore[untyped-decorator]
def _route_llama_log(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
    global _last_level, _pending_interrupt
    try:
        if level != _GGML_LOG_CONT:
            _last_level = _LOG_LEVELS.get(level, logging.DEBUG)
        message = text.decode("utf-8", errors="replace").rstrip("\n")
        if message:
            _log.log(_last_level, "%s", message)
    except KeyboardInterrupt as interrupt:
        _pending_interrupt = interrupt


@contextmanager
def _raising_interrupts() -> Iterator[None]:
    """Around a call into llama.cpp: raise the interrupt its log callback caught, if any
    (it wins over the call's own error: the user asked to stop), also one caught by an
    earlier call that was not wrapped (a ``close``)."""
    global _pending_interrupt
    try:
        yield
    finally:
        interrupt, _pending_interrupt = _pending_interrupt, None
        if interrupt is not None:
            raise interrupt


llama_cpp.llama_log_set(_route_llama_log, ctypes.c_void_p(0))


class _CountingLlama(Llama):
    """A ``Llama`` that counts its ``eval`` calls: exact token counts when streaming, which
    llama-cpp-python reports only for non-streamed completions."""

    eval_calls: int = 0
    prompt_tokens: int = 0

    def start_counting(self) -> None:
        self.eval_calls = 0
        self.prompt_tokens = 0

    def eval(self, tokens: Sequence[int]) -> None:
        if self.eval_calls == 0:
            # With a reused KV-cache prefix, only the new suffix is evaluated.
            self.prompt_tokens = self.n_tokens + len(tokens)
        with _raising_interrupts():
            super().eval(tokens)
        self.eval_calls += 1


def _check_gguf(path: str) -> None:
    try:
        with open(path, "rb") as model_file:
            magic = model_file.read(4)
    except IsADirectoryError:
        raise UsageError(f"{path} is a directory, not a GGUF model file") from None
    except OSError as error:
        raise ModelError(f"cannot read model file {path}: {error.strerror}") from None
    if magic != GGUF_MAGIC:
        raise ModelError(f"{path} is not a GGUF model file")


def _check_chat_format(name: str) -> None:
    try:
        llama_chat_format.get_chat_completion_handler(name)
    except Exception:  # the binding raises its own exception class, not a ValueError
        registry = llama_chat_format.LlamaChatCompletionHandlerRegistry()  # type: ignore[no-untyped-call]
        known = ", ".join(sorted(registry._chat_handlers))
        raise UsageError(f"unknown chat format {name!r}", hint=f"known: {known}") from None


class LlamaEngine:
    """A GGUF model loaded into llama.cpp, ready to stream chat completions."""

    def __init__(self, llama: _CountingLlama, load_s: float) -> None:
        self._llama: _CountingLlama | None = llama
        self.usage = Usage()
        self.timings = Timings(load_s=load_s)
        self._grammars: dict[str, LlamaGrammar] = {}

    @classmethod
    def load(cls, path: str, options: LoadOptions) -> LlamaEngine:
        """Load ``path``. Raises ``ModelError`` for a missing, non-GGUF or unloadable file, or
        a model with no chat template when ``options.chat_format`` is not given."""
        _check_gguf(path)
        if options.chat_format is not None:
            _check_chat_format(options.chat_format)
        if options.context_tokens < MIN_CONTEXT_TOKENS:
            # llama.cpp silently enlarges tiny contexts and the binding then mis-sizes its
            # buffers; refuse instead.
            raise UsageError(f"the context must be at least {MIN_CONTEXT_TOKENS} tokens")
        threads = options.threads
        if threads is None:
            threads = default_threads()
            _log.debug("threads: %d (the default: %d physical cores)", threads, physical_cores())
        started = time.perf_counter()
        try:
            with _raising_interrupts():
                llama = _CountingLlama(
                    model_path=path,
                    n_ctx=options.context_tokens,
                    n_threads=threads,
                    n_threads_batch=threads,
                    use_mlock=options.use_mlock,
                    chat_format=options.chat_format,
                    verbose=_log.isEnabledFor(logging.DEBUG),
                )
        except (ValueError, RuntimeError) as error:
            raise ModelError(f"failed to load model: {error}") from None
        load_s = time.perf_counter() - started
        engine = cls(llama, load_s)
        if options.chat_format is None and "tokenizer.chat_template" not in llama.metadata:
            engine.close()
            # llama-cpp-python would silently fall back to the llama-2 format here.
            raise ModelError(
                "the model has no chat template in its GGUF metadata",
                hint="pass --chat-format NAME (e.g. chatml, mistral-instruct, llama-2)",
            )
        return engine

    def generate(self, messages: list[Message], params: SamplingParams) -> Iterator[str]:
        """Stream the reply to ``messages``. Raises ``UsageError`` if the prompt does not fit
        the context window."""
        llama = self._require_open()
        self._check_fits(llama, messages)
        self.usage = Usage()
        self.timings = Timings(load_s=self.timings.load_s)
        llama.start_counting()
        started = time.perf_counter()
        first_text_at = last_text_at = None
        finish_reason: str | None = None
        try:
            stream = llama.create_chat_completion(
                messages=messages,  # type: ignore[arg-type]
                max_tokens=params.max_tokens,
                temperature=params.temperature,
                top_p=params.top_p,
                top_k=params.top_k,
                repeat_penalty=params.repeat_penalty,
                seed=params.seed,
                grammar=self._grammar(params.json_schema),
                stream=True,
            )
            for chunk in cast(Iterator[dict[str, Any]], stream):
                choice = chunk["choices"][0]
                finish_reason = choice.get("finish_reason") or finish_reason
                text = choice["delta"].get("content")
                if text:
                    last_text_at = time.perf_counter()
                    if first_text_at is None:
                        first_text_at = last_text_at
                    yield text
        except ValueError as error:
            if "exceed context window" in str(error):
                raise UsageError(
                    f"the prompt does not fit the model's context window ({llama.n_ctx()} tokens)"
                ) from None
            raise
        finally:
            self._account(llama, finish_reason)
            if first_text_at is not None and last_text_at is not None:
                # What the reader sees: time to the first text, then the pace between the
                # first and the last (the consumer's own time, e.g. the gate, included).
                self.timings.first_token_s = first_text_at - started
                self.timings.decode_s = last_text_at - first_text_at

    def _grammar(self, json_schema: str | None) -> LlamaGrammar | None:
        """The grammar that constrains decoding to ``json_schema``, compiled once per schema.

        Raises ``UsageError`` for a schema llama.cpp's converter cannot compile."""
        if json_schema is None:
            return None
        grammar = self._grammars.get(json_schema)
        if grammar is None:
            try:
                grammar = LlamaGrammar.from_json_schema(json_schema, verbose=False)
            except Exception as error:  # the converter raises bare Exceptions and others
                raise UsageError(
                    f"the JSON schema cannot be compiled to a grammar: {error}"
                ) from None
            self._grammars[json_schema] = grammar
        return grammar

    @staticmethod
    def _check_fits(llama: _CountingLlama, messages: list[Message]) -> None:
        # The template adds tokens around the contents, so this is a lower bound; the
        # binding's own check below catches the rest.
        contents = "\n".join(message["content"] for message in messages).encode("utf-8")
        needed = len(llama.tokenize(contents, add_bos=False, special=False))
        if needed >= llama.n_ctx():
            raise UsageError(
                f"the prompt ({needed} tokens) does not fit the model's context window "
                f"({llama.n_ctx()} tokens)"
            )

    def _account(self, llama: _CountingLlama, finish_reason: str | None) -> None:
        # Each sampled token is evaluated by the next ``eval`` call, except the last one.
        # On a natural stop that last one is the end-of-generation token, not output.
        sampled = llama.eval_calls
        completion = sampled - 1 if finish_reason == "stop" else sampled
        completion = max(0, completion)
        self.usage = Usage(
            prompt_tokens=llama.prompt_tokens,
            completion_tokens=completion,
            finish_reason="length" if finish_reason == "length" else "stop",
        )
        self.timings.completion_tokens = completion

    def _require_open(self) -> _CountingLlama:
        if self._llama is None:
            raise ModelError("the model was already closed")
        return self._llama

    def close(self) -> None:
        if self._llama is not None:
            self._llama.close()
            self._llama = None


class LlamaEmbedder:
    """A GGUF model loaded in embedding mode: texts in, unit vectors out (``ask``'s ranking).

    The model's own pooling is used when its GGUF names one (BERT-style embedding models);
    a model that names none (a chat model such as the demo's) is mean-pooled. A text is
    read up to ``EMBED_TOKENS`` tokens (longer ones are cut: a passage is ~1,000 chars).
    """

    def __init__(self, llama: Llama) -> None:
        self._llama: Llama | None = llama
        self.dimensions = int(llama.n_embd())

    @classmethod
    def load(cls, path: str, threads: int | None = None) -> LlamaEmbedder:
        """Load ``path``. Raises ``ModelError`` for a missing, non-GGUF or unloadable file."""
        _check_gguf(path)
        threads = threads or default_threads()
        llama = cls._open(path, threads, llama_cpp.LLAMA_POOLING_TYPE_UNSPECIFIED)
        # (the binding annotates pooling_type() as str; llama.cpp returns the enum, an int)
        if cast("int", llama.pooling_type()) == llama_cpp.LLAMA_POOLING_TYPE_NONE:
            llama.close()
            llama = cls._open(path, threads, llama_cpp.LLAMA_POOLING_TYPE_MEAN)
        return cls(llama)

    @staticmethod
    def _open(path: str, threads: int, pooling: int) -> Llama:
        try:
            with _raising_interrupts():
                return Llama(
                    model_path=path,
                    embedding=True,
                    pooling_type=pooling,
                    n_ctx=EMBED_TOKENS,
                    n_batch=EMBED_TOKENS,
                    n_ubatch=EMBED_TOKENS,
                    n_threads=threads,
                    n_threads_batch=threads,
                    verbose=_log.isEnabledFor(logging.DEBUG),
                )
        except (ValueError, RuntimeError) as error:
            raise ModelError(f"failed to load the embedding model: {error}") from None

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """One unit vector per text, ``embedding_groups`` of them per call into llama.cpp.
        Raises ``ModelError`` when llama.cpp fails, ``KeyboardInterrupt`` at the end of the
        group a Ctrl-C came in."""
        llama = self._llama
        if llama is None:
            raise ModelError("the embedding model was already closed")
        vectors: list[list[float]] = []
        try:
            for group in embedding_groups(texts):
                with _raising_interrupts():
                    rows = llama.embed(group, normalize=True, truncate=True)
                vectors += cast("list[list[float]]", rows)
        except (ValueError, RuntimeError) as error:
            raise ModelError(f"the embedding model failed: {error}") from None
        return vectors

    def close(self) -> None:
        if self._llama is not None:
            self._llama.close()
            self._llama = None


def embedding_groups(texts: Sequence[str]) -> Iterator[list[str]]:
    """``texts`` in order, in groups of at most ``EMBED_GROUP_CHARS`` characters (a longer
    text alone)."""
    group: list[str] = []
    size = 0
    for text in texts:
        if group and size + len(text) > EMBED_GROUP_CHARS:
            yield group
            group, size = [], 0
        group.append(text)
        size += len(text)
    if group:
        yield group


def build_info() -> dict[str, Any]:
    """What this llama.cpp build can do (for ``milai doctor``)."""
    return {
        "version": llama_cpp.__version__,
        "system_info": llama_cpp.llama_print_system_info()
        .decode("utf-8", errors="replace")
        .strip(),
        "gpu_offload": bool(llama_cpp.llama_supports_gpu_offload()),
        "mmap": bool(llama_cpp.llama_supports_mmap()),
        "mlock": bool(llama_cpp.llama_supports_mlock()),
    }
