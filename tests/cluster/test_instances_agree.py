"""Two instances on one PostgreSQL database agree within a second: an approval on A
reaches a kiosk's event stream on B, a device revoked on A is refused by B, a user
disabled on A is refused by B; a dropped listening connection comes back and what
changed meanwhile is caught up. PostgreSQL only (on SQLite there is one instance)."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import pytest
from cluster_support import eventually, next_feed_event, postgres_url, token_login
from conftest import PASSWORD, Staff, _clean_postgres, add_device, make_settings, notice_body, publish
from refusals import refused

from publisher import keys
from publisher.app import create_app
from publisher.cluster.apply import parse_payloads
from publisher.cluster.dsn import asyncpg_dsn

pytestmark = pytest.mark.postgres


@pytest.fixture
async def pair(aiohttp_client: Any, tmp_path: Any, clock: Any) -> tuple[Any, Any]:
    url = postgres_url()
    await asyncio.get_running_loop().run_in_executor(None, lambda: asyncio.run(_clean_postgres(url)))
    settings = make_settings(url, tmp_path)
    a = await aiohttp_client(create_app(settings, clock=clock, run_scheduler=False))
    b = await aiohttp_client(create_app(settings, clock=clock, run_scheduler=False))
    for client in (a, b):
        await asyncio.wait_for(client.server.app[keys.CHANGE_LISTENER].ready.wait(), 10)
    return a, b


async def test_an_approval_on_a_reaches_a_kiosk_stream_on_b_within_a_second(pair: Any) -> None:
    a, b = pair
    staff = Staff(a)
    for name, role in (("ed", "editor"), ("rev", "reviewer"), ("boss", "admin")):
        await staff.add(name, role)
    token = await add_device(a, staff, "k1", "kiosk")
    stream = await b.get(f"/kiosk/v1/k1/events?token={token}")
    assert stream.status == 200
    first = await next_feed_event(stream, 5)
    approved = await publish(a, staff, title="Approved on instance A")
    second = await next_feed_event(stream, 1.0)  # the goal: within a second
    assert second["version"] != first["version"]
    feed = await b.get(f"/kiosk/v1/k1/feed.json?token={token}")
    assert feed.status == 200
    assert [n["title"] for n in (await feed.json())["rotation"]] == ["Approved on instance A"]
    assert b.server.app[keys.QUEUE].live.keys() == {approved["id"]}
    # Withdrawn on A: gone from B's feed within a second too.
    resp = await a.post(f"/api/v1/notices/{approved['id']}/withdraw", json={"reason": "wrong"},
                        headers=staff["boss"])
    assert resp.status == 200, await resp.text()
    await next_feed_event(stream, 1.0)
    feed = await b.get(f"/kiosk/v1/k1/feed.json?token={token}")
    assert (await feed.json())["rotation"] == []
    stream.close()


async def test_a_device_revoked_on_a_is_refused_by_b_within_a_second(pair: Any) -> None:
    a, b = pair
    staff = Staff(a)
    await staff.add("boss", "admin")
    token = await add_device(a, staff, "k1", "kiosk")
    # B learns of the new device by notification and has verified its token once.
    resp = await b.get(f"/kiosk/v1/k1/feed.json?token={token}")
    assert resp.status == 200
    stream = await b.get(f"/kiosk/v1/k1/events?token={token}")
    await next_feed_event(stream, 5)
    resp = await a.delete("/api/v1/devices/k1", headers=staff["boss"])
    assert resp.status == 200, await resp.text()

    async def refused_on_b() -> bool:
        resp = await b.get(f"/kiosk/v1/k1/feed.json?token={token}")
        return resp.status == 401

    assert await eventually(refused_on_b, within=1.0) < 1.0
    await refused(await b.get(f"/kiosk/v1/k1/feed.json?token={token}"), 401, "unauthorized")
    # B's open event stream ends as well.
    async with asyncio.timeout(1.0):
        while await stream.content.readline():
            pass


async def test_a_user_disabled_on_a_is_refused_by_b_at_once(pair: Any) -> None:
    a, b = pair
    staff = Staff(a)
    await staff.add("boss", "admin")
    await staff.add("ed", "editor")
    on_b = await token_login(b, "ed", PASSWORD)
    assert (await b.get("/api/v1/notices", headers=on_b)).status == 200
    resp = await a.patch("/api/v1/users/ed", json={"disabled": True}, headers=staff["boss"])
    assert resp.status == 200, await resp.text()
    await refused(await b.get("/api/v1/notices", headers=on_b), 401, "unauthorized")


async def test_a_dropped_listener_reconnects_and_catches_up(pair: Any) -> None:
    a, b = pair
    staff = Staff(a)
    for name, role in (("ed", "editor"), ("rev", "reviewer")):
        await staff.add(name, role)
    listener = b.server.app[keys.CHANGE_LISTENER]
    assert listener.connections == 1
    pid = listener.backend_pid()
    conn = await asyncpg.connect(asyncpg_dsn(b.server.app[keys.SETTINGS].database.url))
    try:
        assert await conn.fetchval("SELECT pg_terminate_backend($1)", pid) is True
        # Published while B is not listening (its notification is lost for B)...
        first = await publish(a, staff, title="While B was deaf")
    finally:
        await conn.close()

    async def reconnected() -> bool:
        return listener.connections == 2 and listener.listening

    await eventually(reconnected, within=5)

    # ...is caught up at the reconnection (the listener resynchronises as soon as it
    # listens again), without waiting for the 30 s reconcile.
    async def caught_up() -> bool:
        return first["id"] in b.server.app[keys.QUEUE].live

    await eventually(caught_up, within=2)
    health = await (await b.get("/healthz")).json()
    assert health["listening"] is True
    # And notifications flow again.
    second = await publish(a, staff, title="After B came back")

    async def on_b() -> bool:
        return second["id"] in b.server.app[keys.QUEUE].live

    assert await eventually(on_b, within=1.0) < 1.0


async def test_an_edit_that_goes_live_reaches_b(pair: Any) -> None:
    a, b = pair
    staff = Staff(a)
    for name, role in (("ed", "editor"), ("rev", "reviewer")):
        await staff.add(name, role)
    live = await publish(a, staff, title="First wording")
    nid = live["id"]
    resp = await a.put(f"/api/v1/notices/{nid}", json=notice_body(title="Second wording"), headers=staff["ed"])
    assert resp.status in (200, 201), await resp.text()
    resp = await a.post(f"/api/v1/notices/{nid}/submit", headers=staff["ed"])
    assert resp.status == 200, await resp.text()
    read = (await resp.json())["pending_revision"]["revision"]
    resp = await a.post(f"/api/v1/notices/{nid}/approve", json={"revision": read}, headers=staff["rev"])
    assert resp.status == 200, await resp.text()

    async def reworded() -> bool:
        notice = b.server.app[keys.QUEUE].live.get(nid)
        return notice is not None and notice.content.title == "Second wording"

    assert await eventually(reworded, within=1.0) < 1.0
    # Both instances account for the same data revision: no full reload pending on B.
    assert b.server.app[keys.LIVE_SYNC].db_revision == a.server.app[keys.LIVE_SYNC].db_revision


def test_notifications_are_read_strictly() -> None:
    assert parse_payloads(["notice:12", "device:k1", "user:3", "notice:x", "bogus", "other:1", "notice:"]) == (
        {12}, {"k1"}, {3})
