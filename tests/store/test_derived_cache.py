"""The derived-fields cache of live revisions (publisher/store/derived.py): a start
reads what loading derived before instead of deriving it again, and no change of a
notice (an edit, a new revision, a withdrawal, an import, a script rewriting a
revision, new code) nor a damaged cache row ever serves a stale or wrong field."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import add_device, notice_body, publish
from sqlalchemy import Text, select, update

from publisher import keys
from publisher.app import create_app
from publisher.services.imports import import_notices
from publisher.store import derived
from publisher.store.live import load_live
from publisher.store.tables import notices, revision_derived, revisions

BODY = "**辦理時間**：上午9:00\n\n[報名表](https://example.org/form)"
BODY_HTML = ('<p><strong>辦理時間</strong>：上午9:00</p>\n'
             '<p><a href="https://example.org/form" rel="noopener noreferrer">報名表</a></p>\n')


@pytest.fixture
def derives(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The revisions derived the long way from here on."""
    calls: list[int] = []
    real = derived.derive

    def spy(revision_id: int, content_text: str, index_no: str | None) -> Any:
        calls.append(revision_id)
        return real(revision_id, content_text, index_no)

    monkeypatch.setattr(derived, "derive", spy)
    return calls


async def feed(client: Any, token: str) -> dict[int, dict[str, Any]]:
    resp = await client.get(f"/kiosk/v1/k1/feed.json?token={token}")
    assert resp.status == 200
    return {item["notice_id"]: item for item in (await resp.json())["rotation"]}


async def cached_rows(app: Any) -> dict[int, Any]:
    async with app[keys.DB].read() as conn:
        return {r.revision_id: r for r in await conn.execute(select(revision_derived))}


async def live_revision(app: Any, notice_id: int) -> int:
    async with app[keys.DB].read() as conn:
        return int((await conn.execute(
            select(notices.c.live_revision_id).where(notices.c.id == notice_id))).scalar_one())


async def rewrite_content(app: Any, revision_id: int, edit: Any) -> None:
    """What a script (or a repair by hand) does: the revision's stored content, edited in place."""
    async with app[keys.DB].write() as conn:
        content = (await conn.execute(select(revisions.c.content).where(revisions.c.id == revision_id))).scalar_one()
        await conn.execute(update(revisions).where(revisions.c.id == revision_id).values(content=edit(content)))


async def test_a_restart_serves_the_cached_fields_without_deriving(client, staff, aiohttp_client, settings, clock,
                                                                    derives) -> None:
    token = await add_device(client, staff, "k1", "kiosk")
    nid = (await publish(client, staff, body=BODY))["id"]
    assert derives  # approving loaded it the long way, and cached it
    assert (await feed(client, token))[nid]["body_html"] == BODY_HTML

    derives.clear()
    again = await aiohttp_client(create_app(settings, clock=clock, run_scheduler=False))
    assert derives == []
    assert (await feed(again, token))[nid]["body_html"] == BODY_HTML
    found = await (await again.get(f"/kiosk/v1/k1/search.json?q=辦理時間&token={token}")).json()
    assert found["notice_ids"] == [nid]


async def test_the_first_start_after_the_upgrade_fills_the_cache(client, staff, aiohttp_client, settings, clock,
                                                                derives) -> None:
    app = client.server.app
    token = await add_device(client, staff, "k1", "kiosk")
    nid = (await publish(client, staff, body=BODY))["id"]
    async with app[keys.DB].write() as conn:
        await conn.execute(revision_derived.delete())  # as migration 0009 leaves it
    derives.clear()
    again = await aiohttp_client(create_app(settings, clock=clock, run_scheduler=False))
    assert (await feed(again, token))[nid]["body_html"] == BODY_HTML
    await again.server.app[keys.LIVE_SYNC].settle()
    assert derives == [await live_revision(app, nid)] and set(await cached_rows(app)) == set(derives)


async def test_cached_and_derived_loads_are_the_same(client, staff, derives) -> None:
    await publish(client, staff, body=BODY)
    await publish(client, staff, title="每日窗口", schedule={
        "start": "2026-11-01T08:00:00+08:00", "end": "2027-01-01T00:00:00Z", "dwell_s": 20,
        "daily": [{"days": ["mon", "fri"], "from": "22:00", "to": "02:30"}],
        "recurrence": {"rrule": "FREQ=WEEKLY;BYDAY=MO", "duration": "P1D"}})
    await publish(client, staff, meta={"doc_number": "第1號", "issued_on": "2026-01-02", "validity": "repealed",
                                       "repealed_on": "2026-06-30", "keywords": ["甲", "乙"], "doc_kind": "rule"})
    db = client.server.app[keys.DB]
    async with db.read() as conn:
        await conn.execute(update(revision_derived).values(digest="-"))  # none holds: the long way
        derives.clear()
        fresh: list[derived.Derived] = []
        long_way = await load_live(conn, fresh=fresh)
    assert len(derives) == 3 and all(f.trusted for f in fresh)
    await derived.save(db, fresh)
    derives.clear()
    async with db.read() as conn:
        cached = await load_live(conn)
    assert derives == [] and cached == long_way
    assert [n.content.model_dump(mode="json") for n in cached] == [n.content.model_dump(mode="json") for n in long_way]


async def test_a_new_revision_is_served_with_its_own_fields(client, staff, derives) -> None:
    token = await add_device(client, staff, "k1", "kiosk")
    nid = (await publish(client, staff, body=BODY))["id"]
    first = await live_revision(client.server.app, nid)
    resp = await client.put(f"/api/v1/notices/{nid}", json=notice_body(body="新的**內容**"), headers=staff["ed2"])
    assert resp.status == 200
    assert (await client.post(f"/api/v1/notices/{nid}/submit", headers=staff["ed2"])).status == 200
    resp = await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": 2}, headers=staff["rev"])
    assert resp.status == 200
    assert (await feed(client, token))[nid]["body_html"] == "<p>新的<strong>內容</strong></p>\n"

    derives.clear()
    await client.server.app[keys.LIVE_SYNC].full()  # as a restart does
    assert derives == []
    assert (await feed(client, token))[nid]["body_html"] == "<p>新的<strong>內容</strong></p>\n"
    assert set(await cached_rows(client.server.app)) == {first, await live_revision(client.server.app, nid)}


async def test_a_withdrawn_notice_stays_off_though_its_fields_are_cached(client, staff) -> None:
    token = await add_device(client, staff, "k1", "kiosk")
    nid = (await publish(client, staff, body=BODY))["id"]
    resp = await client.post(f"/api/v1/notices/{nid}/withdraw", json={"reason": "錯誤"}, headers=staff["rev"])
    assert resp.status == 200
    await client.server.app[keys.LIVE_SYNC].full()
    assert nid not in await feed(client, token)


async def test_a_revision_rewritten_in_place_is_derived_again(client, staff, aiohttp_client, settings,
                                                             clock) -> None:
    """What a script (or a repair by hand) does: the same revision, other content."""
    app = client.server.app
    token = await add_device(client, staff, "k1", "kiosk")
    nid = (await publish(client, staff, body=BODY))["id"]
    rev = await live_revision(app, nid)
    await rewrite_content(app, rev, lambda content: {**content, "title": "改過的標題", "body": "改過的內容"})
    again = await aiohttp_client(create_app(settings, clock=clock, run_scheduler=False))
    item = (await feed(again, token))[nid]
    assert item["title"] == "改過的標題" and item["body_html"] == "<p>改過的內容</p>\n"
    await again.server.app[keys.LIVE_SYNC].settle()  # a start caches in the background
    assert (await cached_rows(app))[rev].body_html == "<p>改過的內容</p>\n"


async def test_imported_notices_are_served_with_their_own_fields(client, staff, derives) -> None:
    app = client.server.app
    line = {"index_no": "007227429/2011-00001", "published_at": "2011-03-02", "status": "live",
            "title": "2011年第1號通知", "body": "歷史**公告**", "category": "documents"}
    await import_notices(app[keys.DB], app[keys.SETTINGS], app[keys.CHANNELS].names,
                         [json.dumps(line, ensure_ascii=False) + "\n"], "h.jsonl", app[keys.CLOCK]())
    await app[keys.LIVE_SYNC].full()  # as the service does when the CLI imported
    [notice] = [n for n in app[keys.QUEUE].live.values() if n.index_no == line["index_no"]]
    assert notice.body_html == "<p>歷史<strong>公告</strong></p>\n" and derives
    page = await (await client.get(f"/notices/{notice.id}")).text()
    assert "<strong>公告</strong>" in page
    derives.clear()
    await app[keys.LIVE_SYNC].full()
    assert derives == [] and app[keys.QUEUE].live[notice.id].body_html == notice.body_html


@pytest.mark.parametrize("damage", [
    {"body_html": "<script>alert(1)</script>"},
    {"search_text": "別的字"},
    {"trusted": False},
    {"digest": "not a digest"},
])
async def test_a_damaged_cache_row_is_ignored_and_replaced(client, staff, derives, damage) -> None:
    app = client.server.app
    token = await add_device(client, staff, "k1", "kiosk")
    nid = (await publish(client, staff, body=BODY))["id"]
    rev = await live_revision(app, nid)
    good = (await cached_rows(app))[rev]
    async with app[keys.DB].write() as conn:
        await conn.execute(update(revision_derived).where(revision_derived.c.revision_id == rev).values(**damage))
    derives.clear()
    await app[keys.LIVE_SYNC].full()
    assert derives == [rev]
    assert app[keys.QUEUE].live[nid].body_html == BODY_HTML
    assert (await feed(client, token))[nid]["body_html"] == BODY_HTML
    assert (await cached_rows(app))[rev] == good  # written again


async def test_a_row_vouching_for_content_it_cannot_rebuild_falls_back_to_validation(client, staff) -> None:
    """Even a row whose digest holds but that trusts a content of another shape (say,
    older) only costs the long way: the notice loads."""
    app = client.server.app
    token = await add_device(client, staff, "k1", "kiosk")
    nid = (await publish(client, staff, body=BODY))["id"]
    rev = await live_revision(app, nid)
    # without "meta": valid (it has a default), not what rebuild expects
    await rewrite_content(app, rev, lambda content: {k: v for k, v in content.items() if k != "meta"})
    async with app[keys.DB].write() as conn:
        text = (await conn.execute(select(revisions.c.content.cast(Text)).where(revisions.c.id == rev))).scalar_one()
        index_no = (await conn.execute(select(notices.c.index_no).where(notices.c.id == nid))).scalar_one()
        forged = derived.digest(text, index_no, True, BODY_HTML, "x")
        await conn.execute(update(revision_derived).where(revision_derived.c.revision_id == rev).values(
            digest=forged, trusted=True, search_text="x"))
    await app[keys.LIVE_SYNC].full()
    assert nid in await feed(client, token)
    assert app[keys.QUEUE].broken == {}
    assert (await cached_rows(app))[rev].trusted is False  # derived again: validated, not rebuilt


async def test_new_code_derives_everything_again(client, staff, derives, monkeypatch) -> None:
    token = await add_device(client, staff, "k1", "kiosk")
    nid = (await publish(client, staff, body=BODY))["id"]
    monkeypatch.setattr(derived, "code_version", lambda: b"the next release")
    derives.clear()
    await client.server.app[keys.LIVE_SYNC].full()
    assert derives == [await live_revision(client.server.app, nid)]
    assert (await feed(client, token))[nid]["body_html"] == BODY_HTML
