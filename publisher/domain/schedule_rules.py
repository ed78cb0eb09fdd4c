"""Helpers for :mod:`publisher.domain.schedule`: parsing RRULE bodies and ISO 8601
durations, a cached index of a rule's occurrences, wall-clock <-> UTC conversion and
the Traditional Chinese descriptions. Pure code: no I/O, never reads the clock.

Local times are naive ``datetime`` objects holding the wall clock of the configured zone.
"""

from __future__ import annotations

import re
import threading
import warnings
from bisect import bisect_left
from collections.abc import Iterator
from datetime import datetime, time, timedelta, timezone
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

UTC = timezone.utc
#: More than any UTC-offset change, so local wall times this far apart are ordered as instants.
SLACK = timedelta(days=1)
MAX_DURATION = timedelta(days=366)
FREQS = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY")

_DURATION = re.compile(r"P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?")
_UNTIL = re.compile(r"\d{8}T\d{6}Z")
_RULE_CHARS = re.compile(r"[A-Z0-9=;,+\-]+")
#: name -> (smallest, largest, whether negative values count from the end)
_LIMITS = {
    "INTERVAL": (1, 1000, False),
    "COUNT": (1, 100_000, False),
    "BYMONTH": (1, 12, False),
    "BYMONTHDAY": (1, 31, True),
    "BYYEARDAY": (1, 366, True),
    "BYWEEKNO": (1, 53, True),
}


class Duration(NamedTuple):
    days: int  # nominal (calendar) days, weeks included: added to the local wall clock
    time: timedelta  # exact hours, minutes and seconds: added to the instant


class ParsedRule(NamedTuple):
    text: str  # the normalised rule as stored
    body: str  # the rule without UNTIL, for dateutil
    until: datetime | None  # UNTIL as an aware UTC datetime


@lru_cache(maxsize=1024)
def parse_duration(text: str) -> Duration:
    """'P3D', 'PT8H', 'P1DT12H', 'P2W' -> Duration; ValueError says what is wrong."""
    s = text.strip().upper()
    if s.startswith("-"):
        raise ValueError("duration must be positive")
    if s.startswith("P") and re.search(r"[YM]", s.partition("T")[0]):
        raise ValueError("years and months are ambiguous in a duration; use weeks or days (e.g. P30D)")
    m = _DURATION.fullmatch(s)
    if m is None or s in ("P", "PT") or s.endswith("T"):
        raise ValueError(f"{text!r} is not an ISO 8601 duration such as P3D, PT8H or P1DT12H")
    w, d, h, mi, sec = (int(g) if g else 0 for g in m.groups())
    result = Duration(7 * w + d, timedelta(hours=h, minutes=mi, seconds=sec))
    if timedelta(days=result.days) + result.time <= timedelta(0):
        raise ValueError("duration must be longer than zero")
    if timedelta(days=result.days) + result.time > MAX_DURATION:
        raise ValueError("duration must be at most 366 days")
    return result


@lru_cache(maxsize=1024)
def parse_rrule(text: str) -> ParsedRule:
    """Check an RFC 5545 RRULE body; ValueError says what is wrong."""
    s = text.strip().upper().removeprefix("RRULE:")
    if not s:
        raise ValueError("must not be empty")
    if not _RULE_CHARS.fullmatch(s):
        raise ValueError("give only the rule body, e.g. FREQ=MONTHLY;BYMONTHDAY=16 (no DTSTART, no line breaks)")
    parts: dict[str, str] = {}
    for part in filter(None, s.split(";")):
        name, eq, value = part.partition("=")
        if not eq or not value:
            raise ValueError(f"{part!r} is not NAME=VALUE")
        if name in parts:
            raise ValueError(f"{name} is given twice")
        parts[name] = value
    if "DTSTART" in parts:
        raise ValueError("DTSTART is not part of the rule: occurrences start at the schedule's start")
    if parts.get("FREQ") not in FREQS:
        raise ValueError("FREQ is required and must be one of " + ", ".join(FREQS))
    for name, (lo, hi, signed) in _LIMITS.items():
        for item in parts.get(name, "").split(",") if name in parts else ():
            n = int(item) if re.fullmatch(r"[+-]?\d+", item) else None
            if n is None or not lo <= (abs(n) if signed else n) <= hi:
                raise ValueError(f"{name} must be {'-' if signed else ''}{hi if signed else lo}..{hi}, not {item!r}")
    until = None
    if "UNTIL" in parts:
        if "COUNT" in parts:
            raise ValueError("UNTIL and COUNT cannot both be given")
        value = parts.pop("UNTIL")
        try:
            if not _UNTIL.fullmatch(value):
                raise ValueError
            until = datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        except ValueError:
            raise ValueError("UNTIL must be a UTC date-time such as 20271231T160000Z") from None
    body = ";".join(f"{k}={v}" for k, v in parts.items())
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            rrulestr(body, dtstart=datetime(2000, 1, 1))
            # Near the end of the calendar, so a rule that can never match gives up quickly.
            first = next(iter(rrulestr(body, dtstart=datetime(9968, 1, 1))), None)
    except Exception as exc:  # dateutil raises ValueError, TypeError, KeyError...
        raise ValueError(f"not a valid RRULE: {exc}") from None
    if first is None:
        raise ValueError("the rule never produces an occurrence")
    text_out = body if until is None else f"{body};UNTIL={until:%Y%m%dT%H%M%SZ}"
    return ParsedRule(text_out, body, until)


class Occurrences:
    """One rule's occurrences (local wall times), generated lazily and kept sorted."""

    def __init__(self, body: str, dtstart: datetime, until: datetime | None) -> None:
        rule = rrulestr(body, dtstart=dtstart)
        if until is not None:
            rule = rule.replace(until=until)
        self._gen = iter(rule)
        self._items: list[datetime] = []
        self._done = False
        self._lock = threading.Lock()

    def _grow(self, bound: datetime | None = None, count: int = 0) -> None:
        with self._lock:
            items = self._items
            while not self._done and (len(items) < count or (bound is not None and (not items or items[-1] < bound))):
                nxt = next(self._gen, None)
                if nxt is None:
                    self._done = True
                else:
                    items.append(nxt)

    def iter_from(self, lo: datetime) -> Iterator[datetime]:
        """Occurrences at or after the wall time ``lo``, in order."""
        self._grow(bound=lo)
        i = bisect_left(self._items, lo)
        while True:
            if i >= len(self._items):
                self._grow(count=i + 1)
                if i >= len(self._items):
                    return
            yield self._items[i]
            i += 1


@lru_cache(maxsize=16384)
def occurrences(body: str, dtstart: datetime, until: datetime | None) -> Occurrences:
    return Occurrences(body, dtstart, until)


def wall(instant: datetime, tz: ZoneInfo) -> datetime:
    """The local wall-clock reading (naive) at an aware instant."""
    return instant.astimezone(tz).replace(tzinfo=None)


def to_utc(local: datetime, tz: ZoneInfo) -> datetime:
    """The first instant at which the local clock reads ``local`` or later.

    An ambiguous time (fall back) is its first occurrence (fold=0); a time in a spring-forward
    gap is the instant the clock jumps over it. Non-decreasing in ``local``.
    """
    first = local.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if wall(first, tz) == local:
        return first
    return offset_change(local.replace(tzinfo=tz, fold=1).astimezone(UTC), first, tz) or first


def wall_instants(local: datetime, tz: ZoneInfo) -> list[datetime]:
    """Every instant at which the local clock reads exactly ``local`` (0, 1 or 2 of them)."""
    found = {local.replace(tzinfo=tz, fold=f).astimezone(UTC) for f in (0, 1)}
    return [i for i in found if wall(i, tz) == local]


def offset_change(lo: datetime, hi: datetime, tz: ZoneInfo) -> datetime | None:
    """The first instant in (lo, hi] whose UTC offset differs from lo's, if hi's differs.

    ``lo`` and ``hi`` must be in UTC (arithmetic within one ZoneInfo follows the wall clock).
    """
    before = lo.astimezone(tz).utcoffset()
    if hi.astimezone(tz).utcoffset() == before:
        return None
    micro = timedelta(microseconds=1)
    while hi - lo > micro:
        mid = lo + ((hi - lo) // micro // 2) * micro
        if mid.astimezone(tz).utcoffset() == before:
            lo = mid
        else:
            hi = mid
    return hi


# --- descriptions (Traditional Chinese) -------------------------------------------------

_ZH_DAYS = "一二三四五六日"
_RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def describe_recurrence(rule: str, duration: Duration) -> str:
    parts = dict(p.split("=", 1) for p in rule.split(";"))
    freq, n = parts.pop("FREQ"), int(parts.pop("INTERVAL", "1"))
    count = parts.pop("COUNT", None)
    clock = ""
    if "BYHOUR" in parts and "BYMINUTE" in parts and parts.get("BYSECOND", "0") == "0" and "," not in parts["BYHOUR"] + parts["BYMINUTE"]:
        clock = f" {int(parts.pop('BYHOUR')):02d}:{int(parts.pop('BYMINUTE')):02d}"
        parts.pop("BYSECOND", None)
    what = None
    if freq == "DAILY" and not parts:
        what = "每天" if n == 1 else f"每{n}天"
    elif freq == "WEEKLY" and set(parts) <= {"BYDAY", "WKST"} and "BYDAY" in parts:
        days = parts["BYDAY"].split(",")
        if all(d in _RRULE_DAYS for d in days):
            what = ("每週" if n == 1 else f"每{n}週的週") + "、".join(_ZH_DAYS[_RRULE_DAYS.index(d)] for d in days)
    elif freq == "MONTHLY" and set(parts) == {"BYMONTHDAY"}:
        days = [int(d) for d in parts["BYMONTHDAY"].split(",")]
        if all(d > 0 or d == -1 for d in days):
            what = ("每月" if n == 1 else f"每{n}個月的") + "、".join("最後一天" if d == -1 else f"{d}日" for d in days)
    elif freq == "MONTHLY" and set(parts) == {"BYDAY"}:
        m = re.fullmatch(r"([+-]?\d)(MO|TU|WE|TH|FR|SA|SU)", parts["BYDAY"])
        if m and m.group(1) in ("1", "2", "3", "4", "+1", "+2", "+3", "+4", "-1"):
            nth = "最後一個" if m.group(1) == "-1" else f"第{m.group(1).lstrip('+')}個"
            what = ("每月" if n == 1 else f"每{n}個月的") + f"{nth}週{_ZH_DAYS[_RRULE_DAYS.index(m.group(2))]}"
    elif freq == "YEARLY" and n == 1 and set(parts) == {"BYMONTH", "BYMONTHDAY"} and "," not in rule:
        what = f"每年{int(parts['BYMONTH'])}月{int(parts['BYMONTHDAY'])}日"
    if what is None:
        return f"按規則 {rule}，持續{_zh_span(duration)}"
    span = f"連續{duration.days}天" if not duration.time else f"持續{_zh_span(duration)}"
    return f"{what}{clock}起，{span}" + (f"，共{count}次" if count else "")


def _zh_span(d: Duration) -> str:
    secs = int(d.time.total_seconds())
    units = ((d.days, "天"), (secs // 3600, "小時"), (secs // 60 % 60, "分鐘"), (secs % 60, "秒"))
    return "".join(f"{v}{u}" for v, u in units if v)


def describe_window(weekdays: list[int], start: time, end: time) -> str:
    days = sorted(set(weekdays))
    if len(days) == 7:
        when = "每天"
    else:
        runs: list[list[int]] = []
        for d in days:
            if runs and runs[-1][-1] == d - 1:
                runs[-1].append(d)
            else:
                runs.append([d])
        when = "、".join(
            f"週{_ZH_DAYS[r[0]]}至週{_ZH_DAYS[r[-1]]}" if len(r) > 2 else "、".join(f"週{_ZH_DAYS[d]}" for d in r)
            for r in runs
        )
    to = "24:00" if end == time(0) else ("次日" if end < start else "") + f"{end:%H:%M}"
    return f"{when} {start:%H:%M}–{to}"
