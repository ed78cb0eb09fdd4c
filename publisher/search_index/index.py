"""The search index of live notices, one interface over SQLite FTS5 and PostgreSQL.

Both keep the folded token text (tokens.py) of each public notice in `notice_search`
(publisher/store/tables.py), one row per notice: `title`, and `body` (summary, body,
index number, document number, issuing body, keywords); `index_key` and `doc_key` hold
the index number and document number as exact keys (tokens.exact_key). SQLite indexes
the token text with the FTS5 table `notice_fts` over that table (external content, kept
in step by triggers); PostgreSQL with stored tsvector columns and GIN indexes. Both are
created by migration 0007.

Order of the results: notices whose index or document number *is* the query, then
title matches, then the others; newest first within each (`recency`: the second the
live revision was approved, then the notice id). Only rows whose `visible_from` (the
schedule's start, else the first approval) has come.

Bounded work: each group is read newest first and only as far as the page needs
(SQLite's FTS5 walks its rowids, which are the recency keys, backwards and stops), and
the total is counted up to MAX_RESULTS + 1; deeper than MAX_RESULTS nobody pages (a
person narrows the query instead). So a word found in 80,000 notices costs about what
one found in 200 does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, insert, text
from sqlalchemy.ext.asyncio import AsyncConnection

from publisher.search_index.query import fts5_match, pg_tsquery
from publisher.search_index.tokens import exact_key, index_text
from publisher.store.tables import notice_search
from publisher.store.types import UTCDateTime

MAX_PAGE = 100
# Results a query can page through; the total says "more than" past it.
MAX_RESULTS = 200
MAX_NOTICE_ID = 10**9 - 1  # recency_key keeps the id in its last nine digits

# What migration 0007 creates beside the notice_search table (kept here for
# create_schema, which tests use on bare databases; the migration has its own copy).
SQLITE_DDL = (
    """CREATE VIRTUAL TABLE notice_fts USING fts5(
        title, body, content='notice_search', content_rowid='recency',
        tokenize='unicode61 remove_diacritics 0', prefix='1', detail='full'
    )""",
    # titles alone as well: "title matches, newest first" then walks title hits only,
    # instead of every notice that has the words somewhere
    """CREATE VIRTUAL TABLE notice_title_fts USING fts5(
        title, content='notice_search', content_rowid='recency',
        tokenize='unicode61 remove_diacritics 0', prefix='1', detail='full'
    )""",
    """CREATE TRIGGER notice_search_ai AFTER INSERT ON notice_search BEGIN
        INSERT INTO notice_fts(rowid, title, body) VALUES (new.recency, new.title, new.body);
        INSERT INTO notice_title_fts(rowid, title) VALUES (new.recency, new.title);
    END""",
    """CREATE TRIGGER notice_search_ad AFTER DELETE ON notice_search BEGIN
        INSERT INTO notice_fts(notice_fts, rowid, title, body)
        VALUES ('delete', old.recency, old.title, old.body);
        INSERT INTO notice_title_fts(notice_title_fts, rowid, title) VALUES ('delete', old.recency, old.title);
    END""",
    """CREATE TRIGGER notice_search_au AFTER UPDATE ON notice_search BEGIN
        INSERT INTO notice_fts(notice_fts, rowid, title, body)
        VALUES ('delete', old.recency, old.title, old.body);
        INSERT INTO notice_title_fts(notice_title_fts, rowid, title) VALUES ('delete', old.recency, old.title);
        INSERT INTO notice_fts(rowid, title, body) VALUES (new.recency, new.title, new.body);
        INSERT INTO notice_title_fts(rowid, title) VALUES (new.recency, new.title);
    END""",
)

POSTGRES_DDL = (
    "ALTER TABLE notice_search ADD COLUMN title_tsv TSVECTOR "
    "GENERATED ALWAYS AS (to_tsvector('simple', title)) STORED",
    "ALTER TABLE notice_search ADD COLUMN all_tsv TSVECTOR "
    "GENERATED ALWAYS AS (to_tsvector('simple', title || ' ' || body)) STORED",
    "CREATE INDEX notice_search_all_tsv ON notice_search USING GIN (all_tsv)",
    "CREATE INDEX notice_search_title_tsv ON notice_search USING GIN (title_tsv)",
)

_NOW = bindparam("now", type_=UTCDateTime())

_EXACT = text(
    """SELECT notice_id FROM notice_search
       WHERE (index_key = :exact OR doc_key = :exact) AND visible_from <= :now
       ORDER BY recency DESC LIMIT :limit"""
).bindparams(_NOW)

# A group of matches, newest first, as far as :limit. SQLite: the MATCH expression
# decides the group (title only; or everything NOT in the title); FTS5 consumes the
# ORDER BY rowid DESC and stops at the limit.
_SQLITE_GROUP = text(
    """SELECT s.notice_id FROM notice_fts JOIN notice_search s ON s.recency = notice_fts.rowid
       WHERE notice_fts MATCH :match AND s.visible_from <= :now
       ORDER BY notice_fts.rowid DESC LIMIT :limit"""
).bindparams(_NOW)
_SQLITE_TITLE = text(
    """SELECT s.notice_id FROM notice_title_fts JOIN notice_search s ON s.recency = notice_title_fts.rowid
       WHERE notice_title_fts MATCH :match AND s.visible_from <= :now
       ORDER BY notice_title_fts.rowid DESC LIMIT :limit"""
).bindparams(_NOW)
_SQLITE_COUNT = text(
    """SELECT count(*) FROM (
         SELECT 1 FROM notice_fts JOIN notice_search s ON s.recency = notice_fts.rowid
         WHERE notice_fts MATCH :match AND s.visible_from <= :now LIMIT :limit)"""
).bindparams(_NOW)

_PG_TITLE = text(
    """SELECT notice_id FROM notice_search
       WHERE title_tsv @@ to_tsquery('simple', :tsquery) AND visible_from <= :now
       ORDER BY recency DESC LIMIT :limit"""
).bindparams(_NOW)
_PG_REST = text(
    """SELECT notice_id FROM notice_search
       WHERE all_tsv @@ to_tsquery('simple', :tsquery) AND NOT title_tsv @@ to_tsquery('simple', :tsquery)
         AND visible_from <= :now
       ORDER BY recency DESC LIMIT :limit"""
).bindparams(_NOW)
# Few matches (the count stopped before MAX_RESULTS): take them all from the GIN index
# and sort (`recency + 0` keeps the planner off the key's index). Many: walk the key's
# index backwards, which meets 20 matches soon. The planner cannot tell the two apart
# for a word it has no statistics on, and a backward walk for a word that is nowhere
# reads the whole table.
_PG_TITLE_FEW = text(
    """SELECT notice_id FROM notice_search
       WHERE title_tsv @@ to_tsquery('simple', :tsquery) AND visible_from <= :now
       ORDER BY recency + 0 DESC LIMIT :limit"""
).bindparams(_NOW)
_PG_REST_FEW = text(
    """SELECT notice_id FROM notice_search
       WHERE all_tsv @@ to_tsquery('simple', :tsquery) AND NOT title_tsv @@ to_tsquery('simple', :tsquery)
         AND visible_from <= :now
       ORDER BY recency + 0 DESC LIMIT :limit"""
).bindparams(_NOW)
_PG_COUNT = text(
    """SELECT count(*) FROM (
         SELECT 1 FROM notice_search
         WHERE all_tsv @@ to_tsquery('simple', :tsquery) AND visible_from <= :now LIMIT :limit) AS found"""
).bindparams(_NOW)


@dataclass(frozen=True)
class SearchDocument:
    """What the index knows of one public notice (its live revision)."""

    notice_id: int
    title: str
    body: str  # summary, body, issuing body, keywords: already joined (the numbers are added)
    live_since: datetime
    visible_from: datetime | None = None  # None: from live_since
    index_no: str | None = None  # matched exactly too (ranked first)
    doc_number: str | None = None


@dataclass(frozen=True)
class SearchPage:
    notice_ids: list[int]
    title_hits: list[bool]  # found by its title (an exact hit says False: it came first for its number)
    # matches, counted up to MAX_RESULTS + 1 (more_than_max says the count stopped)
    total: int
    exact_hits: list[bool]

    @property
    def more_than_max(self) -> bool:
        return self.total > MAX_RESULTS


def _is_sqlite(conn: AsyncConnection) -> bool:
    return conn.dialect.name == "sqlite"


async def create_schema(conn: AsyncConnection) -> None:
    """The index on a bare database (tests); a real one gets it from migration 0007."""
    await conn.run_sync(lambda sync: notice_search.create(sync))
    for statement in SQLITE_DDL if _is_sqlite(conn) else POSTGRES_DDL:
        await conn.execute(text(statement))


def recency_key(live_since: datetime, notice_id: int) -> int:
    """Newer sorts higher: whole seconds of live_since, then the notice id (unique)."""
    if live_since.tzinfo is None:
        raise ValueError("live_since must carry its time zone")
    if not 0 < notice_id <= MAX_NOTICE_ID:
        raise ValueError(f"notice id {notice_id} out of the index's range")
    return int(live_since.timestamp()) * (MAX_NOTICE_ID + 1) + notice_id


def row_of(doc: SearchDocument) -> dict[str, object]:
    """The notice_search row of a document (folding and tokens done here)."""
    return {
        "recency": recency_key(doc.live_since, doc.notice_id),
        "notice_id": doc.notice_id,
        "visible_from": doc.visible_from or doc.live_since,
        "index_key": exact_key(doc.index_no or ""),  # "" when none: never a query's key
        "doc_key": exact_key(doc.doc_number or ""),
        "title": index_text(doc.title),
        # the numbers are words of the notice too (an exact hit is always a match)
        "body": index_text(" ".join(filter(None, [doc.body, doc.index_no, doc.doc_number]))),
    }


async def upsert(conn: AsyncConnection, doc: SearchDocument) -> None:
    """Index (or re-index) a notice's live revision, in the caller's transaction."""
    await upsert_many(conn, [doc])


async def upsert_many(conn: AsyncConnection, docs: list[SearchDocument]) -> None:
    """Index many notices at once (imports, rebuilds), in the caller's transaction."""
    if not docs:
        return
    rows = [row_of(d) for d in docs]
    # delete + insert: one statement shape for both databases; fires the FTS triggers
    # with the old tokens, and the row takes its new recency key
    await conn.execute(delete(notice_search).where(notice_search.c.notice_id.in_([r["notice_id"] for r in rows])))
    await conn.execute(insert(notice_search), rows)


async def remove(conn: AsyncConnection, notice_id: int) -> None:
    """A withdrawn (or no longer public) notice leaves the index."""
    await conn.execute(delete(notice_search).where(notice_search.c.notice_id == notice_id))


async def _ids(conn: AsyncConnection, statement: Any, params: dict[str, Any]) -> list[int]:
    return [int(r[0]) for r in await conn.execute(statement, params)]


async def search(
    conn: AsyncConnection, query: str, now: datetime, limit: int = 20, offset: int = 0
) -> SearchPage:
    """One page of the notices matching `query` that are public at `now`, best first."""
    if not 1 <= limit <= MAX_PAGE or not 0 <= offset <= MAX_RESULTS - limit:
        raise ValueError(f"limit must be 1 to {MAX_PAGE} and offset + limit at most {MAX_RESULTS}")
    groups: list[tuple[Any, dict[str, Any]]]  # (statement, parameters): title matches, the rest
    count_params: dict[str, Any]
    if _is_sqlite(conn):
        match = fts5_match(query)
        if match is None:
            return SearchPage([], [], 0, [])
        title_match = fts5_match(query, column="title")
        groups = [(_SQLITE_TITLE, {"match": match}),
                  (_SQLITE_GROUP, {"match": f"({match}) NOT ({title_match})"})]
        count, count_params = _SQLITE_COUNT, {"match": match}
    else:
        tsquery = pg_tsquery(query)
        if tsquery is None:
            return SearchPage([], [], 0, [])
        groups = [(_PG_TITLE, {"tsquery": tsquery}), (_PG_REST, {"tsquery": tsquery})]
        count, count_params = _PG_COUNT, {"tsquery": tsquery}
    total = int((await conn.execute(count, {**count_params, "now": now, "limit": MAX_RESULTS + 1})).scalar_one())
    if total == 0:
        return SearchPage([], [], 0, [])
    if not _is_sqlite(conn) and total <= MAX_RESULTS:
        groups = [(_PG_TITLE_FEW, groups[0][1]), (_PG_REST_FEW, groups[1][1])]
    needed = offset + limit
    exact = await _ids(conn, _EXACT, {"exact": exact_key(query), "now": now, "limit": needed})
    ranked: list[tuple[int, bool, bool]] = [(i, False, True) for i in exact]
    seen = set(exact)
    for is_title, (statement, params) in zip((True, False), groups, strict=True):
        if len(ranked) >= needed:
            break
        # exact hits are in these groups too: read that many more
        for notice_id in await _ids(conn, statement, {**params, "now": now, "limit": needed + len(exact)}):
            if notice_id not in seen:
                seen.add(notice_id)
                ranked.append((notice_id, is_title, False))
    page = ranked[offset:needed]
    return SearchPage([p[0] for p in page], [p[1] for p in page], total, [p[2] for p in page])
