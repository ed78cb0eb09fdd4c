"""Same-origin: a session cookie rides along with another site's form post, a bearer
token cannot; so a cookie-authenticated write must come from our own pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from aiohttp import web

from publisher import keys

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


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
