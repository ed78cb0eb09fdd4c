"""The staff JSON API under /api/v1."""

from __future__ import annotations

from aiohttp import web

from publisher.api import auth, devices, live, notices, openapi


def setup_api(app: web.Application) -> None:
    for module in (auth, notices, devices, live, openapi):
        app.router.add_routes(module.routes)
    app[openapi.DOCUMENT] = {}
