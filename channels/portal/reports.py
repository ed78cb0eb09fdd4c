"""The published yearly reports on the portal: /reports/ lists them, /reports/{year} is
one as a page printable on A4, /reports/{year}.csv (or ?format=csv) its figures as CSV.
Only published reports, exactly as published (their snapshot); anything else is 404."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from publisher import keys
from publisher.errors import not_found
from publisher.services.report_formats import as_csv, stylesheet, template_context

routes = web.RouteTableDef()


async def _published(request: web.Request, raw: str) -> dict[str, Any]:
    if not (raw.isascii() and raw.isdigit()) or len(raw) != 4:
        raise not_found(f"report {raw!r}")
    report = await request.app[keys.REPORTS].published(int(raw))
    if report is None:
        raise not_found(f"report of {raw}")
    return report


@routes.get("/reports")
async def reports_slash(request: web.Request) -> web.Response:
    raise web.HTTPPermanentRedirect("/reports/")


@routes.get("/reports/")
async def index(request: web.Request) -> web.Response:
    from channels.portal.routes import _context  # routes sets this module up: imported late

    settings = request.app[keys.SETTINGS]
    years = await request.app[keys.REPORTS].published_years()
    return aiohttp_jinja2.render_template("portal/reports.html", request, _context(
        request, org=settings.organization, tz=settings.timezone, years=years))


def _csv(report: dict[str, Any], request: web.Request) -> web.Response:
    settings = request.app[keys.SETTINGS]
    text = as_csv(report, settings.category_name)
    # A byte-order mark, so that spreadsheet programs read the Chinese labels as UTF-8.
    return web.Response(body=("\ufeff" + text).encode(), content_type="text/csv", charset="utf-8", headers={
        "Content-Disposition": f'attachment; filename="report-{report["year"]}.csv"'})


@routes.get(r"/reports/{year:\d{4}}.csv")
async def csv_file(request: web.Request) -> web.Response:
    return _csv(await _published(request, request.match_info["year"]), request)


@routes.get("/reports/report.css")
async def report_css(request: web.Request) -> web.Response:
    return web.Response(text=stylesheet(), content_type="text/css", headers={"Cache-Control": "public, max-age=3600"})


@routes.get("/reports/{year}")
async def page(request: web.Request) -> web.Response:
    report = await _published(request, request.match_info["year"])
    fmt = request.query.get("format", "html")
    if fmt == "csv":
        return _csv(report, request)
    if fmt != "html":
        raise not_found(f"format {fmt[:20]!r}")
    from channels.portal.routes import _context  # routes sets this module up: imported late

    settings = request.app[keys.SETTINGS]
    context = template_context(report, settings.category_name)
    # The page (labels, switch, <html lang>) follows the portal's language; the report
    # itself is the State Council's fixed Chinese form, marked as such for English pages.
    return aiohttp_jinja2.render_template("portal/report.html", request, _context(
        request, org=settings.organization, tz=settings.timezone, **context))


def setup_reports(app: web.Application) -> None:
    app.router.add_routes(routes)
