"""What the review flags: a finding (kind, span, masked form), and masking a text with them.

A finding never keeps the matched characters themselves, only where they are and a
masked form, so that a finding passed to a page, an API answer or a log line cannot
leak the personal data it points at.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

FindingKind = Literal["resident_id", "mobile", "bank_card", "secrecy_mark"]
PERSONAL_DATA_KINDS: frozenset[str] = frozenset({"resident_id", "mobile", "bank_card"})
MASK = "*"

# ASCII and full-width digits (U+FF10-FF19) are both digits here: an input method in
# full-width mode types the same number, and it is the same personal data.
DIGITS = "0-9\uff10-\uff19"
_TO_ASCII = str.maketrans(
    {**{chr(0xFF10 + i): str(i) for i in range(10)}, "\uff38": "X", "\uff58": "X", "x": "X"}
)
_DIGIT_OR_CHECK = re.compile(f"[{DIGITS}Xx\uff38\uff58]")  # what masking may hide


def ascii_digits(text: str) -> str:
    """Full-width digits and X as ASCII (one character for one, so spans stay valid)."""
    return text.translate(_TO_ASCII)


@dataclass(frozen=True, slots=True)
class Finding:
    kind: FindingKind
    start: int  # span in the scanned text, as Python slices it: text[start:end]
    end: int
    masked: str  # what may be shown in place of the match

    @property
    def personal(self) -> bool:
        return self.kind in PERSONAL_DATA_KINDS

    def as_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "start": self.start, "end": self.end, "masked": self.masked}


def mask_digits(matched: str, keep_first: int, keep_last: int) -> str:
    """Hide every digit but the first `keep_first` and the last `keep_last`; separators,
    letters (a check digit X) and the kept digits stay as written."""
    positions = [m.start() for m in _DIGIT_OR_CHECK.finditer(matched)]
    chars = list(matched)
    for i in positions[keep_first : len(positions) - keep_last]:
        chars[i] = MASK
    return "".join(chars)


def mask_text(text: str, findings: Iterable[Finding]) -> str:
    """The text with each personal-data finding replaced by its masked form.

    Secrecy marks are left alone: masking a mark does not make a secret document public,
    it has to be taken out of the notice. Findings must come from this very text.
    """
    parts: list[str] = []
    position = 0
    for finding in sorted(findings, key=lambda f: f.start):
        if not finding.personal:
            continue
        if finding.start < position or finding.end > len(text):
            raise ValueError(f"finding {finding.start}-{finding.end} overlaps another or lies outside the text")
        parts.append(text[position : finding.start])
        parts.append(finding.masked)
        position = finding.end
    parts.append(text[position:])
    return "".join(parts)
