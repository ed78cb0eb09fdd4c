"""The records a yearly report is computed from, read from the database for one year.

Notices: every notice ever made public (live or withdrawn, imported ones included), with
its category, first public day in the bureau's zone, whether it went to the portal, and
doc_kind / issued_on / validity / repealed_on from the live (last approved) revision's
`meta` (defaults `other` / none / `in_force` / none when absent). Only those JSON keys
are read, never the bodies. Requests and cases: only those that touch the year.

One bad row never stops the report: it is listed in `problems` (table, id, message) and
publishing is refused until it is fixed, so a wrong figure is never published silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from publisher.domain.disclosure.report_records import NoticeRecord, RequestRecord, ReviewCase
from publisher.domain.disclosure.report_tables import year_bounds
from publisher.store.tables import disclosure_requests, notices, review_cases, revisions, yearly_reports


@dataclass
class Records:
    notices: list[NoticeRecord] = field(default_factory=list)
    requests: list[RequestRecord] = field(default_factory=list)
    cases: list[ReviewCase] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)


def _day(value: Any, name: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"{name}: not a date: {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name}: not a date: {value!r}") from None


def notice_record(category: str, first_live_at: datetime, channels: Any, meta: Mapping[str, Any],
                  tz: tzinfo) -> NoticeRecord:
    """A notice as the report sees it; ValueError naming the meta field at fault."""
    return NoticeRecord(
        category=category,
        first_public_on=first_live_at.astimezone(tz).date(),
        on_portal=_on_portal(channels),
        doc_kind=meta.get("doc_kind") or "other",
        issued_on=_day(meta.get("issued_on"), "meta.issued_on"),
        validity=meta.get("validity") or "in_force",
        repealed_on=_day(meta.get("repealed_on"), "meta.repealed_on"),
    )


def _on_portal(channels: Any) -> bool:
    return isinstance(channels, list) and "portal" in channels



async def _notices(conn: AsyncConnection, tz: tzinfo, out: Records) -> None:
    content = revisions.c.content
    # Only `channels` and `meta` (small), never the bodies; two extractions a row, as
    # each one parses the stored document again (PostgreSQL's json, SQLite's text).
    query = (
        select(notices.c.id, notices.c.category, notices.c.first_live_at, content["channels"].label("channels"),
               content["meta"].label("meta"))
        .select_from(notices.outerjoin(revisions, revisions.c.id == notices.c.live_revision_id))
        .where(notices.c.first_live_at.is_not(None))
        .order_by(notices.c.id)
    )
    for row in await conn.execute(query):
        meta = row.meta if isinstance(row.meta, dict) else {}
        try:
            out.notices.append(notice_record(row.category, row.first_live_at, row.channels, meta, tz))
        except ValueError as exc:
            out.problems.append({"table": "notices", "id": row.id, "message": str(exc)})
            # Still counted where its meta does not matter (section 一), as a plain document.
            out.notices.append(NoticeRecord(row.category, row.first_live_at.astimezone(tz).date(),
                                            _on_portal(row.channels)))


async def _requests(conn: AsyncConnection, year: int, out: Records) -> None:
    first, last = year_bounds(year)
    t = disclosure_requests.c
    query = (
        select(t.id, t.applicant_kind, t.received_on, t.outcome, t.replied_on)
        .where(and_(t.received_on <= last, or_(t.replied_on.is_(None), t.replied_on >= first)))
        .order_by(t.id)
    )
    for row in await conn.execute(query):
        try:
            out.requests.append(RequestRecord(row.applicant_kind, row.received_on, row.outcome, row.replied_on))
        except ValueError as exc:
            out.problems.append({"table": "disclosure_requests", "id": row.id, "message": str(exc)})


async def _cases(conn: AsyncConnection, year: int, out: Records) -> None:
    first, last = year_bounds(year)
    t = review_cases.c
    query = (
        select(t.id, t.kind, t.filed_on, t.outcome, t.decided_on)
        .where(and_(t.filed_on <= last, or_(t.decided_on.is_(None), t.decided_on >= first)))
        .order_by(t.id)
    )
    for row in await conn.execute(query):
        try:
            out.cases.append(ReviewCase(row.kind, row.filed_on, row.outcome, row.decided_on))
        except ValueError as exc:
            out.problems.append({"table": "review_cases", "id": row.id, "message": str(exc)})


async def load_records(conn: AsyncConnection, year: int, tz: tzinfo) -> Records:
    out = Records()
    await _notices(conn, tz, out)
    await _requests(conn, year, out)
    await _cases(conn, year, out)
    return out


async def previous_carried_out(conn: AsyncConnection, year: int) -> dict[str, int] | None:
    """Row 四 of last year's published report (its snapshot), if it was published."""
    row = (await conn.execute(
        select(yearly_reports.c.state, yearly_reports.c.snapshot).where(yearly_reports.c.year == year - 1)
    )).first()
    if row is None or row.state != "published" or not isinstance(row.snapshot, dict):
        return None
    carried = row.snapshot.get("table3", {}).get("carried_out")
    return {str(k): int(v) for k, v in carried.items()} if isinstance(carried, dict) else None
