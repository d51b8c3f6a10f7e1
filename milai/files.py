"""Small files a person names on the command line (a CA, a token, a schema, system text):
read whole but bounded, every failure one line that names the file."""

from __future__ import annotations

from pathlib import Path

from milai.errors import UsageError


def read_small_file(
    path: Path, what: str, limit: int, error: type[UsageError] = UsageError
) -> bytes:
    """The bytes of ``path`` (``what`` names it in messages: "CA file"). Raises ``error``
    (a ``UsageError``, exit 2) when it cannot be read or holds more than ``limit`` bytes."""
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise error(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise error(f"{what} {path} is larger than {limit} bytes")
    return data
