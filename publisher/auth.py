"""Who is calling: a bearer token or the session cookie, resolved once per request.

Also what every sign-in shares (API and staff pages alike): the login throttle (in the
database, publisher.services.login_throttle), the audit of sign-ins and sign-outs, and
the same-origin check that keeps a session cookie from being used by another site's
form or script.
"""

from __future__ import annotations

import base64
import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import structlog
from aiohttp import web
from aiohttp_session import Session
from aiohttp_session.cookie_storage import EncryptedCookieStorage

from publisher import keys
from publisher.errors import ApiError, forbidden, unauthorized
from publisher.passwords import HashingBusy
from publisher.remote import client_address
from publisher.services import audit, users
from publisher.services.login_throttle import LoginThrottle
from publisher.services.users import Principal
from publisher.settings import ConfigError, Settings, session_key_bytes

log = structlog.get_logger("publisher.auth")

SESSION_COOKIE = "publisher_session"
_PRINCIPAL = "principal"
_SESSION = "session"
CSRF_KEY = "csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
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
        if session.get("token"):
            if request.method not in SAFE_METHODS and not same_origin(request):
                # A cookie rides along with another site's form post; a bearer token cannot.
                log.warning("cross-site request refused", path=request.path, origin=request.headers.get("Origin"),
                            fetch_site=request.headers.get("Sec-Fetch-Site"), remote=client_address(request))
                raise forbidden("cross-site request refused", code="cross_site")
            # The cookie carries a token: logout and the user's epoch end it like any token.
            found = await users.principal_for_token(app[keys.DB], session["token"], now)
    request[_PRINCIPAL] = found
    return found


def same_origin(request: web.Request) -> bool:
    """False when the browser says the request comes from another site.

    Browsers send Sec-Fetch-Site (same-origin / same-site / cross-site / none) and, on
    POST, Origin. A request without either (curl, scripts, old browsers) passes here;
    the staff pages add a per-session token on top.
    """
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    if origin == "null":
        return False
    netloc = urlsplit(origin).netloc
    if netloc == request.host:
        return True
    public = request.app[keys.SETTINGS].server.public_url
    return bool(public) and netloc == urlsplit(public).netloc


async def require_staff(request: web.Request, *roles: str) -> Principal:
    """401 when nobody is signed in; 403 when `roles` are given and none is held."""
    who = await principal(request)
    if who is None:
        raise unauthorized("sign in first: POST /api/v1/auth/login, then send the token as Authorization: Bearer")
    if roles and not who.has(*roles):
        raise forbidden(f"this needs the role {' or '.join(repr(r) for r in roles)}")
    return who


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
        request[_SESSION] = await request.app[SESSIONS].load_session(request)
    return request[_SESSION]


def is_https(request: web.Request) -> bool:
    """Served over HTTPS: directly, or behind a proxy when server.public_url says https."""
    public = request.app[keys.SETTINGS].server.public_url or ""
    return request.secure or public.startswith("https://")


async def save_session(request: web.Request, response: web.StreamResponse, session: Session) -> None:
    """Write the session cookie: HttpOnly, SameSite=Lax, and Secure over HTTPS."""
    await request.app[SESSIONS].save_session(request, response, session)
    morsel = response.cookies.get(SESSION_COOKIE)
    if morsel is not None and is_https(request):
        morsel["secure"] = True


def csrf_token(session: Session) -> str:
    """The session's anti-forgery token, made on first use (the caller saves a new session)."""
    token = session.get(CSRF_KEY)
    if not token:
        token = session[CSRF_KEY] = secrets.token_urlsafe(32)
    return token


SESSION_HOURS = 12


async def start_session(request: web.Request, response: web.StreamResponse, who: Principal,
                        token: str | None = None) -> None:
    """Sign the browser in: an encrypted cookie holding a token (`token`, shared with an
    API login, or a new one that lasts as long as the cookie) and a fresh anti-forgery
    token (a new session on every sign-in, so a session planted before the sign-in is
    worth nothing after it). Logout deletes the token, so a copied cookie dies with it."""
    app = request.app
    if token is None:
        token = await users.issue_token(app[keys.DB], who, app[keys.CLOCK](), timedelta(hours=SESSION_HOURS))
    storage = app[SESSIONS]
    session = await storage.new_session()
    session["token"] = token
    csrf_token(session)
    request[_SESSION] = session
    request[_PRINCIPAL] = who
    await save_session(request, response, session)


# -- sign-in ------------------------------------------------------------------------------


class LoginThrottled(ApiError):
    def __init__(self, retry_after: int) -> None:
        super().__init__(429, "too_many_attempts", f"too many failed sign-ins; try again in {retry_after} s",
                         [{"field": "(sign-in)", "message": "too many failed sign-ins", "type": "throttled",
                           "retry_after": retry_after}])
        self.retry_after = retry_after


THROTTLE: web.AppKey[LoginThrottle] = web.AppKey("login_throttle", LoginThrottle)


async def sign_in(request: web.Request, username: str, password: str) -> Principal:
    """Check a username and password for the API and the staff pages alike: 429 while
    the name or the address must pause (counted before the password is checked), 401
    (one message for any bad pair), else the principal. Every outcome is audited with
    the client address, never with the password."""
    app = request.app
    db = app[keys.DB]
    address = client_address(request)
    now = app[keys.CLOCK]()
    wait = await app[THROTTLE].attempt(username, address, now)
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
    await app[THROTTLE].succeeded(username, address)
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


def setup_sessions(app: web.Application) -> None:
    app[SESSIONS] = EncryptedCookieStorage(
        _session_key(app[keys.SETTINGS]), cookie_name=SESSION_COOKIE, httponly=True, samesite="Lax",
        max_age=SESSION_HOURS * 3600
    )
    app[THROTTLE] = LoginThrottle(app[keys.DB])
