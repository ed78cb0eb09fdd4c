"""Request deadlines (publisher.domain.disclosure.requests) against the chinese-calendar
package over several years, and a year declared in the configuration counting exactly
as the package does when it declares the same days."""

from __future__ import annotations

from datetime import date, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import chinese_calendar
from hypothesis import given, settings
from hypothesis import strategies as st

from publisher.domain.disclosure import working_days
from publisher.domain.disclosure.requests import RequestCalendar, new_tracking_no, normal_tracking_no
from publisher.domain.disclosure.working_days import CalendarConfig, CalendarYear, WorkingCalendar

ZONE = ZoneInfo("Asia/Shanghai")
CALENDAR = RequestCalendar()
FIRST, LAST = date(2018, 1, 1), date(2026, 10, 31)  # the deadline (40 working days) stays in 2026


def nth_working_day_after(day: date, n: int) -> date:
    """The package's own answer: its list of working days, the n-th after `day`."""
    last = min(day + timedelta(days=3 * n + 30), date(2026, 12, 31))  # the package's last year
    days = chinese_calendar.get_workdays(day + timedelta(days=1), last)
    return days[n - 1]


@settings(max_examples=300, deadline=None, database=None)
@given(received=st.dates(min_value=FIRST, max_value=LAST), extended=st.booleans())
def test_request_deadline_agrees_with_the_package(received: date, extended: bool) -> None:
    due = CALENDAR.deadline(received, ZONE, extended)
    # a request received on a non-working day counts from the next working day
    day0 = received if chinese_calendar.is_workday(received) else nth_working_day_after(received, 1)
    assert due.due_on == nth_working_day_after(day0, 40 if extended else 20)
    assert due.provisional is False and chinese_calendar.is_workday(due.due_on)
    assert due.due_at.date() == due.due_on + timedelta(days=1)  # the end of the due day, local time


def _declared_like_the_package(year: int) -> CalendarYear:
    """The year as a bureau would type it from the State Council's notice: the weekdays
    off and the weekend days worked, taken here from the package."""
    days = [date(year, 1, 1) + timedelta(days=i) for i in range((date(year + 1, 1, 1) - date(year, 1, 1)).days)]
    return CalendarYear(
        year=year,
        holidays=[d for d in days if d.weekday() < 5 and not chinese_calendar.is_workday(d)],
        workdays=[d for d in days if d.weekday() >= 5 and chinese_calendar.is_workday(d)],
    )


@settings(max_examples=200, deadline=None, database=None)
@given(year=st.integers(min_value=2019, max_value=2025), offset=st.integers(min_value=0, max_value=300),
       n=st.integers(min_value=0, max_value=40))
def test_a_declared_year_counts_like_the_package(year: int, offset: int, n: int) -> None:
    start = date(year, 1, 1) + timedelta(days=offset)
    declared = WorkingCalendar.from_config(CalendarConfig(years=[_declared_like_the_package(year)]))
    # as if the package did not know the year: only the configuration answers
    real = working_days.package_knows
    with mock.patch.object(working_days, "package_knows", lambda y: y != year and real(y)):
        counted = declared.add_working_days(start, n)
        if counted.year == year:
            assert counted == (nth_working_day_after(start, n) if n else start)
            assert declared.working_days_between(start, counted) == n


def test_a_year_nobody_knows_gives_a_provisional_weekday_deadline() -> None:
    due = CALENDAR.deadline(date(2026, 12, 21), ZONE, extended=False)
    # 22-31 December 2026: 8 working days; then 12 weekdays of 2027 from Friday 1 January
    assert due.provisional is True and due.due_on == date(2027, 1, 18)
    known = RequestCalendar(CalendarConfig(years=[CalendarYear(year=2027, holidays=[date(2027, 1, 1)])]))
    official = known.deadline(date(2026, 12, 21), ZONE, extended=False)
    assert official.provisional is False and official.due_on == date(2027, 1, 19)


@settings(max_examples=100, database=None)
@given(year=st.integers(min_value=2004, max_value=2200))
def test_tracking_numbers_read_back_as_typed(year: int) -> None:
    number = new_tracking_no(year)
    assert normal_tracking_no(number) == number
    assert normal_tracking_no(f"  {number.lower()} ") == number
    assert normal_tracking_no(number[:-1]) is None and normal_tracking_no(number.replace("-", "_")) is None
