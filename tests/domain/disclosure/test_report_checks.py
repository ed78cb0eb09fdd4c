"""Each check of DISCLOSURE.md, tested by constructing a violation in a consistent table and
seeing exactly the cells it breaks named, with the figures."""

import copy
from datetime import date

import pytest

from publisher.domain.disclosure.report_checks import (
    table3_checks,
    table4_checks,
    violations,
)
from publisher.domain.disclosure.report_codes import TABLE3_COLUMNS
from publisher.domain.disclosure.report_records import RequestRecord, ReviewCase
from publisher.domain.disclosure.yearly_report import compute_report

REQUESTS = [
    RequestRecord("person", date(2022, 12, 1)),  # carried in, still open
    RequestRecord("person", date(2023, 1, 9), "disclosed", date(2023, 1, 30)),
    RequestRecord("business", date(2023, 2, 1), "withheld.state_secret", date(2023, 2, 20)),
    RequestRecord("business", date(2023, 2, 2), "withheld.third_party", date(2023, 2, 21)),
    RequestRecord("research", date(2023, 12, 29)),  # carried out
]
CASES = [ReviewCase("reconsideration", date(2023, 5, 1), "upheld", date(2023, 7, 1))]
BASE = compute_report(2023, catalog=[], requests=REQUESTS, cases=CASES)


def broken_cells(table3=None, table4=None, previous=None) -> dict[str, tuple[int, int]]:
    checks = table3_checks(table3 if table3 is not None else BASE.table3, previous)
    checks += table4_checks(table4 if table4 is not None else BASE.table4)
    return {c.cell: (c.expected, c.actual) for c in violations(checks)}


def edited(**cells: int) -> dict:
    """BASE's table 3 with the cells named row__column changed to the given values."""
    table = copy.deepcopy(BASE.table3)
    for name, value in cells.items():
        row, column = name.replace("__", "|").split("|")
        table[row.replace("_dot_", ".")][column] = value
    return table


def test_base_tables_are_consistent() -> None:
    assert BASE.publishable and broken_cells() == {}
    assert BASE.table3["withheld"]["business"] == 2 and BASE.table3["carried_out"]["research"] == 1


def test_balance_new_plus_carried_in_equals_total_plus_carried_out() -> None:
    # one more carried out for person, without anything else: 四 no longer balances, and
    # the total column of 四 no longer adds up
    table = edited(carried_out__person=2)
    assert broken_cells(table) == {
        "table3.carried_out.person": (1, 2),
        "table3.carried_out.total": (3, 2),
    }


def test_group_equals_the_sum_of_its_codes() -> None:
    # a withheld code raised (with its own total) while the group stays: the group is named
    table = edited(withheld_dot_state_secret__business=2, withheld_dot_state_secret__total=2)
    assert broken_cells(table) == {"table3.withheld.business": (3, 2), "table3.withheld.total": (3, 2)}


@pytest.mark.parametrize("group", ["unavailable", "not_processed", "other"])
def test_every_group_is_checked(group: str) -> None:
    code = {"unavailable": "unavailable.unclear", "not_processed": "not_processed.mass", "other": "other.other"}[group]
    table = copy.deepcopy(BASE.table3)
    table[code]["research"] = 1
    table[code]["total"] = 1
    assert broken_cells(table) == {f"table3.{group}.research": (1, 0), f"table3.{group}.total": (1, 0)}


def test_total_is_the_sum_of_results_one_to_six() -> None:
    # a research request counted as answered without a result row, 四 adjusted to balance
    table = edited(total__research=1, total__total=4, carried_out__research=0, carried_out__total=1)
    assert broken_cells(table) == {"table3.total.research": (0, 1), "table3.total.total": (3, 4)}


def test_total_column_is_the_sum_of_the_six_applicant_columns() -> None:
    table = edited(new__total=5)
    broken = broken_cells(table)
    assert broken["table3.new.total"] == (4, 5)
    assert broken["table3.carried_out.total"] == (3, 2)  # 5 + 1 - 3 would need 3 carried out
    assert set(broken) == {"table3.new.total", "table3.carried_out.total"}


def test_every_column_is_checked() -> None:
    for column in TABLE3_COLUMNS:
        table = copy.deepcopy(BASE.table3)
        table["new"][column] += 1
        assert f"table3.carried_out.{column}" in broken_cells(table)


def test_carried_in_equals_last_years_carried_out() -> None:
    previous = {"person": 2, "business": 0, "research": 0, "nonprofit": 0, "legal_service": 0, "other": 0, "total": 2}
    assert broken_cells(previous=previous) == {
        "table3.carried_in.person": (2, 1),
        "table3.carried_in.total": (2, 1),
    }
    report = compute_report(2023, catalog=[], requests=REQUESTS, previous_carried_out=previous)
    assert not report.publishable
    assert [v.message for v in report.violations] == [
        "table3.carried_in.person is 1, but carried_in = last year's carried_out gives 2",
        "table3.carried_in.total is 1, but carried_in = last year's carried_out gives 2",
    ]
    same = dict(BASE.table3["carried_in"])
    assert compute_report(2023, catalog=[], requests=REQUESTS, previous_carried_out=same).publishable


@pytest.mark.parametrize("group", ["reconsideration", "litigation_direct", "litigation_after_reconsideration"])
def test_table4_total_is_the_sum_of_the_other_four(group: str) -> None:
    table = copy.deepcopy(BASE.table4)
    table[group]["pending"] += 2
    expected_total = table[group]["total"] + 2
    assert broken_cells(table4=table) == {f"table4.{group}.total": (expected_total, expected_total - 2)}


def test_a_missing_cell_counts_as_zero_and_is_reported() -> None:
    table = copy.deepcopy(BASE.table3)
    del table["disclosed"]
    assert broken_cells(table) == {"table3.total.person": (0, 1), "table3.total.total": (2, 3)}
