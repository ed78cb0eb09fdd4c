"""Devices: register (token shown once), list with liveness, revoke."""

from __future__ import annotations

from aiohttp import web

from publisher import keys
from publisher.auth import require_staff
from publisher.http import json_body, json_response

routes = web.RouteTableDef()


@routes.post("/api/v1/devices")
async def add(request: web.Request) -> web.Response:
    await require_staff(request, "admin")
    device, token = await request.app[keys.DEVICES].add(await json_body(request), request.app[keys.CLOCK]())
    return json_response({"id": device.id, "kind": device.kind, "location": device.location, "token": token}, status=201)


@routes.get("/api/v1/devices")
async def list_devices(request: web.Request) -> web.Response:
    await require_staff(request)
    registry = request.app[keys.DEVICES]
    queue = request.app[keys.QUEUE]
    now = request.app[keys.CLOCK]()
    items = []
    for device in sorted(registry.devices.values(), key=lambda d: d.id):
        if device.revoked:
            items.append(registry.describe(device, now, None))
            continue
        # What the device should be showing now (computed in memory; not a poll).
        snap = queue.snapshot(device.kind, device, now)
        items.append(registry.describe(device, now, snap.version, snap.generated_at))
    return json_response({"items": items})


@routes.delete("/api/v1/devices/{id}")
async def revoke(request: web.Request) -> web.Response:
    await require_staff(request, "admin")
    device = await request.app[keys.DEVICES].revoke(request.match_info["id"], request.app[keys.CLOCK]())
    queue = request.app[keys.QUEUE]
    queue.forget(device.id)
    queue.touch()  # open event streams of the device notice the revocation and end
    return json_response({"id": device.id, "revoked": True})
