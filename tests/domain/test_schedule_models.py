"""The schedule object of the contract: what it accepts, what it refuses and where it says so."""

from datetime import datetime, time, timedelta, timezone

import pytest
from pydantic import ValidationError

from publisher.domain.schedule import DailyWindow, Recurrence, Schedule

CONTRACT_EXAMPLE = {
    "start": "2026-12-01T09:00:00+08:00",
    "end": None,
    "recurrence": {"rrule": "FREQ=MONTHLY;BYMONTHDAY=15", "duration": "P4D"},
    "daily": [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "08:30", "to": "17:30"}],
    "dwell_s": 10,
}


def refusal(data: dict) -> tuple[tuple, str]:
    with pytest.raises(ValidationError) as info:
        Schedule.model_validate(data)
    errors = info.value.errors()
    assert len(errors) == 1, errors
    return errors[0]["loc"], errors[0]["msg"]


def test_contract_example_round_trips_through_json():
    schedule = Schedule.model_validate(CONTRACT_EXAMPLE)
    assert schedule.start == datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)
    assert schedule.daily[0].from_ == time(8, 30)
    assert schedule.recurrence.duration_days == 4
    dumped = schedule.model_dump(mode="json")
    assert dumped["daily"][0] == {"days": ["mon", "tue", "wed", "thu", "fri"], "from": "08:30", "to": "17:30"}
    assert dumped["start"] == "2026-12-01T09:00:00+08:00"
    assert Schedule.model_validate_json(schedule.model_dump_json()) == schedule


def test_defaults_and_population_by_name():
    schedule = Schedule()
    got = (schedule.start, schedule.end, schedule.recurrence, schedule.daily, schedule.dwell_s)
    assert got == (None, None, None, [], 10)
    window = DailyWindow(days=["sat"], from_=time(22), to=time(2))
    assert window.overnight and window.model_dump() == {"days": ["sat"], "from": time(22), "to": time(2)}


@pytest.mark.parametrize(
    ("text", "days", "exact"),
    [
        ("P3D", 3, timedelta(0)),
        ("PT8H", 0, timedelta(hours=8)),
        ("P1DT12H", 1, timedelta(hours=12)),
        ("P2W", 14, timedelta(0)),
        ("PT90M", 0, timedelta(minutes=90)),
        ("PT45S", 0, timedelta(seconds=45)),
        ("p1w2dt3h4m5s", 9, timedelta(hours=3, minutes=4, seconds=5)),
    ],
)
def test_durations(text, days, exact):
    rec = Recurrence(rrule="FREQ=DAILY", duration=text)
    assert (rec.duration_days, rec.duration_time) == (days, exact)
    assert rec.duration_timedelta == timedelta(days=days) + exact


@pytest.mark.parametrize(
    ("rrule", "stored"),
    [
        ("FREQ=MONTHLY;BYMONTHDAY=16", "FREQ=MONTHLY;BYMONTHDAY=16"),
        ("freq=weekly;byday=mo,we,fr;", "FREQ=WEEKLY;BYDAY=MO,WE,FR"),
        ("RRULE:FREQ=DAILY;INTERVAL=2", "FREQ=DAILY;INTERVAL=2"),
        ("FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20271231T160000Z", "FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20271231T160000Z"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"),
        ("FREQ=HOURLY;INTERVAL=6;COUNT=10", "FREQ=HOURLY;INTERVAL=6;COUNT=10"),
    ],
)
def test_rrules_accepted_and_normalised(rrule, stored):
    rec = Recurrence(rrule=rrule, duration="P1D")
    assert rec.rrule == stored
    assert rec.until == (datetime(2027, 12, 31, 16, tzinfo=timezone.utc) if "UNTIL" in stored else None)
    assert "UNTIL" not in rec.rule_body


@pytest.mark.parametrize(
    ("rrule", "says"),
    [
        ("", "must not be empty"),
        ("FREQ=FORTNIGHTLY", "FREQ"),
        ("BYMONTHDAY=16", "FREQ is required"),
        ("FREQ=MINUTELY", "FREQ"),
        ("FREQ=MONTHLY;BYMONTHDAY=40", "BYMONTHDAY must be -31..31"),
        ("FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY must be -31..31"),
        ("FREQ=MONTHLY;BYMONTH=13", "BYMONTH must be 1..12"),
        ("FREQ=DAILY;INTERVAL=-1", "INTERVAL must be 1..1000"),
        ("FREQ=DAILY;COUNT=x", "COUNT must be"),
        ("FREQ=DAILY;BYHOUR=25", "BYHOUR must be 0..23"),
        ("FREQ=MONTHLY;FOO=1", "not a valid RRULE"),
        ("FREQ=MONTHLY;BYDAY=XX", "not a valid RRULE"),
        ("FREQ=MONTHLY;INTERVAL=0", "INTERVAL must be 1..1000"),
        ("FREQ=MONTHLY;BYMONTHDAY", "NAME=VALUE"),
        ("FREQ=MONTHLY;FREQ=DAILY", "twice"),
        ("FREQ=MONTHLY;DTSTART=20260101T000000", "DTSTART"),
        ("DTSTART:20260101T000000\nRRULE:FREQ=MONTHLY", "rule body"),
        ("FREQ=MONTHLY;UNTIL=20271231T160000", "UTC"),
        ("FREQ=MONTHLY;UNTIL=20271231", "UTC"),
        ("FREQ=MONTHLY;UNTIL=20271340T000000Z", "UTC"),
        ("FREQ=DAILY;COUNT=3;UNTIL=20271231T160000Z", "UNTIL and COUNT"),
        ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "never"),
        ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6", "never"),
        ("FREQ=DAILY;COUNT=0", "COUNT must be 1..1000"),
        ("FREQ=YEARLY;BYWEEKNO=53;BYMONTH=2", "never"),
        ("FREQ=DAILY;" + "BYHOUR=1;" * 120, "String should have at most 500 characters"),
    ],
)
def test_bad_rrule_is_refused_naming_the_field(rrule, says):
    loc, msg = refusal({"recurrence": {"rrule": rrule, "duration": "P1D"}})
    assert loc == ("recurrence", "rrule")
    assert says in msg


@pytest.mark.parametrize(
    ("duration", "says"),
    [
        ("P0D", "longer than zero"),
        ("PT0S", "longer than zero"),
        ("-P1D", "positive"),
        ("P1M", "ambiguous"),
        ("P1Y", "ambiguous"),
        ("P1Y2M3D", "ambiguous"),
        ("P", "not an ISO 8601 duration"),
        ("PT", "not an ISO 8601 duration"),
        ("P1DT", "not an ISO 8601 duration"),
        ("3 days", "not an ISO 8601 duration"),
        ("PT1.5H", "not an ISO 8601 duration"),
        ("P1H", "not an ISO 8601 duration"),
        ("P367D", "at most 366 days"),
    ],
)
def test_bad_duration_is_refused_naming_the_field(duration, says):
    loc, msg = refusal({"recurrence": {"rrule": "FREQ=DAILY", "duration": duration}})
    assert loc == ("recurrence", "duration")
    assert says in msg


@pytest.mark.parametrize(
    ("window", "loc", "says"),
    [
        ({"days": ["mon"], "from": "08:30", "to": "08:30"}, ("daily", 0, "to"), "differ"),
        ({"days": ["mon"], "from": "00:00", "to": "00:00:00"}, ("daily", 0, "to"), "differ"),
        ({"days": ["mon", "funday"], "from": "08:30", "to": "17:30"}, ("daily", 0, "days", 1), "'mon'"),
        ({"days": ["Mon"], "from": "08:30", "to": "17:30"}, ("daily", 0, "days", 0), "'mon'"),
        ({"days": [], "from": "08:30", "to": "17:30"}, ("daily", 0, "days"), "at least 1"),
        ({"days": ["mon", "mon"], "from": "08:30", "to": "17:30"}, ("daily", 0, "days"), "twice"),
        ({"days": ["mon"], "from": "8:30", "to": "17:30"}, ("daily", 0, "from"), "HH:MM"),
        ({"days": ["mon"], "from": "08:30", "to": "24:00"}, ("daily", 0, "to"), "HH:MM"),
        ({"days": ["mon"], "from": "08:30+08:00", "to": "17:30"}, ("daily", 0, "from"), "without an offset"),
        ({"days": ["mon"], "from": 3600, "to": "17:30"}, ("daily", 0, "from"), "HH:MM"),
        ({"days": ["mon"], "from": "08:30"}, ("daily", 0, "to"), "Field required"),
        ({"days": ["mon"], "from": "08:30", "to": "17:30", "tz": "UTC"}, ("daily", 0, "tz"), "Extra inputs"),
    ],
)
def test_bad_window_is_refused_naming_the_field(window, loc, says):
    got_loc, msg = refusal({"daily": [{"days": ["sun"], "from": "10:00", "to": "12:00"}, window][1:]})
    assert got_loc == loc
    assert says in msg


def test_too_many_windows():
    loc, msg = refusal({"daily": [{"days": ["mon"], "from": "08:00", "to": "09:00"}] * 15})
    assert loc == ("daily",)


@pytest.mark.parametrize(
    ("data", "loc", "says"),
    [
        ({"start": "2026-12-01T09:00:00+08:00", "end": "2026-12-01T09:00:00+08:00"}, ("end",), "after start"),
        ({"start": "2026-12-01T09:00:00+08:00", "end": "2026-12-01T00:59:00Z"}, ("end",), "after start"),
        ({"start": "2026-12-01T09:00:00"}, ("start",), "timezone"),
        ({"end": "2026-12-01T09:00:00"}, ("end",), "timezone"),
        ({"start": "yesterday"}, ("start",), "datetime"),
        ({"dwell_s": 0}, ("dwell_s",), "greater than or equal to 1"),
        ({"dwell_s": 301}, ("dwell_s",), "less than or equal to 300"),
        ({"colour": "red"}, ("colour",), "Extra inputs"),
        ({"recurrence": {"rrule": "FREQ=DAILY", "duration": "P1D", "x": 1}}, ("recurrence", "x"), "Extra inputs"),
        ({"recurrence": {"rrule": "FREQ=DAILY"}}, ("recurrence", "duration"), "Field required"),
    ],
)
def test_other_refusals_name_the_field(data, loc, says):
    got_loc, msg = refusal(data)
    assert got_loc == loc
    assert says in msg


def test_end_alone_and_start_alone_are_fine():
    assert Schedule(end=datetime(2026, 1, 1, tzinfo=timezone.utc)).start is None
    assert Schedule(start=datetime(2026, 1, 1, tzinfo=timezone.utc)).end is None
