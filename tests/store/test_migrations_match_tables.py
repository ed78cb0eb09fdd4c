"""The migrations build exactly the schema that publisher/store/tables.py declares.

The service queries through tables.py, while a database gets its schema from the
alembic migrations; alembic's autogenerate comparison finds any table, column, type,
nullability, index or foreign key where the two differ, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from publisher.store.engine import make_engine
from publisher.store.migrate import upgrade
from publisher.store.tables import SEARCH_INDEX_EXTRAS, metadata


def _declared_elsewhere(obj: Any, name: str | None, kind: str, reflected: bool, _compare_to: Any) -> bool:
    """False for the search index's per-database parts that tables.py names but cannot
    declare (SEARCH_INDEX_EXTRAS: the FTS5 virtual table and its shadow tables, the
    PostgreSQL tsvector columns and GIN index); everything else is compared."""
    if kind == "table":
        return name not in SEARCH_INDEX_EXTRAS["tables"]
    if kind == "column":
        return (obj.table.name, name) not in SEARCH_INDEX_EXTRAS["columns"]
    if kind == "index":
        return name not in SEARCH_INDEX_EXTRAS["indexes"]
    return True


# Per column: alembic's type comparison is on (the default since alembic 1.12, said here
# because it is the point of the test); server defaults are compared too.
_OPTIONS: dict[str, Any] = {"compare_type": True, "compare_server_default": True,
                            "include_object": _declared_elsewhere}


async def _differences(url: str) -> list[Any]:
    engine = make_engine(url)
    try:
        await upgrade(engine)
        async with engine.connect() as conn:
            return await conn.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync, opts=_OPTIONS), metadata))
    finally:
        await engine.dispose()


async def test_upgraded_database_has_exactly_the_declared_schema(database_url: str) -> None:
    assert await _differences(database_url) == []


async def test_every_declared_table_exists_after_upgrade(database_url: str) -> None:
    """A guard on the comparison itself: it looked at the real tables."""
    engine = make_engine(database_url)
    try:
        await upgrade(engine)
        async with engine.connect() as conn:
            names = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    finally:
        await engine.dispose()
    assert set(metadata.tables) <= names
    assert "alembic_version" in names


async def test_a_drifted_table_is_found(database_url: str) -> None:
    """The check can fail: a column added to the declared schema only is reported."""
    from sqlalchemy import Column, MetaData, String

    drifted = MetaData(naming_convention=metadata.naming_convention)
    for table in metadata.tables.values():
        table.to_metadata(drifted)
    drifted.tables["devices"].append_column(Column("firmware", String(40), nullable=True))
    engine = make_engine(database_url)
    try:
        await upgrade(engine)
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync, opts=_OPTIONS), drifted))
    finally:
        await engine.dispose()
    assert [(d[0], d[3].name) for d in diff] == [("add_column", "firmware")]
