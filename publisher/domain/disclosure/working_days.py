"""Working days of the People's Republic of China, for disclosure deadlines.

The official calendar (public holidays plus the weekend days made working days, 调休) comes
from the maintained `chinese-calendar` package. The State Council publishes a year's
arrangement late in the year before, so a package release can lag behind: the
configuration may then declare that year itself (`CalendarConfig`). A year declared there
is known: its weekdays work and its weekends rest, except the listed holidays and working
days. For a year the package already knows, the declared days override the package's
verdict for those days only (a late correction needs no package upgrade).

A day of a year that neither knows raises `CalendarYearUnknown`: a deadline guessed from
weekdays alone could be a day early or late, so the caller must show the error instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import cache
from typing import Annotated

import chinese_calendar
from pydantic import BaseModel, ConfigDict, Field, model_validator

# Bounds so that no input drives an unbounded walk over the calendar.
MAX_WORKING_DAYS = 1000  # far above the 40 of an extended request
MAX_SPAN_DAYS = 366 * 20  # counting between two dates twenty years apart at most

Year = Annotated[int, Field(ge=1949, le=2200)]


class CalendarYearUnknown(ValueError):
    """A date falls in a year for which no official arrangement is known."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"the working-day calendar for {year} is not known: neither the chinese-calendar "
            f"package nor the configuration ([[disclosure.calendar.years]] with year = {year}) "
            "declares it; add that year's holidays and adjusted working days to the configuration"
        )


class CalendarYear(BaseModel):
    """One year's arrangement as the State Council published it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    year: Year
    holidays: list[date] = Field(default_factory=list, max_length=366)
    workdays: list[date] = Field(default_factory=list, max_length=366)

    @model_validator(mode="after")
    def _days_of_this_year(self) -> CalendarYear:
        for name in ("holidays", "workdays"):
            stray = [d.isoformat() for d in getattr(self, name) if d.year != self.year]
            if stray:
                raise ValueError(f"{name} of {self.year} lists days of another year: {', '.join(stray)}")
        both = sorted(set(self.holidays) & set(self.workdays))
        if both:
            raise ValueError(f"days listed as both holiday and working day: {', '.join(d.isoformat() for d in both)}")
        return self


class CalendarConfig(BaseModel):
    """The configuration section for extra calendar years (wired into settings later)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    years: list[CalendarYear] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def _one_entry_a_year(self) -> CalendarConfig:
        seen: set[int] = set()
        for entry in self.years:
            if entry.year in seen:
                raise ValueError(f"year {entry.year} is declared twice")
            seen.add(entry.year)
        return self


@cache
def package_knows(year: int) -> bool:
    """Whether the installed chinese-calendar release has the arrangement of `year`."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


class WorkingCalendar:
    """Answers "is this a working day?" and does working-day arithmetic.

    Built once from the configuration; cheap to query (a set lookup or a package call).
    """

    def __init__(self, extra_years: Iterable[CalendarYear] = ()) -> None:
        self._declared: set[int] = set()
        self._holidays: set[date] = set()
        self._workdays: set[date] = set()
        for entry in extra_years:
            self._declared.add(entry.year)
            self._holidays.update(entry.holidays)
            self._workdays.update(entry.workdays)

    @classmethod
    def from_config(cls, config: CalendarConfig | None = None) -> WorkingCalendar:
        return cls(config.years if config else ())

    def knows(self, year: int) -> bool:
        return year in self._declared or package_knows(year)

    def is_working_day(self, day: date) -> bool:
        if day in self._holidays:
            return False
        if day in self._workdays:
            return True
        if package_knows(day.year):
            return bool(chinese_calendar.is_workday(day))
        if day.year in self._declared:
            return day.weekday() < 5
        raise CalendarYearUnknown(day.year)

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        return self.add_working_days(day, 1)

    def add_working_days(self, start: date, count: int) -> date:
        """The `count`-th working day after `start`; `start` itself never counts.

        `add_working_days(d, 0)` is `d`. Negative counts are refused: no deadline runs back.
        """
        if not 0 <= count <= MAX_WORKING_DAYS:
            raise ValueError(f"count must be between 0 and {MAX_WORKING_DAYS}, got {count}")
        day = start
        remaining = count
        # a Chinese holiday run is at most ~10 days, so this walks about 1.5 days a count
        while remaining:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in the half-open span (start, end]: `start` does not count, `end` does.

        So `working_days_between(d, add_working_days(d, n)) == n`. If `end` is before
        `start` the answer is negative: minus the working days in (end, start].
        """
        if end < start:
            return -self.working_days_between(end, start)
        if (end - start).days > MAX_SPAN_DAYS:
            raise ValueError(f"dates more than {MAX_SPAN_DAYS} days apart: {start} and {end}")
        count = 0
        day = start + timedelta(days=1)
        while day <= end:
            if self.is_working_day(day):
                count += 1
            day += timedelta(days=1)
        return count
