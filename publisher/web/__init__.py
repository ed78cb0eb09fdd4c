"""The staff pages under /staff/: server-rendered (jinja2), a little plain JavaScript
for the editor's preview, on the same service layer as the JSON API."""

from __future__ import annotations

from pathlib import Path

import aiohttp_jinja2
from aiohttp import web

from publisher import keys
from publisher.attachments import labels
from publisher.web import (
    account,
    attachments,
    dashboard,
    devices,
    i18n,
    login,
    notices,
    people,
    reports,
    requests,
    review,
    schedule,
)
from publisher.web.pages import missing_page
from publisher.web.security import security_headers

STATIC = Path(__file__).parent / "static"


def setup_web(app: web.Application) -> None:
    """Routes, static files, gettext for the templates, and the security headers that
    every HTML page (portal and kiosk page included) gets."""
    for module in (login, dashboard, notices, review, schedule, devices, people, account, requests, attachments,
                   reports):
        app.router.add_routes(module.routes)
    app.router.add_static("/staff/static/", STATIC, name="staff_static", append_version=False)
    app.router.add_get("/staff/{tail:.*}", missing_page)  # after every staff route
    i18n.install(aiohttp_jinja2.get_env(app))
    labels.install(aiohttp_jinja2.get_env(app))  # attachment kinds and sizes
    app.setdefault(keys.HTML_HOOKS, []).append(security_headers)
