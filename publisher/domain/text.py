"""What a text field may hold: no control characters but tab and line breaks, no
noncharacters, no bidirectional overrides or isolates, no lone surrogates.

Control characters make XML (Atom) ill-formed and garble LED boards; bidi overrides
make a title read differently from what it says (U+202E). Checked on every text a
notice carries, with a 422 naming the field.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

_NONCHARACTERS = "".join(f"\\U{plane:04x}fffe\\U{plane:04x}ffff" for plane in range(17))
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufdd0-\ufdef\ud800-\udfff"
    + _NONCHARACTERS.encode().decode("unicode_escape") + "]"
)


def check_text(value: str | None) -> str | None:
    """The value unchanged, or ValueError naming the first forbidden character."""
    if value is None:
        return value
    found = FORBIDDEN.search(value)
    if found is not None:
        raise ValueError(f"must not contain the control or formatting character U+{ord(found.group()):04X}")
    return value


# A str field that refuses what check_text refuses (review comments, reasons, names).
PlainText = Annotated[str, AfterValidator(check_text)]
