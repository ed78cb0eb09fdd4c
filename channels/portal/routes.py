"""The public portal: current notices, the disclosure catalog, notice pages, search, Atom.

Every page is rendered from the in-memory live set, never from a query, so nothing
unapproved can reach it and a busy day costs no database load.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from channels.portal import select
from publisher import keys
from publisher.errors import not_found

routes = web.RouteTableDef()
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
STATIC = Path(__file__).parent / "static"


def _context(request: web.Request, **extra: Any) -> dict[str, Any]:
    settings = request.app[keys.SETTINGS]
    now = request.app[keys.CLOCK]()
    tz = settings.tz

    def local(value: datetime, fmt: str) -> str:
        return value.astimezone(tz).strftime(fmt)

    return {
        "org": settings.organization,
        "tz": settings.timezone,
        "catalog": settings.catalog,
        "category_name": settings.category_name,
        "local": local,
        "expired": lambda n: select.is_expired(n, now),
        **extra,
    }


def _record(request: web.Request) -> list[Any]:
    app = request.app
    return select.public_record(app[keys.QUEUE].live.values(), app[keys.CLOCK]())


@routes.get("/")
async def index(request: web.Request) -> web.Response:
    app = request.app
    current = app[keys.QUEUE].rotation("portal", None, app[keys.CLOCK]()).items
    codes = [c.code for c in app[keys.SETTINGS].catalog]
    return aiohttp_jinja2.render_template(
        "portal/index.html", request, _context(request, groups=select.by_category(current, codes))
    )


@routes.get("/catalog/")
@routes.get("/catalog/{category}")
async def catalog(request: web.Request) -> web.Response:
    settings = request.app[keys.SETTINGS]
    code = request.match_info.get("category")
    if code is not None and code not in settings.catalog_codes:
        raise not_found(f"catalog category {code!r}")
    record = _record(request)
    counts: dict[str, int] = {}
    for n in record:
        counts[n.content.category] = counts.get(n.content.category, 0) + 1
    items = [n for n in record if code is None or n.content.category == code]
    heading = settings.category_name(code) if code else "信息公開目錄"
    return aiohttp_jinja2.render_template(
        "portal/catalog.html",
        request,
        _context(request, items=items, current=code, heading=heading, counts=counts, total=len(record)),
    )


@routes.get("/catalog")
async def catalog_slash(request: web.Request) -> web.Response:
    raise web.HTTPPermanentRedirect("/catalog/")


@routes.get("/notices/{id}")
async def notice(request: web.Request) -> web.Response:
    raw = request.match_info["id"]
    found = next((n for n in _record(request) if str(n.id) == raw), None)
    if found is None:
        raise not_found(f"notice {raw}")
    return aiohttp_jinja2.render_template("portal/notice.html", request, _context(request, n=found))


@routes.get("/feed.atom")
async def atom(request: web.Request) -> web.Response:
    settings = request.app[keys.SETTINGS]
    items = sorted(_record(request), key=lambda n: (n.live_since, n.id), reverse=True)[:50]
    # Links come from configuration only, never from the Host header (a shared cache
    # would keep a poisoned feed for everyone). Without server.public_url they are
    # relative and the entries' ids are URNs.
    base = (settings.server.public_url or "").rstrip("/")
    id_base = base or f"urn:x-publisher:{settings.organization.code}"
    updated = max((n.live_since for n in items), default=datetime(2000, 1, 1, tzinfo=timezone.utc))
    response = aiohttp_jinja2.render_template(
        "portal/feed.atom", request,
        _context(request, items=items, base=base, id_base=id_base, updated=updated.isoformat())
    )
    # Characters XML 1.0 cannot carry never reach a subscriber, even from an old record.
    assert response.text is not None
    response.text = _NOT_XML.sub("", response.text)
    response.content_type = "application/atom+xml"
    return response


def setup_portal(app: web.Application) -> None:
    from channels.portal import search  # its own module; it uses _context from here

    app.router.add_routes(routes)
    app.router.add_routes(search.routes)
    app.router.add_static("/static/", STATIC, name="static", append_version=False)
