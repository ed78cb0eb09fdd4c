"""Emergencies (issue item 7): while an emergency notice is live for a sign, its feeds
carry only emergency pages, and feed.alpha writes the priority file (label 0)."""

from __future__ import annotations

import base64
from datetime import timedelta

from conftest import publish
from led_http_helpers import add_sign, body, feed, fetch


async def test_only_emergency_pages_while_one_is_live(client, staff, clock) -> None:
    hr = await add_sign(client, staff, "hr", "hall-hr", encoding="ascii")
    si = await add_sign(client, staff, "si", "hall-si", encoding="ascii")
    await publish(client, staff, led_text="Queue: window 3")
    clock.advance(minutes=1)
    await publish(client, staff, led_text="Hotline 12333", priority="urgent")
    assert await body(client, "hr", hr) == b"Hotline 12333\r\n\x0cQueue: window 3\r\n"
    before = (await body(client, "hr", hr, "version")).decode().strip()
    clock.advance(minutes=1)
    fire = await publish(client, staff, led_text="Fire drill: go to exit B", priority="emergency",
                         locations=["hall-hr"])
    for endpoint in ("feed.txt", "now.txt"):
        assert await body(client, "hr", hr, endpoint) == b"Fire drill: go\r\nto exit B\r\n", endpoint
    doc = await feed(client, "hr", hr)
    assert doc["emergency"] is True and {p["notice_id"] for p in doc["pages"]} == {fire["id"]}
    during = (await body(client, "hr", hr, "version")).decode().strip()
    assert during != before
    assert (await fetch(client, "hr", hr)).headers["X-LED-Pages"] == "1"
    # the priority file: label 0
    packet = await body(client, "hr", hr, "feed.alpha")
    assert packet.startswith(b"\x00\x00\x00\x00\x00\x01Z00\x02A0\x1b b")
    assert b"Fire drill: go\rto exit B\x03" in packet
    # the other hall is not in an emergency: its normal rotation, file A
    assert (await feed(client, "si", si))["emergency"] is False
    assert await body(client, "si", si) == b"Hotline 12333\r\n\x0cQueue: window 3\r\n"
    assert (await body(client, "si", si, "feed.alpha"))[10] == ord("A")
    # withdrawn: back to the normal rotation, file A, a new version
    resp = await client.post(f"/api/v1/notices/{fire['id']}/withdraw", json={"reason": "演習結束"},
                             headers=staff["rev"])
    assert resp.status == 200
    assert await body(client, "hr", hr) == b"Hotline 12333\r\n\x0cQueue: window 3\r\n"
    packet = await body(client, "hr", hr, "feed.alpha")
    assert packet[10:11] == b"A" and (await feed(client, "hr", hr))["emergency"] is False
    after = (await body(client, "hr", hr, "version")).decode().strip()
    assert after.split("-")[1] == before.split("-")[1]  # the same bytes as before the emergency
    assert int(after.split("-")[0]) > int(during.split("-")[0]) > int(before.split("-")[0])


async def test_emergency_ends_on_schedule(client, staff, clock) -> None:
    token = await add_sign(client, staff, "s1", "hall-hr")
    await publish(client, staff, led_text="明日停水")
    end = clock() + timedelta(minutes=10)
    await publish(client, staff, led_text="暴雨紅色預警，暫停辦公", priority="emergency",
                  schedule={"end": end.isoformat()})
    doc = await feed(client, "s1", token)
    assert doc["emergency"] is True and len(doc["pages"]) == 1
    assert base64.b64decode(doc["pages"][0]["bytes_b64"]).decode("gb2312").startswith("暴雨")
    clock.set(end)
    doc = await feed(client, "s1", token)
    assert doc["emergency"] is False
    assert await body(client, "s1", token) == "明日停水\r\n".encode("gb2312")


async def test_long_emergency_fits_the_priority_file(client, staff) -> None:
    token = await add_sign(client, staff, "s1", encoding="ascii", width_px=128, height_px=16)
    text = "Evacuate now. " * 20
    await publish(client, staff, led_text=text, priority="emergency")
    packet = await body(client, "s1", token, "feed.alpha")
    start, end = packet.index(b"\x02"), packet.index(b"\x03")
    text_body = packet[start + 6:end]  # after STX 'A' '0' ESC ' ' 'b'
    assert packet[start:start + 6] == b"\x02A0\x1b b"
    assert 0 < len(text_body) <= 125
    assert packet[end + 1:end + 5] == f"{sum(packet[start:end + 1]) & 0xFFFF:04X}".encode()
    assert packet.endswith(b"\x04")


async def test_emergency_the_sign_cannot_show_is_warned_about(client, staff) -> None:
    token = await add_sign(client, staff, "s1", encoding="ascii", unencodable="drop")
    await publish(client, staff, led_text="Queue: window 3")
    await publish(client, staff, led_text="緊急疏散", priority="emergency")
    doc = await feed(client, "s1", token)
    assert doc["emergency"] is True and doc["pages"] == []
    assert any("emergency" in w for w in doc["warnings"])
    assert len(doc["unencodable"]) == 4
