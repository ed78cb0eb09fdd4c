"""GET /sitemap.xml: every public page of the record, for search engines.

The home page, the catalog and each of its categories, the guide, the entry pages of
requests and reports, and every notice of the record. At most 50,000 URLs fit one
sitemap (sitemaps.org); past that /sitemap.xml is a sitemap index of parts
/sitemap/{n}.xml of 50,000 each. The XML is written in chunks, yielding to the event
loop between them, so 100,000 notices never hold the loop for long or build one big
string. Links use server.public_url (sitemaps want absolute URLs: set it); without it
they are paths.
"""

from __future__ import annotations

from collections.abc import Iterator
from xml.sax.saxutils import escape

from aiohttp import web

from channels.portal.routes import _record
from publisher import keys
from publisher.domain.live import LiveNotice
from publisher.errors import not_found

routes = web.RouteTableDef()
PER_SITEMAP = 50_000
CHUNK = 1000  # URLs written between two yields to the loop
XML = "application/xml; charset=utf-8"
HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
URLSET = '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'


def _pages(request: web.Request) -> list[str]:
    """The pages that are not notices."""
    settings = request.app[keys.SETTINGS]
    pages = ["/", "/catalog/", *(f"/catalog/{c.code}" for c in settings.catalog), "/guide"]
    router = request.app.router
    # entry pages of other portal modules, when they are installed
    for path in ("/requests/new", "/reports/"):
        if any(r.canonical == path for r in router.resources()):
            pages.append(path)
    return pages


def _entries(request: web.Request, pages: list[str], record: list[LiveNotice]) -> Iterator[str]:
    yield from (f"<url><loc>{{base}}{escape(p)}</loc></url>\n" for p in pages)
    for n in sorted(record, key=lambda n: n.id):
        # the UTC day: a W3C date needs no zone, and 100,000 zone conversions cost a second
        yield f"<url><loc>{{base}}/notices/{n.id}</loc><lastmod>{n.live_since.date().isoformat()}</lastmod></url>\n"


async def _write(request: web.Request, lines: Iterator[str]) -> web.StreamResponse:
    base = escape((request.app[keys.SETTINGS].server.public_url or "").rstrip("/"))
    response = web.StreamResponse(headers={"Content-Type": XML, "Cache-Control": "public, max-age=3600"})
    await response.prepare(request)
    batch: list[str] = []
    for line in lines:
        batch.append(line.replace("{base}", base))
        if len(batch) >= CHUNK:
            await response.write("".join(batch).encode())
            batch.clear()
    await response.write("".join(batch).encode())
    await response.write_eof()
    return response


def _part(request: web.Request, number: int, pages: list[str], record: list[LiveNotice]) -> Iterator[str]:
    yield HEAD + URLSET
    start = (number - 1) * PER_SITEMAP
    for i, entry in enumerate(_entries(request, pages, record)):
        if i >= start + PER_SITEMAP:
            break
        if i >= start:
            yield entry
    yield "</urlset>\n"


@routes.get("/sitemap.xml")
async def sitemap(request: web.Request) -> web.StreamResponse:
    pages, record = _pages(request), _record(request)
    total = len(pages) + len(record)
    if total <= PER_SITEMAP:
        return await _write(request, _part(request, 1, pages, record))
    parts = (total + PER_SITEMAP - 1) // PER_SITEMAP
    index = [HEAD, '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n',
             *(f"<sitemap><loc>{{base}}/sitemap/{k}.xml</loc></sitemap>\n" for k in range(1, parts + 1)),
             "</sitemapindex>\n"]
    return await _write(request, iter(index))


@routes.get("/sitemap/{number:[0-9]{1,4}}.xml")
async def sitemap_part(request: web.Request) -> web.StreamResponse:
    number = int(request.match_info["number"])
    pages, record = _pages(request), _record(request)
    total = len(pages) + len(record)
    if not 1 <= number <= max(1, (total + PER_SITEMAP - 1) // PER_SITEMAP):
        raise not_found(f"sitemap part {number}")
    return await _write(request, _part(request, number, pages, record))
