"""LED sign feeds (LED.md): feed.txt, feed.json, now.txt, version, feed.alpha."""

from __future__ import annotations

import math

from aiohttp import web

from channels.led.fitting import alpha_packet, current_page, header_line
from channels.led.format import EPOCH, LedChannel, LedFeed
from channels.led.preview import setup_preview
from channels.serve import device_for, serve
from publisher import keys
from publisher.errors import not_found
from publisher.queue import Snapshot

routes = web.RouteTableDef()
BASE = "/led/v1/signs/{sign_id}/"


async def _snapshot(request: web.Request) -> tuple[Snapshot, LedFeed]:
    device = await device_for(request, "led", "sign_id")
    app = request.app
    now = app[keys.CLOCK]()
    snap = app[keys.QUEUE].snapshot("led", device, now)
    app[keys.DEVICES].seen(device, snap.version, now)
    return snap, snap.extra


@routes.get(BASE + "feed.txt")
async def feed_txt(request: web.Request) -> web.Response:
    snap, feed = await _snapshot(request)
    if request.query.get("header") == "1":
        head = header_line(snap.version, len(feed.pages), feed.profile, feed.body)
        return serve(request, snap, body=head + feed.body, headers=snap.headers, etag=f'"{snap.version}-h"')
    return serve(request, snap, headers=snap.headers)


@routes.get(BASE + "feed.json")
async def feed_json(request: web.Request) -> web.Response:
    snap, feed = await _snapshot(request)
    return serve(request, snap, body=feed.json_bytes, content_type="application/json; charset=utf-8",
                 headers=snap.headers, etag=f'"{snap.version}-j"')


@routes.get(BASE + "now.txt")
async def now_txt(request: web.Request) -> web.Response:
    snap, feed = await _snapshot(request)
    if not feed.pages:
        return serve(request, snap, body=b"", headers=snap.headers, etag=f'"{snap.version}-n"', cache_control="max-age=5")
    now = request.app[keys.CLOCK]()
    index, remaining = current_page(feed.dwells, now, EPOCH)
    # max-age counts whole seconds still ahead, never past the change.
    max_age = max(0, math.floor(remaining))
    headers = {**snap.headers, "X-LED-Page": f"{index + 1}/{len(feed.pages)}"}
    return serve(request, snap, body=feed.pages[index].raw, headers=headers,
                 etag=f'"{snap.version}-p{index}"', cache_control=f"max-age={max_age}")


@routes.get(BASE + "version")
async def version(request: web.Request) -> web.Response:
    snap, _feed = await _snapshot(request)
    return serve(request, snap, body=f"{snap.version}\r\n".encode("ascii"),
                 content_type="text/plain; charset=US-ASCII", headers=snap.headers)


@routes.get(BASE + "feed.alpha")
async def feed_alpha(request: web.Request) -> web.Response:
    snap, feed = await _snapshot(request)
    if feed.profile.encoding != "ascii":
        raise not_found("feed.alpha: this sign is not an ascii (Alpha protocol) sign")
    packet = alpha_packet([p.page for p in feed.pages], feed.profile.mode, feed.emergency)
    return serve(request, snap, body=packet, content_type="application/octet-stream",
                 headers=snap.headers, etag=f'"{snap.version}-a"')


def setup_led(app: web.Application) -> None:
    app[keys.QUEUE].channels["led"] = LedChannel()
    app.router.add_routes(routes)
    setup_preview(app)
