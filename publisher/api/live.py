"""GET /api/v1/live: the rotation a device would show at an instant (a preview:
it does not count as the device's poll)."""

from __future__ import annotations

from aiohttp import web

from channels.kiosk.format import item
from publisher import keys
from publisher.auth import require_staff
from publisher.domain.schedule_rules import MAX_INSTANT, MIN_INSTANT
from publisher.errors import ApiError, not_found
from publisher.http import json_response, parse_instant

routes = web.RouteTableDef()
CHANNELS = ("portal", "kiosk", "led")


@routes.get("/api/v1/live")
async def live(request: web.Request) -> web.Response:
    await require_staff(request)
    app = request.app
    q = request.query
    channel = q.get("channel", "")
    if channel not in CHANNELS:
        raise ApiError(422, "validation_failed", f"invalid channel: must be one of {', '.join(CHANNELS)}",
                       [{"field": "channel", "message": "unknown channel", "type": "enum"}])
    # Bounded: evaluation is cheap anywhere in this range, and nothing lies outside it.
    at = parse_instant(q["at"], "at", MIN_INSTANT, MAX_INSTANT) if q.get("at") else app[keys.CLOCK]()
    location = None
    device_id = q.get("device") or None
    if channel != "portal" or device_id:
        if not device_id:
            raise ApiError(422, "validation_failed", "invalid device: required for the kiosk and led channels",
                           [{"field": "device", "message": "required", "type": "missing"}])
        device = app[keys.DEVICES].devices.get(device_id)
        if device is None or device.kind != channel and channel != "portal":
            raise not_found(f"{channel} device {device_id!r}")
        location = device.location
    queue = app[keys.QUEUE]
    tz = app[keys.SETTINGS].tz
    rot, until = queue.preview(channel, location, at)
    return json_response({
        "channel": channel,
        "device": device_id,
        "at": at.astimezone(tz).isoformat(),
        "emergency": rot.emergency,
        "valid_until": until.astimezone(tz).isoformat() if until else None,
        "rotation": [item(n, tz) for n in rot.items],
    })
