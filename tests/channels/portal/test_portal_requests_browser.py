"""The online request form in a real browser, without JavaScript: labels, a mistake
explained on the form, the answer with the tracking number and the deadline; axe finds
no serious or critical problem on any of these pages."""

from __future__ import annotations

from browser_support import axe_violations, screenshot


async def test_apply_online_in_chromium(live_server, browser) -> None:
    context = await browser.new_context(bypass_csp=True, java_script_enabled=True,
                                        viewport={"width": 1280, "height": 900}, locale="zh-TW")
    page = await context.new_page()
    await page.goto(str(live_server.make_url("/")))
    await page.get_by_role("link", name="依申請公開").click()
    assert await page.locator("h1").inner_text() == "申請政府信息公開"
    assert await axe_violations(page) == []
    await screenshot(page, "request-form.png", full_page=True)

    # a mistake: no kind chosen, the form comes back with the message and what was typed
    await page.get_by_label("姓名或名稱").fill("王大明")
    await page.get_by_label("聯絡方式").fill("13800138000")
    await page.get_by_label("所需信息的描述").fill("請提供2025年就業專項資金使用情況")
    await page.get_by_role("button", name="送出申請").click()
    assert "申請尚未送出" in await page.locator("main").inner_text()
    assert await page.get_by_label("申請人類別").get_attribute("aria-invalid") == "true"
    assert await page.get_by_label("姓名或名稱").input_value() == "王大明"
    assert await axe_violations(page) == []

    await page.get_by_label("申請人類別").select_option("person")
    await page.get_by_role("button", name="送出申請").click()
    assert await page.locator("h1").inner_text() == "已收到您的申請"
    tracking_no = (await page.locator(".tracking-no").inner_text()).strip()
    text = await page.locator("main").inner_text()
    assert tracking_no.startswith("2026-") and "2026年12月29日" in text
    assert "王大明" not in text and "13800138000" not in text
    assert await axe_violations(page) == []
    await screenshot(page, "request-received.png", full_page=True)
    await context.close()

    # the same pages work with JavaScript off: apply, then look the request up
    plain = await browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 800})
    page = await plain.new_page()
    await page.goto(str(live_server.make_url("/requests/new")))
    await page.get_by_label("申請人類別").select_option("business")
    await page.get_by_label("姓名或名稱").fill("某某科技有限公司")
    await page.get_by_label("聯絡方式").fill("office@example.cn")
    await page.get_by_label("所需信息的描述").fill("本局2025年行政許可事項目錄")
    await page.get_by_role("button", name="送出申請").click()
    assert await page.locator("h1").inner_text() == "已收到您的申請"
    await page.get_by_label("查詢編號").fill(tracking_no.lower())
    await page.get_by_role("button", name="查詢進度").click()
    assert await page.locator("h1").inner_text() == "申請進度"
    assert tracking_no in await page.locator("td.tracking").inner_text()
    await screenshot(page, "request-status-375.png", full_page=True)
    await plain.close()
