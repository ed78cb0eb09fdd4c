"""The search page in a real browser: marked results, paging by keyboard-reachable links,
no serious accessibility problem; its screenshot when PUBLISHER_TEST_SCREENSHOTS is set."""

from __future__ import annotations

from browser_support import axe_violations, screenshot
from conftest import Staff, publish


async def test_search_results_in_chromium(live_server, browser, clock) -> None:
    from aiohttp.test_utils import TestClient

    client = TestClient(live_server)
    await client.start_server()
    try:
        staff = Staff(client)
        await staff.add("ed", "editor")
        await staff.add("rev", "reviewer")
        first = await publish(client, staff, title="城鎮職工基本醫療保險參保指南", category="guides",
                              summary="參保範圍、繳費標準、待遇享受和辦理流程。",
                              meta={"doc_number": "江人社發〔2026〕7號"})
        for n in range(21):
            clock.advance(minutes=1)
            await publish(client, staff, title=f"第{n + 1}期醫療保險政策解讀", summary="<b>不是粗體</b>醫療保險問答",
                          meta={})
        context = await browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900}, locale="zh-TW")
        page = await context.new_page()
        await page.goto(str(live_server.make_url("/")))
        await page.get_by_label("搜尋公告").fill("医疗保险")
        await page.get_by_role("button", name="搜尋").click()
        assert await page.locator("h1").inner_text() == "搜尋「医疗保险」"
        assert "找到 22 則公告" in await page.locator("p.found").inner_text()
        assert await page.locator("ol.results > li").count() == 20
        assert await page.locator("ol.results mark").first.inner_text() == "醫療保險"
        assert await page.locator("ol.results b").count() == 0  # the summary's markup stays text
        await screenshot(page, "portal-search.png", full_page=True)
        assert await axe_violations(page) == []
        await page.get_by_role("link", name="下一頁").click()
        assert await page.locator("ol.results > li").count() == 2
        assert await page.get_by_role("link", name="上一頁").is_visible()
        # the document number, as typed with other brackets, puts its notice first
        await page.goto(str(live_server.make_url("/search?q=江人社发[2026]7号")))
        await page.locator("ol.results > li a").first.click()
        assert first["index_no"] in await page.locator("table.metadata").inner_text()
        await context.close()
    finally:
        await client.close()
