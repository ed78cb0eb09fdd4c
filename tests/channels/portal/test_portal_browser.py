"""The portal in a real browser: it renders Chinese, has no serious accessibility
problems, and its screenshot is the one in docs/ (written when asked)."""

from __future__ import annotations

from browser_support import axe_violations, screenshot
from conftest import Staff, publish


async def test_portal_pages_in_chromium(live_server, browser) -> None:
    from aiohttp.test_utils import TestClient

    client = TestClient(live_server)
    await client.start_server()
    try:
        staff = Staff(client)
        await staff.add("ed", "editor")
        await staff.add("rev", "reviewer")
        live = await publish(client, staff, title="城鎮職工基本醫療保險參保指南", category="guides",
                             summary="參保範圍、繳費標準、待遇享受和辦理流程。")
        await publish(client, staff, title="每月18日大型招聘會", priority="urgent")
        context = await browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900}, locale="zh-TW")
        page = await context.new_page()
        await page.goto(str(live_server.make_url("/")))
        assert await page.locator("h1").inner_text() == "最新公告"
        assert await page.get_by_role("link", name="每月18日大型招聘會").is_visible()
        await screenshot(page, "portal.png", full_page=True)
        assert await axe_violations(page) == []
        await page.get_by_label("搜尋公告").fill("医疗保险")
        await page.get_by_role("button", name="搜尋").click()
        await page.get_by_role("link", name="城鎮職工基本醫療保險參保指南").click()
        assert await page.locator("table.metadata").is_visible()
        assert live["index_no"] in await page.locator("table.metadata").inner_text()
        assert await axe_violations(page) == []
        await page.goto(str(live_server.make_url("/catalog/")))
        assert await axe_violations(page) == []
        await context.close()
    finally:
        await client.close()
