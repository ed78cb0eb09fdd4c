"""Keeping the in-memory live set in step with the database.

Our own writes update one notice at once. Writes that this process did not make
(another instance on PostgreSQL, a script) show up as a data revision that moved
by more than we account for; then the whole live set is reloaded.
"""

from __future__ import annotations

import asyncio

from publisher.queue import ContentQueue
from publisher.store.engine import Database
from publisher.store.live import data_revision, load_live, load_one


class LiveSync:
    def __init__(self, db: Database, queue: ContentQueue) -> None:
        self.db = db
        self.queue = queue
        self.db_revision = -1
        # Why the last periodic reconcile failed (None when it worked): /healthz says so.
        self.reconcile_error: str | None = None
        self._lock = asyncio.Lock()

    async def full(self) -> None:
        async with self._lock, self.db.read() as conn:
            revision = await data_revision(conn)
            broken: dict[int, str] = {}
            live = await load_live(conn, broken)
        self.queue.replace_all(live, broken)
        self.db_revision = revision

    async def notice_changed(self, notice_id: int) -> None:
        async with self._lock:
            async with self.db.read() as conn:
                revision = await data_revision(conn)
                broken: dict[int, str] = {}
                notice = await load_one(conn, notice_id, broken)
            if revision == self.db_revision + 1:
                self.queue.put(notice_id, notice, broken.get(notice_id))
                self.db_revision = revision
                return
        await self.full()  # someone else wrote too

    async def reconcile(self) -> bool:
        """Reload when the database moved without us; True when it did."""
        async with self.db.read() as conn:
            revision = await data_revision(conn)
        if revision != self.db_revision:
            await self.full()
            return True
        return False
