"""A whole document written in base64 inside a text: what starts one, and its bytes.

One owner for the documents reader (``_base64_documents``: a file read whole) and the
gate's stream (``policy._document_runs``: a run read as it arrives). A run starts as a
zip's local header (``UEsDB``: Word, OpenDocument) or a PDF's signature (``JVBERi0``), not
inside a longer base64 word; a wrapped run's next line is ``MIN_LINE`` characters at least
(a shorter one is its last, or a word of prose after it).
"""

from __future__ import annotations

import base64
import binascii

from milai._lazyre import lazy_compile

STARTS = ("UEsDB", "JVBERi0")
START_RE = lazy_compile(r"(?<![A-Za-z0-9+/_\\-])(?:UEsDB|JVBERi0)")
MIN_LINE = 16
SIGNATURES = (b"PK\x03\x04", b"%PDF-")
_ESCAPED_BREAK_RE = lazy_compile(r"\\[nrt]")


def document_bytes(run: str) -> bytes | None:
    """The bytes of ``run`` (its lines apart by blanks or JSON's escaped line breaks, its
    "/" maybe escaped as ``\\/``) when it is a document in base64 (a zip, a PDF); else None."""
    joined = "".join(_ESCAPED_BREAK_RE.sub("", run).replace("\\", "").split())
    stripped = joined.rstrip("=")
    if len(stripped) % 4 == 1:
        return None
    padded = stripped + "=" * (-len(stripped) % 4)
    try:
        if "-" in padded or "_" in padded:
            data = base64.urlsafe_b64decode(padded)
        else:
            data = base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError):
        return None
    return data if data.startswith(SIGNATURES) else None
