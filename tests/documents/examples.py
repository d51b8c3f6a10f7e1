"""Write the example documents the README shows (``python -m tests.documents.examples DIR``):
a Word file marked only in its page header, a PDF with a footer banner on every page, an
OpenDocument text, an e-mail, an HTML note, and a Word file whose only classification is an
Office sensitivity label (the one policies/ministry-codewords.yaml maps to SECRET)."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.documents.builders import (
    Docx,
    Odt,
    eml_bytes,
    html_bytes,
    pdf_bytes,
    sensitivity_label,
)

BODY = ["Convoy schedule", "The convoy leaves the depot at dawn and returns by the north road."]
MINISTRY_SECRET_LABEL = "b6f1c3d2-7a8e-4f90-9c1d-2e3f4a5b6c7d"  # policies/ministry-codewords.yaml


def examples() -> dict[str, bytes]:
    return {
        "report.docx": Docx(body=BODY, header=["NATO SECRET"], comments=["Checked."]).build(),
        "brief.pdf": pdf_bytes(
            [[f"Briefing, page {n} of 3.", *BODY[1:], "", "SECRET//NOFORN"] for n in (1, 2, 3)]
        ),
        "minutes.odt": Odt(body=BODY, footer=["CONFIDENTIEL LUX"]).build(),
        "message.eml": eml_bytes("[RESTRICTED] Convoy", "\n".join(BODY) + "\n"),
        "note.html": html_bytes("UNCLASSIFIED", "Matricule 1985 0315 123 71 pour le dossier."),
        "labelled.docx": Docx(
            body=BODY, custom=sensitivity_label(MINISTRY_SECRET_LABEL, "Falcon")
        ).build(),
    }


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in examples().items():
        (folder / name).write_bytes(data)
        print(folder / name)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "examples"))
