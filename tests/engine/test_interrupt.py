"""Ctrl-C while llama.cpp is logging: the interrupt reaches milai, not ctypes' waste basket.

llama.cpp calls back into Python for every log line; a SIGINT that lands then is raised in
the ctypes callback, which prints it and drops it. A load that had been interrupted went on
(and a run finished with exit 0) with a traceback on stderr."""

from __future__ import annotations

from pathlib import Path

import pytest

from milai.engine import LoadOptions
from milai.engine.llama import LlamaEmbedder, LlamaEngine
from tests.engine.conftest import CtrlCOnLogLine


@pytest.fixture
def broken_gguf(tmp_path: Path) -> Path:
    """A file with GGUF's magic and nothing loadable after it: llama.cpp logs, then fails."""
    path = tmp_path / "broken.gguf"
    path.write_bytes(b"GGUF" + b"\x03\x00\x00\x00" + b"\xff" * 64)
    return path


def test_ctrl_c_during_a_load_interrupts_it(
    ctrl_c_on_log_line: CtrlCOnLogLine, broken_gguf: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(KeyboardInterrupt):
        LlamaEngine.load(str(broken_gguf), LoadOptions(threads=1))
    assert ctrl_c_on_log_line.fired
    assert "Traceback" not in capsys.readouterr().err


def test_ctrl_c_during_an_embedding_load_interrupts_it(
    ctrl_c_on_log_line: CtrlCOnLogLine, broken_gguf: Path
) -> None:
    with pytest.raises(KeyboardInterrupt):
        LlamaEmbedder.load(str(broken_gguf), threads=1)
    assert ctrl_c_on_log_line.fired


def test_without_ctrl_c_a_broken_file_is_a_model_error(broken_gguf: Path) -> None:
    from milai.errors import ModelError

    with pytest.raises(ModelError, match="failed to load"):
        LlamaEngine.load(str(broken_gguf), LoadOptions(threads=1))
    # and a later load starts with no interrupt left over
    with pytest.raises(ModelError):
        LlamaEngine.load(str(broken_gguf), LoadOptions(threads=1))


def test_ctrl_c_during_an_unwrapped_call_is_raised_by_the_next_one(
    ctrl_c_on_log_line: CtrlCOnLogLine, broken_gguf: Path
) -> None:
    # A log line outside any load (a close between the embedder's two loads, say): the
    # interrupt it caught is kept for the next call into llama.cpp, not dropped.
    from milai.engine import llama

    llama._route_llama_log(2, b"llama_context: freeing\n", None)
    assert ctrl_c_on_log_line.fired
    with pytest.raises(KeyboardInterrupt):
        LlamaEngine.load(str(broken_gguf), LoadOptions(threads=1))
