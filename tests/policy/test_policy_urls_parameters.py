"""Red team 14: a marking percent-encoded in a URL, and a header's parameter in pieces.

* A URL's query value or path segment (``?cls=NATO%20SECRET&id=7``,
  ``/files/TR%C3%88S%20SECRET%20UE/report.pdf``), in a log line, a link, a call: the value
  or the segment, decoded, is a marking alone, as a cell's is.
* RFC 2231 / RFC 8187 parameters in pieces (``filename*0*=utf-8''TR%C3%88S%20;`` /
  ``filename*1*=SECRET%20UE.pdf``), on one header line or folded over several, and a mail
  attachment's name that Python's mail reader joins: read as the plain value.

Every banner of every shipped policy in each form (a sample in the fast line), whole and
streamed; everyday URLs and parameters stay UNCLASSIFIED."""

from __future__ import annotations

import random
import urllib.parse
from collections.abc import Callable

import pytest

from milai.policy import Policy, check_text
from milai.policy._parameters import hint_spans, joined_parameters
from tests.levels import assert_targets_read
from tests.policy.families import banner_sample
from tests.policy.test_policy_stream_properties import assert_cuts_stream


def _quote(text: str) -> str:
    return urllib.parse.quote(text, safe="")


URL_WRITERS: dict[str, Callable[[str], str]] = {
    "access-log": lambda m: (
        f'10.0.0.7 - - [07/Dec/2026:10:00:01 +0000] "GET /docs/view?cls={_quote(m)}&id=7 '
        'HTTP/1.1" 200 5120\n'
    ),
    "query-plus": lambda m: f"GET /search?q={urllib.parse.quote_plus(m)}&page=2\n",
    "path": lambda m: f"curl -O https://intranet.example/files/{_quote(m)}/report.pdf\n",
    "path-last": lambda m: f"see https://intranet.example/archive/2024/{_quote(m)}.pdf today\n",
    "href": lambda m: f'<p>The <a href="/files/{_quote(m)}/plan.pdf">plan</a> is ready.</p>\n',
    "fetch": lambda m: f'const r = await fetch("/api/v1/search?level={_quote(m)}&page=2");\n',
    "double": lambda m: f"GET /docs/{_quote(_quote(m))}/x HTTP/1.1\n",
}


def _rfc2231(marking: str, folded: bool, charset: str) -> str:
    data = f"{marking} Lagebericht.pdf".encode(charset, "replace")
    quoted = urllib.parse.quote_from_bytes(data, safe="")
    cut = len(quoted) // 2
    while "%" in quoted[cut - 2 : cut]:
        cut += 1  # pieces may cut a character's bytes, never an escape
    first, second = quoted[:cut], quoted[cut:]
    gap = ";\n " if folded else "; "
    return (
        "Content-Type: application/pdf\n"
        f"Content-Disposition: attachment{gap}filename*0*={charset}''{first}{gap}"
        f"filename*1*={second}\n"
    )


def _quoted_pieces(marking: str) -> str:
    cut = len(marking) // 2
    return (
        f'Content-Type: application/pdf;\n name*0="{marking[:cut]}";\n'
        f' name*1="{marking[cut:]} Annex.pdf"\n'
    )


def _mail(marking: str) -> str:
    quoted = _quote(f"{marking} Annex B.pdf")
    cut = len(quoted) // 2
    while "%" in quoted[cut - 2 : cut]:
        cut += 1
    return (
        "From: a@b.example\nTo: c@d.example\nSubject: files\nMIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="B"\n\n--B\nContent-Type: text/plain\n\n'
        "Attached.\n--B\nContent-Type: application/octet-stream\n"
        f"Content-Disposition: attachment;\n filename*0*=utf-8''{quoted[:cut]};\n"
        f" filename*1*={quoted[cut:]}\nContent-Transfer-Encoding: base64\n\naGVsbG8=\n--B--\n"
    )


def _titled(marking: str) -> str:
    """Pieces, the first plain, the second extended, the marking after a title."""
    quoted = _quote(f"« {marking} ».pdf")
    return (
        f"Content-Disposition: attachment; filename*0=\"Bericht \";\n filename*1*=utf-8''{quoted}\n"
    )


PARAMETER_WRITERS: dict[str, Callable[[str], str]] = {
    "titled": _titled,
    "one-line": lambda m: _rfc2231(m, folded=False, charset="utf-8"),
    "folded": lambda m: _rfc2231(m, folded=True, charset="utf-8"),
    "latin-1": lambda m: _rfc2231(m, folded=True, charset="iso-8859-1"),
    "quoted-pieces": _quoted_pieces,
    "mail": _mail,
}
WRITERS = {**URL_WRITERS, **PARAMETER_WRITERS}


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_every_banner_in_a_url_or_a_parameter_reads(writer: str) -> None:
    assert_targets_read(banner_sample(f"url:{writer}"), lambda t: WRITERS[writer](t.text))


@pytest.mark.parametrize("writer", ["access-log", "path", "folded", "quoted-pieces"])
def test_a_url_or_a_parameter_streams_as_it_reads_whole(
    writer: str, default_policy: Policy
) -> None:
    target = random.Random(writer).choice(
        [t for t in banner_sample(f"url-stream:{writer}") if t.policy == "default.yaml"]
    )
    assert_cuts_stream(default_policy, WRITERS[writer](target.text), one_character=False)


EVERYDAY = [
    '10.0.0.7 - - [07/Dec/2026] "GET /search?q=secret%20santa%20ideas&lang=en HTTP/1.1" 200\n',
    "https://www.example.org/wiki/Top%20Secret%20(1984%20film)\n",
    "GET /api/v1/namespaces/default/secrets/db-password HTTP/1.1\n",
    "See /usr/share/doc/README and /etc/ssl/private/server.key for details.\n",
    "Use TCP/IP and/or UDP; the S/MIME keys live in ~/.gnupg/private-keys-v1.d/.\n",
    '<a href="https://shop.example/Secret%20Garden/seeds?size=L&colour=RED">seeds</a>\n',
    'const r = await fetch("/api/v1/users?role=admin&page=2");\n',
    "Content-Disposition: attachment;\n filename*0*=utf-8''Quarterly%20report%20;\n"
    " filename*1*=Q3%202026.pdf\n",
    'Content-Type: text/plain;\n name*0="Secret Santa ";\n name*1="list.txt"\n',
    "GET /docs/Geheimtipps/Restaurant%20Liste.pdf HTTP/1.1\n",
]


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_urls_and_parameters_stay_unclassified(text: str, default_policy: Policy) -> None:
    assert check_text(default_policy, text).level == "UNCLASSIFIED"


def test_pieces_join_in_order_across_a_split_character() -> None:
    block = "a;\n filename*1*=%88S%20SECRET.pdf;\n filename*0*=utf-8'en'TR%C3"
    ((text, offsets),) = joined_parameters(block)
    assert text == 'filename="TRÈS SECRET.pdf"'
    assert block[offsets[text.index("È")]] == "%"  # the first byte's escape, in piece 0
    assert block[offsets[text.index("S")]] == "S"


def test_pieces_not_numbered_from_zero_join_nothing() -> None:
    assert joined_parameters("x; filename*1*=NATO%20; filename*2*=SECRET") == []
    assert joined_parameters("x; filename*0*=utf-8''NATO%20") == []


def test_a_lookup_call_on_a_url_is_no_name(default_policy: Policy) -> None:
    # fetch("SECRET") looks up a name; fetch of a URL asks a server: its query is read
    assert check_text(default_policy, 'fetch("SECRET")\n').level == "UNCLASSIFIED"
    url = 'fetch("/api?cls=NATO%20SECRET")\n'
    assert check_text(default_policy, url).level == "SECRET"


# Attack 15: the forms it found unread, a charset that is no text codec, a quadratic hint.
@pytest.mark.parametrize(
    "text",
    [
        "ls /mnt/TOP_SECRET/a.pdf\n",
        "see https://x.example/a/NATO_SECRET/a.pdf\n",
        "https://x.io/GEHEIM/\n",
        'const r = fetch("/files/GEHEIM/a.pdf");\n',
        "requests.get('/files/GEHEIM/plan.pdf')\n",
        "GET /docs?cls=%47EHEIM HTTP/1.1\n",
        'filename*0*="utf-8\'\'STRENG%20GE"; filename*1*="HEIM.pdf"\n',  # quoted, extended
        "x; filename*1*=GEHEIM.pdf; filename*0*=utf-8''STRENG%20\n",  # in reverse order
    ],
)
def test_more_urls_and_parameters_read(text: str, default_policy: Policy) -> None:
    decision = check_text(default_policy, text)
    assert decision.level in ("SECRET", "TOP SECRET"), text
    assert all(finding.start < finding.end for finding in decision.findings)


@pytest.mark.parametrize("charset", ["hex", "utf-16", "zlib", "base64", "rot13", "idna", "x"])
def test_a_charset_that_is_no_text_codec_reads_as_utf8(
    charset: str, default_policy: Policy
) -> None:
    text = f"filename*0*={charset}''STRENG%20; filename*1*=GEHEIM.pdf\n"
    assert check_text(default_policy, text).level == "TOP SECRET"


def test_a_line_of_parameter_hints_is_linear(default_policy: Policy) -> None:
    """Hints on one long line are merged looking only between two (attack 15: a regex over
    the rest of the line at each hint, 100 s a MB)."""
    spans = hint_spans("a*1=b" * 100_000)
    assert spans == [(1, 500_000 - 1)]
