"""Reading members of a zip (Office Open XML, OpenDocument) within the limits: sizes are
counted on the bytes actually unpacked, never taken from the archive's headers."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from typing import IO

from milai import _budget
from milai.documents._model import DocumentError, Limits

_END_OF_DIRECTORY = b"PK\x05\x06"
_UNZIP_ERRORS = (  # what zipfile raises on damaged archives (negative seeks are ValueError)
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    RuntimeError,
    ValueError,
    OSError,
    struct.error,
)
RATIO_GRACE = 1 << 20  # small members may compress well; the ratio counts past this


class BoundedZip:
    """A zip archive whose members are read with every byte counted.

    Raises ``DocumentError`` when the archive is damaged, too large, or a bomb.
    """

    def __init__(self, data: bytes, name: str, limits: Limits) -> None:
        self.name = name
        self.limits = limits
        self.unpacked = 0
        _check_directory(data, name, limits)
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
        except _UNZIP_ERRORS as error:
            raise DocumentError(f"{name} is a damaged zip archive ({error})") from None
        self._infos = {info.filename: info for info in self._zip.infolist()}

    def names(self) -> list[str]:
        return list(self._infos)

    def __contains__(self, member: str) -> bool:
        return member in self._infos

    def open(self, member: str) -> CountingReader:
        """A reader of ``member`` that refuses past the limits (raises ``DocumentError``).

        The member is first unpacked once and thrown away, counting (zlib's speed, not the
        XML parser's), so a bomb is refused before anything parses it.
        """
        with self._open(member, charge=True) as measure:
            while measure.read(1 << 20):
                pass
        return self._open(member, charge=False)

    def _open(self, member: str, *, charge: bool) -> CountingReader:
        info = self._infos[member]
        try:
            inner = self._zip.open(info)
        except _UNZIP_ERRORS as error:
            raise DocumentError(f"{self.name}: cannot unpack {member} ({error})") from None
        return CountingReader(self, member, inner, info.compress_size, charge=charge)

    def read(self, member: str) -> bytes:
        """All of ``member`` (bounded by ``Limits.max_part_bytes``)."""
        with self.open(member) as reader:
            return reader.read()


class CountingReader:
    """A file-like reader of one member that counts what it unpacks."""

    def __init__(
        self, archive: BoundedZip, member: str, inner: IO[bytes], packed: int, *, charge: bool
    ) -> None:
        self.archive = archive
        self.charge = charge  # count towards the archive's total (the first reading only)
        self.member = member
        self.inner = inner
        self.packed = max(packed, 1)
        self.count = 0

    def __enter__(self) -> CountingReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read(self, size: int | None = -1) -> bytes:
        limits = self.archive.limits
        want = limits.max_part_bytes + 1 - self.count
        if size is not None and 0 <= size < want:
            want = size
        try:
            data = self.inner.read(max(want, 1))
        except _UNZIP_ERRORS as error:
            raise DocumentError(
                f"{self.archive.name}: cannot unpack {self.member} ({error})"
            ) from None
        self.count += len(data)
        if self.charge:
            self.archive.unpacked += len(data)
        where = f"{self.archive.name}: {self.member}"
        if not _budget.take(len(data)):  # a document opened inside a text the gate checks
            raise DocumentError(f"{where}: past the check's decompression budget")
        if self.count > limits.max_part_bytes:
            raise DocumentError(f"{where} unpacks to more than {limits.max_part_bytes} bytes")
        if self.archive.unpacked > limits.max_unpacked_bytes:
            raise DocumentError(
                f"{self.archive.name} unpacks to more than {limits.max_unpacked_bytes} bytes"
            )
        if self.count > RATIO_GRACE and self.count > limits.max_ratio * self.packed:
            raise DocumentError(
                f"{where} unpacks more than {limits.max_ratio} times its packed size (a zip bomb?)"
            )
        return data

    def close(self) -> None:
        self.inner.close()


def _check_directory(data: bytes, name: str, limits: Limits) -> None:
    """Refuse an archive whose central directory lists too many entries, before Python's
    zipfile builds an object for each."""
    at = data.rfind(_END_OF_DIRECTORY, max(0, len(data) - (1 << 16) - 22))
    if at < 0 or len(data) < at + 22:
        raise DocumentError(f"{name} is a damaged zip archive (no central directory)")
    (entries,) = struct.unpack_from("<H", data, at + 10)
    if entries == 0xFFFF or entries > limits.max_members:
        raise DocumentError(f"{name}: a zip archive with more than {limits.max_members} entries")
