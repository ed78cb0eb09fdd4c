"""Devices: register (token shown once), list with liveness, revoke."""

from __future__ import annotations

from aiohttp import web

from publisher import keys
from publisher.auth.identity import require_staff
from publisher.http.json_io import json_body, json_response
from publisher.remote import client_address
from publisher.services.device_status import device_status, revoke_device

routes = web.RouteTableDef()


@routes.post("/api/v1/devices")
async def add(request: web.Request) -> web.Response:
    who = await require_staff(request, "admin")
    device, token = await request.app[keys.DEVICES].add(await json_body(request), request.app[keys.CLOCK](),
                                                        by=(who.username, client_address(request)))
    return json_response({"id": device.id, "kind": device.kind, "location": device.location, "token": token},
                         status=201)


@routes.get("/api/v1/devices")
async def list_devices(request: web.Request) -> web.Response:
    await require_staff(request)
    app = request.app
    rows = device_status(app[keys.DEVICES], app[keys.QUEUE], app[keys.CLOCK]())
    return json_response({"items": [row for _device, _snap, row in rows]})


@routes.delete("/api/v1/devices/{id}")
async def revoke(request: web.Request) -> web.Response:
    who = await require_staff(request, "admin")
    app = request.app
    device = await revoke_device(app[keys.DEVICES], app[keys.QUEUE], request.match_info["id"], app[keys.CLOCK](),
                                 (who.username, client_address(request)))
    return json_response({"id": device.id, "revoked": True, "declared_in_config": device.declared})
