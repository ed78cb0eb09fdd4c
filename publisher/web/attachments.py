"""The staff side of attachments: upload from the editor without JavaScript (the page's
script uses the JSON API with upload progress instead), remove, and the staff download
of any revision's file (the reviewer opens the files of the revision under review).

The upload form is multipart, so it is not read by the staff pages' usual form parser
(which takes 1 MiB at most): the CSRF token comes first in the body and is checked
before the file part is streamed to storage."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import BodyPartReader, web

from publisher import keys
from publisher.attachments.names import sent_filename
from publisher.attachments.serving import serve_blob
from publisher.attachments.storage import CHUNK, BlobNotFound
from publisher.auth.identity import principal
from publisher.domain.errors import DomainError
from publisher.errors import ApiError, as_api, not_found, unauthorized
from publisher.http.params import path_id
from publisher.web.pages import error_page, see_other, staff_page, who
from publisher.web.security import CSRF_FIELD, check_form

routes = web.RouteTableDef()
MAX_TOKEN = 200  # bytes of the CSRF field read


async def _chunks(part: BodyPartReader) -> AsyncIterator[bytes]:
    while chunk := await part.read_chunk(CHUNK):
        yield chunk


@routes.post("/staff/notices/{id}/attachments")
async def upload(request: web.Request) -> web.StreamResponse:
    nid = path_id(request, "notice")
    try:
        person = await principal(request)
        if person is None:
            raise unauthorized("sign in first")
        service = request.app[keys.ATTACHMENTS]
        if not request.content_type.startswith("multipart/form-data"):
            sent = (await request.post()).get(CSRF_FIELD)  # a small form: the token first, as everywhere
            await check_form(request, sent if isinstance(sent, str) else None)
            raise ApiError(422, "validation_failed", "invalid file: choose a file to upload")
        reader = await request.multipart()
        token: str | None = None
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                await part.release()
                continue
            if part.name == CSRF_FIELD:
                token = (await part.read_chunk(MAX_TOKEN)).decode("ascii", "replace")
                await part.release()
            elif part.name == "file":
                await check_form(request, token)  # the token must come before the file
                await service.check_may_add(person, nid)
                if not part.filename:
                    raise ApiError(422, "validation_failed", "invalid file: choose a file to upload")
                name = sent_filename(part.filename)
                await service.upload(person, nid, name, _chunks(part), request.app[keys.CLOCK]())
                see_other(f"/staff/notices/{nid}/edit?done=attached#attachments")
            else:
                await part.release()
        raise ApiError(422, "validation_failed", "invalid file: choose a file to upload")
    except ApiError as err:
        return await error_page(request, err)
    except ValueError as exc:  # a malformed multipart body
        return await error_page(request, ApiError(422, "validation_failed", f"invalid file: {str(exc)[:200]}"))
    except DomainError as exc:  # in review, withdrawn: explained like every staff refusal
        return await error_page(request, as_api(exc))


@routes.post("/staff/attachments/{id}/remove")
@staff_page("editor")
async def remove(request: web.Request) -> web.StreamResponse:
    """The file leaves the notice's revision being edited (see AttachmentService.remove)."""
    aid = path_id(request, "attachment")
    service = request.app[keys.ATTACHMENTS]
    row = await service.staff_file(aid)
    if row is None:
        raise not_found(f"attachment {aid}")
    await service.remove(who(request), row.notice_id, aid, request.app[keys.CLOCK]())
    see_other(f"/staff/notices/{row.notice_id}/edit?done=detached#attachments")


@routes.get("/staff/attachments/{id}/{filename}")
@staff_page()
async def download(request: web.Request) -> web.StreamResponse:
    """Any revision's file, for staff (a draft's or one under review too)."""
    aid = path_id(request, "attachment")
    service = request.app[keys.ATTACHMENTS]
    row = await service.staff_file(aid)
    if row is None or row.filename != request.match_info["filename"]:
        raise not_found(f"attachment {aid}")
    try:
        # staff only: unpublished drafts stay out of shared caches
        response = await serve_blob(request, service.storage, row.sha256, row.content_type, row.filename,
                                     executor=service.executor, cache_control="private, no-store")
    except BlobNotFound:
        raise not_found(f"attachment {aid}") from None
    return response
