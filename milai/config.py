"""Where milai keeps things: the vault folder and the files shipped with the package.

Precedence for the vault folder, in one place: ``MILAI_HOME``, else the platform's user
data folder (platformdirs).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from milai.errors import UsageError
from milai.files import file_kind

APP_NAME = "milai"
_PACKAGE_ROOT = Path(__file__).resolve().parent


def configured_home() -> Path:
    """Where the vault folder is configured to be: ``$MILAI_HOME`` or the platform's user
    data dir, unchecked (``milai doctor`` names it whatever stands there). Always absolute:
    a relative ``MILAI_HOME`` is taken from the current folder (milai never changes it), so
    every message, record and check names one folder. Raises ``UsageError`` (exit 2) for a
    relative one when the current folder is gone."""
    configured = os.environ.get("MILAI_HOME")
    if configured:
        home = Path(configured).expanduser()
        try:
            return home.absolute()
        except OSError as error:  # os.getcwd(): the current folder was deleted
            raise UsageError(
                f"MILAI_HOME ({home}) is a relative path and the current folder is "
                f"unreadable: {error.strerror}",
                hint="give MILAI_HOME as an absolute path",
            ) from None
    import platformdirs  # only where MILAI_HOME is not set: it costs every command start-up

    return Path(platformdirs.user_data_path(APP_NAME, appauthor=False))


def milai_home() -> Path:
    """The vault folder (``configured_home``; it need not exist yet). Raises ``UsageError``
    (exit 2) when something other than a folder stands there: no command could use it, and
    the vault's own checks would call it "locked" or "open to other users"."""
    home = configured_home()
    where = f"MILAI_HOME ({home})" if os.environ.get("MILAI_HOME") else f"the vault folder {home}"
    try:
        mode = home.stat().st_mode
    except OSError:
        return home  # missing (init creates it), or unreachable: the vault's checks say
    if not stat.S_ISDIR(mode):
        raise UsageError(
            f"{where} is not a folder: it is {file_kind(mode)}",
            hint="point MILAI_HOME at a folder; milai creates a missing one",
        )
    return home


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
