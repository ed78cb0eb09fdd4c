"""R3 codec pre-map and R4 encode check: what the sign's encoding cannot carry."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache

from .normalize import tidy
from .profile import SignProfile, encodes

# CPython's gb2312 codec rejects U+2014 and U+00B7; these are the GB2312 glyphs for them
_GB2312_PREMAP = (("\u2014", "\u2015"), ("\u00b7", "\u30fb"))

# encodings whose two-byte codes may have 0x5C ("\") as trail byte
_BACKSLASH_TRAIL = {"gbk", "gb18030", "big5", "big5hkscs"}


@dataclass(frozen=True, slots=True)
class Unencodable:
    char: str
    code_point: str  # "U+9580"
    count: int


class UnencodableError(ValueError):
    """Raised by callers that must refuse (strict signs); the fit itself never raises."""

    def __init__(self, chars: list[Unencodable]) -> None:
        self.chars = chars
        listed = ", ".join(f"{c.char} ({c.code_point})" for c in chars)
        super().__init__(f"characters the sign cannot show: {listed}")


def premap(text: str, encoding: str) -> str:
    if encoding == "gb2312":
        for old, new in _GB2312_PREMAP:
            text = text.replace(old, new)  # str.replace is far faster than translate here
    return text


def check_encodable(text: str, profile: SignProfile) -> tuple[str, list[Unencodable]]:
    """Replace or drop what does not encode; report each char once, in order of appearance.

    strict replaces like `replace`, so a preview can still show the pages while the
    caller refuses with the report.
    """
    codec = profile.codec
    try:
        text.encode(codec)
        return text, []  # the common case costs one encode
    except UnicodeEncodeError:
        pass
    fits = _encodable(codec)
    bad = sorted((c for c in set(text) if not fits(c)), key=text.index)
    report = [Unencodable(c, f"U+{ord(c):04X}", text.count(c)) for c in bad]
    stand_in = "" if profile.unencodable == "drop" else profile.replacement
    # translate, not a regex class: texts differ in which chars fail, and compiling a
    # pattern per text (re's cache holds 512) cost more than the fit itself
    text = text.translate(dict.fromkeys(map(ord, bad), stand_in))
    if profile.unencodable == "drop":
        text = tidy(text)  # a dropped char can leave double spaces or an empty paragraph
    return text, report


def raise_if_strict(unencodable: list[Unencodable], profile: SignProfile) -> None:
    if unencodable and profile.unencodable == "strict":
        raise UnencodableError(unencodable)


def backslash_trail_chars(text: str, encoding: str, codec: str) -> list[str]:
    """Chars whose code has a 0x5C trail byte, which some controllers read as an escape."""
    if encoding not in _BACKSLASH_TRAIL:
        return []
    if b"\\" not in text.encode(codec):  # no 0x5C byte at all: no such char (the usual case)
        return []
    found = [c for c in set(text) if c > "\x7f" and b"\\" in c.encode(codec)]
    return sorted(found, key=text.index)


@cache
def _encodable(codec: str) -> Callable[[str], bool]:
    """Whether a char encodes in `codec`, remembered per char (a failed encode raises,
    which costs more than the look-up)."""

    @lru_cache(maxsize=65536)
    def fits(char: str) -> bool:
        return encodes(char, codec)

    return fits
