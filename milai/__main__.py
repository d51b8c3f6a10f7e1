"""Entry point: the network guard goes in before anything else is imported."""

from __future__ import annotations

import sys


def main() -> None:
    from milai import netguard

    netguard.install()
    from milai.cli import main as cli_main

    sys.exit(cli_main(sys.argv[1:]))


if __name__ == "__main__":
    main()
