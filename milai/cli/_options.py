"""The options of the commands that run a model (``run``, ``chat``, ``ask``, ``batch``),
declared once, and the one place their sampling and loading flags become engine settings.

A flag left out takes the administrator's default (``milai settings set``), else the
built-in one (``SamplingParams``, ``LoadOptions``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from milai.engine import MAX_SEED, LoadOptions, SamplingParams
from milai.errors import UsageError
from milai.settings import Sampling, Settings

Number = TypeVar("Number", int, float)

Model = Annotated[str | None, typer.Option("--model", "-m", help="Model name in the vault.")]
Clearance = Annotated[str | None, typer.Option("--clearance", help="Your clearance level.")]
SystemText = Annotated[
    str | None,
    typer.Option("--system", help="System prompt (visible to other users in the process list)."),
]
SystemFile = Annotated[
    Path | None,
    typer.Option(
        "--system-file",
        help="Read the system prompt from PATH, or from stdin with -.",
        metavar="PATH|-",
    ),
]
JsonOutput = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]

# Sampling: one generation (run, ask), each reply (chat).
MaxTokens = Annotated[int, typer.Option("--max-tokens", help="Most tokens to generate.")]
MaxTokensPerReply = Annotated[int, typer.Option("--max-tokens", help="Most tokens per reply.")]
Temperature = Annotated[
    float | None, typer.Option("--temperature", help="0 is greedy (default 0.2).")
]
Seed = Annotated[int | None, typer.Option("--seed", help="Sampling seed (recorded).")]
TopP = Annotated[
    float | None,
    typer.Option("--top-p", help="Nucleus sampling: keep this much mass (default 0.95)."),
]
TopK = Annotated[
    int | None, typer.Option("--top-k", help="Sample among the K likeliest (0: all; default 40).")
]
RepeatPenalty = Annotated[
    float | None,
    typer.Option("--repeat-penalty", help="Penalise repeated tokens (default 1.0: off)."),
]

# Sampling in batch: the defaults of the lines that do not choose (each line draws its seed).
LineMaxTokens = Annotated[
    int, typer.Option("--max-tokens", help="Default for lines without max_tokens.")
]
LineTemperature = Annotated[
    float | None,
    typer.Option("--temperature", help="Default for lines without temperature (0.2)."),
]
LineTopP = Annotated[
    float | None, typer.Option("--top-p", help="Default for lines without top_p (0.95).")
]
LineTopK = Annotated[
    int | None, typer.Option("--top-k", help="Default for lines without top_k (40).")
]
LineRepeatPenalty = Annotated[
    float | None, typer.Option("--repeat-penalty", help="Repeat penalty (1.0: off).")
]

# Loading.
ChatFormat = Annotated[
    str | None, typer.Option("--chat-format", help="Chat format if the model has no template.")
]
ContextTokens = Annotated[
    int | None, typer.Option("--ctx", help="Context window in tokens (default 4096).")
]
Threads = Annotated[
    int | None,
    typer.Option(
        "--threads", help="CPU threads (default: the physical cores less those busy elsewhere)."
    ),
]


@dataclass(frozen=True)
class Generation:
    """The engine settings of a command: how it samples and how the model is loaded."""

    params: SamplingParams
    load: LoadOptions


@dataclass(frozen=True)
class GenerationFlags:
    """The sampling and loading flags as given, checked (``generation_flags``)."""

    max_tokens: int
    seed: int | None
    chosen: Sampling
    chat_format: str | None

    def settle(self, settings: Settings) -> Generation:
        """Each choice made here, else the administrator's default in ``settings``, else the
        built-in default; a fresh random seed when none is given (it is recorded). Threads
        left open are decided as the model loads (``default_threads()``).

        Raises ``UsageError`` for a stored default out of bounds.
        """
        chosen = self.chosen.over(settings)
        builtin = SamplingParams()
        params = SamplingParams(
            max_tokens=self.max_tokens,
            temperature=_given(chosen.temperature, builtin.temperature),
            seed=secrets.randbelow(MAX_SEED) if self.seed is None else self.seed,
            top_p=_given(chosen.top_p, builtin.top_p),
            top_k=_given(chosen.top_k, builtin.top_k),
            repeat_penalty=_given(chosen.repeat_penalty, builtin.repeat_penalty),
        )
        load = LoadOptions(
            chat_format=self.chat_format,
            threads=chosen.threads,
            context_tokens=_given(chosen.ctx, LoadOptions.context_tokens),
            use_mlock=True,
        )
        return Generation(params, load)


def generation_flags(
    max_tokens: int, seed: int | None, chosen: Sampling, chat_format: str | None
) -> GenerationFlags:
    """The sampling and loading flags, refused when out of bounds before anything is opened.

    Raises ``UsageError``.
    """
    if max_tokens < 1:
        raise UsageError("--max-tokens must be at least 1")
    if seed is not None and not 0 <= seed <= MAX_SEED:
        raise UsageError(f"--seed must be between 0 and {MAX_SEED}")
    return GenerationFlags(max_tokens, seed, chosen.check(), chat_format)


def _given(value: Number | None, default: Number) -> Number:
    return default if value is None else value
