"""NoticeService without HTTP: the review chain's writes, index numbers, guards and
listeners, and refusals that leave the database as it was."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import services_support
from conftest import notice_body

from publisher.services.notices import NoticeService
from publisher.services.users import Principal
from publisher.settings import Settings
from publisher.store.engine import Database

db = services_support.db  # fixtures shared by the service tests
people = services_support.people
service_settings = services_support.service_settings


@pytest.fixture
def service(db: Database, service_settings: Settings) -> NoticeService:
    return NoticeService(db, service_settings)


async def _approve(service: NoticeService, who: Principal, nid: int, now: datetime) -> dict[str, Any]:
    # One place that says how an approval is asked for (the API's body): it names the
    # revision waiting, as a reviewer who read it would.
    waiting = (await service.get(nid))["pending_revision"]
    return await service.approve(who, nid, {"revision": waiting["revision"] if waiting else 1}, now)


async def _in_review(service: NoticeService, people: dict[str, Principal], now: datetime, **over: Any) -> int:
    notice = await service.create(people["ed"], notice_body(**over), now)
    await service.submit(people["ed"], notice["id"], now)
    return notice["id"]


async def test_index_numbers_count_per_year_in_the_bureau_zone(service, people) -> None:
    # 2026-12-31 16:30 UTC is already 2027 in Asia/Shanghai
    instants = [datetime(2026, 6, 1, 2, tzinfo=timezone.utc), datetime(2026, 12, 31, 15, tzinfo=timezone.utc),
                datetime(2026, 12, 31, 16, 30, tzinfo=timezone.utc)]
    numbers = []
    for when in instants:
        nid = await _in_review(service, people, when)
        numbers.append((await _approve(service, people["rev"], nid, when))["index_no"])
    assert numbers == ["007227429/2026-00001", "007227429/2026-00002", "007227429/2027-00001"]


async def test_listeners_hear_of_going_live_and_withdrawal_only(service, people, clock) -> None:
    heard: list[int] = []

    async def listener(notice_id: int) -> None:
        heard.append(notice_id)

    service.listeners.append(listener)
    nid = await _in_review(service, people, clock.now)
    assert heard == []  # a draft or a submission changes nothing public
    await _approve(service, people["rev"], nid, clock.now)
    assert heard == [nid]
    await service.withdraw(people["rev"], nid, {"reason": "內容有誤"}, clock.now)
    assert heard == [nid, nid]


async def test_a_guard_refusal_leaves_nothing_written(service, people, clock) -> None:
    """The guard runs inside the approving transaction: refused, the approval event, the
    live state and the index number are all rolled back."""

    class Refused(Exception):
        code = "refused_by_guard"

    async def guard(content: Any) -> None:
        if "不可顯示" in (content.led_text or ""):
            raise Refused()

    service.guards.append(guard)
    bad = await _in_review(service, people, clock.now, led_text="不可顯示")
    history_before = await _history(service, bad)
    with pytest.raises(Refused):
        await _approve(service, people["rev"], bad, clock.now)
    after = await service.get(bad)
    assert after["status"] == "in_review" and after["index_no"] is None and after["live_revision"] is None
    assert await _history(service, bad) == history_before
    good = await _in_review(service, people, clock.now)
    assert (await _approve(service, people["rev"], good, clock.now))["index_no"].endswith("-00001")  # not used up


async def test_four_eyes_refusals_write_nothing(service, people, clock) -> None:
    nid = (await service.create(people["both"], notice_body(), clock.now))["id"]
    await service.submit(people["both"], nid, clock.now)
    before = await _history(service, nid)
    with pytest.raises(Exception) as refused:
        await _approve(service, people["both"], nid, clock.now)
    assert refused.value.code == "four_eyes"  # type: ignore[attr-defined]
    with pytest.raises(Exception) as refused:
        await _approve(service, people["ed2"], nid, clock.now)  # no reviewer role
    assert refused.value.code == "forbidden"  # type: ignore[attr-defined]
    assert await _history(service, nid) == before
    assert (await service.get(nid))["status"] == "in_review"


async def test_editing_a_live_notice_keeps_it_live_until_the_new_revision_is(service, people, clock) -> None:
    nid = await _in_review(service, people, clock.now, title="原標題")
    live = await _approve(service, people["rev"], nid, clock.now)
    later = clock.now + timedelta(hours=1)
    edited = await service.update(people["ed2"], nid, notice_body(title="新標題"), later)
    assert edited["status"] == "live" and edited["live_revision"] == 1
    assert edited["pending_revision"] == {"revision": 2, "state": "draft"}
    await service.submit(people["ed2"], nid, later)
    approved = await _approve(service, people["rev"], nid, later)
    assert approved["title"] == "新標題" and approved["live_revision"] == 2
    assert approved["index_no"] == live["index_no"]


async def test_bad_input_is_refused_before_any_write(service, people, clock, db) -> None:
    from sqlalchemy import func, select

    from publisher.store.tables import notices

    for bad in [notice_body(category="weather"), notice_body(locations=["hall-moon"]), notice_body(title="")]:
        with pytest.raises(Exception) as refused:
            await service.create(people["ed"], bad, clock.now)
        assert refused.value.code == "validation_failed"  # type: ignore[attr-defined]
    async with db.read() as conn:
        assert (await conn.execute(select(func.count()).select_from(notices))).scalar_one() == 0


async def _history(service: NoticeService, nid: int) -> list[tuple[str, Any]]:
    async with service.db.read() as conn:
        return [(e["action"], e["step"]) for e in await service.reader.history(conn, nid)]
