"""Small GGUF-shaped files for the vault tests: a valid v3 header with a few metadata
pairs, then deterministic filler standing in for tensor data."""

from __future__ import annotations

import hashlib
import random
import struct
from pathlib import Path

PLAINTEXT_MARKER = b"MILAI-PLAINTEXT-MARKER-7f3a9c"


def _string(value: bytes) -> bytes:
    return struct.pack("<Q", len(value)) + value


def gguf_header(
    *,
    architecture: bytes = b"llama",
    file_type: int | None = 3,
    chat_template: bytes | None = b"{{ messages }}",
    version: int = 3,
) -> bytes:
    pairs: list[bytes] = [
        _string(b"general.architecture") + struct.pack("<I", 8) + _string(architecture),
        _string(b"general.name") + struct.pack("<I", 8) + _string(b"synthetic test model"),
        _string(b"llama.block_count") + struct.pack("<I", 4) + struct.pack("<I", 2),
        _string(b"tokenizer.ggml.tokens")
        + struct.pack("<I", 9)
        + struct.pack("<IQ", 8, 3)
        + _string(b"<s>")
        + _string(b"</s>")
        + _string(b"hello"),
        _string(b"tokenizer.ggml.scores")
        + struct.pack("<I", 9)
        + struct.pack("<IQ", 6, 3)
        + struct.pack("<3f", 0.0, 0.5, 1.0),
    ]
    if file_type is not None:
        pairs.append(
            _string(b"general.file_type") + struct.pack("<I", 4) + struct.pack("<I", file_type)
        )
    if chat_template is not None:
        pairs.append(
            _string(b"tokenizer.chat_template") + struct.pack("<I", 8) + _string(chat_template)
        )
    return b"GGUF" + struct.pack("<IQQ", version, 1, len(pairs)) + b"".join(pairs)


def gguf_bytes(size: int, *, seed: int = 0, **header: object) -> bytes:
    """A GGUF-shaped file of exactly ``size`` bytes (at least the header's length)."""
    head = gguf_header(**header)  # type: ignore[arg-type]
    if size < len(head) + len(PLAINTEXT_MARKER):
        raise ValueError("size too small for a header")
    body_size = size - len(head)
    rng = random.Random(seed)
    body = bytearray(rng.randbytes(body_size))
    # a recognisable plaintext segment, to look for on disk
    body[: len(PLAINTEXT_MARKER)] = PLAINTEXT_MARKER
    return head + bytes(body)


def write_gguf(path: Path, size: int, *, seed: int = 0, **header: object) -> str:
    """Write a synthetic GGUF file; return its sha256."""
    data = gguf_bytes(size, seed=seed, **header)
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()
