"""Markup comments that a browser shows as nothing inside or against a word.

``SE<!-- x -->CRET``, ``SECRE<!--`` / ``x`` / ``-->T`` (a comment over lines), ``REST-`` /
``<!-- x -->RICTED`` (a hyphenated word whose second line starts with one): a complete
comment with a letter or digit right before or right after it is taken out of the views
(``Scanner._append``), so every reader sees the word as a browser shows it; its text is
read on its own (a marking inside a comment still counts). A comment is what HTML makes of
it (``<!--`` to the first ``-->``), up to ``MAX_COMMENT`` characters: longer ones stay in
the views as written. Pure functions of the text and the character before it, so that a
stream that holds back an undecided tail (``undecided``) removes what the whole text does.
"""

from __future__ import annotations

from collections.abc import Iterator

OPENER = "<!--"
CLOSER = "-->"
MAX_COMMENT = 300  # the longest comment taken out, delimiters included


def _comments(text: str) -> Iterator[tuple[int, int]]:
    """Each comment of ``text`` in HTML's reading: its opener and its end, each opener
    once; the end is -1 for an opener that no closer follows (the last one yielded: no
    later opener has one either). An opener more than ``MAX_COMMENT`` characters before
    its closer is skipped (it hides no later opener)."""
    opener = text.find(OPENER)
    closer = -1
    while opener >= 0:
        if closer < opener + len(OPENER):
            closer = text.find(CLOSER, opener + len(OPENER))
            if closer < 0:
                yield opener, -1
                return
        end = closer + len(CLOSER)
        if end - opener > MAX_COMMENT:
            opener = text.find(OPENER, opener + 1)
            continue
        yield opener, end
        opener = text.find(OPENER, end)


def word_comments(text: str, before: str = "") -> list[tuple[int, int]]:
    """The spans of ``text`` that are complete comments against a word (see the module);
    ``before``: the text read before it (its last character decides a comment at 0)."""
    found: list[tuple[int, int]] = []
    for opener, end in _comments(text):
        if end < 0:
            break
        left = text[opener - 1] if opener else before[-1:]
        if left.isalnum() or text[end : end + 1].isalnum():
            found.append((opener, end))
    return found


def undecided(text: str) -> int:
    """Where the tail of ``text`` that text still to come may change starts (a comment
    that a closer to come may close within ``MAX_COMMENT``, one closed at the very end,
    whose next character decides it, or the start of an opener), or ``len(text)`` when
    nothing is undecided. Such a tail is at most ``MAX_COMMENT`` + 1 characters long."""
    size = len(text)
    for opener, end in _comments(text):
        if end < 0:
            reach = max(opener, size - MAX_COMMENT)  # a closer to come may close these
            later = text.find(OPENER, reach)
            if later >= 0:
                return later
            break
        if end >= size:
            return opener
    for length in (3, 2, 1):
        if text.endswith(OPENER[:length]):
            return size - length
    return size
