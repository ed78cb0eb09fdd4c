"""R6 units, R7 greedy fill with hard split, R8 kinsoku push-out, for one paragraph.

Works on the paragraph and its `measure.signature` side by side. A unit is
(start, end, cells, gap, forced): its slice of the paragraph; gap is 1 when a space
precedes it (R1 left single spaces only, so spaces are never units of their own and
cannot lead or trail a line); forced marks the first piece of a hard-split word, which
must start a line. A line is a contiguous slice of the paragraph: (start, end, cells).
"""

import re

NO_START = frozenset("、。，．：；？！）」』】〕〗〙〛》〉］｝～％’”…‥‧・―—︰﹐﹑﹒﹔﹕﹖﹗｡､℃°‰!%),.:;?]}")
NO_END = frozenset("（［｛「『【〔〖〘〚《〈‘“＄￥￡([{$£¥")

# every char that is neither, as one class: _fill reads a char only to ask whether it is in
# NO_START or NO_END
_NOT_KINSOKU = re.compile("[^" + re.escape("".join(sorted(NO_START | NO_END))) + "]")
# (signature, kinsoku chars in place, cols) -> the lines as (start, end, cells)
_SPANS: dict[tuple[str, str, int], list[tuple[int, int, int]]] = {}
_MAX_SPANS = 16384
_MAX_SHARED_LENGTH = 80  # chars: titles and short LED texts, where shapes repeat

Unit = tuple[int, int, int, int, bool]
Line = tuple[str, int]  # text, cells

# a zero-cell char (combining mark) belongs to the unit before it
_UNIT_WITH_MARKS = re.compile(r" |a[az]*|Wz*|z+")
_UNIT_PLAIN = re.compile(r" |a+|W+")


def wrap_paragraph(text: str, sig: str, cols: int) -> list[Line]:
    # Where the lines break depends on the widths (the signature), on which chars are
    # kinsoku chars, and on cols only, so paragraphs that differ only in ordinary chars
    # (a number in a title, another phrase of the same shape) share one computation.
    if len(text) > _MAX_SHARED_LENGTH:  # long paragraphs rarely share a shape
        return [(text[start:end], cells) for start, end, cells in _fill(text, units(sig, cols), cols)]
    key = (sig, _NOT_KINSOKU.sub("_", text), cols)  # "_" is neither kind
    spans = _SPANS.get(key)
    if spans is None:
        if len(_SPANS) >= _MAX_SPANS:
            _SPANS.clear()
        spans = _SPANS[key] = _fill(text, units(sig, cols), cols)
    return [(text[start:end], cells) for start, end, cells in spans]


def units(sig: str, cols: int) -> list[Unit]:
    found: list[Unit] = []
    gap = 0
    marks = "z" in sig
    for match in (_UNIT_WITH_MARKS if marks else _UNIT_PLAIN).finditer(sig):
        start, end = match.span()
        kind = sig[start]
        if kind == " ":
            gap = 1
            continue
        if kind == "W" and not marks:
            # a run of two-cell chars, a unit each: one regex match for the run is faster
            found.append((start, start + 1, 2, gap, False))
            found.extend([(i, i + 1, 2, 0, False) for i in range(start + 1, end)])
        elif kind == "W":
            found.append((start, end, 2, gap, False))  # with its marks
        elif kind == "z":
            found.append((start, end, 0, gap, False))
        else:
            width = end - start - (sig.count("z", start, end) if marks else 0)
            if width > cols:
                found.extend(_hard_split(start, sig[start:end], cols, gap))
            else:
                found.append((start, end, width, gap, False))
        gap = 0
    return found


def _hard_split(offset: int, sig: str, cols: int, gap: int) -> list[Unit]:
    """A 1-cell word longer than a line: new line, then a piece every `cols` cells."""
    pieces: list[Unit] = []
    start = count = 0
    for i, letter in enumerate(sig):
        if letter == "a":
            if count == cols:
                pieces.append((offset + start, offset + i, cols, 0, False))
                start, count = i, 0
            count += 1
    pieces.append((offset + start, offset + len(sig), count, 0, False))
    first = pieces[0]
    pieces[0] = (first[0], first[1], first[2], gap, True)
    return pieces


def _fill(text: str, units: list[Unit], cols: int) -> list[tuple[int, int, int]]:
    lines: list[tuple[int, int, int]] = []
    first = 0  # index of the current line's first unit
    width = 0
    for i, (_, _, cells, gap, forced) in enumerate(units):
        if i == first:
            width = cells
            continue
        need = cells + gap
        if width + need <= cols and not forced:
            width += need
            continue
        cut = i if forced else _push_out(text, units, first, i, cols)
        moved = sum(u[2] + u[3] for u in units[cut:i])
        lines.append((units[first][0], units[cut - 1][1], width - moved))
        first = cut
        width = moved - units[cut][3] + need if cut < i else cells
    if units:
        lines.append((units[first][0], units[-1][1], width))
    return lines


def _push_out(text: str, units: list[Unit], first: int, pending: int, cols: int) -> int:
    """R8: index where the line breaks, moving its last units down past any violation.

    Gives up (greedy break, violation allowed) when the line would lose its only unit
    or the moved units and the pending one would not fit on the next line.
    """
    cut = pending
    while text[units[cut - 1][1] - 1] in NO_END or text[units[cut][0]] in NO_START:
        if cut - first < 2:
            return pending
        cut -= 1
        if sum(u[2] + u[3] for u in units[cut : pending + 1]) - units[cut][3] > cols:
            return pending
    return cut
