"""R1: normalise a notice's text; also the injection guard (no control char survives).

Output shape, relied on by later steps: paragraphs separated by LF, pages by FF; no
empty paragraph or page, no space at either end of a paragraph, no run of spaces.
"""

import re
import unicodedata
from functools import lru_cache

LF = "\n"
FF = "\x0c"
_SPACE_RUN = re.compile(" {2,}")


# A notice is fitted once per sign profile, and R1 does not depend on the profile: keep
# the last results (a cold start fits thousands of notices for every profile in turn).
@lru_cache(maxsize=16384)
def normalize(text: str) -> str:
    text = text.replace("\r\n", LF).replace("\r", LF)
    table = _cleanup_table(text)
    if table:
        text = text.translate(table)
    # NFC after the deletions, so a mark split from its base by a zero-width char composes
    text = unicodedata.normalize("NFC", text)
    return tidy(text)


def tidy(text: str) -> str:
    """Collapse spaces, trim paragraphs, drop blank paragraphs and empty pages."""
    text = _SPACE_RUN.sub(" ", text)
    pages = []
    for page in text.split(FF):
        paragraphs = [p.strip(" ") for p in page.split(LF)]
        kept = LF.join(p for p in paragraphs if p)
        if kept:
            pages.append(kept)
    return FF.join(pages)


def _cleanup_table(text: str) -> dict[int, str | None]:
    """Translation for the distinct chars of this text that are not kept as they are."""
    table: dict[int, str | None] = {}
    for char in set(text):
        if " " <= char <= "~" or char in (LF, FF):
            continue
        category = _category(char)
        if char == "\t" or category == "Zs":
            # every kind of space (NBSP, U+3000 ...) becomes one ASCII space, so the
            # collapse, trim and no-trailing-space rules apply to all of them
            table[ord(char)] = " "
        elif category in ("Zl", "Zp"):
            table[ord(char)] = LF  # U+2028, U+2029 are line breaks by definition
        elif category in ("Cc", "Cf", "Cs"):
            # C0, C1, DEL, zero-width, BOM, bidi controls; lone surrogates are not text
            table[ord(char)] = None
    return table


@lru_cache(maxsize=65536)
def _category(char: str) -> str:
    return unicodedata.category(char)
