"""A start skips alembic when the database is at migrate.HEAD; HEAD must be alembic's
head (a new migration that forgets to move it fails here), and a database behind it
is still migrated."""

from __future__ import annotations

from typing import Any

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text

from publisher.store.engine import make_engine
from publisher.store.migrate import HEAD, alembic_config, at_head, upgrade


def test_head_is_alembics_head() -> None:
    assert ScriptDirectory.from_config(alembic_config()).get_heads() == [HEAD]


async def test_a_database_behind_head_is_migrated_and_one_at_head_is_left_alone(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        if database_url.startswith("sqlite"):
            assert not await at_head(engine)  # a new database: no version table yet
        await upgrade(engine)
        assert await at_head(engine)

        def back(sync_conn: Any) -> None:
            cfg = alembic_config()
            cfg.attributes["connection"] = sync_conn
            command.downgrade(cfg, "0008")

        async with engine.begin() as conn:
            await conn.run_sync(back)
        assert not await at_head(engine)
        await upgrade(engine)
        assert await at_head(engine)
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT count(*) FROM revision_derived"))).scalar_one() == 0
    finally:
        await engine.dispose()
