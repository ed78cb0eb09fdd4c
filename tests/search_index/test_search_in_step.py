"""Property: whatever approvals, edits going live, edits left in review and withdrawals
happen, the search index (through the notice service, migration-built schema) answers
a query with exactly the notices a scan of the portal's live set finds.

The scan is the portal's old search (publisher.domain.search: substring match of the
folded text of every public notice). Texts and queries are drawn from a few Chinese
characters, Traditional and Simplified mixed, so matches and near-misses are common.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from conftest import PASSWORD, make_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from channels.portal.select import public_record
from publisher.domain.search import search as scan
from publisher.search_index import index
from publisher.services import users
from publisher.services.notices import NoticeService
from publisher.store.engine import Database, make_engine
from publisher.store.live import load_live
from publisher.store.migrate import upgrade

CHARS = "高校毕畢業业生就招聘會会，"
QUERY_CHARS = "高校毕畢業业生就招聘會会"
text = st.text(CHARS, min_size=1, max_size=10)
op = st.one_of(
    st.tuples(st.just("publish"), st.integers(0, 7), text, text),
    st.tuples(st.just("edit_live"), st.integers(0, 7), text, text),
    st.tuples(st.just("edit_pending"), st.integers(0, 7), text, text),
    st.tuples(st.just("withdraw"), st.integers(0, 7), st.just(""), st.just("")),
)
queries = st.lists(
    st.lists(st.text(QUERY_CHARS, min_size=1, max_size=3), min_size=1, max_size=2).map(" ".join),
    min_size=1, max_size=5,
)


class World:
    """One migrated database and its service for every example of a test (state grows
    across examples, which only makes the sequences longer)."""

    def __init__(self, url: str, data_dir: Path) -> None:
        self.settings = make_settings(url, data_dir)
        self.db = Database(make_engine(url))
        self.service = NoticeService(self.db, self.settings)
        self.now = datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)
        self.people: dict[str, Any] = {}
        self.slots: dict[int, int] = {}  # slot -> notice id

    async def start(self) -> None:
        await upgrade(self.db.engine)
        for name, role in [("ed", "editor"), ("rev", "reviewer")]:
            spec = users.parse_user({"username": name, "password": PASSWORD, "roles": [role]}, self.settings)
            self.people[name] = await users.add_user(self.db, spec, self.now)

    def tick(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now

    def body(self, title: str, body: str) -> dict[str, Any]:
        return {"title": title, "body": body, "category": "news", "channels": ["portal"]}

    async def review(self, nid: int) -> None:
        ed, rev = self.people["ed"], self.people["rev"]
        sent = await self.service.submit(ed, nid, self.tick())
        await self.service.approve(rev, nid, {"revision": sent["pending_revision"]["revision"]}, self.tick())

    async def apply(self, kind: str, slot: int, title: str, body: str) -> None:
        ed, rev = self.people["ed"], self.people["rev"]
        nid = self.slots.get(slot)
        live = nid is not None and (await self.service.get(nid))["status"] == "live"
        if kind == "publish" and not live:
            made = await self.service.create(ed, self.body(title, body), self.tick())
            self.slots[slot] = made["id"]
            await self.review(made["id"])
        elif kind in ("edit_live", "edit_pending") and live and nid is not None:
            await self.service.update(ed, nid, self.body(title, body), self.tick())
            if kind == "edit_live":
                await self.review(nid)
        elif kind == "withdraw" and live and nid is not None:
            await self.service.withdraw(rev, nid, {"reason": "撤回"}, self.tick())

    async def compare(self, query: str) -> tuple[set[int], set[int]]:
        async with self.db.read() as conn:
            record = public_record(await load_live(conn), self.now)
            found = await index.search(conn, query, self.now, limit=100)
        return set(found.notice_ids), {n.id for n in scan(record, query)}


def test_the_index_answers_as_a_scan_of_the_live_set(database_url: str, tmp_path: Path) -> None:
    loop = asyncio.new_event_loop()
    world = World(database_url, tmp_path)
    loop.run_until_complete(world.start())
    checked = {"queries": 0, "hits": 0}

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(ops=st.lists(op, max_size=8), qs=queries)
    def run(ops: list[tuple[str, int, str, str]], qs: list[str]) -> None:
        for kind, slot, title, body in ops:
            loop.run_until_complete(world.apply(kind, slot, title, body))
        for q in qs:
            found, expected = loop.run_until_complete(world.compare(q))
            assert found == expected, (q, found, expected)
            checked["queries"] += 1
            checked["hits"] += bool(expected)

    try:
        run()
    finally:
        loop.run_until_complete(world.db.close())
        loop.close()
    # the property was tested on real answers, not only on empty ones
    assert checked["hits"] > 0, checked
