"""Keeping the in-memory live set in step with the database.

Our own writes update one notice at once. Writes made by another instance arrive as
change notifications on PostgreSQL (publisher.cluster.announce): the named notices
are reloaded one by one. Anything else that moved the data revision without telling
us (a lost notification, a script on SQLite) is found by the periodic reconcile,
which then reloads the whole live set.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection

from publisher.queue import ContentQueue
from publisher.store import derived
from publisher.store.engine import Database
from publisher.store.live import data_revision, load_live, load_one

# More announced notices than this at once (a bulk import): one full reload is cheaper.
BULK_RELOAD = 200


class LiveSync:
    def __init__(self, db: Database, queue: ContentQueue) -> None:
        self.db = db
        self.queue = queue
        self.db_revision = -1
        # Why the last periodic reconcile failed (None when it worked): /healthz says so.
        self.reconcile_error: str | None = None
        # Notices announced by other instances and reloaded since db_revision last
        # moved: the revision may catch up only when they can account for the move.
        self._announced = 0
        self._lock = asyncio.Lock()
        self._saving: asyncio.Task[None] | None = None

    async def full(self, save_later: bool = False) -> None:
        """Reloads the live set. What had to be derived anew is cached before returning,
        or with `save_later` (at start-up: a first start after an upgrade derives every
        notice) in a task of its own, which settle() waits for."""
        fresh: list[derived.Derived] = []
        async with self._lock:
            async with self.db.read() as conn:
                revision = await data_revision(conn)
                broken: dict[int, str] = {}
                live = await load_live(conn, broken, fresh)
            self.queue.replace_all(live, broken)
            self.db_revision = revision
            self._announced = 0
        if save_later and fresh:
            self._saving = asyncio.create_task(derived.save(self.db, fresh))
        else:
            await derived.save(self.db, fresh)

    async def settle(self) -> None:
        """Waits for the cache write a full(save_later=True) left running."""
        if self._saving is not None:
            await self._saving
            self._saving = None

    async def notice_changed(self, notice_id: int) -> None:
        fresh: list[derived.Derived] = []
        async with self._lock:
            async with self.db.read() as conn:
                revision = await data_revision(conn)
                broken: dict[int, str] = {}
                notice = await load_one(conn, notice_id, broken, fresh)
            # revision == db_revision: our own change, already applied from its
            # notification (which can overtake this call on PostgreSQL).
            mine = revision in (self.db_revision, self.db_revision + 1)
            if mine:
                self.queue.put(notice_id, notice, broken.get(notice_id))
                self.db_revision = revision
        await derived.save(self.db, fresh)
        if not mine:
            await self.full()  # someone else wrote too

    async def remote_changed(self, notice_ids: Collection[int]) -> None:
        """Notices whose live state another instance (or the CLI) changed. The data
        revision moves on only when the notices announced so far account for every
        step it took (each change of a notice's live state takes one step); otherwise it
        stays behind and the next reconcile reloads everything."""
        if len(notice_ids) > BULK_RELOAD:
            await self.full()
            return
        async with self._lock:
            async with self.db.read() as conn:
                revision = await data_revision(conn)
                if revision == self.db_revision:
                    self._announced = 0  # our own writes, applied already
                    return
                broken: dict[int, str] = {}
                fresh: list[derived.Derived] = []
                loaded = [(nid, await load_one(conn, nid, broken, fresh)) for nid in notice_ids]
            for nid, notice in loaded:
                self.queue.put(nid, notice, broken.get(nid))
            self._announced += len(loaded)
            if 0 < revision - self.db_revision <= self._announced:
                self.db_revision = revision
                self._announced = 0
        await derived.save(self.db, fresh)

    async def reconcile(self) -> bool:
        """Reload when the database moved without us; True when it did."""
        async with self.db.read() as conn:
            revision = await data_revision(conn)
        if revision != self.db_revision:
            await self.full()
            return True
        return False
