"""A published report on the portal in chromium: no serious or critical axe findings on
the list and the report page, the A4 print media hides the site's header and keeps the
tables within the page width; and the staff page passes axe too."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient
from browser_support import axe_violations, screenshot
from conftest import PASSWORD, Staff
from test_report_figures import seed

SECTIONS = {"overview": "本年度，本局认真贯彻落实《政府信息公开条例》。\n\n全年主动公开政府信息如下。",
            "problems": "公开内容的及时性有待提高。", "other_matters": "本年度未收取信息处理费。"}


async def publish_2025(client: TestClient, staff: Staff) -> None:
    await seed(client, staff)
    await client.patch("/api/v1/reports/2025", json={"sections": SECTIONS}, headers=staff["ed"])
    revision = (await (await client.post("/api/v1/reports/2025/submit", headers=staff["ed"])).json())["revision"]
    await client.post("/api/v1/reports/2025/approve", json={"revision": revision}, headers=staff["rev"])
    resp = await client.post("/api/v1/reports/2025/publish", headers=staff["rev"])
    assert resp.status == 200, await resp.text()


async def test_published_report_in_chromium(live_server: Any, browser: Any) -> None:
    client = TestClient(live_server)
    await client.start_server()
    try:
        staff = Staff(client)
        for name, role in (("ed", "editor"), ("ed2", "editor"), ("rev", "reviewer"), ("rev2", "reviewer"),
                           ("boss", "admin")):
            await staff.add(name, role)
        await publish_2025(client, staff)
        context = await browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900}, locale="zh-TW")
        page = await context.new_page()
        await page.goto(str(live_server.make_url("/reports/")))
        assert await axe_violations(page) == []
        await page.get_by_role("link", name="江門市人力資源和社會保障局2025年政府信息公開工作年度報告").click()
        assert await page.locator("h1").inner_text() == "江門市人力資源和社會保障局2025年政府信息公开工作年度报告"
        assert await page.locator('[data-cell="table3.total.total"]').inner_text() == "24"
        await screenshot(page, "report-screen.png", full_page=True)
        assert await axe_violations(page) == []

        # printed on A4: the site's header is gone, every table fits the page width
        await page.emulate_media(media="print")
        assert not await page.locator("header.site").is_visible()
        assert not await page.locator(".report-links").is_visible()
        widths = await page.evaluate(
            "() => [...document.querySelectorAll('table.report-table')].map(t => t.getBoundingClientRect().width)")
        body = await page.evaluate("() => document.querySelector('.yearly-report').getBoundingClientRect().width")
        assert widths and all(w <= body + 1 for w in widths)
        png = await screenshot(page, "report-print.png", full_page=True)
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        pdf = await page.pdf(format="A4")
        assert pdf[:5] == b"%PDF-"

        # the staff page of the report
        staff_page = await context.new_page()
        await staff_page.goto(str(live_server.make_url("/staff/login?next=/staff/reports/2025")))
        await staff_page.get_by_label("使用者名稱").fill("ed")
        await staff_page.get_by_label("密碼").fill(PASSWORD)
        await staff_page.get_by_role("button", name="登入").click()
        await staff_page.wait_for_url("**/staff/reports/2025")
        assert await staff_page.get_by_role("heading", name="2025 年度報告").is_visible()
        await screenshot(staff_page, "staff-report.png", full_page=True)
        assert await axe_violations(staff_page) == []
        await context.close()
    finally:
        await client.close()
