"""Hostile documents are refused (exit 2 through the CLI) within a memory bound: zip bombs,
entity bombs, external entities, deep nesting, lying zip headers, PDF stream bombs, scans
and encrypted files."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from milai.documents import DocumentError, Limits, read_document
from tests.documents.builders import Docx, zip_bytes
from tests.fixtures.documents.make_fixtures import FIXTURES

HERE = Path(__file__).parents[1] / "fixtures" / "documents"

REFUSED = {
    "zip-bomb.docx": "word/document.xml unpacks more than 100 times its packed size",
    "billion-laughs.docx": "word/document.xml: refused XML (DTDForbidden)",
    "external-entity.docx": "word/document.xml: refused XML (DTDForbidden)",
    "deep-nesting.docx": "word/document.xml: elements nested too deeply",
    "lying-size.docx": "cannot unpack word/document.xml (Bad CRC-32",
    "spreadsheet.xlsx": "is an Excel workbook",
    "scanned.pdf": "page 2 has images but no text layer (a scan?): milai does not OCR",
    "blank.pdf": "has no text layer: milai does not OCR",
    "stream-bomb.pdf": "a stream unpacks to more than 16777216 bytes",
    "legacy.doc": "is a legacy binary Office file",
}


def test_every_fixture_is_what_its_maker_says() -> None:
    assert set(REFUSED) == set(FIXTURES)
    for name, make in FIXTURES.items():
        assert (HERE / name).read_bytes() == make(), f"rebuild {name}: make_fixtures.py"


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_hostile_fixture_is_refused(name: str) -> None:
    tracemalloc.start()
    try:
        with pytest.raises(DocumentError) as refused:
            read_document((HERE / name).read_bytes(), name)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert REFUSED[name] in refused.value.message
    assert refused.value.message.startswith(name)
    assert "\n" not in refused.value.message
    assert peak < 64 << 20, f"{name}: {peak} bytes at the peak"


def test_part_size_is_counted_while_unpacking() -> None:
    docx = Docx(body=[f"Line {n} of many, nothing marked." for n in range(5000)]).build()
    with pytest.raises(DocumentError, match="unpacks to more than 65536 bytes"):
        read_document(docx, "big.docx", Limits(max_part_bytes=1 << 16))
    with pytest.raises(DocumentError, match="unpacks to more than 100000 bytes"):
        read_document(docx, "big.docx", Limits(max_unpacked_bytes=100_000))
    assert read_document(docx, "big.docx").text.startswith("Line 0 ")


def test_other_limits() -> None:
    docx = Docx(body=["Short."]).build()
    with pytest.raises(DocumentError, match="more than 1 entries"):
        read_document(docx, "d.docx", Limits(max_members=1))
    with pytest.raises(DocumentError, match="larger than 100 bytes"):
        read_document(docx, "d.docx", Limits(max_input_bytes=100))
    with pytest.raises(DocumentError, match="longer than 3 characters"):
        read_document(docx, "d.docx", Limits(max_text_chars=3))


def test_a_zip_that_is_no_document() -> None:
    with pytest.raises(DocumentError, match="is a zip archive, not a document milai reads"):
        read_document(zip_bytes([("notes.txt", b"SECRET")]), "archive.zip")
    with pytest.raises(DocumentError, match="damaged zip archive"):
        read_document(b"PK\x03\x04" + b"\x00" * 40, "broken.docx")


def test_garbage_after_a_pdf_header() -> None:
    with pytest.raises(DocumentError, match=r"^junk\.pdf is not a readable PDF"):
        read_document(b"%PDF-1.7\n" + bytes(range(256)) * 4, "junk.pdf")
