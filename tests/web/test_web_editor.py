"""Writing a notice through the form: fields like the API's, local times, errors next
to their fields in the page's language with nothing typed lost, the live preview."""

from __future__ import annotations

from typing import Any

from refusals import refused_page
from web_support import post_form, sign_in, text_of


def notice_form(**over: Any) -> list[tuple[str, str]]:
    fields: dict[str, Any] = {
        "title": "每月18日大型招聘會",
        "summary": "人力資源市場每月舉辦招聘會",
        "body": "時間：上午9:00\n\n**地點**：人力資源市場",
        "category": "news",
        "channels": ["portal", "kiosk", "led"],
        "locations": ["hall-market"],
        "priority": "urgent",
        "led_text": "每月18日上午9:00大型招聘會",
        "schedule.start": "2026-12-16T08:00",
        "schedule.end": "",
        "schedule.rrule": "FREQ=MONTHLY;BYMONTHDAY=16",
        "schedule.duration": "P3D",
        "schedule.dwell_s": "12",
        "daily.days": ["0:mon", "0:tue", "0:wed", "0:thu", "0:fri"],
        "daily.from": "08:30",
        "daily.to": "17:30",
        "meta.doc_number": "江人社〔2026〕12號",
        "meta.issuing_org": "",
        "meta.issued_on": "2026-11-30",
        "meta.keywords": "招聘、就業",
        "action": "save",
    }
    fields.update(over)
    out = []
    for name, value in fields.items():
        for v in value if isinstance(value, list) else [value]:
            out.append((name, v))
    return out


async def test_the_form_saves_what_the_api_would(client, staff) -> None:
    await sign_in(client, "ed")
    resp = await post_form(client, "/staff/notices/new", notice_form())
    assert resp.status == 303, text_of(await resp.text())
    location = resp.headers["Location"]
    assert location.endswith("/edit?done=saved")
    nid = int(location.split("/")[3])
    notice = await (await client.get(f"/api/v1/notices/{nid}", headers=staff["ed"])).json()
    assert notice["status"] == "draft"
    assert notice["schedule"] == {
        "start": "2026-12-16T08:00:00+08:00", "end": None,
        "recurrence": {"rrule": "FREQ=MONTHLY;BYMONTHDAY=16", "duration": "P3D"},
        "daily": [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "08:30", "to": "17:30"}], "dwell_s": 12,
    }
    assert notice["locations"] == ["hall-market"] and notice["priority"] == "urgent"
    assert notice["meta"] == {"doc_number": "江人社〔2026〕12號", "issuing_org": None, "issued_on": "2026-11-30",
                              "keywords": ["招聘", "就業"], "doc_kind": "other", "validity": "in_force",
                              "repealed_on": None}
    # the edit form shows it again, in local time, with the recurrence in words
    html = await (await client.get(location)).text()
    assert "草稿已儲存。" in html
    assert 'value="2026-12-16T08:00"' in html and 'value="FREQ=MONTHLY;BYMONTHDAY=16"' in html
    assert "每月16日起，連續3天" in html
    assert 'value="0:mon" checked' in html and 'value="08:30"' in html
    assert "Asia/Shanghai (UTC+08:00)" in html
    # the history names the author
    history = await (await client.get(f"/api/v1/notices/{nid}/history", headers=staff["ed"])).json()
    assert [e["action"] for e in history["events"]] == ["create"] and history["events"][0]["actor"] == "ed"


async def test_save_and_submit_sends_it_to_review(client, staff) -> None:
    await sign_in(client, "ed")
    resp = await post_form(client, "/staff/notices/new", notice_form(action="submit"))
    assert resp.status == 303 and resp.headers["Location"].endswith("?done=submitted")
    nid = int(resp.headers["Location"].split("/")[3].split("?")[0])
    notice = await (await client.get(f"/api/v1/notices/{nid}", headers=staff["ed"])).json()
    assert notice["status"] == "in_review"
    html = await (await client.get(resp.headers["Location"])).text()
    assert "已送審，等待審核。" in html
    # while in review the editor says so instead of a form
    html = await (await client.get(f"/staff/notices/{nid}/edit")).text()
    assert "審核完成（核准或退回）前不能編輯" in html and 'id="notice-form"' not in html
    resp = await post_form(client, f"/staff/notices/{nid}/edit", notice_form(), token_from=f"/staff/notices/{nid}")
    assert resp.status == 409 and "審核完成（核准或退回）前不能編輯" in await resp.text()


async def test_errors_stand_next_to_their_fields_and_nothing_typed_is_lost(client, staff) -> None:
    await sign_in(client, "ed")
    resp = await post_form(client, "/staff/notices/new", notice_form(**{
        "title": "", "schedule.start": "2026-12-16T08:00", "schedule.end": "2026-12-01T08:00",
        "schedule.rrule": "FREQ=SOMETIMES", "schedule.duration": "", "daily.to": "08:30", "channels": [],
        "body": "<script>alert(1)</script> 內容保留", "schedule.dwell_s": "0",
    }))
    html = await resp.text()
    assert resp.status == 422
    def error_of(field_id: str) -> str:
        start = html.index(f'id="{field_id}-error"')
        return text_of(html[start: html.index("</p>", start)])
    assert error_of("f-title").endswith("請填寫這一欄")
    assert error_of("f-schedule-end").endswith("結束時間必須晚於開始時間")
    assert "重複規則" in error_of("f-schedule-rrule")
    assert error_of("f-schedule-duration").endswith("請填寫這一欄")
    assert error_of("f-daily-0-to").endswith("結束時間不能與開始時間相同（到午夜請填 00:00）")
    assert error_of("f-channels").endswith("請至少選一項")
    assert error_of("f-schedule-dwell-s").endswith("不能小於 1")
    assert 'aria-invalid="true"' in html and 'id="error-summary"' in html and 'href="#f-title"' in html
    # what was typed is still there, escaped
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 內容保留" in html and "<script>alert(1)" not in html
    assert 'value="FREQ=SOMETIMES"' in html and 'value="2026-12-01T08:00"' in html
    assert 'value="江人社〔2026〕12號"' in html and 'value="0:fri" checked' in html
    # nothing was written
    page = await (await client.get("/api/v1/notices", headers=staff["ed"])).json()
    assert page["items"] == []


async def test_errors_speak_english_on_an_english_page(client, staff) -> None:
    await sign_in(client, "ed")
    await post_form(client, "/staff/language", {"language": "en", "next": "/staff/"}, token_from="/staff/")
    resp = await post_form(client, "/staff/notices/new", notice_form(**{"title": "", "schedule.duration": "3 days"}))
    html = await resp.text()
    assert resp.status == 422 and '<html lang="en">' in html
    assert "Please fill this in" in html
    assert "Write the duration like P3D (3 days)" in html


async def test_a_bad_local_time_is_reported_with_the_rest(client, staff) -> None:
    await sign_in(client, "ed")
    resp = await post_form(client, "/staff/notices/new", notice_form(**{"schedule.start": "16/12/2026 8am",
                                                                         "title": ""}))
    html = await resp.text()
    assert resp.status == 422
    assert "請輸入有效的日期和時間" in html and "請填寫這一欄" in html
    assert 'value="16/12/2026 8am"' in html


async def test_another_daily_window_can_be_added_without_javascript(client, staff) -> None:
    await sign_in(client, "ed")
    resp = await post_form(client, "/staff/notices/new", notice_form(action="add_window"))
    html = await resp.text()
    assert resp.status == 200
    assert "時段 3" in html and 'value="1:mon"' in html and 'value="0:mon" checked' in html


async def test_editing_a_live_notice_keeps_the_live_revision(client, staff, helpers) -> None:
    live = await helpers.publish(client, staff, title="原標題", schedule={"start": "2026-12-01T09:00:00+08:00"})
    await sign_in(client, "ed2")
    html = await (await client.get(f"/staff/notices/{live['id']}/edit")).text()
    assert "這則公告已上線" in html and 'value="原標題"' in html and 'value="2026-12-01T09:00"' in html
    resp = await post_form(client, f"/staff/notices/{live['id']}/edit",
                           notice_form(title="新標題", **{"schedule.start": "2026-12-01T09:00"}))
    assert resp.status == 303
    notice = await (await client.get(f"/api/v1/notices/{live['id']}", headers=staff["ed"])).json()
    assert notice["status"] == "live" and notice["pending_revision"] == {"revision": 2, "state": "draft"}
    portal = await (await client.get(f"/notices/{live['id']}")).text()
    assert "原標題" in portal and "新標題" not in portal


async def test_only_editors_may_write(client, staff) -> None:
    await sign_in(client, "rev")
    resp = await client.get("/staff/notices/new")
    assert resp.status == 403 and "您的帳號沒有這項操作所需的角色。" in await resp.text()


async def test_preview_renders_the_body_describes_the_schedule_and_names_the_signs(client, staff, helpers) -> None:
    await helpers.add_device(client, staff, "led-market", "led", "hall-market", {"encoding": "gb2312"})
    await helpers.add_device(client, staff, "led-hr", "led", "hall-hr", {"encoding": "big5"})
    await helpers.add_device(client, staff, "kiosk-market", "kiosk", "hall-market")
    await sign_in(client, "ed")
    resp = await post_form(client, "/staff/preview", notice_form(body="## 地點\n\n<b>raw</b> [x](javascript:alert(1))"),
                           token_from="/staff/notices/new")
    assert resp.status == 200
    data = await resp.json()
    body_html = data["body_html"]
    assert "<h2>地點</h2>" in body_html and "<b>" not in body_html and "href=\"javascript" not in body_html
    assert data["schedule_words"] == "每月16日起，連續3天；週一至週五 08:30–17:30"
    assert data["led_text"] == "每月18日上午9:00大型招聘會"
    assert [s["id"] for s in data["signs"]] == ["led-market"]  # only the LED sign where the notice goes
    assert data["signs"][0]["replacement"] == "□" and data["signs"][0]["policy"] == "replace"
    # everywhere, no LED text: both signs, the title
    resp = await post_form(client, "/staff/preview", notice_form(locations=[], led_text=""),
                           token_from="/staff/notices/new")
    data = await resp.json()
    assert [s["id"] for s in data["signs"]] == ["led-hr", "led-market"] and data["led_text"] == "每月18日大型招聘會"
    # a bad rule is echoed as an error where the words go
    resp = await post_form(client, "/staff/preview", notice_form(**{"schedule.rrule": "FREQ=MONTHLY;BYMONTHDAY=40"}),
                           token_from="/staff/notices/new")
    data = await resp.json()
    assert data["schedule_words"] == "" and data["schedule_error"]["field"] == "schedule.rrule"
    # the page asks the LED preview API for each sign's pages, with the session cookie
    resp = await client.post("/api/v1/led/preview", json={"text": "明日停水，请储水。", "sign_id": "led-market"})
    assert resp.status == 200
    assert [p["lines"] for p in (await resp.json())["pages"]] == [["明日停水，请储", "水。"]]


async def test_preview_needs_the_form_token(client, staff) -> None:
    await sign_in(client, "ed")
    resp = await client.post("/staff/preview", data=notice_form())
    await refused_page(resp, 403, "這個表單已過期或不是從本系統送出的")  # csrf_failed
