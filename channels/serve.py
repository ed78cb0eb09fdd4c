"""Serving snapshots to devices: token check, conditional GET, last-seen."""

from __future__ import annotations

import asyncio
from bisect import bisect_left
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from time import perf_counter
from typing import Any, NamedTuple

from aiohttp import web
from multidict import CIMultiDict

from channels import ready
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
                respond: Callable[[web.Request, Snapshot, datetime], web.StreamResponse],
                id_key: str = "device_id", plain: Callable[[str], bool] | None = None,
                ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """A device feed's route handler with its own counting and timing, for the hot path.

    A poll by a device whose token was verified before is answered in one coroutine: no
    route wrapper around it, no coroutine for the device look-up, the app's objects bound
    once, and the request counters bumped in place (the same series, counts, sums and
    buckets `Metrics.observe` keeps). Anything else (first contact, a bad token, an
    error) goes to `handler` wrapped like every other route (publisher.http.instrument),
    which answers, counts and shapes refusals as usual. `respond` answers from the
    snapshot (a SnapshotAnswer, which `handler` answers with too). `plain`, given
    the raw query string, says whether the snapshot answers it (a channel whose query can
    ask for something else, like the kiosk's ?lang=, sends those polls to `handler`).
    """
    slow: Callable[[web.Request], Awaitable[web.StreamResponse]] = instrument(handler, route)
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
            response = respond(request, snap, now)
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


class SnapshotAnswer:
    """`serve` for a snapshot's bytes (by default its own body and content type; `body_of`
    picks another of its bodies), with what its 200 and 304 take made once per snapshot,
    not on every poll: the header multidicts and, for a request a ReadyAnswer can take
    (channels.ready), the status line and headers as bytes."""

    LIMIT = 4096  # snapshots remembered; clearing is only a cost

    def __init__(self, body_of: Callable[[Snapshot], tuple[bytes, str]] | None = None) -> None:
        self._body_of = body_of
        # id(snapshot) -> _Heads; holding the snapshot in it keeps the id unique
        self._heads: dict[int, _Heads] = {}

    def _made(self, snap: Snapshot) -> _Heads:
        if len(self._heads) >= self.LIMIT:
            self._heads.clear()
        body, content_type = (snap.body, snap.content_type) if self._body_of is None else self._body_of(snap)
        tag = snap.etag
        base = {"ETag": tag, "Cache-Control": "no-cache", **snap.headers}
        full = {**base, "Content-Type": content_type}
        heads = self._heads[id(snap)] = _Heads(
            snap, tag, body, CIMultiDict(full), CIMultiDict(base),
            ready.head(200, {**full, "Content-Length": str(len(body))}), ready.head(304, base))
        return heads

    def __call__(self, request: web.Request, snap: Snapshot, _now: datetime) -> web.StreamResponse:
        heads = self._heads.get(id(snap))
        if heads is None or heads.snap is not snap:
            heads = self._made(snap)
        header = request.headers.get("If-None-Match")
        if header and (header == heads.tag or etag_matches(request, heads.tag)):
            if heads.ready_304 is not None and ready.takes(request):
                return ready.ReadyAnswer(304, heads.ready_304, b"")
            return web.Response(status=304, headers=heads.not_modified)
        if heads.ready_200 is not None and ready.takes(request):
            return ready.ReadyAnswer(200, heads.ready_200, heads.body)
        return web.Response(body=heads.body, headers=heads.full)


class _Heads(NamedTuple):
    snap: Snapshot
    tag: str
    body: bytes
    full: CIMultiDict[str]  # the 200's headers (web.Response copies them)
    not_modified: CIMultiDict[str]
    ready_200: bytes | None  # channels.ready.head, None where a header cannot be written as is
    ready_304: bytes | None
