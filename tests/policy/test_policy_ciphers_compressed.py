"""Issue 9: encodings a writer or a model can answer in, read as the others are.

* Atbash (A↔Z, B↔Y…, either case) and ROT47 (printable ASCII turned by 47): a line whose
  deciphered copy holds a marking word is read deciphered; the usual guards decide.
* Variation selectors (U+FE00-FE0F for 0-15, U+E0100-E01EF for 16-255) after a visible
  character: the bytes they stand for, read as UTF-8.
* uuencode (``begin 644 name`` … ``end``; a mail part's ``x-uuencode``), streamed: the
  block is held to its end.
* Compressed, then encoded: gzip, zlib or bzip2 data in base64 or hex is decompressed,
  bounded (a bomb reads its start only).

Every banner of every shipped policy in each writer's form, whole and streamed; everyday
text in the same forms stays UNCLASSIFIED."""

from __future__ import annotations

import base64
import binascii
import bz2
import gzip
import lzma
import random
import time
import zlib
from collections.abc import Callable

import pytest

from milai import _budget
from milai.policy import Action, Policy, check_stream, check_text
from milai.policy._ciphers import ATBASH, ROT47
from milai.policy.decoders import inflate
from tests.levels import assert_targets_read
from tests.policy.adversarial import (
    base64_lines,
    base64_text,
    pieces,
    released_through_gate,
    split_longest_word,
)
from tests.policy.families import BODY, targets
from tests.policy.test_policy_stream_properties import _assert_stream_properties
from tests.scale import sample

BANNERS = [target for target in targets() if not target.portion]
# Markings of five letters or more with a word of five letters or more (shorter ones are
# not read deciphered, as their rot13 spellings are not: ``_ciphers``).
LONG = [
    target
    for target in BANNERS
    if any(len(word) >= 5 and word.isascii() and word.isalpha() for word in target.words)
]


def _document(marking: str, rng: random.Random) -> str:
    body = rng.choice(BODY)
    return f"{marking}\n{body}\n" if rng.random() < 0.6 else f"{marking}\n\n{body}\n\n{marking}\n"


# --- Atbash and ROT47 ------------------------------------------------------------------------


def _atbash(text: str, rng: random.Random) -> str:
    return text.translate(ATBASH)


def _rot47(text: str, rng: random.Random) -> str:
    return text.translate(ROT47)


def _cipher_writers() -> dict[str, Callable[[str, random.Random], str]]:
    return {
        "atbash-document": lambda m, rng: _atbash(_document(m, rng), rng),
        "atbash-line": lambda m, rng: "Answer: " + _atbash(m, rng),
        "atbash-split": lambda m, rng: _atbash(_document(split_longest_word(m, rng), rng), rng),
        "rot47-document": lambda m, rng: _rot47(_document(m, rng), rng),
        "rot47-split": lambda m, rng: _rot47(split_longest_word(m, rng), rng),
        "rot47-bracketed": lambda m, rng: _rot47(f"[{m}]", rng) + "\n" + rng.choice(BODY),
    }


@pytest.mark.parametrize("writer", sorted(_cipher_writers()))
def test_every_long_banner_in_a_cipher_reads(writer: str) -> None:
    make = _cipher_writers()[writer]
    assert_targets_read(LONG, lambda target: make(target.text, random.Random(target.id + writer)))


@pytest.mark.parametrize(
    "text",
    [
        "MZGL HVXIVG",  # NATO SECRET
        "}p%~ $t r#t%",  # NATO SE CRET
        "}p%~ $tr#t%",
        "GLK HVXIVG\nGsv xlmelb ovzevh zg wzdm.",
    ],
)
def test_the_round_examples_read(default_policy: Policy, text: str) -> None:
    assert check_text(default_policy, text).level in ("SECRET", "TOP SECRET")


@pytest.mark.parametrize(
    "text",
    [
        # prose and code, deciphered or as written
        "The secret recipe is restricted to the family; the Secretary agreed.",
        "Gsv hvxivg ivxrkv rh ivhgirxgvw gl gsv uznrob.",  # atbash prose: "secret" in prose
        "%96 D64C6E C64:A6 :D C6DEC:4E65]",  # rot47 prose, small letters
        'price = $tr + 5; total = "#t%" if x else y',
        "hash: D64C6E0a9f; id: 4@?7:56?E:2=",
        "if (a->b && c[d]) { e = f % g; }",
        "Wizard Drazi went to the river and sang.",
        "I ❤️ it ☺︎ and 👍🏽 ok",
    ],
)
def test_everyday_text_stays_unclassified(default_policy: Policy, text: str) -> None:
    assert check_text(default_policy, text).level == "UNCLASSIFIED"


# --- variation selectors -----------------------------------------------------------------------


def _selectors(data: bytes) -> str:
    return "".join(chr(0xFE00 + b) if b < 16 else chr(0xE0100 + b - 16) for b in data)


def _selector_writers() -> dict[str, Callable[[str, random.Random], str]]:
    return {
        "emoji-document": lambda m, rng: (
            "Here you go "
            + rng.choice("😊👍🔥✅")
            + _selectors(_document(m, rng).encode())
            + " enjoy!"
        ),
        "letter-carrier": lambda m, rng: "a" + _selectors(m.encode()),
        "emoji-alone": lambda m, rng: rng.choice("😊🙂") + _selectors(m.encode()),
    }


@pytest.mark.parametrize("writer", sorted(_selector_writers()))
def test_every_banner_in_variation_selectors_reads(writer: str) -> None:
    make = _selector_writers()[writer]
    assert_targets_read(
        BANNERS, lambda target: make(target.text, random.Random(target.id + writer))
    )


def test_the_selector_example_reads(default_policy: Policy) -> None:
    assert check_text(default_policy, "😊" + _selectors(b"NATO SECRET")).level == "SECRET"


@pytest.mark.parametrize(
    "text",
    ["❤️ ❤️❤️ I love it", "☺︎ text style", "👨‍👩‍👧 family", "葛󠄀 (an ideographic variant)"],
)
def test_ordinary_selectors_stay_unclassified(default_policy: Policy, text: str) -> None:
    assert check_text(default_policy, text).level == "UNCLASSIFIED"


# --- uuencode ---------------------------------------------------------------------------------


def _uu(data: bytes, name: str = "notes.txt", mode: str = "644") -> str:
    lines = [f"begin {mode} {name}"]
    lines += [
        binascii.b2a_uu(data[i : i + 45]).decode().rstrip("\n") for i in range(0, len(data), 45)
    ]
    return "\n".join([*lines, "`", "end"]) + "\n"


def _uu_writers() -> dict[str, Callable[[str, random.Random], str]]:
    return {
        "bare": lambda m, rng: _uu(_document(m, rng).encode()),
        "after-text": lambda m, rng: "Here is the file:\n\n" + _uu(_document(m, rng).encode()),
        "mail": lambda m, rng: (
            "From: a@example.org\nSubject: minutes\nMIME-Version: 1.0\n"
            'Content-Type: text/plain; name="minutes.txt"\n'
            "Content-Transfer-Encoding: x-uuencode\n\n"
            + _uu(_document(m, rng).encode(), "minutes.txt", "600")
        ),
        "long": lambda m, rng: _uu(
            (rng.choice(BODY) + "\n").encode() * 3 + _document(m, rng).encode()
        ),
    }


@pytest.mark.parametrize("writer", sorted(_uu_writers()))
def test_every_banner_uuencoded_reads(writer: str) -> None:
    make = _uu_writers()[writer]
    assert_targets_read(
        BANNERS, lambda target: make(target.text, random.Random(target.id + writer))
    )


def test_uuencoded_ordinary_files_stay_unclassified(default_policy: Policy) -> None:
    text = "The secret recipe: flour, sugar and eggs.\n" * 5
    assert check_text(default_policy, _uu(text.encode())).level == "UNCLASSIFIED"
    assert check_text(default_policy, _uu(bytes(range(256)) * 2, "blob.bin")).level == (
        "UNCLASSIFIED"
    )


# --- compressed, then encoded --------------------------------------------------------------------

COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": gzip.compress,
    "zlib": zlib.compress,
    "bz2": bz2.compress,
    "xz": lzma.compress,
    "lzma": lambda data: lzma.compress(data, format=lzma.FORMAT_ALONE),
}


def _compressed_writers() -> dict[str, Callable[[bytes], str]]:
    b64, wrapped = base64_text, base64_lines
    return {
        "configmap": lambda d: (
            f"apiVersion: v1\nkind: ConfigMap\nbinaryData:\n  motd.gz: {b64(d)}\n"
        ),
        "shell": lambda d: f"echo {b64(d)} | base64 -d | gunzip\n",
        "json": lambda d: '{"payload": "' + b64(d) + '"}',
        "hex": lambda d: "data = " + d.hex() + "\n",
        "mime": lambda d: "Content-Transfer-Encoding: base64\n\n" + wrapped(d) + "\n",
    }


@pytest.mark.parametrize("compressor", sorted(COMPRESSORS))
@pytest.mark.parametrize("writer", sorted(_compressed_writers()))
def test_every_banner_compressed_then_encoded_reads(compressor: str, writer: str) -> None:
    make, compress = _compressed_writers()[writer], COMPRESSORS[compressor]
    assert_targets_read(
        BANNERS,
        lambda target: make(
            compress(_document(target.text, random.Random(target.id + writer)).encode())
        ),
    )


@pytest.mark.parametrize("compressor", sorted(COMPRESSORS))
def test_compressed_ordinary_text_stays_unclassified(
    default_policy: Policy, compressor: str
) -> None:
    text = "Welcome to the build server.\nThe secret of good coffee is fresh beans.\n" * 3
    for make in _compressed_writers().values():
        written = make(COMPRESSORS[compressor](text.encode()))
        assert check_text(default_policy, written).level == "UNCLASSIFIED", written


@pytest.mark.parametrize("compressor", sorted(COMPRESSORS))
def test_a_bomb_is_read_bounded(compressor: str) -> None:
    bomb = COMPRESSORS[compressor](b"SECRET\n" + b"\0" * (16 << 20))  # 16 times the bound
    started = time.perf_counter()
    out = inflate(bomb)
    assert out is not None and out.startswith(b"SECRET") and len(out) <= 1 << 20
    assert time.perf_counter() - started < 2


def test_a_bomb_in_base64_is_gated_quickly(default_policy: Policy) -> None:
    bomb = base64.b64encode(gzip.compress(b"A" * (200 << 20))).decode()
    started = time.perf_counter()
    check_text(default_policy, "blob: " + bomb)
    assert time.perf_counter() - started < 30


def _nested(copies: int) -> str:
    """attack13's shape: gzip in base64 whose text is base64 gzip payloads, ``copies`` of
    them, each a page of text compressed, and that nested once more ten times: a few
    hundred bytes that decompress, per payload within its own bound, to ~200 MB of text."""

    def packed(text: str) -> str:
        return base64.b64encode(gzip.compress(text.encode(), 9)).decode()

    page = packed("The weather is fine today. " * 3000)
    return packed((packed((page + "\n") * copies) + "\n") * 10)


def test_nested_payloads_past_the_checks_budget_block_in_linear_time(
    default_policy: Policy,
) -> None:
    # attack13 (F2): each payload was bounded on its own, so nesting multiplied them (738
    # bytes took 458 s of CPU); a check decompresses 4 MiB and 16 bytes a character in all.
    text = "intro\n" + _nested(1000) + "\nSECRET\n"
    started = time.process_time()
    decision = check_text(default_policy, text, direction="output")
    assert time.process_time() - started < 30  # ~1 s here; unbounded, several minutes
    assert decision.action is Action.BLOCK and decision.level == "SECRET"
    budget = [f for f in decision.findings if f.rule == "decompression-budget"]
    assert len(budget) == 1 and "not read" in budget[0].detail
    streamed = check_stream(default_policy, pieces(text, random.Random(7), (1, 64, 4096)))
    assert [f.rule for f in streamed.findings if f.action is Action.BLOCK] == [
        "decompression-budget"
    ]


def test_a_budget_past_by_the_output_stops_the_stream_before_the_payload(
    default_policy: Policy,
) -> None:
    payload = _nested(1000)
    text = "Here it is:\n" + payload + "\nDone.\n"
    chunks = [text[at : at + 5] for at in range(0, len(text), 5)]
    released, blocked = released_through_gate(default_policy, "RESTRICTED", chunks)
    assert blocked and payload[:8] not in released


def test_a_one_line_payload_longer_than_a_window_is_inflated_whole(default_policy: Policy) -> None:
    # attack14 A1: a run longer than 4096 characters was decoded in windows, and only the
    # first window is the start of the compressed stream: a SECRET line past ~3 KB of gzip
    # (``gzip | base64 -w0``, hex) read UNCLASSIFIED, whole and streamed.
    rng = random.Random("one-line")
    words = "the of and to in a is that for it as was with be by on not at".split()
    prose = "\n".join(" ".join(rng.choice(words) for _ in range(12)) for _ in range(400))
    packed = gzip.compress(f"{prose}\n\nSECRET\n\nThe attack starts at dawn.\n".encode())
    for payload in (base64.b64encode(packed).decode(), packed.hex()):
        assert len(payload) > 4096
        text = f"$ cat report.txt | gzip | base64 -w0\n{payload}\nok\n"
        assert check_text(default_policy, text, direction="output").level == "SECRET"
        for size in (1, 7, 4096):
            chunks = [text[at : at + size] for at in range(0, len(text), size)]
            assert check_stream(default_policy, chunks, direction="output").level == "SECRET"
            released, blocked = released_through_gate(default_policy, "RESTRICTED", chunks)
            assert blocked and payload[:16] not in released


def test_a_payload_cut_short_by_its_own_bound_blocks(default_policy: Policy) -> None:
    # attack14 A2: 100,000 blanks then SECRET inflate past the payload's bound (64 times its
    # size): what follows the cut was not read, and the check allowed it.
    payload = base64.b64encode(gzip.compress(b" " * 100_000 + b"\nSECRET\n")).decode()
    decision = check_text(default_policy, f"blob: {payload}\n", direction="output")
    assert decision.action is Action.BLOCK
    assert [f.rule for f in decision.findings] == ["decompression-budget"]


def test_a_payload_nested_past_the_depth_bound_blocks(default_policy: Policy) -> None:
    # attack14 A4: SECRET inside five layers of gzip in base64 (280 characters) read
    # UNCLASSIFIED: the scanner decodes four deep, and the fifth was simply not read.
    text = "SECRET\nThe plan.\n"
    for depth in range(1, 7):
        # a fixed time in the header: about one stamp in a thousand makes bytes at the fourth
        # level that read as another gzip payload's start by chance, and that blocks (note)
        text = base64.b64encode(gzip.compress(text.encode(), mtime=0)).decode()
        decision = check_text(default_policy, f"x {text} y\n", direction="output")
        if depth <= 4:
            assert decision.level == "SECRET" and decision.action is not Action.BLOCK
        else:
            assert decision.action is Action.BLOCK
            assert [f.rule for f in decision.findings] == ["decompression-budget"]


def _wrapped(data: bytes, width: int) -> str:
    """``data`` in base64 wrapped at ``width`` columns (MIME's 76, PEM's 64)."""
    line = base64.b64encode(data).decode()
    return "\n".join(line[at : at + width] for at in range(0, len(line), width)) + "\n"


@pytest.mark.parametrize(
    ("width", "compress"),
    [
        (76, lambda data: gzip.compress(data, mtime=0)),
        (64, gzip.compress),
        (64, zlib.compress),
        (76, bz2.compress),
    ],
)
def test_a_wrapped_payload_nested_past_the_depth_bound_blocks(
    default_policy: Policy, width: int, compress: Callable[[bytes], bytes]
) -> None:
    # attack14: a payload wrapped over lines at the fifth level passed unread (its first
    # line alone, read as a one-line run, inflates to nothing, and the wrapped block was
    # not looked at four deep)
    words = "the convoy leaves the depot at dawn with fuel and spare parts".split()
    rng = random.Random(width)
    text = "SECRET\n" + " ".join(rng.choice(words) for _ in range(400)) + "\n"
    for depth in range(1, 7):
        text = _wrapped(compress(text.encode()), width)
        decision = check_text(default_policy, f"Attached:\n{text}\nThanks\n", direction="output")
        if depth <= 4:
            assert decision.level == "SECRET" and decision.action is not Action.BLOCK
        else:
            assert decision.action is Action.BLOCK, depth
            assert [f.rule for f in decision.findings] == ["decompression-budget"]


def test_wrapped_everyday_payloads_do_not_block(default_policy: Policy) -> None:
    rng = random.Random("wrapped-everyday")
    prose = "The secret of good coffee is fresh beans and clean water.\n" * 40
    # a long base64 text (not compressed) two deep reads as text
    twice = _wrapped(_wrapped(prose.encode(), 76).encode(), 76)
    decision = check_text(default_policy, f"Body:\n{twice}", direction="output")
    assert (decision.action, decision.level) == ("allow", "UNCLASSIFIED")
    marked = _wrapped(_wrapped(("RESTRICTED\n" + prose).encode(), 76).encode(), 76)
    assert check_text(default_policy, f"Body:\n{marked}").level == "RESTRICTED"
    # four deep, a wrapped block of compressed noise (an image, a key) or of noise that
    # starts like gzip by chance is not text: nothing to read, nothing blocks
    for inner in (
        _wrapped(gzip.compress(rng.randbytes(3000)), 76),
        _wrapped(b"\x1f\x8b\x08" + rng.randbytes(3000), 64),
    ):
        text = inner
        for _ in range(4):  # the wrapped block is read four deep
            text = base64.b64encode(gzip.compress(text.encode())).decode()
        decision = check_text(default_policy, f"x {text} y\n", direction="output")
        assert decision.action is not Action.BLOCK


def test_many_ordinary_payloads_within_the_budget_still_pass(default_policy: Policy) -> None:
    # A cluster dump with a compressed file per ConfigMap: each read, none blocks.
    page = "Welcome to the build server.\nThe secret of good coffee is fresh beans.\n" * 50
    text = "".join(
        _compressed_writers()["configmap"](gzip.compress(f"{n}: {page}".encode()))
        for n in range(200)
    )
    decision = check_text(default_policy, text, direction="output")
    assert decision.action is not Action.BLOCK and decision.level == "UNCLASSIFIED"


def _refused(budget: _budget.Budget) -> bool:
    return budget.refused  # read through a call: mypy narrowed it to False above


def test_inflate_refuses_past_its_budget() -> None:
    # noise does not compress: the payload's own bound (64 times its size) is not reached
    payload = gzip.compress(b"SECRET\n" + random.Random(1).randbytes(900 << 10))
    budget = _budget.Budget()
    with _budget.budgeted(budget):
        for _ in range(4):
            out = inflate(payload)
            assert out is not None and out.startswith(b"SECRET")
        assert not budget.refused
        assert inflate(payload) is not None  # cut short by what is left: refused
        assert _refused(budget)
        assert inflate(payload) is None
    assert inflate(payload) is not None  # outside a check's budget: its own bound only


# --- streamed ---------------------------------------------------------------------------------


def _stream_cases() -> list[tuple[str, bool]]:
    """(text, whether the streamed decision's explanations are the whole text's too: a
    base64 run on a shell line is explained as a cell when streamed, decided the same)."""
    rng = random.Random("gate29-stream")
    marking = "NATO SECRET"
    cases = [(writer(marking, rng), True) for writer in _cipher_writers().values()]
    cases += [(writer(marking, rng), True) for writer in _selector_writers().values()]
    cases += [(writer(marking, rng), True) for writer in _uu_writers().values()]
    cases += [
        (writer(compress(_document(marking, rng).encode())), False)
        for writer in _compressed_writers().values()
        for compress in COMPRESSORS.values()
    ]
    return cases


@pytest.mark.parametrize("index", sample(range(len(_stream_cases())), 8, seed="gate29"))
def test_streamed_as_read_whole(default_policy: Policy, index: int) -> None:
    text, exactly = _stream_cases()[index]
    rng = random.Random(index)
    for sizes in ((1,), (1, 2, 3, 5, 8), (64,)):
        _assert_stream_properties(default_policy, text, pieces(text, rng, sizes), exactly=exactly)


@pytest.mark.parametrize("size", range(1, 17))
def test_a_selector_run_cut_by_the_chunks_is_one_run(default_policy: Policy, size: int) -> None:
    # attack13: a run of selectors that a chunk cut was read from the wrong place of the next
    # chunk (its start taken back to the run's), so 2-, 3-, 4- and 8-character chunks
    # released "Hello" + the selectors of NATO SECRET whole
    for text in (
        "Hello" + _selectors(b"NATO SECRET") + " world\n",
        "😀" + _selectors(b"SECRET UE"),
    ):
        chunks = [text[at : at + size] for at in range(0, len(text), size)]
        assert check_stream(default_policy, chunks).level == "SECRET", (size, text)
        _assert_stream_properties(default_policy, text, chunks, exactly=True)
