"""The kiosk's catalog and search: the location's public record as an ETag'd snapshot
(not the rotation), search with Traditional/Simplified folding, and the event stream
announcing catalog changes."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta, timezone

from conftest import publish
from refusals import refused

SHANGHAI = timezone(timedelta(hours=8))


async def _json(client, url: str, **headers: str):  # type: ignore[no-untyped-def]
    resp = await client.get(url, headers=headers)
    assert resp.status == 200, await resp.text()
    return resp, await resp.json()


async def test_catalog_shape_etag_and_304(client, staff, helpers) -> None:
    token = await helpers.add_device(client, staff, "k1", "kiosk", "hall-si")
    guide = await publish(client, staff, title="醫療保險參保指南", category="guides", summary=None,
                          meta={"doc_number": "江人社〔2026〕3號", "issuing_org": "社保局", "issued_on": "2026-11-20",
                                "keywords": ["醫療"]})
    url = f"/kiosk/v1/k1/catalog.json?token={token}"
    resp, catalog = await _json(client, url)
    etag = resp.headers["ETag"]
    assert etag == f'"{catalog["version"]}"' and resp.headers["Content-Type"].startswith("application/json")
    assert set(catalog) == {"version", "generated_at", "valid_until", "location", "categories", "notices"}
    assert catalog["location"] == {"code": "hall-si", "name": "社保局辦事大廳"}
    assert [(c["code"], c["count"]) for c in catalog["categories"]] == [
        ("organization", 0), ("documents", 0), ("guides", 1), ("enforcement", 0), ("news", 0), ("other", 0)]
    assert catalog["categories"][2]["name"] == "辦事指南"
    [item] = catalog["notices"]
    # the rotation item's fields, plus the public record's
    assert {"notice_id", "index_no", "title", "summary", "body_html", "category", "priority", "dwell_s", "start",
            "end"} <= set(item)
    assert item["notice_id"] == guide["id"] and item["index_no"] == guide["index_no"] and item["summary"] is None
    assert item["doc_number"] == "江人社〔2026〕3號" and item["issuing_org"] == "社保局"
    assert item["issued_on"] == "2026-11-20" and item["keywords"] == ["醫療"]
    assert item["published"].endswith("+08:00") and item["updated"] == item["published"]
    again = await client.get(url, headers={"If-None-Match": etag})
    assert again.status == 304 and again.headers["ETag"] == etag
    bearer = await client.get("/kiosk/v1/k1/catalog.json", headers={"Authorization": f"Bearer {token}"})
    assert bearer.status == 200 and bearer.headers["ETag"] == etag


async def test_catalog_is_the_record_not_the_rotation(client, staff, helpers, clock) -> None:
    """Everything live for the location from its start on: closed daily windows and ended
    notices too (the page marks those expired); not other locations, not portal-only,
    not before the start, and nothing withdrawn."""
    token = await helpers.add_device(client, staff, "k1", "kiosk", "hall-hr")
    clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI))
    evening = await publish(client, staff, title="夜間窗口", schedule={
        "daily": [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "18:00", "to": "20:00"}]})
    short = await publish(client, staff, title="短期公告", schedule={"end": "2026-12-01T10:00:00+08:00"})
    later = await publish(client, staff, title="明日開始", schedule={"start": "2026-12-02T08:00:00+08:00"})
    await publish(client, staff, title="社保大廳專用", locations=["hall-si"])
    await publish(client, staff, title="只在網站", channels=["portal"])
    here = await publish(client, staff, title="本大廳", locations=["hall-hr"])

    feed_url, url = f"/kiosk/v1/k1/feed.json?token={token}", f"/kiosk/v1/k1/catalog.json?token={token}"
    _, feed = await _json(client, feed_url)
    assert {i["title"] for i in feed["rotation"]} == {"短期公告", "本大廳"}
    resp, catalog = await _json(client, url)
    assert [n["notice_id"] for n in catalog["notices"]] == [here["id"], short["id"], evening["id"]]  # newest first
    assert catalog["valid_until"] == "2026-12-02T08:00:00+08:00"  # the next start

    # the end passes: the rotation drops the notice, the catalog keeps it with its end
    clock.set(datetime(2026, 12, 1, 10, 30, tzinfo=SHANGHAI))
    _, feed = await _json(client, feed_url)
    assert {i["title"] for i in feed["rotation"]} == {"本大廳"}
    same = await client.get(url, headers={"If-None-Match": resp.headers["ETag"]})
    assert same.status == 304
    # the start passes: the new notice joins the catalog, under a new version
    clock.set(datetime(2026, 12, 2, 8, 0, tzinfo=SHANGHAI))
    resp2, catalog2 = await _json(client, url)
    assert resp2.headers["ETag"] != resp.headers["ETag"] and catalog2["valid_until"] is None
    assert later["id"] in [n["notice_id"] for n in catalog2["notices"]]
    # withdrawal takes it off at once
    body = {"reason": "內容有誤"}
    assert (await client.post(f"/api/v1/notices/{short['id']}/withdraw", json=body, headers=staff["rev"])).status == 200
    _, catalog3 = await _json(client, url)
    assert short["id"] not in [n["notice_id"] for n in catalog3["notices"]]
    assert sum(c["count"] for c in catalog3["categories"]) == len(catalog3["notices"]) == 3


async def test_search_folds_scripts_and_finds_numbers(client, staff, helpers) -> None:
    token = await helpers.add_device(client, staff, "k1", "kiosk", "hall-hr")
    med = await publish(client, staff, title="城鎮職工基本醫療保險參保指南", category="guides",
                        summary="參保範圍與辦理流程", body="辦理地點：社保局辦事大廳3號窗口",
                        meta={"doc_number": "江人社〔2011〕12號"})
    fair = await publish(client, staff, title="每月18日大型招聘會", meta={"doc_number": "江人社〔2026〕7號"})
    await publish(client, staff, title="醫療保險（社保大廳）", locations=["hall-si"], meta={})

    async def ids(q: str) -> list[int]:
        resp = await client.get("/kiosk/v1/k1/search.json", params={"token": token, "q": q})
        assert resp.status == 200 and resp.headers["Cache-Control"] == "no-store"
        found = await resp.json()
        assert found["query"] == q.strip()
        return found["notice_ids"]

    assert await ids("医疗保险") == [med["id"]]  # Simplified finds Traditional; other halls' notices stay out
    assert await ids("3號窗口") == [med["id"]]  # words of the body
    assert await ids(med["index_no"]) == [med["id"]]
    assert await ids(fair["index_no"].split("/")[1]) == [fair["id"]]
    assert await ids("〔2011〕12") == [med["id"]]
    assert await ids("招聘 醫療") == []  # every word must match
    assert await ids("   ") == []
    assert await ids("不存在的字") == []


async def test_catalog_and_search_need_the_device_token(client, staff, helpers) -> None:
    token = await helpers.add_device(client, staff, "k1", "kiosk")
    led = await helpers.add_device(client, staff, "s1", "led")
    for path in ["catalog.json", "search.json?q=x"]:
        sep = "&" if "?" in path else "?"
        await refused(await client.get(f"/kiosk/v1/k1/{path}"), 401, "unauthorized")
        await refused(await client.get(f"/kiosk/v1/k1/{path}{sep}token=nope"), 401, "unauthorized")
        await refused(await client.get(f"/kiosk/v1/ghost/{path}{sep}token={token}"), 404, "not_found")
        resp = await client.get(f"/kiosk/v1/s1/{path}{sep}token={led}")
        assert resp.status == 404 and (await resp.json())["error"]["code"] == "not_found"


async def _events(resp):  # type: ignore[no-untyped-def]
    """The stream's `event: feed` data, one dict at a time."""
    data = None
    while True:
        line = (await asyncio.wait_for(resp.content.readline(), 5)).decode().rstrip("\n")
        if line.startswith("data: "):
            data = json.loads(line[6:])
        elif line == "" and data is not None:
            yield data
            data = None


async def test_events_announce_catalog_changes_too(client, staff, helpers, clock) -> None:
    """A notice published for the record after its end changes the catalog, not the
    rotation: the stream says so with the same feed version and a new catalog version."""
    token = await helpers.add_device(client, staff, "k1", "kiosk")
    clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI))
    resp = await client.get(f"/kiosk/v1/k1/events?token={token}")
    stream = _events(resp)
    first = await anext(stream)
    assert set(first) == {"version", "catalog"}
    await publish(client, staff, title="上月的通知", schedule={"start": "2026-11-01T09:00:00+08:00",
                                                          "end": "2026-11-30T18:00:00+08:00"})
    second = await anext(stream)
    assert second["version"] == first["version"] and second["catalog"] != first["catalog"]
    _, catalog = await _json(client, f"/kiosk/v1/k1/catalog.json?token={token}")
    assert catalog["version"] == second["catalog"]
    await publish(client, staff, title="現在輪播")
    third = await anext(stream)
    assert third["version"] != second["version"] and third["catalog"] != second["catalog"]
    resp.close()


async def test_one_change_reaches_many_streams_and_revocation_ends_them(client, staff, helpers) -> None:
    token = await helpers.add_device(client, staff, "k1", "kiosk")
    other = await helpers.add_device(client, staff, "k2", "kiosk")
    # devices.max_streams (4) per kiosk
    k1 = [await client.get(f"/kiosk/v1/k1/events?token={token}") for _ in range(4)]
    k2 = [await client.get(f"/kiosk/v1/k2/events?token={other}") for _ in range(4)]
    streams = [_events(r) for r in k1 + k2]
    firsts = [await anext(s) for s in streams]
    await publish(client, staff)
    seconds = await asyncio.gather(*(anext(s) for s in streams))
    assert all(b["version"] != a["version"] for a, b in zip(firsts, seconds, strict=True))
    assert len({b["version"] for b in seconds}) == 1  # both kiosks stand in hall-hr
    assert (await client.delete("/api/v1/devices/k1", headers=staff["boss"])).status == 200
    for resp in k1:  # the revoked kiosk's streams end
        await asyncio.wait_for(resp.content.read(), 5)
        assert resp.content.at_eof()
    await publish(client, staff, title="第二則")
    thirds = await asyncio.gather(*(anext(s) for s in streams[4:]))
    assert all(c["version"] != b["version"] for b, c in zip(seconds[4:], thirds, strict=True))
    for resp in k1 + k2:
        resp.close()
