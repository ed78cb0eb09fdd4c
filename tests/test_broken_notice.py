"""Issue 9: one live notice that cannot be evaluated is left out; everything else goes on.

The broken notice is made the way it happened in the field: a revision approved before
the schedule checks were tightened (stored as it was then), so the rule that dateutil
refuses at run time is in the database.
"""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

from conftest import publish
from sqlalchemy import select, update

from publisher import keys
from publisher.app import create_app
from publisher.domain.live import LiveNotice
from publisher.domain.notices import NoticeIn
from publisher.queue import ContentQueue
from publisher.store.tables import notices, revisions

sys.path.insert(0, str(Path(__file__).parent / "web"))
from web_support import sign_in, text_of  # noqa: E402

BAD_RULE = {"rrule": "FREQ=HOURLY;INTERVAL=2;BYHOUR=8,10,12,14,16", "duration": "PT1H"}


async def break_notice(app, notice_id: int) -> None:
    """Store the old, once-accepted schedule in the notice's live revision."""
    db = app[keys.DB]
    async with db.write() as conn:
        rev_id = (await conn.execute(select(notices.c.live_revision_id).where(notices.c.id == notice_id))).scalar_one()
        content = (await conn.execute(select(revisions.c.content).where(revisions.c.id == rev_id))).scalar_one()
        content = {**content, "schedule": {**content["schedule"], "start": "2026-12-01T09:00:00+08:00",
                                           "recurrence": BAD_RULE}}
        await conn.execute(update(revisions).where(revisions.c.id == rev_id).values(content=content))
    await app[keys.LIVE_SYNC].full()


async def test_a_broken_notice_is_left_out_and_shown_to_staff(client, staff, helpers, settings, clock, aiohttp_client):
    app = client.server.app
    token = await helpers.add_device(client, staff, "k1", "kiosk", "hall-hr")
    good = await publish(client, staff, title="照常播出")
    bad = await publish(client, staff, title="壞了的公告")
    await break_notice(app, bad["id"])

    home = await client.get("/")
    assert home.status == 200
    page = await home.text()
    assert "照常播出" in page and "壞了的公告" not in page
    feed = await client.get(f"/kiosk/v1/k1/feed.json?token={token}")
    assert feed.status == 200
    assert [i["notice_id"] for i in (await feed.json())["rotation"]] == [good["id"]]
    live = await client.get("/api/v1/live?channel=portal", headers=staff["ed"])
    assert live.status == 200 and [i["notice_id"] for i in (await live.json())["rotation"]] == [good["id"]]

    health = await client.get("/healthz")
    body = await health.json()
    assert health.status == 200 and body["status"] == "degraded"
    assert body["broken_notices"] == [bad["id"]] and str(bad["id"]) in body["reasons"][0]
    assert "publisher_broken_notices 1.0" in await (await client.get("/metrics")).text()

    await sign_in(client, "rev")
    overview = text_of(await (await client.get("/staff/")).text())
    assert "有公告無法播出" in overview and "cannot be loaded" in overview

    # A restart (with the scheduler's boundary computation) comes up and serves.
    again = await aiohttp_client(create_app(settings, clock=clock, run_scheduler=True))
    assert (await again.get("/")).status == 200
    assert (await (await again.get("/healthz")).json())["status"] == "degraded"


async def test_healthz_is_503_when_the_database_is_gone(client) -> None:
    await client.server.app[keys.DB].engine.dispose()
    from sqlalchemy.ext.asyncio import create_async_engine

    client.server.app[keys.DB].engine = create_async_engine("postgresql+asyncpg://nobody@127.0.0.1:9/none")
    resp = await client.get("/healthz")
    assert resp.status == 503
    body = await resp.json()
    assert body["status"] == "unavailable" and body["reasons"][0] == "the database cannot be reached"


def test_evaluation_failure_is_isolated_and_logged_once(settings, caplog) -> None:
    """A notice whose schedule raises at evaluation is hidden; the others keep showing."""
    queue = ContentQueue(settings)
    now = datetime(2026, 12, 1, 1, tzinfo=timezone.utc)
    ok = NoticeIn.model_validate({"title": "好", "category": "news", "channels": ["portal"]})
    broken = NoticeIn.model_validate({"title": "壞", "category": "news", "channels": ["portal"]})
    # Bypass validation as a stored revision from an older release would.
    broken.schedule.__dict__["recurrence"] = type("R", (), {
        "until": None, "rule_body": "FREQ=HOURLY;INTERVAL=2;BYHOUR=8", "duration_timedelta": property(lambda s: 0)})()
    queue.replace_all([LiveNotice(1, "A", 1, ok, now, now, "", ""), LiveNotice(2, "B", 1, broken, now, now, "", "")])
    for _ in range(3):
        assert [n.id for n in queue.rotation("portal", None, now).items] == [1]
        queue._showing.clear()
    assert list(queue.broken) == [2]
    rot, _ = queue.preview("portal", None, now)
    assert [n.id for n in rot.items] == [1]
