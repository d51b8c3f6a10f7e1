"""``milai.documents`` imports a public name's module when the name is first asked for: a
check of plain text reads no document model."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import milai.documents as documents

ROOT = Path(__file__).resolve().parents[2]


def test_every_public_name_is_its_modules_own() -> None:
    for name, module in documents._MODULES.items():
        assert getattr(documents, name) is getattr(
            importlib.import_module(f"milai.documents.{module}"), name
        ), name
    assert sorted(documents.__all__) == sorted(documents._MODULES)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        documents.no_such_name  # noqa: B018  (the lookup is the test)


def test_reading_plain_text_leaves_the_document_model_unloaded(tmp_path: Path) -> None:
    text = tmp_path / "note.txt"
    text.write_text("The meeting moved to Tuesday at ten.\n" * 20)
    probe = (
        "import sys\n"
        "from milai.cli.gate import read_material\n"
        "material = read_material(sys.argv[1])\n"
        "assert ''.join(material.text_chunks()).startswith('The meeting')\n"
        "print(sorted(m for m in sys.modules if m.startswith('milai.documents.')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(text)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    loaded = done.stdout.strip()
    assert "_model" not in loaded and "_read" not in loaded and "_folder" not in loaded, loaded
    assert "_sniff" in loaded, loaded
