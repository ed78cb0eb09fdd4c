"""GET /api/v1/live: the rotation a device would show at an instant (a preview:
it does not count as the device's poll). Items have the core's neutral shape
(publisher.domain.items), whatever the channel."""

from __future__ import annotations

from aiohttp import web

from publisher import keys
from publisher.auth.identity import require_staff
from publisher.domain.items import rotation_item
from publisher.domain.schedule_rules import MAX_INSTANT, MIN_INSTANT
from publisher.errors import ApiError, not_found
from publisher.http.json_io import json_response
from publisher.http.params import parse_instant

routes = web.RouteTableDef()


def _and(names: list[str]) -> str:
    return " and ".join(names) if len(names) < 3 else f"{', '.join(names[:-1])} and {names[-1]}"


@routes.get("/api/v1/live")
async def live(request: web.Request) -> web.Response:
    await require_staff(request)
    app = request.app
    channels = app[keys.CHANNELS]
    q = request.query
    spec = channels.get(q.get("channel", ""))
    if spec is None:
        raise ApiError(422, "validation_failed", f"invalid channel: must be one of {', '.join(channels.names)}",
                       [{"field": "channel", "message": "unknown channel", "type": "enum"}])
    # Bounded: evaluation is cheap anywhere in this range, and nothing lies outside it.
    at = parse_instant(q["at"], "at", MIN_INSTANT, MAX_INSTANT) if q.get("at") else app[keys.CLOCK]()
    location = None
    device_id = q.get("device") or None
    # A channel that serves devices rotates per location: name the device. One without
    # devices (the portal) shows everywhere, unless a device names a location to look at.
    if spec.devices is not None or device_id:
        if not device_id:
            located = [s.name for s in channels.located]
            raise ApiError(422, "validation_failed", f"invalid device: required for the {_and(located)} channels",
                           [{"field": "device", "message": "required", "type": "missing"}])
        device = app[keys.DEVICES].devices.get(device_id)
        if device is None or spec.devices is not None and device.kind != spec.devices.name:
            raise not_found(f"{spec.name} device {device_id!r}")
        location = device.location
    tz = app[keys.SETTINGS].tz
    rot, until = app[keys.QUEUE].preview(spec.name, location, at)
    return json_response({
        "channel": spec.name,
        "device": device_id,
        "at": at.astimezone(tz).isoformat(),
        "emergency": rot.emergency,
        "valid_until": until.astimezone(tz).isoformat() if until else None,
        "rotation": [rotation_item(n, tz) for n in rot.items],
    })
