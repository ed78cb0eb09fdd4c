"""The LED feeds over HTTP (docs/led.md "The feeds"): bytes, headers, ETag/304, statuses."""

from __future__ import annotations

import base64
import re

import pytest
from conftest import notice_body, publish
from led_http_helpers import ENDPOINTS, add_sign, body, crc_bitwise, feed, fetch
from refusals import refused

# 明日停水，请储 / 水。 then 1F办理（三号窗 / 口）, both in GB2312, at 16x2 (docs/led.md worked examples)
FEED_TWO_NOTICES = bytes.fromhex(
    "c3f7 c8d5 cda3 cbae a3ac c7eb b4a2 0d0a cbae a1a3 0d0a"
    "0c"
    "3146 b0ec c0ed a3a8 c8fd bac5 b4b0 0d0a bfda a3a9 0d0a"
)


async def test_feed_txt_byte_exact_with_version_crc_and_header(client, staff) -> None:
    token = await add_sign(client, staff, "s1")
    first = await publish(client, staff, led_text="明日停水，请储水。")
    second = await publish(client, staff, led_text="1F办理（三号窗口）")
    resp = await fetch(client, "s1", token)
    assert resp.status == 200
    raw = await resp.read()
    assert raw == FEED_TWO_NOTICES
    assert resp.headers["Content-Type"] == "text/plain; charset=GB2312"
    assert resp.headers["X-LED-Pages"] == "2"
    assert resp.headers["X-LED-Geometry"] == "16x2"
    assert resp.headers["X-LED-Encoding"] == "GB2312"
    assert resp.headers["Cache-Control"] == "no-cache"
    # version: <seq>-<CRC-16/ARC of the feed.txt body> CRLF, ASCII; CRC checked two ways
    assert crc_bitwise(FEED_TWO_NOTICES) == 0xE9FD
    version = await body(client, "s1", token, "version")
    assert re.fullmatch(rb"\d+-E9FD\r\n", version)
    seq = version[:-2].decode()
    assert resp.headers["ETag"] == f'"{seq}"'
    # ?header=1: one ASCII line first, describing the body that follows
    resp = await fetch(client, "s1", token, "feed.txt?header=1")
    with_header = await resp.read()
    assert with_header == (
        f"#LED1 v={seq} pages=2 cols=16 rows=2 enc=GB2312 crc16=E9FD len={len(FEED_TWO_NOTICES)}\r\n".encode()
        + FEED_TWO_NOTICES
    )
    # feed.json: each page's bytes exactly as in feed.txt, with its notice
    doc = await feed(client, "s1", token)
    pages = doc["pages"]
    assert [p["lines"] for p in pages] == [["明日停水，请储", "水。"], ["1F办理（三号窗", "口）"]]
    assert [p["notice_id"] for p in pages] == [first["id"], second["id"]]
    assert [p["index_no"] for p in pages] == [first["index_no"], second["index_no"]]
    assert b"\x0c".join(base64.b64decode(p["bytes_b64"]) for p in pages) == FEED_TWO_NOTICES
    assert pages[0]["dwell_s"] == 4.25  # clamp(2 + 0.25 * 18 / 2, 3, 15)


async def test_feed_json_fields(client, staff) -> None:
    token = await add_sign(client, staff, "s1", width_px=192)
    await publish(client, staff, led_text="明日停水")
    resp = await fetch(client, "s1", token, "feed.json")
    assert resp.headers["Content-Type"] == "application/json; charset=utf-8"
    doc = await resp.json()
    assert {"format", "sign_id", "version", "generated_at", "geometry", "encoding", "mode", "pages",
            "unencodable", "warnings"} <= set(doc)
    assert doc["format"] == "led-feed/1" and doc["sign_id"] == "s1" and doc["mode"] == "page"
    assert doc["geometry"] == {"width_px": 192, "height_px": 32, "font_px": 16, "cols": 24, "rows": 2}
    assert doc["encoding"] == "GB2312"
    assert resp.headers["ETag"] == f'"{doc["version"]}"'
    assert doc["generated_at"] == "2026-12-01T09:00:00+08:00"
    assert doc["unencodable"] == [] and doc["warnings"] == [] and doc["emergency"] is False
    assert set(doc["pages"][0]) == {"lines", "dwell_s", "bytes_b64", "notice_id", "index_no"}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
async def test_strong_etag_and_304(client, staff, endpoint) -> None:
    token = await add_sign(client, staff, "s1")
    await publish(client, staff, led_text="明日停水")
    resp = await fetch(client, "s1", token, endpoint)
    etag = resp.headers["ETag"]
    assert resp.status == 200 and etag.startswith('"') and not etag.startswith("W/")
    again = await fetch(client, "s1", token, endpoint, **{"If-None-Match": etag})
    assert again.status == 304 and await again.read() == b""
    assert again.headers["ETag"] == etag and again.headers["X-LED-Pages"] == "1"
    # a change answers 200 with a new tag
    await publish(client, staff, led_text="明日停电")
    changed = await fetch(client, "s1", token, endpoint, **{"If-None-Match": etag})
    assert changed.status == 200 and changed.headers["ETag"] != etag


async def test_etag_is_the_version_on_every_feed_but_now_txt(client, staff) -> None:
    token = await add_sign(client, staff, "s1", encoding="ascii")
    await publish(client, staff, led_text="Water off at 9:00")
    version = (await body(client, "s1", token, "version")).decode().strip()
    for endpoint in ("feed.txt", "feed.txt?header=1", "feed.json", "version", "feed.alpha"):
        assert (await fetch(client, "s1", token, endpoint)).headers["ETag"] == f'"{version}"', endpoint
    assert (await fetch(client, "s1", token, "now.txt")).headers["ETag"] == f'"{version}-p1"'


async def test_unknown_sign_is_404_and_bad_token_401(client, staff, helpers) -> None:
    token = await add_sign(client, staff, "s1")
    other = await add_sign(client, staff, "s2")
    kiosk = await helpers.add_device(client, staff, "k1", "kiosk")
    for endpoint in ENDPOINTS + ("feed.alpha",):
        resp = await fetch(client, "ghost", token, endpoint)
        assert resp.status == 404 and (await resp.json())["error"]["code"] == "not_found", endpoint
        await refused(await fetch(client, "k1", kiosk, endpoint), 404, "not_found")  # a kiosk is not a sign
        for bad in (None, "nope", other):
            resp = await fetch(client, "s1", bad, endpoint)
            assert resp.status == 401 and (await resp.json())["error"]["code"] == "unauthorized", endpoint
    resp = await client.get("/led/v1/signs/s1/version", headers={"Authorization": f"Bearer {token}"})
    assert resp.status == 200
    resp = await client.head(f"/led/v1/signs/s1/feed.txt?token={token}")
    assert resp.status == 200 and "X-LED-Pages" in resp.headers
    # a revoked sign's token stops working
    await client.delete("/api/v1/devices/s1", headers=staff["boss"])
    await refused(await fetch(client, "s1", token, "version"), 401, "unauthorized")


async def test_empty_rotation_on_every_endpoint(client, staff) -> None:
    token = await add_sign(client, staff, "s1", encoding="ascii")
    await publish(client, staff, channels=["portal", "kiosk"])  # live, but not for LED
    for endpoint in ("feed.txt", "now.txt"):
        resp = await fetch(client, "s1", token, endpoint)
        assert resp.status == 200 and await resp.read() == b"", endpoint
        assert resp.headers["X-LED-Pages"] == "0"
    version = await body(client, "s1", token, "version")
    assert re.fullmatch(rb"\d+-0000\r\n", version)  # the CRC of no bytes
    seq = version[:-2].decode()
    assert await body(client, "s1", token, "feed.txt?header=1") == (
        f"#LED1 v={seq} pages=0 cols=16 rows=2 enc=US-ASCII crc16=0000 len=0\r\n".encode()
    )
    doc = await feed(client, "s1", token)
    assert doc["pages"] == [] and doc["version"] == seq
    now = await fetch(client, "s1", token, "now.txt")
    assert now.headers["Cache-Control"] == "max-age=0" and now.headers["ETag"] == f'"{seq}-p0"'
    # an Alpha packet with an empty text: the gateway blanks the sign
    assert await body(client, "s1", token, "feed.alpha") == b"\x00" * 5 + b"\x01Z00\x02AA\x1b b\x03" + b"0124\x04"


CHARSETS = [
    ("gb2312", "GB2312", "明日停水"),
    ("gbk", "GBK", "明日停水"),
    ("gb18030", "GB18030", "明日停水"),
    ("big5", "Big5", "明日停水"),
    ("big5hkscs", "Big5-HKSCS", "明日停水"),
    ("utf-8", "UTF-8", "明日停水"),
    ("ascii", "US-ASCII", "Water off"),
]


@pytest.mark.parametrize(("encoding", "charset", "text"), CHARSETS)
async def test_content_type_charset_per_encoding(client, staff, encoding, charset, text) -> None:
    token = await add_sign(client, staff, "s1", encoding=encoding)
    await publish(client, staff, led_text=text)
    for endpoint in ("feed.txt", "feed.txt?header=1", "now.txt"):
        resp = await fetch(client, "s1", token, endpoint)
        assert resp.headers["Content-Type"] == f"text/plain; charset={charset}"
        assert resp.headers["X-LED-Encoding"] == charset
    raw = await body(client, "s1", token)
    assert raw == text.encode(encoding) + b"\r\n"  # no BOM, not even for UTF-8
    assert raw.decode(charset) == text + "\r\n"  # the header's name decodes the bytes
    version = await fetch(client, "s1", token, "version")
    assert version.headers["Content-Type"] == "text/plain; charset=US-ASCII"


async def test_no_control_byte_from_a_notice_reaches_the_board(client, staff) -> None:
    token = await add_sign(client, staff, "s1", encoding="utf-8")
    # Control characters are refused when written (issue 9) ...
    resp = await client.post("/api/v1/notices", json=notice_body(led_text="停水\x1b[2J\x07 通知\x0c後天\x00"),
                             headers=staff["ed"])
    assert (await refused(resp, 422, "validation_failed"))["details"][0]["field"] == "led_text"
    # ... and what may be written (BOM, zero-width space, tabs, line breaks) is still cleaned for the board.
    await publish(client, staff, led_text="\ufeff停水 通知\u200b\r\n明天 \t結束  ")
    raw = await body(client, "s1", token)
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\xef\xbb\xbf" not in raw
    assert all(b >= 0x20 and b != 0x7F or b in b"\r\n\x0c" for b in raw)
    assert b" \r\n" not in raw


async def test_traditional_text_on_simplified_boards(client, staff) -> None:
    """Item 5: per-sign OpenCC conversion, and what still cannot be encoded is
    replaced or dropped as the profile says, and always reported."""
    converted = await add_sign(client, staff, "t2s", "hall-hr", convert="t2s")
    replaced = await add_sign(client, staff, "raw", "hall-hr")
    dropped = await add_sign(client, staff, "drop", "hall-hr", unencodable="drop")
    big5 = await add_sign(client, staff, "big5", "hall-hr", encoding="big5", width_px=256)
    live = await publish(client, staff, led_text="臺灣門診報銷")
    assert await body(client, "t2s", converted) == "台湾门诊报销\r\n".encode("gb2312")
    assert (await feed(client, "t2s", converted))["unencodable"] == []
    assert await body(client, "raw", replaced) == "□□□□□□\r\n".encode("gb2312")  # U+25A1 is A1F5
    raw_doc = await feed(client, "raw", replaced)
    assert raw_doc["pages"][0]["lines"] == ["□□□□□□"]
    assert raw_doc["unencodable"] == [
        {"char": c, "code_point": f"U+{ord(c):04X}", "count": 1, "notice_id": live["id"]} for c in "臺灣門診報銷"
    ]
    drop_doc = await feed(client, "drop", dropped)
    assert drop_doc["pages"] == [] and len(drop_doc["unencodable"]) == 6
    assert any("empty" in w for w in drop_doc["warnings"])
    assert await body(client, "big5", big5) == "臺灣門診報銷\r\n".encode("big5")


async def test_fetches_record_last_seen_and_the_version_given(client, staff, clock) -> None:
    token = await add_sign(client, staff, "s1")
    await publish(client, staff, led_text="明日停水")
    resp = await fetch(client, "s1", token, "version")
    version = (await resp.read()).decode().strip()
    devices = (await (await client.get("/api/v1/devices", headers=staff["ed"])).json())["items"]
    assert devices[0]["last_version"] == version == devices[0]["current_version"] and devices[0]["online"]
    clock.advance(seconds=61)
    assert (await fetch(client, "s1", token, "feed.txt", **{"If-None-Match": f'"{version}"'})).status == 304
    devices = (await (await client.get("/api/v1/devices", headers=staff["ed"])).json())["items"]
    assert devices[0]["last_seen"] == "2026-12-01T09:01:01+08:00"
    assert devices[0]["last_version"] == version


async def test_version_seq_only_grows_and_an_unchanged_feed_keeps_it(client, staff, helpers, clock) -> None:
    token = await add_sign(client, staff, "s1")

    async def version() -> tuple[int, str]:
        text = (await body(client, "s1", token, "version")).decode().strip()
        seq, crc = text.split("-")
        return int(seq), crc

    empty = await version()
    first = await publish(client, staff, led_text="明日停水")
    one = await version()
    assert one[0] > empty[0] and one[1] != "0000"
    # unrelated changes and time passing: same version, same bytes
    await client.post("/api/v1/notices", json=helpers.notice_body(title="草稿"), headers=staff["ed"])
    await publish(client, staff, channels=["portal"])
    clock.advance(minutes=5)
    assert await version() == one
    # withdrawal then the same text again: the CRC comes back, the seq does not
    await client.post(f"/api/v1/notices/{first['id']}/withdraw", json={"reason": "誤發"}, headers=staff["rev"])
    gone = await version()
    assert gone[0] > one[0] and gone[1] == "0000"
    await publish(client, staff, led_text="明日停水")
    back = await version()
    assert back[0] > gone[0] and back[1] == one[1]
    # several changes within one second still give growing seqs
    seqs = []
    for i in range(3):
        await publish(client, staff, led_text=f"第{i}則")
        seqs.append((await version())[0])
    assert seqs == sorted(set(seqs))


async def test_feed_alpha_for_ascii_signs_only(client, staff) -> None:
    token = await add_sign(client, staff, "s1", encoding="ascii", width_px=128, height_px=16)
    gb = await add_sign(client, staff, "s2")
    await publish(client, staff, led_text="Office closed 12:00-14:00 today")
    resp = await fetch(client, "s1", token, "feed.alpha")
    assert resp.status == 200 and resp.headers["Content-Type"] == "application/octet-stream"
    packet = await resp.read()
    # NUL x5, SOH 'Z' '00', STX 'A' label ESC ' ' mode, pages joined with FF, ETX, checksum, EOT
    assert packet == (b"\x00\x00\x00\x00\x00\x01Z00\x02AA\x1b bOffice closed\x0c12:00-14:00\x0ctoday\x03"
                      b"0A6C\x04")
    assert sum(packet[packet.index(b"\x02"):packet.index(b"\x03") + 1]) == 0x0A6C
    resp = await fetch(client, "s2", gb, "feed.alpha")
    assert resp.status == 404 and (await resp.json())["error"]["code"] == "not_an_alpha_sign"


async def test_demo_signs_of_four_shapes_and_encodings(client, staff) -> None:
    """Item 1: the demo data set describes boards of different shapes and encodings."""
    from publisher import demo

    app = client.server.app
    await demo.load(app)
    expected = {
        "led-hall-hr": ("GB2312", "16x2"),
        "led-hall-si": ("GBK", "24x2"),
        "led-hall-market": ("Big5", "16x2"),
        "led-hall-pro": ("US-ASCII", "20x1"),
    }
    for sign_id, (charset, geometry) in expected.items():
        token = demo.demo_token(sign_id)
        resp = await fetch(client, sign_id, token)
        assert resp.status == 200, sign_id
        raw = await resp.read()
        assert resp.headers["X-LED-Encoding"] == charset and resp.headers["X-LED-Geometry"] == geometry
        assert raw and raw.decode(charset)  # something live, in the board's encoding
        doc = await feed(client, sign_id, token)
        assert doc["unencodable"] == [] or sign_id == "led-hall-pro"
    # the GB2312 board converts Traditional notices; the Big5 board keeps them
    assert "医疗保险".encode("gb2312") in await body(client, "led-hall-hr", demo.demo_token("led-hall-hr"))
    assert "醫療保險".encode("big5") in await body(client, "led-hall-market", demo.demo_token("led-hall-market"))
    pro = demo.demo_token("led-hall-pro")
    assert (await fetch(client, "led-hall-pro", pro, "feed.alpha")).status == 200


async def test_sign_declared_in_config(aiohttp_client, database_url, tmp_path, clock) -> None:
    """Item 1: a sign can be described in the configuration, its profile validated there."""
    import hashlib

    from conftest import make_settings

    from publisher.app import create_app
    from publisher.settings import ConfigError

    token = "a-long-random-sign-token"
    declared = {"id": "cfg-led", "kind": "led", "location": "hall-si", "name": "2F",
                "token_sha256": hashlib.sha256(token.encode()).hexdigest(),
                "profile": {"width_px": 192, "encoding": "gbk", "mode": "scroll"}}
    settings = make_settings(database_url, tmp_path, device=[declared])
    client = await aiohttp_client(create_app(settings, clock=clock, run_scheduler=False))
    resp = await fetch(client, "cfg-led", token, "feed.json")
    assert resp.status == 200 and resp.headers["X-LED-Geometry"] == "24x2"
    doc = await resp.json()
    assert doc["encoding"] == "GBK" and doc["mode"] == "scroll" and doc["pages"] == []
    await refused(await fetch(client, "cfg-led", "wrong", "version"), 401, "unauthorized")
    bad = make_settings(database_url, tmp_path, device=[{**declared, "profile": {"encoding": "latin-1"}}])
    with pytest.raises(ConfigError, match=r"device\.0\.profile\.encoding"):
        await aiohttp_client(create_app(bad, clock=clock, run_scheduler=False))


async def test_a_signs_first_fit_lets_other_requests_run(client, staff, monkeypatch) -> None:
    """A sign's first poll fits its whole rotation; that work yields to the event loop
    between slices (channels.serve.prepared) instead of holding it in one stall."""
    import asyncio

    import channels.serve
    from publisher import keys

    for i in range(12):
        await publish(client, staff, led_text=f"第{i}號公告，請留意")
    token = await add_sign(client, staff, "s1")
    monkeypatch.setattr(channels.serve, "FIRST_RENDER_SLICE_S", 0.0)  # yield after every notice
    channel = client.app[keys.QUEUE].channels["led"]
    ticks: list[int] = []  # turns another task got while the sign's rotation was being fitted
    seen_at_steps: list[int] = []
    original = channel.prepare

    def watched(rotation, target):
        for step in original(rotation, target):
            seen_at_steps.append(len(ticks))
            yield step

    monkeypatch.setattr(channel, "prepare", watched)

    async def ticker() -> None:
        while True:
            ticks.append(1)
            await asyncio.sleep(0)

    other = asyncio.create_task(ticker())
    try:
        resp = await fetch(client, "s1", token)
        assert resp.status == 200
        assert resp.headers["X-LED-Pages"] == "12"
    finally:
        other.cancel()
    assert len(seen_at_steps) == 12
    # the other task ran between every two steps of the fit
    assert all(b > a for a, b in zip(seen_at_steps, seen_at_steps[1:], strict=False))
    # the sign's next poll has its snapshot: nothing is fitted again
    seen_at_steps.clear()
    assert (await fetch(client, "s1", token)).status == 200
    assert seen_at_steps == []
