"""The kiosk feed: contract shape, strong ETag and 304, tokens, freshness."""

from __future__ import annotations

import asyncio
import json

from conftest import publish
from refusals import refused


async def test_feed_shape_etag_and_304(client, staff, helpers) -> None:
    token = await helpers.add_device(client, staff, "k1", "kiosk")
    live = await publish(client, staff, title="醫療保險參保指南", summary="辦理流程")
    resp = await client.get(f"/kiosk/v1/k1/feed.json?token={token}")
    assert resp.status == 200
    assert resp.headers["Content-Type"].startswith("application/json")
    etag = resp.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    feed = await resp.json()
    assert set(feed) == {"version", "generated_at", "valid_until", "emergency", "rotation"}
    assert etag == f'"{feed["version"]}"'
    assert feed["emergency"] is False
    item = feed["rotation"][0]
    assert set(item) == {"notice_id", "index_no", "title", "summary", "body_html", "category", "priority",
                         "dwell_s", "start", "end", "attachments"}
    assert item["notice_id"] == live["id"] and item["index_no"] == live["index_no"]
    assert item["start"].endswith("+08:00")
    resp = await client.get("/kiosk/v1/k1/feed.json",
                            headers={"Authorization": f"Bearer {token}", "If-None-Match": etag})
    assert resp.status == 304 and resp.headers["ETag"] == etag
    # a change gives a new version
    await publish(client, staff, title="第二則")
    resp = await client.get(f"/kiosk/v1/k1/feed.json?token={token}", headers={"If-None-Match": etag})
    assert resp.status == 200 and resp.headers["ETag"] != etag


async def test_tokens(client, staff, helpers) -> None:
    token = await helpers.add_device(client, staff, "k1", "kiosk")
    other = await helpers.add_device(client, staff, "k2", "kiosk")
    for url in ["/kiosk/v1/k1/feed.json", "/kiosk/v1/k1/feed.json?token=nope", f"/kiosk/v1/k1/feed.json?token={other}"]:
        resp = await client.get(url)
        assert resp.status == 401, url
        assert (await resp.json())["error"]["code"] == "unauthorized"
    await refused(await client.get(f"/kiosk/v1/ghost/feed.json?token={token}"), 404, "not_found")
    led = await helpers.add_device(client, staff, "s1", "led")
    await refused(await client.get(f"/kiosk/v1/s1/feed.json?token={led}"), 404, "not_found")


async def test_unchanged_feed_keeps_its_etag_across_recomputation(client, staff, helpers, clock) -> None:
    token = await helpers.add_device(client, staff, "k1", "kiosk")
    await publish(client, staff)
    first = await client.get(f"/kiosk/v1/k1/feed.json?token={token}")
    # an unrelated change (a draft) and time passing do not change the feed
    await client.post("/api/v1/notices", json=helpers.notice_body(title="草稿"), headers=staff["ed"])
    clock.advance(minutes=5)
    second = await client.get(f"/kiosk/v1/k1/feed.json?token={token}")
    assert first.headers["ETag"] == second.headers["ETag"]
    assert await first.read() == await second.read()


async def test_location_targeting_and_priority_order(client, staff, helpers, clock) -> None:
    hr = await helpers.add_device(client, staff, "k-hr", "kiosk", "hall-hr")
    si = await helpers.add_device(client, staff, "k-si", "kiosk", "hall-si")
    a = await publish(client, staff, title="A 全部", locations=[])
    clock.advance(minutes=1)
    b = await publish(client, staff, title="B 社保", locations=["hall-si"])
    clock.advance(minutes=1)
    c = await publish(client, staff, title="C 緊急", priority="urgent")
    d = await publish(client, staff, title="D 網站", channels=["portal"])
    hr_feed = await (await client.get(f"/kiosk/v1/k-hr/feed.json?token={hr}")).json()
    si_feed = await (await client.get(f"/kiosk/v1/k-si/feed.json?token={si}")).json()
    assert [i["notice_id"] for i in hr_feed["rotation"]] == [c["id"], a["id"]]
    assert [i["notice_id"] for i in si_feed["rotation"]] == [c["id"], b["id"], a["id"]]
    assert d["id"] not in [i["notice_id"] for i in si_feed["rotation"]]
    e = await publish(client, staff, title="E 特急", priority="emergency", locations=["hall-si"])
    si_feed = await (await client.get(f"/kiosk/v1/k-si/feed.json?token={si}")).json()
    hr_feed = await (await client.get(f"/kiosk/v1/k-hr/feed.json?token={hr}")).json()
    assert si_feed["emergency"] is True and [i["notice_id"] for i in si_feed["rotation"]] == [e["id"]]
    assert hr_feed["emergency"] is False


async def test_device_added_by_cli_path_works_without_restart(client, staff) -> None:
    """A device written straight to the database (as `publisher device add` does while the
    service runs) is found on its first poll."""
    from publisher import keys
    from publisher.services.devices import DeviceRegistry

    app = client.server.app
    other = DeviceRegistry(app[keys.DB], app[keys.SETTINGS], app[keys.CHANNELS].kinds)  # a second process's view
    await refused(await client.get("/kiosk/v1/late/feed.json?token=x"), 404, "not_found")
    _, token = await other.add({"id": "late", "kind": "kiosk", "location": "hall-hr"}, app[keys.CLOCK]())
    # the negative cache for "late" lasts a few seconds; move the clock past it
    app[keys.CLOCK].advance(seconds=11)
    assert (await client.get(f"/kiosk/v1/late/feed.json?token={token}")).status == 200


async def test_events_stream_announces_new_versions(client, staff, helpers) -> None:
    token = await helpers.add_device(client, staff, "k1", "kiosk")
    resp = await client.get(f"/kiosk/v1/k1/events?token={token}")
    assert resp.status == 200 and resp.headers["Content-Type"].startswith("text/event-stream")

    async def next_event() -> dict:
        data = None
        while True:
            line = (await asyncio.wait_for(resp.content.readline(), 5)).decode().rstrip("\n")
            if line.startswith("data: "):
                data = json.loads(line[6:])
            elif line == "" and data is not None:
                return data

    first = await next_event()
    await publish(client, staff)
    second = await next_event()
    assert second["version"] != first["version"]
    feed = await (await client.get(f"/kiosk/v1/k1/feed.json?token={token}")).json()
    assert feed["version"] == second["version"]
    resp.close()


async def test_polls_are_counted_and_timed_by_route_on_the_fast_path(client, staff, helpers) -> None:
    """A poll answered by the feed's own fast path (channels.serve.device_poll) is counted
    like any route: by template, method and status, with its latency in the histogram."""
    token = await helpers.add_device(client, staff, "k1", "kiosk")
    await publish(client, staff, title="停水通知")
    route = 'route="/kiosk/v1/{device_id}/feed.json"'
    first = await client.get(f"/kiosk/v1/k1/feed.json?token={token}")  # first contact: the long way
    etag = first.headers["ETag"]
    for _ in range(3):
        assert (await client.get(f"/kiosk/v1/k1/feed.json?token={token}")).status == 200
    for _ in range(2):
        resp = await client.get(f"/kiosk/v1/k1/feed.json?token={token}", headers={"If-None-Match": etag})
        assert resp.status == 304 and resp.headers["ETag"] == etag and resp.headers["Cache-Control"] == "no-cache"
    await refused(await client.get("/kiosk/v1/k1/feed.json?token=wrong"), 401, "unauthorized")
    text = await (await client.get("/metrics")).text()
    assert f'publisher_http_requests_total{{method="GET",{route},status="200"}} 4.0' in text
    assert f'publisher_http_requests_total{{method="GET",{route},status="304"}} 2.0' in text
    assert f'publisher_http_requests_total{{method="GET",{route},status="401"}} 1.0' in text
    assert f'publisher_http_request_duration_seconds_count{{{route}}} 7.0' in text
