"""The audit trail: security events, append-only, newest first.

Written in the same transaction as the change it records where there is one (so a
change never happens unrecorded). There is no update or delete here, and the
database refuses both (triggers from migration 0002). Never put a password, token or
cookie into `details`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from publisher.store.engine import Database
from publisher.store.tables import audit_events

# Every action the trail records; the API and the staff page explain these.
ACTIONS = (
    "login", "login_failed", "login_throttled", "logout",
    "user_created", "roles_changed", "user_disabled", "user_enabled", "password_changed", "sessions_ended",
    "device_added", "device_revoked", "device_declared",
    "notice_withdrawn",
)


async def record(
    conn: AsyncConnection, at: datetime, action: str, actor: str | None = None, target: str | None = None,
    remote: str | None = None, **details: Any,
) -> None:
    assert action in ACTIONS, action
    await conn.execute(insert(audit_events).values(
        at=at, actor=actor, action=action, target=target[:200] if target else target,
        remote=remote[:64] if remote else remote, details=details,
    ))


async def record_now(db: Database, at: datetime, action: str, actor: str | None = None, target: str | None = None,
                     remote: str | None = None, **details: Any) -> None:
    """One event in a transaction of its own (for events that change nothing else)."""
    async with db.write() as conn:
        await record(conn, at, action, actor, target, remote, **details)


def _out(row: Any, tz: Any) -> dict[str, Any]:
    return {"id": row.id, "at": row.at.astimezone(tz).isoformat(), "actor": row.actor, "action": row.action,
            "target": row.target, "remote": row.remote, "details": row.details or {}}


async def page(db: Database, tz: Any, since: datetime | None, limit: int, cursor: int | None) -> dict[str, Any]:
    """Newest first; `cursor` is the next_cursor of the previous page (an event id)."""
    query = select(audit_events)
    if since is not None:
        query = query.where(audit_events.c.at >= since)
    if cursor is not None:
        query = query.where(audit_events.c.id < cursor)
    query = query.order_by(audit_events.c.id.desc()).limit(limit + 1)
    async with db.read() as conn:
        rows = list(await conn.execute(query))
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": [_out(r, tz) for r in rows], "next_cursor": rows[-1].id if more else None}


__all__ = ["ACTIONS", "page", "record", "record_now"]
