"""Strict signs protect the public (issue item 6): approving a notice whose LED text a
strict sign it targets cannot encode is refused with 422 naming the sign and the
characters, in the approving transaction, so nothing of the approval remains."""

from __future__ import annotations

from datetime import timedelta

from conftest import notice_body, publish
from led_http_helpers import add_sign, body
from refusals import refused, refused_page


async def _in_review(client, staff, **over) -> int:
    resp = await client.post("/api/v1/notices", json=notice_body(**over), headers=staff["ed"])
    assert resp.status == 201, await resp.text()
    nid = (await resp.json())["id"]
    assert (await client.post(f"/api/v1/notices/{nid}/submit", headers=staff["ed"])).status == 200
    return nid


async def test_approval_refused_and_nothing_goes_live(client, staff, helpers) -> None:
    token = await add_sign(client, staff, "strict-hr", "hall-hr", unencodable="strict")
    kiosk = await helpers.add_device(client, staff, "k1", "kiosk", "hall-hr")
    nid = await _in_review(client, staff, led_text="臺灣居民來往大陸通行證請至門口辦理")
    resp = await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": 1, "comment": "可"},
                             headers=staff["rev"])
    assert resp.status == 422
    error = (await resp.json())["error"]
    assert error["code"] == "unencodable"
    assert "strict-hr" in error["message"]
    for char in "臺灣來陸證請門辦":
        assert char in error["message"]
    assert {(d["sign_id"], d["char"], d["code_point"]) for d in error["details"]} == {
        ("strict-hr", c, f"U+{ord(c):04X}") for c in "臺灣來陸證請門辦"
    }
    assert all(d["field"] == "led_text" for d in error["details"])
    # rolled back: still in review, waiting for the same step; no approve or publish event
    notice = await (await client.get(f"/api/v1/notices/{nid}", headers=staff["ed"])).json()
    assert notice["status"] == "in_review" and notice["live_revision"] is None and notice["index_no"] is None
    assert notice["review"]["waiting_for"]["step"] == 1
    history = (await (await client.get(f"/api/v1/notices/{nid}/history", headers=staff["ed"])).json())["events"]
    assert [e["action"] for e in history] == ["create", "submit"]
    # and on no channel
    await refused_page(await client.get(f"/notices/{nid}"), 404, f"notice {nid} not found")
    assert (await (await client.get(f"/kiosk/v1/k1/feed.json?token={kiosk}")).json())["rotation"] == []
    assert await body(client, "strict-hr", token) == b""
    # the fix: reject, edit to what the sign can show, submit, approve
    resp = await client.post(f"/api/v1/notices/{nid}/reject", json={"revision": 1, "reason": "LED 文字"},
                             headers=staff["rev"])
    assert resp.status == 200
    resp = await client.put(f"/api/v1/notices/{nid}", json=notice_body(led_text="台湾居民来往大陆通行证"),
                            headers=staff["ed"])
    assert resp.status == 200
    await client.post(f"/api/v1/notices/{nid}/submit", headers=staff["ed"])
    resp = await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": 2}, headers=staff["rev"])
    assert resp.status == 200 and (await resp.json())["status"] == "live"
    assert await body(client, "strict-hr", token) == "台湾居民来往大陆\r\n通行证\r\n".encode("gb2312")


async def test_every_failing_strict_sign_is_named_and_the_title_is_the_field(client, staff) -> None:
    await add_sign(client, staff, "strict-a", "hall-hr", unencodable="strict")
    await add_sign(client, staff, "strict-b", "hall-si", unencodable="strict", encoding="ascii")
    nid = await _in_review(client, staff, title="門診通知 Clinic", led_text=None)
    resp = await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": 1}, headers=staff["rev"])
    await refused(resp, 422, "unencodable")
    error = (await resp.json())["error"]
    assert "strict-a" in error["message"] and "strict-b" in error["message"]
    assert {d["sign_id"] for d in error["details"]} == {"strict-a", "strict-b"}
    assert {d["char"] for d in error["details"] if d["sign_id"] == "strict-b"} == set("門診通知")
    assert {d["field"] for d in error["details"]} == {"title"}  # no led_text: the title is shown


async def test_what_a_strict_sign_does_not_block(client, staff, clock) -> None:
    await add_sign(client, staff, "strict-hr", "hall-hr", unencodable="strict")
    converting = await add_sign(client, staff, "strict-t2s", "hall-hr", unencodable="strict", convert="t2s")
    await add_sign(client, staff, "lenient", "hall-hr")  # replace: shows □ and reports
    await client.delete("/api/v1/devices/strict-hr", headers=staff["boss"])  # revoked: no longer checked
    # a Traditional notice the converting strict sign can show
    await publish(client, staff, led_text="臺灣門診")
    assert await body(client, "strict-t2s", converting) == "台湾门诊\r\n".encode("gb2312")
    # elsewhere, or not for LED, or in the future: only targeting counts
    await add_sign(client, staff, "strict-si", "hall-si", unencodable="strict")
    await publish(client, staff, led_text="臺灣門診", locations=["hall-pro"])
    await publish(client, staff, led_text="臺灣門診", channels=["portal", "kiosk"])
    later = clock() + timedelta(days=30)
    nid = await _in_review(client, staff, led_text="臺灣", locations=["hall-si"],
                           schedule={"start": later.isoformat()})
    resp = await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": 1}, headers=staff["rev"])
    await refused(resp, 422, "unencodable")  # it will show there one day: refused now


async def test_editing_a_live_notice_keeps_the_old_text_live_when_refused(client, staff) -> None:
    token = await add_sign(client, staff, "strict-hr", "hall-hr", unencodable="strict")
    live = await publish(client, staff, led_text="明日停水")
    nid = live["id"]
    await client.put(f"/api/v1/notices/{nid}", json=notice_body(led_text="明日停水，請儲水"), headers=staff["ed"])
    await client.post(f"/api/v1/notices/{nid}/submit", headers=staff["ed"])
    resp = await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": 2}, headers=staff["rev"])
    await refused(resp, 422, "unencodable")
    assert "儲" in (await resp.json())["error"]["message"]
    notice = await (await client.get(f"/api/v1/notices/{nid}", headers=staff["ed"])).json()
    assert notice["status"] == "live" and notice["live_revision"] == 1
    assert await body(client, "strict-hr", token) == "明日停水\r\n".encode("gb2312")
