"""Attachment rows and their links to revisions: the queries the services, the live
set loader and the review share. An attachment belongs to revisions through
revision_attachments; every function here runs inside the caller's transaction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from publisher.domain.live import LiveAttachment
from publisher.store.tables import attachments, notices, revision_attachments, revisions

# a revision holds at most this many files (the editor's list and the portal's stay short)
MAX_PER_REVISION = 50

_COLUMNS = (attachments.c.id, attachments.c.notice_id, attachments.c.sha256, attachments.c.size,
            attachments.c.content_type, attachments.c.filename, attachments.c.created_at,
            attachments.c.created_by)


async def of_revisions(conn: AsyncConnection, revision_ids: Iterable[int]) -> dict[int, list[Any]]:
    """revision id -> its attachment rows in order (only revisions that have some)."""
    wanted = sorted(set(revision_ids))
    found: dict[int, list[Any]] = defaultdict(list)
    if not wanted:
        return found
    rows = await conn.execute(
        select(revision_attachments.c.revision_id, *_COLUMNS)
        .join(attachments, attachments.c.id == revision_attachments.c.attachment_id)
        .where(revision_attachments.c.revision_id.in_(wanted))
        .order_by(revision_attachments.c.revision_id, revision_attachments.c.position, attachments.c.id)
    )
    for row in rows:
        found[row.revision_id].append(row)
    return found


async def of_revision(conn: AsyncConnection, revision_id: int) -> list[Any]:
    return (await of_revisions(conn, [revision_id])).get(revision_id, [])


async def attachment_names(conn: AsyncConnection, revision_id: int) -> list[str]:
    """The file names of a revision's attachments, in order: what the review's
    personal-data and secrecy checks scan besides the text."""
    return [row.filename for row in await of_revision(conn, revision_id)]


async def carry_over(conn: AsyncConnection, from_revision: int | None, to_revision: int,
                     without: int | None = None) -> None:
    """A new revision made by an edit holds the files its predecessor held (all but
    `without`, the one being removed), in the same order."""
    if from_revision is None:
        return
    rows = list(await conn.execute(
        select(revision_attachments.c.attachment_id, revision_attachments.c.position)
        .where(revision_attachments.c.revision_id == from_revision)
        .order_by(revision_attachments.c.position)
    ))
    values = [{"revision_id": to_revision, "attachment_id": r.attachment_id, "position": r.position}
              for r in rows if r.attachment_id != without]
    if values:
        await conn.execute(insert(revision_attachments), values)


async def link(conn: AsyncConnection, revision_id: int, attachment_id: int) -> None:
    top = (await conn.execute(
        select(func.max(revision_attachments.c.position)).where(revision_attachments.c.revision_id == revision_id)
    )).scalar_one()
    await conn.execute(insert(revision_attachments).values(
        revision_id=revision_id, attachment_id=attachment_id, position=(top or 0) + 1))


async def unlink(conn: AsyncConnection, revision_id: int, attachment_id: int) -> None:
    await conn.execute(delete(revision_attachments).where(
        revision_attachments.c.revision_id == revision_id, revision_attachments.c.attachment_id == attachment_id))


async def count(conn: AsyncConnection, revision_id: int) -> int:
    return int((await conn.execute(
        select(func.count()).select_from(revision_attachments).where(revision_attachments.c.revision_id == revision_id)
    )).scalar_one())


async def sha256_in_use(conn: AsyncConnection, sha256: str) -> bool:
    return (await conn.execute(select(attachments.c.id).where(attachments.c.sha256 == sha256).limit(1))).first() \
        is not None


def live_view(row: Any) -> LiveAttachment:
    return LiveAttachment(id=row.id, filename=row.filename, content_type=row.content_type, size=row.size,
                          sha256=row.sha256)


async def of_live(conn: AsyncConnection, notice_id: int | None = None) -> dict[int, tuple[LiveAttachment, ...]]:
    """notice id -> the files of its live revision, for the live set (one query for all)."""
    query = (
        select(notices.c.id.label("live_notice_id"), *_COLUMNS)
        .join(revision_attachments, revision_attachments.c.revision_id == notices.c.live_revision_id)
        .join(attachments, attachments.c.id == revision_attachments.c.attachment_id)
        .where(notices.c.status == "live")
        .order_by(notices.c.id, revision_attachments.c.position, attachments.c.id)
    )
    if notice_id is not None:
        query = query.where(notices.c.id == notice_id)
    found: dict[int, list[LiveAttachment]] = defaultdict(list)
    for row in await conn.execute(query):
        found[row.live_notice_id].append(live_view(row))
    return {k: tuple(v) for k, v in found.items()}


async def public_file(conn: AsyncConnection, attachment_id: int) -> Any | None:
    """The attachment row when it is a file of a live notice's live revision, else None
    (pending only, superseded, withdrawn: never served to the public)."""
    return (await conn.execute(
        select(*_COLUMNS)
        .join(revision_attachments, revision_attachments.c.attachment_id == attachments.c.id)
        .join(notices, notices.c.live_revision_id == revision_attachments.c.revision_id)
        .where(attachments.c.id == attachment_id, notices.c.status == "live", notices.c.id == attachments.c.notice_id)
    )).first()


async def staff_file(conn: AsyncConnection, attachment_id: int) -> Any | None:
    return (await conn.execute(select(*_COLUMNS).where(attachments.c.id == attachment_id))).first()


def as_json(row: Any) -> dict[str, Any]:
    """The API's shape of one attachment (the upload's 201 answer, the lists)."""
    return {"id": row.id, "filename": row.filename, "content_type": row.content_type, "size": row.size,
            "sha256": row.sha256}


async def names_of_notice_revision(conn: AsyncConnection, notice_id: int, number: int) -> list[str]:
    """The file names of a notice's revision `number` (the review flags' lookup: they scan
    attachment names with the text, see publisher/services/review_flags.py)."""
    revision_id = (await conn.execute(
        select(revisions.c.id).where(revisions.c.notice_id == notice_id, revisions.c.number == number)
    )).scalar_one_or_none()
    return [] if revision_id is None else await attachment_names(conn, revision_id)
