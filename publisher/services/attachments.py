"""Attachments of a notice's revisions: upload, remove, list, and the files the public
and the staff may read.

An upload is streamed to blob storage with the size limit enforced while reading, then
typed from its bytes, then linked to the revision being edited, by the same rules as a
text edit (NoticeService.revision_to_change): the unsubmitted draft takes it in place,
a submitted (frozen) or live revision gets a new revision that carries the files over.
Type checks and thumbnails are CPU work on untrusted files: they run in this service's
own bounded thread pool, never on the event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

import structlog

from publisher.attachments import records
from publisher.attachments.detect import BY_CONTENT_TYPE, FileKind, UnsupportedType, detect
from publisher.attachments.names import sanitise_filename
from publisher.attachments.storage import BlobNotFound, BlobStorage, FileStorage, StoredBlob, TooLarge
from publisher.attachments.thumbnails import VARIANT as THUMBNAIL
from publisher.attachments.thumbnails import ThumbnailError, thumbnail
from publisher.domain import workflow
from publisher.errors import ApiError, forbidden, not_found
from publisher.services.notices import NoticeService
from publisher.services.users import Principal
from publisher.settings import Settings
from publisher.store.engine import Database
from publisher.store.tables import attachments
from publisher.store.upsert import inserted_id

log = structlog.get_logger("publisher.attachments")

MAX_NAME_CHARS = 1000  # of the name the browser sends, before it is sanitised
# Thumbnail renders of distinct files waiting or running at once, per pool worker. A
# render is CPU work of up to a second on a large page; beyond this a view is told to
# come back (ThumbnailsBusy) instead of queueing work without bound in front of uploads.
RENDERS_PER_WORKER = 8


class ThumbnailsBusy(Exception):
    """As many thumbnails are being rendered as the pool takes: ask again shortly."""

    retry_after = 2


def too_large(limit: int) -> ApiError:
    return ApiError(413, "too_large", f"file: larger than the limit of {limit} bytes",
                    [{"field": "file", "message": f"at most {limit} bytes", "type": "too_large"}])


def unsupported(reason: str) -> ApiError:
    return ApiError(415, "unsupported_type",
                    f"file: not a PDF, image (PNG, JPEG, GIF, WebP), office document or zip ({reason})",
                    [{"field": "file", "message": reason, "type": "unsupported_type"}])


class AttachmentService:
    def __init__(self, db: Database, settings: Settings, notices: NoticeService,
                 storage: BlobStorage | None = None) -> None:
        self.db = db
        self.settings = settings
        self.notices = notices
        self.max_size = settings.attachments.max_size
        self.storage: BlobStorage = storage or FileStorage(settings.attachments.root(settings.data_dir))
        self.executor = ThreadPoolExecutor(max_workers=settings.attachments.workers,
                                           thread_name_prefix="attachments")
        self._background: set[asyncio.Future[Any]] = set()
        # sha256 -> its thumbnail's render under way: a file is rendered once however
        # many ask for it meanwhile (the upload's own pre-render included)
        self._rendering: dict[str, asyncio.Future[bytes | None]] = {}
        self.max_renders = settings.attachments.workers * RENDERS_PER_WORKER

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)

    async def _run(self, fn: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)

    # -- writes ----------------------------------------------------------------
    async def check_may_add(self, who: Principal, notice_id: int) -> None:
        """Before a byte is read: the role (403), the notice (404), its state (409)."""
        if not who.has(*workflow.EDIT_ROLES):
            raise forbidden("attaching files needs the role 'editor'")
        notice = await self.notices.get(notice_id)
        pending = notice["pending_revision"]
        workflow.check_edit(notice["status"], workflow.Pending(
            state=pending["state"], current_step=0, authors=frozenset(), approvals={}) if pending else None)

    async def upload(self, who: Principal, notice_id: int, filename: str | None,
                     chunks: AsyncIterable[bytes], now: datetime) -> dict[str, Any]:
        await self.check_may_add(who, notice_id)
        try:
            stored = await self.storage.put_async(chunks, self.max_size, self.executor)
        except TooLarge:
            raise too_large(self.max_size) from None
        try:
            kind = await self._run(self._detect, stored.sha256)
            name = sanitise_filename((filename or "")[:MAX_NAME_CHARS], kind.extension)
            async with self.db.write() as conn:
                rev_id, number = await self.notices.revision_to_change(conn, who, notice_id, now)
                if await records.count(conn, rev_id) >= records.MAX_PER_REVISION:
                    raise ApiError(409, "too_many_attachments",
                                   f"a revision holds at most {records.MAX_PER_REVISION} files")
                attachment_id = inserted_id(await conn.execute(attachments.insert().values(
                    notice_id=notice_id, sha256=stored.sha256, size=stored.size, content_type=kind.content_type,
                    filename=name, created_by=who.id, created_at=now)))
                await records.link(conn, rev_id, attachment_id)
        except BaseException:
            self.storage.release(stored.sha256)
            await self._discard(stored)
            raise
        self.storage.release(stored.sha256)
        log.info("attachment added", notice=notice_id, revision=number, attachment=attachment_id,
                 size=stored.size, type=kind.content_type, by=who.username)
        self._prepare_thumbnail(stored.sha256, kind)
        return {"id": attachment_id, "filename": name, "content_type": kind.content_type, "size": stored.size,
                "sha256": stored.sha256, "revision": number}

    def _detect(self, sha256: str) -> FileKind:
        with self.storage.open(sha256) as blob:
            try:
                return detect(blob)
            except UnsupportedType as exc:
                raise unsupported(str(exc)) from None

    async def _discard(self, stored: StoredBlob) -> None:
        """A refused upload leaves nothing, unless the same bytes belong to another
        attachment or another upload of them is under way (it holds the blob until its
        row is written: see StoredBlob). The last of several refused uploads of the same
        bytes removes the file."""
        async with self.db.read() as conn:
            used = await records.sha256_in_use(conn, stored.sha256)
        if not used:
            await self._run(self.storage.delete_unheld, stored.sha256)

    def _render(self, sha256: str, kind: FileKind) -> asyncio.Future[bytes | None] | None:
        """The render of this file's thumbnail under way, or a new one in the pool; None
        when the pool holds as many renders as it takes (max_renders)."""
        future = self._rendering.get(sha256)
        if future is None:
            if len(self._rendering) >= self.max_renders:
                return None
            future = asyncio.get_running_loop().run_in_executor(self.executor, self._thumbnail_quietly, sha256, kind)
            self._rendering[sha256] = future
            future.add_done_callback(lambda _done: self._rendering.pop(sha256, None))
        return future

    def _prepare_thumbnail(self, sha256: str, kind: FileKind) -> None:
        """Render the thumbnail now, in the pool, so the portal's first view finds it cached
        (left to that first view when the pool is busy)."""
        if not kind.thumbnail:
            return
        future = self._render(sha256, kind)
        if future is None:
            log.info("thumbnail left for its first view: the pool is busy", sha256=sha256)
            return
        self._background.add(future)
        future.add_done_callback(self._background.discard)

    def _thumbnail_quietly(self, sha256: str, kind: FileKind) -> bytes | None:
        try:
            return thumbnail(self.storage, sha256, kind)
        except (ThumbnailError, BlobNotFound, OSError) as exc:
            log.info("no thumbnail", sha256=sha256, reason=str(exc)[:300])
            return None

    async def remove(self, who: Principal, notice_id: int, attachment_id: int, now: datetime) -> dict[str, Any]:
        """The file leaves the revision being edited (a new revision if that one is
        frozen or live); earlier revisions keep it, and so does the live one until the
        change is approved."""
        if not who.has(*workflow.EDIT_ROLES):
            raise forbidden("removing files needs the role 'editor'")
        async with self.db.write() as conn:
            notice = await self.notices.reader.one(conn, notice_id)  # 404 for an unknown notice
            if attachment_id not in {a["id"] for a in notice["attachments"]}:
                raise not_found(f"attachment {attachment_id} of notice {notice_id}")
            rev_id, number = await self.notices.revision_to_change(conn, who, notice_id, now, without=attachment_id)
            await records.unlink(conn, rev_id, attachment_id)
        log.info("attachment removed", notice=notice_id, revision=number, attachment=attachment_id,
                 by=who.username)
        return await self.notices.get(notice_id)

    # -- reads -----------------------------------------------------------------
    async def listing(self, notice_id: int) -> list[dict[str, Any]]:
        """The files of the notice's newest revision (the draft or pending one, else the live one)."""
        notice = await self.notices.get(notice_id)
        return list(notice["attachments"])

    async def public_file(self, attachment_id: int) -> Any | None:
        async with self.db.read() as conn:
            return await records.public_file(conn, attachment_id)

    async def staff_file(self, attachment_id: int) -> Any | None:
        async with self.db.read() as conn:
            return await records.staff_file(conn, attachment_id)

    async def names_of_revision(self, revision_id: int) -> list[str]:
        """The file names of one revision (for the review's personal-data checks)."""
        async with self.db.read() as conn:
            return await records.attachment_names(conn, revision_id)

    async def thumbnail(self, sha256: str, content_type: str) -> bytes | None:
        """The first-page PNG of a PDF or an image (cached on disk by sha256), or None."""
        kind = BY_CONTENT_TYPE.get(content_type)
        if kind is None or not kind.thumbnail:
            return None
        cached: bytes | None = await self._run(self.storage.read_derived, sha256, THUMBNAIL)
        if cached is not None:
            return cached
        future = self._render(sha256, kind)
        if future is None:
            raise ThumbnailsBusy(f"{len(self._rendering)} thumbnails are being rendered")
        # shielded: a viewer who leaves does not cancel the render others wait for
        return await asyncio.shield(future)

