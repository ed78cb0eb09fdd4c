"""Listening for the changes other instances make (PostgreSQL LISTEN/NOTIFY).

The database's triggers (migration 0008) NOTIFY `publisher_changes` with
"notice:<id>", "device:<id>" or "user:<id>" inside the writing transaction. One
dedicated asyncpg connection per instance LISTENs; notifications are gathered and
applied in batches by one task. When the connection drops (a restart of PostgreSQL,
pg_terminate_backend, a network cut) it reconnects with backoff, and after every
(re)connection it resynchronises, since notifications sent meanwhile are lost. The
periodic reconcile (publisher.scheduling) stays as the last safety net.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

import structlog

from publisher.cluster.tasks import stop_task

log = structlog.get_logger("publisher.cluster.announce")

CHANNEL = "publisher_changes"
# A silent connection is checked this often, so that a half-open one is noticed.
PING_S = 5.0
CONNECT_TIMEOUT_S = 10.0
BACKOFF_S = (0.1, 0.5, 1.0, 2.0, 5.0, 10.0)
# A flood of notifications is applied in bounded batches.
MAX_BATCH = 1000

Apply = Callable[[list[str]], Awaitable[None]]
Resync = Callable[[], Awaitable[None]]


class ChangeListener:
    """LISTEN on a connection of its own; `apply` gets each batch of payloads,
    `resync` runs after every (re)connection."""

    def __init__(self, dsn: str, apply: Apply, resync: Resync) -> None:
        self.dsn = dsn
        self.apply = apply
        self.resync = resync
        self.listening = False
        self.received = 0
        self.connections = 0
        self.last_error: str | None = None
        self._pending: list[str] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._conn: Any = None
        self.ready = asyncio.Event()  # set once the first LISTEN is in place

    # -- life cycle --------------------------------------------------------------
    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="publisher-change-listener")

    async def stop(self) -> None:
        if self._task is not None:
            await stop_task(self._task)
            self._task = None

    def backend_pid(self) -> int | None:
        """The PostgreSQL backend serving the listener (for tests and diagnostics)."""
        conn = self._conn
        return conn.get_server_pid() if conn is not None and not conn.is_closed() else None

    # -- the loop ----------------------------------------------------------------
    def _notified(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        self.received += 1
        self._pending.append(payload)
        self._wake.set()

    async def _run(self) -> None:
        failures = 0
        while True:
            connected_before = self.connections
            try:
                await self._listen_once()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # any failure: log it, wait a little, reconnect
                self.last_error = f"{type(exc).__name__}: {exc}"[:300]
                log.warning("change listener lost its connection; reconnecting", error=self.last_error)
            if self.connections > connected_before:
                failures = 0  # it was up: the first retry comes quickly
            delay = BACKOFF_S[min(failures, len(BACKOFF_S) - 1)]
            failures += 1
            await asyncio.sleep(delay)

    async def _listen_once(self) -> None:
        import asyncpg  # only on PostgreSQL: a SQLite start does not pay its import (~50 ms)

        conn = await asyncpg.connect(self.dsn, timeout=CONNECT_TIMEOUT_S)
        lost = asyncio.Event()

        def terminated(_c: Any) -> None:
            lost.set()
            self._wake.set()

        conn.add_termination_listener(terminated)
        self._conn = conn
        try:
            await conn.add_listener(CHANNEL, self._notified)
            self.connections += 1
            self.listening = True
            self.last_error = None
            # Whatever changed while nobody listened: looked up now, not in 30 s.
            await self.resync()
            self.ready.set()
            log.info("listening for changes from other instances", connections=self.connections)
            while not lost.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), PING_S)
                self._wake.clear()
                if lost.is_set():
                    break
                if not self._pending:
                    await asyncio.wait_for(conn.fetchval("SELECT 1"), PING_S)  # raises when dead
                    continue
                await self._drain()
            raise ConnectionError("the listening connection was closed")
        finally:
            self.listening = False
            self._conn = None
            with contextlib.suppress(Exception):
                conn.terminate()

    async def _drain(self) -> None:
        while self._pending:
            batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
            try:
                await self.apply(batch)
            except asyncio.CancelledError:
                raise
            except Exception:  # a batch that cannot be applied: heal with a full resync
                log.exception("applying changes from other instances failed; resynchronising")
                await self.resync()

