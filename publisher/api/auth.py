"""POST /api/v1/auth/login and /logout."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import structlog
from aiohttp import web
from aiohttp_session import get_session, new_session
from pydantic import BaseModel, ConfigDict, Field

from publisher import keys
from publisher.auth import bearer, require_staff
from publisher.errors import unauthorized
from publisher.http import json_body, json_response
from publisher.services import users
from publisher.services.notices import parse

routes = web.RouteTableDef()
log = structlog.get_logger("publisher.auth")


class Login(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: Annotated[str, Field(min_length=1, max_length=64)]
    password: Annotated[str, Field(min_length=1, max_length=256)]


@routes.post("/api/v1/auth/login")
async def login(request: web.Request) -> web.Response:
    body = parse(Login, await json_body(request))
    app = request.app
    who = await users.authenticate(app[keys.DB], body.username, body.password)
    if who is None:
        log.warning("login refused", username=body.username, remote=request.remote)
        raise unauthorized("wrong username or password")
    now = app[keys.CLOCK]()
    token = await users.issue_token(
        app[keys.DB], who, now, timedelta(hours=app[keys.SETTINGS].security.token_ttl_hours)
    )
    session = await new_session(request)
    session["uid"] = who.id
    session["epoch"] = who.epoch
    log.info("login", username=who.username)
    return json_response({"token": token, "user": {"username": who.username, "roles": sorted(who.roles)}})


@routes.post("/api/v1/auth/logout")
async def logout(request: web.Request) -> web.Response:
    await require_staff(request)
    token = bearer(request)
    if token:
        await users.revoke_token(request.app[keys.DB], token)
    session = await get_session(request)
    session.invalidate()
    return json_response({"ok": True})
