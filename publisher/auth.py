"""Who is calling: a bearer token or the session cookie, resolved once per request."""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

from aiohttp import web
from aiohttp_session import Session
from aiohttp_session.cookie_storage import EncryptedCookieStorage

from publisher import keys
from publisher.errors import forbidden, unauthorized
from publisher.services import users
from publisher.services.users import Principal
from publisher.settings import Settings

SESSION_COOKIE = "publisher_session"
_PRINCIPAL = "principal"
# Sessions are read and written by the staff code that needs them, not by a
# middleware: a middleware would run on every device poll too, for nothing.
SESSIONS: web.AppKey[EncryptedCookieStorage] = web.AppKey("sessions", EncryptedCookieStorage)


def bearer(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return None


async def principal(request: web.Request) -> Principal | None:
    if _PRINCIPAL in request:
        return request[_PRINCIPAL]
    app = request.app
    now = app[keys.CLOCK]()
    found: Principal | None = None
    token = bearer(request)
    if token:
        found = await users.principal_for_token(app[keys.DB], token, now)
    else:
        session = await load_session(request)
        if "uid" in session:
            found = await users.principal_by_id(app[keys.DB], session["uid"], session.get("epoch", 0))
    request[_PRINCIPAL] = found
    return found


async def require_staff(request: web.Request, *roles: str) -> Principal:
    """401 when nobody is signed in; 403 when `roles` are given and none is held."""
    who = await principal(request)
    if who is None:
        raise unauthorized("sign in first: POST /api/v1/auth/login, then send the token as Authorization: Bearer")
    if roles and not who.has(*roles):
        raise forbidden(f"this needs the role {' or '.join(repr(r) for r in roles)}")
    return who


def _session_key(settings: Settings) -> bytes:
    """32 bytes: from config, else generated once and kept beside the database."""
    if settings.security.session_secret:
        return base64.urlsafe_b64decode(settings.security.session_secret.encode() + b"==")[:32].ljust(32, b"\0")
    path = Path(settings.data_dir) / "session.key"
    if path.exists():
        return base64.urlsafe_b64decode(path.read_bytes().strip())
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(base64.urlsafe_b64encode(key))
    return key


async def load_session(request: web.Request) -> Session:
    return await request.app[SESSIONS].load_session(request)


async def start_session(request: web.Request, response: web.StreamResponse, who: Principal) -> None:
    """Sign the browser in: an encrypted cookie holding the user id and session epoch."""
    storage = request.app[SESSIONS]
    session = await storage.new_session()
    session["uid"] = who.id
    session["epoch"] = who.epoch
    await storage.save_session(request, response, session)


async def end_session(request: web.Request, response: web.StreamResponse) -> None:
    storage = request.app[SESSIONS]
    session = await storage.load_session(request)
    session.invalidate()
    await storage.save_session(request, response, session)


def setup_sessions(app: web.Application) -> None:
    app[SESSIONS] = EncryptedCookieStorage(
        _session_key(app[keys.SETTINGS]), cookie_name=SESSION_COOKIE, httponly=True, samesite="Lax", max_age=12 * 3600
    )
