"""Operations: /healthz and /metrics.

/healthz answers 200 `ok`; 200 `degraded` with the reasons when the service runs but
something needs a person (a live notice that cannot be evaluated, a failed reconcile);
503 `unavailable` when the database cannot be reached.
"""

from __future__ import annotations

import asyncio

from aiohttp import web
from sqlalchemy import text

from publisher import keys
from publisher.http.json_io import json_response

routes = web.RouteTableDef()
DB_CHECK_S = 5.0


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    app = request.app
    try:
        async with asyncio.timeout(DB_CHECK_S), app[keys.DB].read() as conn:
            await conn.execute(text("SELECT 1"))
        database = "ok"
    except Exception as exc:  # the point of the check is to report, not raise
        database = f"error: {type(exc).__name__}"
    queue = app[keys.QUEUE]
    reasons = []
    if queue.broken:
        reasons.append(f"{len(queue.broken)} live notice(s) cannot be evaluated: "
                       + ", ".join(str(i) for i in sorted(queue.broken)[:20]))
    sync = app.get(keys.LIVE_SYNC)
    if sync is not None and sync.reconcile_error:
        reasons.append(f"the last reconcile failed: {sync.reconcile_error}")
    if database != "ok":
        reasons.insert(0, "the database cannot be reached")
    status = "unavailable" if database != "ok" else "degraded" if reasons else "ok"
    body = {
        "status": status,
        "reasons": reasons,
        "database": database,
        "live_notices": len(queue.live),
        "broken_notices": sorted(queue.broken),
        "data_revision": queue.data_revision,
    }
    # Several instances (publisher.cluster): is this one the leader, does it hear the others.
    leadership, listener = app.get(keys.LEADERSHIP), app.get(keys.CHANGE_LISTENER)
    if leadership is not None:
        body["leader"] = leadership.is_leader
    if listener is not None:
        body["listening"] = listener.listening
    return json_response(body, status=503 if database != "ok" else 200, headers={"Cache-Control": "no-store"})


@routes.get("/metrics")
async def metrics(request: web.Request) -> web.Response:
    app = request.app
    m = app[keys.METRICS]
    queue = app[keys.QUEUE]
    m.live_notices.set(len(queue.live))
    m.broken_notices.set(len(queue.broken))
    return m.render()


def setup_ops(app: web.Application) -> None:
    app.router.add_routes(routes)
