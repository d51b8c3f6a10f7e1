"""Adversarial lines for differential tests: the policy's markings (and their variants)
in and out of marking contexts, spaced, leetspeak, split over lines, cut short, glued to
words, with everyday lines between them."""

from __future__ import annotations

import base64
import random

from milai.errors import Blocked
from milai.policy import Policy, PolicyGate
from milai.policy.patterns import marking_variants

LEADS = ["", "  ", " " * 60, "> ", "| ", "1. ", "2.1 ", "a) ", "(1) ", "**", "## ", "<b>", "//"]
LEADS += ["<p align=center>", "« ", '"', "`", "- ", "Classification: ", "Subject: [", "RE: FW: "]
LEADS += ["Einstufung = ", "(", "[", "niveau de classification : "]
TAILS = ["", ".", ":", " - DRAFT", "//NOFORN", " (NOFORN)", " UK EYES ONLY", " Page 3 of 7"]
TAILS += [" SANTA party", " recipe for pie", ")", "]", " »", "**", "</b>", " // REL TO USA, GBR"]
PROSE = [
    "The Secretary met the committee on Tuesday.",
    "Confidentiality matters; restricted areas are marked.",
    "(a) first item",
    "(S) The plan is set.",
    "(S)-ibuprofen is an enantiomer.",
    "(C) Crown copyright 2024",
    "Top secret files were found in the attic.",
    "Re: lunch on Friday",
    "Contact us at the ministry.",
    "Sizes (S) (M) (L) in stock.",
]
SEPARATORS = [" ", ".", " . ", "|", "-", "\n", " \n", "  ", "/", "*"]
LEET = {"a": "4", "e": "3", "s": "$", "t": "7", "i": "!", "o": "0", "l": "1"}


def _spaced(text: str, rng: random.Random) -> str:
    sep = rng.choice(SEPARATORS)
    return sep.join(text)


def _leet(text: str, rng: random.Random) -> str:
    return "".join(LEET.get(ch.lower(), ch) if rng.random() < 0.4 else ch for ch in text)


def _marking_texts(policy: Policy) -> list[str]:
    texts = [m.text for m in policy.spec.markings]
    texts += [v.upper() for m in policy.spec.markings for v in marking_variants(m.text)]
    return texts


def adversarial_lines(policy: Policy, count: int, seed: int) -> list[str]:
    """Markings (and their variants) in and out of marking contexts, spaced, leet, split
    over lines, cut short, glued to words; everyday lines between them."""
    rng = random.Random(seed)
    markings = _marking_texts(policy)
    lines: list[str] = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.2:
            lines.append(rng.choice(PROSE))
            continue
        marking = rng.choice(markings)
        portion = any(m.portion and m.text == marking for m in policy.spec.markings)
        if portion:
            body = f"({marking}{rng.choice(['', '/NF', '//REL'])}) {rng.choice(PROSE)}"
        else:
            body = marking
            if roll < 0.35:
                body = _spaced(body, rng)
            elif roll < 0.45:
                body = _leet(body, rng)
            elif roll < 0.55:
                body = body[: rng.randint(1, len(body))]
            elif roll < 0.6:
                body = body.lower()
            elif roll < 0.65:
                body = body + rng.choice(markings)
            if rng.random() < 0.3:
                body = rng.choice(markings) + rng.choice([" / ", "//", " ", ", "]) + body
        lines.append(rng.choice(LEADS) + body + rng.choice(TAILS))
    return lines


def pieces(text: str, rng: random.Random, sizes: tuple[int, ...] = (1, 2, 3, 5, 8)) -> list[str]:
    """``text`` cut into consecutive pieces of sizes drawn from ``sizes``: a stream as a
    model or a pipe delivers it."""
    chunks, at = [], 0
    while at < len(text):
        size = rng.choice(sizes)
        chunks.append(text[at : at + size])
        at += size
    return chunks


def split_longest_word(text: str, rng: random.Random) -> str:
    """``text`` with its longest word split by a blank, as a model's answer may (``DRV TRY``)."""
    words = text.split(" ")
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    cut = rng.randrange(1, len(word))
    words[longest] = word[:cut] + " " + word[cut:]
    return " ".join(words)


def base64_text(data: bytes) -> str:
    return base64.b64encode(data).decode()


def base64_lines(data: bytes, width: int = 64) -> str:
    """``data`` in base64 wrapped at ``width`` columns (MIME writes 76)."""
    encoded = base64_text(data)
    return "\n".join(encoded[i : i + width] for i in range(0, len(encoded), width))


def released_through_gate(policy: Policy, sink: str, chunks: list[str]) -> tuple[str, bool]:
    """What a streaming output gate to a ``sink`` (the model accredited there) released,
    and whether it stopped."""
    top = policy.spec.scale[-1]
    gate = PolicyGate(policy, clearance=top, model_level=sink, out_level=sink)
    out = gate.open_output(gate.check_prompt("question"))
    assert not out.held
    released: list[str] = []
    try:
        for chunk in chunks:
            released.append(out.feed(chunk))
        released.append(out.close())
    except Blocked:
        return "".join(released), True
    return "".join(released), False
