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
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

UTC = timezone.utc
#: More than any UTC-offset change, so local wall times this far apart are ordered as instants.
SLACK = timedelta(days=1)
MAX_DURATION = timedelta(days=366)
FREQS = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY")
#: Every instant a schedule names (start, end, UNTIL) and every instant asked about from
#: outside (?at=, ?week=) lies in this range, so that time-zone conversion and the
#: arithmetic of occurrences (plus a duration of at most 366 days) never leave datetime's.
MIN_INSTANT = datetime(1900, 1, 1, tzinfo=timezone.utc)
MAX_INSTANT = datetime(2200, 1, 1, tzinfo=timezone.utc)
#: Occurrences in one day at most (every five minutes): closes DAILY with full
#: BYHOUR/BYMINUTE/BYSECOND lists as a way around the ban on MINUTELY and SECONDLY.
MAX_PER_DAY = 288
#: Occurrences one cache entry holds at most; further ones come from a new entry
#: expanded from near where the last one stopped.
MAX_ENTRY = 2048
_NAIVE_MIN, _NAIVE_MAX = datetime.min, datetime.max

_DURATION = re.compile(r"P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?")
_UNTIL = re.compile(r"\d{8}T\d{6}Z")
_RULE_CHARS = re.compile(r"[A-Z0-9=;,+\-]+")
#: name -> (smallest, largest, whether negative values count from the end)
_LIMITS = {
    "INTERVAL": (1, 1000, False),
    "COUNT": (1, 1000, False),
    "BYHOUR": (0, 23, False),
    "BYMINUTE": (0, 59, False),
    "BYSECOND": (0, 59, False),
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
    # Checked before building a timedelta, which overflows for P9999999999D.
    if 7 * w + d + (h * 3600 + mi * 60 + sec) / 86400 > MAX_DURATION.days:
        raise ValueError("duration must be at most 366 days")
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
    unknown = set(parts) - _KNOWN_PARTS
    if unknown:
        raise ValueError(f"not a valid RRULE: {sorted(unknown)[0]} is not supported; use "
                         + ", ".join(sorted(_KNOWN_PARTS)))
    _check_start_independent(parts)
    _check_density(parts)
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
        if not MIN_INSTANT <= until <= MAX_INSTANT:
            raise ValueError(f"UNTIL must lie between {MIN_INSTANT:%Y} and {MAX_INSTANT:%Y}")
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


_KNOWN_PARTS = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST", "BYMONTH", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO",
                "BYDAY", "BYHOUR", "BYMINUTE", "BYSECOND", "BYSETPOS"}
# With INTERVAL > 1 only some periods are visited, and which ones depends on the start:
# a part that keeps some periods out (FREQ=HOURLY;INTERVAL=2;BYHOUR=8,10 from 09:00,
# FREQ=DAILY;INTERVAL=7;BYDAY=MO from a Tuesday) could then match none at all. So with
# INTERVAL > 1 only parts that every visited period can satisfy are accepted.
_SAFE_WITH_INTERVAL = {
    "HOURLY": {"BYMINUTE", "BYSECOND"},
    "DAILY": {"BYHOUR", "BYMINUTE", "BYSECOND"},
    "WEEKLY": {"BYDAY", "WKST", "BYHOUR", "BYMINUTE", "BYSECOND"},
    "MONTHLY": {"BYMONTHDAY", "BYDAY", "BYHOUR", "BYMINUTE", "BYSECOND"},
    "YEARLY": {"BYMONTH", "BYMONTHDAY", "BYDAY", "BYHOUR", "BYMINUTE", "BYSECOND"},
}
_PLAIN = {"FREQ", "INTERVAL", "COUNT", "UNTIL"}


def _check_start_independent(parts: dict[str, str]) -> None:
    freq, interval = parts["FREQ"], parts.get("INTERVAL", "1")
    if interval in ("1", "+1") or not interval.isascii() or not interval.lstrip("+").isdigit():
        return
    extra = set(parts) - _PLAIN - _SAFE_WITH_INTERVAL[freq]
    if extra:
        raise ValueError(f"INTERVAL greater than 1 cannot be combined with {sorted(extra)[0]} for FREQ={freq}: "
                         "whether it ever matches would depend on the start")
    if freq == "WEEKLY" and re.search(r"\d", parts.get("BYDAY", "")):
        raise ValueError("BYDAY of FREQ=WEEKLY takes plain days (MO, TU...)")
    if freq in ("MONTHLY", "YEARLY"):
        # Day 29-31 (or the 5th weekday) is missing from some months: with INTERVAL > 1
        # the visited months might all lack it.
        days = [d for d in parts.get("BYMONTHDAY", "").split(",") if d]
        if any(re.fullmatch(r"[+-]?\d+", d) and abs(int(d)) > 28 for d in days):
            raise ValueError("with INTERVAL greater than 1, BYMONTHDAY must be within 1..28 (or -1..-28)")
        if freq == "MONTHLY" and re.search(r"[+-]?[5-9]\d*[A-Z]{2}", parts.get("BYDAY", "")):
            raise ValueError("with INTERVAL greater than 1, BYDAY of FREQ=MONTHLY takes the 1st to 4th or last weekday")


def _check_density(parts: dict[str, str]) -> None:
    def count(name: str, default: int) -> int:
        return len(parts[name].split(",")) if name in parts else default

    hours = count("BYHOUR", 24 if parts["FREQ"] == "HOURLY" else 1)
    if hours * count("BYMINUTE", 1) * count("BYSECOND", 1) > MAX_PER_DAY:
        raise ValueError(f"the rule may show at most {MAX_PER_DAY} times a day (every five minutes)")


# --- expansion ------------------------------------------------------------------------
#
# A rule is expanded from near the instant asked, never from its start onwards: for a
# rule without COUNT, the occurrences at or after a wall time ``t`` are those of the same
# rule started at ``t`` itself, provided (a) what dateutil would take from the start
# (day of month, weekday, time of day) is written into the rule, and (b) ``t`` lies in a
# period (year, month, week, day or hour) that the rule visits, a whole multiple of
# INTERVAL periods after the start's. dateutil filters each period's candidates by
# ">= start", so a start inside a period gives that period's later candidates.

_DAY_NAMES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_FREQ_ORDER = {f: i for i, f in enumerate(FREQS)}


class RuleSpec(NamedTuple):
    """A rule body anchored at a start (local wall time); ``until`` local too."""

    body: str
    dtstart: datetime
    until: datetime | None


def _explicit(body: str, dtstart: datetime) -> str:
    """The rule with everything dateutil would derive from ``dtstart`` written out."""
    parts = dict(p.split("=", 1) for p in body.split(";"))
    freq = parts["FREQ"]
    if not any(k in parts for k in ("BYWEEKNO", "BYYEARDAY", "BYMONTHDAY", "BYDAY")):
        if freq == "YEARLY":
            parts.setdefault("BYMONTH", str(dtstart.month))
            parts["BYMONTHDAY"] = str(dtstart.day)
        elif freq == "MONTHLY":
            parts["BYMONTHDAY"] = str(dtstart.day)
        elif freq == "WEEKLY":
            parts["BYDAY"] = _DAY_NAMES[dtstart.weekday()]
    if _FREQ_ORDER[freq] < _FREQ_ORDER["HOURLY"]:
        parts.setdefault("BYHOUR", str(dtstart.hour))
    parts.setdefault("BYMINUTE", str(dtstart.minute))
    parts.setdefault("BYSECOND", str(dtstart.second))
    return ";".join(f"{k}={v}" for k, v in parts.items())


def _period(freq: str, t: datetime, wkst: int) -> tuple[int, datetime]:
    """(index, start) of the period holding wall time ``t``; indexes count periods."""
    if freq == "YEARLY":
        return t.year, datetime(t.year, 1, 1)
    if freq == "MONTHLY":
        return t.year * 12 + t.month - 1, datetime(t.year, t.month, 1)
    if freq == "WEEKLY":
        monday = t.date() - timedelta(days=(t.weekday() - wkst) % 7)
        return monday.toordinal() // 7, datetime.combine(monday, time(0))
    if freq == "DAILY":
        return t.toordinal(), datetime.combine(t.date(), time(0))
    return t.toordinal() * 24 + t.hour, t.replace(minute=0, second=0, microsecond=0)


def _period_start(freq: str, index: int, wkst: int) -> datetime:
    if freq == "YEARLY":
        return datetime(index, 1, 1)
    if freq == "MONTHLY":
        return datetime(index // 12, index % 12 + 1, 1)
    if freq == "WEEKLY":
        day = date.fromordinal(index * 7 + 6)
        return datetime.combine(day - timedelta(days=(day.weekday() - wkst) % 7), time(0))
    if freq == "DAILY":
        return datetime.combine(date.fromordinal(index), time(0))
    return datetime.combine(date.fromordinal(index // 24), time(index % 24))


def rebased(spec: RuleSpec, lo: datetime) -> RuleSpec:
    """An equivalent rule (for occurrences at or after ``lo``) anchored near ``lo``.

    ``lo`` is first brought down to its day (or hour), so nearby asks share an entry."""
    parts = dict(p.split("=", 1) for p in spec.body.split(";"))
    if "COUNT" in parts or lo <= spec.dtstart:
        return spec
    freq, n = parts["FREQ"], int(parts.get("INTERVAL", "1"))
    wkst = _DAY_NAMES.index(parts.get("WKST", "MO"))
    try:
        first, _ = _period(freq, spec.dtstart, wkst)
        here, here_start = _period(freq, lo, wkst)
    except (ValueError, OverflowError):  # at the very edges of the calendar
        return spec
    k = (here - first) // n * n
    if k < 1:
        return spec
    try:
        if first + k == here:  # lo is in a visited period: start there, at lo's day (hour)
            t = lo.replace(minute=0, second=0, microsecond=0)
            if freq != "HOURLY":
                t = t.replace(hour=0)
            t = max(t, here_start)
        else:  # lo is in a skipped period: nothing until the next visited one
            t = _period_start(freq, first + k + n, wkst)
    except (ValueError, OverflowError):  # past the end of the calendar
        return spec
    return RuleSpec(_explicit(spec.body, spec.dtstart), t, spec.until)


class Occurrences:
    """Up to MAX_ENTRY occurrences (local wall times) of one anchored rule, generated
    lazily and kept sorted. ``capped`` when it stopped at MAX_ENTRY, not at the end."""

    def __init__(self, spec: RuleSpec) -> None:
        rule = rrulestr(spec.body, dtstart=spec.dtstart)
        if spec.until is not None:
            rule = rule.replace(until=spec.until)
        self._gen = iter(rule)
        self._items: list[datetime] = []
        self._done = False
        self.capped = False
        self._lock = threading.Lock()

    def _grow(self, bound: datetime | None = None, count: int = 0) -> None:
        with self._lock:
            items = self._items
            while not self._done and (len(items) < count or (bound is not None and (not items or items[-1] < bound))):
                if len(items) >= MAX_ENTRY:
                    self._done = self.capped = True
                    break
                try:
                    nxt = next(self._gen, None)
                except (ValueError, OverflowError):  # dateutil at the end of the calendar
                    nxt = None
                if nxt is None:
                    self._done = True
                else:
                    items.append(nxt)

    def iter_from(self, lo: datetime) -> Iterator[datetime]:
        """This entry's occurrences at or after the wall time ``lo``, in order."""
        self._grow(bound=lo)
        i = bisect_left(self._items, lo)
        while True:
            if i >= len(self._items):
                self._grow(count=i + 1)
                if i >= len(self._items):
                    return
            yield self._items[i]
            i += 1

    @property
    def last(self) -> datetime | None:
        return self._items[-1] if self._items else None


@lru_cache(maxsize=4096)
def _entry(spec: RuleSpec) -> Occurrences:
    return Occurrences(spec)


def occurrences_from(body: str, dtstart: datetime, until: datetime | None, lo: datetime) -> Iterator[datetime]:
    """The rule's occurrences (local wall times) at or after ``lo``, in order, expanded
    from near ``lo`` and MAX_ENTRY at a time."""
    spec = RuleSpec(body, dtstart, until)
    anchor = None
    while True:
        entry_spec = rebased(spec, lo)
        if entry_spec == anchor:  # no progress possible (COUNT, or the calendar's end)
            return
        anchor = entry_spec
        entry = _entry(entry_spec)
        yield from entry.iter_from(lo)
        if not entry.capped or entry.last is None:
            return
        lo = entry.last + timedelta(microseconds=1)


def wall(instant: datetime, tz: ZoneInfo) -> datetime:
    """The local wall-clock reading (naive) at an aware instant; at the very edges of
    datetime's range, where the zone's offset would leave it, the edge itself."""
    try:
        return instant.astimezone(tz).replace(tzinfo=None)
    except OverflowError:
        return _NAIVE_MAX if instant.year > 5000 else _NAIVE_MIN


def shift(local: datetime, delta: timedelta) -> datetime:
    """``local + delta``, held at datetime's edges instead of overflowing."""
    try:
        return local + delta
    except OverflowError:
        return _NAIVE_MAX if delta > timedelta(0) else _NAIVE_MIN


def to_utc(local: datetime, tz: ZoneInfo) -> datetime:
    """The first instant at which the local clock reads ``local`` or later.

    An ambiguous time (fall back) is its first occurrence (fold=0); a time in a spring-forward
    gap is the instant the clock jumps over it. Non-decreasing in ``local``.
    """
    try:
        first = local.replace(tzinfo=tz, fold=0).astimezone(UTC)
    except OverflowError:  # within a day of datetime's edges
        return datetime.max.replace(tzinfo=UTC) if local.year > 5000 else datetime.min.replace(tzinfo=UTC)
    if wall(first, tz) == local:
        return first
    try:
        return offset_change(local.replace(tzinfo=tz, fold=1).astimezone(UTC), first, tz) or first
    except OverflowError:
        return first


def wall_instants(local: datetime, tz: ZoneInfo) -> list[datetime]:
    """Every instant at which the local clock reads exactly ``local`` (0, 1 or 2 of them)."""
    try:
        found = {local.replace(tzinfo=tz, fold=f).astimezone(UTC) for f in (0, 1)}
    except OverflowError:
        return []
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
    one_time = "BYHOUR" in parts and "BYMINUTE" in parts and "," not in parts["BYHOUR"] + parts["BYMINUTE"]
    if one_time and parts.get("BYSECOND", "0") == "0":
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
        month_days = [int(d) for d in parts["BYMONTHDAY"].split(",")]
        if all(d > 0 or d == -1 for d in month_days):
            what = ("每月" if n == 1 else f"每{n}個月的") + "、".join(
                "最後一天" if d == -1 else f"{d}日" for d in month_days)
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
