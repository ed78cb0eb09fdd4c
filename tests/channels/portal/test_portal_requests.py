"""The public request pages: apply at /requests/new, follow at /requests/{tracking_no},
which never shows who applied; same-origin posts only; a rate limit per address."""

from __future__ import annotations

import re
from typing import Any

from refusals import refused_page

FORM = {"kind": "person", "name": "李小明", "contact": "xiaoming@example.cn", "description": "請提供本局2025年部門預算"}
TRACKING = re.compile(r"/requests/(\d{4}-[A-Z2-9]{5}-[A-Z2-9]{5})\?received=1$")


async def apply(client: Any, **over: Any) -> Any:
    return await client.post("/requests", data={**FORM, **over}, allow_redirects=False,
                             headers={"Origin": str(client.make_url("")).rstrip("/")})


async def test_apply_online_and_follow_the_request(client, staff) -> None:
    bare = await client.get("/requests", allow_redirects=False)
    assert bare.status == 303 and bare.headers["Location"] == "/requests/new"
    page = await client.get("/requests/new")
    assert page.status == 200
    text = await page.text()
    for label in ("申請人類別", "姓名或名稱", "聯絡方式", "所需信息的描述", "送出申請"):
        assert label in text
    resp = await apply(client)
    assert resp.status == 303, await resp.text()
    tracking_no = TRACKING.search(resp.headers["Location"]).group(1)
    assert tracking_no.startswith("2026-")
    answer = await client.get(resp.headers["Location"])
    body = await answer.text()
    assert answer.status == 200 and answer.headers["Cache-Control"] == "no-store"
    # received Tuesday 1 December 2026: 20 working days end on Tuesday 29 December
    assert "已收到您的申請" in body and tracking_no in body and "2026年12月29日" in body
    for secret in ("李小明", "xiaoming@example.cn", "部門預算"):
        assert secret not in body
    # staff see the applicant and the channel "online"
    staff_view = await (await client.get("/api/v1/requests", headers=staff["ed"])).json()
    item = staff_view["items"][0]
    assert item["tracking_no"] == tracking_no and item["channel"] == "online"
    assert item["applicant"] == {"kind": "person", "name": "李小明", "contact": "xiaoming@example.cn"}
    assert item["created_by"] is None
    # looked up as typed, lower case with spaces
    lookup = await client.get("/requests/status", params={"tracking_no": f" {tracking_no.lower()} "},
                              allow_redirects=False)
    assert lookup.status == 303 and lookup.headers["Location"] == f"/requests/{tracking_no}"


async def test_the_tracking_page_follows_extension_and_reply(client, staff, helpers) -> None:
    live = await helpers.publish(client, staff)
    resp = await apply(client)
    tracking_no = TRACKING.search(resp.headers["Location"]).group(1)
    rid = (await (await client.get("/api/v1/requests", headers=staff["ed"])).json())["items"][0]["id"]
    await client.post(f"/api/v1/requests/{rid}/extend", json={"reason": "需要徵求第三方意見"}, headers=staff["rev"])
    body = await (await client.get(f"/requests/{tracking_no}")).text()
    assert "已延長期限" in body and "已依法延長 20 個工作日" in body and "需要徵求第三方意見" not in body
    await client.post(f"/api/v1/requests/{rid}/reply",
                      json={"outcome": "disclosed", "text": "李小明先生：已公開", "notice_id": live["id"]},
                      headers=staff["rev"])
    body = await (await client.get(f"/requests/{tracking_no}")).text()
    assert "已答覆" in body and "予以公開" in body and f'href="/notices/{live["id"]}"' in body
    assert "李小明" not in body and "已公開" not in body.replace("予以公開", "")


async def test_form_mistakes_are_shown_on_the_form(client, staff) -> None:
    resp = await apply(client, kind="alien", name="", description="x" * 5001)
    text = await refused_page(resp, 422, "申請尚未送出")
    assert "請從清單中選擇一項" in text and "請填寫這一欄" in text and "太長了" in text
    assert 'value="xiaoming@example.cn"' in text  # what was typed stays
    assert (await (await client.get("/api/v1/requests", headers=staff["ed"])).json())["items"] == []


async def test_cross_site_posts_are_refused(client, staff) -> None:
    resp = await client.post("/requests", data=FORM, headers={"Origin": "https://evil.example"},
                             allow_redirects=False)
    await refused_page(resp, 403, "cross-site request refused")
    resp = await client.post("/requests", data=FORM, headers={"Sec-Fetch-Site": "cross-site"},
                             allow_redirects=False)
    await refused_page(resp, 403, "cross-site request refused")
    assert (await (await client.get("/api/v1/requests", headers=staff["ed"])).json())["items"] == []


async def test_unknown_and_malformed_tracking_numbers(client) -> None:
    await refused_page(await client.get("/requests/2026-AAAAA-BBBBB"), 404, "request not found")
    await refused_page(await client.get("/requests/1"), 404, "request not found")
    await refused_page(await client.get("/requests/status?tracking_no=nonsense"), 404, "這不是有效的查詢編號")


async def test_rate_limit_per_address(client, staff, clock) -> None:
    for _ in range(5):  # [disclosure.requests] per_address = 5 in 60 minutes
        assert (await apply(client)).status == 303
    limited = await apply(client)
    text = await refused_page(limited, 429, "請稍後再申請")
    assert int(limited.headers["Retry-After"]) == 3600 and "60 分鐘" in text
    # a mistake made while limited is still explained, not counted
    assert (await apply(client, name="")).status == 422
    assert len((await (await client.get("/api/v1/requests", headers=staff["ed"])).json())["items"]) == 5
    clock.advance(minutes=61)
    assert (await apply(client)).status == 303


async def test_posts_sent_at_once_cannot_slip_past_the_limit(client, staff) -> None:
    import asyncio

    answers = await asyncio.gather(*(apply(client, name=f"申請人{i}") for i in range(9)))
    assert sorted(r.status for r in answers) == [303] * 5 + [429] * 4
    assert len((await (await client.get("/api/v1/requests", headers=staff["ed"])).json())["items"]) == 5
