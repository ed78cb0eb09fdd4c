"""The disclosure guide (政府信息公開指南, Art. 12): GET /guide, from configuration.

Categories come from `[[catalog]]`, the texts from `[guide]`, the office from `[office]`
(publisher/default.toml): a deployment changes its guide by changing its configuration,
and the page is never out of step with the catalog it describes.
"""

from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web

from channels.portal.routes import _context, _record
from publisher import keys

routes = web.RouteTableDef()
# the online application form (channels.portal's request pages)
REQUEST_FORM = "/requests/new"


@routes.get("/guide")
async def guide(request: web.Request) -> web.Response:
    settings = request.app[keys.SETTINGS]
    counts: dict[str, int] = {}
    for n in _record(request):
        counts[n.content.category] = counts.get(n.content.category, 0) + 1
    return aiohttp_jinja2.render_template("portal/guide.html", request, _context(
        request, office=settings.office, guide=settings.guide, counts=counts, request_form=REQUEST_FORM))
