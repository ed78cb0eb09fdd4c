"""The touchscreen page in Debian's chromium: the carousel at rest in both orientations,
live updates and withdrawals without a reload, the emergency screen, browsing and
searching the catalog, the return to rest, offline operation through the service worker
with an item expiring while offline, and bad input (bad token, hostile or huge notices).

The server runs on the fake `clock`; each page gets its own clock set to the same
instant (playwright's page.clock), so that time moves in both only when a test says so.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from browser_support import axe_violations, screenshot
from kiosk_browser_support import LANDSCAPE, PORTRAIT, SMALL_TARGETS, SMALL_TEXT, Cable, Hall, open_kiosk, pause
from playwright.async_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
async def hall(live_server):  # type: ignore[no-untyped-def]
    hall = await Hall(live_server).start()
    yield hall
    await hall.close()


async def publish_hall_notices(hall: Hall, clock) -> list[dict]:  # type: ignore[no-untyped-def]
    """What a hall shows on an ordinary morning (also what the screenshots show)."""
    notices = []
    for fields in [
        {"title": "辦事大廳辦公時間", "category": "other",
         "summary": "週一至週五 8:30–12:00、14:30–17:30；法定節假日休息。",
         "body": "各辦事大廳週一至週五辦公，法定節假日休息。中午12:00至14:30暫停取號。"},
        {"title": "城鎮職工基本醫療保險參保指南", "category": "guides",
         "summary": "參保範圍、繳費標準、待遇享受和辦理流程。",
         "body": "### 參保範圍\n\n本市行政區域內的各類用人單位及其職工。\n\n### 辦理地點\n\n社保局辦事大廳3號窗口。"},
        {"title": "關於做好2026年度社會保險費徵收工作的通知", "category": "documents",
         "summary": "各參保單位須於每月15日前完成社會保險費申報。",
         "body": "各參保單位：\n\n為做好2026年度社會保險費徵收工作，現將有關事項通知如下。\n\n"
                 "一、申報時間：每月1日至15日。\n\n"
                 "二、逾期未申報的，依《社會保險法》第八十六條處理。",
         "meta": {"doc_number": "江人社〔2026〕12號", "issuing_org": "江門市人力資源和社會保障局"}},
        {"title": "12333諮詢熱線服務時間調整", "category": "news", "priority": "urgent",
         "summary": "自12月1日起，12333人力資源和社會保障諮詢熱線人工服務時間調整為工作日8:30至17:30。",
         "body": "自12月1日起，12333人力資源和社會保障諮詢熱線人工服務時間調整為工作日8:30至17:30，"
                 "其餘時段提供自助語音服務。\n\n如需辦理業務，請攜帶身份證原件到辦事大廳取號，"
                 "或登錄網上辦事大廳辦理。\n\n特此公告。"},
    ]:
        notices.append(await hall.publish(**fields))
        clock.advance(minutes=1)
    return notices


async def test_carousel_at_rest_in_both_orientations(hall, browser, clock) -> None:
    await publish_hall_notices(hall, clock)
    token = await hall.add_kiosk("k1", "hall-hr")
    order = ["12333諮詢熱線服務時間調整", "關於做好2026年度社會保險費徵收工作的通知", "城鎮職工基本醫療保險參保指南",
             "辦事大廳辦公時間"]  # urgent first, then the newest start
    for name, viewport in [("portrait", PORTRAIT), ("landscape", LANDSCAPE)]:
        context, page, errors = await open_kiosk(browser, hall.url("k1", token), viewport, clock.now)
        await expect(page.locator("#card-title")).to_have_text(order[0])
        assert await page.get_attribute("html", "data-layout") == name
        await expect(page.locator(".hall")).to_have_text("人力資源綜合服務樓辦事大廳")
        await expect(page.locator("#time")).to_have_text("09:04")
        await expect(page.locator("#date")).to_have_text("12月1日星期二")
        await expect(page.locator("#counter")).to_have_text("1 / 4")
        await expect(page.locator("#progress")).to_have_class("progress-fill run")
        await expect(page.locator("#rotation-list .item")).to_have_count(4)
        await screenshot(page, f"kiosk-{name}.png")
        assert await page.evaluate(SMALL_TEXT) == []
        assert await page.evaluate(SMALL_TARGETS) == []
        assert await axe_violations(page) == []  # (axe needs the clock running: before the pause)
        # each item for its dwell (10 s by default), then the next; round and round
        await pause(page)
        for step in [1, 2, 3, 0]:
            await page.clock.fast_forward(10_000)
            await expect(page.locator("#card-title")).to_have_text(order[step])
            await expect(page.locator("#counter")).to_have_text(f"{step + 1} / 4")
        current = page.locator('#rotation-list .item[aria-current="true"]')
        await expect(current).to_contain_text(order[0])
        assert errors == []
        await context.close()


async def test_live_update_and_withdrawal_without_reload(hall, browser, clock) -> None:
    first = await hall.publish(title="原有的公告")
    token = await hall.add_kiosk("k1")
    # under the page's own CSP (no axe here): a blocked script or style would be an error
    context, page, errors = await open_kiosk(browser, hall.url("k1", token), LANDSCAPE, clock.now, bypass_csp=False)
    playlist = page.locator("#rotation-list")
    await expect(playlist).to_contain_text("原有的公告")
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    await page.evaluate("window.__same_page = true")
    announced: list[str] = []  # X-Kiosk-Announced on feed fetches: a proxy's microcache lets those through
    page.on("request", lambda r: "/feed.json" in r.url and announced.append(r.headers.get("x-kiosk-announced", "")))

    started = time.monotonic()
    await hall.publish(title="剛剛核准的新公告", category="guides")
    await expect(playlist).to_contain_text("剛剛核准的新公告", timeout=5000)
    arrived = time.monotonic() - started
    assert any(announced), announced  # the fetch for the announced version says so
    await page.click("#nav-browse")  # the catalog has it too
    await page.locator("#categories").get_by_role("button", name="辦事指南").click()
    await expect(page.locator("#browse-list")).to_contain_text("剛剛核准的新公告")

    started = time.monotonic()
    await hall.withdraw(first["id"])
    await expect(page.locator("#browse-list")).not_to_contain_text("原有的公告")
    await page.click("#nav-home")
    await expect(playlist).not_to_contain_text("原有的公告", timeout=5000)
    left = time.monotonic() - started
    assert arrived < 3 and left < 3, (arrived, left)
    assert await page.evaluate("window.__same_page") is True and navigations == []
    assert errors == []
    await context.close()


async def test_without_the_event_stream_it_polls_and_backs_off(hall, browser, clock) -> None:
    """The stream is refused (a proxy that drops it, say): the page polls the feed with
    jitter (30 s +- 20 %) and tries the stream again with exponential back-off."""
    await hall.publish(title="原有的公告")
    token = await hall.add_kiosk("k1")
    attempts: list[str] = []

    async def refuse(route) -> None:  # type: ignore[no-untyped-def]
        attempts.append(route.request.url)
        await route.abort()

    context, page, errors = await open_kiosk(browser, hall.url("k1", token), PORTRAIT, clock.now, bypass_csp=False,
                                             service_workers="block")
    await context.route("**/events?*", refuse)
    await page.reload()
    await expect(page.locator("#card-title")).to_have_text("原有的公告")
    await hall.publish(title="輪詢取得的公告")
    # No "nothing yet" check here: every failed reconnect also refreshes the feed (to
    # catch up), and when the aborted attempts land is up to the network, not the clock.
    await page.clock.fast_forward(20_000)
    await page.clock.fast_forward(20_000)
    await expect(page.locator("#rotation-list")).to_contain_text("輪詢取得的公告")
    await expect(page.locator("#offline")).to_be_hidden()  # the feed answers: not offline
    for _ in range(12):  # two minutes, in steps that let every due timer fire
        await page.clock.fast_forward(10_000)
    # back-off 1, 2, 4, 8, 16, 32, 60 s (jittered): a handful of tries, not one every 3 s
    assert 4 <= len(attempts) <= 9, len(attempts)
    assert errors == []
    await context.close()


async def test_emergency_takes_the_whole_screen_until_withdrawn(hall, browser, clock) -> None:
    await hall.publish(title="一般公告")
    token = await hall.add_kiosk("k1")
    context, page, errors = await open_kiosk(browser, hall.url("k1", token), PORTRAIT, clock.now)
    await page.click("#card")  # someone is reading a notice
    await expect(page.locator("#view-detail")).to_be_visible()
    alert = await hall.publish(title="颱風紅色預警：今日下午停止辦公", priority="emergency", category="news",
                               summary="請在大廳內的市民聽從工作人員指引，有序離開。", body="預計明日上午恢復辦公。")
    overlay = page.locator("#emergency")
    await expect(overlay).to_be_visible()
    await expect(page.locator("#emergency-title")).to_have_text("颱風紅色預警：今日下午停止辦公")
    await expect(page.locator("#emergency-summary")).to_have_text("請在大廳內的市民聽從工作人員指引，有序離開。")
    assert await overlay.bounding_box() == {"x": 0, "y": 0, "width": 1080, "height": 1920}
    assert await page.evaluate("document.getElementById('app').inert") is True  # nothing under it reacts
    assert await page.evaluate(SMALL_TEXT) == []
    assert await axe_violations(page) == []
    await hall.withdraw(alert["id"])
    await expect(overlay).to_be_hidden()
    assert await page.evaluate("document.getElementById('app').inert") is False
    await page.click("#nav-home")
    await expect(page.locator("#card-title")).to_have_text("一般公告")
    assert errors == []
    await context.close()


async def test_browse_by_category_and_search_by_index_number(hall, browser, clock) -> None:
    token = await hall.add_kiosk("k1", "hall-hr")
    evening = await hall.publish(title="靈活就業人員參保登記辦理指南", category="guides",
                                 body="攜帶身份證原件到人力資源綜合服務樓辦事大廳辦理參保登記。",
                                 schedule={"daily": [{"days": ["tue"], "from": "18:00", "to": "20:00"}]})
    doc = await hall.publish(title="關於做好2026年度社會保險費徵收工作的通知", category="documents",
                             meta={"doc_number": "江人社〔2026〕12號", "issuing_org": "江門市人力資源和社會保障局"})
    await hall.publish(title="只在社保局大廳", category="guides", locations=["hall-si"])
    context, page, errors = await open_kiosk(browser, hall.url("k1", token), PORTRAIT, clock.now)
    await expect(page.locator("#rotation-list")).to_contain_text(doc["title"])
    await expect(page.locator("#rotation-list")).not_to_contain_text(evening["title"])  # outside its window

    await page.click("#nav-browse")
    await page.locator("#categories").get_by_role("button", name="辦事指南").click()
    guides = page.locator("#categories").get_by_role("button", name="辦事指南")
    await expect(guides).to_have_attribute("aria-pressed", "true")
    await expect(page.locator("#browse-list .item")).to_have_count(1)  # not the other hall's
    assert await axe_violations(page) == []
    await page.locator("#browse-list .item").click()
    await expect(page.locator("#detail-title")).to_have_text(evening["title"])
    await expect(page.locator("#detail-facts")).to_contain_text(evening["index_no"])
    assert await axe_violations(page) == []
    await page.click("#back")
    await expect(page.locator("#view-browse")).to_be_visible()

    await page.click("#nav-search")
    assert await page.get_attribute("#q", "type") == "search"
    await page.fill("#q", doc["index_no"].split("-")[0] + "-")
    for digit in doc["index_no"].split("-")[1]:  # the rest on the on-screen keypad
        await page.click(f'.keypad [data-key="{digit}"]')
    await expect(page.locator("#q")).to_have_value(doc["index_no"])
    await page.locator("#search-form").get_by_role("button", name="搜尋").click()
    await expect(page.locator("#search-hint")).to_have_text(f"找到 1 則與「{doc['index_no']}」相關的公告")
    await expect(page.locator("#search-results")).to_contain_text(doc["title"])
    await page.fill("#q", "参保登记")  # Simplified finds Traditional
    await page.press("#q", "Enter")
    await expect(page.locator("#search-results")).to_contain_text(evening["title"])
    await page.fill("#q", "江人社〔2026〕12號")
    await page.press("#q", "Enter")
    await expect(page.locator("#search-results .item")).to_have_count(1)
    await page.locator("#search-results .item").click()
    await expect(page.locator("#detail-facts")).to_contain_text("江人社〔2026〕12號")
    await page.click("#back")
    await page.fill("#q", "沒有這樣的公告")
    await page.press("#q", "Enter")
    await expect(page.locator("#search-hint")).to_have_text("沒有找到與「沒有這樣的公告」相關的公告")
    assert await page.evaluate(SMALL_TEXT) == []
    assert await axe_violations(page) == []
    assert errors == []
    await context.close()


async def test_idle_returns_to_the_carousel_and_resets_large_text(hall, browser, clock) -> None:
    await hall.publish(title="第一則", summary="摘要")
    await hall.publish(title="第二則")
    token = await hall.add_kiosk("k1", idle_s=10)
    context, page, errors = await open_kiosk(browser, hall.url("k1", token), LANDSCAPE, clock.now)
    await expect(page.locator("#card-title")).not_to_have_text("正在載入公告…")
    await pause(page)
    title = await page.locator("#card-title").inner_text()
    await page.click("#card")
    await expect(page.locator("#detail-title")).to_have_text(title)
    await page.click("#large-text")
    await expect(page.locator("html")).to_have_class("large")
    await expect(page.locator("#large-text")).to_have_attribute("aria-pressed", "true")
    body_size = await page.evaluate("parseFloat(getComputedStyle(document.getElementById('detail-body')).fontSize)")
    assert body_size >= 1.1 * 37  # a third larger than the 30 px body text
    await page.clock.run_for(9_000)
    await expect(page.locator("#view-detail")).to_be_visible()
    await page.click("#page-down")  # a touch starts the idle time again
    await page.clock.run_for(9_000)
    await expect(page.locator("#view-detail")).to_be_visible()
    await page.clock.run_for(2_000)
    await expect(page.locator("#view-home")).to_be_visible()
    await expect(page.locator("html")).not_to_have_class("large")
    await expect(page.locator("#progress")).to_have_class("progress-fill run")
    await page.click("#nav-search")  # the home button, too
    await page.click("#nav-home")
    await expect(page.locator("#view-home")).to_be_visible()
    await page.clock.resume()  # axe needs running timers
    await page.click("#large-text")
    await page.click("#card")
    assert await axe_violations(page) == []  # the notice in large text
    assert errors == []
    await context.close()


async def test_offline_keeps_running_drops_expired_items_and_catches_up(hall, browser, clock, live_server) -> None:
    short = await hall.publish(title="今日上午停水通知",
                               schedule={"end": (clock.now + timedelta(minutes=2)).isoformat()})
    await hall.publish(title="長期公告")
    token = await hall.add_kiosk("k1")
    cable = await Cable(live_server.port).start()
    try:
        context, page, errors = await open_kiosk(browser, hall.url("k1", token, cable.port), PORTRAIT, clock.now)
        playlist, mark = page.locator("#rotation-list"), page.locator("#offline")
        await expect(playlist).to_contain_text("今日上午停水通知")
        await expect(playlist).to_contain_text("長期公告")
        await page.wait_for_function("document.documentElement.dataset.offlineReady === 'yes'")
        await expect(mark).to_be_hidden()

        cable.unplug()
        await expect(mark).to_be_visible()
        await expect(mark).to_have_text("離線中 · 自 2026年12月1日 09:00 起")
        # time passes without network: the short notice ends and leaves by the page's own clock
        await page.clock.fast_forward("03:00")
        await expect(playlist).not_to_contain_text("今日上午停水通知")
        await expect(playlist).to_contain_text("長期公告")
        await expect(page.locator("#card-title")).to_have_text("長期公告")
        # restarted without network: the service worker brings back the page and its last feed
        await page.reload()
        await expect(page.locator("#card-title")).to_have_text("長期公告")
        await expect(playlist).not_to_contain_text("今日上午停水通知")
        await expect(mark).to_have_text("離線中 · 自 2026年12月1日 09:00 起")
        await page.click("#nav-browse")  # the catalog came back too, the ended notice marked
        await page.locator("#categories").get_by_role("button", name="工作動態").click()
        await expect(page.locator("#browse-list li.expired")).to_contain_text("今日上午停水通知")

        # the network returns (and a notice was approved meanwhile): the kiosk catches up
        clock.advance(minutes=3)
        await hall.publish(title="離線期間核准的公告")
        cable.plug()
        await page.clock.fast_forward("01:00")  # the reconnection's back-off
        await expect(mark).to_be_hidden()
        await expect(page.locator("#browse-list")).to_contain_text("離線期間核准的公告")
        await page.click("#nav-home")
        await expect(playlist).to_contain_text("離線期間核准的公告")
        assert short["id"] not in [int(i) for i in await playlist.locator(".item").evaluate_all(
            "items => items.map(i => i.dataset.id)")]
        assert errors == []
        await context.close()
    finally:
        await cable.close()


async def test_bad_token_and_hostile_or_huge_notices(hall, browser, clock) -> None:
    token = await hall.add_kiosk("k1")
    await hall.publish(title="摘要裡有標記", summary='<b onmouseover="window.__pwned=5">粗體</b>', body="")
    context, page, errors = await open_kiosk(browser, hall.url("k1", "not-the-token"), PORTRAIT, clock.now)
    await expect(page.get_by_role("heading", name="此觸摸屏尚未登記")).to_be_visible()
    assert await axe_violations(page) == []
    await context.close()

    hostile_title = '<img src=x onerror="window.__pwned=1">' + "很長的標題" * 30
    clock.advance(minutes=1)  # the newer start comes first
    await hall.publish(title=hostile_title, summary=None,
                       body="<script>window.__pwned=2</script>\n\n[點我](javascript:window.__pwned=3)\n\n"
                            "<img src=x onerror=\"window.__pwned=4\">\n\n" + "很長的正文。" * 12000)
    context, page, errors = await open_kiosk(browser, hall.url("k1", token), PORTRAIT, clock.now)
    card = page.locator("#card-title")
    await expect(card).to_have_text(hostile_title)  # shown as text, not markup
    await pause(page)
    await expect(page.locator("#card-lead")).to_be_hidden()  # no summary: the body's first lines instead
    await expect(page.locator("#card-text")).to_contain_text("很長的正文。")
    box, viewport = await page.locator("#card").bounding_box(), page.viewport_size
    assert box["y"] + box["height"] <= viewport["height"] and box["width"] <= viewport["width"]  # still lays out
    assert await page.evaluate(SMALL_TARGETS) == []
    await page.clock.fast_forward(10_000)
    await expect(card).to_have_text("摘要裡有標記")
    await expect(page.locator("#card-lead")).to_have_text('<b onmouseover="window.__pwned=5">粗體</b>')
    await page.hover("#card-lead")
    assert await page.locator("#app img, #app b").count() == 0
    await page.locator("#rotation-list .item").first.click()
    body = page.locator("#detail-body")
    await expect(body).to_contain_text("<script>window.__pwned=2</script>")
    assert await body.locator("script, img").count() == 0
    link = body.get_by_text("點我")
    if await link.count():
        await link.click()  # a link in a notice is shown, never followed
    assert page.url == hall.url("k1", token)
    scroller = page.locator("#notice")
    assert await scroller.evaluate("el => el.scrollHeight > el.clientHeight * 10")
    await page.click("#page-down")
    await page.wait_for_function("document.getElementById('notice').scrollTop > 0")
    assert await page.evaluate("window.__pwned") is None
    assert errors == []
    await context.close()
