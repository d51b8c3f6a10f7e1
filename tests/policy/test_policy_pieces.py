"""Red team 14: an encoded text cut into pieces, a piece a line: key halves, a CSV column,
assignments, an array's items, lines of four characters; base64, hex or base32. Joined,
they read as the text they encode. Every banner of every shipped policy in each writer's
form (a sample in the fast line), whole and streamed; everyday columns of ids, hashes
and words stay UNCLASSIFIED."""

from __future__ import annotations

import base64
import hashlib
import random
from collections.abc import Callable

import pytest

from milai.policy import Policy, check_text
from tests.levels import assert_targets_read
from tests.policy.families import banner_sample
from tests.policy.test_policy_stream_properties import assert_cuts_stream


def _cut(token: str, rng: random.Random, parts: int) -> list[str]:
    """``token`` in ``parts`` pieces of about one length (a writer cuts evenly), each of four
    characters or more and none of padding alone."""
    core = len(token.rstrip("="))
    step = core // parts
    cuts = [step * n + rng.randrange(-1, 2) for n in range(1, parts)]
    return [token[a:b] for a, b in zip([0, *cuts], [*cuts, len(token)], strict=True)]


def _message(text: str) -> bytes:
    return f"{text}\nLagebericht folgt.\n".encode()


def _b64(text: str) -> str:
    return base64.b64encode(_message(text)).decode()


def _halves(token: str, rng: random.Random) -> str:
    return "".join(f"part{n}={piece}\n" for n, piece in enumerate(_cut(token, rng, 2), 1))


def _column(token: str, rng: random.Random) -> str:
    rows = "".join(f"{n},{piece}\n" for n, piece in enumerate(_cut(token, rng, 3), 1))
    return "id,chunk\n" + rows


def _assignments(token: str, rng: random.Random) -> str:
    pieces = _cut(token, rng, 2)
    return f'key_a = "{pieces[0]}"\nkey_b = "{pieces[1]}"\n'


def _array(token: str, rng: random.Random) -> str:
    items = "".join(f'  "{piece}",\n' for piece in _cut(token, rng, 3))
    return f"const parts = [\n{items}];\n"


def _fours(token: str, rng: random.Random) -> str:
    return "".join(token[at : at + 4] + "\n" for at in range(0, len(token), 4))


def _footed(token: str, rng: random.Random) -> str:
    """A header and a footer line of the pieces' own form (attack 15)."""
    pieces = "".join(f"part{n}={piece}\n" for n, piece in enumerate(_cut(token, rng, 3), 1))
    return f"name=report\n{pieces}checksum=ab12cd34\n"


def _bulleted(token: str, rng: random.Random) -> str:
    return "".join(f"  - {piece}\n" for piece in _cut(token, rng, 3))


def _commented(token: str, rng: random.Random) -> str:
    return "".join(f"// {piece}\n" for piece in _cut(token, rng, 3))


def _short_tail(token: str, rng: random.Random) -> str:
    """The last piece one to three characters, no padding (unpadded base64's ``RVQ``)."""
    token = token.rstrip("=")
    tail = rng.randint(1, 3)
    head = _cut(token[:-tail], rng, 2)
    return "".join(f"h{n}={piece}\n" for n, piece in enumerate([*head, token[-tail:]]))


WRITERS: dict[str, Callable[[str, random.Random], str]] = {
    "footed": _footed,
    "bulleted": _bulleted,
    "commented": _commented,
    "short-tail": _short_tail,
    "halves": _halves,
    "column": _column,
    "assignments": _assignments,
    "array": _array,
    "fours": _fours,
}
ENCODINGS: dict[str, Callable[[str], str]] = {
    "base64": _b64,
    "hex": lambda text: _message(text).hex(),
    "base32": lambda text: base64.b32encode(_message(text)).decode(),
}


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_every_banner_encoded_in_pieces_reads(writer: str, encoding: str) -> None:
    def text(target_text: str) -> str:
        rng = random.Random(f"{target_text}:{writer}:{encoding}")
        return WRITERS[writer](ENCODINGS[encoding](target_text), rng)

    chosen = banner_sample(f"pieces:{writer}:{encoding}")
    assert_targets_read(chosen, lambda target: text(target.text))


def test_pieces_that_each_carry_their_padding_read(default_policy: Policy) -> None:
    first, second = (base64.b64encode(part).decode() for part in (b"TOP SEC", b"RET\n"))
    text = f"part1={first}\npart2={second}\n"
    assert check_text(default_policy, text).level == "TOP SECRET"


@pytest.mark.parametrize("writer", ["halves", "column", "fours", "footed", "short-tail"])
def test_pieces_stream_as_they_read_whole(writer: str, default_policy: Policy) -> None:
    text = WRITERS[writer](_b64("NATO SECRET"), random.Random(writer))
    assert_cuts_stream(default_policy, text, one_character=False)


def _everyday() -> list[str]:
    rng = random.Random("pieces-everyday")
    digests = [hashlib.sha256(str(n).encode()).hexdigest()[:20] for n in range(4)]
    tokens = [base64.b64encode(rng.randbytes(12)).decode() for _ in range(4)]
    return [
        "".join(f"sha{n}={digest}\n" for n, digest in enumerate(digests)),
        "id,token\n" + "".join(f"{n},{token}\n" for n, token in enumerate(tokens)),
        "Hello world\nthe plan is done\nsee you\nok\n",
        "name: build\nimage: python3\ntag: latest\n",
        'key_a = "ABCDEFGH"\nkey_b = "abcdefgh"\n',
        "part1=Q1report\npart2=Q2report\n",
        base64.b64encode(b"Hello, the meeting moved to Tuesday.\n").decode() + "\n",
    ]


@pytest.mark.parametrize("text", _everyday())
def test_everyday_columns_stay_unclassified(text: str, default_policy: Policy) -> None:
    assert check_text(default_policy, text).level == "UNCLASSIFIED"
