"""A PDF's streams are charged as a zip's members are (attack14): each decoded stream is
bounded (``MAX_STREAM_BYTES``), all of them together by ``Limits.max_unpacked_bytes``, and
inside a check by its decompression budget, so a Flate bomb is refused before it takes
the memory, as a file (exit 2) or written in base64 in a text (the check blocks)."""

from __future__ import annotations

import base64
import json
import tracemalloc
import zlib

import pytest

from milai import _budget
from milai.documents import DocumentError, Limits, read_document
from milai.policy import Policy, check_text

TEXT = b"BT /F1 12 Tf 72 720 Td (Quarterly figures) Tj ET\n"


def flate_pdf(streams: list[bytes]) -> bytes:
    """A PDF with a page for each of ``streams`` (Flate-compressed content streams)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"", b"<< /Type /Font /Subtype /Type1 "]
    objects[2] += b"/BaseFont /Helvetica >>"
    kids = []
    for stream in streams:
        page = len(objects) + 1
        kids.append(b"%d 0 R" % page)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (page + 1)
        )
        objects.append(
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
            + stream
            + b"\nendstream"
        )
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def bomb(size: int) -> bytes:
    """A page's text, then ``size`` bytes of blanks, Flate-compressed a MiB at a time (the
    test never holds what it inflates to)."""
    packer = zlib.compressobj(9)
    packed = packer.compress(TEXT)
    blanks = b" " * (1 << 20)
    for _ in range(size >> 20):
        packed += packer.compress(blanks)
    return packed + packer.flush()


def test_an_everyday_pdf_reads() -> None:
    pages = flate_pdf([zlib.compress(TEXT)] * 3)
    assert read_document(pages, "figures.pdf").text.count("Quarterly figures") == 3


def test_a_flate_bomb_is_refused_without_its_memory() -> None:
    data = flate_pdf([bomb(64 << 20)])
    assert len(data) < 100_000
    tracemalloc.start()
    try:
        with pytest.raises(DocumentError, match="a stream unpacks to more than 16777216 bytes"):
            read_document(data, "bomb.pdf")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 40 << 20


def test_many_streams_are_charged_together() -> None:
    data = flate_pdf([bomb(1 << 20) for _ in range(4)])
    assert "Quarterly figures" in read_document(data, "many.pdf").text  # 4 MiB: within
    with pytest.raises(DocumentError, match="its streams unpack to more than 3145728 bytes"):
        read_document(data, "many.pdf", Limits(max_unpacked_bytes=3 << 20))


def test_inside_a_check_the_streams_are_charged_to_its_budget(policy: Policy) -> None:
    data = flate_pdf([bomb(2 << 20) for _ in range(3)])  # 6 MiB: past 4 MiB and a bit
    budget = _budget.Budget()
    with _budget.budgeted(budget), pytest.raises(DocumentError, match="decompression budget"):
        read_document(data, "many.pdf")
    assert budget.refused
    blob = base64.b64encode(data).decode()
    decision = check_text(policy, json.dumps({"name": "many.pdf", "contentBytes": blob}))
    assert decision.action == "block"
    assert {"decompression-budget", "unreadable-document"} & {f.rule for f in decision.findings}
    # one stream is bounded by what the budget has left: it stops there, and says why
    one = base64.b64encode(flate_pdf([bomb(8 << 20)])).decode()
    rules = {f.rule for f in check_text(policy, json.dumps({"contentBytes": one})).findings}
    assert "decompression-budget" in rules
    # everyday: a small PDF in base64 is read, and nothing blocks
    small = base64.b64encode(flate_pdf([zlib.compress(TEXT)])).decode()
    assert check_text(policy, json.dumps({"contentBytes": small})).action == "allow"
