"""When a live notice shows: the contract's ``schedule`` object and pure visibility functions.

No I/O and no clock: every function takes the instant it is asked about. Local rules
(recurrence, daily windows) are read in the configured IANA zone ``tz``.

Semantics where the contract is silent:

* Effective start = ``start``, or ``live_since`` (callers pass the notice's first_live_at) if absent.
  Showing needs ``effective start <= at < end``: the start is inclusive, the end exclusive.
* Recurrence: the RRULE is expanded in local wall time with DTSTART = the effective start
  as read on the local clock, so occurrences take their time of day from the start
  (09:00 for a 09:00 start; with ``start`` absent, the time of approval) unless the rule
  says BYHOUR/BYMINUTE/BYSECOND. An occurrence shows during [occ, occ + duration).
  Weeks and days of the duration are calendar days on the local clock (P3D from 09:00 ends
  at 09:00 three days later, even across a DST change); hours, minutes and seconds are
  exact elapsed time (RFC 5545 3.3.6). UNTIL must be UTC (``...Z``); COUNT counts from
  DTSTART. FREQ is YEARLY..HOURLY (no MINUTELY/SECONDLY); duration at most 366 days.
* Daily windows compare the local wall clock at ``at``: weekday in ``days`` and
  ``from <= t < to``; when ``to <= from`` the window runs past midnight and ``days`` names
  the day it starts ("to": "00:00" means until midnight). Around DST a window follows the
  clock on the wall: 01:30-02:30 on a spring-forward night ends when the clock jumps from
  02:00 to 03:00, and on a fall-back night it shows whenever the clock reads 01:30-02:30.
* A local time that does not exist (spring-forward gap) means the instant the clock jumps
  over it; an ambiguous one (fall back) means its first occurrence (fold=0).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_serializer,
    field_validator,
)

from publisher.domain import schedule_rules as rules
from publisher.domain.errors import Invalid

__all__ = [
    "DailyWindow",
    "Recurrence",
    "Schedule",
    "WEEKDAYS",
    "describe",
    "evaluate",
    "has_ended",
    "has_started",
    "is_showing",
    "next_boundary",
]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
#: Occurrences looked at in one evaluation at most (a day holds at most MAX_PER_DAY).
MAX_SCAN = 4 * rules.MAX_PER_DAY
_HHMM = re.compile(r"([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?")


class Recurrence(BaseModel):
    """An RFC 5545 RRULE body plus how long each occurrence shows."""

    model_config = ConfigDict(extra="forbid", serialize_by_alias=True)

    rrule: str = Field(max_length=500, examples=["FREQ=MONTHLY;BYMONTHDAY=16"])
    duration: str = Field(max_length=40, examples=["P3D", "PT8H", "P1DT12H"])

    @field_validator("rrule")
    @classmethod
    def _check_rrule(cls, value: str) -> str:
        return rules.parse_rrule(value).text

    @field_validator("duration")
    @classmethod
    def _check_duration(cls, value: str) -> str:
        rules.parse_duration(value)
        return value.strip().upper()

    @property
    def rule_body(self) -> str:
        """The rule without UNTIL (dateutil syntax, expanded in local time)."""
        return rules.parse_rrule(self.rrule).body

    @property
    def until(self) -> datetime | None:
        """UNTIL as an aware UTC datetime, if the rule has one."""
        return rules.parse_rrule(self.rrule).until

    @property
    def duration_days(self) -> int:
        """Calendar days (weeks included), added on the local wall clock."""
        return rules.parse_duration(self.duration).days

    @property
    def duration_time(self) -> timedelta:
        """Hours, minutes and seconds, added as elapsed time."""
        return rules.parse_duration(self.duration).time

    @property
    def duration_timedelta(self) -> timedelta:
        """The nominal length (a day counted as 24 hours)."""
        return timedelta(days=self.duration_days) + self.duration_time


class DailyWindow(BaseModel):
    """Local weekdays and a time-of-day window; ``to <= from`` runs past midnight."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)

    days: list[Weekday] = Field(min_length=1, max_length=7)
    from_: time = Field(alias="from")
    to: time

    @field_validator("days")
    @classmethod
    def _unique_days(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("a day is listed twice")
        return value

    @field_validator("from_", "to", mode="before")
    @classmethod
    def _local_time(cls, value: object) -> object:
        if isinstance(value, str) and _HHMM.fullmatch(value):
            return value
        if isinstance(value, time) and value.tzinfo is None:
            return value
        raise ValueError("must be a local time HH:MM (00:00 to 23:59) without an offset")

    @field_validator("to")
    @classmethod
    def _not_empty(cls, value: time, info: ValidationInfo) -> time:
        if info.data.get("from_") == value:
            raise ValueError("'to' must differ from 'from' (use 00:00 to mean midnight)")
        return value

    @field_serializer("from_", "to", when_used="json")
    def _hhmm(self, value: time) -> str:
        return value.isoformat(timespec="minutes" if not value.second and not value.microsecond else "auto")

    @property
    def weekdays(self) -> frozenset[int]:
        """The listed days as ``datetime.weekday()`` numbers (Monday 0)."""
        return frozenset(WEEKDAYS.index(d) for d in self.days)

    @property
    def overnight(self) -> bool:
        return self.to <= self.from_

    def contains(self, local: datetime) -> bool:
        """Whether a local wall-clock time (naive) falls inside the window."""
        day, t = local.weekday(), local.time()
        if not self.overnight:
            return day in self.weekdays and self.from_ <= t < self.to
        return (day in self.weekdays and t >= self.from_) or ((day - 1) % 7 in self.weekdays and t < self.to)


class Schedule(BaseModel):
    """The contract's ``schedule`` object."""

    model_config = ConfigDict(extra="forbid", serialize_by_alias=True)

    start: AwareDatetime | None = None
    end: AwareDatetime | None = None
    recurrence: Recurrence | None = None
    daily: list[DailyWindow] = Field(default_factory=list, max_length=14)
    dwell_s: int = Field(default=10, ge=1, le=300)  # default= is what type checkers read

    @field_validator("start", "end")
    @classmethod
    def _in_range(cls, value: datetime | None) -> datetime | None:
        if value is not None and not rules.MIN_INSTANT <= value <= rules.MAX_INSTANT:
            raise ValueError(f"must lie between {rules.MIN_INSTANT:%Y} and {rules.MAX_INSTANT:%Y}")
        return value

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        start = info.data.get("start")
        if value is not None and start is not None and value <= start:
            raise ValueError("end must be after start")
        return value


# --- visibility -------------------------------------------------------------------------


def _utc(name: str, value: datetime) -> datetime:
    """Instants are handled in UTC: arithmetic and comparison between two datetimes of
    the same ZoneInfo would follow the wall clock and ignore ``fold``."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return value.astimezone(rules.UTC)


def _start(schedule: Schedule, live_since: datetime) -> datetime:
    return _utc("live_since", schedule.start or live_since)


def has_started(schedule: Schedule, at: datetime, live_since: datetime) -> bool:
    """Whether ``at`` is at or after the effective start (``start``, else ``live_since``)."""
    return _utc("at", at) >= _start(schedule, live_since)


def has_ended(schedule: Schedule, at: datetime) -> bool:
    """Whether ``at`` is at or after ``end`` (the end is exclusive)."""
    return schedule.end is not None and _utc("at", at) >= schedule.end


def _occurrences(schedule: Schedule, tz: ZoneInfo, live_since: datetime, lo: datetime) -> Iterator[datetime]:
    rec = schedule.recurrence
    assert rec is not None
    dtstart = rules.wall(_start(schedule, live_since), tz).replace(microsecond=0)
    until = rules.wall(rec.until, tz) if rec.until else None
    return rules.occurrences_from(rec.rule_body, dtstart, until, lo)


def _occurrence_end(occ: datetime, rec: Recurrence, tz: ZoneInfo) -> datetime:
    end = rules.to_utc(rules.shift(occ, timedelta(days=rec.duration_days)), tz)
    try:
        return end + rec.duration_time
    except OverflowError:
        return datetime.max.replace(tzinfo=rules.UTC)


def _first_ending_after(schedule: Schedule, instant: datetime, tz: ZoneInfo, live_since: datetime) -> datetime | None:
    """The first occurrence (local) whose showing ends after ``instant``: starts and ends
    never decrease along the rule, so ``instant`` is covered iff this one started by then."""
    rec = schedule.recurrence
    assert rec is not None
    lo = rules.shift(rules.wall(instant, tz), -(rec.duration_timedelta + rules.SLACK))
    wall_at = rules.wall(instant, tz)
    # Starts and ends never decrease, so at most a day's worth (plus a DST change) of
    # occurrences lie between lo and the one sought: MAX_SCAN bounds a pathological case.
    # Listing an occurrence is cheap, computing its end (time-zone conversions) is not:
    # list them up to the first one from the instant on that ends after it, then search
    # the list by halves for the first that ends after the instant (ends are ordered).
    candidates: list[datetime] = []
    for o in _occurrences(schedule, tz, live_since, lo):
        candidates.append(o)
        if o >= wall_at and _occurrence_end(o, rec, tz) > instant:
            break
        if len(candidates) > MAX_SCAN:
            break
    first, past = 0, len(candidates)
    while first < past:
        middle = (first + past) // 2
        if _occurrence_end(candidates[middle], rec, tz) > instant:
            past = middle
        else:
            first = middle + 1
    return candidates[first] if first < len(candidates) else None


def is_showing(schedule: Schedule, at: datetime, tz: ZoneInfo, live_since: datetime) -> bool:
    """Whether a live notice with this schedule rotates at the instant ``at``."""
    at, live_since = _utc("at", at), _utc("live_since", live_since)
    if not has_started(schedule, at, live_since) or has_ended(schedule, at):
        return False
    if schedule.recurrence is not None:
        occ = _first_ending_after(schedule, at, tz, live_since)
        if occ is None or rules.to_utc(occ, tz) > at:
            return False
    if schedule.daily:
        local = rules.wall(at, tz)
        return any(window.contains(local) for window in schedule.daily)
    return True


def _daily_edge(windows: list[DailyWindow], after: datetime, tz: ZoneInfo) -> datetime | None:
    """The first instant after ``after`` at which the local clock reaches a window edge,
    or jumps (a UTC-offset change), whichever is earlier."""
    # Many notices share their windows (office hours), and the queue evaluates them all
    # at one instant: the edge is a pure function of the windows' values and the instant.
    key = (tuple((tuple(w.days), w.from_, w.to) for w in windows), after, tz)
    found = _DAILY_EDGES.get(key, _UNKNOWN)
    if found is _UNKNOWN:
        if len(_DAILY_EDGES) >= 1024:
            _DAILY_EDGES.clear()
        found = _DAILY_EDGES[key] = _find_daily_edge(windows, after, tz)
    return found  # type: ignore[return-value]


_DAILY_EDGES: dict[tuple[object, ...], datetime | None] = {}
_UNKNOWN = object()


def _find_daily_edge(windows: list[DailyWindow], after: datetime, tz: ZoneInfo) -> datetime | None:
    today = rules.wall(after, tz).date()
    best: datetime | None = None
    for k in range(-1, 9):
        day = today + timedelta(days=k)
        if best is not None and rules.wall(best, tz).date() + timedelta(days=2) <= day:
            break
        for w in windows:
            if day.weekday() not in w.weekdays:
                continue
            ends = (datetime.combine(day, w.from_), datetime.combine(day + timedelta(days=w.overnight), w.to))
            for local in ends:
                for instant in rules.wall_instants(local, tz):
                    if instant > after and (best is None or instant < best):
                        best = instant
    lo = after
    while best is not None and lo < best:  # a jump matters only if it crosses a window edge
        hi = min(lo + timedelta(hours=12), best)
        jump = rules.offset_change(lo, hi, tz)
        if jump is None:
            lo = hi
            continue
        before, now = rules.wall(jump - timedelta(microseconds=1), tz), rules.wall(jump, tz)
        if any(w.contains(before) for w in windows) != any(w.contains(now) for w in windows):
            return jump
        lo = jump
    return best


def next_boundary(schedule: Schedule, after: datetime, tz: ZoneInfo, live_since: datetime) -> datetime | None:
    """The earliest instant (in UTC) strictly after ``after`` at which :func:`is_showing` may change.

    Never later than the first actual change; ``None`` when visibility can never change
    again. Each part (start/end, recurrence, daily windows) holds its value from ``after``
    up to its next edge, so a part that is off now makes the others' edges irrelevant.
    """
    after, live_since = _utc("after", after), _utc("live_since", live_since)
    start = _start(schedule, live_since)
    if start > after:
        return start
    if has_ended(schedule, after):
        return None
    edges = [_utc("end", schedule.end)] if schedule.end is not None else []
    if schedule.recurrence is not None:
        occ = _first_ending_after(schedule, after, tz, live_since)
        if occ is None:  # no occurrence running or to come: hidden for good
            return None
        occ_start = rules.to_utc(occ, tz)
        if occ_start > after:  # between occurrences: hidden until the next one starts
            return min(edges + [occ_start])
        edges.append(_occurrence_end(occ, schedule.recurrence, tz))
    if schedule.daily:
        edge = _daily_edge(schedule.daily, after, tz)
        if edge is not None:
            local = rules.wall(after, tz)
            if not any(window.contains(local) for window in schedule.daily):
                return min(edges + [edge])
            edges.append(edge)
    return min(edges, default=None)


def evaluate(schedule: Schedule, at: datetime, tz: ZoneInfo, live_since: datetime) -> tuple[bool, datetime | None]:
    """(:func:`is_showing`, :func:`next_boundary`) at ``at``, with the shared work (the
    recurrence's occurrence around ``at``, the local clock) done once: what the content
    queue asks of every notice."""
    at, live_since = _utc("at", at), _utc("live_since", live_since)
    start = _start(schedule, live_since)
    if start > at:
        return False, start
    end = schedule.end
    if end is not None and at >= end:
        return False, None
    edges = [_utc("end", end)] if end is not None else []
    if schedule.recurrence is not None:
        occ = _first_ending_after(schedule, at, tz, live_since)
        if occ is None:  # no occurrence running or to come: hidden for good
            return False, None
        occ_start = rules.to_utc(occ, tz)
        if occ_start > at:  # between occurrences: hidden until the next one starts
            return False, min(edges + [occ_start])
        edges.append(_occurrence_end(occ, schedule.recurrence, tz))
    if schedule.daily:
        local = rules.wall(at, tz)
        inside = any(window.contains(local) for window in schedule.daily)
        edge = _daily_edge(schedule.daily, at, tz)
        if edge is not None:
            if not inside:
                return False, min(edges + [edge])
            edges.append(edge)
        return inside, min(edges, default=None)
    return True, min(edges, default=None)


def check_evaluates(schedule: Schedule, tz: ZoneInfo, live_since: datetime, now: datetime) -> None:
    """Validate with what runs: evaluate the schedule exactly as the content queue will
    (is_showing and next_boundary, from the real effective start, at `now`, at the next
    boundaries and just before the end), and refuse it, naming the field, if any step
    raises. Called on every write with `live_since` = now and at approval with the real
    first-live instant, so a rule that would only fail with its real start never goes
    live (the queue still isolates one that fails later, e.g. after an upgrade)."""
    instants = [_start(schedule, live_since), _utc("now", now)]
    if schedule.end is not None:
        instants.append(_utc("end", schedule.end) - timedelta(seconds=1))
    field = "schedule.recurrence.rrule" if schedule.recurrence is not None else "schedule"
    try:
        for at in instants:
            is_showing(schedule, at, tz, live_since)
            for _ in range(3):  # a few boundaries on: where the rule's next occurrences lie
                boundary = next_boundary(schedule, at, tz, live_since)
                if boundary is None:
                    break
                is_showing(schedule, boundary, tz, live_since)
                at = boundary
    except Exception as exc:  # whatever the evaluation raises is the reason to refuse
        start = _start(schedule, live_since).isoformat()
        raise Invalid(f"invalid {field}: this schedule cannot be evaluated from its start {start} "
                      f"({type(exc).__name__}: {exc})", field=field) from None


def describe(schedule: Schedule, lang: str = "zh-Hant") -> str:
    """A short human description of the recurrence and daily windows ("" if neither).

    Only zh-Hant is written out; other languages get the raw rule and windows.
    """
    rec = schedule.recurrence
    if lang != "zh-Hant":
        parts = [f"RRULE {rec.rrule} for {rec.duration}"] if rec else []
        parts += [f"{','.join(w.days)} {w.from_:%H:%M}-{w.to:%H:%M}" for w in schedule.daily]
        return "; ".join(parts)
    parts = [rules.describe_recurrence(rec.rrule, rules.parse_duration(rec.duration))] if rec else []
    parts += [rules.describe_window(sorted(w.weekdays), w.from_, w.to) for w in schedule.daily]
    return "；".join(parts)
