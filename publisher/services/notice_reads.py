"""Reading notices for staff: the Notice (out) shape, lists, history, the review queue."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from publisher.attachments import records as attachment_records
from publisher.domain.workflow import Pending
from publisher.errors import ApiError, not_found
from publisher.services.users import Principal
from publisher.settings import Settings
from publisher.store.tables import events, notices, revisions, users

STATUSES = ("draft", "in_review", "live", "withdrawn")


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def iso(value: datetime | None, settings: Settings) -> str | None:
    return value.astimezone(settings.tz).isoformat() if value else None


async def usernames(conn: AsyncConnection, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await conn.execute(select(users.c.id, users.c.username).where(users.c.id.in_(ids)))
    return {r.id: r.username for r in rows}


async def approvals_by_revision(conn: AsyncConnection, revision_rows: Sequence[Any]) -> dict[int, dict[int, Any]]:
    """revision id -> {step: approve event} for each revision's current review round."""
    wanted = [r for r in revision_rows if r.review_round]
    if not wanted:
        return {}
    cond = or_(*(and_(events.c.revision_id == r.id, events.c.review_round == r.review_round) for r in wanted))
    rows = await conn.execute(select(events).where(events.c.action == "approve", cond).order_by(events.c.id))
    found: dict[int, dict[int, Any]] = defaultdict(dict)
    for ev in rows:
        found[ev.revision_id][ev.step] = ev
    return found


def pending_of(rev: Any | None, approvals: dict[int, Any]) -> Pending | None:
    if rev is None:
        return None
    return Pending(
        state=rev.state,
        current_step=rev.current_step,
        authors=frozenset(rev.authors),
        approvals={step: ev.actor_id for step, ev in approvals.items()},
        number=rev.number,
        frozen=rev.review_round > 0,
    )


# Revisions stored before these meta fields existed read as their defaults.
_META_DEFAULTS = {"doc_kind": "other", "validity": "in_force", "repealed_on": None}


def with_meta_defaults(meta: Any) -> Any:
    if not isinstance(meta, dict):
        return meta
    return {**_META_DEFAULTS, **meta}


class NoticeReader:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def many(self, conn: AsyncConnection, rows: Sequence[Any]) -> list[dict[str, Any]]:
        """Notice (out) for each notice row, with a fixed number of queries."""
        rev_ids = {r.live_revision_id for r in rows} | {r.pending_revision_id for r in rows}
        rev_ids.discard(None)
        revs = {}
        if rev_ids:
            revs = {r.id: r for r in await conn.execute(select(revisions).where(revisions.c.id.in_(rev_ids)))}
        pending_rows = [revs[r.pending_revision_id] for r in rows if r.pending_revision_id in revs]
        approvals = await approvals_by_revision(conn, [p for p in pending_rows if p.state == "in_review"])
        people = {r.created_by for r in rows} | {ev.actor_id for a in approvals.values() for ev in a.values()}
        names = await usernames(conn, people)
        out = [self._out(r, revs, approvals, names) for r in rows]
        # the files of the revision shown (the newest), reviewed with its text
        newest = {r.id: r.pending_revision_id or r.live_revision_id for r in rows}
        files = await attachment_records.of_revisions(conn, [i for i in newest.values() if i is not None])
        for item in out:
            item["attachments"] = [attachment_records.as_json(f) for f in files.get(newest[item["id"]], [])]
        return out

    def _out(
        self, row: Any, revs: dict[int, Any], approvals: dict[int, dict[int, Any]], names: dict[int, str]
    ) -> dict[str, Any]:
        live = revs.get(row.live_revision_id)
        pending = revs.get(row.pending_revision_id)
        newest = pending or live
        assert newest is not None, f"notice {row.id} has no revision"
        out: dict[str, Any] = {
            "id": row.id,
            "index_no": row.index_no,
            "status": row.status,
            "live_revision": live.number if live else None,
            "pending_revision": {"revision": pending.number, "state": pending.state} if pending else None,
            "revision": newest.number,
        }
        out.update(newest.content)
        out["meta"] = with_meta_defaults(out.get("meta"))
        out["review"] = self._review(pending, approvals.get(pending.id, {}) if pending else {}, names)
        out.update(
            created_by=names.get(row.created_by),
            created_at=iso(row.created_at, self.settings),
            updated_at=iso(row.updated_at, self.settings),
            first_live_at=iso(row.first_live_at, self.settings),
            live_since=iso(row.live_since, self.settings),
            withdrawn_at=iso(row.withdrawn_at, self.settings),
        )
        return out

    def _review(self, pending: Any | None, done: dict[int, Any], names: dict[int, str]) -> dict[str, Any]:
        chain = self.settings.review_chain
        steps = []
        for i, step in enumerate(chain):
            ev = done.get(i)
            steps.append(
                {
                    "step": i + 1,
                    "name": step.name,
                    "role": step.role,
                    "approved_by": names.get(ev.actor_id) if ev else None,
                    "approved_at": iso(ev.at, self.settings) if ev else None,
                }
            )
        waiting = None
        if pending is not None and pending.state == "in_review":
            step = chain[pending.current_step]
            waiting = {"step": pending.current_step + 1, "name": step.name, "role": step.role}
        return {"steps": steps, "waiting_for": waiting}

    async def one(self, conn: AsyncConnection, notice_id: int) -> dict[str, Any]:
        row = (await conn.execute(select(notices).where(notices.c.id == notice_id))).first()
        if row is None:
            raise not_found(f"notice {notice_id}")
        return (await self.many(conn, [row]))[0]

    async def page(
        self,
        conn: AsyncConnection,
        status: str | None,
        category: str | None,
        q: str | None,
        limit: int,
        cursor: int | None,
    ) -> dict[str, Any]:
        query = select(notices).order_by(notices.c.id.desc()).limit(limit + 1)
        if status:
            query = query.where(notices.c.status == status)
        if category:
            query = query.where(notices.c.category == category)
        if q:
            like = "%" + escape_like(q) + "%"
            query = query.where(or_(notices.c.title.like(like, escape="\\"),
                                    notices.c.index_no.like(like, escape="\\")))
        if cursor is not None:
            query = query.where(notices.c.id < cursor)
        rows = list(await conn.execute(query))
        more = len(rows) > limit
        rows = rows[:limit]
        items = await self.many(conn, rows)
        return {"items": items, "next_cursor": str(rows[-1].id) if more and rows else None}

    async def history(self, conn: AsyncConnection, notice_id: int) -> list[dict[str, Any]]:
        await self.one(conn, notice_id)  # 404 for an unknown notice
        rows = list(await conn.execute(select(events).where(events.c.notice_id == notice_id).order_by(events.c.id)))
        names = await usernames(conn, {r.actor_id for r in rows})
        chain = self.settings.review_chain
        return [
            {
                "id": r.id,
                "at": iso(r.at, self.settings),
                "actor": names.get(r.actor_id),
                "action": r.action,
                "revision": r.revision_number,
                "step": r.step + 1 if r.step is not None else None,
                "step_name": chain[r.step].name if r.step is not None and r.step < len(chain) else None,
                "comment": r.comment,
                # what the event recorded besides: an import's source line, the flags confirmed at approval
                "details": r.details,
            }
            for r in rows
        ]

    async def my_work(self, conn: AsyncConnection, who: Principal, limit: int = 20) -> list[dict[str, Any]]:
        """The caller's notices with a revision still in the works (draft or in review),
        most recently touched first."""
        rows = list(await conn.execute(
            select(notices).where(notices.c.created_by == who.id, notices.c.pending_revision_id.is_not(None),
                                  notices.c.status != "withdrawn")
            .order_by(notices.c.updated_at.desc(), notices.c.id.desc()).limit(limit)
        ))
        return await self.many(conn, rows)

    async def review_queue(self, conn: AsyncConnection, who: Principal) -> list[dict[str, Any]]:
        """Revisions waiting for a step the caller may approve (four eyes included)."""
        steps = [i for i, step in enumerate(self.settings.review_chain) if step.role in who.roles]
        if not steps:
            return []
        query = (
            select(notices, revisions.c.current_step, revisions.c.authors, revisions.c.id.label("rev_id"),
                   revisions.c.review_round, revisions.c.state.label("rev_state"))
            .join(revisions, revisions.c.id == notices.c.pending_revision_id)
            .where(revisions.c.state == "in_review", revisions.c.current_step.in_(steps),
                   notices.c.status != "withdrawn")
            .order_by(notices.c.updated_at, notices.c.id)
        )
        rows = list(await conn.execute(query))
        rev_rows = [_RevView(r.rev_id, r.review_round) for r in rows]
        approvals = await approvals_by_revision(conn, rev_rows)
        mine = [
            r for r in rows
            if who.id not in r.authors and who.id not in {ev.actor_id for ev in approvals.get(r.rev_id, {}).values()}
        ]
        return await self.many(conn, mine)


class _RevView:
    __slots__ = ("id", "review_round")

    def __init__(self, id: int, review_round: int) -> None:
        self.id = id
        self.review_round = review_round


def check_status(value: str | None) -> str | None:
    if value and value not in STATUSES:
        raise ApiError(422, "validation_failed", f"invalid status: must be one of {', '.join(STATUSES)}",
                       [{"field": "status", "message": "unknown status", "type": "enum"}])
    return value
