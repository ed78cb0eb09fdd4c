"""The search index of live notices, one interface over SQLite FTS5 and PostgreSQL.

Both keep the folded token text (tokens.py) of each live notice in `notice_search`, one
row per notice: `title` and `body` (summary, body, index number, document number,
issuing body, keywords). SQLite indexes it with an FTS5 table over that table (external
content, kept in step by triggers); PostgreSQL with a stored tsvector column and a GIN
index. Results are ranked title matches first, then newest first, then by id.

Groundwork: the DDL here is what the later migration will create; `create_schema` exists
for tests and the benchmark.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from publisher.search_index.query import fts5_match, pg_tsquery
from publisher.search_index.tokens import index_text

MAX_PAGE = 100

SQLITE_DDL = (
    """CREATE TABLE notice_search (
        notice_id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        live_since TEXT NOT NULL
    )""",
    # external content: the tokens are stored once, in notice_search
    """CREATE VIRTUAL TABLE notice_fts USING fts5(
        title, body, content='notice_search', content_rowid='notice_id',
        tokenize='unicode61 remove_diacritics 0', prefix='1'
    )""",
    """CREATE TRIGGER notice_search_ai AFTER INSERT ON notice_search BEGIN
        INSERT INTO notice_fts(rowid, title, body) VALUES (new.notice_id, new.title, new.body);
    END""",
    """CREATE TRIGGER notice_search_ad AFTER DELETE ON notice_search BEGIN
        INSERT INTO notice_fts(notice_fts, rowid, title, body)
        VALUES ('delete', old.notice_id, old.title, old.body);
    END""",
    """CREATE TRIGGER notice_search_au AFTER UPDATE ON notice_search BEGIN
        INSERT INTO notice_fts(notice_fts, rowid, title, body)
        VALUES ('delete', old.notice_id, old.title, old.body);
        INSERT INTO notice_fts(rowid, title, body) VALUES (new.notice_id, new.title, new.body);
    END""",
)

POSTGRES_DDL = (
    """CREATE TABLE notice_search (
        notice_id BIGINT PRIMARY KEY,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        live_since TIMESTAMPTZ NOT NULL,
        title_tsv TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple', title)) STORED,
        all_tsv TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple', title || ' ' || body)) STORED
    )""",
    "CREATE INDEX notice_search_all_tsv ON notice_search USING GIN (all_tsv)",
)

_SQLITE_SEARCH = text(
    """SELECT s.notice_id,
              s.notice_id IN (SELECT rowid FROM notice_fts WHERE notice_fts MATCH :title_match) AS title_hit
       FROM notice_fts JOIN notice_search s ON s.notice_id = notice_fts.rowid
       WHERE notice_fts MATCH :match
       ORDER BY title_hit DESC, s.live_since DESC, s.notice_id DESC
       LIMIT :limit OFFSET :offset"""
)
_SQLITE_COUNT = text("SELECT count(*) FROM notice_fts WHERE notice_fts MATCH :match")

_PG_SEARCH = text(
    """SELECT notice_id, title_tsv @@ q AS title_hit
       FROM notice_search, to_tsquery('simple', :tsquery) AS q
       WHERE all_tsv @@ q
       ORDER BY title_hit DESC, live_since DESC, notice_id DESC
       LIMIT :limit OFFSET :offset"""
)
_PG_COUNT = text("SELECT count(*) FROM notice_search WHERE all_tsv @@ to_tsquery('simple', :tsquery)")


@dataclass(frozen=True)
class SearchDocument:
    """What the index knows of one live notice (its live revision)."""

    notice_id: int
    title: str
    body: str  # summary, body, numbers, issuing body, keywords: already joined
    live_since: datetime


@dataclass(frozen=True)
class SearchPage:
    notice_ids: list[int]
    title_hits: list[bool]
    total: int


def _is_sqlite(conn: AsyncConnection) -> bool:
    return conn.dialect.name == "sqlite"


async def create_schema(conn: AsyncConnection) -> None:
    for statement in SQLITE_DDL if _is_sqlite(conn) else POSTGRES_DDL:
        await conn.execute(text(statement))


def _when(conn: AsyncConnection, at: datetime) -> object:
    if at.tzinfo is None:
        raise ValueError("live_since must carry its time zone")
    # SQLite keeps an ISO string in UTC, fixed width, so it sorts in time order
    if _is_sqlite(conn):
        return at.astimezone(timezone.utc).isoformat(timespec="microseconds")
    return at


async def upsert(conn: AsyncConnection, doc: SearchDocument) -> None:
    """Index (or re-index) a notice's live revision, in the caller's transaction."""
    params = {
        "id": doc.notice_id,
        "title": index_text(doc.title),
        "body": index_text(doc.body),
        "live_since": _when(conn, doc.live_since),
    }
    # delete + insert keeps one statement shape for both databases and fires the
    # FTS triggers with the old tokens
    await conn.execute(text("DELETE FROM notice_search WHERE notice_id = :id"), {"id": doc.notice_id})
    await conn.execute(
        text("INSERT INTO notice_search (notice_id, title, body, live_since) VALUES (:id, :title, :body, :live_since)"),
        params,
    )


async def remove(conn: AsyncConnection, notice_id: int) -> None:
    """A withdrawn notice leaves the index."""
    await conn.execute(text("DELETE FROM notice_search WHERE notice_id = :id"), {"id": notice_id})


async def search(conn: AsyncConnection, query: str, limit: int = 20, offset: int = 0) -> SearchPage:
    if not 1 <= limit <= MAX_PAGE or offset < 0:
        raise ValueError(f"limit must be 1 to {MAX_PAGE} and offset not negative")
    page = {"limit": limit, "offset": offset}
    if _is_sqlite(conn):
        match = fts5_match(query)
        if match is None:
            return SearchPage([], [], 0)
        params = {"match": match, "title_match": fts5_match(query, column="title"), **page}
        rows = (await conn.execute(_SQLITE_SEARCH, params)).all()
        total = (await conn.execute(_SQLITE_COUNT, {"match": match})).scalar_one()
    else:
        tsquery = pg_tsquery(query)
        if tsquery is None:
            return SearchPage([], [], 0)
        rows = (await conn.execute(_PG_SEARCH, {"tsquery": tsquery, **page})).all()
        total = (await conn.execute(_PG_COUNT, {"tsquery": tsquery})).scalar_one()
    return SearchPage([int(r[0]) for r in rows], [bool(r[1]) for r in rows], int(total))
