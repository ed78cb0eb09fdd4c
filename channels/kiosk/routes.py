"""Kiosk device routes: the feed and its event stream."""

from __future__ import annotations

import asyncio
import json

from aiohttp import web

from channels.kiosk.format import KioskChannel
from channels.serve import device_for, serve
from publisher import keys

routes = web.RouteTableDef()
KEEPALIVE_S = 15.0
# Open event streams, ended on shutdown so that a restart does not wait for them.
STREAMS: web.AppKey[set[asyncio.Task[object]]] = web.AppKey("kiosk_streams", set)


@routes.get("/kiosk/v1/{device_id}/feed.json")
async def feed(request: web.Request) -> web.Response:
    app = request.app
    now = app[keys.CLOCK]()
    device = await device_for(request, "kiosk", now=now)
    snap = app[keys.QUEUE].snapshot("kiosk", device, now)
    app[keys.DEVICES].seen(device, snap.version, now)
    return serve(request, snap)


@routes.get("/kiosk/v1/{device_id}/events")
async def events(request: web.Request) -> web.StreamResponse:
    """Server-Sent Events: `event: feed` whenever this device's feed version changes."""
    app = request.app
    device = await device_for(request, "kiosk")
    queue = app[keys.QUEUE]
    wake = asyncio.Event()
    queue.listeners.add(wake.set)
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    )
    await response.prepare(request)
    metrics = app[keys.METRICS]
    metrics.sse_clients.inc()
    task = asyncio.current_task()
    if task is not None:
        app[STREAMS].add(task)
    registry = app[keys.DEVICES]
    sent: str | None = None
    try:
        await response.write(b"retry: 3000\n\n")
        while not registry.devices[device.id].revoked:
            snap = queue.snapshot("kiosk", device, app[keys.CLOCK]())
            if snap.version != sent:
                sent = snap.version
                data = json.dumps({"version": sent})
                await response.write(f"event: feed\nid: {sent}\ndata: {data}\n\n".encode())
            wake.clear()
            try:
                await asyncio.wait_for(wake.wait(), KEEPALIVE_S)
            except asyncio.TimeoutError:
                await response.write(b": keepalive\n\n")
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    finally:
        metrics.sse_clients.dec()
        queue.listeners.discard(wake.set)
        app[STREAMS].discard(task)  # type: ignore[arg-type]
    return response


async def _end_streams(app: web.Application) -> None:
    for task in list(app[STREAMS]):
        task.cancel()


def setup_kiosk(app: web.Application) -> None:
    app[keys.QUEUE].channels["kiosk"] = KioskChannel(app[keys.SETTINGS].tz)
    app[STREAMS] = set()
    app.on_shutdown.append(_end_streams)
    app.router.add_routes(routes)
