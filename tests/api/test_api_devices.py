"""Devices: register, list with liveness, revoke; profiles validated per kind."""

from __future__ import annotations

from refusals import refused


async def test_register_list_and_revoke(client, staff, clock) -> None:
    resp = await client.post("/api/v1/devices", json={"id": "kiosk-1", "kind": "kiosk", "location": "hall-hr",
                                                      "name": "大廳觸摸屏"}, headers=staff["boss"])
    assert resp.status == 201
    body = await resp.json()
    token = body["token"]
    assert body["id"] == "kiosk-1" and len(token) >= 32
    devices = (await (await client.get("/api/v1/devices", headers=staff["ed"])).json())["items"]
    assert devices[0]["id"] == "kiosk-1" and devices[0]["online"] is False and devices[0]["last_seen"] is None
    assert "token" not in devices[0]
    assert (await client.get(f"/kiosk/v1/kiosk-1/feed.json?token={token}")).status == 200
    devices = (await (await client.get("/api/v1/devices", headers=staff["ed"])).json())["items"]
    assert devices[0]["online"] is True and devices[0]["last_version"] == devices[0]["current_version"]
    assert devices[0]["last_seen"].endswith("+08:00")
    clock.advance(seconds=30 * 3 + 1)
    devices = (await (await client.get("/api/v1/devices", headers=staff["ed"])).json())["items"]
    assert devices[0]["online"] is False
    await refused(await client.delete("/api/v1/devices/kiosk-1", headers=staff["ed"]), 403, "forbidden")
    assert (await client.delete("/api/v1/devices/kiosk-1", headers=staff["boss"])).status == 200
    await refused(await client.get(f"/kiosk/v1/kiosk-1/feed.json?token={token}"), 401, "unauthorized")
    await refused(await client.delete("/api/v1/devices/kiosk-1", headers=staff["boss"]), 404, "not_found")
    # a revoked id can be registered again, with a new token
    resp = await client.post("/api/v1/devices", json={"id": "kiosk-1", "kind": "kiosk", "location": "hall-hr"},
                             headers=staff["boss"])
    assert resp.status == 201
    new = (await resp.json())["token"]
    assert new != token
    assert (await client.get(f"/kiosk/v1/kiosk-1/feed.json?token={new}")).status == 200


async def test_refusals(client, staff) -> None:
    ok = {"id": "s1", "kind": "led", "location": "hall-si"}
    assert (await client.post("/api/v1/devices", json=ok, headers=staff["boss"])).status == 201
    resp = await client.post("/api/v1/devices", json=ok, headers=staff["boss"])
    assert resp.status == 409 and (await resp.json())["error"]["code"] == "duplicate_device"
    cases = [
        ({**ok, "id": "s2", "location": "hall-moon"}, "location"),
        ({**ok, "id": "s2", "kind": "fax"}, "kind"),
        ({**ok, "id": "bad id!"}, "id"),
        ({**ok, "id": "s2", "profile": {"encoding": "ebcdic"}}, "profile.encoding"),
        ({**ok, "id": "s2", "profile": {"width_px": 0}}, "profile.width_px"),
        ({**ok, "id": "s2", "profile": {"dwell": {"min_s": 10, "max_s": 5}}}, "profile.dwell"),
        ({"id": "k2", "kind": "kiosk", "location": "hall-hr", "profile": {"idle_s": 1}}, "profile.idle_s"),
        ({"id": "k2", "kind": "kiosk", "location": "hall-hr", "extra": 1}, "extra"),
    ]
    for body, field in cases:
        resp = await client.post("/api/v1/devices", json=body, headers=staff["boss"])
        await refused(resp, 422, "validation_failed")
        assert field in (await resp.json())["error"]["message"], (field, await resp.json())
    ids = [d["id"] for d in (await (await client.get("/api/v1/devices", headers=staff["ed"])).json())["items"]]
    assert ids == ["s1"]


async def test_led_profile_defaults_are_filled_in(client, staff) -> None:
    await client.post("/api/v1/devices", json={"id": "s1", "kind": "led", "location": "hall-si",
                                               "profile": {"width_px": 192}}, headers=staff["boss"])
    device = (await (await client.get("/api/v1/devices", headers=staff["ed"])).json())["items"][0]
    assert device["profile"]["cols"] == 24 and device["profile"]["rows"] == 2
    assert device["profile"]["encoding"] == "gb2312"


async def test_devices_written_by_another_process_count_at_once(client, staff, helpers, clock) -> None:
    """The CLI writes straight to the database while the service runs: a sign it adds
    is checked by the strict-sign guard and found by the preview at once, and an id it
    registers again after an API revoke works with its new token."""
    from publisher import keys
    from publisher.services.devices import DeviceRegistry

    app = client.server.app
    cli = DeviceRegistry(app[keys.DB], app[keys.SETTINGS], app[keys.CHANNELS].kinds)
    await cli.add({"id": "strict-1", "kind": "led", "location": "hall-hr",
                   "profile": {"encoding": "gb2312", "unencodable": "strict"}}, clock.now)
    resp = await client.post("/api/v1/led/preview", json={"text": "門", "sign_id": "strict-1"}, headers=staff["ed"])
    await refused(resp, 422, "unencodable")
    resp = await client.post("/api/v1/notices", json=helpers.notice_body(led_text="臺灣門"), headers=staff["ed"])
    nid = (await resp.json())["id"]
    await client.post(f"/api/v1/notices/{nid}/submit", headers=staff["ed"])
    resp = await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": 1}, headers=staff["rev"])
    await refused(resp, 422, "unencodable")
    assert "strict-1" in (await resp.json())["error"]["message"]

    old = await helpers.add_device(client, staff, "k9", "kiosk")
    assert (await client.get(f"/kiosk/v1/k9/feed.json?token={old}")).status == 200
    assert (await client.delete("/api/v1/devices/k9", headers=staff["boss"])).status == 200
    _, new = await cli.add({"id": "k9", "kind": "kiosk", "location": "hall-hr"}, clock.now)
    assert (await client.get(f"/kiosk/v1/k9/feed.json?token={new}")).status == 200
    await refused(await client.get(f"/kiosk/v1/k9/feed.json?token={old}"), 401, "unauthorized")
