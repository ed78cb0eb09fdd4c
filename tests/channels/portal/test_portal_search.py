"""The portal's /search on the full-text index: ranking, highlighting, exact numbers,
Simplified/Traditional folding, paging, refusals, and the index kept in step with
approvals, edits and withdrawals. Every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from conftest import notice_body, publish
from refusals import refused_page
from sqlalchemy import inspect

from publisher import keys
from publisher.search_index import sync

RESULT_LINK = re.compile(r'<li class="notice[^"]*">\s*<a href="/notices/(\d+)(?:\?[^"]*)?">')


async def search(client: Any, q: str, **params: Any) -> tuple[int, str, list[int]]:
    resp = await client.get("/search", params={"q": q, **params})
    html = await resp.text()
    return resp.status, html, [int(i) for i in RESULT_LINK.findall(html)]


async def found(client: Any, q: str, **params: Any) -> list[int]:
    status, html, ids = await search(client, q, **params)
    assert status == 200, html[:500]
    return ids


async def test_title_matches_first_then_the_newest(client, staff, clock) -> None:
    body_only = await publish(client, staff, title="年度工作計劃", body="推進社會保險擴面", meta={})
    clock.advance(hours=1)
    older_title = await publish(client, staff, title="社會保險繳費通知", body="", meta={})
    clock.advance(hours=1)
    newer_title = await publish(client, staff, title="社会保险待遇调整", body="", meta={})  # written in Simplified
    clock.advance(hours=1)
    newest_body = await publish(client, staff, title="辦事指南", summary="含社會保險查詢", meta={})
    assert await found(client, "社會保險") == [newer_title["id"], older_title["id"], newest_body["id"], body_only["id"]]


async def test_an_index_or_document_number_finds_its_notice_first(client, staff, clock) -> None:
    target = await publish(client, staff, title="醫療保險參保指南", meta={"doc_number": "江人社發〔2026〕7號"})
    clock.advance(hours=1)
    # a newer notice that quotes both numbers in its title: a title match, but not the notice
    quoting = await publish(client, staff, title=f"關於{target['index_no']}及江人社發〔2026〕7號的解讀", meta={})
    assert await found(client, target["index_no"]) == [target["id"], quoting["id"]]
    # the document number in other brackets and Simplified script is the same key
    assert await found(client, "江人社发[2026]7号") == [target["id"], quoting["id"]]
    # one digit off: neither
    assert await found(client, target["index_no"][:-1] + "9") == []
    status, html, _ = await search(client, target["index_no"])
    assert f"<mark>{target['index_no'].split('/')[0]}</mark>" in html


async def test_traditional_simplified_and_every_language_find_the_same(client, staff) -> None:
    a = await publish(client, staff, title="高校畢業生就業見習補貼", body="申請條件與辦理流程", meta={})
    await publish(client, staff, title="招聘會安排", meta={})
    for q in ["畢業生就業", "毕业生就业", "辦理流程", "办理流程", "ＢＹ見習 補貼".replace("ＢＹ", "")]:
        for lang in [None, "zh-Hant", "zh-Hans", "en"]:
            params = {"lang": lang} if lang else {}
            assert await found(client, q, **params) == [a["id"]], (q, lang)
    # found in the body (the summary says something else): the excerpt is the body's, marked
    status, html, _ = await search(client, "办理流程")
    assert "申請條件與<mark>辦理流程</mark>" in html


async def test_matches_are_marked_and_everything_else_escaped(client, staff) -> None:
    live = await publish(client, staff, title="<script>alert(1)</script>就業通知",
                         summary="<img src=x onerror=alert(2)>就業見習", meta={})
    status, html, ids = await search(client, "就业 script")
    assert status == 200 and ids == [live["id"]]
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;<mark>就業</mark>通知" in html
    assert "&lt;img src=x onerror=alert(2)&gt;<mark>就業</mark>見習" in html
    # the query itself is escaped too, in the heading and the search box
    status, html, _ = await search(client, '"><script>alert(3)</script>')
    assert status == 200 and "<script>alert(3)" not in html and "&lt;script&gt;alert(3)" in html


async def test_results_come_in_pages_with_stable_links(client, staff, clock) -> None:
    made = []
    for n in range(23):
        made.append((await publish(client, staff, title=f"第{n}期招聘會", meta={}))["id"])
        clock.advance(minutes=1)
    newest_first = list(reversed(made))
    status, first, ids = await search(client, "招聘會")
    assert ids == newest_first[:20]
    assert "找到 23 則公告" in first and "第 1 頁，共 2 頁" in first
    assert 'rel="next" href="/search?q=%E6%8B%9B%E8%81%98%E6%9C%83&amp;page=2"' in first
    assert 'rel="prev"' not in first
    status, second, ids = await search(client, "招聘會", page="2", lang="en")
    assert ids == newest_first[20:]
    assert 'rel="prev" href="/search?q=%E6%8B%9B%E8%81%98%E6%9C%83&amp;lang=en"' in second
    assert 'rel="next"' not in second and '<ol class="notices results" start="21">' in second
    await refused_page(await client.get("/search", params={"q": "招聘會", "page": "3"}), 404,
                       "page 3 of the results not found")


async def test_bad_parameters_are_refused_by_name(client) -> None:
    for params, message in [
        ({"q": "x", "page": "0"}, "invalid page: Input should be greater than or equal to 1"),
        ({"q": "x", "page": "abc"}, "invalid page: Input should be a valid integer"),
        ({"q": "x", "page": "11"}, "invalid page: Input should be less than or equal to 10"),
        ({"q": "字" * 201}, "invalid q: String should have at most 200 characters"),
    ]:
        await refused_page(await client.get("/search", params=params), 422, message)
    # 200 characters are fine, and so is a query of operators only
    assert (await client.get("/search", params={"q": "字" * 200})).status == 200
    for q in ['" OR "', "NEAR(a b)", "title:x", "') & !('", "*", "\x00"]:
        status, html, ids = await search(client, q)
        assert status == 200 and ids == [], q


async def test_no_query_shows_the_empty_form(client, staff) -> None:
    await publish(client, staff, title="招聘會安排", meta={})
    for path in ["/search", "/search?q=", "/search?q=%20%20"]:
        resp = await client.get(path)
        html = await resp.text()
        assert resp.status == 200
        assert "請輸入標題、正文的字詞，或索引號、文號。" in html and not RESULT_LINK.search(html)


async def test_edits_going_live_and_withdrawals_change_what_is_found(client, staff) -> None:
    live = await publish(client, staff, title="春季招聘會安排", meta={})
    nid = live["id"]
    assert await found(client, "春季招聘") == [nid]
    # an edit is not public until approved: the index still has the live revision
    resp = await client.put(f"/api/v1/notices/{nid}", json=notice_body(title="秋季交流會安排", meta={}),
                            headers=staff["ed"])
    assert resp.status == 200, await resp.text()
    assert await found(client, "春季招聘") == [nid] and await found(client, "秋季交流") == []
    resp = await client.post(f"/api/v1/notices/{nid}/submit", headers=staff["ed"])
    revision = (await resp.json())["pending_revision"]["revision"]
    resp = await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": revision}, headers=staff["rev"])
    assert resp.status == 200, await resp.text()
    assert await found(client, "春季招聘") == [] and await found(client, "秋季交流") == [nid]
    resp = await client.post(f"/api/v1/notices/{nid}/withdraw", json={"reason": "錯誤"}, headers=staff["rev"])
    assert resp.status == 200, await resp.text()
    assert await found(client, "秋季交流") == []
    assert await found(client, live["index_no"]) == []


async def test_only_what_the_portal_shows_is_found(client, staff, clock) -> None:
    later = clock.now + timedelta(days=2)
    future = await publish(client, staff, title="下月招聘會", schedule={"start": later.isoformat()}, meta={})
    kiosk_only = await publish(client, staff, title="大廳招聘會", channels=["kiosk"], meta={})
    draft = await client.post("/api/v1/notices", json={"title": "草稿招聘會", "category": "news"},
                              headers=staff["ed"])
    assert draft.status == 201
    assert await found(client, "招聘會") == []
    clock.set(later)
    assert await found(client, "招聘會") == [future["id"]]
    assert kiosk_only["id"] not in await found(client, "大廳")


async def test_the_index_is_part_of_the_schema_and_rebuilds(client, staff) -> None:
    a = await publish(client, staff, title="城鎮職工醫療保險", meta={})
    db = client.server.app[keys.DB]
    async with db.read() as conn:
        names = await conn.run_sync(lambda s: set(inspect(s).get_table_names()))
        columns = await conn.run_sync(lambda s: {c["name"] for c in inspect(s).get_columns("notice_search")})
    if db.dialect == "sqlite":
        assert "notice_fts" in names
    else:
        assert {"title_tsv", "all_tsv"} <= columns
    async with db.write() as conn:  # lose the index, then rebuild it
        await conn.exec_driver_sql("DELETE FROM notice_search")
    assert await found(client, "醫療保險") == []
    async with db.write() as conn:
        assert await sync.rebuild(conn) == 1
    assert await found(client, "醫療保險") == [a["id"]]


async def test_upgrading_an_existing_database_indexes_its_live_notices(client, staff) -> None:
    from publisher.store.migrate import alembic_config

    a = await publish(client, staff, title="城鎮職工醫療保險", meta={})
    db = client.server.app[keys.DB]

    def migrate(target: str) -> Any:
        from alembic import command

        def run(sync_conn: Any) -> None:
            cfg = alembic_config()
            cfg.attributes["connection"] = sync_conn
            (command.downgrade if target == "0006" else command.upgrade)(cfg, target)
        return run

    async with db.engine.begin() as conn:
        await conn.run_sync(migrate("0006"))
    async with db.engine.begin() as conn:
        await conn.run_sync(migrate("head"))
    assert await found(client, "醫療保險") == [a["id"]]
