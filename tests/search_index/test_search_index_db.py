"""The search index on a real database: SQLite FTS5, and PostgreSQL when
PUBLISHER_TEST_POSTGRES_URL is set (the `database_url` fixture skips it with a reason
otherwise). Ranking: title matches first, then the newest."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from publisher.search_index import index
from publisher.search_index.index import SearchDocument
from publisher.search_index.tokens import fold

T0 = datetime(2026, 3, 1, tzinfo=timezone.utc)
NOW = T0 + timedelta(days=100)

NOTICES = [
    # id, title, body, days after T0 (newer is larger)
    (1, "關於2026年高校畢業生就業工作的通知", "各單位：為做好畢業生就業工作……", 1),
    (2, "江門市社會保險繳費基數調整公告", "本次調整涉及畢業生就業見習補貼。", 5),
    (3, "2026年春季招聘會安排", "招聘會於三月舉行，歡迎高校畢業生參加。索引號 44070000/2026-00012", 3),
    (4, "人才引進辦法（已廢止）", "本辦法自公佈之日起施行。文號 江人社發〔2026〕12號", 9),
    (5, "高校毕业生就业见习通知", "简体写成的通知。", 2),
]


async def _index_schema(conn: AsyncConnection) -> None:
    """The PostgreSQL fixture hands over a migrated database (0007 made the index)."""
    tables = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
    if "notice_search" not in tables:
        await index.create_schema(conn)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(database_url)
    async with engine.begin() as conn:
        await _index_schema(conn)
        for notice_id, title, body, days in NOTICES:
            await index.upsert(conn, SearchDocument(notice_id, title, body, T0 + timedelta(days=days)))
    yield engine
    await engine.dispose()


async def ids(engine: AsyncEngine, query: str, **page: int) -> list[int]:
    async with engine.connect() as conn:
        return (await index.search(conn, query, NOW, **page)).notice_ids


async def test_title_matches_come_first_then_the_newest(engine: AsyncEngine) -> None:
    # titles with 畢業生就業: 1 (day 1), 5 (day 2, written in Simplified);
    # bodies only: 2 (day 5); 3 has 畢業生 but not 畢業生就業
    assert await ids(engine, "畢業生就業") == [5, 1, 2]
    assert await ids(engine, "毕业生") == [5, 1, 2, 3]


async def test_simplified_traditional_and_full_width_queries_find_the_same(engine: AsyncEngine) -> None:
    expected = await ids(engine, "招聘會")
    assert expected == [3]
    assert await ids(engine, "招聘会") == expected
    assert await ids(engine, "２０２６年春季") == await ids(engine, "2026年春季") == [3]


async def test_index_and_document_numbers_match_exactly(engine: AsyncEngine) -> None:
    assert await ids(engine, "44070000/2026-00012") == [3]
    assert await ids(engine, "44070000/2026-00013") == []
    assert await ids(engine, "江人社發〔2026〕12號") == [4]
    assert await ids(engine, "江人社发〔2026〕13号") == []


async def test_a_single_character_finds_it_anywhere_in_a_run(engine: AsyncEngine) -> None:
    # 廢 is only in the middle of 已廢止 in notice 4's title
    assert await ids(engine, "廢") == [4]
    assert await ids(engine, "止") == [4]


async def test_every_term_must_match(engine: AsyncEngine) -> None:
    assert await ids(engine, "高校 招聘") == [3]
    assert await ids(engine, "高校 社保不存在") == []


async def test_hostile_queries_are_plain_text(engine: AsyncEngine) -> None:
    for query in ['" OR "', "NEAR(高校 招聘)", "title:招聘", "招聘 OR 1=1", "') & !('", "*"]:
        async with engine.connect() as conn:
            await index.search(conn, query, NOW)  # no syntax error from either database
    assert await ids(engine, "招聘 OR 人才") == []  # OR is a word, not an operator


async def test_pages_and_total(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        first = await index.search(conn, "毕业生", NOW, limit=2)
        second = await index.search(conn, "毕业生", NOW, limit=2, offset=2)
    assert first.total == second.total == 4
    assert first.notice_ids + second.notice_ids == [5, 1, 2, 3]
    assert first.title_hits == [True, True] and second.title_hits == [False, False]
    async with engine.connect() as conn:
        with pytest.raises(ValueError):
            await index.search(conn, "x", NOW, limit=0)
        with pytest.raises(ValueError):
            await index.search(conn, "x", NOW, limit=101)


async def test_edits_and_withdrawals_keep_the_index_in_step(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        # notice 3 gets a new approved revision without 招聘; notice 1 is withdrawn
        await index.upsert(conn, SearchDocument(3, "2026年春季交流會安排", "時間另行通知", T0 + timedelta(days=10)))
        await index.remove(conn, 1)
    assert await ids(engine, "招聘") == []
    assert await ids(engine, "交流會") == [3]
    assert await ids(engine, "畢業生就業") == [5, 2]


async def test_nothing_searchable_asks_nothing(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        page = await index.search(conn, "，。！", NOW)
    assert page.notice_ids == [] and page.total == 0


# Property: after any sequence of approvals (upsert) and withdrawals (remove), the index
# answers a query exactly as a scan of the live set does. Texts and queries are drawn
# from a few characters so that matches are common.
CHARS = "高校毕業生就业招聘會，"
op = st.one_of(
    st.tuples(st.just("upsert"), st.integers(1, 6), st.text(CHARS, min_size=1, max_size=12)),
    st.tuples(st.just("remove"), st.integers(1, 6), st.just("")),
)


def scan(live: dict[int, tuple[str, datetime]], query: str) -> set[int]:
    terms = fold(query).split()
    return {i for i, (text, _) in live.items() if all(t in fold(text) for t in terms)}


@settings(max_examples=40, deadline=None)
@given(ops=st.lists(op, max_size=12), query=st.text("高校毕業生就业招聘會", min_size=1, max_size=4))
def test_the_index_answers_as_a_scan_of_the_live_set(ops: list[tuple[str, int, str]], query: str) -> None:
    async def run() -> tuple[set[int], set[int]]:
        engine = create_async_engine("sqlite+aiosqlite://")
        live: dict[int, tuple[str, datetime]] = {}
        try:
            async with engine.begin() as conn:
                await index.create_schema(conn)
                for n, (kind, notice_id, text) in enumerate(ops):
                    if kind == "upsert":
                        live[notice_id] = (text, T0 + timedelta(minutes=n))
                        await index.upsert(conn, SearchDocument(notice_id, text, "", live[notice_id][1]))
                    else:
                        live.pop(notice_id, None)
                        await index.remove(conn, notice_id)
                found = await index.search(conn, query, NOW, limit=100)
        finally:
            await engine.dispose()
        return set(found.notice_ids), scan(live, query)

    found, expected = asyncio.run(run())
    assert found == expected


async def test_newest_first_follows_approval_time_not_the_id(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:  # notice 1 is edited and approved again, last of all
        await index.upsert(conn, SearchDocument(1, "關於2026年高校畢業生就業工作的通知", "", T0 + timedelta(days=20)))
    assert await ids(engine, "畢業生就業") == [1, 5, 2]


async def test_an_exact_number_comes_before_title_matches(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await index.upsert(conn, SearchDocument(
            6, "轉發江人社發〔2026〕12號文的通知", "", T0 + timedelta(days=30)))
        await index.upsert(conn, SearchDocument(
            4, "人才引進辦法（已廢止）", "本辦法自公佈之日起施行。", T0 + timedelta(days=9),
            index_no="44070000/2026-00004", doc_number="江人社發〔2026〕12號"))
    async with engine.connect() as conn:
        page = await index.search(conn, "江人社发[2026]12号", NOW)
    assert page.notice_ids == [4, 6] and page.exact_hits == [True, False] and page.title_hits == [False, True]
    assert await ids(engine, "44070000/2026-00004") == [4]


async def test_the_total_stops_counting_past_the_limit(database_url: str) -> None:
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as conn:
            await _index_schema(conn)
            await index.upsert_many(conn, [
                SearchDocument(i, f"第{i}期招聘會", "", T0 + timedelta(minutes=i)) for i in range(1, 211)
            ])
        async with engine.connect() as conn:
            first = await index.search(conn, "招聘會", NOW)
            last = await index.search(conn, "招聘會", NOW, limit=20, offset=index.MAX_RESULTS - 20)
            with pytest.raises(ValueError):
                await index.search(conn, "招聘會", NOW, limit=20, offset=index.MAX_RESULTS - 19)
    finally:
        await engine.dispose()
    assert first.total == index.MAX_RESULTS + 1 and first.more_than_max
    assert first.notice_ids == list(range(210, 190, -1))
    assert last.notice_ids == list(range(30, 10, -1))


async def test_a_notice_before_its_start_is_not_found(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await index.upsert(conn, SearchDocument(7, "下月招聘會", "", T0, visible_from=NOW + timedelta(days=1)))
    assert await ids(engine, "下月招聘") == []
    async with engine.connect() as conn:
        later = await index.search(conn, "下月招聘", NOW + timedelta(days=1))
    assert later.notice_ids == [7] and later.total == 1
