"""The staff session: an encrypted cookie (aiohttp-session) holding a token from the
database, so that logout, a password change or a disabled account ends it like any
token; its key (config or generated once, mode 0600); the anti-forgery token."""

from __future__ import annotations

import base64
import os
import secrets
from datetime import timedelta
from pathlib import Path

from aiohttp import web
from aiohttp_session import Session
from aiohttp_session.cookie_storage import EncryptedCookieStorage

from publisher import keys
from publisher.services import users
from publisher.services.users import Principal
from publisher.settings import ConfigError, Settings, session_key_bytes

SESSION_COOKIE = "publisher_session"
SESSION_HOURS = 12
CSRF_KEY = "csrf"
# Per-request caches (request keys): the principal and the decrypted session.
PRINCIPAL: web.RequestKey[Principal | None] = web.RequestKey("principal", object)  # type: ignore[arg-type]
_SESSION: web.RequestKey[Session] = web.RequestKey("session", Session)


def _session_key(settings: Settings) -> bytes:
    """32 bytes: from config (checked there), else generated once into the data folder
    with mode 0600 and read from there on every later start."""
    if settings.security.session_secret:
        key = session_key_bytes(settings.security.session_secret)
        assert key is not None  # the settings model refused anything else
        return key
    path = Path(settings.data_dir) / "session.key"
    if path.exists():
        key = session_key_bytes(path.read_text("ascii", errors="replace"))
        if key is None:
            raise ConfigError(f"security.session_secret: the generated key file {path} is damaged; "
                              "delete it to have a new one made (everyone signs in again)")
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(base64.urlsafe_b64encode(key))
    return key


async def load_session(request: web.Request) -> Session:
    """The request's session (decrypted once per request)."""
    if _SESSION not in request:
        request[_SESSION] = await request.app[keys.SESSIONS].load_session(request)
    return request[_SESSION]


def is_https(request: web.Request) -> bool:
    """Served over HTTPS: directly, or behind a proxy when server.public_url says https."""
    public = request.app[keys.SETTINGS].server.public_url or ""
    return request.secure or public.startswith("https://")


async def save_session(request: web.Request, response: web.StreamResponse, session: Session) -> None:
    """Write the session cookie: HttpOnly, SameSite=Lax, and Secure over HTTPS."""
    await request.app[keys.SESSIONS].save_session(request, response, session)
    morsel = response.cookies.get(SESSION_COOKIE)
    if morsel is not None and is_https(request):
        morsel["secure"] = True


def csrf_token(session: Session) -> str:
    """The session's anti-forgery token, made on first use (the caller saves a new session)."""
    token = session.get(CSRF_KEY)
    if not token:
        token = session[CSRF_KEY] = secrets.token_urlsafe(32)
    return token


async def start_session(request: web.Request, response: web.StreamResponse, who: Principal,
                        token: str | None = None) -> None:
    """Sign the browser in: an encrypted cookie holding a token (`token`, shared with an
    API login, or a new one that lasts as long as the cookie) and a fresh anti-forgery
    token (a new session on every sign-in, so a session planted before the sign-in is
    worth nothing after it). Logout deletes the token, so a copied cookie dies with it."""
    app = request.app
    if token is None:
        token = await users.issue_token(app[keys.DB], who, app[keys.CLOCK](), timedelta(hours=SESSION_HOURS))
    storage = app[keys.SESSIONS]
    session = await storage.new_session()
    session["token"] = token
    csrf_token(session)
    request[_SESSION] = session
    request[PRINCIPAL] = who
    await save_session(request, response, session)


def setup_sessions(app: web.Application) -> None:
    app[keys.SESSIONS] = EncryptedCookieStorage(
        _session_key(app[keys.SETTINGS]), cookie_name=SESSION_COOKIE, httponly=True, samesite="Lax",
        max_age=SESSION_HOURS * 3600
    )
