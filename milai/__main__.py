"""Entry point: the network guard goes in before anything else is imported."""

from __future__ import annotations

import os
import sys


def main() -> None:
    # numpy (under llama_cpp) would start one OpenBLAS thread per core; llama.cpp does its
    # own threading and milai never uses BLAS from Python, so those threads only compete.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from milai import netguard

    netguard.install()
    from milai.cli import main as cli_main

    sys.exit(cli_main(sys.argv[1:]))


if __name__ == "__main__":
    main()
