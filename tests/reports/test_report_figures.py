"""The report of 2025 for a data set built in the test, checked cell by cell against the
figures worked out by hand (report_support.EXPECTED_*), in JSON (API and CLI), CSV (CLI
and portal) and HTML (CLI and portal); and a year without data: zeros."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from conftest import Staff
from report_support import (
    CASES,
    EXPECTED_BY_CATEGORY,
    EXPECTED_PER_DAY,
    EXPECTED_PORTAL,
    EXPECTED_TABLE2,
    EXPECTED_TABLE3,
    EXPECTED_TABLE4,
    EXPECTED_TOTAL,
    FIGURES,
    build,
    expected_cells,
    user_id,
)

from publisher import keys
from publisher.cli import main


async def seed(client: TestClient, staff: Staff) -> None:
    db = client.server.app[keys.DB]
    await build(db, await user_id(db, "ed"))
    for case in CASES:
        resp = await client.post("/api/v1/review-cases", json=case, headers=staff["ed"])
        assert resp.status == 201, await resp.text()
    resp = await client.patch("/api/v1/reports/2025", json={"figures": FIGURES}, headers=staff["ed"])
    assert resp.status == 200, await resp.text()


class Cells(HTMLParser):
    """The data-cell figures of a report page: {"table3.new.person": "11", ...}."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: dict[str, str] = {}
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open = dict(attrs).get("data-cell")
        if self._open:
            self.cells[self._open] = ""

    def handle_data(self, data: str) -> None:
        if self._open:
            self.cells[self._open] += data.strip()

    def handle_endtag(self, tag: str) -> None:
        self._open = None


def html_cells(html: str) -> dict[str, str]:
    parser = Cells()
    parser.feed(html)
    return parser.cells


def csv_cells(text: str) -> dict[str, str]:
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    return {f"{r['table']}.{r['row']}.{r['column']}": r["value"] for r in rows}


def same_number(found: str, expected: Any) -> bool:
    return float(found) == float(expected)


def check_json(report: dict[str, Any]) -> None:
    assert report["year"] == 2025
    assert report["proactive_by_category"] == EXPECTED_BY_CATEGORY
    assert report["proactive_total"] == EXPECTED_TOTAL
    assert report["portal_items"] == EXPECTED_PORTAL
    assert report["portal_items_per_day"] == EXPECTED_PER_DAY
    assert report["table2"] == EXPECTED_TABLE2
    for row, cells in EXPECTED_TABLE3.items():  # row by row, so a failure names the row
        assert report["table3"][row] == cells, row
    assert set(report["table3"]) == set(EXPECTED_TABLE3)
    assert report["table4"] == EXPECTED_TABLE4
    assert report["violations"] == [] and report["problems"] == []
    assert all(check["ok"] for check in report["checks"]) and len(report["checks"]) > 40


def check_cells(found: dict[str, str]) -> None:
    expected = expected_cells()
    assert set(found) == set(expected), sorted(set(found) ^ set(expected))
    wrong = {cell: (found[cell], value) for cell, value in expected.items() if not same_number(found[cell], value)}
    assert wrong == {}


def cli_env(monkeypatch: Any, database_url: str, tmp_path: Path) -> None:
    """The command in this process, on the test's database; its logging set-up would
    reconfigure structlog for the tests that follow, so it is left out."""
    monkeypatch.setenv("PUBLISHER_DATABASE__URL", database_url)
    monkeypatch.setenv("PUBLISHER_DATA_DIR", str(tmp_path))
    monkeypatch.setattr("publisher.cli.setup_logging", lambda _format: None)


async def run_cli(tmp_path: Path, database_url: str, fmt: str, monkeypatch: Any, year: int = 2025) -> str:
    out = tmp_path / f"report.{fmt}"
    cli_env(monkeypatch, database_url, tmp_path)
    argv = ["report", "--year", str(year), "--format", fmt, "--out", str(out)]
    code = await asyncio.get_running_loop().run_in_executor(None, main, argv)
    assert code == 0
    return out.read_text(encoding="utf-8-sig")


async def test_report_of_2025_cell_by_cell_in_json_csv_and_html(
    client: TestClient, staff: Staff, tmp_path: Path, database_url: str, monkeypatch: Any
) -> None:
    await seed(client, staff)
    resp = await client.get("/api/v1/reports/2025", headers=staff["rev"])
    assert resp.status == 200, await resp.text()
    report = await resp.json()
    check_json(report)
    assert report["state"] == "draft" and report["figures_entered"]["licensing"]["by"] == "ed"

    check_json(json.loads(await run_cli(tmp_path, database_url, "json", monkeypatch)))
    check_cells(csv_cells(await run_cli(tmp_path, database_url, "csv", monkeypatch)))
    html = await run_cli(tmp_path, database_url, "html", monkeypatch)
    check_cells(html_cells(html))
    for title in ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                  "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"):
        assert title in html
    assert html.index("一、总体情况") < html.index("六、其他需要报告的事项")


async def test_a_year_without_data_is_zeros(client: TestClient, staff: Staff, tmp_path: Path, database_url: str,
                                             monkeypatch: Any) -> None:
    await seed(client, staff)  # data in other years only
    resp = await client.get("/api/v1/reports/2019", headers=staff["ed"])
    assert resp.status == 200
    report = await resp.json()
    assert report["proactive_by_category"] == dict.fromkeys(EXPECTED_BY_CATEGORY, 0)
    assert report["proactive_total"] == report["portal_items"] == 0 and report["portal_items_per_day"] == 0
    assert all(v == 0 for row in report["table3"].values() for v in row.values())
    assert all(v == 0 for row in report["table4"].values() for v in row.values())
    assert report["state"] == "none" and report["violations"] == [] and report["publishable"]
    found = csv_cells(await run_cli(tmp_path, database_url, "csv", monkeypatch, year=2019))
    assert len(found) == len(expected_cells()) and all(float(v) == 0 for v in found.values())


def test_cli_prints_to_stdout_and_names_a_bad_year(tmp_path: Path, database_url: str, monkeypatch: Any,
                                                   capsys: Any) -> None:
    cli_env(monkeypatch, database_url, tmp_path)
    assert main(["report", "--year", "2020", "--format", "json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["year"] == 2020 and printed["table3"]["total"]["total"] == 0
    assert main(["report", "--year", "1999"]) == 2
    assert "invalid year" in capsys.readouterr().err


@pytest.mark.slow  # starts the command as a process
def test_the_command_as_a_process(tmp_path: Path) -> None:
    env = {**os.environ, "PUBLISHER_DATABASE__URL": f"sqlite+aiosqlite:///{tmp_path / 'p.db'}",
           "PUBLISHER_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "publisher.cli", "report", "--year", "2021", "--format", "csv"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert len(rows) == len(expected_cells()) and {r["value"] for r in rows} == {"0", "0.0"}
    done = subprocess.run([sys.executable, "-m", "publisher.cli", "report", "--year", "21"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "invalid year" in done.stderr
