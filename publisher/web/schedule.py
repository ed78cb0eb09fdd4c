"""/staff/schedule: a week per location, hour by hour, of what rotates on the devices
of every channel that serves devices (kiosks, LED boards), from the same pure
functions as the feeds (ContentQueue.preview)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from aiohttp import web
from babel.dates import format_date

from publisher import keys
from publisher.domain.live import LiveNotice
from publisher.domain.schedule_rules import MAX_INSTANT, MIN_INSTANT
from publisher.errors import ApiError
from publisher.web.notices import names
from publisher.web.pages import render, staff_page, translator

routes = web.RouteTableDef()
MAX_STEPS = 1000  # boundaries in one week; beyond this the week is sampled every quarter hour
FIRST_WEEK, LAST_WEEK = MIN_INSTANT.date() + timedelta(days=7), MAX_INSTANT.date() - timedelta(days=7)
# The week views are computed off the event loop, one at a time: a feed poll never
# waits behind one, and a flood of them queues instead of taking every thread.
_WEEKS = ThreadPoolExecutor(max_workers=1, thread_name_prefix="week-view")
_WAITING = 8  # week views queued at most; more is a 429
_queued = 0


@dataclass
class Cell:
    notices: list[LiveNotice] = field(default_factory=list)
    emergency: bool = False
    # Consecutive hours of a day that show the same are one table cell (rowspan).
    span: int = 1
    covered: bool = False
    until_hour: int = 0

    def same(self, other: Cell) -> bool:
        return self.emergency == other.emergency and [n.id for n in self.notices] == [n.id for n in other.notices]


def merge_hours(cells: list[list[Cell]]) -> list[list[Cell]]:
    """Mark runs of equal hours in each day: the first cell spans them, the rest are covered."""
    for day in range(7):
        start = 0
        for hour in range(1, 25):
            if hour < 24 and cells[hour][day].same(cells[start][day]):
                cells[hour][day].covered = True
                continue
            cells[start][day].span = hour - start
            cells[start][day].until_hour = hour
            start = hour
    return cells


def week_of(request: web.Request) -> date:
    """The Monday of ?week= (default this week); outside the years schedules may name,
    a 422 page."""
    tz = request.app[keys.SETTINGS].tz
    raw = request.query.get("week", "")
    if not raw:
        day = request.app[keys.CLOCK]().astimezone(tz).date()
    else:
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            raise ApiError(422, "validation_failed", "invalid week: must be a date such as 2026-12-07",
                           [{"field": "week", "message": "must be a date", "type": "date_parsing"}]) from None
    if not FIRST_WEEK <= day < LAST_WEEK:
        raise ApiError(422, "validation_failed", f"invalid week: must lie between {FIRST_WEEK} and {LAST_WEEK}",
                       [{"field": "week", "message": "out of range", "type": "date_range"}])
    return day - timedelta(days=day.weekday())


def intervals(
    queue: Any, channel: str, location: str, start: datetime, end: datetime
) -> list[tuple[datetime, datetime, Any]]:
    """[(from, to, rotation)] covering [start, end): a rotation holds until the next boundary."""
    out = []
    at, steps = start, 0
    while at < end:
        rot, until = queue.preview(channel, location, at)
        steps += 1
        nxt = min(until, end) if until is not None else end
        if steps > MAX_STEPS:
            nxt = min(at + timedelta(minutes=15), end)
        out.append((at, nxt, rot))
        at = nxt
    return out


def grid(queue: Any, channel: str, location: str, monday: date, tz: Any) -> list[list[Cell]]:
    """grid[hour][day]: what shows at any moment of that local hour."""
    start = datetime.combine(monday, time(0), tz)
    end = datetime.combine(monday + timedelta(days=7), time(0), tz)
    cells = [[Cell() for _ in range(7)] for _ in range(24)]
    for lo, hi, rot in intervals(queue, channel, location, start, end):
        if not rot.items:
            continue
        slot = lo.astimezone(tz).replace(minute=0, second=0, microsecond=0)
        while slot < hi:
            local = slot.astimezone(tz)
            day = (local.date() - monday).days
            if 0 <= day < 7:
                cell = cells[local.hour][day]
                for n in rot.items:
                    if n not in cell.notices:
                        cell.notices.append(n)
                cell.emergency = cell.emergency or rot.emergency
            slot = (slot + timedelta(hours=1)).astimezone(tz)
    return merge_hours(cells)


async def _grids(queue: Any, channels: list[str], location: str, monday: date, tz: Any) -> dict[str, list[list[Cell]]]:
    global _queued
    if _queued >= _WAITING:
        raise ApiError(429, "busy", "too many schedule views are being drawn; try again in a moment")
    _queued += 1
    try:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            _WEEKS, lambda: {channel: grid(queue, channel, location, monday, tz) for channel in channels})
    finally:
        _queued -= 1


@routes.get("/staff/schedule")
@staff_page()
async def schedule_page(request: web.Request) -> web.StreamResponse:
    app = request.app
    settings, queue = app[keys.SETTINGS], app[keys.QUEUE]
    tz = settings.tz
    codes = [loc.code for loc in settings.locations]
    location = request.query.get("location") if request.query.get("location") in codes else (codes[0] if codes else "")
    monday = week_of(request)
    t = translator(request)
    days = [monday + timedelta(days=i) for i in range(7)]
    # One grid per channel that serves devices (their rotations differ by location).
    located = [spec.name for spec in app[keys.CHANNELS].located]
    grids = await _grids(queue, located, location, monday, tz) if location else {}
    shown: dict[int, LiveNotice] = {}
    for cells in grids.values():
        for row in cells:
            for cell in row:
                for n in cell.notices:
                    shown.setdefault(n.id, n)
    today = app[keys.CLOCK]().astimezone(tz)
    return await render(request, "staff/schedule.html", {
        "location": location, "monday": monday, "days": days,
        "day_labels": [format_date(d, "EEE M/d", locale=t.locale) for d in days],
        "today_index": (today.date() - monday).days, "now_hour": today.hour,
        "grids": grids, "legend": sorted(shown.values(), key=lambda n: n.order),
        "prev_week": (monday - timedelta(days=7)).isoformat(), "next_week": (monday + timedelta(days=7)).isoformat(),
        "this_week": (today.date() - timedelta(days=today.weekday())).isoformat(),
        **names(request),
    })
