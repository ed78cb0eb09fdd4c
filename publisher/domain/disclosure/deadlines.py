"""Disclosure deadlines in working days (Regulations on Open Government Information, Art. 26, 33).

The rule (DISCLOSURE.md, "Deadlines"):

- The day a request is received does not count; the deadline is the end, local time, of
  the 20th working day after it (the 40th once extended).
- A request received on a non-working day counts from the next working day: that working
  day is taken as the day of receipt, and as a day of receipt it does not count either.
  (Read the other way, the sentence would only repeat the first rule; taking the next
  working day as the day of receipt is also how implementing rules word it:
  "以下一个工作日为收到申请之日".)
- A proactive item must be public within 20 working days of being made or changed:
  `meta.issued_on` is the starting day, counted by the same rule.

Days are local dates; `local_day` turns a stored UTC instant into one with the bureau's zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from publisher.domain.disclosure.working_days import WorkingCalendar

REQUEST_WORKING_DAYS = 20
EXTENSION_WORKING_DAYS = 20
PROACTIVE_WORKING_DAYS = 20
DUE_SOON_WORKING_DAYS = 5  # the staff overview lists what falls due within this many

DeadlineState = Literal["met", "late", "overdue", "due_soon", "open"]


@dataclass(frozen=True, slots=True)
class Deadline:
    started_on: date  # the day the event happened (receipt, issue)
    counts_from: date  # the working day taken as day 0 (started_on, or the next working day)
    due_on: date  # the last day, inclusive
    due_at: datetime  # the instant it is past due: the local midnight that ends due_on


def local_day(instant: datetime, zone: ZoneInfo) -> date:
    """The bureau's calendar day of an aware instant."""
    if instant.tzinfo is None:
        raise ValueError("instant must be timezone-aware")
    return instant.astimezone(zone).date()


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    """The instant a local day ends (the next day's local midnight)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)


def counting_start(calendar: WorkingCalendar, day: date) -> date:
    """Day 0 of a count: the day itself if it is a working day, else the next working day."""
    return day if calendar.is_working_day(day) else calendar.next_working_day(day)


def working_deadline(calendar: WorkingCalendar, started_on: date, working_days: int, zone: ZoneInfo) -> Deadline:
    start = counting_start(calendar, started_on)
    due_on = calendar.add_working_days(start, working_days)
    return Deadline(started_on=started_on, counts_from=start, due_on=due_on, due_at=end_of_day(due_on, zone))


def request_deadline(
    calendar: WorkingCalendar, received_on: date, zone: ZoneInfo, *, extended: bool = False
) -> Deadline:
    """When a request for information must be answered: 20 working days, 40 once extended."""
    days = REQUEST_WORKING_DAYS + (EXTENSION_WORKING_DAYS if extended else 0)
    return working_deadline(calendar, received_on, days, zone)


def proactive_deadline(calendar: WorkingCalendar, issued_on: date, zone: ZoneInfo) -> Deadline:
    """When a proactive item made or changed on `issued_on` must be public."""
    return working_deadline(calendar, issued_on, PROACTIVE_WORKING_DAYS, zone)


def deadline_state(
    calendar: WorkingCalendar,
    due_on: date,
    today: date,
    done_on: date | None = None,
    soon: int = DUE_SOON_WORKING_DAYS,
) -> DeadlineState:
    """Where a deadline stands on `today`.

    Done: `met` (on or before the due day) or `late`. Not done: `overdue` once the due day
    has passed, `due_soon` when at most `soon` working days remain (due today included),
    else `open`.
    """
    if done_on is not None:
        return "met" if done_on <= due_on else "late"
    if today > due_on:
        return "overdue"
    if calendar.working_days_between(today, due_on) <= soon:
        return "due_soon"
    return "open"
