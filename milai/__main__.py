"""Entry point: the network guard goes in before anything else is imported."""

from __future__ import annotations

import gc
import os
import sys


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

        try:
            sys.stdout.write(f"milai {__version__}\n")
            sys.stdout.flush()
        except BrokenPipeError:  # the reader went away (`| head -c 0`): quiet, as elsewhere
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        return
    from milai.errors import ExitCode

    try:
        code = _start(sys.argv[1:])
    except KeyboardInterrupt:
        # Ctrl-C while milai is still starting (its imports take a moment): interrupted,
        # as a Ctrl-C in the command itself is, without a traceback.
        code = int(ExitCode.INTERRUPTED)
    sys.exit(code)


def _start(args: list[str]) -> int:
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
    from milai.cli._app import handle_termination

    handle_termination()
    return cli_main(args, ready=_collect_again)


def _collect_again() -> None:
    gc.freeze()
    gc.enable()


if __name__ == "__main__":
    main()
