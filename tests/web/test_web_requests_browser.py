"""The request register's staff pages in a real browser (CSP enforced): a reviewer
registers a request received by post, answers it, and axe-core finds no serious or
critical problem on the register, the form, the request and the overview."""

from __future__ import annotations

from aiohttp.test_utils import TestClient
from browser_support import axe_violations, screenshot
from conftest import Staff, publish
from test_web_browser import sign_in


async def test_register_and_answer_in_chromium(live_server, browser) -> None:
    client = TestClient(live_server)
    await client.start_server()
    base = str(live_server.make_url("")).rstrip("/")
    try:
        staff = Staff(client)
        await staff.add("ed", "editor")
        await staff.add("rev", "reviewer")
        live = await publish(client, staff)
        context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-TW")
        page = await context.new_page()
        await sign_in(page, base, "rev")
        await page.get_by_role("link", name="依申請公開", exact=True).click()
        assert await page.locator("h1").inner_text() == "依申請公開登記簿"
        await page.get_by_role("link", name="登記申請").click()
        await page.get_by_label("收件方式").select_option("post")
        await page.get_by_label("申請人類別").select_option("legal_service")
        await page.get_by_label("姓名或名稱").fill("廣東某某律師事務所")
        await page.get_by_label("聯絡方式").fill("0750-3333333")
        await page.get_by_label("所需信息的描述").fill("2025年度勞動保障監察案件統計")
        await page.get_by_role("button", name="登記", exact=True).click()
        assert "已登記申請" in await page.locator("main").inner_text()
        await screenshot(page, "staff-request.png", full_page=True)
        await page.get_by_label("辦理結果").select_option("disclosed")
        await page.get_by_label("答覆內容").fill("已於本局網站公開")
        await page.get_by_label("公開的公告編號").fill(str(live["id"]))
        await page.get_by_role("button", name="答覆", exact=True).click()
        text = await page.locator("main").inner_text()
        assert "已答覆並結案" in text and "予以公開" in text and "廣東某某律師事務所" in text
        context2 = await browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
        check = await context2.new_page()
        await sign_in(check, base, "rev")
        for path in ("/staff/requests", "/staff/requests/new", "/staff/requests/1", "/staff/"):
            await check.goto(base + path)
            assert await axe_violations(check) == [], path
        await check.goto(base + "/staff/requests")
        await screenshot(check, "staff-requests.png", full_page=True)
        await check.goto(base + "/staff/")
        await screenshot(check, "staff-overview-requests.png", full_page=True)
        await context.close()
        await context2.close()
    finally:
        await client.close()
