"""The staff pages of the yearly report: the tables, the failing cells named, the forms
for the narratives, figures and cases, and the review buttons with four eyes."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from aiohttp.test_utils import TestClient
from conftest import Staff
from report_support import add_request
from test_report_figures import check_cells, html_cells, seed

from publisher import keys

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "web"))
from web_support import page_token, post_form, sign_in, text_of  # noqa: E402

SECTION_FORM = {"sections.overview": "本年度信息公开工作有序开展。", "sections.problems": "及时性有待提高。",
                "sections.other_matters": "未收取信息处理费。", "figures.licensing": "12", "figures.penalty": "3",
                "figures.coercion": "1", "figures.fees_10k_yuan": "1.25"}


async def test_write_review_and_publish_on_the_pages(client: TestClient, staff: Staff) -> None:
    await staff.add("both", "editor", "reviewer")
    await seed(client, staff)
    await sign_in(client, "ed")
    listing = await (await client.get("/staff/reports")).text()
    assert 'href="/staff/reports"' in listing and 'href="/staff/reports/2025"' in listing
    page = await (await client.get("/staff/reports/2025")).text()
    check_cells(html_cells(page))  # the preview shows every figure
    assert "所有勾稽檢查均通過" in page

    # a bad figure: the form comes back naming the field, nothing written
    resp = await post_form(client, "/staff/reports/2025", {**SECTION_FORM, "figures.penalty": "-3", "action": "save"})
    assert resp.status == 422
    bad = await resp.text()
    assert 'id="f-figures-penalty-error"' in bad and "及时性有待提高" in bad
    resp = await post_form(client, "/staff/reports/2025", {**SECTION_FORM, "action": "save"})
    assert resp.status == 303 and resp.headers["Location"] == "/staff/reports/2025?done=saved"
    resp = await post_form(client, "/staff/reports/2025", {"action": "submit"})
    assert resp.status == 303

    # the author who is also a reviewer is refused on the page (four eyes)
    await sign_in(client, "both")
    resp = await post_form(client, "/staff/reports/2025", {"action": "save", **SECTION_FORM})
    assert resp.status == 409 and "報告正在審核中" in await resp.text()
    report = await (await client.get("/api/v1/reports/2025")).json()
    assert report["state"] == "in_review"  # the save was refused: in review
    await sign_in(client, "ed")
    resp = await post_form(client, "/staff/reports/2025", {"action": "approve", "revision": str(report["revision"])})
    assert resp.status == 403  # an editor is no reviewer

    await sign_in(client, "rev")
    page = await (await client.get("/staff/reports/2025")).text()
    assert f'name="revision" value="{report["revision"]}"' in page
    stale = str(report["revision"] - 1)
    resp = await post_form(client, "/staff/reports/2025", {"action": "approve", "revision": stale})
    assert resp.status == 409 and "不是等待審核的版本" in await resp.text()
    resp = await post_form(client, "/staff/reports/2025", {"action": "approve", "revision": str(report["revision"])})
    assert resp.status == 303
    resp = await post_form(client, "/staff/reports/2025", {"action": "publish"})
    assert resp.status == 303 and resp.headers["Location"] == "/staff/reports/2025?done=published"
    page = text_of(await (await client.get("/staff/reports/2025?done=published")).text())
    assert "已在網站發佈" in page and "已發佈" in page
    assert (await client.get("/reports/2025")).status == 200


async def test_the_page_names_the_failing_cell_and_refuses_to_publish(client: TestClient, staff: Staff) -> None:
    await seed(client, staff)
    for year in (2024, 2025):
        await client.patch(f"/api/v1/reports/{year}", json={"sections": {
            "overview": "概述", "problems": "问题", "other_matters": "无"}}, headers=staff["ed"])
        revision = (await (await client.post(f"/api/v1/reports/{year}/submit", headers=staff["ed"])).json())["revision"]
        await client.post(f"/api/v1/reports/{year}/approve", json={"revision": revision}, headers=staff["rev"])
    assert (await client.post("/api/v1/reports/2024/publish", headers=staff["rev"])).status == 200
    await add_request(client.server.app[keys.DB], "other", date(2024, 6, 1), "disclosed", date(2025, 2, 1))
    await sign_in(client, "rev")
    page = await (await client.get("/staff/reports/2025")).text()
    assert "table3.carried_in.other" in text_of(page)
    assert 'data-cell="table3.carried_in.other" class="bad"' in page
    resp = await post_form(client, "/staff/reports/2025", {"action": "publish"})
    assert resp.status == 409
    assert "報告未通過勾稽檢查，不能發佈： table3.carried_in.other is 1" in text_of(await resp.text())


async def test_case_register_on_the_page(client: TestClient, staff: Staff) -> None:
    await sign_in(client, "ed")
    resp = await post_form(client, "/staff/reports/2025/cases", {"kind": "reconsideration", "filed_on": ""},
                           token_from="/staff/reports/2025")
    assert resp.status == 422 and 'id="f-case-filed-on-error"' in await resp.text()
    resp = await post_form(client, "/staff/reports/2025/cases",
                           {"kind": "litigation_direct", "filed_on": "2025-04-01", "note": "某公司诉本局"},
                           token_from="/staff/reports/2025")
    assert resp.status == 303
    page = await (await client.get("/staff/reports/2025")).text()
    assert "某公司诉本局" in page
    assert '<td data-cell="table4.litigation_direct.pending">1</td>' in page
    case_id = (await (await client.get("/api/v1/review-cases")).json())["items"][0]["id"]
    resp = await post_form(client, f"/staff/reports/2025/cases/{case_id}",
                           {"action": "decide", "outcome": "upheld", "decided_on": "2025-08-01"},
                           token_from="/staff/reports/2025")
    assert resp.status == 303
    page = await (await client.get("/staff/reports/2025")).text()
    assert '<td data-cell="table4.litigation_direct.upheld">1</td>' in page
    # English labels for the staff page
    await client.post("/staff/language", data={"csrf_token": await page_token(client, "/staff/reports"),
                                               "language": "en", "next": "/staff/reports/2025"})
    assert "Yearly report" in await (await client.get("/staff/reports/2025")).text()
    assert (await client.get("/staff/reports/go?year=2023", allow_redirects=False)).headers["Location"] == \
        "/staff/reports/2023"
    assert (await client.get("/staff/reports/20x5")).status == 404
