"""What the documents reader cannot read fails closed (attack14): a document nested deeper
than ``Limits.max_depth`` is ``unread`` (never passed as read), while an image attachment
stays a note; whoever reads an unread document (a check of a text that carries it in base64,
the output gate) blocks it."""

from __future__ import annotations

import base64
import json

import pytest

from milai.documents import read_document
from milai.policy import Policy, check_text
from milai.policy.whole import Unreadable, document_text, unread_blocks
from tests.documents.builders import Docx, eml_bytes
from tests.documents.test_rendered_capitals import pdf_attached

INNER = "word/embeddings/inner.docx"


def nested_docx(depth: int, body: str = "NATO SECRET") -> bytes:
    """A Word document embedded in a Word document … ``depth`` times."""
    data = Docx(body=[body]).build()
    for _ in range(depth):
        data = Docx(body=["Quarterly figures"], members=[(INNER, data)]).build()
    return data


def test_a_document_nested_past_the_depth_is_unread_not_a_note() -> None:
    read = read_document(nested_docx(3), "three.docx")
    assert "NATO SECRET" in read.text and read.unread == ()
    for depth in (4, 5):
        deep = read_document(nested_docx(depth), "deep.docx")
        assert "NATO SECRET" not in deep.text
        assert deep.skipped == ()
        assert deep.unread == (f"embedded {INNER}: documents nested deeper than 3",)


def test_pdf_attachments_and_mail_attachments_too_deep_are_unread() -> None:
    data = Docx(body=["NATO SECRET"]).build()
    for _ in range(4):
        data = pdf_attached("inner.pdf", data)
    assert read_document(data, "deep.pdf").unread == (
        "PDF attachment inner.pdf: documents nested deeper than 3",
    )
    mail = eml_bytes("Minutes", "See attached.")
    for _ in range(4):
        mail = _with_attachment("inner.eml", mail)
    deep = read_document(mail, "deep.eml")
    assert deep.unread == ("attachment inner.eml: documents nested deeper than 3",)


def _with_attachment(name: str, data: bytes) -> bytes:
    from email.message import EmailMessage

    message = EmailMessage()
    message["Subject"] = "Forward"
    message.set_content("See attached.")
    message.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return message.as_bytes()


def test_an_image_attachment_stays_a_note() -> None:
    from email.message import EmailMessage

    message = EmailMessage()
    message["Subject"] = "Photos"
    message.set_content("Two photos from the picnic.")
    message.add_attachment(b"\x89PNG\r\n\x1a\n" + bytes(64), maintype="image", subtype="png")
    read = read_document(message.as_bytes(), "photos.eml")
    assert read.unread == ()
    assert read.skipped == ("attachment image/png: an image (milai does not OCR)",)


def test_a_check_blocks_an_unread_document(policy: Policy) -> None:
    deep = read_document(nested_docx(4, "Lunch menu"), "deep.docx")
    decision = unread_blocks(policy, check_text(policy, deep.text), deep)
    assert (decision.action, decision.level) == ("block", "UNCLASSIFIED")
    assert [f.rule for f in decision.findings] == ["unreadable-document"]
    shallow = read_document(nested_docx(3, "Lunch menu"), "shallow.docx")
    assert unread_blocks(policy, check_text(policy, shallow.text), shallow).action == "allow"


@pytest.mark.parametrize("depth", [4, 5])
def test_a_base64_document_in_a_text_that_nests_too_deep_blocks(policy: Policy, depth: int) -> None:
    blob = base64.b64encode(nested_docx(depth, "Lunch menu")).decode()
    decision = check_text(policy, json.dumps({"name": "menu.docx", "contentBytes": blob}))
    assert decision.action == "block"
    assert "unreadable-document" in {f.rule for f in decision.findings}
    # everyday: three deep reads, and a harmless one passes
    shallow = base64.b64encode(nested_docx(3, "Lunch menu")).decode()
    assert check_text(policy, json.dumps({"contentBytes": shallow})).action == "allow"


def test_the_output_gate_reading_refuses_an_unread_document() -> None:
    mail = eml_bytes("Minutes", "See attached.")
    for _ in range(4):
        mail = _with_attachment("inner.eml", mail)
    with pytest.raises(Unreadable, match="nested deeper"):
        document_text(mail.decode())
    shallow = _with_attachment("inner.eml", eml_bytes("Minutes", "See attached."))
    assert "See attached." in (document_text(shallow.decode()) or "")
