"""Issue 9: a schedule that passes validation can always be evaluated, within bounds.

Regression tests for the rules that used to pass validation and then crash the read
path, and a property test over generated rules, starts, ends and instants (datetime's
edges and DST changes included): evaluation never raises and stays bounded.
"""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from publisher.domain import schedule_rules as rules
from publisher.domain.schedule import Schedule, is_showing, next_boundary

UTC = timezone.utc
SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")


def refused(data: dict) -> tuple[str, str]:
    with pytest.raises(ValidationError) as info:
        Schedule.model_validate(data)
    err = info.value.errors()[0]
    return ".".join(str(p) for p in err["loc"]), err["msg"]


@pytest.mark.parametrize(("data", "field"), [
    ({"start": "2026-12-01T09:00:00+08:00",
      "recurrence": {"rrule": "FREQ=HOURLY;INTERVAL=2;BYHOUR=8,10,12,14,16", "duration": "PT1H"}}, "recurrence.rrule"),
    ({"recurrence": {"rrule": "FREQ=DAILY;INTERVAL=7;BYDAY=MO", "duration": "PT1H"}}, "recurrence.rrule"),
    ({"recurrence": {"rrule": "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=31", "duration": "PT1H"}}, "recurrence.rrule"),
    ({"recurrence": {"rrule": "FREQ=DAILY;UNTIL=99991231T235959Z", "duration": "PT1H"}}, "recurrence.rrule"),
    ({"start": "0001-01-01T00:00:00+08:00"}, "start"),
    ({"end": "9999-12-31T23:00:00-08:00"}, "end"),
    ({"recurrence": {"rrule": "FREQ=DAILY", "duration": "P9999999999D"}}, "recurrence.duration"),
    ({"recurrence": {"rrule": "FREQ=DAILY", "duration": "PT99999999999999H"}}, "recurrence.duration"),
    # DAILY with full BYHOUR/BYMINUTE lists would be MINUTELY in disguise
    ({"recurrence": {"rrule": "FREQ=DAILY;BYHOUR=" + ",".join(map(str, range(24))) + ";BYMINUTE="
                     + ",".join(map(str, range(60))), "duration": "PT1M"}}, "recurrence.rrule"),
])
def test_rules_that_used_to_crash_evaluation_are_refused(data, field):
    where, _msg = refused(data)
    assert where == field


def test_every_five_minutes_is_still_allowed():
    Schedule.model_validate({"recurrence": {"rrule": "FREQ=HOURLY;BYMINUTE=" + ",".join(map(str, range(0, 60, 5))),
                                            "duration": "PT1M"}})


def test_far_instants_are_evaluated_near_the_instant():
    """A dense rule asked about centuries later: answered without expanding from the start."""
    s = Schedule.model_validate({"start": "2026-01-01T00:00:00+08:00", "recurrence": {
        "rrule": "FREQ=DAILY;BYHOUR=9,10,11,12,13,14,15,16;BYMINUTE=0", "duration": "PT30M"}})
    live = datetime(2026, 1, 1, tzinfo=UTC)
    assert is_showing(s, datetime(2199, 6, 1, 1, 10, tzinfo=UTC), SHANGHAI, live)  # 09:10 local
    assert not is_showing(s, datetime(2199, 6, 1, 1, 40, tzinfo=UTC), SHANGHAI, live)
    assert (next_boundary(s, datetime(2199, 6, 1, 1, 40, tzinfo=UTC), SHANGHAI, live)
            == datetime(2199, 6, 1, 2, tzinfo=UTC))
    assert rules._entry.cache_info().currsize <= rules._entry.cache_info().maxsize


# --- rebasing gives the same occurrences as expanding from the start ---------------------

rule_bodies = st.one_of(
    st.sampled_from(["FREQ=DAILY", "FREQ=WEEKLY", "FREQ=MONTHLY", "FREQ=YEARLY", "FREQ=HOURLY",
                     "FREQ=WEEKLY;BYDAY=MO,TH", "FREQ=MONTHLY;BYDAY=-1FR", "FREQ=MONTHLY;BYMONTHDAY=15,-1",
                     "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "FREQ=HOURLY;BYMINUTE=0,30",
                     "FREQ=DAILY;BYHOUR=9,17;BYMINUTE=0", "FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=2",
                     "FREQ=YEARLY;BYWEEKNO=1,20;BYDAY=WE", "FREQ=WEEKLY;WKST=SU;BYDAY=SU,SA"]),
    st.tuples(st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY", "HOURLY"]), st.integers(2, 9)).map(
        lambda f: f"FREQ={f[0]};INTERVAL={f[1]}"),
    st.integers(2, 5).map(lambda n: f"FREQ=WEEKLY;INTERVAL={n};BYDAY=TU,SA;WKST=SU"),
)
wall_times = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1)).map(
    lambda d: d.replace(microsecond=0))


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=rule_bodies, dtstart=wall_times, ahead=st.integers(0, 4000 * 24))
def test_rebased_expansion_matches_expansion_from_the_start(body, dtstart, ahead):
    body = rules.parse_rrule(body).body
    lo = dtstart + timedelta(hours=ahead)
    got = []
    for occ in rules.occurrences_from(body, dtstart, None, lo):
        got.append(occ)
        if len(got) == 5:
            break
    want = []
    for occ in rrulestr(body, dtstart=dtstart).xafter(lo, inc=True):
        want.append(occ)
        if len(want) == 5:
            break
    assert got == want


# --- evaluation never raises and stays bounded -------------------------------------------

EDGES = [datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC), rules.MIN_INSTANT, rules.MAX_INSTANT,
         datetime(2026, 3, 8, 7, tzinfo=UTC), datetime(2026, 11, 1, 6, tzinfo=UTC)]  # New York's DST changes
instants = st.one_of(
    st.sampled_from(EDGES),
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59), timezones=st.just(UTC)),
    st.datetimes(min_value=datetime(2026, 3, 7), max_value=datetime(2026, 11, 3), timezones=st.just(UTC)),
)
bounded = st.one_of(st.none(), st.sampled_from([rules.MIN_INSTANT, rules.MAX_INSTANT]),
                    st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2199, 12, 30),
                                 timezones=st.just(UTC)))
full_rules = st.one_of(
    rule_bodies,
    st.sampled_from(["FREQ=DAILY;UNTIL=21991231T235959Z", "FREQ=YEARLY;UNTIL=19000101T000000Z", "FREQ=DAILY;COUNT=1000",
                     "FREQ=HOURLY;BYMINUTE=" + ",".join(map(str, range(0, 60, 5))),
                     "FREQ=DAILY;BYHOUR=1,2,3;BYMINUTE=0,30", "FREQ=YEARLY;BYYEARDAY=366"]),
)


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(rule=st.one_of(st.none(), full_rules), duration=st.sampled_from(["PT1M", "PT1H", "P1D", "P366D", "P52WT23H"]),
       start=bounded, end=bounded, at=instants, live_since=instants, tz=st.sampled_from([SHANGHAI, NEW_YORK, UTC]))
def test_evaluation_never_raises_and_stays_bounded(rule, duration, start, end, at, live_since, tz):
    data = {"start": start.isoformat() if start else None, "end": end.isoformat() if end else None}
    if rule:
        data["recurrence"] = {"rrule": rule, "duration": duration}
    try:
        s = Schedule.model_validate(data)
    except ValidationError:
        return  # refused up front is fine; what is accepted must evaluate
    before = rules._entry.cache_info().currsize
    shown = is_showing(s, at, tz, live_since)
    edge = next_boundary(s, at, tz, live_since)
    assert isinstance(shown, bool)
    assert edge is None or edge > at
    assert rules._entry.cache_info().currsize <= rules._entry.cache_info().maxsize
    assert rules._entry.cache_info().currsize - before <= 4  # a handful of entries per evaluation, never a flood


def test_check_evaluates_refuses_what_the_queue_could_not_evaluate() -> None:
    """Validation and evaluation are the same code: check_evaluates runs is_showing and
    next_boundary from the real start, and names the field when they raise. A rule from
    an older release (built here without validation) that fails from its real start is
    refused; an ordinary schedule passes from any start."""
    from publisher.domain.errors import Invalid
    from publisher.domain.schedule import Recurrence, check_evaluates

    now = datetime(2026, 12, 1, 1, tzinfo=UTC)
    ordinary = Schedule.model_validate({"recurrence": {"rrule": "FREQ=MONTHLY;BYMONTHDAY=18", "duration": "P1D"},
                                        "daily": [{"days": ["mon", "tue"], "from": "08:30", "to": "17:30"}]})
    for hour in range(24):
        check_evaluates(ordinary, SHANGHAI, now + timedelta(hours=hour), now)
    old = Recurrence.model_construct(rrule="FREQ=HOURLY;INTERVAL=2;BYHOUR=8,10,12,14,16", duration="PT1H")
    broken = Schedule.model_construct(start=datetime(2026, 12, 1, 9, tzinfo=SHANGHAI), end=None, recurrence=old,
                                      daily=[], dwell_s=None)
    with pytest.raises(Invalid) as refused_:
        check_evaluates(broken, SHANGHAI, now, now)
    assert refused_.value.field == "schedule.recurrence.rrule" and refused_.value.code == "validation_failed"
