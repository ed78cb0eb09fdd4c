"""A live notice as the channels see it: the approved revision plus what the public
record needs (index number, when it first went live), pre-rendered once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote

from publisher.domain.notices import PRIORITY_RANK, NoticeIn


@dataclass(frozen=True, slots=True)
class LiveAttachment:
    """A file of the live revision, as the portal lists it and the kiosk links to it."""

    id: int
    filename: str
    content_type: str
    size: int
    sha256: str

    @property
    def path(self) -> str:
        """The public download path (GET /attachments/{id}/{filename}), percent-encoded."""
        return f"/attachments/{self.id}/{quote(self.filename, safe='')}"


@dataclass(frozen=True, slots=True)
class LiveNotice:
    id: int
    index_no: str
    revision: int
    content: NoticeIn
    # First approval: "start absent" counts from here, and it never moves on edits.
    first_live_at: datetime
    # Approval of the revision now live (the "updated" date of the public record).
    live_since: datetime
    body_html: str
    # Lower-cased, Simplified-folded title+summary+body+numbers, for search.
    search_text: str
    # The files of this revision, in their order (fixed once the revision is approved).
    attachments: tuple[LiveAttachment, ...] = ()
    # Rotation order, computed once: priority first, newest start, lower id.
    order: tuple[int, float, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        start = self.content.schedule.start or self.first_live_at
        object.__setattr__(self, "order", (-PRIORITY_RANK[self.content.priority], -start.timestamp(), self.id))

    @property
    def start(self) -> datetime:
        return self.content.schedule.start or self.first_live_at

    @property
    def end(self) -> datetime | None:
        return self.content.schedule.end
