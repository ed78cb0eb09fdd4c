"""The yearly report computed from a data set built here, checked cell by cell against
figures counted by hand (the comments say which record makes each figure)."""

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError

from publisher.domain.disclosure.report_codes import (
    OUTCOME_CODES,
    OUTCOME_GROUPS,
    TABLE3_COLUMNS,
    TABLE3_ROW_CODES,
)
from publisher.domain.disclosure.report_records import (
    NoticeRecord,
    RequestRecord,
    ReviewCase,
    StaffFigures,
)
from publisher.domain.disclosure.report_tables import per_day
from publisher.domain.disclosure.yearly_report import compute_report

CATALOG = ["organization", "documents", "guides", "enforcement", "news", "other"]
d = date


def notice(category: str, public: date | None, portal: bool = True, **kw: object) -> NoticeRecord:
    return NoticeRecord(category=category, first_public_on=public, on_portal=portal, **kw)  # type: ignore[arg-type]


NOTICES = [
    # section 一 only (doc_kind other)
    notice("organization", d(2023, 1, 10)),
    notice("organization", d(2023, 12, 31)),
    *[notice("guides", d(2023, 2, i + 1)) for i in range(3)],
    *[notice("news", d(2023, 9, i + 1)) for i in range(4)],
    notice("documents", d(2023, 4, 1), portal=False),  # kiosk only: counted, not a portal item
    notice("archive", d(2023, 8, 8)),  # a category no longer in the catalog
    notice("documents", d(2022, 12, 31)),  # previous year
    notice("news", d(2024, 1, 1)),  # next year
    notice("news", None),  # never made public
    # table 2 row 1: rules (规章)
    notice("documents", d(2023, 3, 5), doc_kind="rule", issued_on=d(2023, 3, 1)),  # R1 issued, in force
    notice("documents", d(2021, 5, 3), doc_kind="rule", issued_on=d(2021, 5, 1),
           validity="repealed", repealed_on=d(2023, 6, 30)),  # R2 repealed this year
    notice("documents", d(2020, 1, 2), doc_kind="rule", issued_on=d(2020, 1, 1)),  # R3 in force
    notice("documents", d(2023, 2, 3), doc_kind="rule", issued_on=d(2023, 2, 1),
           validity="repealed", repealed_on=d(2024, 2, 1)),  # R4 issued, in force at year end
    notice("documents", d(2019, 3, 3), doc_kind="rule", issued_on=d(2019, 3, 1),
           validity="repealed", repealed_on=d(2022, 3, 1)),  # R5 gone before the year
    notice("documents", d(2024, 1, 11), doc_kind="rule", issued_on=d(2024, 1, 10)),  # R6 next year
    notice("documents", None, doc_kind="rule", issued_on=d(2023, 5, 1)),  # R7 never public
    notice("documents", d(2024, 1, 3), doc_kind="rule", issued_on=d(2023, 12, 31)),  # R8 issued on 31 Dec
    # table 2 row 1: normative documents (行政规范性文件)
    notice("documents", d(2023, 7, 7), doc_kind="normative"),  # N1 no issued_on: first public counts
    notice("documents", d(2023, 1, 6), portal=False, doc_kind="normative", issued_on=d(2023, 1, 5),
           validity="repealed", repealed_on=d(2023, 11, 11)),  # N2 issued and repealed
    notice("documents", d(2023, 1, 4), doc_kind="normative", issued_on=d(2022, 12, 30)),  # N3 in force
    notice("documents", d(2022, 2, 2), doc_kind="normative", issued_on=d(2022, 2, 1),
           validity="repealed", repealed_on=d(2023, 12, 31)),  # N4 repealed on 31 Dec
]


def request(kind: str, received: date, outcome: str | None = None, replied: date | None = None) -> RequestRecord:
    return RequestRecord(applicant_kind=kind, received_on=received, outcome=outcome, replied_on=replied)  # type: ignore[arg-type]


REQUESTS = [
    request("person", d(2022, 12, 20), "disclosed", d(2023, 1, 10)),  # c1 carried in, answered
    request("business", d(2022, 12, 28)),  # c2 carried in and out
    request("person", d(2022, 11, 1), "partly", d(2022, 12, 1)),  # c3 done last year
    request("research", d(2022, 12, 30), "partly", d(2023, 1, 1)),  # c4 carried in, answered on 1 Jan
    request("person", d(2023, 1, 5), "disclosed", d(2023, 1, 20)),  # n1
    request("person", d(2023, 2, 1), "partly", d(2023, 2, 25)),  # n2
    request("person", d(2023, 3, 1), "withheld.state_secret", d(2023, 3, 20)),  # n3
    request("business", d(2023, 3, 2), "withheld.third_party", d(2023, 3, 28)),  # n4
    request("research", d(2023, 4, 1), "withheld.process", d(2023, 4, 20)),  # n5
    request("nonprofit", d(2023, 5, 1), "unavailable.not_held", d(2023, 5, 10)),  # n6
    request("legal_service", d(2023, 5, 2), "unavailable.needs_creation", d(2023, 5, 30)),  # n7
    request("other", d(2023, 6, 1), "not_processed.repeat", d(2023, 6, 5)),  # n8
    request("person", d(2023, 6, 2), "not_processed.petition", d(2023, 6, 10)),  # n9
    request("business", d(2023, 7, 1), "other.no_fee", d(2023, 8, 1)),  # n10
    request("person", d(2023, 12, 20)),  # n11 open at year end
    request("legal_service", d(2023, 12, 1), "disclosed", d(2024, 1, 5)),  # n12 answered next year
    request("person", d(2023, 8, 1), "withheld.state_secret", d(2023, 8, 10)),  # n13
    request("nonprofit", d(2023, 12, 30), "other.other", d(2023, 12, 31)),  # n14 answered on 31 Dec
    request("person", d(2024, 1, 2)),  # next year
]

CASES = [
    ReviewCase("reconsideration", d(2022, 11, 1), "upheld", d(2023, 2, 1)),  # carried in, decided
    ReviewCase("reconsideration", d(2023, 3, 1), "corrected", d(2023, 5, 1)),
    ReviewCase("reconsideration", d(2023, 10, 1)),  # pending
    ReviewCase("reconsideration", d(2023, 11, 1), "other", d(2024, 1, 15)),  # pending at year end
    ReviewCase("reconsideration", d(2022, 1, 1), "upheld", d(2022, 6, 1)),  # last year's
    ReviewCase("reconsideration", d(2024, 1, 1)),  # next year's
    ReviewCase("litigation_direct", d(2023, 4, 1), "other", d(2023, 9, 1)),
]

FIGURES = StaffFigures(licensing=12, penalty=3, coercion=0, fees_10k_yuan=Decimal("1.2345"))
GENERATED = datetime(2024, 1, 20, 2, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def report():
    return compute_report(
        2023, catalog=CATALOG, notices=NOTICES, requests=REQUESTS, cases=CASES, figures=FIGURES,
        organization="某市人力資源和社會保障局", generated_at=GENERATED,
    )


def row(**cells: int) -> dict[str, int]:
    full = {column: cells.get(column, 0) for column in TABLE3_COLUMNS}
    full["total"] = sum(v for k, v in full.items() if k != "total")
    return full


def test_section_one(report) -> None:
    assert report.proactive_by_category == {
        "organization": 2, "documents": 6, "guides": 3, "enforcement": 0, "news": 4, "other": 0, "archive": 1,
    }  # documents: the kiosk-only one, R1, R4, N1, N2, N3
    assert report.proactive_total == 16
    assert report.portal_items == 14  # all but the kiosk-only document and N2
    assert report.portal_items_per_day == Decimal("0.0")  # 14 / 365


def test_items_per_day_as_the_founding_document_counts() -> None:
    assert per_day(1307, 2011) == Decimal("3.6")  # 1,307 items, 3.6 a day
    assert per_day(457, 2011) == Decimal("1.3")
    assert per_day(366, 2012) == Decimal("1.0")  # a leap year has 366 days
    assert per_day(0, 2011) == Decimal("0.0")


def test_table2(report) -> None:
    assert report.table2 == {
        "art20_1": {
            "rule": {"issued": 3, "repealed": 1, "in_force": 4},  # R1 R4 R8 | R2 | R1 R3 R4 R8
            "normative": {"issued": 2, "repealed": 2, "in_force": 2},  # N1 N2 | N2 N4 | N1 N3
        },
        "art20_5": {"licensing": 12},
        "art20_6": {"penalty": 3, "coercion": 0},
        "art20_8": {"fees_10k_yuan": Decimal("1.2345")},
    }


def test_table3_cell_by_cell(report) -> None:
    expected = {code: row() for code in TABLE3_ROW_CODES}
    expected.update(
        new=row(person=6, business=2, research=1, nonprofit=2, legal_service=2, other=1),
        carried_in=row(person=1, business=1, research=1),
        disclosed=row(person=2),
        partly=row(person=1, research=1),
        withheld=row(person=2, business=1, research=1),
        unavailable=row(nonprofit=1, legal_service=1),
        not_processed=row(person=1, other=1),
        other=row(business=1, nonprofit=1),
        total=row(person=6, business=2, research=2, nonprofit=2, legal_service=1, other=1),
        carried_out=row(person=1, business=1, legal_service=1),
    )
    expected["withheld.state_secret"] = row(person=2)
    expected["withheld.third_party"] = row(business=1)
    expected["withheld.process"] = row(research=1)
    expected["unavailable.not_held"] = row(nonprofit=1)
    expected["unavailable.needs_creation"] = row(legal_service=1)
    expected["not_processed.repeat"] = row(other=1)
    expected["not_processed.petition"] = row(person=1)
    expected["other.no_fee"] = row(business=1)
    expected["other.other"] = row(nonprofit=1)
    assert list(report.table3) == list(TABLE3_ROW_CODES)
    for code in TABLE3_ROW_CODES:
        for column in TABLE3_COLUMNS:
            assert report.table3[code][column] == expected[code][column], f"table3.{code}.{column}"
    assert report.table3["new"]["total"] == 14 and report.table3["total"]["total"] == 14


def test_table4(report) -> None:
    assert report.table4 == {
        "reconsideration": {"upheld": 1, "corrected": 1, "other": 0, "pending": 2, "total": 4},
        "litigation_direct": {"upheld": 0, "corrected": 0, "other": 1, "pending": 0, "total": 1},
        "litigation_after_reconsideration": {"upheld": 0, "corrected": 0, "other": 0, "pending": 0, "total": 0},
    }


def test_computed_report_passes_every_check(report) -> None:
    assert report.publishable and report.violations == []
    # 4 rules a column in 7 columns, a column-total rule for each of 29 rows, 3 table-4 groups
    assert len(report.checks) == 7 * (1 + 4 + 1) + len(TABLE3_ROW_CODES) + 3


def test_next_years_carried_in_is_this_years_carried_out(report) -> None:
    previous = report.table3["carried_out"]
    following = compute_report(2024, catalog=CATALOG, requests=REQUESTS, previous_carried_out=previous)
    assert following.table3["carried_in"] == report.table3["carried_out"]
    assert following.publishable
    assert following.table3["new"] == row(person=1)


def test_every_outcome_code_lands_in_its_row_and_group() -> None:
    requests = [request("person", d(2023, 3, 1), code, d(2023, 3, 10)) for code in sorted(OUTCOME_CODES)]
    table = compute_report(2023, catalog=CATALOG, requests=requests).table3
    for code in OUTCOME_CODES:
        assert table[code]["person"] == 1, code
    for group, codes in OUTCOME_GROUPS.items():
        assert table[group]["person"] == len(codes)
    assert table["total"]["person"] == len(OUTCOME_CODES) == 21
    assert table["new"]["total"] == 21 and table["carried_out"]["total"] == 0


def test_json_form(report) -> None:
    data = json.loads(json.dumps(report.as_dict(), ensure_ascii=False))
    assert list(data) == [
        "year", "organization", "generated_at", "proactive_by_category", "proactive_total",
        "portal_items", "portal_items_per_day", "table2", "table3", "table4", "checks",
    ]
    assert data["year"] == 2023 and data["generated_at"] == "2024-01-20T02:00:00+00:00"
    assert data["portal_items_per_day"] == 0.0
    assert data["table2"]["art20_8"] == {"fees_10k_yuan": 1.2345}
    assert all(set(cells) == set(TABLE3_COLUMNS) for cells in data["table3"].values())
    assert data["checks"][0] == {
        "rule": "new + carried_in = total + carried_out", "cell": "table3.carried_out.person",
        "column": "person", "ok": True, "expected": 1, "actual": 1,
    }


def test_a_year_with_no_data_is_all_zeros() -> None:
    empty = compute_report(2030, catalog=CATALOG)
    assert empty.publishable
    assert empty.proactive_by_category == dict.fromkeys(CATALOG, 0) and empty.proactive_total == 0
    assert empty.portal_items == 0 and empty.as_dict()["portal_items_per_day"] == 0.0
    assert all(v == 0 for cells in empty.table3.values() for v in cells.values())
    assert all(v == 0 for cells in empty.table4.values() for v in cells.values())
    assert empty.as_dict()["table2"]["art20_8"] == {"fees_10k_yuan": 0}
    # records of other years alone also give zeros
    assert compute_report(2030, catalog=CATALOG, notices=NOTICES, requests=REQUESTS[:1]).proactive_total == 0


def test_year_out_of_range() -> None:
    with pytest.raises(ValueError, match="year must be between"):
        compute_report(1999, catalog=CATALOG)


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: notice("documents", d(2023, 1, 1), validity="repealed"), "repealed_on"),
        (lambda: notice("documents", d(2023, 1, 1), repealed_on=d(2023, 2, 1)), "repealed_on"),
        (lambda: notice("documents", d(2023, 1, 1), doc_kind="law"), "doc_kind"),
        (lambda: request("person", d(2023, 3, 1), "disclosed", d(2023, 2, 1)), "replied_on"),
        (lambda: request("person", d(2023, 3, 1), "disclosed"), "outcome and replied_on"),
        (lambda: request("person", d(2023, 3, 1), "withheld", d(2023, 3, 2)), "outcome"),  # a group, not a code
        (lambda: request("citizen", d(2023, 3, 1)), "applicant_kind"),
        (lambda: ReviewCase("reconsideration", d(2023, 3, 1), "upheld", d(2023, 2, 1)), "decided_on"),
        (lambda: ReviewCase("reconsideration", d(2023, 3, 1), "upheld"), "outcome and decided_on"),
        (lambda: ReviewCase("appeal", d(2023, 3, 1)), "kind"),  # type: ignore[arg-type]
    ],
)
def test_impossible_records_are_refused_naming_the_field(make, field: str) -> None:
    with pytest.raises(ValueError, match=f"^{field}"):
        make()


@pytest.mark.parametrize(
    "body",
    [{"licensing": -1}, {"fees_10k_yuan": "1.23456"}, {"penalty": 10**10}, {"fines": 1}, {"fees_10k_yuan": "-0.5"}],
)
def test_staff_figures_refuse_bad_input(body: dict) -> None:
    with pytest.raises(ValidationError):
        StaffFigures.model_validate(body)
