"""Proactive disclosure's deadline (DISCLOSURE.md; Regulations Art. 26): an item made or
changed on `meta.issued_on` must be public within 20 working days. The staff overview
lists the notices not yet public whose deadline has passed or falls within 5 working
days, so the review chain can hurry the ones that matter.

The count is the same code as the request register's (publisher.domain.disclosure:
official PRC calendar, configured years, a provisional weekday count for a year neither
knows yet)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from publisher.domain.disclosure.deadlines import DUE_SOON_WORKING_DAYS, Deadline, local_day, proactive_deadline
from publisher.domain.disclosure.requests import RequestCalendar
from publisher.domain.disclosure.working_days import CalendarYearUnknown
from publisher.settings import Settings
from publisher.store.engine import Database
from publisher.store.tables import notices, revisions

# Unpublished notices looked at for the overview: a desk has tens, not thousands; the
# bound keeps one page view from reading an unbounded backlog.
SCAN_LIMIT = 2000
LIST_LIMIT = 20


@dataclass(frozen=True, slots=True)
class ProactiveDue:
    notice_id: int
    title: str
    status: str
    issued_on: date
    due_on: date
    provisional: bool


class ProactiveDeadlines:
    def __init__(self, db: Database, settings: Settings, calendar: RequestCalendar | None = None) -> None:
        self.db = db
        self.settings = settings
        self.calendar = calendar or RequestCalendar(settings.disclosure.calendar)

    def deadline(self, issued_on: date) -> tuple[Deadline, bool]:
        zone = self.settings.tz
        try:
            return proactive_deadline(self.calendar.official, issued_on, zone), False
        except CalendarYearUnknown:
            return proactive_deadline(self.calendar.lenient, issued_on, zone), True

    async def due(self, now: datetime) -> dict[str, Any]:
        """Notices never public yet (draft or in review) with `meta.issued_on`: those past
        their deadline, and those due within 5 working days (today included), soonest first."""
        today = local_day(now, self.settings.tz)
        horizon = self.calendar.add_working_days(today, DUE_SOON_WORKING_DAYS)
        async with self.db.read() as conn:
            rows = list(await conn.execute(
                select(notices.c.id, notices.c.title, notices.c.status, revisions.c.content)
                .join(revisions, revisions.c.id == notices.c.pending_revision_id)
                .where(notices.c.first_live_at.is_(None), notices.c.status.in_(("draft", "in_review")))
                .order_by(notices.c.id).limit(SCAN_LIMIT)
            ))
        overdue: list[ProactiveDue] = []
        soon: list[ProactiveDue] = []
        for row in rows:
            issued = _issued_on(row.content)
            if issued is None:
                continue
            found, provisional = self.deadline(issued)
            item = ProactiveDue(row.id, row.title, row.status, issued, found.due_on, provisional)
            if found.due_on < today:
                overdue.append(item)
            elif found.due_on <= horizon:
                soon.append(item)
        overdue.sort(key=lambda i: (i.due_on, i.notice_id))
        soon.sort(key=lambda i: (i.due_on, i.notice_id))
        return {"overdue": overdue[:LIST_LIMIT], "due_soon": soon[:LIST_LIMIT],
                "overdue_count": len(overdue), "due_soon_count": len(soon)}


def _issued_on(content: Any) -> date | None:
    """meta.issued_on of a stored revision; a stored value that is not a date is skipped
    (one odd record must not take the overview down)."""
    raw = (content or {}).get("meta", {}).get("issued_on") if isinstance(content, dict) else None
    if not isinstance(raw, str):
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None
