"""LED sign feeds (docs/led.md): feed.txt, feed.json, now.txt, version, feed.alpha.

Every answer comes from the sign's snapshot (one dictionary look-up while nothing
changed). Choices, with reasons in docs/led.md:

* ETag: the strong ETag is `"<version>"` for feed.txt, feed.txt?header=1, feed.json,
  version and feed.alpha (docs/led.md section 6). Each is its own URL, and within one version
  each URL's bytes never change, so the shared tag is a correct strong validator, and
  a gateway can compare any of them with the body of `version`. now.txt is the
  exception: its bytes change with the page inside one version, so its tag is
  `"<version>-p<page>"` (page counted from 1; `-p0` for an empty rotation).
* now.txt `Cache-Control: max-age` is the whole seconds until the page changes,
  rounded down, and never past the snapshot's `valid_until` (a schedule edge can end
  the page early); an empty rotation answers max-age=0.
* Empty rotation: feed.txt and now.txt are 200 with an empty body; version is
  `<seq>-0000`; feed.json has `"pages": []`; feed.alpha is a packet with an empty
  text (which blanks the sign's file A).
* feed.alpha on a sign whose encoding is not `ascii` is 404 (code `not_an_alpha_sign`):
  that resource does not exist for the sign. An unknown sign is 404 `not_found`.
* 404 for an unknown sign is answered before the token is checked (401), as docs/led.md
  and docs/api.md say; every fetch that passes the token check records last-seen
  and the version served (a 304 too).
"""

from __future__ import annotations

import math
from datetime import datetime

from aiohttp import web

from channels.led.fitting import current_page
from channels.led.format import EPOCH, LedChannel, LedFeed
from channels.led.preview import setup_preview
from channels.serve import SnapshotAnswer, device_for, device_poll, polled, prepared, serve
from publisher import keys
from publisher.errors import ApiError
from publisher.queue import Snapshot
from publisher.services.devices import Device

routes = web.RouteTableDef()
BASE = "/led/v1/signs/{sign_id}/"


async def _sign(request: web.Request) -> tuple[Device, datetime]:
    """The sign and the one instant this request is answered for; a sign's first fit
    is done here in slices (channels.serve.prepared), not in one stall."""
    now = request.app[keys.CLOCK]()
    device = await device_for(request, "led", "sign_id", now)
    await prepared(request, "led", device, now)
    return device, now


async def _snapshot(request: web.Request) -> tuple[Snapshot, LedFeed, datetime]:
    device, now = await _sign(request)
    snap = polled(request, "led", device, now)
    return snap, snap.extra, now


# The answers of the two polled feeds from a snapshot: device_poll's fast path and the
# handlers below both answer with them.
FEED_TXT = SnapshotAnswer()
FEED_JSON = SnapshotAnswer(lambda snap: (snap.extra.json_bytes, "application/json; charset=utf-8"))


# The two polled feeds take device_poll's fast path (channels.serve); these answer the
# rest (first contact, a bad token, HEAD, feed.txt?header=1) the long way, with the same bytes.
async def feed_txt(request: web.Request) -> web.StreamResponse:
    snap, _feed, now = await _snapshot(request)
    if request.query_string and request.query.get("header") == "1":
        return serve(request, snap, body=snap.extra.header_bytes, headers=snap.headers)
    return FEED_TXT(request, snap, now)


async def feed_json(request: web.Request) -> web.StreamResponse:
    snap, _feed, now = await _snapshot(request)
    return FEED_JSON(request, snap, now)


@routes.get(BASE + "now.txt")
async def now_txt(request: web.Request) -> web.Response:
    snap, feed, now = await _snapshot(request)
    if not feed.pages:
        headers = {**snap.headers, "X-LED-Page": "0/0"}
        return serve(request, snap, body=b"", headers=headers, etag=f'"{snap.version}-p0"',
                     cache_control="max-age=0")
    index, remaining = current_page(feed.dwells, now, EPOCH)
    if snap.valid_until is not None:
        remaining = min(remaining, (snap.valid_until - now).total_seconds())
    # whole seconds still ahead, rounded down: a cache never holds a page past its change
    max_age = max(0, math.floor(remaining))
    page = index + 1
    headers = {**snap.headers, "X-LED-Page": f"{page}/{len(feed.pages)}"}
    return serve(request, snap, body=feed.pages[index].raw, headers=headers,
                 etag=f'"{snap.version}-p{page}"', cache_control=f"max-age={max_age}")


@routes.get(BASE + "version")
async def version(request: web.Request) -> web.Response:
    snap, _feed, _now = await _snapshot(request)
    return serve(request, snap, body=f"{snap.version}\r\n".encode("ascii"),
                 content_type="text/plain; charset=US-ASCII", headers=snap.headers)


@routes.get(BASE + "feed.alpha")
async def feed_alpha(request: web.Request) -> web.Response:
    device, now = await _sign(request)
    if device.settings is None or device.settings.encoding != "ascii":
        raise ApiError(404, "not_an_alpha_sign",
                       f"sign {device.id!r} has no feed.alpha: the Alpha protocol feed is for ascii signs only")
    snap = polled(request, "led", device, now)
    return serve(request, snap, body=snap.extra.alpha_bytes, content_type="application/octet-stream",
                 headers=snap.headers)


def setup_led(app: web.Application) -> None:
    app[keys.QUEUE].channels["led"] = LedChannel(app[keys.SETTINGS].tz)
    # ?header=1 asks feed.txt for other bytes: that poll takes the handler.
    app.router.add_get(BASE + "feed.txt", device_poll("led", BASE + "feed.txt", feed_txt, FEED_TXT, "sign_id",
                                                      plain=lambda query: "header=" not in query))
    app.router.add_get(BASE + "feed.json", device_poll("led", BASE + "feed.json", feed_json, FEED_JSON, "sign_id"))
    app.router.add_routes(routes)
    setup_preview(app)
