"""Subtitles (SRT, WebVTT): the cues' text joined is one more reading, so a banner cut
over two cues (TOP / SECRET) reads whole (issue 9, red team round 3)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from milai.cli.gate import own_text
from milai.documents import looks_like_subtitles, read_document
from milai.documents._subtitles import joined_cues
from milai.policy import check_text
from tests.levels import assert_targets_read
from tests.policy.families import Target, shipped_policy, targets


def _srt(cues: list[str]) -> str:
    return "".join(
        f"{i}\n00:00:{i:02d},000 --> 00:00:{i + 1:02d},500\n{cue}\n\n"
        for i, cue in enumerate(cues, 1)
    )


def _vtt(cues: list[str]) -> str:
    return "WEBVTT\n\n" + "".join(
        f"00:{i:02d}.000 --> 00:{i + 1:02d}.000 align:center\n{cue}\n\n"
        for i, cue in enumerate(cues, 1)
    )


SPLIT = [t for t in targets() if not t.portion and len(t.text.split()) >= 2]


@pytest.mark.parametrize("writer", [_srt, _vtt], ids=["srt", "vtt"])
def test_a_banner_cut_over_two_cues_reads_whole(writer: object) -> None:
    def texts(target: Target) -> Iterator[str]:
        words = target.text.split()
        for cut in range(1, len(words)):
            cues = ["Good evening.", " ".join(words[:cut]), " ".join(words[cut:]), "Goodbye."]
            data = writer(cues).encode()  # type: ignore[operator]
            yield read_document(data, "x.srt").text

    assert_targets_read(SPLIT, texts)


def test_joined_cues_leave_numbers_timings_and_header_out() -> None:
    text = _vtt(["Hello", "<i>there</i>"]).replace("WEBVTT\n", "WEBVTT - A film\n\nNOTE x\n")
    assert joined_cues(text) == "Hello\n<i>there</i>"
    assert joined_cues(_srt(["One", "Two\nlines"]).replace("\n", "\r\n")) == "One\nTwo\nlines"
    assert joined_cues("1. Buy milk\n2. Call Tom\n") is None
    assert not looks_like_subtitles("12\nnot a timing line\n")


def test_a_film_s_subtitles_stay_unclassified() -> None:
    cues = [
        "Where were you last night?",
        "That's a secret.",
        "Top",
        "of the morning to you.",
        "Your secretary called. Confidential, she said.",
    ]
    for writer in (_srt, _vtt):
        data = writer(cues).encode()
        for name in ("default.yaml", "ministry-codewords.yaml"):
            policy = shipped_policy(name)
            assert check_text(policy, read_document(data, "film.srt").text).level == policy.lowest


def test_a_redacted_copy_is_made_from_the_file_itself() -> None:
    data = _srt(["TOP", "SECRET"]).encode()
    document = read_document(data, "x.srt")
    assert [part.name for part in document.parts] == ["body", "subtitle cues"]
    assert own_text(document, data, "x.srt") == data.decode()
