"""/staff/password (anyone signed in): change one's own password; and /staff/audit
(admins): the audit trail. Both call the same services as the API."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from publisher import keys
from publisher.errors import ApiError
from publisher.http.params import int_param
from publisher.remote import client_address
from publisher.services import audit, users
from publisher.web.forms import localize
from publisher.web.i18n import N_
from publisher.web.pages import (
    LOGIN,
    explain,
    form,
    render,
    see_other,
    staff_page,
    translator,
    who,
)

routes = web.RouteTableDef()

ACTION_NAMES = {
    "login": N_("登入"), "login_failed": N_("登入失敗"), "login_throttled": N_("登入暫停（失敗過多）"),
    "logout": N_("登出"),
    "user_created": N_("新增使用者"), "roles_changed": N_("變更角色"), "user_disabled": N_("停用帳號"),
    "user_enabled": N_("啟用帳號"), "password_changed": N_("變更密碼"), "sessions_ended": N_("結束所有登入"),
    "device_added": N_("登記裝置"), "device_revoked": N_("撤銷裝置"), "device_declared": N_("設定檔宣告裝置"),
    "notice_withdrawn": N_("撤回公告"),
}


async def _password_page(request: web.Request, status: int = 200, errors: dict[str, str] | None = None) -> web.Response:
    return await render(request, "staff/password.html", {"errors": errors or {}}, status=status)


@routes.get("/staff/password")
@staff_page()
async def password_page(request: web.Request) -> web.StreamResponse:
    return await _password_page(request)


@routes.post("/staff/password")
@staff_page()
async def change_password(request: web.Request) -> web.StreamResponse:
    data = form(request)
    app = request.app
    try:
        await users.change_own_password(app[keys.DB], who(request), {"current": data.get("current", ""),
                                        "new": data.get("new", "")}, app[keys.CLOCK](), client_address(request))
    except ApiError as err:
        if err.status not in (403, 422):
            raise
        t = translator(request)
        errors: dict[str, str] = {}
        for d in err.details or [{"field": "current", "message": err.message, "type": err.code}]:
            name = str(d.get("field", "")).split(".")[0]
            name = name if name in ("current", "new") else "current"
            errors.setdefault(name, t("目前的密碼不正確。") if err.code == "wrong_password" else localize(d, name, t))
        return await _password_page(request, status=err.status, errors=errors)
    # every session ended, this one too: sign in again with the new password
    see_other(f"{LOGIN}?done=password")


@routes.get("/staff/audit")
@staff_page("admin")
async def audit_page(request: web.Request) -> web.StreamResponse:
    app = request.app
    t = translator(request)
    page = await audit.page(app[keys.DB], app[keys.SETTINGS].tz, since=None, limit=100,
                            cursor=int_param(request, "cursor", None, 1, 2**62))
    names = {k: t(v) for k, v in ACTION_NAMES.items()}
    items: list[dict[str, Any]] = page["items"]
    return await render(request, "staff/audit.html", {
        "items": items, "next_cursor": page["next_cursor"], "action_names": names, "explain": explain,
    })
