# ruff: noqa: RUF001, RUF002  (a cp1252 en dash is what this file is about)
"""Red team 14: legacy code pages and dump tools' output.

* A text in a one-byte code page (cp1252, Latin-1, cp850, cp437; EBCDIC cp037, cp500,
  cp273), in base64, hex, percent-encoding or quoted-printable: one byte that is no UTF-8
  (``Ü`` as 0xDC, ``–`` as 0x96) left the whole payload unread.
* A dump tool's rows (``xxd``, ``xxd -g1``, ``xxd -b``, ``hexdump``, ``hexdump -C``,
  ``od -x``, ``od -X``, ``od -c``, ``od -b``): read joined, so a marking cut between two
  rows reads too.

Every banner of every shipped policy in each writer's form (a sample in the fast line),
whole and streamed; random bytes, hashes, binaries and numbers in the same forms stay
UNCLASSIFIED."""

from __future__ import annotations

import base64
import hashlib
import quopri
import random
import urllib.parse
from collections.abc import Callable

import pytest

from milai.policy import Policy, check_text
from milai.policy.decoders import legacy_text
from tests.levels import assert_targets_read
from tests.policy.adversarial import base64_lines, base64_text, pieces
from tests.policy.families import Target, banner_sample, shipped_policy, targets
from tests.policy.test_policy_stream_properties import _assert_stream_properties, assert_cuts_stream
from tests.scale import sample, scaled

# Bodies with letters beyond ASCII: their bytes in a legacy code page are no UTF-8.
ACCENTED = [
    "Übersicht der Lage: die Übung beginnt am Montag, Treffpunkt ist die Kaserne.",
    "Rapport de situation : les effectifs sont au complet, aucun incident signalé.",
    "Größere Änderungen folgen später; bitte prüfen.",
]


def _document(marking: str, rng: random.Random) -> str:
    body = rng.choice(ACCENTED)
    if rng.random() < 0.5:
        return f"{marking}\n{body}\n"
    return f"{marking}\n\n{body}\n\n{marking}\n"


WESTERN = ("cp1252", "latin-1", "cp850", "cp437")
EBCDIC = ("cp037", "cp500", "cp273")


def _encodable(codec: str) -> Callable[[Target], bool]:
    def test(target: Target) -> bool:
        try:
            target.text.encode(codec)
        except UnicodeEncodeError:
            return False  # cp437 has no È: no writer could write TRÈS in it
        return True

    return test


def _charset_writers() -> dict[str, Callable[[bytes], str]]:
    b64, wrapped = base64_text, base64_lines
    return {
        "base64": lambda d: f"Antwort: {b64(d)}\n",
        "base64-wrapped": lambda d: "Content-Transfer-Encoding: base64\n\n" + wrapped(d) + "\n",
        "hex": lambda d: d.hex() + "\n",
        "hex-spaced": lambda d: d.hex(" ") + "\n",
        "percent": lambda d: "Antwort: " + urllib.parse.quote(d) + "\n",
        "quoted-printable": lambda d: quopri.encodestring(d).decode(),
    }


# EBCDIC and the DOS code pages travel as bytes (base64, hex); a URL or a mail body in a
# legacy code page is in Latin-1 or cp1252.
BYTE_WRITERS = ("base64", "base64-wrapped", "hex", "hex-spaced")
WEB = ("cp1252", "latin-1")


def _charset_cases() -> list[tuple[str, str]]:
    return [
        (codec, writer)
        for codec in WESTERN + EBCDIC
        for writer in sorted(_charset_writers())
        if codec in WEB or writer in BYTE_WRITERS
    ]


def _charset_text(target: Target, codec: str, writer: str) -> str:
    rng = random.Random(f"{target.id}:{codec}:{writer}")
    document = _document(target.text, rng)
    if codec in EBCDIC:  # a mainframe's lines end with its own line feed
        data = document.encode(codec)
    else:
        data = document.encode(codec, "replace")
    return _charset_writers()[writer](data)


@pytest.mark.parametrize(("codec", "writer"), _charset_cases())
def test_every_banner_in_a_legacy_code_page_reads(codec: str, writer: str) -> None:
    chosen = [t for t in banner_sample(f"charset:{codec}:{writer}") if _encodable(codec)(t)]
    assert_targets_read(chosen, lambda target: _charset_text(target, codec, writer))


def test_the_round_example_reads(default_policy: Policy) -> None:
    data = "NATO SECRET – Übersicht".encode("cp1252")
    assert check_text(default_policy, base64.b64encode(data).decode()).level == "SECRET"
    assert check_text(default_policy, urllib.parse.quote(data)).level == "SECRET"


# --- dump tools ---------------------------------------------------------------------------


def _printable(data: bytes) -> str:
    return "".join(chr(b) if 32 <= b < 127 else "." for b in data)


def _rows(data: bytes, width: int = 16) -> list[tuple[int, bytes]]:
    return [(at, data[at : at + width]) for at in range(0, len(data), width)]


def _xxd(data: bytes, group: int = 2) -> str:
    lines = []
    for at, row in _rows(data):
        hexed = row.hex()
        groups = " ".join(hexed[i : i + 2 * group] for i in range(0, len(hexed), 2 * group))
        width = 32 + 16 // group - 1
        lines.append(f"{at:08x}: {groups.ljust(width)}  {_printable(row)}")
    return "\n".join(lines) + "\n"


def _xxd_bits(data: bytes) -> str:
    lines = []
    for at, row in _rows(data, 6):
        bits = " ".join(f"{b:08b}" for b in row)
        lines.append(f"{at:08x}: {bits.ljust(53)}  {_printable(row)}")
    return "\n".join(lines) + "\n"


def _hexdump_canonical(data: bytes) -> str:
    lines = []
    for at, row in _rows(data):
        first, second = row[:8].hex(" "), row[8:].hex(" ")
        lines.append(f"{at:08x}  {first:<23}  {second:<23}  |{_printable(row)}|")
    return "\n".join([*lines, f"{len(data):08x}"]) + "\n"


def _words(data: bytes, size: int, offsets: str) -> str:
    """od -x (octal offsets), hexdump (hex offsets), od -X (32-bit words): little-endian."""
    lines = []
    padded = data + b"\0" * (-len(data) % size)
    for at, row in _rows(padded):
        words = [row[i : i + size][::-1].hex() for i in range(0, len(row), size)]
        lines.append(format(at, offsets).rjust(7, "0") + " " + " ".join(words))
    return "\n".join([*lines, format(len(data), offsets).rjust(7, "0")]) + "\n"


_OD_ESCAPES = {0: "\\0", 7: "\\a", 8: "\\b", 9: "\\t", 10: "\\n", 11: "\\v", 12: "\\f", 13: "\\r"}


def _od_chars(data: bytes) -> str:
    lines = []
    for at, row in _rows(data):
        fields = []
        for b in row:
            if b in _OD_ESCAPES:
                fields.append(_OD_ESCAPES[b].rjust(4))
            elif 32 <= b < 127:
                fields.append(chr(b).rjust(4))
            else:
                fields.append(f" {b:03o}")
        lines.append(f"{at:07o}" + "".join(fields))
    return "\n".join([*lines, f"{len(data):07o}"]) + "\n"


def _od_octal(data: bytes) -> str:
    lines = [f"{at:07o} " + " ".join(f"{b:03o}" for b in row) for at, row in _rows(data)]
    return "\n".join([*lines, f"{len(data):07o}"]) + "\n"


DUMPS: dict[str, Callable[[bytes], str]] = {
    "xxd": _xxd,
    "xxd-g1": lambda d: _xxd(d, 1),
    "xxd-b": _xxd_bits,
    "hexdump-C": _hexdump_canonical,
    "hexdump": lambda d: _words(d, 2, "x"),
    "od-x": lambda d: _words(d, 2, "o"),
    "od-X": lambda d: _words(d, 4, "o"),
    "od-c": _od_chars,
    "od-b": _od_octal,
}


def _dump_document(target: Target, dump: str, cut: bool) -> str:
    rng = random.Random(f"{target.id}:{dump}:{cut}")
    body = rng.choice(ACCENTED)
    # "Betreff: Lage\n" is 14 bytes: the marking is cut between the first two rows
    head = "Betreff: Lage\n" if cut else ""
    return DUMPS[dump](f"{head}{target.text}\n{body}\n".encode())


@pytest.mark.parametrize("cut", [False, True], ids=["whole", "cut"])
@pytest.mark.parametrize("dump", sorted(DUMPS))
def test_every_banner_in_a_dump_reads(dump: str, cut: bool) -> None:
    assert_targets_read(
        banner_sample(f"dump:{dump}:{cut}"),
        lambda target: _dump_document(target, dump, cut),
    )


def test_the_brief_examples_read(default_policy: Policy) -> None:
    for text in (
        "0000000 414e 4f54 5320 4345 4552 0a54\n",
        "0000000   N   A   T   O       S   E   C\n0000013   R   E   T  \\n\n",
        # a row's trailing blank stripped: its offsets say it was there
        "0000000   T   O   P\n0000004   S   E   C   R   E   T  \\n\n",
        "0000000 116 101 124 117 040 123 105 103 122 105 124 012\n",
        "00000000: 01001110 01000001 01010100 01001111 00100000 01010011  NATO S\n"
        "00000006: 01000101 01000011 01010010 01000101 01010100 00001010  ECRET.\n",
    ):
        assert check_text(default_policy, text).level in ("SECRET", "TOP SECRET"), text


# --- streamed -------------------------------------------------------------------------------


def _streamed_cases() -> list[tuple[str, Target, str]]:
    """Each writer on a banner drawn for it (eight in CI), with its name."""
    cases = []
    for codec, writer in _charset_cases():
        banners = [t for t in targets() if not t.portion and _encodable(codec)(t)]
        rng = random.Random(f"stream:{codec}:{writer}")
        for target in rng.sample(banners, scaled(8, 1)):
            cases.append((f"{codec}:{writer}", target, _charset_text(target, codec, writer)))
    for dump in sorted(DUMPS):
        for cut in (False, True):
            rng = random.Random(f"stream:{dump}:{cut}")
            banners = [t for t in targets() if not t.portion]
            for target in rng.sample(banners, scaled(8, 1)):
                cases.append((f"{dump}:{cut}", target, _dump_document(target, dump, cut)))
    return cases


@pytest.mark.parametrize("index", range(len(_streamed_cases())))
def test_streamed_as_whole(index: int) -> None:
    """Streamed in pieces as a model writes them: each decides as the whole text."""
    name, target, text = _streamed_cases()[index]
    chunks = pieces(text, random.Random(f"{name}:{target.id}"))
    _assert_stream_properties(shipped_policy(target.policy), text, chunks, exactly=True)


@pytest.mark.parametrize("dump", sorted(DUMPS))
def test_a_dump_cut_anywhere_streams_as_whole(dump: str) -> None:
    """A short dump whose marking two rows cut, cut in two at every point in CI."""
    text = DUMPS[dump](b"Betreff: Lage\nNATO SECRET\nLage ruhig.\n")
    assert_cuts_stream(shipped_policy("default.yaml"), text, one_character=False)


# --- everyday text stays UNCLASSIFIED -------------------------------------------------------


def _noise(seed: int, size: int) -> bytes:
    return random.Random(seed).randbytes(size)


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00>\x00\x01\x00\x00\x00"


def _everyday_payloads() -> list[bytes]:
    payloads = [_noise(seed, size) for seed in range(40) for size in (9, 24, 48, 120)]
    payloads += [PNG + _noise(seed, 300) for seed in range(5)]
    payloads += [ELF + _noise(seed, 200) + b"/lib64/ld-linux-x86-64.so.2\0" for seed in range(5)]
    ordinary = "Die Kaffeemaschine im Büro ist repariert. Grüße, das Team – bis später.\n"
    payloads += [ordinary.encode(codec, "replace") for codec in WESTERN + EBCDIC]
    return payloads


@pytest.mark.parametrize("writer", sorted(_charset_writers()))
def test_everyday_bytes_in_each_encoding_stay_unclassified(
    default_policy: Policy, writer: str
) -> None:
    make = _charset_writers()[writer]
    for data in sample(_everyday_payloads(), 40, seed=f"everyday:{writer}"):
        text = make(data)
        assert check_text(default_policy, text).level == "UNCLASSIFIED", text


@pytest.mark.parametrize("dump", sorted(DUMPS))
def test_everyday_dumps_stay_unclassified(default_policy: Policy, dump: str) -> None:
    for data in sample(_everyday_payloads(), 30, seed=f"everyday-dump:{dump}"):
        text = DUMPS[dump](data)
        assert check_text(default_policy, text).level == "UNCLASSIFIED", text


def test_random_bytes_are_no_legacy_text() -> None:
    rng = random.Random(14)
    for size in (12, 16, 32, 64, 256):
        for _ in range(500):
            data = rng.randbytes(size)
            assert legacy_text(data) is None, data
    # eight random bytes are text one time in a thousand or so, never a marking's text
    short = sum(legacy_text(rng.randbytes(8)) is not None for _ in range(5000))
    assert short <= 25


@pytest.mark.parametrize(
    "text",
    [
        "\n".join(
            f"{hashlib.sha256(str(i).encode()).hexdigest()}  file{i}.tar.gz" for i in range(8)
        ),
        "chmod 0755 bin/run; chmod 0644 etc/config\n0755 0644 0600 0700\n",
        "mask = 0b01001110 | 0b01000001;\nflags = [0b00100000, 0b01010011]\n",
        "0000010 1234 5678 9012 3456\n0000020 2345 6789 0123 4567\n",
        "2024001 1200 1300 1400\n2024002 1250 1350 1450\n",
        "Order 100245: 12 units at 0x1F each, total 0755.",
    ],
)
def test_everyday_near_misses_stay_unclassified(default_policy: Policy, text: str) -> None:
    assert check_text(default_policy, text).level == "UNCLASSIFIED"


# --- UTF-32 -------------------------------------------------------------------------------


@pytest.mark.parametrize("codec", ["utf-32", "utf-32-le", "utf-32-be"])
@pytest.mark.parametrize("writer", ["base64", "hex"])
def test_every_banner_in_utf32_bytes_reads(codec: str, writer: str) -> None:
    def text(target: Target) -> str:
        data = f"{target.text}\nLagebericht folgt.\n".encode(codec)
        return _charset_writers()[writer](data)

    assert_targets_read(banner_sample(f"utf32:{codec}:{writer}"), text)


def test_zero_heavy_bytes_that_are_no_utf32_stay_unclassified(default_policy: Policy) -> None:
    rng = random.Random("utf32-noise")
    for _ in range(50):
        data = bytes(rng.choice([0, 0, 0, rng.randrange(256)]) for _ in range(64))
        assert check_text(default_policy, base64.b64encode(data).decode()).level == "UNCLASSIFIED"
