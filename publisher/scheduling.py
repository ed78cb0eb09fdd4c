"""APScheduler as an alarm clock: wake at the next schedule boundary, reconcile often.

Correctness never depends on a job having fired (the read path recomputes stale
snapshots by itself); the jobs only make pushes to kiosks happen on time and keep
the live set in step with writes from elsewhere.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import structlog
from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from publisher import keys

log = structlog.get_logger("publisher.scheduling")
RECONCILE_S = 30
BOUNDARY_JOB = "boundary"



def _next_boundary(app: web.Application) -> None:
    """(Re)arm the one-shot job at the earliest boundary of any live notice."""
    scheduler: AsyncIOScheduler = app[keys.SCHEDULER]
    queue = app[keys.QUEUE]
    now = app[keys.CLOCK]()
    # queue.boundary never raises: a notice that cannot be evaluated is left out there.
    edges = [queue.boundary(n, now) for n in list(queue.live.values())]
    upcoming = [e for e in edges if e is not None]
    if not upcoming:
        if scheduler.get_job(BOUNDARY_JOB):
            scheduler.remove_job(BOUNDARY_JOB)
        return
    # A hair past the boundary, so that "now >= boundary" holds when it runs.
    when = min(upcoming) + timedelta(milliseconds=5)
    scheduler.add_job(_boundary_passed, "date", run_date=when, args=[app], id=BOUNDARY_JOB,
                      replace_existing=True, misfire_grace_time=None)


async def _boundary_passed(app: web.Application) -> None:
    app[keys.QUEUE].touch()
    _next_boundary(app)


async def _reconcile(app: web.Application) -> None:
    sync = app[keys.LIVE_SYNC]
    try:
        if await sync.reconcile():
            log.info("live set reloaded: the database moved without this process")
        await app[keys.DEVICES].flush()
        sync.reconcile_error = None
    except Exception as exc:
        sync.reconcile_error = type(exc).__name__
        log.exception("reconcile failed")
    app[keys.QUEUE].touch()
    _next_boundary(app)


async def scheduler_ctx(app: web.Application) -> AsyncIterator[None]:
    scheduler = AsyncIOScheduler(timezone=app[keys.SETTINGS].tz)
    app[keys.SCHEDULER] = scheduler
    scheduler.add_job(_reconcile, "interval", seconds=RECONCILE_S, args=[app], id="reconcile",
                      max_instances=1, coalesce=True)
    scheduler.start()
    # Whenever the live set moves, the next boundary may have moved too.
    app[keys.QUEUE].listeners.add(lambda: _next_boundary(app))
    _next_boundary(app)
    yield
    scheduler.shutdown(wait=False)
    await app[keys.DEVICES].flush()
