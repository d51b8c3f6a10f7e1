"""Extraction throughput of ``milai.documents.read_document`` on a generated 100-page PDF
and a large Word document, against the floor each format sets: pypdf's own
``extract_text`` over the same pages, and a bare defusedxml ``iterparse`` of the same
``word/document.xml`` (no text assembly, no parts). Ratios are measured in the same run, so
a busy machine moves both sides.

    python bench/documents.py [--pages 100] [--paragraphs 20000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from milai.documents import read_document  # noqa: E402
from tests.documents.builders import Docx, pdf_bytes  # noqa: E402

LINE = "Paragraph {n}: the convoy schedule, the supply route and the names of the liaison team."


def median_seconds(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_pdf(pages: int, repeat: int) -> None:
    from pypdf import PdfReader

    data = pdf_bytes(
        [
            [LINE.format(n=p * 100 + n) for n in range(48)] + ["", "NATO SECRET"]
            for p in range(pages)
        ]
    )
    document = read_document(data, "bench.pdf")
    ours = median_seconds(lambda: read_document(data, "bench.pdf"), repeat)

    def raw() -> None:
        for page in PdfReader(io.BytesIO(data)).pages:
            page.extract_text()

    floor = median_seconds(raw, repeat)
    print(
        f"pdf   {pages} pages, {len(data) / 1e6:.2f} MB, {len(document.text) / 1e6:.2f} M chars: "
        f"{ours * 1000:.0f} ms median = {pages / ours:.0f} pages/s, "
        f"{len(document.text) / ours / 1e6:.2f} M chars/s; "
        f"raw pypdf {floor * 1000:.0f} ms; ratio {ours / floor:.2f}x"
    )


def bench_docx(paragraphs: int, repeat: int) -> None:
    from defusedxml.ElementTree import iterparse

    data = Docx(
        body=[LINE.format(n=n) for n in range(paragraphs)],
        header=["NATO SECRET"],
        footer=["NATO SECRET"],
        comments=["Reviewed."] * 50,
    ).build()
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    document = read_document(data, "bench.docx")
    ours = median_seconds(lambda: read_document(data, "bench.docx"), repeat)

    def raw() -> None:
        for _ in iterparse(io.BytesIO(xml), events=("start", "end"), forbid_dtd=True):
            pass

    floor = median_seconds(raw, repeat)
    print(
        f"docx  {paragraphs} paragraphs, {len(data) / 1e6:.2f} MB zipped, "
        f"{len(xml) / 1e6:.1f} MB XML, {len(document.text) / 1e6:.2f} M chars: "
        f"{ours * 1000:.0f} ms median = {len(xml) / ours / 1e6:.1f} MB XML/s, "
        f"{len(document.text) / ours / 1e6:.2f} M chars/s; "
        f"raw iterparse {floor * 1000:.0f} ms; ratio {ours / floor:.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--paragraphs", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    bench_pdf(args.pages, args.repeat)
    bench_docx(args.paragraphs, args.repeat)


if __name__ == "__main__":
    main()
