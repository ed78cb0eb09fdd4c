"""R9: lines into pages of `rows` lines (FF forces a new page); scroll mode's one line."""

from .measure import cells, signature
from .normalize import FF, LF
from .profile import SignProfile
from .wrap import Line, wrap_paragraph

IDEOGRAPHIC_SPACE = "\u3000"
# ascii boards cannot show U+3000; two spaces keep the same two-cell pause
ASCII_SEPARATOR = "  "


def paginate(text: str, profile: SignProfile) -> list[list[Line]]:
    """Pages of (line, cells) from R1-R4 output; paragraphs flow on across pages."""
    if not text:
        return []
    if profile.mode == "scroll":
        return [[_scroll_line(text, profile)]]
    sig = signature(text, profile)
    cols, rows = profile.cols, profile.rows
    pages: list[list[Line]] = []
    # the signature keeps LF and FF where the text has them, so the splits pair up
    for block, block_sig in zip(text.split(FF), sig.split(FF), strict=True):
        lines: list[Line] = []
        for paragraph, paragraph_sig in zip(block.split(LF), block_sig.split(LF), strict=True):
            lines.extend(wrap_paragraph(paragraph, paragraph_sig, cols))
        pages.extend(lines[i : i + rows] for i in range(0, len(lines), rows))
    return pages


def scroll_separator(profile: SignProfile) -> str:
    try:
        IDEOGRAPHIC_SPACE.encode(profile.codec)
    except UnicodeEncodeError:
        return ASCII_SEPARATOR
    return IDEOGRAPHIC_SPACE


def _scroll_line(text: str, profile: SignProfile) -> Line:
    # R7-R9 skipped: every paragraph, across page breaks too, on one moving line
    paragraphs = text.replace(FF, LF).split(LF)
    line = scroll_separator(profile).join(paragraphs)
    return line, cells(line, profile)
