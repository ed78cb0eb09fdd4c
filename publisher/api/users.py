"""Staff accounts: create, list, change roles or disable (admins), and one's own
password. The rules live in publisher.services.users."""

from __future__ import annotations

from aiohttp import web

from publisher import keys
from publisher.auth.identity import require_staff
from publisher.errors import ApiError
from publisher.http.json_io import json_body, json_response
from publisher.remote import client_address
from publisher.services import users

routes = web.RouteTableDef()


def _username(request: web.Request) -> str:
    name = request.match_info["username"]
    if not 1 <= len(name) <= 64:
        raise ApiError(404, "not_found", "user not found")
    return name


@routes.post("/api/v1/users")
async def create(request: web.Request) -> web.Response:
    who = await require_staff(request, "admin")
    app = request.app
    made = await users.create_user(app[keys.DB], who, await json_body(request), app[keys.SETTINGS],
                                   app[keys.CLOCK](), client_address(request))
    account = await users.get_user(app[keys.DB], who, made.id)
    return json_response(users.account_json(account, app[keys.SETTINGS].tz), status=201,
                         headers={"Location": f"/api/v1/users/{made.username}"})


@routes.get("/api/v1/users")
async def list_users(request: web.Request) -> web.Response:
    who = await require_staff(request, "admin")
    tz = request.app[keys.SETTINGS].tz
    accounts = await users.list_users(request.app[keys.DB], who)
    return json_response({"items": [users.account_json(a, tz) for a in accounts]})


# Registered before /{username} so that "me" is never taken for a name.
@routes.post("/api/v1/users/me/password")
async def change_password(request: web.Request) -> web.Response:
    """Every session and token of the caller ends, this one too: sign in again."""
    who = await require_staff(request)
    app = request.app
    await users.change_own_password(app[keys.DB], who, await json_body(request), app[keys.CLOCK](),
                                    client_address(request))
    return json_response({"ok": True, "signed_out": True})


@routes.patch("/api/v1/users/{username}")
async def patch(request: web.Request) -> web.Response:
    who = await require_staff(request, "admin")
    app = request.app
    account = await users.update_user(app[keys.DB], who, _username(request), await json_body(request),
                                      app[keys.SETTINGS], app[keys.CLOCK](), client_address(request))
    return json_response(users.account_json(account, app[keys.SETTINGS].tz))
