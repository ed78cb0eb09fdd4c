"""The figures of the yearly report, computed from records (one pass over each list).

Which record counts where in year Y (all days are the bureau's local days):

- Section 一: a notice counts in the year it was first made public, under its catalog
  category; portal items are those of them on the portal channel, and their average per
  day is items / days of the year, rounded half up to one decimal (1,307 / 365 = 3.6).
- Table 2, row 1 (规章 and 行政规范性文件, by `doc_kind`), over notices ever made public:
  issued = made (meta.issued_on, else first public) in Y; repealed = repealed_on in Y;
  in force = made by 31 December of Y and not repealed by then. Rows 5 to 8 are the
  figures staff entered for Y (zeros if none).
- Table 3: new = received in Y; carried in = received before Y and not answered before
  it; 三 = answered in Y, by outcome code, with each group (不予公开, 无法提供, 不予处理,
  其他处理) the sum of its codes and （七） the sum of （一）to（六）; carried out =
  received by the end of Y and not answered in it. Each row has one column per applicant
  kind and 总计.
- Table 4: the year's cases are those filed by the end of Y and not decided before it:
  decided in Y counts under its outcome, otherwise 尚未审结 (like table 3, a case pending
  across a year end shows as pending in one year and decided in the next).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from publisher.domain.disclosure.report_codes import (
    APPLICANT_KINDS,
    CASE_KINDS,
    CASE_OUTCOMES,
    OUTCOME_GROUPS,
    TABLE2_ART20_1_KINDS,
    TABLE3_COLUMNS,
    TABLE3_ROW_CODES,
    TABLE4_COLUMNS,
)
from publisher.domain.disclosure.report_records import (
    NoticeRecord,
    RequestRecord,
    ReviewCase,
    StaffFigures,
)

Table = dict[str, dict[str, int]]


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def days_in_year(year: int) -> int:
    return (date(year + 1, 1, 1) - date(year, 1, 1)).days


def _in_year(day: date | None, year: int) -> bool:
    return day is not None and day.year == year


def proactive_by_category(notices: Iterable[NoticeRecord], year: int, catalog: Sequence[str]) -> dict[str, int]:
    """Notices first made public in the year by catalog code: every configured category
    (zero if none), then any code no longer in the catalog that old records still carry."""
    counts = dict.fromkeys(catalog, 0)
    for notice in notices:
        if _in_year(notice.first_public_on, year):
            counts[notice.category] = counts.get(notice.category, 0) + 1
    return counts


def portal_items(notices: Iterable[NoticeRecord], year: int) -> int:
    return sum(1 for n in notices if n.on_portal and _in_year(n.first_public_on, year))


def per_day(items: int, year: int) -> Decimal:
    return (Decimal(items) / days_in_year(year)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def table2(notices: Iterable[NoticeRecord], year: int, figures: StaffFigures | None) -> dict[str, dict[str, Any]]:
    _, last = year_bounds(year)
    art20_1 = {kind: {"issued": 0, "repealed": 0, "in_force": 0} for kind in TABLE2_ART20_1_KINDS}
    for notice in notices:
        row = art20_1.get(notice.doc_kind)
        made_on = notice.made_on
        if row is None or notice.first_public_on is None or made_on is None:
            continue
        if made_on.year == year:
            row["issued"] += 1
        if notice.validity == "repealed" and _in_year(notice.repealed_on, year):
            row["repealed"] += 1
        repealed_by_end = notice.repealed_on is not None and notice.repealed_on <= last
        if made_on <= last and not repealed_by_end:
            row["in_force"] += 1
    staff = figures or StaffFigures()
    return {
        "art20_1": art20_1,
        "art20_5": {"licensing": staff.licensing},
        "art20_6": {"penalty": staff.penalty, "coercion": staff.coercion},
        "art20_8": {"fees_10k_yuan": staff.fees_10k_yuan},
    }


def _group_of(outcome: str) -> str | None:
    head = outcome.split(".", 1)[0]
    return head if head in OUTCOME_GROUPS else None


def table3(requests: Iterable[RequestRecord], year: int) -> Table:
    first, last = year_bounds(year)
    counts: Counter[tuple[str, str]] = Counter()
    for request in requests:
        kind = request.applicant_kind
        if request.received_on > last:
            continue
        answered = request.replied_on
        if request.received_on >= first:
            counts["new", kind] += 1
        elif answered is None or answered >= first:
            counts["carried_in", kind] += 1
        if answered is not None and first <= answered <= last:
            outcome = request.outcome or ""
            counts[outcome, kind] += 1
            group = _group_of(outcome)
            if group:
                counts[group, kind] += 1
            counts["total", kind] += 1
        elif answered is None or answered > last:
            counts["carried_out", kind] += 1
    table: Table = {}
    for row in TABLE3_ROW_CODES:
        cells = {kind: counts[row, kind] for kind in APPLICANT_KINDS}
        cells["total"] = sum(cells.values())
        table[row] = {column: cells[column] for column in TABLE3_COLUMNS}
    return table


def table4(cases: Iterable[ReviewCase], year: int) -> Table:
    first, last = year_bounds(year)
    table: Table = {kind: dict.fromkeys(TABLE4_COLUMNS, 0) for kind in CASE_KINDS}
    for case in cases:
        if case.filed_on > last or (case.decided_on is not None and case.decided_on < first):
            continue
        row = table[case.kind]
        if case.decided_on is not None and case.decided_on <= last and case.outcome is not None:
            row[case.outcome] += 1
        else:
            row["pending"] += 1
    for row in table.values():
        row["total"] = sum(row[column] for column in (*CASE_OUTCOMES, "pending"))
    return table

