"""Ctrl-C while a document's passages are embedded: llama.cpp logs on every decode, so the
signal lands in its log callback and is raised when the call returns. The passages go in
groups of about one batch (``EMBED_GROUP_CHARS``): the interrupt waits for one group, not
for the whole document."""

from __future__ import annotations

import itertools
from typing import Any, cast

import pytest

from milai.engine import llama
from milai.engine.llama import EMBED_GROUP_CHARS, LlamaEmbedder, embedding_groups
from tests.engine.conftest import CtrlCOnLogLine


class _LoggingLlama:
    """Stands for llama-cpp-python's ``Llama`` in embedding mode: every call logs a line
    through milai's callback, as llama.cpp does on each decode, and records its texts."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def n_embd(self) -> int:
        return 2

    def embed(self, texts: list[str], *, normalize: bool, truncate: bool) -> list[list[float]]:
        assert normalize and truncate
        self.calls.append(list(texts))
        llama._route_llama_log(2, b"decode: embedding a batch\n", None)
        return [[float(len(text)), 1.0] for text in texts]


def _embedder() -> tuple[LlamaEmbedder, _LoggingLlama]:
    fake = _LoggingLlama()
    return LlamaEmbedder(cast("Any", fake)), fake


# Passages of the sizes milai cuts (about 1,000 characters, at most 1,600), and short ones.
TEXTS = [f"passage {number}. " + "word " * (40 * (number % 8) + 1) for number in range(40)]


def test_groups_hold_about_one_batch_each_and_every_text_in_order() -> None:
    groups = list(embedding_groups(TEXTS))
    assert [text for group in groups for text in group] == TEXTS
    assert all(sum(map(len, group)) <= EMBED_GROUP_CHARS for group in groups)
    # each group full: the next text would not have fitted
    for group, after in itertools.pairwise(groups):
        assert sum(map(len, group)) + len(after[0]) > EMBED_GROUP_CHARS
    assert list(embedding_groups(["x" * (3 * EMBED_GROUP_CHARS), "y"])) == [
        ["x" * (3 * EMBED_GROUP_CHARS)],
        ["y"],
    ]
    assert list(embedding_groups([])) == []


@pytest.mark.parametrize("ctrl_c_on_log_line", [1, 3], indirect=True)
def test_ctrl_c_while_embedding_waits_for_one_group_only(
    ctrl_c_on_log_line: CtrlCOnLogLine,
) -> None:
    embedder, fake = _embedder()
    with pytest.raises(KeyboardInterrupt):
        embedder.embed(TEXTS)
    assert len(fake.calls) == ctrl_c_on_log_line.at  # stopped after the group it landed in
    assert fake.calls == list(embedding_groups(TEXTS))[: ctrl_c_on_log_line.at]
    assert len(list(embedding_groups(TEXTS))) > 5  # a long way from the end


def test_every_vector_comes_back_in_order() -> None:
    embedder, fake = _embedder()
    assert embedder.embed(TEXTS) == [[float(len(text)), 1.0] for text in TEXTS]
    assert fake.calls == list(embedding_groups(TEXTS))
    assert embedder.embed([]) == []
