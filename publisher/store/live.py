"""Loading the live set from the database into LiveNotice values."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, cast

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from publisher.attachments.records import of_live as live_files
from publisher.domain.live import LiveAttachment, LiveNotice
from publisher.domain.markup import plain_text, render_body
from publisher.domain.notices import NoticeIn
from publisher.domain.search import fold
from publisher.store.tables import data_state, notices, revisions


def live_notice(row: Any) -> LiveNotice:
    content = NoticeIn.model_validate(row.content)
    meta = content.meta
    searchable = " ".join(
        filter(None, [content.title, content.summary, plain_text(content.body), row.index_no, meta.doc_number,
                      meta.issuing_org, " ".join(meta.keywords)])
    )
    return LiveNotice(
        id=row.id,
        index_no=row.index_no,
        revision=row.number,
        content=content,
        first_live_at=row.first_live_at,
        live_since=row.live_since,
        body_html=render_body(content.body),
        search_text=fold(searchable),
    )


def _query() -> Any:
    return (
        select(notices.c.id, notices.c.index_no, notices.c.first_live_at, notices.c.live_since,
               revisions.c.content, revisions.c.number)
        .join(revisions, revisions.c.id == notices.c.live_revision_id)
        .where(notices.c.status == "live")
    )


log = structlog.get_logger("publisher.store.live")


def _loaded(row: Any, broken: dict[int, str]) -> LiveNotice | None:
    """One stored live revision, or None (noted in ``broken``) when it no longer loads:
    one bad record must never stop the others or start-up."""
    try:
        return live_notice(row)
    except Exception as exc:
        log.error("live notice cannot be loaded; left out", notice_id=row.id,
                  error=f"{type(exc).__name__}: {exc}"[:500])
        broken[row.id] = f"cannot be loaded: {type(exc).__name__}"
        return None


async def load_live(conn: AsyncConnection, broken: dict[int, str] | None = None) -> list[LiveNotice]:
    broken = {} if broken is None else broken
    rows = await conn.execute(_query().order_by(notices.c.id))
    loaded = [n for n in (_loaded(row, broken) for row in rows) if n is not None]
    return _with_files(loaded, await live_files(conn))


async def load_one(conn: AsyncConnection, notice_id: int, broken: dict[int, str] | None = None) -> LiveNotice | None:
    row = (await conn.execute(_query().where(notices.c.id == notice_id))).first()
    loaded = _loaded(row, {} if broken is None else broken) if row else None
    return _with_files([loaded], await live_files(conn, notice_id))[0] if loaded else None


def _with_files(loaded: list[LiveNotice], files: dict[int, tuple[LiveAttachment, ...]]) -> list[LiveNotice]:
    """The live revision's attachments go with it (publisher.attachments.records)."""
    return [replace(n, attachments=files[n.id]) if n.id in files else n for n in loaded]


async def data_revision(conn: AsyncConnection) -> int:
    return cast(int, (await conn.execute(select(data_state.c.revision).where(data_state.c.id == 1))).scalar_one())
