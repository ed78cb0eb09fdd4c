"""The staff JSON API under /api/v1."""

from __future__ import annotations

from aiohttp import web

from publisher.api import attachments, audit, auth, devices, live, notices, openapi, reports, requests, users


def setup_api(app: web.Application) -> None:
    for module in (auth, users, audit, notices, devices, live, openapi, requests, attachments, reports):
        app.router.add_routes(module.routes)
    app[openapi.DOCUMENT] = {}
