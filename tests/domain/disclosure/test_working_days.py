"""Working days: the official calendar (adjusted weekends included), configured extra years,
the arithmetic checked by hand on known holiday runs and by property against the package."""

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from publisher.domain.disclosure.working_days import (
    MAX_WORKING_DAYS,
    CalendarConfig,
    CalendarYear,
    CalendarYearUnknown,
    WorkingCalendar,
    package_knows,
)

CAL = WorkingCalendar()
# 2027 is not in chinese-calendar 1.11; these are the days a bureau would type in from the
# State Council's notice (the test only needs them to be some arrangement).
YEAR_2027 = CalendarYear(
    year=2027,
    holidays=[date(2027, 1, 1), date(2027, 2, 8), date(2027, 2, 9), date(2027, 2, 10)],
    workdays=[date(2027, 2, 6)],  # a Saturday made a working day
)


def test_adjusted_weekends_and_holidays_of_2024() -> None:
    # Spring Festival 2024: 10-17 February off, Sundays 4 and 18 February worked
    assert CAL.is_working_day(date(2024, 2, 4))  # Sunday
    assert CAL.is_working_day(date(2024, 2, 18))  # Sunday
    assert not CAL.is_working_day(date(2024, 2, 14))  # Wednesday in the holiday
    # National Day 2024: 1-7 October off, Sunday 29 September and Saturday 12 October worked
    assert CAL.is_working_day(date(2024, 9, 29))
    assert CAL.is_working_day(date(2024, 10, 12))
    assert not CAL.is_working_day(date(2024, 10, 7))  # Monday in the holiday
    assert not CAL.is_working_day(date(2024, 10, 13))  # an ordinary Sunday
    assert CAL.is_working_day(date(2024, 10, 14))  # an ordinary Monday


def test_adding_across_national_day_counted_by_hand() -> None:
    # Mon 23 Sep 2024 + 20: 24,25,26,27,29(Sun),30 | 8,9,10,11,12(Sat),14,...,18,21,22,23,24 Oct
    assert CAL.add_working_days(date(2024, 9, 23), 6) == date(2024, 9, 30)
    assert CAL.add_working_days(date(2024, 9, 23), 7) == date(2024, 10, 8)
    assert CAL.add_working_days(date(2024, 9, 23), 20) == date(2024, 10, 24)
    assert CAL.add_working_days(date(2024, 9, 23), 0) == date(2024, 9, 23)
    # starting on a holiday: the first working day after it is day 1
    assert CAL.add_working_days(date(2024, 10, 3), 1) == date(2024, 10, 8)
    assert CAL.next_working_day(date(2024, 9, 28)) == date(2024, 9, 29)


def test_working_days_between_is_half_open() -> None:
    assert CAL.working_days_between(date(2024, 9, 23), date(2024, 10, 24)) == 20
    assert CAL.working_days_between(date(2024, 10, 24), date(2024, 9, 23)) == -20
    assert CAL.working_days_between(date(2024, 10, 1), date(2024, 10, 7)) == 0
    assert CAL.working_days_between(date(2024, 10, 7), date(2024, 10, 8)) == 1
    assert CAL.working_days_between(date(2024, 5, 6), date(2024, 5, 6)) == 0


def test_bounds_refuse_runaway_counts() -> None:
    with pytest.raises(ValueError, match="count must be between"):
        CAL.add_working_days(date(2024, 1, 1), -1)
    with pytest.raises(ValueError, match="count must be between"):
        CAL.add_working_days(date(2024, 1, 1), MAX_WORKING_DAYS + 1)
    with pytest.raises(ValueError, match="days apart"):
        CAL.working_days_between(date(2004, 1, 1), date(2026, 1, 1))


def test_unknown_year_is_a_clear_error() -> None:
    assert not package_knows(2027) and not package_knows(2003)
    with pytest.raises(CalendarYearUnknown) as caught:
        CAL.is_working_day(date(2027, 3, 1))
    assert caught.value.year == 2027
    assert "2027" in str(caught.value) and "configuration" in str(caught.value)
    # a count that runs out of the known years fails instead of guessing
    with pytest.raises(CalendarYearUnknown):
        CAL.add_working_days(date(2026, 12, 20), 20)
    with pytest.raises(CalendarYearUnknown):
        CAL.is_working_day(date(2003, 12, 31))


def test_configured_year_fills_the_gap() -> None:
    cal = WorkingCalendar.from_config(CalendarConfig(years=[YEAR_2027]))
    assert cal.knows(2027) and not cal.knows(2028) and cal.knows(2026)
    assert not cal.is_working_day(date(2027, 1, 1))  # declared holiday (a Friday)
    assert cal.is_working_day(date(2027, 2, 6))  # declared working Saturday
    assert not cal.is_working_day(date(2027, 2, 7))  # undeclared Sunday rests
    assert cal.is_working_day(date(2027, 2, 11))  # undeclared Thursday works
    # from Thu 24 Dec 2026: 25, 28, 29, 30, 31 Dec (package) then 4, 5 Jan 2027 (config)
    assert cal.add_working_days(date(2026, 12, 24), 7) == date(2027, 1, 5)
    assert cal.working_days_between(date(2027, 2, 5), date(2027, 2, 11)) == 2  # 6 Feb and 11 Feb


def test_configured_days_override_the_package_for_those_days_only() -> None:
    correction = CalendarYear(year=2024, holidays=[date(2024, 10, 14)], workdays=[date(2024, 10, 13)])
    cal = WorkingCalendar([correction])
    assert not cal.is_working_day(date(2024, 10, 14))
    assert cal.is_working_day(date(2024, 10, 13))
    assert cal.is_working_day(date(2024, 9, 29))  # the package still answers the rest
    assert not cal.is_working_day(date(2024, 10, 1))


@pytest.mark.parametrize(
    ("years", "message"),
    [
        ([{"year": 2027, "holidays": ["2026-12-31"]}], "another year"),
        ([{"year": 2027, "holidays": ["2027-01-01"], "workdays": ["2027-01-01"]}], "both holiday and working day"),
        ([{"year": 2027}, {"year": 2027}], "declared twice"),
        ([{"year": 1800}], "greater than or equal"),
        ([{"year": 2027, "weekends": []}], "Extra inputs are not permitted"),
        ([{"year": 2027, "holidays": ["not a date"]}], "date"),
    ],
)
def test_config_refuses_bad_years(years: list[dict], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        CalendarConfig.model_validate({"years": years})


# --- property: the arithmetic agrees with the package over several years ---------------

KNOWN_START = date(2018, 1, 1)
KNOWN_END = date(2026, 9, 1)  # leaves room for 60 working days inside 2026


def package_nth_working_day_after(start: date, n: int) -> date:
    last = min(start + timedelta(days=3 * n + 40), date(2026, 12, 31))
    days = chinese_calendar.get_workdays(start + timedelta(days=1), last)
    return days[n - 1] if n else start


@settings(max_examples=300, deadline=None, database=None)
@given(
    start=st.dates(min_value=KNOWN_START, max_value=KNOWN_END),
    n=st.integers(min_value=0, max_value=60),
)
def test_add_working_days_agrees_with_the_package(start: date, n: int) -> None:
    end = CAL.add_working_days(start, n)
    assert end == package_nth_working_day_after(start, n)
    assert CAL.working_days_between(start, end) == n
    if n:
        assert chinese_calendar.is_workday(end)


@settings(max_examples=300, deadline=None, database=None)
@given(
    start=st.dates(min_value=KNOWN_START, max_value=KNOWN_END),
    span=st.integers(min_value=0, max_value=120),
)
def test_working_days_between_agrees_with_the_package(start: date, span: int) -> None:
    end = start + timedelta(days=span)
    expected = len(chinese_calendar.get_workdays(start + timedelta(days=1), end)) if span else 0
    assert CAL.working_days_between(start, end) == expected
    assert CAL.working_days_between(end, start) == -expected
