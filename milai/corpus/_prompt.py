"""The prompt ``ask`` gives the model: the system text, the retrieved passages (numbered, with
where they come from), then the question; passages that would overflow the model's context
are left out, lowest ranked first.

The model's tokenizer is not known before it is loaded, so the room is counted in
characters at ``CHARS_PER_TOKEN``, below what English, French and German text averages
with the tokenizers of Mistral-family models and SmolLM2 (about 4): the estimate errs on
the side of fitting. The engine still refuses a prompt that does not fit (exit 2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from milai.errors import UsageError

ASK_SYSTEM = (
    "You answer questions using only the numbered excerpts in the user's message. "
    "Cite the excerpts you use by their number, like [1]. If the excerpts do not hold "
    "the answer, say so."
)
CHARS_PER_TOKEN = 3
TEMPLATE_TOKENS = 64  # what a chat template adds around the messages
MIN_PASSAGE_CHARS = 200  # less room than this for the first passage: refuse, don't mislead


@dataclass(frozen=True)
class Source:
    """A passage as the prompt cites it."""

    passage_id: str
    collection: str
    doc: str
    title: str
    part: str
    page: int | None
    level: str
    score: float
    text: str

    def to_json(self) -> dict[str, object]:
        return {
            "doc": self.doc,
            "title": self.title,
            "part": self.part,
            "page": self.page,
            "level": self.level,
            "score": round(self.score, 4),
            "id": self.passage_id,
            "collection": self.collection,
        }


@dataclass(frozen=True)
class AskPrompt:
    """The user message, the sources it holds (in order), and how many were left out
    (``trimmed``: the last source given was cut to fit)."""

    text: str
    sources: tuple[Source, ...]
    left_out: int
    trimmed: bool


def _excerpt(number: int, source: Source, text: str) -> str:
    return f"[{number}] {source.doc} ({source.part})\n{text}\n\n"


def _question(question: str) -> str:
    # On lines of its own: a banner the asker put first stays a banner line for the gate.
    return f"Question:\n{question}"


def build_prompt(
    question: str, sources: Sequence[Source], *, context_tokens: int, max_tokens: int
) -> AskPrompt:
    """The prompt for ``question`` with as many of ``sources`` (best first) as fit a
    context of ``context_tokens`` that leaves ``max_tokens`` for the answer.

    Raises ``UsageError`` when not even part of the best source fits.
    """
    room = (context_tokens - max_tokens - TEMPLATE_TOKENS) * CHARS_PER_TOKEN
    room -= len(ASK_SYSTEM) + len(_question(question)) + len("Excerpts:\n\n")
    pieces: list[str] = []
    given: list[Source] = []
    trimmed = False
    for source in sources:
        piece = _excerpt(len(given) + 1, source, source.text)
        if len(piece) > room:
            if not given:
                keep = room - len(_excerpt(1, source, "")) - 1
                if keep < MIN_PASSAGE_CHARS:
                    raise UsageError(
                        f"no room for the sources in a {context_tokens}-token context "
                        f"with --max-tokens {max_tokens}",
                        hint="give a larger --ctx or a smaller --max-tokens",
                    )
                piece = _excerpt(1, source, source.text[:keep] + "…")
                trimmed = True
                pieces.append(piece)
                given.append(source)
            break
        pieces.append(piece)
        given.append(source)
        room -= len(piece)
    text = "Excerpts:\n\n" + "".join(pieces) + _question(question)
    return AskPrompt(text, tuple(given), len(sources) - len(given), trimmed)
