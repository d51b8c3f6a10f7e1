"""The engine: the one place that runs a language model.

This package's ``__init__`` is cheap to import (no ``llama_cpp``): the types a caller needs
are here, and ``load_engine`` imports the llama.cpp binding only when a model is loaded.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from milai import config
from milai.engine.hardware import default_threads, physical_cores

MAX_SEED = 2**32 - 1  # llama.cpp's seed is a 32-bit unsigned integer


@dataclass(frozen=True)
class SamplingParams:
    """What decides the next token. Same params, same model, same prompt: same bytes."""

    max_tokens: int = 512
    temperature: float = 0.2
    seed: int = 0
    top_p: float = 0.95
    top_k: int = 40
    repeat_penalty: float = 1.0
    # A JSON Schema (as JSON text) the output must match: decoding is constrained by a
    # grammar compiled from it. The caller validates the result (milai.structured).
    json_schema: str | None = None

    def to_json(self) -> dict[str, float | int]:
        sampling: dict[str, float | int] = {
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
            "seed": self.seed,
            "top_p": self.top_p,
            "top_k": self.top_k,
            "repeat_penalty": self.repeat_penalty,
        }
        return sampling

    @classmethod
    def from_json(cls, data: Mapping[str, float | int]) -> SamplingParams:
        """The parameters ``to_json`` wrote (those it did not write take their defaults).

        Raises ``ValueError`` for a value of the wrong type."""
        default = cls()
        return cls(
            max_tokens=int(data.get("max_tokens", default.max_tokens)),
            temperature=float(data.get("temperature", default.temperature)),
            seed=int(data.get("seed", default.seed)),
            top_p=float(data.get("top_p", default.top_p)),
            top_k=int(data.get("top_k", default.top_k)),
            repeat_penalty=float(data.get("repeat_penalty", default.repeat_penalty)),
        )


MIN_CONTEXT_TOKENS = config.MIN_CONTEXT_TOKENS


@dataclass(frozen=True)
class LoadOptions:
    """How a model is loaded. ``threads`` None: ``default_threads()``, decided at the moment
    of loading (it looks at how busy the machine is)."""

    chat_format: str | None = None
    threads: int | None = None
    context_tokens: int = 4096
    use_mlock: bool = False


@dataclass
class Usage:
    """Token counts of the last generation, and why it ended: ``stop`` (the model finished)
    or ``length`` (it reached ``max_tokens``)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    finish_reason: str = "stop"

    def to_json(self) -> dict[str, int]:
        return {"prompt_tokens": self.prompt_tokens, "completion_tokens": self.completion_tokens}


@dataclass
class Timings:
    load_s: float = 0.0
    first_token_s: float | None = None
    decode_s: float = 0.0
    completion_tokens: int = 0

    @property
    def tokens_per_s(self) -> float | None:
        # Decode speed counts the tokens after the first: the first one's time is prompt eval.
        if self.completion_tokens < 2 or self.decode_s <= 0:
            return None
        return (self.completion_tokens - 1) / self.decode_s

    def to_json(self) -> dict[str, float | None]:
        tps = self.tokens_per_s
        return {
            "load_s": round(self.load_s, 4),
            "first_token_s": None if self.first_token_s is None else round(self.first_token_s, 4),
            "tokens_per_s": None if tps is None else round(tps, 2),
        }


Message = dict[str, str]


class Engine(Protocol):
    """A loaded model: ``generate`` streams text; ``usage``/``timings`` describe the last call."""

    usage: Usage
    timings: Timings

    def generate(self, messages: list[Message], params: SamplingParams) -> Iterator[str]: ...

    def close(self) -> None: ...


def load_engine(path: str, options: LoadOptions) -> Engine:
    """Load the GGUF model at ``path`` with llama.cpp.

    Raises ``ModelError`` when the file is not a loadable GGUF model or has no chat template
    and no ``chat_format`` was given.
    """
    from milai.engine.llama import LlamaEngine

    return LlamaEngine.load(path, options)


class Embedder(Protocol):
    """A model that turns texts into unit vectors (``model import --embedding``)."""

    dimensions: int

    def embed(self, texts: Sequence[str]) -> list[list[float]]: ...

    def close(self) -> None: ...


def load_embedder(path: str, threads: int | None = None) -> Embedder:
    """Load the GGUF model at ``path`` in embedding mode. Raises ``ModelError`` when it is
    not a loadable GGUF model."""
    from milai.engine.llama import LlamaEmbedder

    return LlamaEmbedder.load(path, threads)


__all__ = [
    "MAX_SEED",
    "MIN_CONTEXT_TOKENS",
    "Embedder",
    "Engine",
    "LoadOptions",
    "Message",
    "SamplingParams",
    "Timings",
    "Usage",
    "default_threads",
    "load_embedder",
    "load_engine",
    "physical_cores",
]
