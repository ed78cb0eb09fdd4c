"""/staff/users (admins): add a person, set roles, disable, reset a password, and sign
someone out everywhere. The rules live in publisher.services.users."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from publisher import keys
from publisher.errors import ApiError
from publisher.remote import client_address
from publisher.services import users
from publisher.web.forms import localize
from publisher.web.i18n import N_
from publisher.web.pages import (
    explain,
    form,
    render,
    see_other,
    staff_page,
    translator,
    who,
)

routes = web.RouteTableDef()

DONE = {"added": N_("已新增使用者。"), "roles": N_("角色已更新。"), "disabled": N_("帳號已停用，其所有登入已結束。"),
        "enabled": N_("帳號已啟用。"), "password": N_("密碼已重設，其所有登入已結束。"),
        "signed_out": N_("已結束這位使用者的所有登入。")}
ROLE_NAMES = {"editor": N_("編輯（撰寫公告）"), "reviewer": N_("審核人"), "admin": N_("管理員")}


def user_id(request: web.Request) -> int:
    raw = request.match_info["id"]
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
        raise ApiError(404, "not_found", f"user {raw!r} not found")
    return int(raw)


def _errors(err: ApiError, request: web.Request, allowed: tuple[str, ...]) -> dict[str, str]:
    t = translator(request)
    if err.status == 409:  # a duplicate name, or an admin locking themselves out
        return {allowed[0]: explain(err, t)}
    out: dict[str, str] = {}
    for d in err.details or [{"field": allowed[0], "message": err.message, "type": err.code}]:
        name = str(d.get("field", "")).split(".")[0]
        out.setdefault(name if name in allowed else allowed[0], localize(d, name, t))
    return out


async def _list(request: web.Request, status: int = 200, **extra: Any) -> web.Response:
    app = request.app
    t = translator(request)
    people = await users.list_users(app[keys.DB], who(request))
    roles = sorted(users.known_roles(app[keys.SETTINGS]))
    done = request.query.get("done")
    return await render(request, "staff/users.html", {
        "people": people, "roles": roles, "role_names": {r: t(ROLE_NAMES[r]) if r in ROLE_NAMES else r for r in roles},
        "done": t(DONE[done]) if done in DONE else None, "values": {"username": "", "roles": []}, "errors": {},
        **extra,
    }, status=status)


@routes.get("/staff/users")
@staff_page("admin")
async def list_page(request: web.Request) -> web.StreamResponse:
    return await _list(request)


@routes.post("/staff/users")
@staff_page("admin")
async def add(request: web.Request) -> web.StreamResponse:
    data = form(request)
    values = {"username": data.get("username", "").strip(), "roles": data.getall("roles", [])}
    app = request.app
    try:
        await users.create_user(app[keys.DB], who(request), {**values, "password": data.get("password", "")},
                                app[keys.SETTINGS], app[keys.CLOCK](), client_address(request))
    except ApiError as err:
        if err.status not in (409, 422):
            raise
        return await _list(request, status=err.status, values=values,
                           errors=_errors(err, request, ("username", "password", "roles")))
    see_other("/staff/users?done=added")


async def _person_page(request: web.Request, uid: int, status: int = 200, **extra: Any) -> web.Response:
    app = request.app
    t = translator(request)
    person = await users.get_user(app[keys.DB], who(request), uid)
    roles = sorted(users.known_roles(app[keys.SETTINGS]))
    done = request.query.get("done")
    return await render(request, "staff/user.html", {
        "person": person, "roles": roles, "role_names": {r: t(ROLE_NAMES[r]) if r in ROLE_NAMES else r for r in roles},
        "done": t(DONE[done]) if done in DONE else None, "errors": {}, **extra,
    }, status=status)


@routes.get("/staff/users/{id}")
@staff_page("admin")
async def person_page(request: web.Request) -> web.StreamResponse:
    return await _person_page(request, user_id(request))


@routes.post("/staff/users/{id}")
@staff_page("admin")
async def change(request: web.Request) -> web.StreamResponse:
    uid = user_id(request)
    data = form(request)
    action = data.get("action", "")
    db, me = request.app[keys.DB], who(request)
    now, remote = request.app[keys.CLOCK](), client_address(request)
    try:
        if action == "roles":
            await users.set_roles(db, me, uid, {"roles": data.getall("roles", [])}, request.app[keys.SETTINGS],
                                 now, remote)
            done = "roles"
        elif action in ("disable", "enable"):
            await users.set_disabled(db, me, uid, action == "disable", now, remote)
            done = "disabled" if action == "disable" else "enabled"
        elif action == "password":
            await users.reset_password(db, me, uid, {"password": data.get("password", "")}, now, remote)
            done = "password"
        elif action == "sign_out":
            await users.end_sessions(db, me, uid, now, remote)
            done = "signed_out"
        else:
            raise ApiError(422, "validation_failed", "unknown action")
    except ApiError as err:
        if err.status not in (409, 422):
            raise
        field = {"roles": "roles", "password": "password"}.get(action, "_form")
        return await _person_page(request, uid, status=err.status, errors=_errors(err, request, (field,)))
    see_other(f"/staff/users/{uid}?done={done}")
