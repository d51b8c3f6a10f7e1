"""PDF through pypdf: the text of every page (part ``page N``), annotations and stamps
(``comment``), form fields (``form``), bookmarks (``outline``), and the document
information and XMP metadata (``metadata``). A watermark drawn as an annotation's
appearance (``/Subtype /Watermark``: its ``/AP /N`` stream) is read as a page's text, a
page-wide marking (part ``watermark``); files attached in the ``EmbeddedFiles`` name tree
are read as attachments (``attachment NAME: …``, the document reader's own limits and
depth), those it does not read noted as skipped.

milai does not OCR: a PDF with no text layer, or a page that holds images but no text (a
scan), is refused rather than read as empty. A PDF that opens without a password (one with
only an owner password, which restricts printing or copying) is read; one that needs a
password is refused.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from milai import _budget
from milai.documents._model import Document, DocumentBuilder, DocumentError
from milai.documents._xml import local, parse

_CAMEL = re.compile(r"([a-z])([A-Z])")
MAX_STREAM_BYTES = 16 << 20  # one decoded stream (a page's content): far above real pages
_FILTERS = ("zlib", "lzw", "run_length", "jbig2", "brotli", "array_based_stream")
# pypdf's words for a stream whose decoding went past its output bound (the others are
# bounds on counts: filters, objects, array elements)
_OUTPUT_LIMIT = re.compile(r"^Limit reached while decompressing|output bytes")
_MAX_ATTACHMENTS = 64  # files read from one PDF's EmbeddedFiles
ReadNested = Callable[[bytes, str], Document]

# pypdf reports damaged-but-readable files through logging and warnings; milai's stderr
# stays silent unless something is wrong.
logging.getLogger("pypdf").addHandler(logging.NullHandler())
logging.getLogger("pypdf").propagate = False


class _Unpacked(Exception):
    """What one PDF's streams unpacked so far (``used``, of ``most``), and why that went past
    a bound (``past``: then the reading stops; raised inside pypdf, which may catch it)."""

    def __init__(self, most: int) -> None:
        super().__init__("past the bound on unpacked streams")
        self.most = most
        self.used = 0
        self.past: str | None = None


_UNPACKING: ContextVar[_Unpacked | None] = ContextVar("milai_pdf_unpacking", default=None)


def _charged(decode: Callable[[Any], bytes]) -> Callable[[Any], bytes]:
    """pypdf's stream decoder, each decoded stream charged to the PDF being read (its
    ``Limits.max_unpacked_bytes``) and to the check's budget, when one is current."""

    def decode_stream_data(stream: Any) -> bytes:
        unpacking = _UNPACKING.get()
        if unpacking is not None and unpacking.past is not None:
            raise unpacking  # past the bound already: nothing more is unpacked
        data = decode(stream)
        if unpacking is not None:
            unpacking.used += len(data)
            if not _budget.take(len(data)):
                unpacking.past = "past the check's decompression budget"
            elif unpacking.used > unpacking.most:
                unpacking.past = f"its streams unpack to more than {unpacking.most} bytes"
            if unpacking.past is not None:
                raise unpacking
        return data

    decode_stream_data.charged = True  # type: ignore[attr-defined]
    return decode_stream_data


def _charge_streams() -> None:
    """Have pypdf's stream decoding charged (``_charged``); once, and only while a PDF is
    read (``_UNPACKING``) does it count. pypdf decodes every stream through
    ``filters.decode_stream_data``, imported where it is called."""
    from pypdf import filters

    if not getattr(filters.decode_stream_data, "charged", False):
        filters.decode_stream_data = _charged(filters.decode_stream_data)  # type: ignore[assignment]


def read_pdf(data: bytes, builder: DocumentBuilder, read_nested: ReadNested | None = None) -> None:
    """Add the pages and metadata of the PDF ``data`` to ``builder``; its attached files
    are read with ``read_nested`` (None: noted as not read).

    Every stream pypdf decodes is bounded (``MAX_STREAM_BYTES``, and what the check's
    budget has left) and charged: all of them together to ``Limits.max_unpacked_bytes``
    and to the check's budget, so a PDF of many small Flate bombs is refused as a zip of
    them is, before it takes the memory.

    Raises ``DocumentError`` for an encrypted, damaged or image-only PDF, or one whose
    streams unpack past those bounds.
    """
    import pypdf

    name = builder.name
    room = _budget.room()
    if room == 0:
        raise DocumentError(f"{name}: past the check's decompression budget")
    most = MAX_STREAM_BYTES if room is None else max(1, min(MAX_STREAM_BYTES, room))
    limits: dict[str, Any] = {f"{kind}_maximum_output_length": most for kind in _FILTERS}
    _charge_streams()
    unpacking = _Unpacked(builder.limits.max_unpacked_bytes)
    token = _UNPACKING.set(unpacking)
    with (
        warnings.catch_warnings(),
        pypdf.apply_configuration(None, jbig2dec_binary=None, **limits),
    ):
        warnings.simplefilter("ignore")
        try:
            _read(pypdf.PdfReader(io.BytesIO(data), strict=False), builder, read_nested)
        except DocumentError:
            raise
        except pypdf.errors.LimitReachedError as error:
            if _OUTPUT_LIMIT.search(str(error)) is None:  # another of pypdf's bounds
                raise DocumentError(f"{name} is not a readable PDF (LimitReachedError)") from None
            if most < MAX_STREAM_BYTES:
                _budget.refuse()  # bounded by what the check's budget had left
            raise DocumentError(f"{name}: a stream unpacks to more than {most} bytes") from None
        except Exception as error:  # pypdf raises many kinds on hostile input: one answer
            if unpacking.past is None:
                raise DocumentError(
                    f"{name} is not a readable PDF ({type(error).__name__})"
                ) from None
        finally:
            _UNPACKING.reset(token)
    if unpacking.past is not None:  # raised in pypdf, perhaps caught there: refused all the same
        raise DocumentError(f"{name}: {unpacking.past}")


def _read(reader: Any, builder: DocumentBuilder, read_nested: ReadNested | None) -> None:
    name = builder.name
    if reader.is_encrypted and not _opens_without_password(reader):
        raise DocumentError(
            f"{name} is an encrypted PDF: milai cannot read it without its password",
            hint="save a decrypted copy on this machine and check that",
        )
    metadata = _info_lines(reader) + _xmp_lines(reader, name, builder.limits.max_part_bytes)
    pages_with_text = 0
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text() or ""
        if text.strip():
            pages_with_text += 1
        elif _has_images(page):
            raise DocumentError(
                f"{name}: page {number} has images but no text layer (a scan?): milai does not OCR",
                hint="run OCR on the document first, then check the text",
            )
        builder.add(f"page {number}", text)
        builder.add("comment", "\n".join(_annotations(page)))
        watermarks = _watermarks(page)
        if any(line.strip() for line in watermarks):
            pages_with_text += 1
        builder.add("watermark", "\n".join(watermarks))
    builder.add("form", "\n".join(_form_lines(reader)))
    builder.add("outline", "\n".join(_outline_titles(reader.outline)))
    _attachments(reader, builder, read_nested)
    if pages_with_text == 0:
        raise DocumentError(
            f"{name} has no text layer: milai does not OCR",
            hint="run OCR on the document first, then check the text",
        )
    builder.add_properties(metadata)


def _opens_without_password(reader: Any) -> bool:
    try:
        return bool(reader.decrypt(""))
    except Exception:  # an unsupported scheme is as unreadable as a wrong password
        return False


def _info_lines(reader: Any) -> list[str]:
    info = reader.metadata or {}
    lines = []
    for key, value in info.items():
        text = " ".join(str(value).split())
        if text and not str(key).endswith("Date"):
            lines.append(f"{str(key).lstrip('/')}: {text}")
    return lines


def _xmp_lines(reader: Any, name: str, limit: int) -> list[str]:
    root = reader.trailer["/Root"]
    stream = root.get("/Metadata")
    if stream is None:
        return []
    xml = stream.get_object().get_data()
    if len(xml) > limit:
        raise DocumentError(f"{name}: its XMP metadata is larger than {limit} bytes")
    lines = []
    for element in parse(xml, f"{name}: XMP metadata").iter():
        for attribute, value in element.attrib.items():
            if value.strip() and not attribute.startswith("{http://www.w3.org/"):
                lines.append(f"{local(attribute)}: {' '.join(value.split())}")
        text = " ".join((element.text or "").split())
        if text and len(element) == 0:
            lines.append(f"{local(element.tag)}: {text}")
    return lines


def _has_images(page: Any) -> bool:
    resources = page.get("/Resources")
    if resources is None:
        return False
    xobjects = resources.get_object().get("/XObject")
    return xobjects is not None and len(xobjects.get_object()) > 0


def _annotations(page: Any) -> list[str]:
    """What a page's annotations say: their text, and the name of a rubber stamp
    (Acrobat's ``/TopSecret`` and ``/Confidential`` stamps, as a marking line)."""
    annotations = page.get("/Annots")
    if annotations is None:
        return []
    texts = []
    for reference in annotations.get_object():
        annotation = reference.get_object()
        contents = annotation.get("/Contents")
        if contents:
            texts.append(str(contents))
        if annotation.get("/Subtype") == "/Stamp" and annotation.get("/Name"):
            words = _CAMEL.sub(r"\1 \2", str(annotation["/Name"]).lstrip("/"))
            texts.append(words.replace("#20", " ").upper())
    return texts


def _watermarks(page: Any) -> list[str]:
    """The text a page's watermark annotations draw: their normal appearance stream
    (``/AP << /N … >>``, a form XObject) read as a page's content, a line at a time."""
    annotations = page.get("/Annots")
    if annotations is None:
        return []
    lines: list[str] = []
    for reference in annotations.get_object():
        annotation = reference.get_object()
        if annotation.get("/Subtype") != "/Watermark":
            continue
        appearance = annotation.get("/AP")
        normal = appearance.get_object().get("/N") if appearance is not None else None
        if normal is None:
            continue
        normal = normal.get_object()
        if not hasattr(normal, "get_data"):  # appearance states: one stream each
            normal = next(iter(v.get_object() for v in normal.values()), None)
        if normal is None or not hasattr(normal, "get_data"):
            continue
        text = page.extract_xform_text(normal) or ""
        lines.extend(" ".join(line.split()) for line in text.splitlines() if line.strip())
    return lines


def _attachments(reader: Any, builder: DocumentBuilder, read_nested: ReadNested | None) -> None:
    """The files of the ``EmbeddedFiles`` name tree, each read as an attachment."""
    attachments = getattr(reader, "attachments", {}) or {}
    for count, name in enumerate(attachments):
        if read_nested is None or count >= _MAX_ATTACHMENTS:
            builder.skip(f"PDF attachment {name}: not read")
            continue
        for index, data in enumerate(attachments[name]):
            label = name if index == 0 else f"{name} ({index + 1})"
            where = f"{builder.name}: {label}"
            try:
                nested = read_nested(data, where)
            except DocumentError as error:
                builder.not_opened(f"PDF attachment {label}", where, error)
                continue
            builder.add_nested(f"attachment {label}", nested)


def _form_lines(reader: Any) -> list[str]:
    fields = reader.get_form_text_fields() or {}
    return [f"{name}: {value}" for name, value in fields.items() if value]


def _outline_titles(outline: Any, depth: int = 0) -> list[str]:
    """The bookmark titles (nested lists are sub-bookmarks; depth bounded by pypdf)."""
    titles: list[str] = []
    for item in outline or []:
        if isinstance(item, list):
            titles.extend(_outline_titles(item, depth + 1))
        elif getattr(item, "title", None):
            titles.append(str(item.title))
    return titles
