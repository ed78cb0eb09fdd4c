"""Loading the live set from the database into LiveNotice values."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, cast

import structlog
from sqlalchemy import Text, select
from sqlalchemy import cast as sql_cast
from sqlalchemy.ext.asyncio import AsyncConnection

from publisher.attachments.records import of_live as live_files
from publisher.domain.live import LiveAttachment, LiveNotice
from publisher.domain.markup import render_body
from publisher.domain.notices import NoticeIn
from publisher.store import derived
from publisher.store.tables import data_state, notices, revision_derived, revisions


def live_notice(row: Any) -> LiveNotice:
    """From a row holding the content as JSON (`content`), derived the long way."""
    content = NoticeIn.model_validate(row.content)
    return LiveNotice(row.id, row.index_no, row.number, content, row.first_live_at, row.live_since,
                      render_body(content.body), derived.search_text(content, row.index_no))


def _query() -> Any:
    # The content as its JSON text (decoded here: the cache's digest is of that text),
    # and the revision's cached derived fields if it has any. In _stored's order.
    cached = revision_derived.c
    return (
        select(notices.c.id, notices.c.index_no, notices.c.first_live_at, notices.c.live_since,
               notices.c.live_revision_id.label("revision_id"), revisions.c.number,
               sql_cast(revisions.c.content, Text).label("content_text"),
               cached.digest.label("cached_digest"), cached.trusted.label("cached_trusted"),
               cached.body_html.label("cached_body_html"), cached.search_text.label("cached_search_text"))
        .join(revisions, revisions.c.id == notices.c.live_revision_id)
        .outerjoin(revision_derived, cached.revision_id == notices.c.live_revision_id)
        .where(notices.c.status == "live")
    )


log = structlog.get_logger("publisher.store.live")


def _stored(row: Any, fresh: list[derived.Derived]) -> LiveNotice:
    # by position: ten thousand rows at a start, and a Row's attributes cost more
    nid, index_no, first_live_at, live_since, revision_id, number, content_text, *cached = row
    hit = derived.from_cache(content_text, index_no, *cached)
    if hit is None:
        content, made = derived.derive(revision_id, content_text, index_no)
        fresh.append(made)
        hit = content, made.body_html, made.search_text
    return LiveNotice(nid, index_no, number, hit[0], first_live_at, live_since, hit[1], hit[2])


def _loaded(row: Any, broken: dict[int, str], fresh: list[derived.Derived]) -> LiveNotice | None:
    """One stored live revision, or None (noted in ``broken``) when it no longer loads:
    one bad record must never stop the others or start-up."""
    try:
        return _stored(row, fresh)
    except Exception as exc:
        log.error("live notice cannot be loaded; left out", notice_id=row.id,
                  error=f"{type(exc).__name__}: {exc}"[:500])
        broken[row.id] = f"cannot be loaded: {type(exc).__name__}"
        return None


async def load_live(conn: AsyncConnection, broken: dict[int, str] | None = None,
                    fresh: list[derived.Derived] | None = None) -> list[LiveNotice]:
    """Every live notice; those whose derived fields were not cached (or no longer
    held) are derived again and listed in ``fresh``, for derived.save."""
    broken = {} if broken is None else broken
    fresh = [] if fresh is None else fresh
    rows = await conn.execute(_query().order_by(notices.c.id))
    loaded = [n for n in (_loaded(row, broken, fresh) for row in rows) if n is not None]
    return _with_files(loaded, await live_files(conn))


async def load_one(conn: AsyncConnection, notice_id: int, broken: dict[int, str] | None = None,
                   fresh: list[derived.Derived] | None = None) -> LiveNotice | None:
    row = (await conn.execute(_query().where(notices.c.id == notice_id))).first()
    loaded = _loaded(row, {} if broken is None else broken, [] if fresh is None else fresh) if row else None
    return _with_files([loaded], await live_files(conn, notice_id))[0] if loaded else None


def _with_files(loaded: list[LiveNotice], files: dict[int, tuple[LiveAttachment, ...]]) -> list[LiveNotice]:
    """The live revision's attachments go with it (publisher.attachments.records)."""
    return [replace(n, attachments=files[n.id]) if n.id in files else n for n in loaded]


async def data_revision(conn: AsyncConnection) -> int:
    return cast(int, (await conn.execute(select(data_state.c.revision).where(data_state.c.id == 1))).scalar_one())
