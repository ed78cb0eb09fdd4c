"""Dialect-specific inserts (SQLite and PostgreSQL both say INSERT ... ON CONFLICT,
through different SQLAlchemy constructs), kept here so services stay dialect-free."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from sqlalchemy import CursorResult, Table, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection


def _insert(conn: AsyncConnection, table: Table) -> Any:
    # the dialect's own module: importing the other one costs a SQLite start 20 ms
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)


async def upsert(conn: AsyncConnection, table: Table, values: Mapping[str, Any], key: Sequence[str],
                 changes: Mapping[str, Any], returning: Sequence[Any] = ()) -> Any:
    """Insert `values`; where a row with the same `key` exists, set `changes` on it instead.
    With `returning` columns, the written row's values come back (one statement, atomic)."""
    stmt = _insert(conn, table).values(**values).on_conflict_do_update(index_elements=list(key), set_=dict(changes))
    if returning:
        return (await conn.execute(stmt.returning(*returning))).one()
    await conn.execute(stmt)
    return None


async def insert_missing(conn: AsyncConnection, table: Table, values: Mapping[str, Any]) -> None:
    """Insert `values` unless a row with the same unique key exists already."""
    await conn.execute(_insert(conn, table).values(**values).on_conflict_do_nothing())


def inserted_id(result: CursorResult[Any]) -> int:
    """The primary key of the one row an INSERT added."""
    key = result.inserted_primary_key
    if key is None:
        raise RuntimeError("the INSERT reported no primary key")
    return cast(int, key[0])


async def reserve_ids(conn: AsyncConnection, table: Table, count: int) -> list[int]:
    """`count` new primary keys of `table` (an integer `id`), for a batch insert that must
    link rows to each other without a RETURNING per row. PostgreSQL: taken from the
    column's sequence. SQLite: the ones after the largest, which only holds inside a write
    transaction (BEGIN IMMEDIATE: nobody else can insert meanwhile)."""
    if count <= 0:
        return []
    if conn.dialect.name == "postgresql":
        rows = await conn.execute(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)"),
            {"table": table.name, "count": count},
        )
        return [int(r[0]) for r in rows]
    top = (await conn.execute(select(func.max(table.c.id)))).scalar() or 0
    return list(range(int(top) + 1, int(top) + 1 + count))


async def upsert_many(conn: AsyncConnection, table: Table, rows: Sequence[Mapping[str, Any]],
                      key: Sequence[str]) -> None:
    """Insert `rows` (each with every column); where a row with the same `key` exists,
    replace its other columns instead. In batches of one statement each."""
    for start in range(0, len(rows), 500):
        batch = rows[start:start + 500]
        stmt = _insert(conn, table)
        stmt = stmt.on_conflict_do_update(index_elements=list(key), set_={
            name: stmt.excluded[name] for name in batch[0] if name not in key})
        await conn.execute(stmt, list(batch))
