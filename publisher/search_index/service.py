"""What handlers call: one page of a search, read in its own connection (handlers open
no database connection themselves; tests/test_layering.py)."""

from __future__ import annotations

from datetime import datetime

from publisher.search_index import index
from publisher.search_index.index import SearchPage
from publisher.store.engine import Database


async def find(db: Database, query: str, now: datetime, limit: int, offset: int) -> SearchPage:
    """The notices matching `query` that are public at `now`, best first (index.search)."""
    async with db.read() as conn:
        return await index.search(conn, query, now, limit=limit, offset=offset)
