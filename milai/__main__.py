"""Entry point: the network guard goes in before anything else is imported."""

from __future__ import annotations

import atexit
import gc
import os
import sys
from typing import NoReturn


def _no_core_dumps() -> None:
    """A crash must not write decrypted model bytes or prompts to a core file on disk."""
    import ctypes
    import resource

    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    pr_set_dumpable = 4
    try:
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_dumpable, 0, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the rlimit above is what there is
        pass


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        # The one answer that needs nothing: no CLI, no guard (nothing is imported or run).
        from milai import __version__

        sys.stdout.write(f"milai {__version__}\n")
        return
    # Start-up allocates many objects and frees almost none: the collector's passes over
    # them cost a short command about a sixth of its time. It runs again, with start-up's
    # objects frozen out of its passes, from the moment the command itself starts.
    gc.disable()
    # numpy (under llama_cpp) would start one OpenBLAS thread per core; llama.cpp does its
    # own threading and milai never uses BLAS from Python, so those threads only compete.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    _no_core_dumps()
    from milai import netguard

    netguard.install()
    from milai.cli import main as cli_main
    from milai.cli._app import check_arguments, handle_termination
    from milai.errors import ExitCode, UsageError

    handle_termination()
    args = sys.argv[1:]
    try:
        check_arguments(args)
    except UsageError as error:
        sys.stderr.write(f"milai: error: {error.message}\n")
        sys.exit(int(ExitCode.USAGE))
    sys.exit(cli_main(args, ready=_collect_again))


def _collect_again() -> None:
    gc.freeze()
    gc.enable()


def run() -> NoReturn:
    """The ``milai`` command (``python -m milai`` and the console script): ``main``, then the
    process ends with its exit code without the interpreter's teardown, which frees every
    module and object one by one (about 13 ms of CPU, ~4 % of a short command) only for the
    operating system to drop them all at once.

    What that teardown guarantees is kept: exit handlers run (``atexit``, and through it
    ``weakref.finalize`` and ``logging.shutdown``) and stdout and stderr are flushed. Where
    another thread is still alive (the interpreter would wait for it), the exit code is not
    a plain number, or the output cannot be flushed (a reader that went away: the
    interpreter reports it and exits 120), the interpreter ends the process as usual.
    ``main`` itself still raises ``SystemExit``, for callers that go on after it."""
    try:
        main()
    except SystemExit as exit_:
        if not isinstance(exit_.code, int | None):
            raise
        _end(exit_.code or 0)
    _end(0)


def _end(code: int) -> NoReturn:
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()  # runs each handler once and forgets it
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        sys.exit(code)
    os._exit(code)


if __name__ == "__main__":
    run()
