"""Where milai keeps things: the vault folder and the files shipped with the package.

Precedence for the vault folder, in one place: ``MILAI_HOME``, else the platform's user
data folder (platformdirs).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "milai"
_PACKAGE_ROOT = Path(__file__).resolve().parent


def milai_home() -> Path:
    """The vault folder: ``$MILAI_HOME`` or the platform's user data dir."""
    configured = os.environ.get("MILAI_HOME")
    if configured:
        return Path(configured).expanduser()
    return Path(platformdirs.user_data_path(APP_NAME, appauthor=False))


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
