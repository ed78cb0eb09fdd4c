"""The search index of live notices, one interface over SQLite FTS5 and PostgreSQL.

Both keep the folded token text (tokens.py) of each public notice in `notice_search`
(publisher/store/tables.py), one row per notice: `title`, and `body` (summary, body,
index number, document number, issuing body, keywords); `index_key` and `doc_key` hold
the index number and document number as exact keys (tokens.exact_key), so that a query which *is* one of
them ranks that notice first. SQLite indexes the token text with the FTS5 table
`notice_fts` over that table (external content, kept in step by triggers); PostgreSQL
with stored tsvector columns and a GIN index. Both are created by migration 0007.

Results: exact number matches first, then title matches, then the newest (`live_since`),
then by id; only rows whose `visible_from` (the schedule's start, else the first
approval) has come.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, delete, insert, text
from sqlalchemy.ext.asyncio import AsyncConnection

from publisher.search_index.query import fts5_match, pg_tsquery
from publisher.search_index.tokens import exact_key, index_text
from publisher.store.tables import notice_search
from publisher.store.types import UTCDateTime

MAX_PAGE = 100
# How far paging may go: a result list is for reading, not for harvesting the record.
MAX_OFFSET = 10_000

# What migration 0007 creates beside the notice_search table (kept here for
# create_schema, which tests use on bare databases; the migration has its own copy).
SQLITE_DDL = (
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
    "ALTER TABLE notice_search ADD COLUMN title_tsv TSVECTOR "
    "GENERATED ALWAYS AS (to_tsvector('simple', title)) STORED",
    "ALTER TABLE notice_search ADD COLUMN all_tsv TSVECTOR "
    "GENERATED ALWAYS AS (to_tsvector('simple', title || ' ' || body)) STORED",
    "CREATE INDEX notice_search_all_tsv ON notice_search USING GIN (all_tsv)",
)

_NOW = bindparam("now", type_=UTCDateTime())

# One statement gives the page and the total (count(*) OVER (): the matches are all
# visited for the ordering anyway, so the total costs no second MATCH).
_SQLITE_SEARCH = text(
    """SELECT s.notice_id,
              s.notice_id IN (SELECT rowid FROM notice_fts WHERE notice_fts MATCH :title_match) AS title_hit,
              (s.index_key = :exact OR s.doc_key = :exact) AS exact_hit,
              count(*) OVER () AS total
       FROM notice_fts JOIN notice_search s ON s.notice_id = notice_fts.rowid
       WHERE notice_fts MATCH :match AND s.visible_from <= :now
       ORDER BY exact_hit DESC, title_hit DESC, s.live_since DESC, s.notice_id DESC
       LIMIT :limit OFFSET :offset"""
).bindparams(_NOW)
_SQLITE_COUNT = text(
    """SELECT count(*) FROM notice_fts JOIN notice_search s ON s.notice_id = notice_fts.rowid
       WHERE notice_fts MATCH :match AND s.visible_from <= :now"""
).bindparams(_NOW)

_PG_SEARCH = text(
    """SELECT notice_id, title_tsv @@ q AS title_hit, (index_key = :exact OR doc_key = :exact) AS exact_hit,
              count(*) OVER () AS total
       FROM notice_search, to_tsquery('simple', :tsquery) AS q
       WHERE all_tsv @@ q AND visible_from <= :now
       ORDER BY exact_hit DESC, title_hit DESC, live_since DESC, notice_id DESC
       LIMIT :limit OFFSET :offset"""
).bindparams(_NOW)
_PG_COUNT = text(
    """SELECT count(*) FROM notice_search
       WHERE all_tsv @@ to_tsquery('simple', :tsquery) AND visible_from <= :now"""
).bindparams(_NOW)


@dataclass(frozen=True)
class SearchDocument:
    """What the index knows of one public notice (its live revision)."""

    notice_id: int
    title: str
    body: str  # summary, body, numbers, issuing body, keywords: already joined
    live_since: datetime
    visible_from: datetime | None = None  # None: from live_since
    index_no: str | None = None  # matched exactly too (ranked first)
    doc_number: str | None = None


@dataclass(frozen=True)
class SearchPage:
    notice_ids: list[int]
    title_hits: list[bool]
    total: int
    exact_hits: list[bool] | None = None


def _is_sqlite(conn: AsyncConnection) -> bool:
    return conn.dialect.name == "sqlite"


async def create_schema(conn: AsyncConnection) -> None:
    """The index on a bare database (tests); a real one gets it from migration 0007."""
    await conn.run_sync(lambda sync: notice_search.create(sync))
    for statement in SQLITE_DDL if _is_sqlite(conn) else POSTGRES_DDL:
        await conn.execute(text(statement))


def row_of(doc: SearchDocument) -> dict[str, object]:
    """The notice_search row of a document (folding and tokens done here)."""
    if doc.live_since.tzinfo is None:
        raise ValueError("live_since must carry its time zone")
    return {
        "notice_id": doc.notice_id,
        "title": index_text(doc.title),
        "body": index_text(doc.body),
        "index_key": exact_key(doc.index_no or ""),  # "" when none: never a query's key
        "doc_key": exact_key(doc.doc_number or ""),
        "live_since": doc.live_since,
        "visible_from": doc.visible_from or doc.live_since,
    }


async def upsert(conn: AsyncConnection, doc: SearchDocument) -> None:
    """Index (or re-index) a notice's live revision, in the caller's transaction."""
    await upsert_many(conn, [doc])


async def upsert_many(conn: AsyncConnection, docs: list[SearchDocument]) -> None:
    """Index many notices at once (imports, rebuilds), in the caller's transaction."""
    if not docs:
        return
    rows = [row_of(d) for d in docs]
    # delete + insert keeps one statement shape for both databases and fires the
    # FTS triggers with the old tokens
    await conn.execute(delete(notice_search).where(notice_search.c.notice_id.in_([r["notice_id"] for r in rows])))
    await conn.execute(insert(notice_search), rows)


async def remove(conn: AsyncConnection, notice_id: int) -> None:
    """A withdrawn (or no longer public) notice leaves the index."""
    await conn.execute(delete(notice_search).where(notice_search.c.notice_id == notice_id))


async def search(
    conn: AsyncConnection, query: str, now: datetime, limit: int = 20, offset: int = 0
) -> SearchPage:
    """One page of the notices matching `query` that are public at `now`, best first."""
    if not 1 <= limit <= MAX_PAGE or not 0 <= offset <= MAX_OFFSET:
        raise ValueError(f"limit must be 1 to {MAX_PAGE} and offset 0 to {MAX_OFFSET}")
    page = {"limit": limit, "offset": offset, "now": now, "exact": exact_key(query)}
    if _is_sqlite(conn):
        match = fts5_match(query)
        if match is None:
            return SearchPage([], [], 0, [])
        params = {"match": match, "title_match": fts5_match(query, column="title"), **page}
        rows = (await conn.execute(_SQLITE_SEARCH, params)).all()
        count, count_params = _SQLITE_COUNT, {"match": match, "now": now}
    else:
        tsquery = pg_tsquery(query)
        if tsquery is None:
            return SearchPage([], [], 0, [])
        rows = (await conn.execute(_PG_SEARCH, {"tsquery": tsquery, **page})).all()
        count, count_params = _PG_COUNT, {"tsquery": tsquery, "now": now}
    if rows:
        total = int(rows[0].total)
    else:  # past the last page (or nothing at all): the total needs its own count
        total = int((await conn.execute(count, count_params)).scalar_one()) if offset else 0
    return SearchPage(
        [int(r[0]) for r in rows], [bool(r[1]) for r in rows], total, [bool(r[2]) for r in rows]
    )
