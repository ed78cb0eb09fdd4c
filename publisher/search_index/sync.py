"""Keeping the search index in step with the public record.

Every write that changes what the public can see calls `reindex_notice` (or, for many
notices at once, `reindex_notices`) with its own connection, inside its transaction:
the index row changes or goes with the change itself, so a rollback takes both back
and the index cannot drift from the notices. The notice service does this on approval
(a first publication or an edit going live) and withdrawal; an import that writes live
notices directly calls `reindex_notices(conn, ids)` before it commits.

What is indexed is decided here, from the stored rows: live notices aimed at the portal
(the channel the search belongs to), each with its schedule's start (else its first
approval) as `visible_from`, so that search never shows a notice before the portal does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import structlog
from sqlalchemy import Select, delete, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from publisher.domain.markup import plain_text
from publisher.domain.notices import NoticeIn
from publisher.search_index import index
from publisher.search_index.index import SearchDocument
from publisher.store.tables import notice_search, notices, revisions

log = structlog.get_logger("publisher.search_index")

PORTAL = "portal"
BATCH = 500


def live_rows_query(after_id: int = 0, limit: int | None = None, ids: Sequence[int] | None = None) -> Select[Any]:
    """The live notices with their live revision, by id (a batch after `after_id`)."""
    query = (
        select(notices.c.id, notices.c.index_no, notices.c.first_live_at, notices.c.live_since, revisions.c.content)
        .join(revisions, revisions.c.id == notices.c.live_revision_id)
        .where(notices.c.status == "live", notices.c.id > after_id)
        .order_by(notices.c.id)
    )
    if ids is not None:
        query = query.where(notices.c.id.in_(ids))
    return query.limit(limit) if limit is not None else query


def document_of(row: Any) -> SearchDocument | None:
    """The index's view of one live notice; None when the portal does not show it."""
    content = NoticeIn.model_validate(row.content)
    if PORTAL not in content.channels:
        return None
    meta = content.meta
    body = " ".join(filter(None, [
        content.summary, plain_text(content.body), meta.issuing_org, " ".join(meta.keywords),
    ]))
    return SearchDocument(
        notice_id=row.id, title=content.title, body=body, live_since=row.live_since,
        visible_from=content.schedule.start or row.first_live_at,
        index_no=row.index_no, doc_number=meta.doc_number,
    )


def documents_of(rows: Iterable[Any]) -> list[SearchDocument]:
    """Documents of many rows; a row that no longer loads is logged and left out (one bad
    record never stops a rebuild)."""
    docs = []
    for row in rows:
        try:
            doc = document_of(row)
        except Exception as exc:
            log.error("live notice cannot be indexed; left out", notice_id=row.id,
                      error=f"{type(exc).__name__}: {exc}"[:500])
            continue
        if doc is not None:
            docs.append(doc)
    return docs


async def reindex_notices(conn: AsyncConnection, notice_ids: Sequence[int]) -> None:
    """Bring the index rows of these notices in line with the stored notices, in the
    caller's transaction: live portal notices are (re)indexed, the others removed."""
    for start in range(0, len(notice_ids), BATCH):
        ids = list(notice_ids[start:start + BATCH])
        rows = (await conn.execute(live_rows_query(ids=ids))).all()
        docs = documents_of(rows)
        await conn.execute(delete(notice_search).where(notice_search.c.notice_id.in_(ids)))
        await index.upsert_many(conn, docs)


async def reindex_notice(conn: AsyncConnection, notice_id: int) -> None:
    await reindex_notices(conn, [notice_id])


async def rebuild(conn: AsyncConnection) -> int:
    """Empty the index and index every live notice again, in batches; returns how many
    notices are indexed. One transaction (the caller's): readers see the old index
    until it commits."""
    await conn.execute(delete(notice_search))
    last = 0
    while True:
        rows = (await conn.execute(live_rows_query(after_id=last, limit=BATCH))).all()
        if not rows:
            break
        last = rows[-1].id
        await index.upsert_many(conn, documents_of(rows))
    return int((await conn.execute(select(func.count()).select_from(notice_search))).scalar_one())
