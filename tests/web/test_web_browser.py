"""The staff pages in a real browser (Debian's chromium, CSP enforced): an editor
writes a notice with a schedule and LED text and sees the boards' pages, the author's
own approval is refused, a reviewer approves, and the notice reaches a kiosk feed. A
form posted from another site is refused; axe-core finds no serious or critical
problem on any staff page. The editor and review screenshots are the ones in docs/
(written only when asked: see browser_support)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient
from browser_support import axe_violations, screenshot
from conftest import PASSWORD, Staff, add_device, notice_body, publish

EVIL_FORM = """<!doctype html><html lang="en"><title>prize</title>
<form method="post" action="{target}"><input type="hidden" name="title" value="forged">
<input type="hidden" name="category" value="news"><input type="hidden" name="channels" value="portal">
<button name="action" value="submit">Claim your prize</button></form></html>"""


async def sign_in(page: Any, base: str, username: str) -> None:
    """With the keyboard alone: type, Tab, type, Enter."""
    await page.goto(base + "/staff/login")
    await page.get_by_label("使用者名稱").fill(username)
    await page.keyboard.press("Tab")
    await page.keyboard.type(PASSWORD)
    await page.keyboard.press("Enter")
    await page.wait_for_url(base + "/staff/")


async def test_write_review_publish_in_chromium(live_server, aiohttp_server, browser, clock) -> None:
    clock.set(datetime(2026, 12, 16, 2, 0, tzinfo=timezone.utc))  # 10:00 on the 16th, Asia/Shanghai
    client = TestClient(live_server)
    await client.start_server()
    base = str(live_server.make_url("")).rstrip("/")

    async def prize(request: web.Request) -> web.Response:
        return web.Response(text=EVIL_FORM.format(target=base + "/staff/notices/new"), content_type="text/html")

    evil_app = web.Application()
    evil_app.router.add_get("/", prize)
    evil = await aiohttp_server(evil_app)
    try:
        staff = Staff(client)
        for name, roles in (("ed", ["editor"]), ("ed2", ["editor"]), ("edrev", ["editor", "reviewer"]),
                            ("rev", ["reviewer"]), ("boss", ["admin"])):
            await staff.add(name, *roles)
        kiosk = await add_device(client, staff, "kiosk-market", "kiosk", "hall-market")
        await add_device(client, staff, "led-market", "led", "hall-market", {"encoding": "gb2312", "convert": "t2s"})
        await add_device(client, staff, "led-hr", "led", "hall-hr", {"encoding": "gb2312"})
        # A live notice with a new revision in review, for the side-by-side page.
        live = await publish(client, staff, author="ed2", title="12333諮詢熱線服務時間調整", priority="urgent",
                             body="自本月起，12333熱線人工服務時間調整為工作日8:30至17:30。\n\n節假日休息。")
        await client.put(f"/api/v1/notices/{live['id']}", headers=staff["ed2"], json=notice_body(
            title="12333諮詢熱線服務時間延長", priority="urgent", led_text="12333熱線：週一至週六 8:30-20:00",
            body="自12月起，12333熱線人工服務時間延長為週一至週六8:30至20:00。\n\n法定節假日休息。"))
        await client.post(f"/api/v1/notices/{live['id']}/submit", headers=staff["ed2"])

        context = await browser.new_context(viewport={"width": 1360, "height": 900}, locale="zh-TW")
        context.set_default_timeout(10_000)
        csp_problems: list[str] = []
        page = await context.new_page()
        page.on("console", lambda m: csp_problems.append(m.text) if "Content Security Policy" in m.text else None)
        page.on("pageerror", lambda e: csp_problems.append(str(e)))

        # -- the editor writes, with the keyboard where it matters ------------------------
        await sign_in(page, base, "edrev")
        await page.keyboard.press("Tab")
        assert await page.evaluate("document.activeElement.className") == "skip"
        await page.get_by_role("link", name="撰寫公告").first.click()
        await page.get_by_role("textbox", name="標題", exact=True).fill("每月16日大型招聘會")
        await page.get_by_label("摘要", exact=True).fill("人力資源市場每月舉辦大型招聘會，歡迎求職者參加。")
        await page.get_by_label("正文", exact=True).fill(
            "## 時間\n\n每月16日至18日 上午9:00至12:00\n\n## 地點\n\n人力資源市場**三樓**招聘大廳")
        await page.get_by_label("LED 文字").fill("每月16日大型招聘會：人力資源市場三樓，歡迎參加")
        await page.get_by_label("目錄類別").select_option("news")
        await page.get_by_label("人力資源市場辦事大廳").check()
        await page.get_by_label("人力資源綜合服務樓辦事大廳").check()
        await page.get_by_label("開始時間").fill("2026-12-01T08:00")
        await page.get_by_label("重複規則").fill("FREQ=MONTHLY;BYMONTHDAY=16")
        await page.get_by_label("每次持續").fill("P3D")
        words = page.locator("#schedule-words")
        await words.filter(has_text="每月16日起，連續3天").wait_for()
        led = page.locator("#pv-led[data-ready='1']")
        await led.filter(has_text="歡迎參加").wait_for()
        signs = page.locator("#pv-led figure.led-sign")
        assert await signs.count() == 2
        converted = signs.filter(has_text="led-market")
        assert await converted.locator(".led-page").count() >= 2
        assert await converted.locator(".led-screen").first.inner_text() == "每月16日大型招聘\n会：人力资源市场"  # t2s
        # the board without conversion cannot show Traditional characters: they are marked
        raw = signs.filter(has_text="led-hr")
        assert await raw.locator(".led-warn mark.bad-char").count() >= 1
        assert await raw.locator(".led-screen mark").count() >= 1
        assert "人力資源市場" in await page.locator("#pv-kiosk .k-body").inner_text()
        assert await page.locator("#pv-body h2").first.inner_text() == "時間"
        await page.set_viewport_size({"width": 1360, "height": 1180})
        await page.evaluate(
            "window.scrollTo(0, document.getElementById('sec-publish').closest('section').offsetTop - 8)")
        await page.get_by_label("每次持續").focus()
        await screenshot(page, "staff-editor.png", full_page=False)
        # a mistake is shown beside its field, and what was typed stays
        await page.get_by_label("每次持續").fill("3 days")
        await page.keyboard.press("Enter")  # Enter in a field saves the draft
        await page.locator("#f-schedule-duration-error").wait_for()
        assert await page.evaluate("document.activeElement.id") == "error-summary"
        assert await page.get_by_label("正文", exact=True).input_value() != ""
        await page.get_by_label("每次持續").fill("P3D")
        await page.get_by_role("button", name="儲存並送審").click()
        await page.wait_for_url("**/staff/notices/*?done=submitted")
        nid = int(page.url.split("/staff/notices/")[1].split("?")[0])

        # -- the author's own approval is refused, on the page ------------------------------
        await page.goto(f"{base}/staff/notices/{nid}/review")
        await page.get_by_role("button", name="核准").click()
        alert = page.locator("#review-alert")
        await alert.wait_for()
        assert "四眼原則" in await alert.inner_text()

        # -- a form posted from another site is refused -----------------------------------
        evil_page = await context.new_page()
        await evil_page.goto(str(evil.make_url("/")))
        async with evil_page.expect_response(base + "/staff/notices/new") as answer:
            await evil_page.get_by_role("button", name="Claim your prize").click()
        assert (await answer.value).status == 403
        assert "已拒絕來自其他網站的請求" in await evil_page.locator("main").inner_text()
        await evil_page.close()
        staff_state = await context.storage_state()

        # -- a reviewer approves ---------------------------------------------------------
        reviewer = await browser.new_context(viewport={"width": 1360, "height": 900}, locale="zh-TW")
        reviewer.set_default_timeout(10_000)
        rpage = await reviewer.new_page()
        rpage.on("console", lambda m: csp_problems.append(m.text) if "Content Security Policy" in m.text else None)
        await sign_in(rpage, base, "rev")
        await rpage.get_by_role("link", name="審核", exact=True).click()
        await rpage.get_by_role("link", name="每月16日大型招聘會").first.click()
        await rpage.wait_for_url(f"**/staff/notices/{nid}/review")
        await rpage.get_by_label("意見").fill("內容與排程無誤，同意發布。")
        await rpage.get_by_role("button", name="核准").click()
        await rpage.wait_for_url("**/staff/review?done=published*")
        assert "已核准並發布。" in await rpage.locator("main").inner_text()
        feed = await (await client.get(f"/kiosk/v1/kiosk-market/feed.json?token={kiosk}")).json()
        assert "每月16日大型招聘會" in [item["title"] for item in feed["rotation"]]

        # -- the review page of a revision of a live notice, for the docs ------------------
        await rpage.goto(f"{base}/staff/notices/{live['id']}/review")
        assert await rpage.locator("table.compare del.d").count() >= 1
        assert await rpage.locator("table.compare ins.i").count() >= 1
        await rpage.get_by_label("意見").focus()
        await screenshot(rpage, "staff-review.png", full_page=True)
        reviewer_state = await reviewer.storage_state()
        await reviewer.close()
        await context.close()
        assert csp_problems == []

        # -- axe-core on every staff page (injected, so this context bypasses the CSP) -----
        pages = {
            "rev": [f"/staff/notices/{live['id']}/review", "/staff/", "/staff/review", "/staff/notices",
                    f"/staff/notices/{nid}", "/staff/schedule?location=hall-market", "/staff/devices",
                    "/staff/notices/999999"],
            "edrev": ["/staff/notices/new", f"/staff/notices/{live['id']}/edit"],
        }
        states = {"rev": reviewer_state, "edrev": staff_state}
        problems: dict[str, Any] = {}
        for who, paths in pages.items():
            checker = await browser.new_context(bypass_csp=True, storage_state=states[who], locale="zh-TW")
            cpage = await checker.new_page()
            for path in paths:
                await cpage.goto(base + path)
                if path.endswith("/new"):
                    await cpage.locator("#pv-led[data-ready='1']").wait_for()
                found = await axe_violations(cpage)
                if found:
                    problems[path] = found
            await checker.close()
        admin = await browser.new_context(bypass_csp=True, locale="zh-TW")
        apage = await admin.new_page()
        await apage.goto(base + "/staff/login")
        if found := await axe_violations(apage):
            problems["/staff/login"] = found
        await sign_in(apage, base, "boss")
        for path in ("/staff/users", "/staff/users/1", "/staff/devices", "/staff/devices/led-hr/revoke", "/staff/audit",
                     "/staff/password"):
            await apage.goto(base + path)
            if found := await axe_violations(apage):
                problems[path] = found
        # the English pages too
        await apage.goto(base + "/staff/")
        await apage.get_by_role("button", name="English").click()
        await apage.wait_for_url(base + "/staff/")
        assert await apage.locator("h1").inner_text() == "Today at a glance"
        if found := await axe_violations(apage):
            problems["/staff/ (en)"] = found
        await admin.close()
        assert problems == {}
    finally:
        await client.close()
