"""Writing, reviewing and publishing a yearly report through the API: four eyes, the
revision the reviewer read, the checks that refuse publishing (naming the cell), a
published report that later data does not change, and the portal pages."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient
from conftest import Staff
from refusals import refused
from report_support import add_notice, add_request, local, user_id
from test_report_figures import check_cells, csv_cells, html_cells, run_cli, seed

from publisher import keys

SECTIONS = {"overview": "本年度，本局认真贯彻落实《政府信息公开条例》。\n\n全年主动公开信息如下。",
            "problems": "公开内容的及时性有待提高。", "other_matters": "本年度未收取信息处理费。"}


async def write_and_submit(client: TestClient, staff: Staff, year: int, author: str = "ed") -> int:
    resp = await client.patch(f"/api/v1/reports/{year}", json={"sections": SECTIONS}, headers=staff[author])
    assert resp.status == 200, await resp.text()
    resp = await client.post(f"/api/v1/reports/{year}/submit", headers=staff[author])
    assert resp.status == 200, await resp.text()
    body = await resp.json()
    assert body["state"] == "in_review"
    return int(body["revision"])


async def approve(client: TestClient, staff: Staff, year: int, revision: int, reviewer: str = "rev") -> Any:
    resp = await client.post(f"/api/v1/reports/{year}/approve", json={"revision": revision}, headers=staff[reviewer])
    assert resp.status == 200, await resp.text()
    return await resp.json()


async def test_review_four_eyes_revision_and_publish(client: TestClient, staff: Staff, tmp_path: Path,
                                                     database_url: str, monkeypatch: Any) -> None:
    await staff.add("both", "editor", "reviewer")
    await seed(client, staff)
    # the narratives are needed before review, each named
    resp = await client.post("/api/v1/reports/2025/submit", headers=staff["ed"])
    error = await refused(resp, 422, "validation_failed")
    assert {d["field"] for d in error["details"]} == {"sections.overview", "sections.problems",
                                                      "sections.other_matters"}
    resp = await client.patch("/api/v1/reports/2025", json={"sections": SECTIONS}, headers=staff["both"])
    assert resp.status == 200
    resp = await client.post("/api/v1/reports/2025/submit", headers=staff["ed"])
    revision = (await resp.json())["revision"]
    # in review: no edits; the authors (ed, both) cannot decide; a reviewer must name the revision
    await refused(await client.patch("/api/v1/reports/2025", json={"sections": {"problems": "x"}},
                                     headers=staff["ed"]), 409, "in_review")
    await refused(await client.post("/api/v1/reports/2025/approve", json={"revision": revision},
                                    headers=staff["both"]), 403, "four_eyes")
    await refused(await client.post("/api/v1/reports/2025/reject", json={"revision": revision, "reason": "不行"},
                                    headers=staff["both"]), 403, "four_eyes")
    await refused(await client.post("/api/v1/reports/2025/approve", json={"revision": revision},
                                    headers=staff["ed2"]), 403, "forbidden")
    await refused(await client.post("/api/v1/reports/2025/approve", json={"revision": revision - 1},
                                    headers=staff["rev"]), 409, "revision_changed")
    await refused(await client.post("/api/v1/reports/2025/publish", headers=staff["rev"]), 409, "not_approved")
    # rejected with a reason, edited (a new revision), submitted again, approved
    resp = await client.post("/api/v1/reports/2025/reject", json={"revision": revision, "reason": "第五部分太简略"},
                             headers=staff["rev"])
    assert (await resp.json())["state"] == "draft"
    better = {"sections": {"problems": "公开内容的及时性有待提高；已建立提醒。"}}
    await client.patch("/api/v1/reports/2025", json=better, headers=staff["ed"])
    new_revision = await write_and_submit(client, staff, 2025)
    assert new_revision > revision
    await refused(await client.post("/api/v1/reports/2025/approve", json={"revision": revision},
                                    headers=staff["rev"]), 409, "revision_changed")
    approved = await approve(client, staff, 2025, new_revision)
    assert approved["state"] == "approved" and approved["approved_by"] == "rev"
    await refused(await client.post("/api/v1/reports/2025/publish", headers=staff["ed"]), 403, "forbidden")
    resp = await client.post("/api/v1/reports/2025/publish", headers=staff["rev2"])
    assert resp.status == 200, await resp.text()
    published = await resp.json()
    assert published["state"] == "published" and published["published_by"] == "rev2"
    assert published["sections"]["other_matters"] == "本年度未收取信息处理费。"

    # later data changes nothing in the published report
    db = client.server.app[keys.DB]
    await add_notice(db, await user_id(db, "ed"), "news", local(2025, 9, 9))
    await add_request(db, "person", date(2025, 10, 10), "disclosed", date(2025, 10, 20))
    again = await (await client.get("/api/v1/reports/2025", headers=staff["rev"])).json()
    assert again["proactive_by_category"]["news"] == published["proactive_by_category"]["news"]
    assert again["table3"]["new"] == published["table3"]["new"]
    printed = json.loads(await run_cli(tmp_path, database_url, "json", monkeypatch))  # the command shows it too
    assert printed["state"] == "published" and printed["table3"] == published["table3"]
    assert printed["proactive_by_category"] == published["proactive_by_category"]
    await refused(await client.patch("/api/v1/reports/2025", json={"sections": {"problems": "x"}},
                                     headers=staff["ed"]), 409, "published")
    history = await (await client.get("/api/v1/reports/2025/history", headers=staff["ed"])).json()
    assert [e["action"] for e in history["events"]][-4:] == ["edit", "submit", "approve", "publish"]
    assert any(e["action"] == "reject" and e["comment"] == "第五部分太简略" for e in history["events"])


async def test_portal_shows_only_published_reports(client: TestClient, staff: Staff) -> None:
    await seed(client, staff)
    assert (await client.get("/reports/2025")).status == 404
    assert (await client.get("/reports/2025.csv")).status == 404
    assert "尚未發佈" in await (await client.get("/reports/")).text()
    await approve(client, staff, 2025, await write_and_submit(client, staff, 2025))
    assert (await client.get("/reports/2025")).status == 404  # approved is not published
    assert (await client.post("/api/v1/reports/2025/publish", headers=staff["rev"])).status == 200

    listing = await (await client.get("/reports/")).text()
    assert 'href="/reports/2025"' in listing and 'href="/reports/2025.csv"' in listing
    resp = await client.get("/reports/2025")
    assert resp.status == 200 and resp.headers["Content-Type"].startswith("text/html")
    page = await resp.text()
    check_cells(html_cells(page))
    assert "本年度，本局认真贯彻落实" in page and "2025年政府信息公开工作年度报告" in page
    for path in ("/reports/2025.csv", "/reports/2025?format=csv"):
        resp = await client.get(path)
        assert resp.status == 200 and resp.headers["Content-Type"].startswith("text/csv")
        check_cells(csv_cells(await resp.text()))
    css = await client.get("/reports/report.css")
    assert css.status == 200 and "@media print" in await css.text()
    for missing in ("/reports/2024", "/reports/20x5", "/reports/2025?format=pdf", "/reports/99999"):
        assert (await client.get(missing)).status == 404, missing


async def test_publish_refused_naming_the_cell_when_a_check_fails(client: TestClient, staff: Staff) -> None:
    await seed(client, staff)
    # 2024 published first: its row 四 (carried out) is what 2025's row 二 must equal
    await approve(client, staff, 2024, await write_and_submit(client, staff, 2024))
    resp = await client.post("/api/v1/reports/2024/publish", headers=staff["rev"])
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["table3"]["carried_out"]["total"] == 2
    # a request of 2024 registered late (open until February 2025): 2025's carried-in
    # no longer equals the carried-out that 2024's published report states
    db = client.server.app[keys.DB]
    await add_request(db, "other", date(2024, 6, 1), "disclosed", date(2025, 2, 1))
    report = await (await client.get("/api/v1/reports/2025", headers=staff["rev"])).json()
    assert report["table3"]["carried_in"]["other"] == 1 and not report["publishable"]
    assert [(v["cell"], v["expected"], v["actual"]) for v in report["violations"]] == [
        ("table3.carried_in.other", 0, 1), ("table3.carried_in.total", 2, 3)]
    await approve(client, staff, 2025, await write_and_submit(client, staff, 2025))
    error = await refused(await client.post("/api/v1/reports/2025/publish", headers=staff["rev"]),
                          409, "check_failed")
    assert error["message"].startswith("table3.carried_in.other is 1, but carried_in = last year's carried_out")
    assert [d["field"] for d in error["details"]] == ["table3.carried_in.other", "table3.carried_in.total"]
    assert (await client.get("/reports/2025")).status == 404
    assert (await (await client.get("/api/v1/reports/2025", headers=staff["rev"])).json())["state"] == "approved"


async def test_publish_refused_while_a_record_cannot_be_read(client: TestClient, staff: Staff) -> None:
    db = client.server.app[keys.DB]
    bad = await add_notice(db, await user_id(db, "ed"), "documents", local(2025, 5, 5), doc_kind="rule",
                           validity="repealed")  # repealed, but no date
    report = await (await client.get("/api/v1/reports/2025", headers=staff["rev"])).json()
    assert report["problems"] == [{"table": "notices", "id": bad, "message":
                                   "repealed_on: a repealed document needs the date it was repealed"}]
    assert report["proactive_by_category"]["documents"] == 1  # still counted where meta does not matter
    await approve(client, staff, 2025, await write_and_submit(client, staff, 2025))
    error = await refused(await client.post("/api/v1/reports/2025/publish", headers=staff["rev"]), 422, "bad_records")
    assert error["details"][0]["field"] == f"notices.{bad}"


async def test_the_current_year_is_not_published_before_it_ends(client: TestClient, staff: Staff) -> None:
    await approve(client, staff, 2026, await write_and_submit(client, staff, 2026))  # the clock says 2026
    await refused(await client.post("/api/v1/reports/2026/publish", headers=staff["rev"]), 409, "year_not_over")


async def test_bad_input_is_refused_naming_the_field(client: TestClient, staff: Staff) -> None:
    error = await refused(await client.patch("/api/v1/reports/2025", json={"figures": {"licensing": -1}},
                                             headers=staff["ed"]), 422, "validation_failed")
    assert error["details"][0]["field"] == "figures.licensing"
    error = await refused(await client.patch("/api/v1/reports/2025", json={"sections": {"intro": "x"}},
                                             headers=staff["ed"]), 422, "validation_failed")
    assert error["details"][0]["field"] == "sections.intro"
    error = await refused(await client.patch("/api/v1/reports/2025", json={"figures": {"fees_10k_yuan": "1.23456"}},
                                             headers=staff["ed"]), 422, "validation_failed")
    assert error["details"][0]["field"] == "figures.fees_10k_yuan"
    await refused(await client.patch("/api/v1/reports/2025", json={"sections": {"overview": "a\u202eb"}},
                                     headers=staff["ed"]), 422, "validation_failed")
    await refused(await client.patch("/api/v1/reports/2025", json={}, headers=staff["rev"]), 403, "forbidden")
    await refused(await client.get("/api/v1/reports/1999", headers=staff["ed"]), 422, "validation_failed")
    await refused(await client.get("/api/v1/reports/twenty", headers=staff["ed"]), 404, "not_found")
    await refused(await client.get("/api/v1/reports/2025"), 401, "unauthorized")
    # nothing was written by the refusals
    assert (await (await client.get("/api/v1/reports/2025", headers=staff["ed"])).json())["state"] == "none"
    # figures: entered by whom and when
    resp = await client.patch("/api/v1/reports/2025", json={"figures": {"fees_10k_yuan": "0.5"}}, headers=staff["ed"])
    body = await resp.json()
    assert body["table2"]["art20_8"]["fees_10k_yuan"] == 0.5 and body["figures_entered"]["fees_10k_yuan"]["by"] == "ed"


async def test_case_register(client: TestClient, staff: Staff) -> None:
    resp = await client.post("/api/v1/review-cases", json={"kind": "reconsideration", "filed_on": "2025-03-01"},
                             headers=staff["ed"])
    assert resp.status == 201
    case = await resp.json()
    assert case["outcome"] is None and resp.headers["Location"] == f"/api/v1/review-cases/{case['id']}"
    table4 = (await (await client.get("/api/v1/reports/2025", headers=staff["ed"])).json())["table4"]
    assert table4["reconsideration"]["pending"] == 1
    decided = {"kind": "reconsideration", "filed_on": "2025-03-01", "outcome": "corrected", "decided_on": "2025-06-01"}
    resp = await client.put(f"/api/v1/review-cases/{case['id']}", json=decided, headers=staff["rev"])
    assert resp.status == 200 and (await resp.json())["outcome"] == "corrected"
    table4 = (await (await client.get("/api/v1/reports/2025", headers=staff["ed"])).json())["table4"]
    assert table4["reconsideration"] == {"upheld": 0, "corrected": 1, "other": 0, "pending": 0, "total": 1}
    listing = await (await client.get("/api/v1/review-cases?year=2025", headers=staff["ed"])).json()
    assert [c["id"] for c in listing["items"]] == [case["id"]]
    assert (await (await client.get("/api/v1/review-cases?year=2027", headers=staff["ed"])).json())["items"] == []
    error = await refused(await client.post("/api/v1/review-cases", json={**decided, "decided_on": "2025-01-01"},
                                            headers=staff["ed"]), 422, "validation_failed")
    assert "decided_on" in error["message"]
    error = await refused(await client.post("/api/v1/review-cases", json={"kind": "appeal", "filed_on": "2025-01-01"},
                                            headers=staff["ed"]), 422, "validation_failed")
    assert error["details"][0]["field"] == "kind"
    await refused(await client.post("/api/v1/review-cases", json={"kind": "reconsideration", "filed_on": "2025-03-01",
                                                                  "outcome": "upheld"}, headers=staff["ed"]),
                  422, "validation_failed")
    assert (await client.delete(f"/api/v1/review-cases/{case['id']}", headers=staff["ed"])).status == 204
    await refused(await client.get(f"/api/v1/review-cases/{case['id']}", headers=staff["ed"]), 404, "not_found")


async def test_two_first_edits_at_once_make_one_report(client: TestClient, staff: Staff) -> None:
    import asyncio

    async def edit(text: str, who: str) -> int:
        resp = await client.patch("/api/v1/reports/2023", json={"sections": {"overview": text}}, headers=staff[who])
        return resp.status

    assert await asyncio.gather(edit("甲", "ed"), edit("乙", "ed2")) == [200, 200]
    report = await (await client.get("/api/v1/reports/2023", headers=staff["rev"])).json()
    assert report["revision"] == 2 and sorted(report["authors"]) == ["ed", "ed2"]
    assert report["sections"]["overview"] in ("甲", "乙")


async def test_an_edit_after_approval_needs_a_new_review(client: TestClient, staff: Staff) -> None:
    approved = await approve(client, staff, 2024, await write_and_submit(client, staff, 2024))
    assert approved["state"] == "approved"
    resp = await client.patch("/api/v1/reports/2024", json={"figures": {"licensing": 7}}, headers=staff["ed2"])
    body = await resp.json()
    assert body["state"] == "draft" and body["approved_by"] is None and body["revision"] == approved["revision"] + 1
    assert sorted(body["authors"]) == ["ed", "ed2"]
    await refused(await client.post("/api/v1/reports/2024/publish", headers=staff["rev"]), 409, "not_approved")
