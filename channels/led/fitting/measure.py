"""R5: how many half-width cells a char takes on the board.

Besides `cell_width`, `signature` maps a text to one letter per char (" " space,
"a" one cell, "W" two cells, "z" zero cells; LF and FF kept) so that wrapping can find
units with one regex instead of a Python loop over chars.
"""

import re
from functools import cache

import wcwidth

from .profile import SignProfile

_LETTERS = {0: "z", 1: "a", 2: "W"}
_ASCII = {ord(c): "a" for c in map(chr, range(0x21, 0x7F))}
_ASCII.update({0x20: " ", 0x0A: "\n", 0x0C: "\x0c"})
# A char the table does not map yet stays itself after translate; every char the table
# maps becomes one of these (and "a", "W", "z" themselves map to "a").
_UNKNOWN = re.compile("[^ aWz\n\x0c]")


def cell_width(char: str, profile: SignProfile) -> int:
    return _width_of(char, profile.codec, profile.width_model, profile.ambiguous_width)


def cells(text: str, profile: SignProfile) -> int:
    """Width of a line; spaces count one cell."""
    return sum(cell_width(c, profile) for c in text)


def signature(text: str, profile: SignProfile) -> str:
    table = _table(profile.codec, profile.width_model, profile.ambiguous_width)
    sig = text.translate(table)
    if _UNKNOWN.search(sig) is None:  # every char already in the table (the usual case)
        return sig
    for char in set(text):
        if ord(char) in table:
            continue
        width = _width_of(char, profile.codec, profile.width_model, profile.ambiguous_width)
        table[ord(char)] = _LETTERS[width]
    return text.translate(table)


@cache
def _table(codec: str, model: str, ambiguous: int) -> dict[int, str]:
    # grows with the distinct chars seen; bounded by the repertoire of the encoding
    return dict(_ASCII)


@cache
def _width_of(char: str, codec: str, model: str, ambiguous: int) -> int:
    if model == "bytes":
        # DBCS boards: one byte, one cell; anything longer is a full-width glyph
        try:
            return 1 if len(char.encode(codec)) == 1 else 2
        except UnicodeEncodeError:
            return 2  # not shown anyway (R4 ran before); assume the wide stand-in
    width = wcwidth.wcwidth(char, ambiguous_width=ambiguous)
    return max(width, 0)  # -1 marks control chars, which R1 already removed
