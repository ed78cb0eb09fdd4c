"""OpenAPI, /healthz, /metrics, /api/v1/live."""

from __future__ import annotations

from datetime import datetime, timedelta

from conftest import publish
from openapi_spec_validator import validate
from refusals import refused, refused_page


async def test_openapi_document_is_valid_3_1(client) -> None:
    resp = await client.get("/api/v1/openapi.json")
    assert resp.status == 200
    doc = await resp.json()
    assert doc["openapi"].startswith("3.1")
    validate(doc)
    for path in ["/api/v1/notices", "/api/v1/notices/{id}/approve", "/api/v1/devices", "/api/v1/live",
                 "/api/v1/led/preview", "/api/v1/auth/login", "/api/v1/notices/{id}/recall", "/api/v1/users",
                 "/api/v1/users/{username}", "/api/v1/users/me/password", "/api/v1/audit"]:
        assert path in doc["paths"], path
    assert "revision" in doc["components"]["schemas"]["Approval"]["required"]
    assert "revision" in doc["components"]["schemas"]["Rejection"]["required"]
    notice_in = doc["components"]["schemas"]["NoticeIn"]
    assert notice_in["properties"]["title"]["maxLength"] == 200
    assert "Schedule" in doc["components"]["schemas"]


async def test_healthz_checks_the_database(client) -> None:
    resp = await client.get("/healthz")
    assert resp.status == 200
    assert (await resp.json())["database"] == "ok"


async def test_metrics_count_by_route_template(client, staff, helpers) -> None:
    token = await helpers.add_device(client, staff, "k1", "kiosk")
    for _ in range(3):
        await client.get(f"/kiosk/v1/k1/feed.json?token={token}")
    await client.get("/notices/12345")
    text = await (await client.get("/metrics")).text()
    assert 'route="/kiosk/v1/{device_id}/feed.json",status="200"} 3.0' in text
    assert 'route="/notices/{id}",status="404"' in text
    assert "12345" not in text and token not in text
    assert "publisher_http_request_duration_seconds_bucket" in text


async def test_live_preview_at_any_instant(client, staff, helpers, clock) -> None:
    await helpers.add_device(client, staff, "k1", "kiosk", "hall-hr")
    start = clock.now + timedelta(days=2)
    future = await publish(client, staff, title="後天開始", schedule={"start": start.isoformat()})
    now_view = await (await client.get("/api/v1/live?channel=kiosk&device=k1", headers=staff["ed"])).json()
    assert now_view["rotation"] == []
    assert datetime.fromisoformat(now_view["valid_until"]) == start  # nothing changes before it starts
    later = (start + timedelta(hours=1)).isoformat()
    later_view = await (await client.get("/api/v1/live", params={"channel": "kiosk", "device": "k1", "at": later},
                                         headers=staff["ed"])).json()
    assert [i["notice_id"] for i in later_view["rotation"]] == [future["id"]]
    assert set(later_view["rotation"][0]) >= {"notice_id", "index_no", "title", "body_html", "dwell_s", "start", "end"}
    # a preview is not a poll
    device = (await (await client.get("/api/v1/devices", headers=staff["ed"])).json())["items"][0]
    assert device["last_seen"] is None
    portal = await (await client.get("/api/v1/live", params={"channel": "portal", "at": later},
                                     headers=staff["ed"])).json()
    assert [i["notice_id"] for i in portal["rotation"]] == [future["id"]]
    for params, field in [({"channel": "fax"}, "channel"), ({"channel": "kiosk"}, "device"),
                          ({"channel": "kiosk", "device": "k1", "at": "2026-12-01T09:00:00"}, "at"),
                          ({"channel": "kiosk", "device": "k1", "at": "tomorrow"}, "at")]:
        resp = await client.get("/api/v1/live", params=params, headers=staff["ed"])
        await refused(resp, 422, "validation_failed")
        assert field in (await resp.json())["error"]["message"]
    await refused(await client.get("/api/v1/live?channel=kiosk&device=nope", headers=staff["ed"]), 404, "not_found")


async def test_unknown_paths_and_methods_get_the_error_shape(client, staff) -> None:
    resp = await client.get("/api/v1/nothing-here", headers=staff["ed"])
    assert resp.status == 404 and (await resp.json())["error"]["code"] == "not_found"
    resp = await client.delete("/api/v1/notices", headers=staff["ed"])
    assert resp.status == 405
    assert (await resp.json())["error"]["code"] == "method_not_allowed"
    assert set(resp.headers["Allow"].split(",")) >= {"GET", "POST"}
    resp = await client.put("/kiosk/v1/k1/feed.json")
    assert resp.status == 405 and (await resp.json())["error"]["code"] == "method_not_allowed"
    await refused_page(await client.get("/no/such/page"), 404, "no such page: /no/such/page")
    text = await (await client.get("/metrics")).text()
    assert 'route="/{tail}",status="404"' in text  # counted, under one series
