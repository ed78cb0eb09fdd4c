"""A word-level diff that reads well for Chinese too.

Chinese has no spaces between words, so a word is: a run of Latin letters or digits
(`Wi-Fi`, `9:00` stay whole), a run of spaces, or one CJK character or punctuation
mark. Two changes separated by a single unchanged character are joined,
so "每月18日" -> "每週二" reads as one change rather than a scatter of letters.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Literal, NamedTuple

_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[.:/\-][A-Za-z0-9]+)*|\s+|.", re.S)
MERGE_GAP = 1  # an unchanged token between two changes is folded into them

Kind = Literal["same", "del", "ins"]


class Piece(NamedTuple):
    kind: Kind
    text: str


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def diff(old: str, new: str) -> list[Piece]:
    """Pieces that spell `old` (same + del) and `new` (same + ins)."""
    a, b = tokens(old), tokens(new)
    ops = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    # Fold short equal runs that sit between two changes into the changes.
    groups: list[tuple[str, list[str], list[str]]] = []  # (tag, old tokens, new tokens)
    for tag, i1, i2, j1, j2 in ops:
        olds, news = a[i1:i2], b[j1:j2]
        if tag == "equal":
            groups.append(("equal", olds, news))
        elif groups and groups[-1][0] == "change":
            groups[-1][1].extend(olds)
            groups[-1][2].extend(news)
        else:
            groups.append(("change", list(olds), list(news)))
    merged: list[tuple[str, list[str], list[str]]] = []
    for index, group in enumerate(groups):
        kind, olds, news = group
        between = 0 < index < len(groups) - 1
        if (kind == "equal" and between and len(olds) <= MERGE_GAP
                and not any(t.strip() == "" and "\n" in t for t in olds)
                and merged and merged[-1][0] == "change"):
            merged[-1][1].extend(olds)
            merged[-1][2].extend(news)
            continue
        if kind == "change" and merged and merged[-1][0] == "change":
            merged[-1][1].extend(olds)
            merged[-1][2].extend(news)
            continue
        merged.append((kind, list(olds), list(news)))
    pieces: list[Piece] = []
    for kind, olds, news in merged:
        if kind == "equal":
            pieces.append(Piece("same", "".join(olds)))
        else:
            if olds:
                pieces.append(Piece("del", "".join(olds)))
            if news:
                pieces.append(Piece("ins", "".join(news)))
    return pieces


def sides(old: str, new: str) -> tuple[list[Piece], list[Piece]]:
    """(old side: same and deleted pieces, new side: same and inserted pieces)."""
    pieces = diff(old, new)
    return [p for p in pieces if p.kind != "ins"], [p for p in pieces if p.kind != "del"]
