"""The public side of attachments: a live notice's files (GET /attachments/{id}/{name})
and their first-page thumbnails, and the list on the notice page
(portal/_attachments.html, from the LiveNotice's attachments).

Only a file of a live notice's live revision is served: a file that is only in a draft
or a revision waiting for review, or of a withdrawn notice, is 404, as is any name but
the file's own (the name in the URL is the download name a browser keeps)."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
import structlog
from aiohttp import web

from publisher import keys
from publisher.attachments import labels
from publisher.attachments.serving import CACHE_CONTROL, serve_blob
from publisher.attachments.storage import BlobNotFound
from publisher.errors import ApiError, not_found
from publisher.http.params import path_id
from publisher.http.refusals import error_response
from publisher.services.attachments import ThumbnailsBusy

routes = web.RouteTableDef()
log = structlog.get_logger("publisher.portal.attachments")


async def _public(request: web.Request) -> Any:
    aid = path_id(request, "attachment")
    row = await request.app[keys.ATTACHMENTS].public_file(aid)
    if row is None:
        raise not_found(f"attachment {aid}")
    return row


@routes.get("/attachments/{id}/{filename}")
async def download(request: web.Request) -> web.StreamResponse:
    row = await _public(request)
    if request.match_info["filename"] != row.filename:
        raise not_found("attachment")
    service = request.app[keys.ATTACHMENTS]
    try:
        return await serve_blob(request, service.storage, row.sha256, row.content_type,
                                row.filename, executor=service.executor)
    except BlobNotFound:
        log.error("attachment file missing from storage", attachment=row.id)
        raise not_found("attachment") from None


@routes.get("/attachment-thumbnails/{id}.png")
async def thumbnail(request: web.Request) -> web.Response:
    row = await _public(request)
    etag = f'"{row.sha256}-thumb"'
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL, "X-Content-Type-Options": "nosniff"}
    if request.headers.get("If-None-Match") == etag:
        return web.Response(status=304, headers=headers)
    try:
        png = await request.app[keys.ATTACHMENTS].thumbnail(row.sha256, row.content_type)
    except ThumbnailsBusy as busy:
        response = error_response(request, ApiError(503, "busy", f"thumbnail: {busy}; ask again shortly"))
        response.headers["Retry-After"] = str(busy.retry_after)
        return response
    if png is None:
        raise not_found("thumbnail")
    return web.Response(body=png, content_type="image/png", headers=headers)


def setup_attachments(app: web.Application) -> None:
    app.router.add_routes(routes)
    labels.install(aiohttp_jinja2.get_env(app))
