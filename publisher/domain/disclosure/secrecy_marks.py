"""Secrecy marks (密級標誌 and the like) that must stop a reviewer before anything is public.

The marks of DISCLOSURE.md in both scripts: 秘密, 機密/机密, 絕密/绝密, 內部/内部,
不得外傳 (and its Simplified form 不得外传, which staff pasting from mainland documents
will bring). A literal alternation: one pass over the text, no backtracking.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from publisher.domain.disclosure.findings import Finding

SECRECY_MARKS: tuple[str, ...] = ("秘密", "機密", "机密", "絕密", "绝密", "內部", "内部", "不得外傳", "不得外传")
_MARKS = re.compile("|".join(re.escape(mark) for mark in SECRECY_MARKS))


def iter_secrecy_marks(text: str) -> Iterator[Finding]:
    """Each mark in `text`, in order; its masked form is the mark itself (it is not personal)."""
    for match in _MARKS.finditer(text):
        yield Finding("secrecy_mark", match.start(), match.end(), match.group())
