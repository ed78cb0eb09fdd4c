"""Personal data and secrecy marks in a revision, for the review page, the API, the
editor and the approval itself: one scan (publisher.domain.disclosure.revision_scan), so
what the reviewer was shown is what approval checks.

The scan is CPU work (up to some 50 ms for a 100,000-character body packed with numbers),
so it runs in a small thread pool of its own with a cap on waiting scans; beyond it the
caller is told the service is busy (429) rather than the event loop stalling.

Attachment names are part of a revision's texts. Attachments are stored by their own
module: it registers a lookup with `NoticeService.attachment_names` (see
`AttachmentNames`), and every scan of a stored revision includes the names it returns.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from publisher.domain.disclosure.revision_scan import TextFlags, mask_personal_data, scan_revision
from publisher.errors import ApiError

# (connection, notice id, revision number) -> the file names of that revision's attachments.
AttachmentNames = Callable[[AsyncConnection, int, int], Awaitable[Sequence[str]]]

MAX_WAITING = 16
_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="review-scan")
_waiting = 0


@dataclass(frozen=True, slots=True)
class RevisionFlags:
    fields: dict[str, TextFlags]

    @property
    def flagged(self) -> bool:
        return bool(self.fields)

    def listed(self) -> list[dict[str, Any]]:
        """Each finding as {field, kind, masked}: what a refusal names and history keeps
        (masked forms only: the personal data itself is never copied)."""
        return [{"field": name, "kind": f.kind, "masked": f.masked}
                for name, flags in self.fields.items() for f in flags.findings]

    def as_dict(self) -> dict[str, Any]:
        kinds: dict[str, int] = {}
        for item in self.listed():
            kinds[item["kind"]] = kinds.get(item["kind"], 0) + 1
        return {"flagged": self.flagged, "count": sum(kinds.values()), "kinds": kinds,
                "truncated": any(f.truncated for f in self.fields.values()),
                "fields": {name: flags.as_dict() for name, flags in self.fields.items()}}


async def _off_loop(work: Callable[[], Any]) -> Any:
    global _waiting
    if _waiting >= MAX_WAITING:
        raise ApiError(429, "busy", "too many texts are being checked for personal data; try again in a moment")
    _waiting += 1
    try:
        return await asyncio.get_running_loop().run_in_executor(_pool, work)
    finally:
        _waiting -= 1


async def scan(content: Mapping[str, Any], attachment_names: Sequence[str] = ()) -> RevisionFlags:
    """The flags of a revision (NoticeIn as a dict) and its attachments' names."""
    names = tuple(attachment_names)
    return RevisionFlags(await _off_loop(lambda: scan_revision(content, names)))


async def masked(texts: Mapping[str, str]) -> dict[str, str]:
    """Each text with its personal data masked; only the texts that change."""
    def work() -> dict[str, str]:
        out = {}
        for name, text in texts.items():
            hidden = mask_personal_data(text)
            if hidden != text:
                out[name] = hidden
        return out

    return dict(await _off_loop(work))


def not_confirmed(flags: RevisionFlags) -> ApiError:
    """The refusal of an approval without confirm_flags, naming each flag."""
    fields = ", ".join(flags.fields)
    return ApiError(409, "flags_not_confirmed",
                    f"the revision has possible personal data or secrecy marks in {fields}; check them and approve "
                    "with confirm_flags: true to confirm that they may be published",
                    flags.listed())
