"""Serving snapshots to devices: token check, conditional GET, last-seen."""

from __future__ import annotations

import asyncio
from bisect import bisect_left
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from time import perf_counter
from typing import Any

from aiohttp import web
from multidict import CIMultiDict

from publisher import keys
from publisher.auth.identity import bearer
from publisher.http.instrument import instrument
from publisher.metrics import BUCKETS, series
from publisher.queue import Snapshot
from publisher.services.devices import Device


def device_token(request: web.Request) -> str | None:
    """The token from ?token= or Authorization: Bearer."""
    raw = request.query_string
    # The usual poll carries only the token, and tokens need no unquoting: skip
    # parsing the query into a multidict, which costs more than the rest of a poll.
    if raw.startswith("token=") and "&" not in raw and "%" not in raw and "+" not in raw:
        return raw[6:] or None
    return request.query.get("token") or bearer(request)


async def device_for(
    request: web.Request, kind: str, id_key: str = "device_id", now: datetime | None = None
) -> Device:
    """The device named in the path, if the token (?token= or Bearer) is its own."""
    token = device_token(request)
    registry = request.app[keys.DEVICES]
    device_id = request.match_info[id_key]
    # The common case (a known token polling again) costs a dictionary look-up.
    return registry.verified(device_id, token, kind) or await registry.authenticate(
        device_id, token, kind, now if now is not None else request.app[keys.CLOCK]()
    )


def polled(request: web.Request, channel: str, device: Device, now: datetime) -> Snapshot:
    """The device's current snapshot for `channel`; fetching it counts as the device's
    poll (last seen and the version it was given, kept in memory)."""
    app = request.app
    snap = app[keys.QUEUE].snapshot(channel, device, now)
    app[keys.DEVICES].seen(device, snap.version, now)
    return snap


# The longest a device's first rendering holds the event loop at a time (see `prepared`).
FIRST_RENDER_SLICE_S = 0.02


async def prepared(request: web.Request, channel: str, device: Device, now: datetime) -> None:
    """Before a device's first snapshot: let the channel do the heavy part in slices.

    A sign polling right after a start (before the warming pass reached it) would fit
    its whole rotation for its profile inside the request, holding the loop for
    ~0.1 s per profile with 10,000 notices. Its steps (ContentQueue.first_render) are
    taken here, yielding to the loop every FIRST_RENDER_SLICE_S.
    """
    ends = perf_counter() + FIRST_RENDER_SLICE_S
    for _ in request.app[keys.QUEUE].first_render(channel, device, now):
        if perf_counter() >= ends:
            await asyncio.sleep(0)
            ends = perf_counter() + FIRST_RENDER_SLICE_S


def etag_matches(request: web.Request, etag: str) -> bool:
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    if header == etag:  # the usual case: one tag, ours
        return True
    return any(tag.strip() in (etag, "*") for tag in header.split(","))


def serve(
    request: web.Request,
    snap: Snapshot,
    body: bytes | None = None,
    content_type: str | None = None,
    headers: Mapping[str, str] | None = None,
    etag: str | None = None,
    cache_control: str = "no-cache",
) -> web.Response:
    """200 with the bytes, or 304 when the client already holds this version."""
    tag = etag or snap.etag
    out = {"ETag": tag, "Cache-Control": cache_control}
    if headers:
        out.update(headers)
    if etag_matches(request, tag):
        return web.Response(status=304, headers=out)
    out["Content-Type"] = content_type or snap.content_type
    return web.Response(body=snap.body if body is None else body, headers=out)


def device_poll(kind: str, route: str, handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
                respond: Callable[[web.Request, Snapshot, datetime], web.StreamResponse] | None = None,
                id_key: str = "device_id", plain: Callable[[str], bool] | None = None,
                ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """A device feed's route handler with its own counting and timing, for the hot path.

    A poll by a device whose token was verified before is answered in one coroutine: no
    route wrapper around it, no coroutine for the device look-up, the app's objects bound
    once, and the request counters bumped in place (the same series, counts, sums and
    buckets `Metrics.observe` keeps). Anything else (first contact, a bad token, an
    error) goes to `handler` wrapped like every other route (publisher.http.instrument),
    which answers, counts and shapes refusals as usual. `respond` answers from the
    snapshot (default: `serve` with the snapshot's own bytes and headers). `plain`, given
    the raw query string, says whether the snapshot answers it (a channel whose query can
    ask for something else, like the kiosk's ?lang=, sends those polls to `handler`).
    """
    slow: Callable[[web.Request], Awaitable[web.StreamResponse]] = instrument(handler, route)
    answer = respond or _Plain()
    bound: list[Any] = []

    def bind(app: web.Application) -> list[Any]:
        metrics = app[keys.METRICS]
        counters = {status: series(metrics, "GET", route, status) for status in (200, 304)}
        bound[:] = [app[keys.DEVICES], app[keys.QUEUE].snapshot, app[keys.CLOCK], counters]
        return bound

    async def poll(request: web.Request) -> web.StreamResponse:
        started = perf_counter()
        registry, snapshot, clock, counters = bound or bind(request.app)
        try:
            device = registry.verified(request.match_info[id_key], device_token(request), kind)
            if device is None or request.method != "GET" or (plain is not None and not plain(request.query_string)):
                return await slow(request)
            now = clock()
            snap = snapshot(kind, device, now)
            registry.seen(device, snap.version, now)
            response = answer(request, snap, now)
        except asyncio.CancelledError:
            raise
        except Exception:
            return await slow(request)  # answers (and logs) the failure the usual way
        counted = counters.get(response.status)
        if counted is None:
            request.app[keys.METRICS].observe(request.method, route, response.status, perf_counter() - started)
        else:
            elapsed = perf_counter() - started
            counted.count += 1
            counted.total += elapsed
            counted.buckets[bisect_left(BUCKETS, elapsed)] += 1
        return response

    poll.__instrumented__ = True  # type: ignore[attr-defined]
    return poll


class _Plain:
    """`serve` for a snapshot's own bytes, with the headers of its 200 and 304 made once
    per snapshot (not a dictionary, an f-string and a header merge on every poll)."""

    LIMIT = 4096  # snapshots remembered; clearing is only a cost

    def __init__(self) -> None:
        # id(snapshot) -> (snapshot, ETag, 200 headers, 304 headers); holding it keeps the id unique
        self._heads: dict[int, tuple[Snapshot, str, CIMultiDict[str], CIMultiDict[str]]] = {}

    def __call__(self, request: web.Request, snap: Snapshot, _now: datetime) -> web.Response:
        heads = self._heads.get(id(snap))
        if heads is None or heads[0] is not snap:
            if len(self._heads) >= self.LIMIT:
                self._heads.clear()
            tag = snap.etag
            base = {"ETag": tag, "Cache-Control": "no-cache", **snap.headers}
            heads = self._heads[id(snap)] = (snap, tag, CIMultiDict({**base, "Content-Type": snap.content_type}),
                                             CIMultiDict(base))
        header = request.headers.get("If-None-Match")
        if header and (header == heads[1] or etag_matches(request, heads[1])):
            return web.Response(status=304, headers=heads[3].copy())
        return web.Response(body=snap.body, headers=heads[2].copy())
