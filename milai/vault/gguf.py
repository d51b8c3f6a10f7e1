"""A minimal reader for the GGUF header: magic, version, and the few metadata values the
vault records (architecture, quantisation, whether a chat template is present).

The input is untrusted: every length is bounded by the file's size and by fixed limits,
and everything else in the metadata is skipped without being kept.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from typing import BinaryIO

GGUF_MAGIC = b"GGUF"
SUPPORTED_VERSIONS = (2, 3)

MAX_KV_COUNT = 1 << 20
MAX_TENSOR_COUNT = 1 << 24
MAX_KEY_BYTES = 1 << 16
MAX_ARRAY_DEPTH = 4

ARCHITECTURE_KEY = "general.architecture"
FILE_TYPE_KEY = "general.file_type"
CHAT_TEMPLATE_KEY = "tokenizer.chat_template"
_ARCHITECTURE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")

# GGUF metadata value types and the byte size of the fixed-size ones.
_UINT32, _STRING, _ARRAY = 4, 8, 9
_FIXED_SIZES = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}

# llama.cpp's ``llama_ftype`` (general.file_type): the quantisation of most tensors.
FILE_TYPES = {
    0: "F32",
    1: "F16",
    2: "Q4_0",
    3: "Q4_1",
    4: "Q4_1_SOME_F16",
    7: "Q8_0",
    8: "Q5_0",
    9: "Q5_1",
    10: "Q2_K",
    11: "Q3_K_S",
    12: "Q3_K_M",
    13: "Q3_K_L",
    14: "Q4_K_S",
    15: "Q4_K_M",
    16: "Q5_K_S",
    17: "Q5_K_M",
    18: "Q6_K",
    19: "IQ2_XXS",
    20: "IQ2_XS",
    21: "Q2_K_S",
    22: "IQ3_XS",
    23: "IQ3_XXS",
    24: "IQ1_S",
    25: "IQ4_NL",
    26: "IQ3_S",
    27: "IQ3_M",
    28: "IQ2_S",
    29: "IQ2_M",
    30: "IQ4_XS",
    31: "IQ1_M",
    32: "BF16",
    36: "TQ1_0",
    37: "TQ2_0",
    38: "MXFP4_MOE",
}


class GGUFFormatError(ValueError):
    """The bytes are not a GGUF model header milai can read."""


@dataclass(frozen=True)
class GGUFInfo:
    version: int
    tensor_count: int
    architecture: str
    file_type: int | None
    has_chat_template: bool

    @property
    def quantisation(self) -> str:
        if self.file_type is None:
            return "unknown"
        return FILE_TYPES.get(self.file_type, f"unknown({self.file_type})")


class _BoundedReader:
    """Reads from ``stream`` and refuses to go past ``limit`` bytes."""

    def __init__(self, stream: BinaryIO, limit: int) -> None:
        self._stream = stream
        self._limit = limit
        self._position = 0

    def _claim(self, count: int) -> None:
        if count < 0 or self._position + count > self._limit:
            raise GGUFFormatError("truncated or inconsistent metadata")
        self._position += count

    def read(self, count: int) -> bytes:
        self._claim(count)
        data = self._stream.read(count)
        if len(data) != count:
            raise GGUFFormatError("truncated metadata")
        return data

    def skip(self, count: int) -> None:
        self._claim(count)
        self._stream.seek(count, 1)

    def u32(self) -> int:
        value: int = struct.unpack("<I", self.read(4))[0]
        return value

    def u64(self) -> int:
        value: int = struct.unpack("<Q", self.read(8))[0]
        return value

    def string(self, max_bytes: int) -> bytes:
        length = self.u64()
        if length > max_bytes:
            raise GGUFFormatError("metadata string too long")
        return self.read(length)

    def skip_string(self) -> None:
        self.skip(self.u64())

    def skip_value(self, value_type: int, depth: int = 0) -> None:
        if value_type in _FIXED_SIZES:
            self.skip(_FIXED_SIZES[value_type])
        elif value_type == _STRING:
            self.skip_string()
        elif value_type == _ARRAY:
            if depth >= MAX_ARRAY_DEPTH:
                raise GGUFFormatError("metadata arrays nested too deep")
            item_type = self.u32()
            count = self.u64()
            if item_type in _FIXED_SIZES:
                if count > self._limit:
                    raise GGUFFormatError("metadata array too long")
                self.skip(count * _FIXED_SIZES[item_type])
            else:
                for _ in range(count):
                    self.skip_value(item_type, depth + 1)
        else:
            raise GGUFFormatError(f"unknown metadata value type {value_type}")


def read_gguf_info(stream: BinaryIO, size: int) -> GGUFInfo:
    """Parse the GGUF header at the start of ``stream`` (``size`` bytes long).

    Raises ``GGUFFormatError`` when it is not a GGUF v2/v3 little-endian model header with a
    ``general.architecture``.
    """
    reader = _BoundedReader(stream, size)
    if size < 4 or reader.read(4) != GGUF_MAGIC:
        raise GGUFFormatError("no GGUF magic")
    version = reader.u32()
    if version not in SUPPORTED_VERSIONS:
        raise GGUFFormatError(f"unsupported GGUF version {version} (milai reads 2 and 3)")
    tensor_count = reader.u64()
    kv_count = reader.u64()
    if tensor_count > MAX_TENSOR_COUNT or kv_count > MAX_KV_COUNT:
        raise GGUFFormatError("implausible tensor or metadata count")
    architecture: str | None = None
    file_type: int | None = None
    has_chat_template = False
    for _ in range(kv_count):
        key = reader.string(MAX_KEY_BYTES)
        value_type = reader.u32()
        if key == ARCHITECTURE_KEY.encode() and value_type == _STRING:
            raw = reader.string(256).decode("utf-8", errors="replace")
            if not _ARCHITECTURE.fullmatch(raw):
                raise GGUFFormatError("malformed general.architecture")
            architecture = raw
        elif key == FILE_TYPE_KEY.encode() and value_type == _UINT32:
            file_type = reader.u32()
        elif key == CHAT_TEMPLATE_KEY.encode() and value_type == _STRING:
            length = reader.u64()
            reader.skip(length)
            has_chat_template = has_chat_template or length > 0
        else:
            reader.skip_value(value_type)
    if architecture is None:
        raise GGUFFormatError("no general.architecture in the metadata")
    return GGUFInfo(version, tensor_count, architecture, file_type, has_chat_template)
