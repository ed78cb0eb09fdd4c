"""The overview, the week schedule, devices and people."""

from __future__ import annotations

import re

from refusals import refused, refused_page
from web_support import page_token, post_form, sign_in, text_of


def user_id(html: str, name: str) -> int:
    found = re.search(rf'href="/staff/users/(\d+)">{name}<', html)
    assert found, name
    return int(found.group(1))


async def test_overview_shows_the_day(client, staff, helpers) -> None:
    await helpers.add_device(client, staff, "led-hr", "led", "hall-hr")
    await helpers.publish(client, staff, title="今日辦公時間", channels=["kiosk", "led"])
    await helpers.publish(client, staff, title="大廳緊急疏散", priority="emergency", channels=["kiosk", "led"],
                          locations=["hall-si"])
    resp = await client.post("/api/v1/notices", json=helpers.notice_body(title="我的草稿"), headers=staff["ed"])
    assert resp.status == 201
    resp = await client.post("/api/v1/notices", json=helpers.notice_body(title="等人審核"), headers=staff["ed2"])
    await client.post(f"/api/v1/notices/{(await resp.json())['id']}/submit", headers=staff["ed2"])
    await staff.add("edrev", "editor", "reviewer")
    await sign_in(client, "ed")
    html = text_of(await (await client.get("/staff/")).text())
    assert "我的草稿與送審 1 標題 狀態 更新時間 我的草稿 草稿 2026-12-01 09:00" in html
    assert "等待我審核 0" in html  # ed is no reviewer
    assert "緊急公告正在播出 大廳緊急疏散 （社保局辦事大廳）" in html
    assert "人力資源綜合服務樓辦事大廳 今日辦公時間 今日辦公時間" in html  # kiosk and LED in hall-hr
    assert "社保局辦事大廳 緊急 大廳緊急疏散 緊急 大廳緊急疏散" in html  # only the emergency rotates there
    assert "需要注意的裝置 1" in html and "led-hr" in html and "從未連線" in html
    await sign_in(client, "rev")
    overview = text_of(await (await client.get("/staff/")).text())
    assert "等待我審核 1 標題 審核步驟 送審時間 等人審核 第 1 步：保密審查" in overview


async def test_week_schedule_is_built_from_the_feed_rotations(client, staff, helpers, clock) -> None:
    # 2026-12-01 is a Tuesday; the week starts on Monday 2026-11-30
    await helpers.publish(client, staff, title="辦公時間", channels=["kiosk"],
                          schedule={"start": "2026-12-01T00:00:00+08:00",
                                    "daily": [{"days": ["mon", "tue", "wed", "thu", "fri"],
                                               "from": "08:30", "to": "17:30"}]})
    await helpers.publish(client, staff, title="停電通知", channels=["kiosk", "led"], priority="emergency",
                          locations=["hall-hr"],
                          schedule={"start": "2026-12-03T14:00:00+08:00", "end": "2026-12-03T16:00:00+08:00"})
    await sign_in(client, "ed")
    html = await (await client.get("/staff/schedule?location=hall-hr&week=2026-12-02")).text()
    assert 'value="2026-11-30"' in html
    kiosk = html[html.index('id="grid-kiosk"'):html.index('id="grid-led"')]
    text = text_of(kiosk)
    # Tuesday 08:00-18:00 shows the office hours (a window from 08:30 to 17:30 touches those hours)
    assert "08:00–14:00 #1 辦公時間" in text
    # Thursday 14:00-16:00 is the emergency alone, marked
    assert "14:00–16:00 緊急 #2 停電通知" in text
    assert 'class=" emergency busy"' in kiosk or "emergency busy" in kiosk
    led = text_of(html[html.index('id="grid-led"'):])
    assert "14:00–16:00 緊急 #2 停電通知" in led and "辦公時間" not in led
    # the same answer as /api/v1/live (a kiosk of hall-hr at Thursday 15:00)
    await helpers.add_device(client, staff, "kiosk-hr", "kiosk", "hall-hr")
    live = await (await client.get("/api/v1/live?channel=kiosk&device=kiosk-hr&at=2026-12-03T15:00:00%2B08:00",
                                   headers=staff["ed"])).json()
    assert [i["title"] for i in live["rotation"]] == ["停電通知"] and live["emergency"] is True


async def test_devices_register_shows_the_token_once_and_revoke_asks_first(client, staff) -> None:
    await sign_in(client, "boss")
    resp = await post_form(client, "/staff/devices", {"id": "led-new", "kind": "led", "location": "hall-si",
                                                      "name": "新 LED 屏", "profile": '{"encoding": "gbk"}'})
    html = await resp.text()
    assert resp.status == 200 and "只會顯示這一次" in html
    token = html.split('id="new-token">')[1].split("<")[0]
    assert len(token) >= 32
    assert (await client.get(f"/led/v1/signs/led-new/feed.txt?token={token}")).status == 200
    html = await (await client.get("/staff/devices")).text()
    assert token not in html
    assert "新 LED 屏" in html and '<span class="badge online">在線</span>' in html
    # bad input stays in the form with a message
    resp = await post_form(client, "/staff/devices",
                           {"id": "led-new", "kind": "led", "location": "hall-si", "profile": "{"})
    assert resp.status == 422 and "設定須是 JSON 物件" in await resp.text()
    resp = await post_form(client, "/staff/devices", {"id": "bad id!", "kind": "led", "location": "hall-si"})
    assert resp.status == 422 and 'id="f-id-error"' in await resp.text()
    # revoke: a confirmation page, then the token is dead
    html = await (await client.get("/staff/devices/led-new/revoke")).text()
    assert "撤銷裝置 led-new？" in html
    resp = await post_form(client, "/staff/devices/led-new/revoke", {})
    assert resp.status == 303
    await refused(await client.get(f"/led/v1/signs/led-new/feed.txt?token={token}"), 401, "unauthorized")
    assert "已撤銷裝置 led-new 的權杖。" in await (await client.get(resp.headers["Location"])).text()
    # editors see devices but cannot register or revoke
    await sign_in(client, "ed")
    html = await (await client.get("/staff/devices")).text()
    assert "新 LED 屏" in html and "登記裝置" not in html
    await refused_page(await client.get("/staff/devices/led-new/revoke"), 403, "您的帳號沒有這項操作所需的角色")


async def test_led_signs_page_now_is_drawn(client, staff, helpers) -> None:
    await helpers.add_device(client, staff, "led-hr", "led", "hall-hr", {"encoding": "gb2312", "convert": "t2s"})
    await helpers.publish(client, staff, title="辦事大廳辦公時間", led_text="明日停水，請儲水。", channels=["led"])
    await sign_in(client, "ed")
    html = await (await client.get("/staff/devices")).text()
    assert '<span class="led-line">明日停水，请储</span><span class="led-line">水。</span>' in html
    assert "第 1／1 頁 · 16×2 · GB2312" in html


async def test_people_add_roles_disable_and_reset(client, staff) -> None:
    await sign_in(client, "boss")
    resp = await post_form(client, "/staff/users", [("username", "newbie"), ("password", "short"), ("roles", "editor")])
    html = await resp.text()
    assert resp.status == 422 and 'id="f-password-error"' in html and 'value="newbie"' in html
    resp = await post_form(client, "/staff/users", [("username", "newbie"), ("password", "a long password"),
                                                    ("roles", "editor")])
    assert resp.status == 303
    resp = await post_form(client, "/staff/users", [("username", "newbie"), ("password", "a long password"),
                                                    ("roles", "editor")])
    assert resp.status == 409 and "這個使用者名稱已有人使用。" in await resp.text()
    html = await (await client.get("/staff/users")).text()
    uid = user_id(html, "newbie")
    resp = await post_form(client, f"/staff/users/{uid}",
                           [("action", "roles"), ("roles", "editor"), ("roles", "reviewer")])
    assert resp.status == 303
    # the new person signs in
    client.session.cookie_jar.clear()
    await sign_in(client, "newbie", "a long password")
    assert "<h1>待我審核</h1>" in await (await client.get("/staff/review")).text()
    # disabled: every session and token ends at once and sign-in is refused
    api = await client.post("/api/v1/auth/login", json={"username": "newbie", "password": "a long password"})
    newbie_token = {"Authorization": f"Bearer {(await api.json())['token']}"}
    assert (await client.get("/api/v1/notices", headers=newbie_token)).status == 200
    await sign_in(client, "boss")
    resp = await post_form(client, f"/staff/users/{uid}", {"action": "disable"})
    assert resp.status == 303 and "帳號已停用" in await (await client.get(resp.headers["Location"])).text()
    await refused(await client.get("/api/v1/notices", headers=newbie_token), 401, "unauthorized")
    client.session.cookie_jar.clear()
    token = await page_token(client)
    resp = await client.post("/staff/login",
                             data={"csrf_token": token, "username": "newbie", "password": "a long password"})
    assert resp.status == 401 and "使用者名稱或密碼不正確" in await resp.text()
    await sign_in(client, "boss")
    await post_form(client, f"/staff/users/{uid}", {"action": "enable"})
    resp = await post_form(client, f"/staff/users/{uid}", {"action": "password", "password": "another password"})
    assert resp.status == 303
    await sign_in(client, "newbie", "another password")


async def test_an_admin_cannot_lock_themselves_out(client, staff) -> None:
    await sign_in(client, "boss")
    html = await (await client.get("/staff/users")).text()
    uid = user_id(html, "boss")
    resp = await post_form(client, f"/staff/users/{uid}", [("action", "roles"), ("roles", "editor")])
    assert resp.status == 409 and "不能移除自己的管理員角色" in await resp.text()
    resp = await post_form(client, f"/staff/users/{uid}", {"action": "disable"})
    assert resp.status == 409 and "您不能停用自己的帳號" in await resp.text()
    await sign_in(client, "ed")
    await refused_page(await client.get("/staff/users"), 403, "您的帳號沒有這項操作所需的角色")
