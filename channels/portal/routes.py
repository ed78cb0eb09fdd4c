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

from channels.portal import catalog_filter, select
from channels.portal import keys as portal_keys
from channels.portal.attachments import setup_attachments
from channels.portal.language import language_context, localized, remember
from channels.portal.reports import setup_reports
from publisher import keys
from publisher.errors import not_found
from publisher.i18n_content import SimplifiedLive
from publisher.web.i18n import N_

routes = web.RouteTableDef()
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
STATIC = Path(__file__).parent / "static"
# notices kept converted to Simplified Chinese (per revision; least recently used go)
SIMPLIFIED_CACHE = 4096


def _context(request: web.Request, **extra: Any) -> dict[str, Any]:
    """What every portal template gets (the portal's context processor): the bureau,
    the clock, and the page's language (channels.portal.language: `lang`, `_`, the
    switch, `href`, `tr`, `localized`). A handler of any module renders a portal page
    with `aiohttp_jinja2.render_template("portal/x.html", request, _context(request, ...))`."""
    settings = request.app[keys.SETTINGS]
    now = request.app[keys.CLOCK]()
    tz = settings.tz
    language = language_context(request)
    tr = language["tr"]

    def local(value: datetime, fmt: str) -> str:
        return value.astimezone(tz).strftime(fmt)

    return {
        "org": settings.organization,
        "org_name": tr(settings.organization.name),
        "tz": settings.timezone,
        "catalog": settings.catalog,
        "category_name": lambda code: tr(settings.category_name(code)),
        "local": local,
        "expired": lambda n: select.is_expired(n, now),
        "doc_kind": catalog_filter.doc_kind,
        "validity": catalog_filter.validity,
        "public_url": (settings.server.public_url or "").rstrip("/"),
        **language,
        **extra,
    }


portal_context = _context  # the public name for other portal modules


def _record(request: web.Request) -> list[Any]:
    app = request.app
    return select.public_record(app[keys.QUEUE].live.values(), app[keys.CLOCK]())


@routes.get("/")
async def index(request: web.Request) -> web.Response:
    app = request.app
    current = app[keys.QUEUE].rotation("portal", None, app[keys.CLOCK]()).items
    codes = [c.code for c in app[keys.SETTINGS].catalog]
    context = _context(request)
    groups = select.by_category(localized(request, current, context["lang"]), codes)
    return aiohttp_jinja2.render_template("portal/index.html", request, context | {"groups": groups})


@routes.get("/catalog/")
@routes.get("/catalog/{category}")
async def catalog(request: web.Request) -> web.Response:
    settings = request.app[keys.SETTINGS]
    code = request.match_info.get("category")
    if code is not None and code not in settings.catalog_codes:
        raise not_found(f"catalog category {code!r}")
    query = catalog_filter.parse(request.query.items())
    record = _record(request)
    counts: dict[str, int] = {}
    for n in record:
        counts[n.content.category] = counts.get(n.content.category, 0) + 1
    items = [n for n in record if code is None or n.content.category == code]
    # the record is fixed by the live set's revision and, as notices only join it when
    # they start, by its size: that names it for the facets' cache
    key = (request.app[keys.QUEUE].data_revision, code, len(items))
    page = catalog_filter.select(items, query, settings.organization.name, request.app[portal_keys.FACETS], key)
    context = _context(request)
    heading = context["category_name"](code) if code else context["tr"](N_("信息公開目錄"))
    return aiohttp_jinja2.render_template(
        "portal/catalog.html",
        request,
        context | {"items": localized(request, page.items, context["lang"]), "current": code, "heading": heading,
                   "counts": counts, "total": len(record), "page": page, "filters": query,
                   "window": catalog_filter.window(page.page, page.pages), "kinds": catalog_filter.DOC_KINDS,
                   "validities": catalog_filter.VALIDITIES, "sizes": catalog_filter.PAGE_SIZES,
                   "path": f"/catalog/{code}" if code else "/catalog/"},
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
    context = _context(request)
    shown = localized(request, [found], context["lang"])[0]
    return aiohttp_jinja2.render_template("portal/notice.html", request, context | {"n": shown})


@routes.get("/feed.atom")
async def atom(request: web.Request) -> web.Response:
    return atom_response(request, _record(request), "/feed.atom", None)


def atom_response(request: web.Request, record: list[Any], self_path: str, category: str | None) -> web.Response:
    """Atom 1.0 of the 50 most recently updated of `record` (the whole record, or one
    category of it: /catalog/{category}/feed.atom)."""
    settings = request.app[keys.SETTINGS]
    items = sorted(record, key=lambda n: (n.live_since, n.id), reverse=True)[:50]
    # Links come from configuration only, never from the Host header (a shared cache
    # would keep a poisoned feed for everyone). Without server.public_url they are
    # relative and the entries' ids are URNs.
    base = (settings.server.public_url or "").rstrip("/")
    id_base = base or f"urn:x-publisher:{settings.organization.code}"
    updated = max((n.live_since for n in items), default=datetime(2000, 1, 1, tzinfo=timezone.utc))
    title = f"{settings.organization.name} · {settings.category_name(category) if category else '公告'}"
    alternate = f"/catalog/{category}" if category else "/"
    response = aiohttp_jinja2.render_template(
        "portal/feed.atom", request,
        _context(request, items=items, base=base, id_base=id_base, updated=updated.isoformat(),
                 self_path=self_path, feed_title=title, alternate_path=alternate,
                 category_name=settings.category_name)  # feeds are zh-Hant, whatever the cookie
    )
    # Characters XML 1.0 cannot carry never reach a subscriber, even from an old record.
    assert response.text is not None
    response.text = _NOT_XML.sub("", response.text)
    response.content_type = "application/atom+xml"
    return response


def setup_portal(app: web.Application) -> None:
    from channels.portal import feeds, guide, search, sitemap

    app[portal_keys.SIMPLIFIED] = SimplifiedLive(maxsize=SIMPLIFIED_CACHE)
    app[portal_keys.FACETS] = catalog_filter.Facets(app[keys.SETTINGS].tz)
    app.router.add_routes(routes)
    for module in (guide, feeds, sitemap, search):  # search: its own module; it uses _context from here
        app.router.add_routes(module.routes)
    # every portal HTML answer (any module's) keeps a ?lang= choice in a cookie
    app.setdefault(keys.HTML_HOOKS, []).append(remember)
    setup_reports(app)  # the published yearly reports (channels/portal/reports.py)
    app.router.add_static("/static/", STATIC, name="static", append_version=False)
    setup_attachments(app)  # GET /attachments/..., and the notice page's file list
    from channels.portal.requests import setup_requests  # imports this module: set up last

    setup_requests(app)
