"""The small corpus of the tests: three documents, each holding one fact no other holds.

- ``note.txt``, declared RESTRICTED: the depot is at Kirchberg.
- ``report.pdf``, declared CONFIDENTIAL: the convoy leaves from Bastogne.
- ``brief.docx``, declared RESTRICTED but headed SECRET: the reserve is at Wiltz.
"""

from __future__ import annotations

from pathlib import Path

from tests.documents.builders import Docx, pdf_bytes

NOTE_FACT = "Kirchberg"
PDF_FACT = "Bastogne"
DOCX_FACT = "Wiltz"
FACTS = (NOTE_FACT, PDF_FACT, DOCX_FACT)
QUESTION = "Where is the fuel for the battalion kept?"

NOTE = (
    "Readiness note\n\n"
    f"The battalion keeps its fuel at the {NOTE_FACT} depot, forty thousand litres of diesel.\n"
)
PDF_PAGES = [
    ["Logistics report", "Summary of the quarter."],
    [f"The fuel convoy for the battalion leaves from {PDF_FACT} every Thursday."],
]
DOCX = Docx(
    header=["SECRET"],
    body=[
        "Operation brief",
        f"The strategic fuel reserve of the battalion is kept at {DOCX_FACT}.",
    ],
    footer=["SECRET"],
)


def write_corpus(folder: Path) -> dict[str, Path]:
    """The three documents under ``folder``; their paths by name."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "note.txt": folder / "note.txt",
        "report.pdf": folder / "report.pdf",
        "brief.docx": folder / "brief.docx",
    }
    paths["note.txt"].write_text(NOTE, encoding="utf-8")
    paths["report.pdf"].write_bytes(pdf_bytes(PDF_PAGES))
    paths["brief.docx"].write_bytes(DOCX.build())
    return paths
