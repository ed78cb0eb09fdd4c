"""The principal of a request: a bearer token, else the session cookie's token (refused
on a cross-site write), resolved once per request and cached on it."""

from __future__ import annotations

import structlog
from aiohttp import web

from publisher import keys
from publisher.auth.same_origin import SAFE_METHODS, same_origin
from publisher.auth.sessions import PRINCIPAL, load_session
from publisher.errors import forbidden, unauthorized
from publisher.remote import client_address
from publisher.services import users
from publisher.services.users import Principal

log = structlog.get_logger("publisher.auth")


def bearer(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return None


async def principal(request: web.Request) -> Principal | None:
    if PRINCIPAL in request:
        return request[PRINCIPAL]
    app = request.app
    now = app[keys.CLOCK]()
    found: Principal | None = None
    token = bearer(request)
    if token:
        found = await users.principal_for_token(app[keys.DB], token, now)
    else:
        session = await load_session(request)
        if session.get("token"):
            if request.method not in SAFE_METHODS and not same_origin(request):
                # A cookie rides along with another site's form post; a bearer token cannot.
                log.warning("cross-site request refused", path=request.path, origin=request.headers.get("Origin"),
                            fetch_site=request.headers.get("Sec-Fetch-Site"), remote=client_address(request))
                raise forbidden("cross-site request refused", code="cross_site")
            # The cookie carries a token: logout and the user's epoch end it like any token.
            found = await users.principal_for_token(app[keys.DB], session["token"], now)
    request[PRINCIPAL] = found
    return found


async def require_staff(request: web.Request, *roles: str) -> Principal:
    """401 when nobody is signed in; 403 when `roles` are given and none is held."""
    who = await principal(request)
    if who is None:
        raise unauthorized("sign in first: POST /api/v1/auth/login, then send the token as Authorization: Bearer")
    if roles and not who.has(*roles):
        raise forbidden(f"this needs the role {' or '.join(repr(r) for r in roles)}")
    return who
