"""Shared fixtures: every test gets its own empty MILAI_HOME; nothing touches the real one.
The CLI's fixtures (tests/cli/fixtures.py: the demo and synthetic vaults, the in-process
``cli``, the real ``milai`` in a subprocess) serve every folder from here, imported by none."""

from __future__ import annotations

import itertools
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _pytest.nodeid import NodeId

from tests import scale

pytest_plugins = ["tests.cli.fixtures"]


def pytest_report_header(config: pytest.Config) -> str:
    """Which generated cases this run draws (tests/scale.py), so that a failure repeats."""
    return scale.describe()


# pytest keeps each test module's assertion-rewritten bytecode in __pycache__ (ignored by git)
# unless bytecode writing is off; with PYTHONDONTWRITEBYTECODE set (as in some containers)
# every run, and every -n worker, rewrote and compiled all 220 test modules again: ~5 s of
# CPU a worker. Only this process writes bytecode; the milai processes tests start do not.
sys.dont_write_bytecode = False


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On an xdist worker under ``--dist loadgroup``, a test marked ``xdist_group(NAME)`` is
    known by ``nodeid@NAME``: the controller sends each group to one worker by that suffix.
    pytest-xdist 3.8 writes it into ``item._nodeid``, which pytest 9.2 no longer reads (node
    ids became structured: pytest-dev/pytest-xdist#1386, fixed upstream in #1388), so every
    group was spread over the workers and each built its module fixtures again. Done here
    on the structured id until a release of xdist does it; a suffix already there is kept."""
    if not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        names = sorted(
            {
                str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                for mark in item.iter_markers("xdist_group")
            }
        )
        if names and "@" not in item.nodeid.rpartition("]")[2].rpartition("::")[2]:
            item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(names)}")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``--dist loadgroup`` (pyproject.toml) with a controller whose work per finished test
    does not grow with the tests run so far (``_CompletedScopesDropped``)."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling  # type: ignore[import-untyped]

    class _CompletedScopesDropped(LoadGroupScheduling):  # type: ignore[misc]
        """xdist 3.8 keeps every finished work unit in the worker's workload and counts the
        workload's pending tests after each test: under loadgroup a test not in a group is
        a unit of its own, so the controller's work grew with the square of the tests (its
        CPU in one loaded run of the fast line: ~8 s before, ~3 s after). A unit whose
        every test has finished is dropped: nothing reads it again (a worker that dies
        hands back only its unfinished units)."""

        def mark_test_complete(self, node: Any, item_index: int, duration: float = 0) -> None:
            nodeid = self.registered_collections[node][item_index]
            scope = self._split_scope(nodeid)
            workload = self.assigned_work[node]
            workload[scope][nodeid] = True
            if all(workload[scope].values()):
                del workload[scope]
            self._reschedule(node)

    return _CompletedScopesDropped(config, log)


SHARED_MEMORY = Path("/dev/shm")
SHARED_MEMORY_NEEDED = 2 << 30  # the demo vault tests hold a few copies of a 100 MB model


def pytest_configure(config: pytest.Config) -> None:
    """The tests' folders (``tmp_path``, the homes below) in memory where there is room:
    on ext4, each of the vault's atomic writes (a rename over the old file) waits for the
    new file's data to reach the disk, ~2 ms where a tmpfs takes 0.2, and the suite makes
    tens of thousands. Not where the caller chose (``--basetemp``, ``TMPDIR``,
    ``PYTEST_DEBUG_TEMPROOT``); with ``-n`` the workers' folders sit in the main process's."""
    if config.option.basetemp or "TMPDIR" in os.environ or "PYTEST_DEBUG_TEMPROOT" in os.environ:
        return
    try:
        room = os.statvfs(SHARED_MEMORY)
    except OSError:
        return
    if room.f_bavail * room.f_frsize >= SHARED_MEMORY_NEEDED and os.access(
        SHARED_MEMORY, os.W_OK | os.X_OK
    ):
        os.environ["PYTEST_DEBUG_TEMPROOT"] = str(SHARED_MEMORY)


@pytest.fixture(scope="session")
def _homes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder per test for its home, numbered: what every test gets, so it is a plain
    ``mkdir`` (``tmp_path`` costs a millisecond a test: a numbered folder found by listing
    every earlier one). A test that wants a folder of its own still asks for ``tmp_path``."""
    return tmp_path_factory.mktemp("homes")


_test_number = itertools.count()


@pytest.fixture(autouse=True)
def isolated_home(_homes: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = _homes / str(next(_test_number))
    folder.mkdir()
    home = folder / "milai-home"
    monkeypatch.setenv("MILAI_HOME", str(home))
    monkeypatch.delenv("MILAI_KEY_FILE", raising=False)
    yield home


@pytest.fixture(autouse=True)
def milai_logger_restored() -> Iterator[None]:
    """``milai.cli.main`` sets up the ``milai`` logger for its process (a handler, a level, no
    propagation). A test that calls it directly must not leave that to the next one: pytest
    attaches its capture handlers to every logger that does not propagate, and a record
    would then reach caplog twice (once there, once at the root)."""
    logger = logging.getLogger("milai")
    saved = (list(logger.handlers), logger.level, logger.propagate)
    yield
    logger.handlers[:] = saved[0]
    logger.setLevel(saved[1])
    logger.propagate = saved[2]


@pytest.fixture(autouse=True, scope="session")
def fsync_skipped() -> Iterator[None]:
    """No fsync in the test process (nor in the children it forks): only a power cut shows a
    missing one, which no test here makes (the crash tests kill processes, and the page
    cache outlives them), and the waits were most of the vault and audit tests' time. The
    order of durable steps is tested through ``_fs.fault_point``; an fsync on a closed or
    bad descriptor still fails; a real ``milai`` started as a subprocess still syncs.
    Session-wide, so that the vaults that module and session fixtures build are spared too
    (the tamper matrix's session spent 12 s in 2,700 fsyncs)."""

    def fsync(fd: Any) -> None:  # an int, or anything with fileno() (as os.fsync takes)
        os.fstat(fd if isinstance(fd, int) else fd.fileno())

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "fsync", fsync)
        yield
