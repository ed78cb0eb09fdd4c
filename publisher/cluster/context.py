"""Wiring: the change listener (PostgreSQL) and the leadership, as cleanup contexts."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from publisher import keys
from publisher.cluster.announce import ChangeListener
from publisher.cluster.apply import apply_changes, resync
from publisher.cluster.dsn import asyncpg_dsn, is_postgres
from publisher.cluster.housekeeping import setup_housekeeping
from publisher.cluster.leader import Leadership


async def listener_ctx(app: web.Application) -> AsyncIterator[None]:
    """Listen for other instances' changes once the database context loaded the live set."""
    listener = app.get(keys.CHANGE_LISTENER)
    if listener is not None:
        listener.start()
    yield
    if listener is not None:
        await listener.stop()


async def leadership_ctx(app: web.Application) -> AsyncIterator[None]:
    """Take part in the leader election once the scheduler runs."""
    leadership = app[keys.LEADERSHIP]
    leadership.start()
    yield
    await leadership.stop()


def setup_cluster(app: web.Application, run_scheduler: bool) -> None:
    """On PostgreSQL a change listener; the leadership wherever jobs are scheduled (on
    SQLite it is the leader at once). Called last in create_app."""
    url = app[keys.SETTINGS].database.url
    dsn = asyncpg_dsn(url) if is_postgres(url) else None
    if keys.LEADER_JOBS not in app:
        app[keys.LEADER_JOBS] = []
    setup_housekeeping(app)
    if dsn is not None:
        async def apply(payloads: list[str]) -> None:
            await apply_changes(app, payloads)

        async def caught_up() -> None:
            await resync(app)

        app[keys.CHANGE_LISTENER] = ChangeListener(dsn, apply, caught_up)
        app.cleanup_ctx.append(listener_ctx)
    if run_scheduler:
        app[keys.LEADERSHIP] = Leadership(app, dsn)
        app.cleanup_ctx.append(leadership_ctx)
