"""/staff/requests: the request register (依申請公開) for staff: the list with filters,
registering a request received in person, by post, fax or e-mail, and one request with
its events and the extend and reply forms (reviewers and admins). The rules live in
publisher.services.requests; the applicant's details are shown here and nowhere public."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp import web

from publisher import keys
from publisher.api.requests import DECIDERS
from publisher.domain.disclosure.requests import CHANNELS, OUTCOMES, STATUSES
from publisher.errors import ApiError
from publisher.http.params import int_param, path_id
from publisher.web import request_labels as labels
from publisher.web.forms import LOCAL_INPUT, localize
from publisher.web.i18n import N_
from publisher.web.pages import form, render, see_other, staff_page, translator, who

routes = web.RouteTableDef()
DONE = {"registered": N_("已登記申請。"), "extended": N_("已延長答覆期限。"), "replied": N_("已答覆並結案。")}
CONFLICTS = {"already_extended": N_("這項申請已經延長過一次；依法只能延長一次。"),
             "already_replied": N_("這項申請已經答覆，不能再變更。")}
NOT_LIVE = N_("這個編號的公告不存在或沒有上線；只能連結已上線的公告。")
NEW_FIELDS = ("received_at", "channel", "applicant.kind", "applicant.name", "applicant.contact", "description")


def _errors(err: ApiError, request: web.Request, allowed: tuple[str, ...]) -> dict[str, str]:
    """{form field: message in the page's language}; refusals that are not about a field
    (409: extended or answered already) go to the first field."""
    t = translator(request)
    if err.status == 409:
        return {allowed[0]: t(CONFLICTS[err.code]) if err.code in CONFLICTS else err.message}
    if err.code == "notice_not_live":
        return {"notice_id": t(NOT_LIVE)}
    out: dict[str, str] = {}
    for d in err.details or [{"field": allowed[0], "message": err.message, "type": err.code}]:
        name = str(d.get("field", ""))
        out.setdefault(name if name in allowed else allowed[0], localize(d, name, t))
    return out


def _base(request: web.Request) -> dict[str, Any]:
    t = translator(request)
    done = request.query.get("done")
    return {"labels": labels, "channels": CHANNELS, "statuses": STATUSES, "outcomes": OUTCOMES,
            "done": t(DONE[done]) if done in DONE else None}


@routes.get("/staff/requests")
@staff_page()
async def register_page(request: web.Request) -> web.StreamResponse:
    q = request.query
    status = q.get("status") or None
    if status is not None and status not in STATUSES:
        raise ApiError(422, "validation_failed", f"invalid status: must be one of {', '.join(STATUSES)}")
    overdue = q.get("overdue") == "1" or None
    year = int_param(request, "year", None, 2004, 2200)
    app = request.app
    page = await app[keys.REQUESTS].page(app[keys.CLOCK](), status=status, overdue=overdue, year=year, limit=50,
                                         cursor=int_param(request, "cursor", None, 1, 2**62))
    return await render(request, "staff/requests.html", {
        **_base(request), "page": page, "filters": {"status": status or "", "overdue": bool(overdue),
                                                    "year": str(year) if year else ""},
    })


async def _new_page(request: web.Request, values: dict[str, str], errors: dict[str, str] | None = None,
                    status: int = 200) -> web.Response:
    return await render(request, "staff/request_new.html", {**_base(request), "values": values,
                                                            "errors": errors or {}}, status=status)


@routes.get("/staff/requests/new")
@staff_page()
async def new_page(request: web.Request) -> web.StreamResponse:
    now = request.app[keys.CLOCK]().astimezone(request.app[keys.SETTINGS].tz)
    return await _new_page(request, {**dict.fromkeys(NEW_FIELDS, ""), "received_at": now.strftime(LOCAL_INPUT),
                                     "channel": "in_person"})


@routes.post("/staff/requests/new")
@staff_page()
async def register(request: web.Request) -> web.StreamResponse:
    data = form(request)
    values = {name: str(data.get(name, "")) for name in NEW_FIELDS}
    try:
        local = datetime.strptime(values["received_at"], LOCAL_INPUT)
        received_at = local.replace(tzinfo=request.app[keys.SETTINGS].tz).isoformat()
    except ValueError:
        received_at = values["received_at"]  # refused by the service, naming the field
    body = {"received_at": received_at, "channel": values["channel"], "description": values["description"],
            "applicant": {"kind": values["applicant.kind"], "name": values["applicant.name"],
                          "contact": values["applicant.contact"]}}
    app = request.app
    try:
        made = await app[keys.REQUESTS].register(who(request), body, app[keys.CLOCK]())
    except ApiError as err:
        if err.status != 422:
            raise
        return await _new_page(request, values, _errors(err, request, NEW_FIELDS), status=422)
    see_other(f"/staff/requests/{made['id']}?done=registered")


async def _detail(request: web.Request, rid: int, status: int = 200, **extra: Any) -> web.Response:
    app = request.app
    item = await app[keys.REQUESTS].get(rid, app[keys.CLOCK]())
    context = {**_base(request), "r": item, "may_decide": who(request).has(*DECIDERS), "errors": {},
               "values": {"reason": "", "outcome": "", "text": "", "notice_id": ""}, **extra}
    return await render(request, "staff/request.html", context, status=status)


@routes.get("/staff/requests/{id}")
@staff_page()
async def detail(request: web.Request) -> web.StreamResponse:
    return await _detail(request, path_id(request, "request"))


@routes.post("/staff/requests/{id}/extend")
@staff_page(*DECIDERS)
async def extend(request: web.Request) -> web.StreamResponse:
    rid = path_id(request, "request")
    reason = str(form(request).get("reason", ""))
    app = request.app
    try:
        await app[keys.REQUESTS].extend(who(request), rid, {"reason": reason}, app[keys.CLOCK]())
    except ApiError as err:
        if err.status not in (409, 422):
            raise
        return await _detail(request, rid, status=err.status, errors=_errors(err, request, ("reason",)),
                             values={"reason": reason, "outcome": "", "text": "", "notice_id": ""})
    see_other(f"/staff/requests/{rid}?done=extended")


@routes.post("/staff/requests/{id}/reply")
@staff_page(*DECIDERS)
async def reply(request: web.Request) -> web.StreamResponse:
    rid = path_id(request, "request")
    data = form(request)
    values = {"reason": "", **{name: str(data.get(name, "")).strip() for name in ("outcome", "text", "notice_id")}}
    body: dict[str, Any] = {"outcome": values["outcome"], "text": values["text"]}
    if values["notice_id"]:
        raw = values["notice_id"].lstrip("#")
        body["notice_id"] = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 12 else raw
    app = request.app
    try:
        await app[keys.REQUESTS].reply(who(request), rid, body, app[keys.CLOCK]())
    except ApiError as err:
        if err.status not in (409, 422):
            raise
        return await _detail(request, rid, status=err.status, values=values,
                             errors=_errors(err, request, ("outcome", "text", "notice_id")))
    see_other(f"/staff/requests/{rid}?done=replied")
