"""Failed sign-ins, counted in the database (so every instance and a restart see the
same counts) per target username and per client address.

The attempt is counted before the password is checked, in one atomic upsert, so that
twenty guesses sent at once cannot all slip in before the first failure is written.
A success then takes its own attempt back: it clears the username's count, and takes
one off the address's count (the other failures from that address stand, so signing
in as oneself between guesses at someone else's password gains nothing).

Within a window of WINDOW, a username may fail PER_USER times and an address
PER_ADDRESS times (an address may be a proxy or an office NAT, so it gets more);
the next attempt is refused until the window ends.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from math import ceil

from sqlalchemy import case, delete, literal, update

from publisher.store.engine import Database
from publisher.store.tables import login_failures
from publisher.store.types import UTCDateTime
from publisher.store.upsert import upsert

WINDOW = timedelta(minutes=15)
PER_USER = 5
PER_ADDRESS = 20
_PRUNE_EVERY = 200


def _keys(username: str, address: str) -> tuple[tuple[str, int], tuple[str, int]]:
    return (f"user:{username[:64]}", PER_USER), (f"addr:{address[:64]}", PER_ADDRESS)


class LoginThrottle:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._attempts = 0

    async def attempt(self, username: str, address: str, now: datetime) -> int:
        """Count this attempt; 0 when it may go on to the password check, else the
        seconds until it may be tried again."""
        cutoff = now - WINDOW
        wait = 0
        async with self.db.write() as conn:
            col = login_failures.c
            expired = col.window_start <= cutoff
            for key, limit in _keys(username, address):
                first = {"key": key, "count": 1, "window_start": now}
                count, started = await upsert(conn, login_failures, first, ["key"], {
                    "count": case((expired, 1), else_=col.count + 1),
                    "window_start": case((expired, literal(now, UTCDateTime())), else_=col.window_start),
                }, returning=(col.count, col.window_start))
                if count > limit:
                    wait = max(wait, ceil((started + WINDOW - now).total_seconds()))
            self._attempts += 1
            if self._attempts % _PRUNE_EVERY == 0:  # forget quiet keys, so the table stays small
                await conn.execute(delete(login_failures).where(col.window_start <= cutoff))
        return max(wait, 1) if wait else 0

    async def succeeded(self, username: str, address: str) -> None:
        (user_key, _), (addr_key, _) = _keys(username, address)
        async with self.db.write() as conn:
            await conn.execute(delete(login_failures).where(login_failures.c.key == user_key))
            await conn.execute(
                update(login_failures).where(login_failures.c.key == addr_key, login_failures.c.count > 0)
                .values(count=login_failures.c.count - 1)
            )
