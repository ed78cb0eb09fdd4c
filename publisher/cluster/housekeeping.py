"""Once-only housekeeping, run by the leader (publisher.cluster.leader)."""

from __future__ import annotations

import structlog
from aiohttp import web
from sqlalchemy import delete

from publisher import keys
from publisher.cluster.leader import leader_job
from publisher.store.tables import api_tokens

log = structlog.get_logger("publisher.cluster.housekeeping")
PRUNE_TOKENS_MINUTES = 60


async def prune_expired_tokens(app: web.Application) -> int:
    """Delete API tokens and session tokens past their expiry (they are refused anyway;
    the rows are dead weight). Returns how many went."""
    async with app[keys.DB].write() as conn:
        result = await conn.execute(delete(api_tokens).where(api_tokens.c.expires_at <= app[keys.CLOCK]()))
    if result.rowcount:
        log.info("expired tokens pruned", count=result.rowcount)
    return int(result.rowcount or 0)


def setup_housekeeping(app: web.Application) -> None:
    leader_job(app, "prune-expired-tokens", prune_expired_tokens, trigger="interval", minutes=PRUNE_TOKENS_MINUTES)
