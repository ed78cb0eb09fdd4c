"""The leader: the one instance that runs the jobs that must happen once.

Chosen with a PostgreSQL session-level advisory lock, held on a connection of its own:
whoever holds it is the leader; when its process dies, PostgreSQL ends the session and
frees the lock, and another instance takes it at its next try (every RETRY_S seconds).
A leader that loses its connection steps down at once (its jobs are removed from its
scheduler) and tries again like the others. Jobs should still be idempotent: during a
network cut the old leader may not know yet that it lost the lock.

On SQLite there is one instance, and it is the leader.

Other code registers a once-only job while the app is being built:

    leader_job(app, "purge-requests", purge, trigger="cron", hour=3)

`func(app)` is then scheduled (APScheduler trigger and its arguments) on the leader
only. Schedule boundaries and the reconcile stay on every instance (publisher.scheduling).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import structlog
from aiohttp import web

from publisher import keys
from publisher.cluster.tasks import stop_task

log = structlog.get_logger("publisher.cluster.leader")

# pg_advisory_lock key: "publ" in ASCII. Advisory locks are per database.
LOCK_KEY = 0x7075626C
RETRY_S = 5.0
CONNECT_TIMEOUT_S = 10.0

JobFunc = Callable[[web.Application], Awaitable[Any]]


@dataclass(frozen=True, slots=True)
class LeaderJob:
    job_id: str
    func: JobFunc
    trigger: str
    trigger_args: dict[str, Any] = field(default_factory=dict)


def leader_job(app: web.Application, job_id: str, func: JobFunc, trigger: str = "interval",
               **trigger_args: Any) -> None:
    """Run `func(app)` on the leader only, on an APScheduler trigger ("interval",
    "cron", "date") with its arguments. Call it while the app is built (before start)."""
    if keys.LEADER_JOBS not in app:
        app[keys.LEADER_JOBS] = []
    jobs = app[keys.LEADER_JOBS]
    if any(j.job_id == job_id for j in jobs):
        raise ValueError(f"leader job {job_id!r} is registered twice")
    jobs.append(LeaderJob(job_id, func, trigger, dict(trigger_args)))


class Leadership:
    """Holds (or keeps trying to take) the leader lock; schedules the leader jobs while held."""

    def __init__(self, app: web.Application, dsn: str | None) -> None:
        self.app = app
        self.dsn = dsn
        self.is_leader = False
        self.elected = 0  # how often this instance became the leader
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self.dsn is None:
            self._elect()
            return
        self._task = asyncio.create_task(self._run(), name="publisher-leadership")

    async def stop(self) -> None:
        if self._task is not None:
            await stop_task(self._task)
            self._task = None
        self._step_down()

    # -- the jobs ----------------------------------------------------------------
    def _elect(self) -> None:
        scheduler = self.app[keys.SCHEDULER]
        for job in self.app[keys.LEADER_JOBS]:
            scheduler.add_job(job.func, job.trigger, args=[self.app], id=f"leader:{job.job_id}",
                              replace_existing=True, max_instances=1, coalesce=True, **job.trigger_args)
        self.is_leader = True
        self.elected += 1
        log.info("this instance is the leader", jobs=[j.job_id for j in self.app[keys.LEADER_JOBS]])

    def _step_down(self) -> None:
        if not self.is_leader:
            return
        scheduler = self.app[keys.SCHEDULER]
        for job in self.app[keys.LEADER_JOBS]:
            with contextlib.suppress(Exception):  # JobLookupError: ran once (a date trigger) and left
                scheduler.remove_job(f"leader:{job.job_id}")
        self.is_leader = False
        log.info("this instance is no longer the leader")

    # -- the lock ----------------------------------------------------------------
    async def _run(self) -> None:
        while True:
            try:
                await self._hold_or_wait()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # lost or never got a connection: step down, try again
                self._step_down()
                log.warning("leader lock connection failed", error=f"{type(exc).__name__}: {exc}"[:300])
            await asyncio.sleep(RETRY_S)

    async def _hold_or_wait(self) -> None:
        assert self.dsn is not None
        import asyncpg  # only on PostgreSQL: a SQLite start does not pay its import (~50 ms)

        conn = await asyncpg.connect(self.dsn, timeout=CONNECT_TIMEOUT_S)
        try:
            while not await conn.fetchval("SELECT pg_try_advisory_lock($1)", LOCK_KEY):
                await asyncio.sleep(RETRY_S)
            self._elect()
            # Held for as long as this session lives; check it now and then.
            while True:
                await asyncio.sleep(RETRY_S)
                await asyncio.wait_for(conn.fetchval("SELECT 1"), RETRY_S)
        finally:
            self._step_down()
            with contextlib.suppress(Exception):
                conn.terminate()  # ends the session: the lock is free for the others
