"""Scanning every text of a revision for personal data and secrecy marks, for the review
page, the API and the editor.

The texts are the title, summary, body, LED text, every string in `meta` (document
number, issuing organisation, keywords, ...) and the attachment names. Each field's
findings are capped (`MAX_FINDINGS_PER_TEXT`) so that a body full of numbers cannot make
an answer of unbounded size; the cap is reported, not hidden.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice

from publisher.domain.disclosure.findings import Finding, mask_text
from publisher.domain.disclosure.personal_data import iter_personal_data
from publisher.domain.disclosure.secrecy_marks import iter_secrecy_marks

MAX_FINDINGS_PER_TEXT = 50
TEXT_FIELDS = ("title", "summary", "body", "led_text")
_MAX_META_DEPTH = 3  # meta is flat today; a bound in case it grows nested values


@dataclass(frozen=True, slots=True)
class TextFlags:
    findings: tuple[Finding, ...]
    truncated: bool  # more findings than the cap: the reviewer is told there are more

    def as_dict(self) -> dict[str, object]:
        return {"findings": [f.as_dict() for f in self.findings], "truncated": self.truncated}


def scan_text(text: str, limit: int = MAX_FINDINGS_PER_TEXT) -> TextFlags:
    """Personal data and secrecy marks in one text, by position, at most `limit` of them."""
    merged = heapq.merge(iter_personal_data(text), iter_secrecy_marks(text), key=lambda f: f.start)
    found = list(islice(merged, limit + 1))
    return TextFlags(tuple(found[:limit]), len(found) > limit)


def mask_personal_data(text: str) -> str:
    """The text with every resident ID, mobile and card number masked (no cap: the
    editor's masking must not leave the 51st number in place)."""
    return mask_text(text, iter_personal_data(text))


def _meta_strings(value: object, path: str, depth: int = 0) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif depth >= _MAX_META_DEPTH:
        return
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _meta_strings(item, f"{path}.{key}", depth + 1)
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _meta_strings(item, f"{path}[{i}]", depth + 1)


def revision_texts(content: Mapping[str, object], attachment_names: Sequence[str] = ()) -> Iterator[tuple[str, str]]:
    """(field, text) for every text of a revision; `content` is NoticeIn as a dict
    (`model_dump()`), so this module does not depend on the model's other fields."""
    for name in TEXT_FIELDS:
        text = content.get(name)
        if isinstance(text, str) and text:
            yield name, text
    yield from _meta_strings(content.get("meta") or {}, "meta")
    for i, filename in enumerate(attachment_names):
        yield f"attachments[{i}]", filename


def scan_revision(
    content: Mapping[str, object], attachment_names: Sequence[str] = (), limit: int = MAX_FINDINGS_PER_TEXT
) -> dict[str, TextFlags]:
    """Flags per field, only for the fields that have any: an empty dict means nothing to confirm."""
    flags: dict[str, TextFlags] = {}
    for field, text in revision_texts(content, attachment_names):
        result = scan_text(text, limit)
        if result.findings:
            flags[field] = result
    return flags
