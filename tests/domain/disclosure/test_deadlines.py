"""Deadlines of DISCLOSURE.md: the day of receipt does not count, a non-working day of
receipt counts from the next working day, 20 working days (40 extended), end of the local day."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from publisher.domain.disclosure.deadlines import (
    deadline_state,
    end_of_day,
    local_day,
    proactive_deadline,
    request_deadline,
)
from publisher.domain.disclosure.working_days import (
    CalendarYearUnknown,
    WorkingCalendar,
)

CAL = WorkingCalendar()
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_request_received_on_a_working_day() -> None:
    # Mon 23 Sep 2024; the 20th working day after it (hand count in test_working_days) is 24 Oct
    deadline = request_deadline(CAL, date(2024, 9, 23), SHANGHAI)
    assert deadline.counts_from == date(2024, 9, 23)
    assert deadline.due_on == date(2024, 10, 24)
    assert deadline.due_at == datetime(2024, 10, 25, 0, 0, tzinfo=SHANGHAI)
    assert deadline.due_at.astimezone(UTC) == datetime(2024, 10, 24, 16, 0, tzinfo=UTC)


def test_extension_adds_twenty_more_working_days() -> None:
    # 24 Oct + 20: 25, 28-31 Oct, 1, 4-8, 11-15, 18-21 Nov
    assert request_deadline(CAL, date(2024, 9, 23), SHANGHAI, extended=True).due_on == date(2024, 11, 21)


def test_request_received_on_a_holiday_counts_from_the_next_working_day() -> None:
    # Sat 5 Oct 2024 is in the National Day holiday; Tue 8 Oct is taken as the day of
    # receipt (not counted): 9-12 Oct (12th is a worked Saturday), 14-18, 21-25, 28-31, 1, 4 Nov
    deadline = request_deadline(CAL, date(2024, 10, 5), SHANGHAI)
    assert deadline.started_on == date(2024, 10, 5)
    assert deadline.counts_from == date(2024, 10, 8)
    assert deadline.due_on == date(2024, 11, 4)
    # received on the next working day itself: the same deadline
    assert request_deadline(CAL, date(2024, 10, 8), SHANGHAI).due_on == date(2024, 11, 4)


def test_request_received_on_an_ordinary_sunday() -> None:
    # Sun 14 Jan 2024 -> Mon 15 Jan is the day of receipt; Sun 4 Feb is a worked day of the
    # Spring Festival arrangement: 16-19, 22-26, 29-31 Jan, 1, 2, 4 (Sun), 5-9 Feb -> 9 Feb
    assert request_deadline(CAL, date(2024, 1, 14), SHANGHAI).due_on == date(2024, 2, 9)


def test_proactive_deadline_counts_from_issued_on() -> None:
    # issued Fri 27 Sep 2024: 29 (Sun, worked), 30 Sep, 8-12 Oct (12th a worked Saturday),
    # 14-18, 21-25, 28-30 Oct -> the 20th is 30 Oct
    assert proactive_deadline(CAL, date(2024, 9, 27), SHANGHAI).due_on == date(2024, 10, 30)
    # issued during the holiday: counts from Tue 8 Oct, like a request received on 5 Oct
    assert proactive_deadline(CAL, date(2024, 10, 2), SHANGHAI).due_on == date(2024, 11, 4)


def test_local_day_uses_the_bureau_zone() -> None:
    # 17:30 UTC on 7 Oct is 01:30 on 8 Oct in Shanghai: a working day, not the holiday
    received = datetime(2024, 10, 7, 17, 30, tzinfo=UTC)
    assert local_day(received, SHANGHAI) == date(2024, 10, 8)
    with pytest.raises(ValueError, match="timezone-aware"):
        local_day(datetime(2024, 10, 7, 17, 30), SHANGHAI)
    assert end_of_day(date(2024, 12, 31), SHANGHAI) == datetime(2025, 1, 1, tzinfo=SHANGHAI)


def test_deadline_states_for_the_overview() -> None:
    due = date(2024, 10, 24)  # Thursday
    assert deadline_state(CAL, due, today=date(2024, 10, 10)) == "open"  # 11 working days left
    assert deadline_state(CAL, due, today=date(2024, 10, 16)) == "open"  # 6 left: 17,18,21,22,23,24
    assert deadline_state(CAL, due, today=date(2024, 10, 17)) == "due_soon"  # 5 left
    assert deadline_state(CAL, due, today=due) == "due_soon"  # due today is not yet overdue
    assert deadline_state(CAL, due, today=date(2024, 10, 25)) == "overdue"
    assert deadline_state(CAL, due, today=date(2024, 10, 30), done_on=due) == "met"
    assert deadline_state(CAL, due, today=date(2024, 10, 30), done_on=date(2024, 10, 25)) == "late"


def test_deadline_in_an_unknown_year_is_an_error_not_a_guess() -> None:
    with pytest.raises(CalendarYearUnknown):
        request_deadline(CAL, date(2026, 12, 15), SHANGHAI)
