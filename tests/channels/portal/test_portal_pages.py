"""The public portal: only live notices, metadata, catalog, search, Atom."""

from __future__ import annotations

from datetime import timedelta

import feedparser
from conftest import notice_body, publish
from refusals import refused_page


async def test_pages_show_live_notices_only(client, staff) -> None:
    live = await publish(client, staff, title="社會保險法宣傳月", category="news",
                         meta={"doc_number": "江人社〔2011〕12號", "issuing_org": "江門市人社局",
                               "issued_on": "2011-03-01"})
    draft = await client.post("/api/v1/notices", json=notice_body(title="尚未審核的草稿"), headers=staff["ed"])
    draft_id = (await draft.json())["id"]
    home = await (await client.get("/")).text()
    assert "社會保險法宣傳月" in home and "尚未審核的草稿" not in home
    assert "工作動態" in home and "機構職能" in home  # every category is listed
    page = await client.get(f"/notices/{live['id']}")
    assert page.status == 200
    html = await page.text()
    for expected in [live["index_no"], "工作動態", "江人社〔2011〕12號", "江門市人社局", "2011-03-01", "2026-12-01"]:
        assert expected in html, expected
    await refused_page(await client.get(f"/notices/{draft_id}"), 404, f"notice {draft_id} not found")
    await refused_page(await client.get("/notices/999"), 404, "notice 999 not found")
    await refused_page(await client.get("/notices/abc"), 404, "notice abc not found")


async def test_catalog_lists_by_category_and_404s_unknown_codes(client, staff) -> None:
    await publish(client, staff, title="辦事指南一", category="guides")
    await publish(client, staff, title="部門文件一", category="documents")
    every = await (await client.get("/catalog/")).text()
    assert "辦事指南一" in every and "部門文件一" in every
    guides = await (await client.get("/catalog/guides")).text()
    assert "辦事指南一" in guides and "部門文件一" not in guides
    page = await refused_page(await client.get("/catalog/weather"), 404, "catalog category")
    assert "weather" in page and "not found" in page


async def test_expired_notices_stay_in_the_catalog_marked(client, staff, clock) -> None:
    start = clock.now
    await publish(client, staff, title="已結束的招聘會",
                  schedule={"start": start.isoformat(), "end": (start + timedelta(days=1)).isoformat()})
    assert "已結束的招聘會" in await (await client.get("/")).text()
    clock.advance(days=2)
    assert "已結束的招聘會" not in await (await client.get("/")).text()
    catalog = await (await client.get("/catalog/")).text()
    assert "已結束的招聘會" in catalog and "已過期" in catalog


async def test_future_notices_are_not_public_before_their_start(client, staff, clock) -> None:
    start = clock.now + timedelta(days=3)
    live = await publish(client, staff, title="下月公告", schedule={"start": start.isoformat()})
    await refused_page(await client.get(f"/notices/{live['id']}"), 404, "not found")
    assert "下月公告" not in await (await client.get("/catalog/")).text()
    clock.set(start)
    assert (await client.get(f"/notices/{live['id']}")).status == 200


async def test_search_by_words_index_number_and_document_number(client, staff) -> None:
    a = await publish(client, staff, title="城鎮職工基本醫療保險參保指南", body="參保範圍包括各類用人單位",
                      summary=None, meta={"doc_number": "江人社〔2026〕7號"})
    await publish(client, staff, title="招聘會通知", body="人力資源市場", meta={})

    async def found(q: str) -> bool:
        resp = await client.get("/search", params={"q": q})
        assert resp.status == 200
        return f"/notices/{a['id']}" in await resp.text()

    assert await found("醫療保險")
    assert await found("用人單位")  # body text
    assert await found("医疗保险")  # Simplified finds Traditional
    assert await found(a["index_no"])
    assert await found("〔2026〕7號")
    assert await found("醫療 指南")  # every word must match
    assert not await found("招聘")
    assert not await found("醫療 招聘")
    resp = await client.get("/search", params={"q": "x" * 5000})
    await refused_page(resp, 422, "invalid q: String should have at most 200 characters")


async def test_user_text_is_escaped_everywhere(client, staff) -> None:
    live = await publish(client, staff, title="<script>alert(1)</script>標題",
                         summary="<img src=x onerror=alert(1)>",
                         body="<script>alert(2)</script>\n\n[x](javascript:alert(3))")
    for path in ["/", f"/notices/{live['id']}", "/catalog/", "/search?q=標題"]:
        html = await (await client.get(path)).text()
        assert "<script>alert" not in html, path
        assert "<img src=x" not in html, path
        assert "href=\"javascript:" not in html, path


async def test_atom_feed_is_valid(client, staff) -> None:
    await publish(client, staff, title="第一則", summary="摘要 & 說明")
    await publish(client, staff, title="第二則 <b>", body="**粗體**")
    resp = await client.get("/feed.atom")
    assert resp.status == 200 and resp.headers["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(await resp.read())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    titles = [e.title for e in parsed.entries]
    assert "第一則" in titles and "第二則 <b>" in titles
    entry = parsed.entries[titles.index("第二則 <b>")]
    assert "<strong>粗體</strong>" in entry.content[0].value
    assert entry.link.endswith("/notices/2")


async def test_empty_atom_feed_is_valid(client) -> None:
    parsed = feedparser.parse(await (await client.get("/feed.atom")).read())
    assert not parsed.bozo and parsed.entries == []
