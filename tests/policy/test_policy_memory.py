"""The scanner keeps a bounded window of the text, whatever its length (memory flat)."""

from __future__ import annotations

from milai.policy import Policy
from milai.policy.detect import Scanner
from tests.scale import scaled


def test_a_long_text_is_not_kept_whole(default_policy: Policy) -> None:
    scanner = Scanner(default_policy.engine)
    line = "La réunion du comité a été reportée à mardi, SECRET recipe.\n"
    # about 1 MiB a chunk, 6 of them in CI (tests/scale.py); the fast line 3 of 256 KiB: the
    # scanner holds ~100 KiB whatever it was fed, and 3 chunks already exceed the bound
    chunk = line * (scaled(1 << 20, 1 << 18) // len(line))
    for _ in range(scaled(6, 3)):
        scanner.feed(chunk)
        scanner.take_hits()
    held = [len(scanner.orig), *(len(scanner.view(v).buf) for v in ("skel", "text", "classes"))]
    assert max(held) < 2 * len(chunk), held
