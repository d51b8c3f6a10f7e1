"""FIGlet's layout, for the tests: text drawn in a font of ``_figlet_fonts`` as ``figlet``
(and pyfiglet) draws it: glyphs kerned or smushed by the font's rules, lines wrapped at
80 columns between words. ``test_policy_ascii_art`` checks it against pyfiglet where that
is installed, and reads hand-typed art besides, so the reader is not only checked against
this drawing."""

from __future__ import annotations

from milai.policy._figlet_fonts import FONTS

_EQUAL, _LOWLINE, _HIERARCHY, _PAIR, _BIGX, _HARDBLANK, _KERN, _SMUSH = (1 << n for n in range(8))
HARD = "$"


def _smushed(left: str, right: str, layout: int, widths: tuple[int, int]) -> str | None:
    """The character two overlapping cells show, or None where they may not overlap."""
    if left == " ":
        return right
    if right == " ":
        return left
    if min(widths) < 2 or not layout & _SMUSH:
        return None
    if not layout & 63:  # universal smushing: the later glyph wins, over hard blanks too
        return right if left == HARD or right != HARD else left
    if layout & _HARDBLANK and left == right == HARD:
        return left
    if HARD in (left, right):
        return None
    if layout & _EQUAL and left == right:
        return left
    rules: list[tuple[str, str]] = []
    if layout & _LOWLINE:
        rules.append(("_", "|/\\[]{}()<>"))
    if layout & _HIERARCHY:
        rules += [("|", "/\\[]{}()<>"), ("\\/", "[]{}()<>"), ("[]", "{}()<>"), ("{}", "()<>")]
        rules.append(("()", "<>"))
    for low, high in rules:
        if left in low and right in high:
            return right
        if right in low and left in high:
            return left
    if layout & _PAIR and left + right in ("[]", "][", "{}", "}{", "()", ")("):
        return "|"
    if layout & _BIGX:
        found = {"/\\": "|", "\\/": "Y", "><": "X"}.get(left + right)
        if found:
            return found
    return None


def _amount(rows: list[str], glyph: list[str], layout: int, widths: tuple[int, int]) -> int:
    """How far the glyph moves into the line drawn so far (FIGlet's smush amount)."""
    most = max(map(len, glyph))
    if not layout & (_KERN | _SMUSH):
        return 0
    for left, right in zip(rows, glyph, strict=True):
        last = max(len(left.rstrip(" ")) - 1, 0)
        ch1 = left[last] if last < len(left) else ""
        first = len(right) - len(right.lstrip(" "))
        ch2 = right[first] if first < len(right) else ""
        amount = first + len(left) - 1 - last
        if not ch1 or ch1 == " " or (ch2 and _smushed(ch1, ch2, layout, widths)):
            amount += 1
        most = min(most, amount)
    return most


def _line(text: str, font: str, layout: int | None = None) -> list[str]:
    """One line of text drawn (hard blanks kept), in the font's layout or ``layout``."""
    height, default, glyphs = FONTS[font]
    layout = default if layout is None else layout
    rows = [""] * height
    previous = 0
    for char in text:
        if char not in glyphs:
            continue
        glyph = glyphs[char].split("\n")
        width = max(map(len, glyph))
        amount = _amount(rows, glyph, layout, (previous, width))
        for n in range(height):
            left, right = rows[n], glyph[n]
            for i in range(amount):
                at = len(left) - amount + i
                if 0 <= at < len(left):
                    cell = _smushed(left[at], right[i], layout, (previous, width))
                    left = left[:at] + (cell or "") + left[at + 1 :]
            rows[n] = left + right[amount:]
        previous = width
    return rows


FULL_WIDTH, KERNED = 0, _KERN  # figlet -W, figlet -k


def draw(text: str, font: str, width: int = 80, layout: int | None = None) -> str:
    """``text`` drawn in ``font``: its lines wrapped between words at ``width`` columns (a
    block of the font's height each), hard blanks drawn blank, lines' ends trimmed; in
    the font's layout, or ``layout`` (``FULL_WIDTH``, ``KERNED``)."""
    blocks: list[list[str]] = []
    words: list[str] = []
    for word in text.split(" "):
        wider = " ".join([*words, word])
        if words and max(map(len, _line(wider, font, layout))) > width:
            blocks.append(_line(" ".join(words), font, layout))
            words = [word]
        else:
            words.append(word)
    blocks.append(_line(" ".join(words), font, layout))
    return "\n".join(row.replace(HARD, " ").rstrip() for block in blocks for row in block) + "\n"
