"""Security headers for every HTML page, and the anti-forgery check of staff forms.

Headers go on text/html answers only (the portal, the kiosk page, the staff pages and
error pages): device feeds are untouched, and a feed poll pays one header look-up.
A page that needs a different policy sets its own header first; it is kept.
"""

from __future__ import annotations

import hmac

import structlog
from aiohttp import web

from publisher.auth.same_origin import same_origin
from publisher.auth.sessions import CSRF_KEY, load_session
from publisher.errors import ApiError

log = structlog.get_logger("publisher.web")

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"

# 'self' only: no inline scripts or styles, no other origins, no framing.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
HTML_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """Add the headers to an HTML answer (called by every route's wrapper, see
    publisher.keys.HTML_HOOKS)."""
    content_type = response.headers.get("Content-Type")
    if content_type is None or not content_type.startswith("text/html"):
        return
    headers = response.headers
    for name, value in HTML_HEADERS.items():
        if name not in headers:
            headers[name] = value
    if request.path.startswith("/staff/") and "Cache-Control" not in headers:
        # Staff pages hold unpublished drafts: keep them out of shared and back/forward caches.
        headers["Cache-Control"] = "no-store"


def cross_site_refusal() -> ApiError:
    return ApiError(403, "cross_site", "cross-site request refused")


async def check_form(request: web.Request, sent: str | None) -> None:
    """A state-changing request from a staff page: same origin, and the session's token."""
    if not same_origin(request):
        log.warning("cross-site form refused", path=request.path, origin=request.headers.get("Origin"),
                    fetch_site=request.headers.get("Sec-Fetch-Site"), remote=request.remote)
        raise cross_site_refusal()
    session = await load_session(request)
    expected = session.get(CSRF_KEY)
    sent = sent or request.headers.get(CSRF_HEADER)
    if not expected or not sent or not hmac.compare_digest(str(expected), sent):
        log.warning("form without a valid token refused", path=request.path, remote=request.remote)
        raise ApiError(403, "csrf_failed", "this form has expired or did not come from this site; reload the page")
