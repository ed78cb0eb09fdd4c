"""The staff API for a notice's files: upload (multipart, field `file`), list, remove.

The body is streamed: the part's chunks go straight to blob storage, which stops at
the first chunk past the size limit, so an endless or huge upload never sits in memory.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import BodyPartReader, web

from publisher import keys
from publisher.attachments.names import sent_filename
from publisher.attachments.storage import CHUNK
from publisher.auth.identity import require_staff
from publisher.errors import ApiError
from publisher.http.json_io import json_response
from publisher.http.params import path_id
from publisher.services.attachments import too_large

routes = web.RouteTableDef()
# what a multipart envelope may add around the file (boundaries, part headers)
ENVELOPE = 64 * 1024


def _missing_file(message: str = "a multipart/form-data body with a file field named 'file' is required") -> ApiError:
    return ApiError(422, "validation_failed", f"invalid file: {message}",
                    [{"field": "file", "message": message, "type": "missing"}])


async def _file_part(request: web.Request) -> BodyPartReader:
    if not request.content_type.startswith("multipart/form-data"):
        raise _missing_file()
    try:
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if isinstance(part, BodyPartReader) and part.name == "file":
                return part
            await part.release()  # other fields are ignored
    except ValueError as exc:  # a malformed envelope
        raise _missing_file(f"malformed multipart body: {str(exc)[:200]}") from None
    raise _missing_file()


async def _chunks(part: BodyPartReader) -> AsyncIterator[bytes]:
    while chunk := await part.read_chunk(CHUNK):
        yield chunk


@routes.post("/api/v1/notices/{id}/attachments")
async def upload(request: web.Request) -> web.Response:
    who = await require_staff(request)
    nid = path_id(request, "notice")
    service = request.app[keys.ATTACHMENTS]
    await service.check_may_add(who, nid)  # 403/404/409 before a byte is read
    declared = request.content_length
    if declared is not None and declared > service.max_size + ENVELOPE:
        raise too_large(service.max_size)  # refused from the header, nothing read
    part = await _file_part(request)
    found = await service.upload(who, nid, sent_filename(part.filename), _chunks(part), request.app[keys.CLOCK]())
    return json_response(found, status=201,
                         headers={"Location": f"/api/v1/notices/{nid}/attachments/{found['id']}"})


@routes.get("/api/v1/notices/{id}/attachments")
async def listing(request: web.Request) -> web.Response:
    await require_staff(request)
    items = await request.app[keys.ATTACHMENTS].listing(path_id(request, "notice"))
    return json_response({"items": items})


@routes.delete("/api/v1/notices/{id}/attachments/{attachment_id}")
async def remove(request: web.Request) -> web.Response:
    who = await require_staff(request)
    nid = path_id(request, "notice")
    aid = path_id(request, "attachment", "attachment_id")
    notice = await request.app[keys.ATTACHMENTS].remove(who, nid, aid, request.app[keys.CLOCK]())
    return json_response(notice)
