"""The touchscreen page: GET /kiosk/{device_id}/?token=, its service worker and assets.

The page is a shell (hall name, the device's settings in a data-config attribute); its script
draws everything from feed.json and catalog.json and keeps them current through the
event stream. No inline script or style: the page carries its own Content-Security-
Policy, and the assets are served from memory under a content hash
(/kiosk/static/<hash>/kiosk.js), so a deployment changes every asset URL at once and
the browser and the service worker may keep them forever.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

import aiohttp_jinja2
from aiohttp import web

from channels.kiosk import keys as kiosk_keys
from channels.kiosk import language as kiosk_language
from channels.kiosk.profile import KioskProfile
from channels.serve import device_for
from publisher import keys
from publisher.errors import ApiError
from publisher.web import i18n

STATIC = Path(__file__).parent / "static"
DEVICE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")  # as DeviceIn.id
SERVICE_WORKER = "sw.js"  # served under each device's page path, not as a static asset
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
PAGE_HEADERS = {
    "Content-Security-Policy": CSP,
    "Cache-Control": "no-cache",
    # The page URL holds the device token: never send it on as a Referer.
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


@dataclass(frozen=True)
class Asset:
    body: bytes
    content_type: str
    etag: str


@dataclass(frozen=True)
class Assets:
    version: str
    files: dict[str, Asset]

    @classmethod
    def load(cls, folder: Path = STATIC) -> Assets:
        files: dict[str, Asset] = {}
        digest = hashlib.sha256()
        for path in sorted(folder.iterdir()):
            if not path.is_file() or path.name.startswith("."):
                continue
            body = path.read_bytes()
            digest.update(path.name.encode() + b"\0" + body)
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if kind in ("text/javascript", "application/javascript", "text/css"):
                kind += "; charset=utf-8"
            files[path.name] = Asset(body, kind, f'"{hashlib.sha256(body).hexdigest()[:20]}"')
        return cls(digest.hexdigest()[:12], files)

    def url(self, name: str = "") -> str:
        return f"/kiosk/static/{self.version}/{name}"


routes = web.RouteTableDef()


def _unregistered(request: web.Request, status: int) -> web.Response:
    app = request.app
    device_id = request.match_info["device_id"]
    # The set-up command is shown only for an id that could be registered, and quoted:
    # staff copy it into a shell, so the path must never become part of a command.
    command = (f"publisher device add {shlex.quote(device_id)} --kind kiosk --location <大廳代碼>"
               if DEVICE_ID.fullmatch(device_id) else None)
    response = aiohttp_jinja2.render_template(
        "kiosk/unregistered.html", request,
        {"device_id": device_id, "static": app[kiosk_keys.ASSETS].url(), "status": status, "command": command,
         "org": app[keys.SETTINGS].organization.name},
        status=status)
    response.headers.update(PAGE_HEADERS)
    return response


@routes.get("/kiosk/{device_id}")
async def page_slash(request: web.Request) -> web.Response:
    query = f"?{urlencode(request.query)}" if request.query else ""
    raise web.HTTPPermanentRedirect(f"/kiosk/{quote(request.match_info['device_id'], safe='')}/{query}")


@routes.get("/kiosk/{device_id}/")
async def page(request: web.Request) -> web.Response:
    """The touchscreen application; a clear "not registered" screen for an unknown
    device or a bad token (404 / 401), never a broken page."""
    app = request.app
    settings = app[keys.SETTINGS]
    try:
        device = await device_for(request, "kiosk")
    except ApiError as err:
        if err.status in (401, 404):
            return _unregistered(request, err.status)
        raise
    profile = device.settings if isinstance(device.settings, KioskProfile) else KioskProfile.model_validate({})
    assets = app[kiosk_keys.ASSETS]
    org = settings.organization
    # An index number as this bureau writes them, for the search hint.
    year = app[keys.CLOCK]().astimezone(settings.tz).year
    index_example = org.index_template.format(org_code=org.code, year=year, seq=1)
    lang = kiosk_language.chosen(request)
    tr = i18n.translations(lang).gettext
    config = {
        "device": device.id,
        "token": request.query.get("token", ""),
        "idle_s": profile.idle_s,
        "orientation": profile.orientation,
        "poll_s": settings.devices.kiosk_poll_s,
        "timezone": settings.timezone,
        "org": tr(org.name),
        "categories": [{"code": c.code, "name": tr(c.name)} for c in settings.catalog],
        "index_example": index_example,
        # the language button (channels/kiosk/language.py)
        "lang": lang,
        "default_lang": kiosk_language.DEFAULT,
        "date_locale": kiosk_language.DATE_LOCALES[lang],
        "labels": kiosk_language.labels(lang),
    }
    next_lang = kiosk_language.NEXT[lang]
    context = {
        "org": tr(org.name),
        "lang": lang,
        "next_lang": next_lang,
        "next_name": kiosk_language.NAMES[next_lang],
        "hall": tr(settings.location_name(device.location)),
        "static": assets.url(),
        "index_example": index_example,
        "config": json.dumps(config, ensure_ascii=False),
        "layout": profile.orientation if profile.orientation != "auto" else "",
    }
    with i18n.speaking(lang):
        response = aiohttp_jinja2.render_template("kiosk/page.html", request, context)
    response.headers.update(PAGE_HEADERS)
    return response


@routes.get("/kiosk/{device_id}/sw.js")
async def service_worker(request: web.Request) -> web.Response:
    """The service worker, served from the page's own path so that its scope covers the
    page. It is the same for every device (it holds no secret), so it needs no token."""
    assets = request.app[kiosk_keys.ASSETS]
    precache = [assets.url(name) for name in assets.files]
    head = f"const VERSION = {json.dumps(assets.version)};\nconst ASSETS = {json.dumps(precache)};\n"
    return web.Response(
        body=head.encode() + request.app[kiosk_keys.SW_BODY],
        headers={"Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-cache"},
    )


@routes.get("/kiosk/static/{version}/{name}")
async def static(request: web.Request) -> web.Response:
    assets = request.app[kiosk_keys.ASSETS]
    found = assets.files.get(request.match_info["name"])
    if found is None:
        raise web.HTTPNotFound()
    # An old hash still gets the current file (a page rendered before a deployment),
    # but only the current hash may be kept forever.
    current = request.match_info["version"] == assets.version
    cache = "public, max-age=31536000, immutable" if current else "no-cache"
    headers = {"ETag": found.etag, "Cache-Control": cache, "X-Content-Type-Options": "nosniff"}
    if request.headers.get("If-None-Match") == found.etag:
        return web.Response(status=304, headers=headers)
    return web.Response(body=found.body, headers={**headers, "Content-Type": found.content_type})


def setup_page(app: web.Application) -> None:
    app[kiosk_keys.ASSETS] = Assets.load()
    app[kiosk_keys.SW_BODY] = (Path(__file__).parent / "worker" / SERVICE_WORKER).read_bytes()
    app.router.add_routes(routes)
