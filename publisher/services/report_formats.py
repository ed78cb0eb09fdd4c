"""A report's JSON form (as computed or published) written out as CSV or HTML.

CSV is one line per cell, so that a program reads it without knowing the printed
layout: `table,row,column,value,row_label,column_label`, with the codes of DISCLOSURE.md
(`table3,withheld.state_secret,person,2,...`). HTML is the printed form: the six
sections in their order, the tables with the State Council's labels, a print stylesheet
for A4. Both are pure functions of the JSON, so the CLI, the staff page and the portal
give the same figures.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import jinja2

from publisher.domain.disclosure.report_codes import (
    CASE_KINDS,
    SECTIONS,
    TABLE2_LABELS,
    TABLE3_COLUMN_LABELS,
    TABLE3_COLUMNS,
    TABLE3_ROWS,
    TABLE4_COLUMNS,
    TABLE4_LABELS,
)

CSV_HEADER = ("table", "row", "column", "value", "row_label", "column_label")
SECTION1_LABELS = {"proactive_total": "主动公开信息总数", "portal_items": "网站发布信息数",
                   "portal_items_per_day": "日均发布信息数"}
TABLE2_ROWS: tuple[tuple[str, str, str, str], ...] = (
    # (row code, column code, row label, column label): the JSON path is table2.<row>.<column>
    *((f"art20_1.{kind}", col, TABLE2_LABELS[f"art20_1.{kind}"], TABLE2_LABELS[f"art20_1.{col}"])
      for kind in ("rule", "normative") for col in ("issued", "repealed", "in_force")),
    ("art20_5", "licensing", TABLE2_LABELS["art20_5.licensing"], TABLE2_LABELS["decisions"]),
    ("art20_6", "penalty", TABLE2_LABELS["art20_6.penalty"], TABLE2_LABELS["decisions"]),
    ("art20_6", "coercion", TABLE2_LABELS["art20_6.coercion"], TABLE2_LABELS["decisions"]),
    ("art20_8", "fees_10k_yuan", TABLE2_LABELS["art20_8.fees_10k_yuan"], TABLE2_LABELS["fees"]),
)


def table2_cell(report: dict[str, Any], row: str, column: str) -> Any:
    node = report["table2"]
    for part in row.split("."):
        node = node[part]
    return node[column]


def cells(report: dict[str, Any], category_name: Callable[[str], str]) -> Iterator[tuple[Any, ...]]:
    """Every figure of the report as (table, row, column, value, row label, column label)."""
    for code, count in report["proactive_by_category"].items():
        yield ("section1", "proactive_by_category", code, count, "主动公开信息", category_name(code))
    for key, label in SECTION1_LABELS.items():
        yield ("section1", key, "total", report[key], label, "")
    for row, column, row_label, column_label in TABLE2_ROWS:
        yield ("table2", row, column, table2_cell(report, row, column), row_label, column_label)
    for row, row_label in TABLE3_ROWS:
        for column in TABLE3_COLUMNS:
            yield ("table3", row, column, report["table3"][row][column], row_label, TABLE3_COLUMN_LABELS[column])
    for kind in CASE_KINDS:
        for column in TABLE4_COLUMNS:
            yield ("table4", kind, column, report["table4"][kind][column], TABLE4_LABELS[kind], TABLE4_LABELS[column])


def as_csv(report: dict[str, Any], category_name: Callable[[str], str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(cells(report, category_name))
    return out.getvalue()


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader("publisher.web", "templates"),
                              autoescape=True, undefined=jinja2.StrictUndefined)


def template_context(report: dict[str, Any], category_name: Callable[[str], str],
                     bad_cells: frozenset[str] = frozenset()) -> dict[str, Any]:
    """What the report templates (report/_report.html) need beside the report itself;
    `bad_cells` are marked (a check fails there: the staff page)."""
    return {"bad_cells": bad_cells,
        "r": report, "sections": SECTIONS, "category_name": category_name, "table2_rows": TABLE2_ROWS,
        "table2_cell": table2_cell, "table3_rows": TABLE3_ROWS, "table3_columns": TABLE3_COLUMNS,
        "table3_labels": TABLE3_COLUMN_LABELS, "case_kinds": CASE_KINDS, "table4_columns": TABLE4_COLUMNS,
        "table4_labels": TABLE4_LABELS, "paragraphs": paragraphs,
    }


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def stylesheet() -> str:
    """report/report.css: the report's screen and A4 print styles (served by the portal
    and the staff page; inlined in the CLI's document)."""
    source, _, _ = _environment().loader.get_source(_environment(), "report/report.css")  # type: ignore[union-attr]
    return source


def as_html(report: dict[str, Any], category_name: Callable[[str], str]) -> str:
    """A whole printable document (the CLI's --format html)."""
    template = _environment().get_template("report/document.html")
    return template.render(template_context(report, category_name))
