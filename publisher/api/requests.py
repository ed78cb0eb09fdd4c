"""The staff API of the request register (依申請公開): thin handlers over
publisher.services.requests. Any member of staff registers and reads; reviewers and
admins extend and reply."""

from __future__ import annotations

from aiohttp import web

from publisher import keys
from publisher.auth.identity import require_staff
from publisher.domain.disclosure.requests import STATUSES
from publisher.errors import ApiError
from publisher.http.json_io import json_body, json_response
from publisher.http.params import int_param, path_id

routes = web.RouteTableDef()
DECIDERS = ("reviewer", "admin")  # who extends and replies


def _choice(request: web.Request, name: str, allowed: tuple[str, ...]) -> str | None:
    raw = request.query.get(name) or None
    if raw is not None and raw not in allowed:
        message = f"must be one of {', '.join(allowed)}"
        raise ApiError(422, "validation_failed", f"invalid {name}: {message}",
                       [{"field": name, "message": message, "type": "enum"}])
    return raw


@routes.post("/api/v1/requests")
async def register(request: web.Request) -> web.Response:
    who = await require_staff(request)
    app = request.app
    item = await app[keys.REQUESTS].register(who, await json_body(request), app[keys.CLOCK]())
    return json_response(item, status=201, headers={"Location": f"/api/v1/requests/{item['id']}"})


@routes.get("/api/v1/requests")
async def register_page(request: web.Request) -> web.Response:
    await require_staff(request)
    overdue = _choice(request, "overdue", ("true", "false"))
    page = await request.app[keys.REQUESTS].page(
        request.app[keys.CLOCK](),
        status=_choice(request, "status", STATUSES),
        overdue=None if overdue is None else overdue == "true",
        year=int_param(request, "year", None, 2004, 2200),
        limit=int_param(request, "limit", 50, 1, 200) or 50,
        cursor=int_param(request, "cursor", None, 1, 2**62),
    )
    return json_response(page)


@routes.get("/api/v1/requests/{id}")
async def one(request: web.Request) -> web.Response:
    await require_staff(request)
    app = request.app
    return json_response(await app[keys.REQUESTS].get(path_id(request, "request"), app[keys.CLOCK]()))


@routes.post("/api/v1/requests/{id}/extend")
async def extend(request: web.Request) -> web.Response:
    who = await require_staff(request, *DECIDERS)
    app = request.app
    rid = path_id(request, "request")
    return json_response(await app[keys.REQUESTS].extend(who, rid, await json_body(request), app[keys.CLOCK]()))


@routes.post("/api/v1/requests/{id}/reply")
async def reply(request: web.Request) -> web.Response:
    who = await require_staff(request, *DECIDERS)
    app = request.app
    rid = path_id(request, "request")
    return json_response(await app[keys.REQUESTS].reply(who, rid, await json_body(request), app[keys.CLOCK]()))


async def settle_deadlines(app: web.Application) -> None:
    """At start-up (after the migrations): provisional deadlines whose year the
    calendar now knows are counted again (publisher.services.requests)."""
    await app[keys.REQUESTS].settle_provisional(app[keys.CLOCK]())
