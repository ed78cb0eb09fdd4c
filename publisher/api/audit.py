"""GET /api/v1/audit (admins): the security events, newest first."""

from __future__ import annotations

from aiohttp import web

from publisher import keys
from publisher.auth.identity import require_staff
from publisher.http.json_io import json_response
from publisher.http.params import int_param, parse_instant
from publisher.services import audit

routes = web.RouteTableDef()


@routes.get("/api/v1/audit")
async def audit_trail(request: web.Request) -> web.Response:
    await require_staff(request, "admin")
    app = request.app
    since = request.query.get("since")
    page = await audit.page(
        app[keys.DB], app[keys.SETTINGS].tz,
        since=parse_instant(since, "since") if since else None,
        limit=int_param(request, "limit", 50, 1, 500) or 50,
        cursor=int_param(request, "cursor", None, 1, 2**62),
    )
    return json_response(page)
