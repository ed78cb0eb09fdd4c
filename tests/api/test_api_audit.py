"""The audit trail (issue 10, defect 7) and the devices declared in config (defect 5)."""

from __future__ import annotations

import hashlib

import pytest
from conftest import PASSWORD, make_settings, publish
from refusals import refused
from sqlalchemy import delete, update
from sqlalchemy.exc import DBAPIError

from publisher import keys
from publisher.app import create_app
from publisher.store.tables import audit_events

NEW = "a brand new passphrase"


async def _trail(client, staff, query: str = "") -> dict:
    resp = await client.get(f"/api/v1/audit{query}", headers=staff["boss"])
    assert resp.status == 200, await resp.text()
    return await resp.json()


async def test_who_did_what_is_recorded(client, staff, helpers) -> None:
    """An admin who creates a reviewer and approves their own notice through it is seen."""
    await client.post("/api/v1/auth/login", json={"username": "boss", "password": "not the password"})
    resp = await client.post("/api/v1/users", json={"username": "sock", "password": NEW, "roles": ["reviewer"]},
                             headers=staff["boss"])
    assert resp.status == 201
    await client.patch("/api/v1/users/sock", json={"roles": ["reviewer", "editor"]}, headers=staff["boss"])
    await client.patch("/api/v1/users/ed2", json={"disabled": True}, headers=staff["boss"])
    await client.post("/api/v1/users/me/password", json={"current": PASSWORD, "new": NEW}, headers=staff["rev2"])
    await helpers.add_device(client, staff, "k1", "kiosk")
    await client.delete("/api/v1/devices/k1", headers=staff["boss"])
    live = await publish(client, staff)
    await client.post(f"/api/v1/notices/{live['id']}/withdraw", json={"reason": "錯誤"}, headers=staff["rev"])
    await client.post("/api/v1/auth/logout", headers=staff["ed"])
    items = (await _trail(client, staff, "?limit=100"))["items"]
    got = [(e["action"], e["actor"], e["target"]) for e in items]
    assert got[0] == ("logout", "ed", "ed")  # newest first
    for expected in [("login", "ed", "ed"), ("login_failed", None, "boss"), ("user_created", "boss", "sock"),
                     ("roles_changed", "boss", "sock"), ("user_disabled", "boss", "ed2"),
                     ("password_changed", "rev2", "rev2"), ("device_added", "boss", "k1"),
                     ("device_revoked", "boss", "k1"), ("notice_withdrawn", "rev", f"notice {live['id']}")]:
        assert expected in got, expected
    roles = next(e for e in items if e["action"] == "roles_changed")
    assert roles["details"] == {"before": ["reviewer"], "after": ["editor", "reviewer"]}
    assert all(e["remote"] == "127.0.0.1" for e in items if e["action"].startswith("login"))
    assert all(e["at"].endswith("+08:00") for e in items)
    text = str(items)
    assert PASSWORD not in text and NEW not in text and "not the password" not in text


async def test_audit_pages_and_refuses_bad_input(client, staff, clock) -> None:
    for _ in range(3):
        clock.advance(minutes=1)
        await client.post("/api/v1/auth/login", json={"username": "ed", "password": PASSWORD})
    first = await _trail(client, staff, "?limit=2")
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = await _trail(client, staff, f"?limit=500&cursor={first['next_cursor']}")
    ids = [e["id"] for e in first["items"] + rest["items"]]
    assert ids == sorted(ids, reverse=True) and len(ids) == len(set(ids))
    since = (await _trail(client, staff, "?since=2026-12-01T09:02:00%2B08:00"))["items"]
    assert since and all(e["at"] >= "2026-12-01T09:02:00+08:00" for e in since)
    for query, field in (("?limit=0", "limit"), ("?limit=abc", "limit"), ("?cursor=-1", "cursor"),
                         ("?since=2026-12-01T09:00:00", "since"), ("?since=yesterday", "since")):
        resp = await client.get(f"/api/v1/audit{query}", headers=staff["boss"])
        assert field in (await refused(resp, 422, "validation_failed"))["message"], query
    for who in ("ed", "rev"):
        await refused(await client.get("/api/v1/audit", headers=staff[who]), 403, "forbidden")
    client.session.cookie_jar.clear()
    await refused(await client.get("/api/v1/audit"), 401, "unauthorized")


async def test_the_trail_cannot_be_changed_or_deleted(client, staff) -> None:
    db = client.server.app[keys.DB]
    assert (await _trail(client, staff))["items"]
    for statement in (update(audit_events).values(actor="nobody"), delete(audit_events)):
        with pytest.raises(DBAPIError, match="append-only"):
            async with db.write() as conn:
                await conn.execute(statement)
    assert all(e["actor"] != "nobody" for e in (await _trail(client, staff))["items"])


async def test_a_revoked_declared_device_stays_revoked_across_restarts(aiohttp_client, database_url, tmp_path,
                                                                       clock) -> None:
    from conftest import Staff

    token = "a-long-token-chosen-by-the-installer"
    declared = {"id": "led-si", "kind": "led", "location": "hall-si",
                "token_sha256": hashlib.sha256(token.encode()).hexdigest()}
    settings = make_settings(database_url, tmp_path, device=[declared])
    first = await aiohttp_client(create_app(settings, clock=clock, run_scheduler=False))
    staff = Staff(first)
    await staff.add("boss", "admin")
    assert (await first.get(f"/led/v1/signs/led-si/feed.txt?token={token}")).status == 200
    resp = await first.delete("/api/v1/devices/led-si", headers=staff["boss"])
    assert resp.status == 200 and (await resp.json())["declared_in_config"] is True
    # restart with the same config: still revoked, and the API says why
    second = await aiohttp_client(create_app(settings, clock=clock, run_scheduler=False))
    await refused(await second.get(f"/led/v1/signs/led-si/feed.txt?token={token}"), 401, "unauthorized")
    devices = (await (await second.get("/api/v1/devices", headers=staff["boss"])).json())["items"]
    device = next(d for d in devices if d["id"] == "led-si")
    assert device["revoked"] is True and device["declared_in_config"] is True
    # the config gives a new token: the device is back, and the start says so in the trail
    new_token = "another-long-token-from-the-installer"
    changed = make_settings(database_url, tmp_path,
                            device=[{**declared, "token_sha256": hashlib.sha256(new_token.encode()).hexdigest()}])
    third = await aiohttp_client(create_app(changed, clock=clock, run_scheduler=False))
    assert (await third.get(f"/led/v1/signs/led-si/feed.txt?token={new_token}")).status == 200
    await refused(await third.get(f"/led/v1/signs/led-si/feed.txt?token={token}"), 401, "unauthorized")
    items = (await (await third.get("/api/v1/audit", headers=staff["boss"])).json())["items"]
    declared_events = [e["details"]["change"] for e in items if e["action"] == "device_declared"]
    assert declared_events == ["token changed", "added"]  # newest first; the plain restart added nothing
    assert any(e["action"] == "device_revoked" and e["details"] == {"declared": True} for e in items)
