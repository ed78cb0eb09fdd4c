"""Atom of one catalog category: GET /catalog/{category}/feed.atom."""

from __future__ import annotations

from aiohttp import web

from channels.portal.routes import _record, atom_response
from publisher import keys
from publisher.errors import not_found

routes = web.RouteTableDef()


@routes.get("/catalog/{category}/feed.atom")
async def category_feed(request: web.Request) -> web.Response:
    code = request.match_info["category"]
    if code not in request.app[keys.SETTINGS].catalog_codes:
        raise not_found(f"catalog category {code!r}")
    record = [n for n in _record(request) if n.content.category == code]
    return atom_response(request, record, f"/catalog/{code}/feed.atom", code)
