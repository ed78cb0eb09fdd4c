"""The yearly report of a year as one value: section 一's figures, tables 2, 3 and 4, and
the checks, with `as_dict()` giving the JSON form of DISCLOSURE.md.

`organization` and `generated_at` are passed in (the configuration's name and the
caller's clock), like everything else here. Heavy only in the number of records (one
pass over each list), so the caller runs it in the executor for a bureau's full history.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from publisher.domain.disclosure.report_checks import (
    Check,
    table3_checks,
    table4_checks,
    violations,
)
from publisher.domain.disclosure.report_records import (
    NoticeRecord,
    RequestRecord,
    ReviewCase,
    StaffFigures,
)
from publisher.domain.disclosure.report_tables import (
    per_day,
    portal_items,
    proactive_by_category,
    table2,
    table3,
    table4,
)

MIN_YEAR, MAX_YEAR = 2008, 2200  # the Regulations took effect on 1 May 2008


@dataclass(frozen=True)
class YearReport:
    year: int
    organization: str
    generated_at: datetime | None
    proactive_by_category: dict[str, int]
    portal_items: int
    portal_items_per_day: Decimal
    table2: dict[str, dict[str, Any]]
    table3: dict[str, dict[str, int]]
    table4: dict[str, dict[str, int]]
    checks: list[Check] = field(default_factory=list)

    @property
    def proactive_total(self) -> int:
        return sum(self.proactive_by_category.values())

    @property
    def violations(self) -> list[Check]:
        return violations(self.checks)

    @property
    def publishable(self) -> bool:
        """A report that breaks a check is not published; `violations` says which cells."""
        return not self.violations

    def as_dict(self) -> dict[str, Any]:
        fees = self.table2["art20_8"]["fees_10k_yuan"]
        table2 = {**self.table2, "art20_8": {"fees_10k_yuan": _number(fees)}}
        return {
            "year": self.year,
            "organization": self.organization,
            "generated_at": self.generated_at.isoformat() if self.generated_at else None,
            "proactive_by_category": dict(self.proactive_by_category),
            "proactive_total": self.proactive_total,
            "portal_items": self.portal_items,
            "portal_items_per_day": float(self.portal_items_per_day),
            "table2": table2,
            "table3": self.table3,
            "table4": self.table4,
            "checks": [check.as_dict() for check in self.checks],
        }


def _number(value: Decimal) -> int | float:
    """A JSON number: an integer when whole, else the decimal's own digits as a float."""
    return int(value) if value == value.to_integral_value() else float(value)


def compute_report(
    year: int,
    *,
    catalog: Sequence[str],
    notices: Sequence[NoticeRecord] = (),
    requests: Sequence[RequestRecord] = (),
    cases: Sequence[ReviewCase] = (),
    figures: StaffFigures | None = None,
    previous_carried_out: Mapping[str, int] | None = None,
    organization: str = "",
    generated_at: datetime | None = None,
) -> YearReport:
    """The report of `year`. Empty lists give a report of zeros, never an error.

    `catalog` is the configured category codes in their order; `previous_carried_out` is
    row 四 of last year's published report (the year-to-year check runs only with it).
    """
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"year must be between {MIN_YEAR} and {MAX_YEAR}, got {year}")
    items = portal_items(notices, year)
    t3 = table3(requests, year)
    t4 = table4(cases, year)
    return YearReport(
        year=year,
        organization=organization,
        generated_at=generated_at,
        proactive_by_category=proactive_by_category(notices, year, catalog),
        portal_items=items,
        portal_items_per_day=per_day(items, year),
        table2=table2(notices, year, figures),
        table3=t3,
        table4=t4,
        checks=[*table3_checks(t3, previous_carried_out), *table4_checks(t4)],
    )
