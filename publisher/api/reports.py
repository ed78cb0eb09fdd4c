"""The yearly report's staff API: read, write narratives and figures, review, publish;
and the register of reconsiderations and lawsuits (table 4). See docs/reports.md."""

from __future__ import annotations

from aiohttp import web

from publisher import keys
from publisher.auth.identity import require_staff
from publisher.errors import ApiError
from publisher.http.json_io import json_body, json_response
from publisher.http.params import int_param, path_id
from publisher.services.reports import check_year

routes = web.RouteTableDef()


def path_year(request: web.Request) -> int:
    raw = request.match_info["year"]
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 4:
        raise ApiError(404, "not_found", f"report {raw!r} not found")
    return check_year(int(raw))


@routes.get("/api/v1/reports")
async def published(request: web.Request) -> web.Response:
    await require_staff(request)
    return json_response({"items": await request.app[keys.REPORTS].published_years()})


@routes.get("/api/v1/reports/{year}")
async def get(request: web.Request) -> web.Response:
    await require_staff(request)
    return json_response(await request.app[keys.REPORTS].view(path_year(request), request.app[keys.CLOCK]()))


async def _edit(request: web.Request, replace: bool) -> web.Response:
    who = await require_staff(request)
    year = path_year(request)
    body = await json_body(request)
    report = await request.app[keys.REPORTS].edit(who, year, body, request.app[keys.CLOCK](), replace=replace)
    return json_response(report)


@routes.put("/api/v1/reports/{year}")
async def put(request: web.Request) -> web.Response:
    return await _edit(request, replace=True)


@routes.patch("/api/v1/reports/{year}")
async def patch(request: web.Request) -> web.Response:
    return await _edit(request, replace=False)


@routes.post("/api/v1/reports/{year}/submit")
async def submit(request: web.Request) -> web.Response:
    who = await require_staff(request)
    return json_response(await request.app[keys.REPORTS].submit(who, path_year(request), request.app[keys.CLOCK]()))


@routes.post("/api/v1/reports/{year}/approve")
async def approve(request: web.Request) -> web.Response:
    who = await require_staff(request)
    year = path_year(request)
    body = await json_body(request)
    return json_response(await request.app[keys.REPORTS].approve(who, year, body, request.app[keys.CLOCK]()))


@routes.post("/api/v1/reports/{year}/reject")
async def reject(request: web.Request) -> web.Response:
    who = await require_staff(request)
    year = path_year(request)
    body = await json_body(request)
    return json_response(await request.app[keys.REPORTS].reject(who, year, body, request.app[keys.CLOCK]()))


@routes.post("/api/v1/reports/{year}/publish")
async def publish(request: web.Request) -> web.Response:
    who = await require_staff(request)
    return json_response(await request.app[keys.REPORTS].publish(who, path_year(request), request.app[keys.CLOCK]()))


@routes.get("/api/v1/reports/{year}/history")
async def history(request: web.Request) -> web.Response:
    await require_staff(request)
    return json_response({"events": await request.app[keys.REPORTS].history(path_year(request))})


# -- table 4's register ---------------------------------------------------------------
@routes.post("/api/v1/review-cases")
async def add_case(request: web.Request) -> web.Response:
    who = await require_staff(request)
    case = await request.app[keys.REVIEW_CASES].add(who, await json_body(request), request.app[keys.CLOCK]())
    return json_response(case, status=201, headers={"Location": f"/api/v1/review-cases/{case['id']}"})


@routes.get("/api/v1/review-cases")
async def list_cases(request: web.Request) -> web.Response:
    await require_staff(request)
    year = int_param(request, "year", None, 2008, 2200)
    page = await request.app[keys.REVIEW_CASES].page(
        year, limit=int_param(request, "limit", 50, 1, 200) or 50, cursor=int_param(request, "cursor", None, 1, 2**62))
    return json_response(page)


@routes.get("/api/v1/review-cases/{id}")
async def get_case(request: web.Request) -> web.Response:
    await require_staff(request)
    return json_response(await request.app[keys.REVIEW_CASES].get(path_id(request, "case")))


@routes.put("/api/v1/review-cases/{id}")
async def put_case(request: web.Request) -> web.Response:
    who = await require_staff(request)
    case_id = path_id(request, "case")
    body = await json_body(request)
    return json_response(await request.app[keys.REVIEW_CASES].replace(who, case_id, body, request.app[keys.CLOCK]()))


@routes.delete("/api/v1/review-cases/{id}")
async def delete_case(request: web.Request) -> web.Response:
    who = await require_staff(request)
    await request.app[keys.REVIEW_CASES].remove(who, path_id(request, "case"))
    return web.Response(status=204)
