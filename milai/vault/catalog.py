"""Which model files are catalogued: the sha256 digests listed in models/catalog.yaml."""

from __future__ import annotations

import functools
from pathlib import Path

from milai.config import catalog_path


@functools.cache
def _digests(path: Path) -> frozenset[str]:
    import yaml  # only when a manifest is shown: keeps `import milai.vault` light

    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return frozenset()
    models = document.get("models") if isinstance(document, dict) else None
    if not isinstance(models, list):
        return frozenset()
    return frozenset(
        entry["sha256"].lower()
        for entry in models
        if isinstance(entry, dict) and isinstance(entry.get("sha256"), str)
    )


def is_catalogued(sha256: str, path: Path | None = None) -> bool:
    """Whether ``sha256`` is an approved model's digest. An unreadable or malformed
    catalogue approves nothing."""
    return sha256.lower() in _digests(path or catalog_path())
