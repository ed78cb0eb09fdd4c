"""Property tests: is_showing agrees with a brute-force oracle, and next_boundary is never
later than the first minute at which visibility changes.

The oracle is written from the rules in the schedule module's docstring, as plainly as
possible: every occurrence is listed from the start, every local time is converted by
trying the zone's offsets (or, in a spring-forward gap, by walking minute by minute to the
instant the clock jumps past it), and windows are checked on the local wall clock.
"""

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publisher.domain.schedule import Schedule, is_showing, next_boundary

UTC = timezone.utc
ZONES = [ZoneInfo("America/New_York"), ZoneInfo("Asia/Shanghai")]
# a few days before New York's changes (2026-03-08 and 2026-11-01), so the range spans them
ANCHORS = [datetime(2026, 3, 4, 17, tzinfo=UTC), datetime(2026, 10, 28, 17, tzinfo=UTC)]
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
RRULE_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
SPAN = 14 * 24 * 60  # minutes covered from an anchor
HORIZON = timedelta(days=3)
PROPERTY = settings(max_examples=120, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

# --- strategies ---------------------------------------------------------------------------

minutes_past = st.integers(0, SPAN)
clock_times = st.builds(
    time,
    st.one_of(st.integers(0, 3), st.integers(0, 23)),  # often near the DST changes (01:00-03:00)
    st.sampled_from([0, 15, 30, 45]),
)
rrules = st.one_of(
    st.just("FREQ=DAILY"),
    st.integers(2, 3).map(lambda n: f"FREQ=DAILY;INTERVAL={n}"),
    st.integers(1, 4).map(lambda n: f"FREQ=DAILY;COUNT={n}"),
    st.tuples(st.integers(0, 3), st.sampled_from([0, 30])).map(
        lambda hm: f"FREQ=DAILY;BYHOUR={hm[0]};BYMINUTE={hm[1]};BYSECOND=0"),
    st.lists(st.sampled_from(RRULE_DAYS), min_size=1, max_size=3, unique=True).map(
        lambda d: "FREQ=WEEKLY;BYDAY=" + ",".join(d)),
    st.integers(1, 28).map(lambda d: f"FREQ=MONTHLY;BYMONTHDAY={d}"),
    st.integers(5, 13).map(lambda n: f"FREQ=HOURLY;INTERVAL={n}"),
)
durations = st.tuples(st.sampled_from([0, 0, 1, 3]), st.integers(0, 12), st.sampled_from([0, 15, 30, 45])).filter(any)
windows = st.tuples(
    st.lists(st.sampled_from(DAYS), min_size=1, max_size=7, unique=True), clock_times, clock_times
).filter(lambda w: w[1] != w[2])


CHANGE = 3 * 24 * 60 + 13 * 60  # minutes from the anchors to New York's changes (1 h before the March one)


def draw_instant(draw, tz, anchor):
    """Anywhere in the range, or near the change, or at night (local 00:00-04:00) on some day."""
    kind = draw(st.sampled_from(["anywhere", "change", "change", "night"]))
    if kind == "anywhere":
        return anchor + timedelta(minutes=draw(minutes_past))
    if kind == "change":
        return anchor + timedelta(minutes=draw(st.integers(CHANGE - 240, CHANGE + 240)))
    day = wall(anchor, tz).date() + timedelta(days=draw(st.integers(0, 13)))
    local = datetime.combine(day, time(draw(st.integers(0, 3)), draw(st.sampled_from([0, 1, 15, 29, 30, 45, 59]))))
    return local.replace(tzinfo=tz, fold=draw(st.integers(0, 1))).astimezone(UTC)


@st.composite
def cases(draw):
    tz = draw(st.sampled_from(ZONES))
    anchor = draw(st.sampled_from(ANCHORS))
    raw = {
        "live_since": draw_instant(draw, tz, anchor),
        "start": draw_instant(draw, tz, anchor) if draw(st.booleans()) else None,
        "length": draw(st.none() | st.integers(1, SPAN)),
        "recurrence": draw(st.none() | st.tuples(rrules, durations)),
        "windows": draw(st.lists(windows, max_size=2)),
    }
    data = {}
    if raw["start"] is not None:
        data["start"] = raw["start"].astimezone(draw(st.sampled_from([tz, UTC])))
    if raw["length"] is not None:
        data["end"] = (raw["start"] or anchor) + timedelta(minutes=raw["length"])
        if raw["start"] is None and draw(st.booleans()):
            data["end"] = anchor - timedelta(minutes=raw["length"] % 600)  # end before approval: never shows
    if raw["recurrence"]:
        rule, (d, h, m) = raw["recurrence"]
        data["recurrence"] = {"rrule": rule, "duration": f"P{d}DT{h}H{m}M"}
    data["daily"] = [{"days": days, "from": f"{a:%H:%M}", "to": f"{b:%H:%M}"} for days, a, b in raw["windows"]]
    schedule = Schedule.model_validate(data)
    instants = [draw_instant(draw, tz, anchor) for _ in range(draw(st.integers(1, 12)))]
    # the functions get their instants in any representation: UTC, the zone itself, an offset
    shown = draw(st.sampled_from([UTC, tz, timezone(timedelta(hours=-3))]))
    return schedule, tz, raw["live_since"], data, raw, instants, lambda at: at.astimezone(shown)


# --- the oracle ------------------------------------------------------------------------------


def wall(at, tz):
    return at.astimezone(tz).replace(tzinfo=None)


def first_instant_showing(local, tz):
    """The first instant whose local wall time is ``local`` or later."""
    offsets = {(local + timedelta(hours=h)).replace(tzinfo=tz).utcoffset() for h in (-30, 30)}
    exact = [(local - off).replace(tzinfo=UTC) for off in offsets]
    exact = [i for i in exact if wall(i, tz) == local]
    if exact:
        return min(exact)
    i = (local - max(offsets)).replace(tzinfo=UTC)
    while wall(i, tz) < local:
        i += timedelta(minutes=1)
    return i


def oracle(data, raw, tz, live_since, until):
    """A function telling whether the notice shows at an instant before ``until``."""
    start = raw["start"] or live_since
    end = data.get("end")
    intervals = None
    if raw["recurrence"]:
        rule, (d, h, m) = raw["recurrence"]
        intervals = []
        for occ in rrulestr(rule, dtstart=wall(start, tz)):
            if occ > wall(until, tz) + timedelta(days=2):
                break
            intervals.append((first_instant_showing(occ, tz),
                              first_instant_showing(occ + timedelta(days=d), tz) + timedelta(hours=h, minutes=m)))

    def visible(at):
        if at < start or (end is not None and at >= end):
            return False
        if intervals is not None and not any(s <= at < e for s, e in intervals):
            return False
        if raw["windows"]:
            local = wall(at, tz)
            today, yesterday, t = DAYS[local.weekday()], DAYS[local.weekday() - 1], local.time()
            inside = False
            for days, a, b in raw["windows"]:
                if a < b:
                    inside = inside or (today in days and a <= t < b)
                else:
                    inside = inside or (today in days and t >= a) or (yesterday in days and t < b)
            if not inside:
                return False
        return True

    return visible


# --- properties ------------------------------------------------------------------------------


@PROPERTY
@given(cases(), st.integers(0, 59))
def test_is_showing_agrees_with_the_oracle(case, second):
    schedule, tz, live_since, data, raw, instants, shown = case
    instants += [at + timedelta(seconds=second) for at in instants]
    visible = oracle(data, raw, tz, live_since, max(instants))
    for at in instants:
        assert is_showing(schedule, shown(at), tz, shown(live_since)) == visible(at), (at, wall(at, tz))


@PROPERTY
@given(cases())
def test_next_boundary_is_never_later_than_the_first_change(case):
    schedule, tz, live_since, data, raw, instants, shown = case
    after = instants[0]
    visible = oracle(data, raw, tz, live_since, after + HORIZON)
    boundary = next_boundary(schedule, shown(after), tz, shown(live_since))
    assert boundary is None or boundary > after
    now = visible(after)
    minute = after
    while minute < after + HORIZON:
        minute += timedelta(minutes=1)
        if visible(minute) != now:
            assert boundary is not None and boundary <= minute, (wall(after, tz), wall(minute, tz), boundary)
            break
    else:
        assert boundary is None or boundary > after
    if boundary is not None and boundary < after + HORIZON:
        # and the boundary is where the module itself says visibility may change: is_showing
        # is constant from `after` up to it
        assert (is_showing(schedule, boundary - timedelta(microseconds=1), tz, live_since)
                == is_showing(schedule, after, tz, live_since))


@PROPERTY
@given(cases())
def test_following_boundaries_visits_every_change(case):
    """Walking from boundary to boundary over a day sees every change the oracle sees."""
    schedule, tz, live_since, data, raw, instants, shown = case
    after = instants[0]
    stop = after + timedelta(days=1)
    visible = oracle(data, raw, tz, live_since, stop)
    minutes = [after + timedelta(minutes=k) for k in range(24 * 60)]
    seen = [visible(m) for m in minutes]
    changes = {m for m, was, now in zip(minutes[1:], seen[:-1], seen[1:], strict=True) if was != now}
    visited = set()
    at = after
    for _ in range(200):
        at = next_boundary(schedule, shown(at), tz, shown(live_since))
        if at is None or at >= stop:
            break
        assert at.tzinfo is UTC
        visited.add(at)
    assert changes <= visited
