"""The checks a report must pass before it is published (DISCLOSURE.md), each naming the
cell it is about, so that staff see exactly which figure is wrong.

They run on the tables, not on the records: the computed tables pass them by
construction, but a table that was edited, imported or stored under older rules may not,
and the year-to-year rule compares with a report already published.

Table 3, in every column: 一 + 二 = （七）+ 四 (the cell named is 四, carried_out); each
group equals the sum of its codes; （七） equals the sum of （一）to（六）; 总计 equals the six
applicant columns (in every row); this year's 二 equals last year's published 四.
Table 4: in each group 总计 is the sum of the other four.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from publisher.domain.disclosure.report_codes import (
    APPLICANT_KINDS,
    CASE_KINDS,
    CASE_OUTCOMES,
    OUTCOME_GROUPS,
    RESULT_ROWS,
    TABLE3_COLUMNS,
    TABLE3_ROW_CODES,
)

Table = Mapping[str, Mapping[str, int]]

BALANCE = "new + carried_in = total + carried_out"
RESULTS_TOTAL = "total = disclosed + partly + withheld + unavailable + not_processed + other"
COLUMN_TOTAL = "total column = sum of the six applicant columns"
CARRIED_OVER = "carried_in = last year's carried_out"
CASES_TOTAL = "total = upheld + corrected + other + pending"


def group_rule(group: str) -> str:
    return f"{group} = sum of {group}.*"


@dataclass(frozen=True, slots=True)
class Check:
    rule: str
    table: str
    row: str
    column: str
    ok: bool
    expected: int  # what the rule gives for the cell
    actual: int  # what the cell holds

    @property
    def cell(self) -> str:
        return f"{self.table}.{self.row}.{self.column}"

    @property
    def message(self) -> str:
        if self.ok:
            return f"{self.cell}: {self.rule}"
        return f"{self.cell} is {self.actual}, but {self.rule} gives {self.expected}"

    def as_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "cell": self.cell,
            "column": self.column,
            "ok": self.ok,
            "expected": self.expected,
            "actual": self.actual,
        }


def _cell(table: Table, row: str, column: str) -> int:
    return int(table.get(row, {}).get(column, 0))


def _check(rule: str, table: str, row: str, column: str, expected: int, actual: int) -> Check:
    return Check(rule, table, row, column, expected == actual, expected, actual)


def table3_checks(table: Table, previous_carried_out: Mapping[str, int] | None = None) -> list[Check]:
    """Every rule of table 3 in every column; `previous_carried_out` is row 四 of last
    year's published report, if there is one."""
    checks: list[Check] = []
    for column in TABLE3_COLUMNS:
        cells = {row: _cell(table, row, column) for row in TABLE3_ROW_CODES}
        checks.append(
            _check(BALANCE, "table3", "carried_out", column,
                   cells["new"] + cells["carried_in"] - cells["total"], cells["carried_out"])
        )
        for group, codes in OUTCOME_GROUPS.items():
            checks.append(
                _check(group_rule(group), "table3", group, column, sum(cells[c] for c in codes), cells[group])
            )
        checks.append(
            _check(RESULTS_TOTAL, "table3", "total", column, sum(cells[r] for r in RESULT_ROWS), cells["total"])
        )
        if previous_carried_out is not None:
            checks.append(
                _check(CARRIED_OVER, "table3", "carried_in", column,
                       int(previous_carried_out.get(column, 0)), cells["carried_in"])
            )
    for row in TABLE3_ROW_CODES:
        checks.append(
            _check(COLUMN_TOTAL, "table3", row, "total",
                   sum(_cell(table, row, kind) for kind in APPLICANT_KINDS), _cell(table, row, "total"))
        )
    return checks


def table4_checks(table: Table) -> list[Check]:
    return [
        _check(CASES_TOTAL, "table4", kind, "total",
               sum(_cell(table, kind, c) for c in (*CASE_OUTCOMES, "pending")), _cell(table, kind, "total"))
        for kind in CASE_KINDS
    ]


def violations(checks: list[Check]) -> list[Check]:
    return [check for check in checks if not check.ok]
