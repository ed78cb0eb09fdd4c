"""Operations: /healthz and /metrics."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import text

from publisher import keys
from publisher.http import json_response

routes = web.RouteTableDef()


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    app = request.app
    try:
        async with app[keys.DB].read() as conn:
            await conn.execute(text("SELECT 1"))
        database = "ok"
    except Exception as exc:  # the point of the check is to report, not raise
        database = f"error: {type(exc).__name__}"
    queue = app[keys.QUEUE]
    body = {
        "status": "ok" if database == "ok" else "degraded",
        "database": database,
        "live_notices": len(queue.live),
        "data_revision": queue.data_revision,
    }
    return json_response(body, status=200 if database == "ok" else 503, headers={"Cache-Control": "no-store"})


@routes.get("/metrics")
async def metrics(request: web.Request) -> web.Response:
    app = request.app
    m = app[keys.METRICS]
    m.live_notices.set(len(app[keys.QUEUE].live))
    return m.render()


def setup_ops(app: web.Application) -> None:
    app.router.add_routes(routes)
