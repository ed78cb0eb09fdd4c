"""is_showing / next_boundary on hand-made cases: the contract's example, weekday and
past-midnight windows, start and end, and both sides of each DST change."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from publisher.domain.schedule import Schedule, describe, has_ended, has_started, is_showing, next_boundary

SH = ZoneInfo("Asia/Shanghai")
NY = ZoneInfo("America/New_York")
UTC = timezone.utc
LIVE = datetime(2026, 1, 1, tzinfo=UTC)  # approved long before everything below


def sched(**data) -> Schedule:
    return Schedule.model_validate(data)


def local(tz, *args, fold=0):
    return datetime(*args, tzinfo=tz, fold=fold)


def z(*args):
    return datetime(*args, tzinfo=UTC)


def showing(schedule, tz, *instants, live=LIVE):
    return [is_showing(schedule, at, tz, live) for at in instants]


def boundaries(schedule, tz, after, n, live=LIVE):
    out = []
    for _ in range(n):
        after = next_boundary(schedule, after, tz, live)
        if after is None:
            break
        out.append(after)
    return out


# --- the contract's example -----------------------------------------------------------------

JOB_FAIR = sched(start="2026-12-01T09:00:00+08:00",
                 recurrence={"rrule": "FREQ=MONTHLY;BYMONTHDAY=16", "duration": "P3D"})


def test_job_fair_on_the_18th_shows_from_the_16th_for_three_days():
    assert showing(
        JOB_FAIR, SH,
        local(SH, 2026, 12, 16, 8, 59), local(SH, 2026, 12, 16, 9), local(SH, 2026, 12, 18, 23),
        local(SH, 2026, 12, 19, 8, 59, 59), local(SH, 2026, 12, 19, 9), local(SH, 2027, 1, 16, 9, 30),
        local(SH, 2027, 1, 20),
    ) == [False, True, True, True, False, True, False]
    assert boundaries(JOB_FAIR, SH, local(SH, 2026, 11, 1), 5) == [
        local(SH, 2026, 12, 1, 9), local(SH, 2026, 12, 16, 9), local(SH, 2026, 12, 19, 9),
        local(SH, 2027, 1, 16, 9), local(SH, 2027, 1, 19, 9),
    ]


def test_occurrences_take_their_time_of_day_from_the_start_unless_the_rule_says():
    midnight = sched(start="2026-12-01T09:00:00+08:00",
                     recurrence={"rrule": "FREQ=MONTHLY;BYMONTHDAY=16;BYHOUR=0;BYMINUTE=0;BYSECOND=0",
                                 "duration": "P3D"})
    assert showing(midnight, SH, local(SH, 2026, 12, 16), local(SH, 2026, 12, 18, 23, 59),
                   local(SH, 2026, 12, 19)) == [True, True, False]


def test_contract_example_with_weekday_window():
    s = sched(start="2026-12-01T09:00:00+08:00",
              recurrence={"rrule": "FREQ=MONTHLY;BYMONTHDAY=15", "duration": "P4D"},
              daily=[{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "08:30", "to": "17:30"}])
    # 2026-12-15 is a Tuesday; the 15th..18th are Tue..Fri; 2027-01-15 is a Friday, 16/17 the weekend.
    assert showing(s, SH, local(SH, 2026, 12, 15, 9), local(SH, 2026, 12, 15, 17, 30), local(SH, 2026, 12, 18, 17, 29),
                   local(SH, 2026, 12, 21, 10), local(SH, 2027, 1, 15, 10), local(SH, 2027, 1, 16, 10),
                   local(SH, 2027, 1, 18, 8, 59)) == [True, False, True, False, True, False, True]
    # between occurrences the daily edges are irrelevant: the next boundary is the next occurrence
    assert next_boundary(s, local(SH, 2026, 12, 20), SH, LIVE) == local(SH, 2027, 1, 15, 9)
    # inside an occurrence but outside the window: the window opens next
    assert next_boundary(s, local(SH, 2026, 12, 16, 18), SH, LIVE) == local(SH, 2026, 12, 17, 8, 30)
    assert describe(s) == "每月15日起，連續4天；週一至週五 08:30–17:30"


# --- windows, start, end --------------------------------------------------------------------

def test_weekday_window():
    s = sched(daily=[{"days": ["mon", "wed"], "from": "08:30", "to": "17:30"}])
    # 2026-12-07 Monday
    assert showing(s, SH, local(SH, 2026, 12, 7, 8, 29), local(SH, 2026, 12, 7, 8, 30), local(SH, 2026, 12, 7, 17, 29),
                   local(SH, 2026, 12, 7, 17, 30), local(SH, 2026, 12, 8, 12), local(SH, 2026, 12, 9, 12)) == [
        False, True, True, False, False, True]
    assert boundaries(s, SH, local(SH, 2026, 12, 7, 18), 3) == [
        local(SH, 2026, 12, 9, 8, 30), local(SH, 2026, 12, 9, 17, 30), local(SH, 2026, 12, 14, 8, 30)]


def test_past_midnight_window_belongs_to_the_day_it_starts():
    s = sched(daily=[{"days": ["fri", "sat"], "from": "22:00", "to": "02:00"}])
    # 2026-12-04 Friday
    got = showing(s, SH, local(SH, 2026, 12, 3, 23), local(SH, 2026, 12, 4, 1), local(SH, 2026, 12, 4, 21, 59),
                  local(SH, 2026, 12, 4, 22), local(SH, 2026, 12, 5, 1), local(SH, 2026, 12, 5, 3),
                  local(SH, 2026, 12, 5, 22, 30), local(SH, 2026, 12, 6, 1, 59), local(SH, 2026, 12, 6, 2),
                  local(SH, 2026, 12, 6, 22), local(SH, 2026, 12, 7, 1))
    assert got == [False, False, False, True, True, False, True, True, False, False, False]
    assert boundaries(s, SH, local(SH, 2026, 12, 4, 12), 4) == [
        local(SH, 2026, 12, 4, 22), local(SH, 2026, 12, 5, 2), local(SH, 2026, 12, 5, 22), local(SH, 2026, 12, 6, 2)]
    assert describe(s) == "週五、週六 22:00–次日02:00"


def test_window_to_midnight():
    s = sched(daily=[{"days": ["sun"], "from": "20:00", "to": "00:00"}])
    assert showing(s, SH, local(SH, 2026, 12, 6, 23, 59), local(SH, 2026, 12, 7, 0), local(SH, 2026, 12, 7, 0, 30)) == [
        True, False, False]
    assert next_boundary(s, local(SH, 2026, 12, 6, 21), SH, LIVE) == local(SH, 2026, 12, 7)
    assert describe(s) == "週日 20:00–24:00"


def test_start_absent_means_when_approved():
    s = sched(recurrence={"rrule": "FREQ=DAILY", "duration": "PT2H"})
    live = local(SH, 2026, 12, 1, 14, 37)
    assert showing(s, SH, live - timedelta(seconds=1), live, live + timedelta(hours=2), live + timedelta(days=1),
                   live=live) == [False, True, False, True]
    assert has_started(s, live, live) and not has_started(s, live - timedelta(seconds=1), live)
    assert next_boundary(s, live - timedelta(days=3), SH, live) == live
    assert next_boundary(s, live, SH, live) == live + timedelta(hours=2)
    assert next_boundary(sched(), live, SH, live) is None
    assert next_boundary(sched(), live - timedelta(hours=1), SH, live) == live
    assert is_showing(sched(), live, SH, live)


def test_end_is_exclusive():
    s = sched(start="2026-12-01T09:00:00+08:00", end="2026-12-10T18:00:00+08:00")
    end = local(SH, 2026, 12, 10, 18)
    assert showing(s, SH, end - timedelta(microseconds=1), end, end + timedelta(days=400)) == [True, False, False]
    assert not has_ended(s, end - timedelta(microseconds=1)) and has_ended(s, end)
    assert next_boundary(s, local(SH, 2026, 12, 5), SH, LIVE) == end
    assert next_boundary(s, end, SH, LIVE) is None
    assert not has_ended(sched(), end)


def test_exhausted_rule_never_shows_again():
    s = sched(start="2026-12-01T09:00:00+08:00", recurrence={"rrule": "FREQ=WEEKLY;COUNT=2", "duration": "PT1H"})
    assert boundaries(s, SH, local(SH, 2026, 11, 1), 9) == [
        local(SH, 2026, 12, 1, 9), local(SH, 2026, 12, 1, 10), local(SH, 2026, 12, 8, 9), local(SH, 2026, 12, 8, 10)]
    assert not is_showing(s, local(SH, 2026, 12, 15, 9, 30), SH, LIVE)


def test_until_is_utc():
    s = sched(start="2026-12-01T09:00:00+08:00",
              recurrence={"rrule": "FREQ=DAILY;UNTIL=20261203T010000Z", "duration": "PT1H"})
    assert showing(s, SH, local(SH, 2026, 12, 3, 9, 30), local(SH, 2026, 12, 4, 9, 30)) == [True, False]
    assert next_boundary(s, local(SH, 2026, 12, 3, 12), SH, LIVE) is None


def test_overlapping_occurrences():
    s = sched(start="2026-12-01T00:00:00+08:00", recurrence={"rrule": "FREQ=DAILY;COUNT=3", "duration": "P2D"})
    assert showing(s, SH, local(SH, 2026, 12, 2, 12), local(SH, 2026, 12, 4, 23),
                   local(SH, 2026, 12, 5)) == [True, True, False]
    assert boundaries(s, SH, local(SH, 2026, 12, 1, 1), 5)[-1] == local(SH, 2026, 12, 5)


def test_naive_instants_are_refused():
    with pytest.raises(ValueError, match="at must be timezone-aware"):
        is_showing(sched(), datetime(2026, 1, 1), SH, LIVE)
    with pytest.raises(ValueError, match="live_since"):
        next_boundary(sched(), LIVE, SH, datetime(2026, 1, 1))


# --- daylight saving: New York changes on 2026-03-08 and 2026-11-01; Shanghai never ----------

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
NIGHT = sched(daily=[{"days": DAYS, "from": "01:30", "to": "02:30"}])
OFFICE = sched(daily=[{"days": DAYS, "from": "08:30", "to": "17:30"}])


@pytest.mark.parametrize("day", [7, 8, 9])
def test_office_hours_follow_the_wall_clock_across_spring_forward(day):
    opens, closes = local(NY, 2026, 3, day, 8, 30), local(NY, 2026, 3, day, 17, 30)
    assert showing(OFFICE, NY, opens - timedelta(minutes=1), opens, closes - timedelta(minutes=1), closes) == [
        False, True, True, False]
    assert next_boundary(OFFICE, local(NY, 2026, 3, day - 1, 18), NY, LIVE) == opens
    assert next_boundary(OFFICE, opens, NY, LIVE) == closes


@pytest.mark.parametrize("day", [(10, 31), (11, 1), (11, 2)])
def test_office_hours_follow_the_wall_clock_across_fall_back(day):
    opens, closes = local(NY, 2026, *day, 8, 30), local(NY, 2026, *day, 17, 30)
    assert showing(OFFICE, NY, opens - timedelta(minutes=1), opens, closes - timedelta(minutes=1), closes) == [
        False, True, True, False]
    assert next_boundary(OFFICE, opens, NY, LIVE) == closes


def test_office_hours_utc_instants():
    assert next_boundary(OFFICE, z(2026, 3, 7, 23), NY, LIVE) == z(2026, 3, 8, 12, 30)  # EDT
    assert next_boundary(OFFICE, z(2026, 3, 6, 23), NY, LIVE) == z(2026, 3, 7, 13, 30)  # EST
    assert next_boundary(OFFICE, z(2026, 10, 31, 23), NY, LIVE) == z(2026, 11, 1, 13, 30)  # EST
    assert next_boundary(OFFICE, z(2026, 10, 30, 23), NY, LIVE) == z(2026, 10, 31, 12, 30)  # EDT


def test_night_window_on_a_normal_night_both_sides():
    assert showing(NIGHT, NY, z(2026, 3, 7, 6, 29), z(2026, 3, 7, 6, 30),
                   z(2026, 3, 7, 7, 29), z(2026, 3, 7, 7, 30)) == [False, True, True, False]
    assert showing(NIGHT, NY, z(2026, 3, 9, 5, 29), z(2026, 3, 9, 5, 30),
                   z(2026, 3, 9, 6, 29), z(2026, 3, 9, 6, 30)) == [False, True, True, False]
    assert showing(NIGHT, NY, z(2026, 10, 31, 5, 29), z(2026, 10, 31, 5, 30),
                   z(2026, 10, 31, 6, 29), z(2026, 10, 31, 6, 30)) == [False, True, True, False]
    assert showing(NIGHT, NY, z(2026, 11, 2, 6, 29), z(2026, 11, 2, 6, 30),
                   z(2026, 11, 2, 7, 29), z(2026, 11, 2, 7, 30)) == [False, True, True, False]


def test_night_window_on_spring_forward_night_ends_when_the_clock_jumps():
    # 01:30 EST = 06:30Z; at 07:00Z the clock jumps from 02:00 EST to 03:00 EDT, past 02:30
    assert showing(NIGHT, NY, z(2026, 3, 8, 6, 29), z(2026, 3, 8, 6, 30),
                   z(2026, 3, 8, 6, 59, 59), z(2026, 3, 8, 7)) == [False, True, True, False]
    assert boundaries(NIGHT, NY, z(2026, 3, 8), 3) == [z(2026, 3, 8, 6, 30), z(2026, 3, 8, 7), z(2026, 3, 9, 5, 30)]


def test_night_window_on_fall_back_night_follows_the_clock_twice():
    # 01:30 EDT = 05:30Z; at 06:00Z the clock goes back from 02:00 EDT to 01:00 EST; 01:30 EST = 06:30Z
    assert showing(NIGHT, NY, z(2026, 11, 1, 5, 29), z(2026, 11, 1, 5, 30), z(2026, 11, 1, 6), z(2026, 11, 1, 6, 30),
                   z(2026, 11, 1, 7, 29), z(2026, 11, 1, 7, 30)) == [False, True, False, True, True, False]
    assert boundaries(NIGHT, NY, z(2026, 11, 1), 5) == [
        z(2026, 11, 1, 5, 30), z(2026, 11, 1, 6), z(2026, 11, 1, 6, 30), z(2026, 11, 1, 7, 30), z(2026, 11, 2, 6, 30)]


def test_window_inside_the_gap_does_not_show_that_night():
    s = sched(daily=[{"days": ["sun"], "from": "02:00", "to": "03:00"}])
    assert not any(showing(s, NY, *(z(2026, 3, 8, 6) + timedelta(minutes=m) for m in range(0, 120, 5))))
    assert next_boundary(s, z(2026, 3, 8), NY, LIVE) <= z(2026, 3, 8, 7)
    assert showing(s, NY, z(2026, 3, 15, 6, 30)) == [True]  # 02:30 EDT a week later


def test_night_window_in_shanghai_is_plain():
    s = NIGHT
    for d in (datetime(2026, 3, 8), datetime(2026, 11, 1)):
        opens = d.replace(hour=1, minute=30, tzinfo=SH)
        assert showing(s, SH, opens - timedelta(minutes=1), opens,
                       opens + timedelta(minutes=59), opens + timedelta(hours=1)) == [False, True, True, False]
        assert next_boundary(s, opens, SH, LIVE) == opens + timedelta(hours=1)


def test_instants_given_in_the_zone_itself_are_instants_not_wall_times():
    # arithmetic between two datetimes of the same ZoneInfo follows the wall clock; the
    # module must not: a boundary handed back in New York time still finds the jump at 07:00Z
    s = sched(start=local(NY, 2026, 3, 8).isoformat(), daily=[{"days": DAYS, "from": "00:00", "to": "02:00"}])
    assert boundaries(s, NY, local(NY, 2026, 3, 7, 12), 3) == [z(2026, 3, 8, 5), z(2026, 3, 8, 7), z(2026, 3, 9, 4)]
    assert next_boundary(s, local(NY, 2026, 3, 8), NY, LIVE) == z(2026, 3, 8, 7)
    assert next_boundary(s, local(NY, 2026, 3, 8), NY, LIVE).tzinfo is UTC
    # ... and comparisons honour fold: 01:10 EST comes after 01:50 EDT
    ends = Schedule(end=local(NY, 2026, 11, 1, 1, 50, fold=0))
    assert showing(ends, NY, local(NY, 2026, 11, 1, 1, 10, fold=0),
                   local(NY, 2026, 11, 1, 1, 10, fold=1)) == [True, False]
    assert has_ended(ends, local(NY, 2026, 11, 1, 1, 10, fold=1))
    starts = Schedule(start=local(NY, 2026, 11, 1, 1, 50, fold=0))
    assert has_started(starts, local(NY, 2026, 11, 1, 1, 10, fold=1), LIVE)


def test_monthly_occurrence_in_the_spring_gap_starts_when_the_clock_jumps():
    s = sched(start="2026-02-08T02:30:00-05:00", recurrence={"rrule": "FREQ=MONTHLY;BYMONTHDAY=8", "duration": "PT1H"})
    assert showing(s, NY, z(2026, 2, 8, 7, 30), z(2026, 2, 8, 8, 29), z(2026, 2, 8, 8, 30)) == [True, True, False]
    # 2026-03-08 02:30 does not exist: the occurrence starts at 07:00Z (03:00 EDT) and lasts one hour
    assert showing(s, NY, z(2026, 3, 8, 6, 59), z(2026, 3, 8, 7), z(2026, 3, 8, 7, 59), z(2026, 3, 8, 8)) == [
        False, True, True, False]
    assert boundaries(s, NY, z(2026, 3, 1), 4) == [
        z(2026, 3, 8, 7), z(2026, 3, 8, 8), z(2026, 4, 8, 6, 30), z(2026, 4, 8, 7, 30)]


def test_monthly_occurrence_at_an_ambiguous_time_is_the_first_one():
    s = sched(start="2026-10-01T01:30:00-04:00", recurrence={"rrule": "FREQ=MONTHLY;BYMONTHDAY=1", "duration": "PT1H"})
    assert boundaries(s, NY, z(2026, 10, 20), 4) == [
        z(2026, 11, 1, 5, 30), z(2026, 11, 1, 6, 30), z(2026, 12, 1, 6, 30), z(2026, 12, 1, 7, 30)]


@pytest.mark.parametrize(("tz", "month", "day"), [(NY, 3, 6), (NY, 10, 30), (SH, 3, 6), (SH, 10, 30)])
def test_days_of_a_duration_are_calendar_days_and_hours_are_elapsed(tz, month, day):
    start = local(tz, 2026, month, day, 9)
    days = sched(start=start.isoformat(), recurrence={"rrule": f"FREQ=MONTHLY;BYMONTHDAY={day}", "duration": "P3D"})
    hours = sched(start=start.isoformat(), recurrence={"rrule": f"FREQ=MONTHLY;BYMONTHDAY={day}", "duration": "PT72H"})
    assert next_boundary(days, start, tz, LIVE) == start + timedelta(days=3)  # same tzinfo: wall-clock arithmetic
    assert next_boundary(hours, start, tz, LIVE) == start.astimezone(UTC) + timedelta(hours=72)
    hours_in_three_days = {(NY, 3): 71, (NY, 10): 73}.get((tz, month), 72)
    assert (start + timedelta(days=3)) - start.astimezone(UTC) == timedelta(hours=hours_in_three_days)
    # a month later (no change of offset in between) both are 72 hours again
    assert next_boundary(days, start + timedelta(days=40), tz, LIVE).astimezone(tz).hour == 9


# --- the catalog, descriptions, speed ----------------------------------------------------------

def test_catalog_keeps_a_notice_from_its_start_on():
    s = sched(start="2026-12-01T09:00:00+08:00", end="2026-12-03T09:00:00+08:00",
              daily=[{"days": ["sun"], "from": "10:00", "to": "11:00"}])
    at = local(SH, 2026, 12, 2)
    assert has_started(s, at, LIVE) and not has_ended(s, at) and not is_showing(s, at, SH, LIVE)
    assert has_ended(s, local(SH, 2026, 12, 5))


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ({"recurrence": {"rrule": "FREQ=MONTHLY;BYMONTHDAY=16", "duration": "P3D"},
          "daily": [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "08:30", "to": "17:30"}]},
         "每月16日起，連續3天；週一至週五 08:30–17:30"),
        ({"recurrence": {"rrule": "FREQ=WEEKLY;BYDAY=MO,WE,FR", "duration": "PT8H"}}, "每週一、三、五起，持續8小時"),
        ({"recurrence": {"rrule": "FREQ=DAILY", "duration": "P1DT12H"}}, "每天起，持續1天12小時"),
        ({"recurrence": {"rrule": "FREQ=DAILY;INTERVAL=2;COUNT=5", "duration": "PT30M"}}, "每2天起，持續30分鐘，共5次"),
        ({"recurrence": {"rrule": "FREQ=MONTHLY;BYDAY=-1FR", "duration": "P1D"}}, "每月最後一個週五起，連續1天"),
        ({"recurrence": {"rrule": "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=1", "duration": "P2W"}}, "每年3月1日起，連續14天"),
        ({"recurrence": {"rrule": "FREQ=HOURLY;INTERVAL=6", "duration": "PT1H"}},
         "按規則 FREQ=HOURLY;INTERVAL=6，持續1小時"),
        ({"recurrence": {"rrule": "FREQ=MONTHLY;BYMONTHDAY=16;BYHOUR=0;BYMINUTE=0;BYSECOND=0", "duration": "P3D"}},
         "每月16日 00:00起，連續3天"),
        ({"recurrence": {"rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "duration": "PT90M"}},
         "每2週的週二起，持續1小時30分鐘"),
        ({"recurrence": {"rrule": "FREQ=MONTHLY;BYMONTHDAY=1,-1", "duration": "P1D"}}, "每月1日、最後一天起，連續1天"),
        ({"recurrence": {"rrule": "FREQ=DAILY;UNTIL=20271231T160000Z", "duration": "P1D"}},
         "按規則 FREQ=DAILY;UNTIL=20271231T160000Z，持續1天"),
        ({"daily": [{"days": ["sat", "sun"], "from": "09:00", "to": "12:00"},
                    {"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "from": "22:00", "to": "02:00"}]},
         "週六、週日 09:00–12:00；每天 22:00–次日02:00"),
        ({"daily": [{"days": ["mon", "tue", "wed", "fri", "sun"], "from": "09:00", "to": "12:00"}]},
         "週一至週三、週五、週日 09:00–12:00"),
        ({}, ""),
    ],
)
def test_describe(data, text):
    assert describe(sched(**data)) == text


def test_describe_other_languages_get_the_raw_rule():
    s = sched(recurrence={"rrule": "FREQ=MONTHLY;BYMONTHDAY=16", "duration": "P3D"},
              daily=[{"days": ["mon"], "from": "08:30", "to": "17:30"}])
    assert describe(s, "en") == "RRULE FREQ=MONTHLY;BYMONTHDAY=16 for P3D; mon 08:30-17:30"


def test_thousands_of_notices_are_cheap():
    now = z(2027, 6, 1, 3)
    rules = ["FREQ=DAILY", "FREQ=WEEKLY;BYDAY=MO,TH", "FREQ=MONTHLY;BYMONTHDAY=16", "FREQ=HOURLY;INTERVAL=7"]
    weekdays = [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "08:30", "to": "17:30"}]
    notices = [
        (sched(recurrence={"rrule": rules[i % 4], "duration": "P1D"}, daily=weekdays),
         now - timedelta(days=60) + timedelta(minutes=7 * i))
        for i in range(2000)
    ]
    # Cold (rules expanded from near the instant), then warm (cached): the same answers,
    # and every boundary after the instant asked. How fast is bench/rotation.py's business
    # (no timed assertions here: the machines are noisy).
    answers = []
    for _ in range(2):
        answers.append([(is_showing(s, now, NY, live), next_boundary(s, now, NY, live)) for s, live in notices])
    assert answers[0] == answers[1]
    assert all(boundary is None or boundary > now for _, boundary in answers[0])
