"""POST /api/v1/auth/login and /logout."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import structlog
from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from publisher import keys
from publisher.auth.identity import require_staff
from publisher.auth.same_origin import same_origin
from publisher.auth.sessions import start_session
from publisher.auth.sign_in import LoginThrottled, sign_in, sign_out
from publisher.errors import forbidden
from publisher.http.json_io import json_body, json_response
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
    if not same_origin(request):  # another site's page signing this browser in
        raise forbidden("cross-site request refused", code="cross_site")
    body = parse(Login, await json_body(request))
    app = request.app
    try:
        who = await sign_in(request, body.username, body.password)
    except LoginThrottled as exc:
        return json_response(exc.body(), status=429, headers={"Retry-After": str(exc.retry_after)})
    now = app[keys.CLOCK]()
    token = await users.issue_token(
        app[keys.DB], who, now, timedelta(hours=app[keys.SETTINGS].security.token_ttl_hours)
    )
    response = json_response({"token": token, "user": {"username": who.username, "roles": sorted(who.roles)}})
    # The cookie carries the same token, so logging out with either ends both.
    await start_session(request, response, who, token)
    return response


@routes.post("/api/v1/auth/logout")
async def logout(request: web.Request) -> web.Response:
    await require_staff(request)
    response = json_response({"ok": True})
    await sign_out(request, response)
    return response
