"""Alembic, driven from code: applied on start and by `publisher db upgrade`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
# The newest migration (tests/store/test_migrations_match_tables.py checks that it is
# alembic's head): a database already there needs no alembic at all, whose import alone
# is a few percent of a start.
HEAD = "0009"


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


async def at_head(engine: AsyncEngine) -> bool:
    """Whether the database's schema is HEAD's (False when it has no version yet)."""
    try:
        async with engine.connect() as conn:
            versions = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalars().all()
    except DBAPIError:  # no such table: a new database
        return False
    return list(versions) == [HEAD]


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    if revision == "head" and await at_head(engine):
        return
    from alembic import command

    cfg = alembic_config()

    def run(sync_conn: object) -> None:
        cfg.attributes["connection"] = sync_conn
        command.upgrade(cfg, revision)

    async with engine.begin() as conn:
        await conn.run_sync(run)
