"""The public request form's rate limit: online applications per client address in a
fixed window, counted in the database (shared by every instance, kept over a restart).

An application is counted before it is written, in one atomic upsert, so that many
posts sent at once cannot all slip in before the first is counted. No CAPTCHA: an
address that has applied `per_address` times waits until its window ends.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from math import ceil

from sqlalchemy import case, delete, literal

from publisher.settings import RequestIntake
from publisher.store.engine import Database
from publisher.store.tables import request_submissions
from publisher.store.types import UTCDateTime
from publisher.store.upsert import upsert

_PRUNE_EVERY = 100


class IntakeLimit:
    def __init__(self, db: Database, config: RequestIntake) -> None:
        self.db = db
        self.limit = config.per_address
        self.window = timedelta(minutes=config.window_minutes)
        self._attempts = 0

    async def attempt(self, address: str, now: datetime) -> int:
        """Count this application; 0 when it may go on, else the seconds to wait."""
        cutoff = now - self.window
        col = request_submissions.c
        expired = col.window_start <= cutoff
        async with self.db.write() as conn:
            count, started = await upsert(conn, request_submissions, {
                "key": f"addr:{address[:64]}", "count": 1, "window_start": now,
            }, ["key"], {
                "count": case((expired, 1), else_=col.count + 1),
                "window_start": case((expired, literal(now, UTCDateTime())), else_=col.window_start),
            }, returning=(col.count, col.window_start))
            self._attempts += 1
            if self._attempts % _PRUNE_EVERY == 0:  # forget quiet addresses, so the table stays small
                await conn.execute(delete(request_submissions).where(col.window_start <= cutoff))
        if count > self.limit:
            return max(1, int(ceil((started + self.window - now).total_seconds())))
        return 0
