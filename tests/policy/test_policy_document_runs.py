"""A whole document written in base64 inside a text (issue 9): Microsoft Graph's attachment
JSON (``"contentBytes": "UEsDB…"``, its ``/`` escaped or not), a ``data:`` URI, an XML
element that carries a file wrapped over lines, a blob in prose. A run that decodes to a
Word document or a PDF is opened and its text read: every banner marking of both shipped
policies (the fast line: a sample, tests/scale.py), by every writer, reads at least at its
level, streamed as whole (the stream holds the run until it ends); base64 that is no
document (an image, a clean document) stays UNCLASSIFIED."""

from __future__ import annotations

import base64
import json
import random
from collections.abc import Callable

import pytest

from milai.policy import Action, Decision, Policy, check_text
from tests.documents.builders import Docx, pdf_bytes
from tests.levels import assert_targets_read
from tests.policy.families import BODY, POLICY_DIR, Target, banner_sample
from tests.policy.test_policy_stream_properties import assert_cuts_stream


def _document(target: Target, rng: random.Random) -> bytes:
    if rng.random() < 0.4:
        return pdf_bytes([[target.text, rng.choice(BODY)]])
    if rng.random() < 0.5:
        return Docx(header=[target.text], body=[rng.choice(BODY)]).build()
    return Docx(body=[target.text, rng.choice(BODY)]).build()


def _wrapped(encoded: str, width: int) -> str:
    return "\n".join(encoded[i : i + width] for i in range(0, len(encoded), width))


WRITERS: dict[str, Callable[[str], str]] = {
    "graph-json": lambda b: json.dumps(
        {"name": "minutes.docx", "contentType": "application/octet-stream", "contentBytes": b}
    ),
    "graph-json-escaped": lambda b: json.dumps({"contentBytes": b}, indent=2).replace("/", "\\/"),
    "data-uri": lambda b: f'<a href="data:application/pdf;base64,{b}">minutes</a>',
    "xml-wrapped-76": lambda b: (
        f'<attachment name="m.docx" encoding="base64">\n{_wrapped(b, 76)}\n</attachment>'
    ),
    "xml-wrapped-64-crlf": lambda b: (
        f"<file>\r\n{_wrapped(b, 64).replace(chr(10), chr(13) + chr(10))}\r\n</file>"
    ),
    "prose": lambda b: f"Here is the file you asked for: {b} thanks.",
    "urlsafe": lambda b: json.dumps({"data": b.replace("+", "-").replace("/", "_")}),
}


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_every_banner_in_a_base64_document_is_read(writer: str) -> None:
    def text(target: Target) -> str:
        rng = random.Random(f"{writer}:{target.id}")
        encoded = base64.b64encode(_document(target, rng)).decode()
        return WRITERS[writer](encoded) + "\n"

    assert_targets_read(banner_sample(f"document-runs:{writer}"), text)


def test_base64_that_is_no_marked_document_stays_unclassified(default_policy: Policy) -> None:
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8).decode()
    clean = base64.b64encode(Docx(body=["The secret garden opens on Sunday."]).build()).decode()
    broken = base64.b64encode(b"PK\x03\x04" + bytes(500)).decode()
    for text in [
        f'<img src="data:image/png;base64,{png}">',
        json.dumps({"contentBytes": clean}),
        json.dumps({"contentBytes": broken}),
        "The archive header UEsDBBQAAAAIAA is a zip's first bytes in base64.",
        "JVBERi0xLjQ= is how a PDF starts.",
    ]:
        assert check_text(default_policy, text + "\n").level == "UNCLASSIFIED", text[:60]


def test_a_base64_document_streams_as_it_reads_whole(default_policy: Policy) -> None:
    data = base64.b64encode(Docx(body=["NATO SECRET"]).build()).decode()
    for text in [
        json.dumps({"contentBytes": data}) + "\n",
        f"<a>\n{_wrapped(data, 76)}\n</a>\n",
    ]:
        assert check_text(default_policy, text).level == "SECRET"
        assert_cuts_stream(default_policy, text, one_character=False)


_SHORT_RUNS = [
    "Magic bytes in base64: UEsDB, JVBERi0.\n",
    "UEsDB\n",
    "a zip starts UEsDBB and a PDF JVBERi0",
    "UEsDB UEsDB UEsDB JVBERi0 JVBERi0\n" * 3,
]


@pytest.mark.parametrize("text", _SHORT_RUNS)
def test_a_run_shorter_than_the_look_back_is_read_once(text: str) -> None:
    # attack13: a run of fewer than 8 characters ended before the search's look-back (kept
    # for a start cut between chunks), so the same start was found again, forever. A child
    # process, so that a loop fails the test instead of hanging the suite.
    import subprocess
    import sys

    child = (
        "import sys\n"
        "from milai.policy import check_stream, check_text, load_policy\n"
        "policy = load_policy(sys.argv[1])\n"
        "text = sys.stdin.read()\n"
        "whole = check_text(policy, text)\n"
        "streamed = check_stream(policy, iter(text))\n"
        "print(whole.level, streamed.level)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", child, str(POLICY_DIR / "default.yaml")],
        input=text,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["UNCLASSIFIED", "UNCLASSIFIED"]


def _packed(text: str) -> str:
    return base64.b64encode(Docx(body=[text]).build()).decode()


def test_documents_inside_documents_past_the_checks_budget_block(default_policy: Policy) -> None:
    # A page of a repeated sentence zips to a few KB: documents in base64 whose text is more
    # of them multiply as nested gzip does (attack13, F2), and share its budget.
    page = _packed("The weather is fine today. " * 30000)  # 3.5 KB that open to 810 KB
    text = " and ".join([_packed(" and ".join([page] * 20))] * 10)
    decision = check_text(default_policy, text, direction="output")
    # the documents opened past the budget are unread too: each says so
    assert {f.rule for f in decision.findings} == {"decompression-budget", "unreadable-document"}
    assert decision.action is Action.BLOCK


def test_an_export_of_ordinary_documents_stays_within_the_budget(default_policy: Policy) -> None:
    rng = random.Random("export")
    documents = [
        json.dumps({"contentBytes": _packed(" ".join(rng.choice(BODY) for _ in range(400)))})
        for _ in range(30)
    ]
    decision = check_text(default_policy, "[" + ",\n".join(documents) + "]")
    assert decision.action is not Action.BLOCK and decision.level == "UNCLASSIFIED"


@pytest.mark.parametrize("damage", ["truncated", "bomb"])
def test_a_base64_document_that_does_not_open_blocks(default_policy: Policy, damage: str) -> None:
    # attack14 A3: a document the reader refuses (cut short; a part that unpacks past the
    # zip-bomb ratio) was simply not read: its SECRET body passed. It may hold anything.
    document = Docx(body=["SECRET", "The plan."]).build()
    if damage == "truncated":
        document = document[: len(document) // 2]
    else:
        document = Docx(body=["SECRET"], raw_body="<w:p/>" * (400 << 10)).build()
    text = f'{{"contentBytes": "{base64.b64encode(document).decode()}"}}\n'
    decision = check_text(default_policy, text, direction="output")
    assert decision.action is Action.BLOCK
    assert "unreadable-document" in {f.rule for f in decision.findings}


@pytest.mark.parametrize("streamed", [False, True], ids=["whole", "streamed"])
def test_a_base64_document_longer_than_the_run_bound_blocks(
    default_policy: Policy, monkeypatch: pytest.MonkeyPatch, streamed: bool
) -> None:
    # attack14: a run longer than MAX_RUN_CHARS (24 Mi characters) was given up unread and
    # did not block; a lighter bound here, the same path.
    from milai.policy import _document_runs, check_stream

    monkeypatch.setattr(_document_runs, "MAX_RUN_CHARS", 4096)
    rng = random.Random("long-run")
    body = [" ".join(rng.choice(BODY) for _ in range(40)) for _ in range(60)]
    long = base64.b64encode(Docx(body=body).build()).decode()
    short = base64.b64encode(Docx(body=body[:1]).build()).decode()
    assert len(short) < 4096 < len(long)

    def decide(text: str) -> Decision:
        if streamed:
            return check_stream(
                default_policy, (text[at : at + 500] for at in range(0, len(text), 500))
            )
        return check_text(default_policy, text)

    for text in (json.dumps({"contentBytes": long}), f"<a>\n{_wrapped(long, 76)}\n</a>\n"):
        decision = decide(text)
        assert decision.action is Action.BLOCK
        assert [f.rule for f in decision.findings] == ["decompression-budget"]
    ordinary = decide(json.dumps({"contentBytes": short}))
    assert ordinary.action is Action.ALLOW
