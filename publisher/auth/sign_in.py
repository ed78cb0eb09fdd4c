"""Sign-in and sign-out, the same for the API and the staff pages: the attempt is
counted in the database before the password is checked (per name and per address),
argon2 runs off the event loop, and every outcome goes to the audit trail with the
client address, never with the password."""

from __future__ import annotations

import structlog
from aiohttp import web

from publisher import keys
from publisher.auth.identity import bearer, principal
from publisher.auth.sessions import load_session, save_session
from publisher.errors import ApiError, unauthorized
from publisher.passwords import HashingBusy
from publisher.remote import client_address
from publisher.services import audit, users
from publisher.services.login_throttle import LoginThrottle
from publisher.services.users import Principal

log = structlog.get_logger("publisher.auth")


class LoginThrottled(ApiError):
    def __init__(self, retry_after: int) -> None:
        super().__init__(429, "too_many_attempts", f"too many failed sign-ins; try again in {retry_after} s",
                         [{"field": "(sign-in)", "message": "too many failed sign-ins", "type": "throttled",
                           "retry_after": retry_after}])
        self.retry_after = retry_after


async def sign_in(request: web.Request, username: str, password: str) -> Principal:
    """Check a username and password for the API and the staff pages alike: 429 while
    the name or the address must pause (counted before the password is checked), 401
    (one message for any bad pair), else the principal. Every outcome is audited with
    the client address, never with the password."""
    app = request.app
    db = app[keys.DB]
    address = client_address(request)
    now = app[keys.CLOCK]()
    wait = await app[keys.THROTTLE].attempt(username, address, now)
    if wait:
        log.warning("login throttled", remote=address, retry_after=wait)
        await audit.record_now(db, now, "login_throttled", None, username, address, retry_after=wait)
        raise LoginThrottled(wait)
    try:
        who = await users.authenticate(db, username, password, now)
    except HashingBusy:
        raise ApiError(503, "busy", "too many sign-ins at once; try again in a moment") from None
    if who is None:
        log.warning("login refused", remote=address)
        await audit.record_now(db, now, "login_failed", None, username, address)
        raise unauthorized("wrong username or password")
    await app[keys.THROTTLE].succeeded(username, address)
    log.info("login", user_id=who.id, remote=address)
    await audit.record_now(db, now, "login", who.username, who.username, address)
    return who


async def sign_out(request: web.Request, response: web.StreamResponse) -> None:
    """End the sign-in this request was made with: its bearer token, and the session
    cookie's token (after an API login both are one token, so both end)."""
    app = request.app
    who = await principal(request)
    token = bearer(request)
    if token:
        await users.revoke_token(app[keys.DB], token)
    session = await load_session(request)
    if session.get("token"):
        await users.revoke_token(app[keys.DB], session["token"])
    session.invalidate()
    await save_session(request, response, session)
    if who is not None:
        await audit.record_now(app[keys.DB], app[keys.CLOCK](), "logout", who.username, who.username,
                               client_address(request))


def setup_sign_in(app: web.Application) -> None:
    """The login throttle, shared by the API's and the staff pages' sign-in."""
    app[keys.THROTTLE] = LoginThrottle(app[keys.DB])
