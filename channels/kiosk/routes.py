"""Kiosk device routes: the feed, the catalog, search, and the event stream.

The page itself (GET /kiosk/{device_id}/), its service worker and its assets are in
`channels.kiosk.page`; `setup_kiosk` registers both.
"""

from __future__ import annotations

import asyncio
import json
from functools import lru_cache

from aiohttp import web

from channels.kiosk import keys as kiosk_keys
from channels.kiosk import language as kiosk_language
from channels.kiosk.catalog import KioskCatalog
from channels.kiosk.fanout import Fanout
from channels.kiosk.format import KioskChannel
from channels.kiosk.page import setup_page
from channels.serve import SnapshotAnswer, device_for, device_poll, polled, serve
from publisher import keys
from publisher.domain.search import MAX_QUERY, search
from publisher.errors import ApiError
from publisher.http.json_io import json_response

routes = web.RouteTableDef()
KEEPALIVE_S = 15.0




@lru_cache(maxsize=256)
def _event(feed_version: str, catalog_version: str) -> bytes:
    data = json.dumps({"version": feed_version, "catalog": catalog_version})
    return f"event: feed\nid: {feed_version}\ndata: {data}\n\n".encode()


FEED = "/kiosk/v1/{device_id}/feed.json"


# The feed's answer from a snapshot: device_poll's fast path and `feed` both answer with it.
FEED_ANSWER = SnapshotAnswer()


async def feed(request: web.Request) -> web.StreamResponse:
    """The feed the long way (first contact, a bad token, HEAD); polls take `device_poll`'s fast path."""
    app = request.app
    now = app[keys.CLOCK]()
    device = await device_for(request, "kiosk", now=now)
    if "lang=" in request.query_string:  # a kiosk switched to another language (language.py)
        return await kiosk_language.serve_in(request, polled(request, "kiosk", device, now),
                                             app[kiosk_keys.CONVERTED], "feed")
    return FEED_ANSWER(request, polled(request, "kiosk", device, now), now)


@routes.get("/kiosk/v1/{device_id}/catalog.json")
async def catalog(request: web.Request) -> web.Response:
    """Every live kiosk notice of the device's location from its start on (see catalog.py)."""
    app = request.app
    now = app[keys.CLOCK]()
    device = await device_for(request, "kiosk", now=now)
    if "lang=" in request.query_string:
        return await kiosk_language.serve_in(request, app[kiosk_keys.CATALOG].snapshot(device.location, now),
                                             app[kiosk_keys.CONVERTED], "catalog")
    return serve(request, app[kiosk_keys.CATALOG].snapshot(device.location, now))


@routes.get("/kiosk/v1/{device_id}/search.json")
async def search_catalog(request: web.Request) -> web.Response:
    """The ids of the catalog's notices that hold every word of `q` (title, summary,
    body, index number, document number; Simplified and Traditional match each other),
    in catalog order. The page shows them from the catalog it holds."""
    app = request.app
    now = app[keys.CLOCK]()
    device = await device_for(request, "kiosk", now=now)
    query = request.query.get("q", "").strip()[:MAX_QUERY]
    snap = app[kiosk_keys.CATALOG].snapshot(device.location, now)
    found = search(snap.extra, query) if query else []
    return json_response({"query": query, "catalog": snap.version, "notice_ids": [n.id for n in found]},
                         headers={"Cache-Control": "no-store"})


@routes.get("/kiosk/v1/{device_id}/events")
async def events(request: web.Request) -> web.StreamResponse:
    """Server-Sent Events: `event: feed` whenever this device's feed version changes,
    and also when its catalog changes; `data` carries both versions:
    {"version": <feed version>, "catalog": <catalog version>}."""
    app = request.app
    device = await device_for(request, "kiosk")
    queue, catalogs, fanout, clock = app[keys.QUEUE], app[kiosk_keys.CATALOG], app[kiosk_keys.FANOUT], app[keys.CLOCK]
    limits, open_per_device = app[keys.SETTINGS].devices, app[kiosk_keys.OPEN_STREAMS]
    if open_per_device.get(device.id, 0) >= limits.max_streams:
        raise ApiError(429, "too_many_streams",
                       f"device {device.id!r} has {limits.max_streams} event streams open already")
    if len(app[kiosk_keys.STREAMS]) >= limits.max_streams_total:
        raise ApiError(429, "too_many_streams", "the service has as many event streams open as it takes")
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    )
    open_per_device[device.id] = open_per_device.get(device.id, 0) + 1
    try:
        await response.prepare(request)
    except BaseException:
        _closed(open_per_device, device.id)
        raise
    metrics = app[keys.METRICS]
    metrics.sse_clients.inc()
    task = asyncio.current_task()
    if task is not None:
        app[kiosk_keys.STREAMS].add(task)
    registry = app[keys.DEVICES]
    sent: tuple[str, str] | None = None
    waiter = None
    try:
        await response.write(b"retry: 3000\n\n")
        # Ends at once when the token is revoked or replaced (revocation wakes the fanout).
        while not (current := registry.devices[device.id]).revoked and current.token_hash == device.token_hash:
            waiter = fanout.waiter()
            now = clock()
            versions = (queue.snapshot("kiosk", device, now).version, catalogs.snapshot(device.location, now).version)
            if versions != sent:
                sent = versions
                await response.write(_event(*versions))
            if not await fanout.wait(waiter, KEEPALIVE_S):
                await response.write(b": keepalive\n\n")
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    finally:
        fanout.forget(waiter)
        metrics.sse_clients.dec()
        app[kiosk_keys.STREAMS].discard(task)
        _closed(open_per_device, device.id)
    return response


def _closed(open_per_device: dict[str, int], device_id: str) -> None:
    left = open_per_device.get(device_id, 1) - 1
    if left > 0:
        open_per_device[device_id] = left
    else:
        open_per_device.pop(device_id, None)


async def _end_streams(app: web.Application) -> None:
    streams: set[asyncio.Task[object]] = app[kiosk_keys.STREAMS]
    for task in list(streams):
        task.cancel()


def setup_kiosk(app: web.Application) -> None:
    queue = app[keys.QUEUE]
    queue.channels["kiosk"] = KioskChannel(app[keys.SETTINGS].tz, app[keys.SETTINGS].server.public_url)
    app[kiosk_keys.CATALOG] = KioskCatalog(queue, app[keys.SETTINGS])
    app[kiosk_keys.FANOUT] = fanout = Fanout()
    queue.listeners.add(fanout.changed)
    app[kiosk_keys.STREAMS] = set()
    app[kiosk_keys.CONVERTED] = kiosk_language.Converted()
    app[kiosk_keys.OPEN_STREAMS] = {}
    app.on_shutdown.append(_end_streams)
    # a kiosk in another language (?lang=) is answered by the handler's converted feed
    app.router.add_get(FEED, device_poll("kiosk", FEED, feed, FEED_ANSWER, plain=lambda query: "lang=" not in query))
    app.router.add_routes(routes)
    setup_page(app)
