"""The flags in chromium: the editor shows them while typing and masks with a button; the
review page's checkbox is what lets a flagged revision be approved; axe finds no serious
or critical problem on either page."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient
from browser_support import axe_violations, screenshot
from conftest import PASSWORD, Staff

ID_X = "11010519491231002X"


async def sign_in(page: Any, base: str, username: str) -> None:
    await page.goto(base + "/staff/login")
    await page.get_by_label("使用者名稱").fill(username)
    await page.get_by_label("密碼").fill(PASSWORD)
    await page.keyboard.press("Enter")
    await page.wait_for_url(base + "/staff/")


async def test_editor_flags_mask_and_review_checkbox_in_chromium(live_server, browser) -> None:
    client = TestClient(live_server)
    await client.start_server()
    base = str(live_server.make_url("")).rstrip("/")
    try:
        staff = Staff(client)
        await staff.add("ed", "editor")
        await staff.add("rev", "reviewer")
        context = await browser.new_context(viewport={"width": 1360, "height": 900}, locale="zh-TW", bypass_csp=True)
        context.set_default_timeout(10_000)
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        await sign_in(page, base, "ed")

        # -- the editor: flags while typing, then the mask button ---------------------------
        await page.goto(base + "/staff/notices/new")
        await page.get_by_label("標題").fill("內部：招聘會名單")
        await page.get_by_label("正文").fill(f"申請人身份證號碼{ID_X}，電話13812345678。")
        flags = page.locator("#pv-flags-list")
        await flags.get_by_text("110105********002X").wait_for()
        assert "發現 3 處可能的個人資料或保密標記" in await page.locator("#pv-flags-summary").inner_text()
        assert "138****5678" in await flags.inner_text() and "保密標記" in await flags.inner_text()
        await screenshot(page, "editor-flags.png", full_page=True)
        if found := await axe_violations(page):
            raise AssertionError(f"axe on the editor with flags: {found}")
        button = page.get_by_role("button", name="遮蔽個人資料")
        await button.click()
        assert await page.get_by_label("正文").input_value() == "申請人身份證號碼110105********002X，電話138****5678。"
        assert await page.get_by_label("標題").input_value() == "內部：招聘會名單"  # a mark is not masked away
        # the preview runs again on the masked text: only the mark is left
        await page.locator("#pv-flags-summary").get_by_text("發現 1 處").wait_for()
        assert await button.is_hidden()
        # put the ID number back to have something to confirm at review, then send it
        await page.get_by_label("正文").fill(f"申請人身份證號碼{ID_X}。")
        await page.get_by_role("button", name="儲存並送審").click()
        await page.wait_for_url(f"{base}/staff/notices/*?done=submitted")
        nid = int(page.url.split("/staff/notices/")[1].split("?")[0])
        await context.close()

        # -- the review page: the list, the checkbox ----------------------------------------
        reviewer = await browser.new_context(viewport={"width": 1360, "height": 900}, locale="zh-TW",
                                             bypass_csp=True)
        reviewer.set_default_timeout(10_000)
        rpage = await reviewer.new_page()
        await sign_in(rpage, base, "rev")
        await rpage.goto(f"{base}/staff/notices/{nid}/review")
        section = rpage.locator("#review-flags")
        assert "110105********002X" in await section.inner_text() and ID_X not in await section.inner_text()
        if found := await axe_violations(rpage):
            raise AssertionError(f"axe on the review page with flags: {found}")
        await rpage.get_by_role("button", name="核准").click()
        await rpage.get_by_text("請逐項核對，勾選確認後再核准").wait_for()
        checkbox = rpage.get_by_label("我已核對上列 2 處標示，確認可以公開。")
        assert await checkbox.get_attribute("aria-invalid") == "true"
        await screenshot(rpage, "review-flags.png", full_page=True)
        if found := await axe_violations(rpage):
            raise AssertionError(f"axe on the refused approval: {found}")
        await checkbox.check()
        await rpage.get_by_role("button", name="核准").click()
        await rpage.wait_for_url(f"{base}/staff/review?done=published*")
        notice = await (await client.get(f"/api/v1/notices/{nid}", headers=staff["ed"])).json()
        assert notice["status"] == "live"
        history = await (await client.get(f"/api/v1/notices/{nid}/history", headers=staff["ed"])).json()
        approve = next(e for e in history["events"] if e["action"] == "approve")
        assert len(approve["details"]["flags_confirmed"]) == 2
        await reviewer.close()
        assert not errors, errors
    finally:
        await client.close()
