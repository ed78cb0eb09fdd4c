"""The staff API for notices: one thin handler per route over NoticeService."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from aiohttp import web

from publisher import keys
from publisher.auth.identity import require_staff
from publisher.errors import ApiError
from publisher.http.json_io import json_body, json_response
from publisher.http.params import int_param, path_id
from publisher.remote import client_address
from publisher.services.notice_reads import check_status
from publisher.services.users import Principal

routes = web.RouteTableDef()
log = structlog.get_logger("publisher.notices")


def notice_id(request: web.Request) -> int:
    return path_id(request, "notice")


@routes.post("/api/v1/notices")
async def create(request: web.Request) -> web.Response:
    who = await require_staff(request)
    service = request.app[keys.NOTICES]
    notice = await service.create(who, await json_body(request), request.app[keys.CLOCK]())
    log.info("notice created", notice=notice["id"], by=who.username)
    return json_response(notice, status=201, headers={"Location": f"/api/v1/notices/{notice['id']}"})


@routes.get("/api/v1/notices")
async def list_notices(request: web.Request) -> web.Response:
    await require_staff(request)
    q = request.query
    category = q.get("category") or None
    settings = request.app[keys.SETTINGS]
    if category and category not in settings.catalog_codes:
        raise ApiError(422, "validation_failed", f"invalid category: unknown code {category!r}",
                       [{"field": "category", "message": "unknown catalog category", "type": "enum"}])
    text = (q.get("q") or "").strip()[:200] or None
    page = await request.app[keys.NOTICES].page(
        status=check_status(q.get("status") or None),
        category=category,
        q=text,
        limit=int_param(request, "limit", 20, 1, 100) or 20,
        cursor=int_param(request, "cursor", None, 1, 2**62),
    )
    return json_response(page)


@routes.get("/api/v1/notices/{id}")
async def get(request: web.Request) -> web.Response:
    await require_staff(request)
    return json_response(await request.app[keys.NOTICES].get(notice_id(request)))


@routes.put("/api/v1/notices/{id}")
async def put(request: web.Request) -> web.Response:
    who = await require_staff(request)
    body = await json_body(request)
    notice = await request.app[keys.NOTICES].update(who, notice_id(request), body, request.app[keys.CLOCK]())
    return json_response(notice)


def _transition(name: str, with_body: bool) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handler(request: web.Request) -> web.Response:
        who: Principal = await require_staff(request)
        service = request.app[keys.NOTICES]
        args: list[Any] = [who, notice_id(request)]
        if with_body:
            args.append(await json_body(request))
        extra = {"remote": client_address(request)} if name == "withdraw" else {}  # for the audit trail
        notice = await getattr(service, name)(*args, request.app[keys.CLOCK](), **extra)
        log.info(f"notice {name}", notice=notice["id"], by=who.username, status=notice["status"])
        return json_response(notice)

    handler.__name__ = name
    return handler


routes.post("/api/v1/notices/{id}/submit")(_transition("submit", with_body=False))
routes.post("/api/v1/notices/{id}/approve")(_transition("approve", with_body=True))
routes.post("/api/v1/notices/{id}/reject")(_transition("reject", with_body=True))
# An author takes their revision back out of review (instead of rejecting it themselves).
routes.post("/api/v1/notices/{id}/recall")(_transition("recall", with_body=True))
routes.post("/api/v1/notices/{id}/withdraw")(_transition("withdraw", with_body=True))


@routes.get("/api/v1/notices/{id}/history")
async def history(request: web.Request) -> web.Response:
    await require_staff(request)
    events = await request.app[keys.NOTICES].history(notice_id(request))
    return json_response({"events": events})


@routes.get("/api/v1/review-queue")
async def review_queue(request: web.Request) -> web.Response:
    who = await require_staff(request)
    items = await request.app[keys.NOTICES].review_queue(who)
    return json_response({"items": items})


@routes.get("/api/v1/notices/{id}/flags")
async def flags(request: web.Request) -> web.Response:
    """Personal data and secrecy marks in a revision (`?revision=N`; default the pending
    one, else the live one): what approving it needs confirm_flags for."""
    await require_staff(request)
    number = int_param(request, "revision", None, 1, 2**31 - 1)
    nid = notice_id(request)
    revision, found = await request.app[keys.NOTICES].revision_flags(nid, number)
    return json_response({"notice": nid, "revision": revision, **found.as_dict()})
