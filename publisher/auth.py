"""Who is calling: a bearer token or the session cookie, resolved once per request.

Also the two guards every sign-in shares (API and staff pages alike): the per-address
login throttle, and the same-origin check that keeps a session cookie from being used
by another site's form or script.
"""

from __future__ import annotations

import base64
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import structlog
from aiohttp import web
from aiohttp_session import Session
from aiohttp_session.cookie_storage import EncryptedCookieStorage

from publisher import keys
from publisher.errors import ApiError, forbidden, unauthorized
from publisher.services import users
from publisher.services.users import Principal
from publisher.settings import Settings

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
        if "uid" in session:
            if request.method not in SAFE_METHODS and not same_origin(request):
                # A cookie rides along with another site's form post; a bearer token cannot.
                log.warning("cross-site request refused", path=request.path, origin=request.headers.get("Origin"),
                            fetch_site=request.headers.get("Sec-Fetch-Site"), remote=request.remote)
                raise forbidden("cross-site request refused", code="cross_site")
            found = await users.principal_by_id(app[keys.DB], session["uid"], session.get("epoch", 0))
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


async def start_session(request: web.Request, response: web.StreamResponse, who: Principal) -> None:
    """Sign the browser in: an encrypted cookie holding the user id, the session epoch
    and a fresh anti-forgery token (a new session on every sign-in, so a session id
    planted before the sign-in is worth nothing after it)."""
    storage = request.app[SESSIONS]
    session = await storage.new_session()
    session["uid"] = who.id
    session["epoch"] = who.epoch
    csrf_token(session)
    request[_SESSION] = session
    request[_PRINCIPAL] = who
    await save_session(request, response, session)


async def end_session(request: web.Request, response: web.StreamResponse) -> None:
    session = await load_session(request)
    session.invalidate()
    await save_session(request, response, session)


# -- sign-in throttle ---------------------------------------------------------------------

FREE_FAILURES = 5
FIRST_PAUSE = timedelta(seconds=15)
MAX_PAUSE = timedelta(minutes=15)
FORGET_AFTER = timedelta(minutes=15)
_MAX_ADDRESSES = 50_000


@dataclass(slots=True)
class _Failures:
    count: int
    last: datetime


class LoginThrottled(ApiError):
    def __init__(self, retry_after: int) -> None:
        super().__init__(429, "too_many_attempts", f"too many failed sign-ins from this address; try again in {retry_after} s",
                         [{"field": "(address)", "message": "too many failed sign-ins", "type": "throttled",
                           "retry_after": retry_after}])
        self.retry_after = retry_after


class LoginThrottle:
    """Failed sign-ins per client address, in memory (one instance's view is enough to
    slow a guesser down: each instance behind a balancer holds its own count).

    The first FREE_FAILURES failures cost nothing; after that the address must pause
    before its next attempt, 15 s doubling up to 15 min. An attempt during the pause is
    refused without checking the password. A success, or FORGET_AFTER without a
    failure, clears the address."""

    def __init__(self) -> None:
        self.failures: dict[str, _Failures] = {}

    def wait(self, address: str, now: datetime) -> int:
        """Seconds this address must still wait (0: it may try now)."""
        entry = self.failures.get(address)
        if entry is None:
            return 0
        if now - entry.last >= FORGET_AFTER:
            del self.failures[address]
            return 0
        if entry.count < FREE_FAILURES:
            return 0
        pause = min(FIRST_PAUSE * 2 ** (entry.count - FREE_FAILURES), MAX_PAUSE)
        left = (entry.last + pause - now).total_seconds()
        return max(0, int(-(-left // 1)))

    def failed(self, address: str, now: datetime) -> int:
        entry = self.failures.get(address)
        if entry is None or now - entry.last >= FORGET_AFTER:
            if len(self.failures) >= _MAX_ADDRESSES:
                self._prune(now)
            entry = self.failures[address] = _Failures(0, now)
        entry.count += 1
        entry.last = now
        return entry.count

    def succeeded(self, address: str) -> None:
        self.failures.pop(address, None)

    def _prune(self, now: datetime) -> None:
        self.failures = {a: f for a, f in self.failures.items() if now - f.last < FORGET_AFTER}
        if len(self.failures) >= _MAX_ADDRESSES:
            self.failures.clear()


THROTTLE: web.AppKey[LoginThrottle] = web.AppKey("login_throttle", LoginThrottle)


async def sign_in(request: web.Request, username: str, password: str) -> Principal:
    """Check a username and password for the API and the staff pages alike: 429 while
    the address must pause, 401 (one message for any bad pair), else the principal."""
    app = request.app
    throttle = app[THROTTLE]
    address = request.remote or "unknown"
    now = app[keys.CLOCK]()
    wait = throttle.wait(address, now)
    if wait:
        log.warning("login throttled", username=username, remote=address, retry_after=wait)
        raise LoginThrottled(wait)
    who = await users.authenticate(app[keys.DB], username, password)
    if who is None:
        count = throttle.failed(address, now)
        log.warning("login refused", username=username, remote=address, failures=count)
        raise unauthorized("wrong username or password")
    throttle.succeeded(address)
    log.info("login", username=who.username, remote=address)
    return who


def setup_sessions(app: web.Application) -> None:
    app[SESSIONS] = EncryptedCookieStorage(
        _session_key(app[keys.SETTINGS]), cookie_name=SESSION_COOKIE, httponly=True, samesite="Lax", max_age=12 * 3600
    )
    app[THROTTLE] = LoginThrottle()
