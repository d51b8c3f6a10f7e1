"""Fixtures of the engine tests: a Ctrl-C that lands in llama.cpp's log callback."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest


class CtrlCOnLogLine(logging.Handler):
    """Stands for the signal handler: raises KeyboardInterrupt in milai's llama.cpp log line
    number ``at`` (once)."""

    def __init__(self, at: int) -> None:
        super().__init__(logging.DEBUG)
        self.at = at
        self.seen = 0

    @property
    def fired(self) -> bool:
        return self.seen >= self.at

    def emit(self, record: logging.LogRecord) -> None:
        self.seen += 1
        if self.seen == self.at:
            raise KeyboardInterrupt


@pytest.fixture
def ctrl_c_on_log_line(request: pytest.FixtureRequest) -> Iterator[CtrlCOnLogLine]:
    """A Ctrl-C in the first log line, or in line ``request.param`` (``indirect=True``)."""
    logger = logging.getLogger("milai.llama")
    handler = CtrlCOnLogLine(int(getattr(request, "param", 1)))
    saved = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved)
