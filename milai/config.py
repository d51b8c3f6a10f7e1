"""Where milai keeps things: the vault folder and the files shipped with the package.

Precedence for the vault folder, in one place: ``MILAI_HOME``, else the platform's user
data folder (platformdirs).
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "milai"
_PACKAGE_ROOT = Path(__file__).resolve().parent


def milai_home() -> Path:
    """The vault folder: ``$MILAI_HOME`` or the platform's user data dir."""
    configured = os.environ.get("MILAI_HOME")
    if configured:
        return Path(configured).expanduser()
    import platformdirs  # only where MILAI_HOME is not set: it costs every command start-up

    return Path(platformdirs.user_data_path(APP_NAME, appauthor=False))


# The smallest context a model may be given: llama.cpp enlarges smaller contexts and the
# binding mis-sizes them. Here rather than in milai.engine, whose import (its dataclasses and
# hardware probes) every command's settings would otherwise pay for one number.
MIN_CONTEXT_TOKENS = 512


def shipped_path(*parts: str) -> Path:
    """A file shipped with milai (``policies/…``, ``models/…``).

    In a wheel they live in ``milai/_shipped/``; in a source checkout, at the top level.
    """
    packaged = _PACKAGE_ROOT / "_shipped" / Path(*parts)
    if packaged.exists():
        return packaged
    return _PACKAGE_ROOT.parent / Path(*parts)


def default_policy_path() -> Path:
    return shipped_path("policies", "default.yaml")


def catalog_path() -> Path:
    return shipped_path("models", "catalog.yaml")
