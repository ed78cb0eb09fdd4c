"""POST /api/v1/led/preview: what a board will show while the notice is written."""

from __future__ import annotations

import base64

import pytest
from conftest import publish
from led_http_helpers import add_sign, body, feed
from refusals import refused

URL = "/api/v1/led/preview"


async def test_preview_by_sign_is_what_the_board_then_shows(client, staff) -> None:
    token = await add_sign(client, staff, "s1", convert="t2s")
    text = "臺灣居民請至二樓櫃檯辦理（節假日除外）"
    resp = await client.post(URL, json={"text": text, "sign_id": "s1"}, headers=staff["ed"])
    assert resp.status == 200
    shown = await resp.json()
    assert shown["format"] == "led-feed/1" and shown["sign_id"] == "s1" and shown["encoding"] == "GB2312"
    assert shown["geometry"]["cols"] == 16 and shown["mode"] == "page" and shown["unencodable"] == []
    assert shown["pages"][0]["lines"] == ["台湾居民请至二楼", "柜台办理（节假日"]
    # published, the same text gives the same pages and bytes on the board
    await publish(client, staff, led_text=text)
    doc = await feed(client, "s1", token)
    assert [p["lines"] for p in doc["pages"]] == [p["lines"] for p in shown["pages"]]
    assert [p["bytes_b64"] for p in doc["pages"]] == [p["bytes_b64"] for p in shown["pages"]]
    assert [p["dwell_s"] for p in doc["pages"]] == [p["dwell_s"] for p in shown["pages"]]
    assert await body(client, "s1", token) == b"\x0c".join(base64.b64decode(p["bytes_b64"]) for p in shown["pages"])


async def test_preview_with_an_inline_profile(client, staff) -> None:
    profile = {"width_px": 64, "height_px": 16, "encoding": "ascii", "mode": "page"}
    resp = await client.post(URL, json={"text": "Office closed 12:00-14:00", "profile": profile},
                             headers=staff["rev"])
    assert resp.status == 200
    shown = await resp.json()
    assert shown["sign_id"] is None and shown["version"] is None
    assert shown["geometry"] == {"width_px": 64, "height_px": 16, "font_px": 16, "cols": 8, "rows": 1}
    assert [p["lines"] for p in shown["pages"]] == [["Office"], ["closed"], ["12:00-14"], [":00"]]
    assert base64.b64decode(shown["pages"][0]["bytes_b64"]) == b"Office\r\n"
    # replace is the default: the unencodable chars are reported, with a stand-in shown
    resp = await client.post(URL, json={"text": "Room 3 三號", "profile": profile}, headers=staff["ed"])
    shown = await resp.json()
    assert [p["lines"] for p in shown["pages"]] == [["Room"], ["3 ??"]]  # "?" may not start a line (R8)
    assert shown["unencodable"] == [{"char": "三", "code_point": "U+4E09", "count": 1},
                                    {"char": "號", "code_point": "U+865F", "count": 1}]


async def test_preview_strict_refuses_with_the_characters(client, staff) -> None:
    await add_sign(client, staff, "strict", unencodable="strict")
    for target in ({"sign_id": "strict"}, {"profile": {"unencodable": "strict"}}):
        resp = await client.post(URL, json={"text": "臺灣門診，門口", **target}, headers=staff["ed"])
        assert resp.status == 422
        error = (await resp.json())["error"]
        assert error["code"] == "unencodable"
        assert "臺" in error["message"] and "U+9580" in error["message"]
        assert [(d["char"], d["count"]) for d in error["details"]] == [("臺", 1), ("灣", 1), ("門", 2), ("診", 1)]
    ok = await client.post(URL, json={"text": "台湾门诊", "sign_id": "strict"}, headers=staff["ed"])
    assert ok.status == 200


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"text": "x"}, 422, "(body)"),
        ({"text": "x", "sign_id": "s1", "profile": {}}, 422, "(body)"),
        ({"text": "x", "profile": {"encoding": "latin-1"}}, 422, "profile.encoding"),
        ({"text": "x", "profile": {"font_px": 15}}, 422, "profile.font_px"),
        ({"text": "x" * 10_001, "sign_id": "s1"}, 422, "text"),
        ({"text": "x", "sign_id": "s1", "color": "red"}, 422, "color"),
        ({"text": "x", "sign_id": "ghost"}, 404, None),
        ({"text": "x", "sign_id": "k1"}, 404, None),
    ],
)
async def test_preview_refusals(client, staff, helpers, payload, status, field) -> None:
    await add_sign(client, staff, "s1")
    await helpers.add_device(client, staff, "k1", "kiosk")
    resp = await client.post(URL, json=payload, headers=staff["ed"])
    error = await refused(resp, status, "validation_failed" if status == 422 else "not_found")
    if field is not None:
        assert field in [d["field"] for d in error["details"]], error


async def test_preview_needs_staff(client, staff) -> None:
    await add_sign(client, staff, "s1")
    resp = await client.post(URL, json={"text": "x", "sign_id": "s1"})
    assert resp.status == 401 and (await resp.json())["error"]["code"] == "unauthorized"
    token = await add_sign(client, staff, "s2")  # a sign's own token is not a staff login
    resp = await client.post(URL, json={"text": "x", "sign_id": "s1"}, headers={"Authorization": f"Bearer {token}"})
    await refused(resp, 401, "unauthorized")


async def test_preview_of_a_revoked_sign_is_404(client, staff) -> None:
    await add_sign(client, staff, "s1")
    await client.delete("/api/v1/devices/s1", headers=staff["boss"])
    resp = await client.post(URL, json={"text": "x", "sign_id": "s1"}, headers=staff["ed"])
    await refused(resp, 404, "not_found")
