"""The public side of the request register (依申請公開): a citizen applies online at
/requests/new and follows the request at /requests/{tracking_no}.

No login and no CAPTCHA. The form post must come from our own pages (same origin, as
the browser reports it) and is rate-limited per client address in the database. The
tracking page shows the state and the deadline, never the applicant's details: the
tracking number is all it takes to open it.
"""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
import structlog
from aiohttp import web

from channels.portal.routes import _context
from publisher import keys
from publisher.auth.same_origin import same_origin
from publisher.domain.disclosure.requests import OnlineRequest, normal_tracking_no
from publisher.errors import ApiError, not_found
from publisher.remote import client_address
from publisher.services.requests import parse
from publisher.web import request_labels as labels

routes = web.RouteTableDef()
log = structlog.get_logger("publisher.requests")
FIELDS = ("kind", "name", "contact", "description")
# What a refused field means, by pydantic's error type, in the words of the form.
_MESSAGES = {
    "missing": "請填寫這一欄。",
    "string_too_short": "請填寫這一欄。",
    "string_too_long": "太長了，請縮短。",
    "too_short": "請填寫這一欄。",
    "too_long": "太長了，請縮短。",
    "literal_error": "請從清單中選擇一項。",
    "value_error": "含有不能使用的控制字元或格式字元，請刪除後再送出。",
}


def _field_errors(err: ApiError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for detail in err.details:
        field = str(detail.get("field", ""))
        if field in FIELDS and field not in errors:
            errors[field] = _MESSAGES.get(str(detail.get("type")), "請檢查這一欄。")
    return errors or {"description": "請檢查填寫的內容。"}


def _page(request: web.Request, template: str, status: int = 200, **extra: Any) -> web.Response:
    response = aiohttp_jinja2.render_template(
        template, request, _context(request, labels=labels, **extra), status=status)
    # The answers concern one person's application: kept out of shared caches and search engines.
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _form_page(request: web.Request, values: dict[str, str] | None = None, errors: dict[str, str] | None = None,
               status: int = 200) -> web.Response:
    errors = errors or {}
    return _page(request, "portal/request_new.html", status, values={f: (values or {}).get(f, "") for f in FIELDS},
                 errors={f: errors.get(f, "") for f in FIELDS}, has_errors=bool(errors), kinds=labels.APPLICANT_KINDS)


@routes.get("/requests/new")
async def new(request: web.Request) -> web.Response:
    return _form_page(request)


@routes.get("/requests")
async def to_form(request: web.Request) -> web.Response:
    raise web.HTTPSeeOther("/requests/new")


@routes.get("/requests/status")
async def lookup(request: web.Request) -> web.Response:
    """The look-up form's target: on to the request's page, or the form again."""
    raw = request.query.get("tracking_no", "")[:60]
    found = normal_tracking_no(raw)
    if found is None:
        return _page(request, "portal/request_lookup.html", 404 if raw else 200, tracking_no=raw, unknown=bool(raw))
    raise web.HTTPSeeOther(f"/requests/{found}")


@routes.post("/requests")
async def apply(request: web.Request) -> web.Response:
    if not same_origin(request):
        raise ApiError(403, "cross_site", "cross-site request refused: apply on this site's form (/requests/new)")
    posted = await request.post()
    values = {name: value for name in FIELDS if isinstance(value := posted.get(name, ""), str)}
    app = request.app
    service = app[keys.REQUESTS]
    now = app[keys.CLOCK]()
    try:
        # Checked first (no database), so a mistake costs no attempt of the rate limit.
        parse(OnlineRequest, values)
    except ApiError as err:
        return _form_page(request, values, _field_errors(err), status=422)
    wait = await app[keys.REQUEST_INTAKE].attempt(client_address(request), now)
    if wait:
        response = _page(request, "portal/request_limited.html", 429, minutes=max(1, (wait + 59) // 60))
        response.headers["Retry-After"] = str(wait)
        return response
    made = await service.register(None, values, now)
    raise web.HTTPSeeOther(f"/requests/{made['tracking_no']}?received=1")


@routes.get("/requests/{tracking_no}")
async def status(request: web.Request) -> web.Response:
    raw = request.match_info["tracking_no"]
    if normal_tracking_no(raw) is None:
        raise not_found("request")
    found = await request.app[keys.REQUESTS].public_status(raw, request.app[keys.CLOCK]())
    return _page(request, "portal/request_status.html", r=found, received=request.query.get("received") == "1")


def setup_requests(app: web.Application) -> None:
    app.router.add_routes(routes)
