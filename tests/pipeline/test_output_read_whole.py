"""The output gate reads a model's answer as ``milai check`` reads the same bytes.

An answer that starts as an HTML page, an e-mail, a calendar or subtitles is read whole
through the documents reader ``check`` uses (CSS ``content:`` escapes, uuencoded mail
parts, unfolded lines, joined cues…): the turn's decision is never lower than ``check``'s
on that answer saved to a file, streamed or held; plain text streams as before.
"""

from __future__ import annotations

import binascii
import logging
import re
import zlib
from pathlib import Path

import pytest

from milai.cli.gate import read_material
from milai.config import default_policy_path
from milai.engine import SamplingParams
from milai.errors import Blocked
from milai.policy import Action, PolicyGate, check_stream, load_policy
from tests.fakes import FakeEngine, fake_pipeline

PARAMS = SamplingParams(max_tokens=4096, temperature=0, seed=7)
MEMO = "SECRET\n\nThe convoy leaves at dawn.\n\nSECRET\n"


def _uuencoded(data: bytes, name: str) -> str:
    lines = [
        binascii.b2a_uu(data[at : at + 45]).decode().rstrip("\n") for at in range(0, len(data), 45)
    ]
    return f"begin 644 {name}\n" + "\n".join(lines) + "\n`\nend\n"


def _mail(attachment: str, encoding: str) -> str:
    return (
        "From: Alice Smith\nTo: Bob Jones\nSubject: notes\nMIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="XX"\n\n'
        "--XX\nContent-Type: text/plain\n\nSee attached.\n"
        '--XX\nContent-Type: text/plain; name="memo.txt"\n'
        f"Content-Transfer-Encoding: {encoding}\n\n"
        f"{attachment}--XX--\n"
    )


def _css_escaped(word: str) -> str:
    return "".join(f"\\{ord(c):X} " for c in word)


UU_MAIL = _mail(_uuencoded(MEMO.encode(), "memo.txt"), "x-uuencode")
CSS_PAGE = (
    f'<html><head><style>.b::before {{ content: "{_css_escaped("SECRET")}"; }}\n'
    f'.e::after {{ content: "{_css_escaped("SECRET")}"; }}</style></head>\n'
    '<body><p class="b"></p><p>The convoy leaves at dawn.</p><p class="e"></p></body></html>\n'
)
PLAIN_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>Capitals</title>\n"
    '<style>p { color: #333; } .n::before { content: "\\2192 "; }</style></head>\n'
    '<body><h1>Capitals</h1><p class="n">Paris, Berlin and Rome.</p></body></html>\n'
)
PLAIN_MAIL = _mail("Lunch is at noon on Friday; bring the slides.\n", "7bit")
CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:20260101-weekly-sync\r\n"
    "DTSTART:20260101T090000Z\r\nSUMMARY:Weekly sync\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)
SUBTITLES = (
    "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello there.\n\n"
    "00:00:02.000 --> 00:00:03.000\nGeneral Kenobi.\n"
)
PLAIN = "Paris, Berlin and Rome are capitals.\nNone of them is secret.\n"
LEAKS = {"uuencoded mail part": UU_MAIL, "CSS content escapes": CSS_PAGE}
ORDINARY = {
    "html": PLAIN_PAGE,
    "email": PLAIN_MAIL,
    "calendar": CALENDAR,
    "subtitles": SUBTITLES,
    "text": PLAIN,
}


def _chunks(text: str, size: int = 7) -> list[str]:
    return [text[at : at + size] for at in range(0, len(text), size)]


def _run(text: str, *, held: bool, emitted: list[str]) -> object:
    """One turn whose model answers ``text``, streamed (model and sink UNCLASSIFIED) or held
    (a SECRET model, an UNCLASSIFIED sink)."""
    model_level = "SECRET" if held else "UNCLASSIFIED"
    pipeline, _, _ = fake_pipeline(FakeEngine(_chunks(text)), model_level=model_level)
    return pipeline.run(
        "Write it.",
        model_name="fake",
        clearance=model_level,
        out_level="UNCLASSIFIED",
        params=PARAMS,
        emit=emitted.append,
    )


def _check_level(tmp_path: Path, text: str) -> str:
    """``milai check``'s level for ``text`` saved to a file."""
    path = tmp_path / "answer"
    path.write_bytes(text.encode())
    policy = load_policy(default_policy_path())
    return check_stream(policy, read_material(path).text_chunks()).level


@pytest.mark.parametrize("held", [False, True], ids=["stream", "held"])
@pytest.mark.parametrize("text", list(LEAKS.values()), ids=list(LEAKS))
def test_an_answer_check_reads_as_secret_is_withheld(text: str, held: bool) -> None:
    emitted: list[str] = []
    with pytest.raises(Blocked) as blocked:
        _run(text, held=held, emitted=emitted)
    assert blocked.value.decision is not None
    assert blocked.value.decision.level == "SECRET"
    released = "".join(emitted)
    # At most the start that told what it is: nothing of the body.
    assert "convoy" not in released and "begin" not in released and "<body" not in released


@pytest.mark.parametrize("held", [False, True], ids=["stream", "held"])
@pytest.mark.parametrize("text", list(ORDINARY.values()), ids=list(ORDINARY))
def test_an_ordinary_document_answer_still_passes(text: str, held: bool) -> None:
    emitted: list[str] = []
    result = _run(text, held=held, emitted=emitted)
    assert "".join(emitted) == text
    assert result.level == "UNCLASSIFIED"  # type: ignore[attr-defined]


@pytest.mark.parametrize("held", [False, True], ids=["stream", "held"])
def test_a_page_after_a_long_run_of_blanks_is_still_read_whole(held: bool) -> None:
    # The start is sniffed at every chunk only for its first bytes; a tag later still tells.
    page = " " * 300 + "\n" * 3 + CSS_PAGE.replace("\n", "")
    emitted: list[str] = []
    with pytest.raises(Blocked):
        _run(page, held=held, emitted=emitted)
    assert "convoy" not in "".join(emitted)


def test_plain_text_still_streams_as_it_comes() -> None:
    policy = load_policy(default_policy_path())
    gate = PolicyGate(policy, clearance="UNCLASSIFIED", model_level="UNCLASSIFIED")
    out = gate.open_output(gate.check_prompt("q"))
    released = [out.feed(chunk) for chunk in _chunks(PLAIN * 3)]
    assert not out.held and out.reads_as is None
    assert "".join(released)  # released before the end
    assert "".join(released) + out.close() == PLAIN * 3


def test_an_html_answer_is_held_from_its_start(caplog: pytest.LogCaptureFixture) -> None:
    emitted: list[str] = []
    with caplog.at_level(logging.INFO, logger="milai"):
        _run(PLAIN_PAGE, held=False, emitted=emitted)
    assert "".join(emitted) == PLAIN_PAGE
    assert "<title>" in emitted[-1]  # all but the start that told came at the end, at once
    said = [r.getMessage() for r in caplog.records if "reads as html" in r.getMessage()]
    assert len(said) == 1


def test_a_mail_the_reader_reads_as_nothing_more_is_decided_on_its_text() -> None:
    # Headers that sniff as mail, then a body the reader reads as nothing more: the turn
    # ends, decided on its text.
    text = "From: Alice\nTo: Bob\nContent-Type: multipart/mixed\n\nSECRET\n"
    emitted: list[str] = []
    with pytest.raises(Blocked) as blocked:
        _run(text, held=False, emitted=emitted)
    assert blocked.value.decision is not None
    assert blocked.value.decision.level == "SECRET"
    assert "SECRET" not in "".join(emitted)


@pytest.mark.parametrize("held", [False, True], ids=["stream", "held"])
def test_an_answer_whose_reader_refuses_it_is_withheld(held: bool) -> None:
    # attack14 A5: a mail whose attachment does not open made the mail reader refuse it,
    # and only the plain reading decided: what only the mail reading decodes (a body in
    # EBCDIC) passed. `check` exits 2 on those bytes; the turn blocks.
    text = _mail("%PDF-1.4 no objects, no trailer\n", "7bit").replace(
        'Content-Type: text/plain; name="memo.txt"', 'Content-Type: application/pdf; name="x.pdf"'
    )
    emitted: list[str] = []
    with pytest.raises(Blocked) as blocked:
        _run(text, held=held, emitted=emitted)
    assert "unreadable-document" in str(blocked.value)
    assert "See attached" not in "".join(emitted)


DOCUMENTS = {**LEAKS, **ORDINARY}


@pytest.mark.parametrize("text", list(DOCUMENTS.values()), ids=list(DOCUMENTS))
def test_the_turn_is_decided_as_check_decides_the_same_bytes(tmp_path: Path, text: str) -> None:
    pipeline, _, _ = fake_pipeline(FakeEngine(_chunks(text)), model_level="SECRET")
    result = pipeline.run(
        "Write it.", model_name="fake", clearance="SECRET", params=PARAMS, emit=lambda _: None
    )
    assert result.level == _check_level(tmp_path, text)
    assert result.decision.action != Action.BLOCK


RELAYS = "".join(
    f"Received: from relay{n}.example.org by mx.example.org; Mon, 7 Dec 2026 10:00:0{n} +0000\n"
    for n in range(5)
)


@pytest.mark.parametrize("size", [2, 3, 5])
def test_a_mail_streamed_in_tokens_that_end_inside_lines_is_held_from_its_headers(
    size: int,
) -> None:
    # A mail's headers sniff as e-mail only at a line's end; a model's tokens ("\nSub")
    # start lines and end inside them, so the head up to its last line end is sniffed too:
    # else, past the bytes sniffed at every chunk, the headers stream out until the body.
    mail = UU_MAIL.replace("MIME-Version", RELAYS + "MIME-Version")
    tokens = [token for line in re.split(r"(?=\n)", mail) for token in _chunks(line, size)]
    pipeline, _, _ = fake_pipeline(FakeEngine(tokens), model_level="UNCLASSIFIED")
    emitted: list[str] = []
    with pytest.raises(Blocked):
        pipeline.run(
            "Write it.",
            model_name="fake",
            clearance="UNCLASSIFIED",
            out_level="UNCLASSIFIED",
            params=PARAMS,
            emit=emitted.append,
        )
    assert "Received:" not in "".join(emitted)  # held from its first headers


def _pdf_mail(pdf: bytes) -> str:
    """A mail whose attachment is ``pdf``, uuencoded: only the mail reader opens it (the
    text reading decodes a uuencoded block as text, and a PDF is no text)."""
    return _mail(_uuencoded(pdf, "figures.pdf"), "x-uuencode").replace(
        'Content-Type: text/plain; name="memo.txt"',
        'Content-Type: application/pdf; name="figures.pdf"',
    )


def test_the_whole_reading_has_a_checks_budget() -> None:
    # attack14: the output gate's reading of an answer as a document ran outside any
    # budget: a PDF of small Flate bombs (each within the reader's limits) unpacked whole.
    from milai.policy.whole import Unreadable, document_text
    from tests.documents.test_pdf_streams import TEXT, bomb, flate_pdf

    small = _pdf_mail(flate_pdf([zlib.compress(TEXT)]))
    assert "Quarterly figures" in (document_text(small) or "")
    bombs = _pdf_mail(flate_pdf([bomb(2 << 20) for _ in range(3)]))  # 6 MiB from 13 KB
    with pytest.raises(Unreadable, match="decompression budget"):
        document_text(bombs)
    emitted: list[str] = []
    with pytest.raises(Blocked) as blocked:
        _run(bombs, held=False, emitted=emitted)
    assert "unreadable-document" in str(blocked.value)
    assert "See attached" not in "".join(emitted)
    result = _run(small, held=False, emitted=[])
    assert result.level == "UNCLASSIFIED"  # type: ignore[attr-defined]


@pytest.mark.parametrize("held", [False, True], ids=["stream", "held"])
def test_an_answer_holding_a_document_nested_too_deep_is_withheld(held: bool) -> None:
    from tests.documents.test_unread import nested_docx

    text = _pdf_mail(nested_docx(4, "Lunch menu")).replace("application/pdf", "application/zip")
    emitted: list[str] = []
    with pytest.raises(Blocked) as blocked:
        _run(text, held=held, emitted=emitted)
    assert "unreadable-document" in str(blocked.value)
