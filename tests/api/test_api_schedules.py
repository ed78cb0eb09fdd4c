"""Schedules through the API and the feeds: refusals, recurrence, daily windows,
valid_until, time passing without any job, device liveness, config-declared devices."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import Clock, make_settings, notice_body, publish
from refusals import refused

from publisher import keys
from publisher.app import create_app
from publisher.settings import ConfigError

SHANGHAI = timezone(timedelta(hours=8))


@pytest.mark.parametrize(
    ("schedule", "field"),
    [
        ({"recurrence": {"rrule": "FREQ=SOMETIMES", "duration": "P1D"}}, "schedule.recurrence.rrule"),
        ({"recurrence": {"rrule": "FREQ=MONTHLY;BYMONTHDAY=16", "duration": "PT0S"}}, "schedule.recurrence.duration"),
        ({"recurrence": {"rrule": "FREQ=MONTHLY;BYMONTHDAY=16", "duration": "-P1D"}}, "schedule.recurrence.duration"),
        ({"start": "2026-12-02T09:00:00+08:00", "end": "2026-12-01T09:00:00+08:00"}, "schedule.end"),
        ({"start": "2026-12-02T09:00:00+08:00", "end": "2026-12-02T09:00:00+08:00"}, "schedule.end"),
        ({"daily": [{"days": ["mon"], "from": "08:30", "to": "08:30"}]}, "schedule.daily.0"),
        ({"daily": [{"days": ["funday"], "from": "08:30", "to": "17:30"}]}, "schedule.daily.0.days"),
        ({"daily": [{"days": ["mon"], "from": "25:00", "to": "17:30"}]}, "schedule.daily.0.from"),
        ({"dwell_s": 0}, "schedule.dwell_s"),
        ({"end": "2026-12-01"}, "schedule.end"),
    ],
)
async def test_bad_schedules_are_422_naming_the_field(client, staff, schedule, field) -> None:
    resp = await client.post("/api/v1/notices", json=notice_body(schedule=schedule), headers=staff["ed"])
    await refused(resp, 422, "validation_failed")
    err = (await resp.json())["error"]
    assert any(d["field"].startswith(field) for d in err["details"]), err


async def test_job_fair_recurrence_on_the_feed_as_time_passes(client, staff, helpers, clock: Clock) -> None:
    """The job fair on the 18th, shown from the 16th for three days, with no scheduler
    running: the read path alone notices that time passed."""
    token = await helpers.add_device(client, staff, "k1", "kiosk", "hall-market")
    clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI))
    fair = await publish(client, staff, title="大型招聘會", schedule={
        "start": "2026-12-01T08:00:00+08:00",
        "recurrence": {"rrule": "FREQ=MONTHLY;BYMONTHDAY=16", "duration": "P3D"}})
    # the preview API answers for any instant without touching the feed
    for at, shown in [("2027-01-17T12:00:00+08:00", True), ("2027-01-19T08:00:00+08:00", False)]:
        view = await (await client.get("/api/v1/live", params={"channel": "kiosk", "device": "k1", "at": at},
                                       headers=staff["ed"])).json()
        assert [i["notice_id"] for i in view["rotation"]] == ([fair["id"]] if shown else []), at
    url = f"/kiosk/v1/k1/feed.json?token={token}"
    feed = await (await client.get(url)).json()
    assert feed["rotation"] == [] and feed["valid_until"] == "2026-12-16T08:00:00+08:00"
    clock.set(datetime(2026, 12, 16, 8, 0, tzinfo=SHANGHAI))
    feed = await (await client.get(url)).json()
    assert [i["notice_id"] for i in feed["rotation"]] == [fair["id"]]
    assert feed["valid_until"] == "2026-12-19T08:00:00+08:00"
    clock.set(datetime(2026, 12, 19, 8, 0, tzinfo=SHANGHAI))
    assert (await (await client.get(url)).json())["rotation"] == []


async def test_daily_window_past_midnight(client, staff, helpers, clock: Clock) -> None:
    token = await helpers.add_device(client, staff, "s1", "led", "hall-hr")
    clock.set(datetime(2026, 12, 4, 21, 0, tzinfo=SHANGHAI))  # a Friday
    await publish(client, staff, title="夜間自助服務", led_text="夜间自助服务",
                  schedule={"daily": [{"days": ["fri"], "from": "22:00", "to": "02:00"}]})
    url = f"/led/v1/signs/s1/feed.txt?token={token}"
    assert await (await client.get(url)).read() == b""
    for when, shown in [((4, 22, 0), True), ((5, 1, 59), True), ((5, 2, 0), False), ((5, 22, 30), False)]:
        day, hour, minute = when
        clock.set(datetime(2026, 12, day, hour, minute, tzinfo=SHANGHAI))
        assert (b"\xd2\xb9" in await (await client.get(url)).read()) is shown, when  # 夜 in GB2312


async def test_stale_and_online(client, staff, helpers, clock: Clock) -> None:
    token = await helpers.add_device(client, staff, "k1", "kiosk")
    await client.get(f"/kiosk/v1/k1/feed.json?token={token}")

    async def device() -> dict:
        return (await (await client.get("/api/v1/devices", headers=staff["ed"])).json())["items"][0]

    assert (await device())["stale"] is False
    await publish(client, staff)  # a new version the kiosk has not fetched
    clock.advance(seconds=10)
    assert (await device())["stale"] is False  # within its poll interval (30 s)
    clock.advance(seconds=25)
    d = await device()
    assert d["online"] is True and d["stale"] is True and d["last_version"] != d["current_version"]
    await client.get(f"/kiosk/v1/k1/feed.json?token={token}")
    assert (await device())["stale"] is False


async def test_polls_are_batched_not_written_each_time(client, staff, helpers) -> None:
    from sqlalchemy import select

    from publisher.store.tables import devices

    token = await helpers.add_device(client, staff, "k1", "kiosk")
    app = client.server.app
    for _ in range(5):
        await client.get(f"/kiosk/v1/k1/feed.json?token={token}")

    async def stored():
        async with app[keys.DB].read() as conn:
            return (await conn.execute(select(devices.c.last_seen, devices.c.last_version))).one()

    assert (await stored()).last_seen is None  # nothing written per poll
    assert await app[keys.DEVICES].flush() == 1
    row = await stored()
    assert row.last_seen is not None and row.last_version
    assert await app[keys.DEVICES].flush() == 0  # nothing new to write


async def test_devices_declared_in_config(aiohttp_client, database_url: str, tmp_path: Path, clock: Clock) -> None:
    token = "a-long-token-chosen-by-the-installer"
    declared = [{"id": "led-hall-si", "kind": "led", "location": "hall-si", "name": "社保大廳LED",
                 "profile": {"encoding": "gbk", "width_px": 192},
                 "token_sha256": hashlib.sha256(token.encode()).hexdigest()}]
    settings = make_settings(database_url, tmp_path, device=declared)
    client = await aiohttp_client(create_app(settings, clock=clock, run_scheduler=False))
    resp = await client.get(f"/led/v1/signs/led-hall-si/feed.txt?token={token}")
    assert resp.status == 200 and resp.headers["X-LED-Encoding"] == "GBK"
    assert resp.headers["X-LED-Geometry"] == "24x2"


async def test_bad_declared_devices_stop_start_up(database_url: str, tmp_path: Path, clock: Clock) -> None:
    good_hash = "0" * 64
    with pytest.raises(ConfigError, match="device.0.location"):
        make_settings(database_url, tmp_path, device=[{"id": "x", "kind": "led", "location": "hall-moon",
                                                       "token_sha256": good_hash}])
    with pytest.raises(ConfigError, match="token_sha256"):
        make_settings(database_url, tmp_path, device=[{"id": "x", "kind": "led", "location": "hall-hr",
                                                       "token_sha256": "short"}])
    settings = make_settings(database_url, tmp_path, device=[{"id": "x", "kind": "led", "location": "hall-hr",
                                                              "profile": {"encoding": "ebcdic"},
                                                              "token_sha256": good_hash}])
    app = create_app(settings, clock=clock, run_scheduler=False)
    from aiohttp.test_utils import TestServer

    server = TestServer(app)
    with pytest.raises(ConfigError, match="device.0.profile.encoding"):
        await server.start_server()
    await server.close()
