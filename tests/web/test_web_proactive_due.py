"""The staff overview's proactive-disclosure deadlines: a notice not yet public must be
within 20 working days of its meta.issued_on (DISCLOSURE.md); the overview lists the
overdue ones and those due within 5 working days, and forgets a notice once public."""

from __future__ import annotations

from conftest import notice_body, publish
from web_support import sign_in, text_of


async def _draft(client, staff, title: str, issued_on: str, submit: bool = False) -> int:
    resp = await client.post("/api/v1/notices", json=notice_body(title=title, meta={"issued_on": issued_on}),
                             headers=staff["ed"])
    assert resp.status == 201, await resp.text()
    nid = (await resp.json())["id"]
    if submit:
        assert (await client.post(f"/api/v1/notices/{nid}/submit", headers=staff["ed"])).status == 200
    return int(nid)


def _section(page: str) -> str:
    start = page.index("主動公開：到期與逾期")
    return page[start:page.index("主動公開的信息應自成文之日起", start)]


async def test_overview_lists_overdue_and_due_soon_proactive_items(client, staff) -> None:
    # the clock stands at Tuesday 1 December 2026
    await _draft(client, staff, "十月成文的草稿", "2026-10-09")
    await _draft(client, staff, "十月成文的送審稿", "2026-10-12", submit=True)
    # Thursday 5 November + 20 working days (no holiday in between) = Thursday 3 December
    await _draft(client, staff, "十一月成文的草稿", "2026-11-05")
    await _draft(client, staff, "今天成文的草稿", "2026-12-01")
    await publish(client, staff, title="已公開的舊文件", meta={"issued_on": "2026-10-09"})
    await sign_in(client, "ed")
    section = _section(text_of(await (await client.get("/staff/")).text()))
    overdue, soon = section.split("5 個工作日內到期", 1)[0], section
    assert "十月成文的草稿" in overdue and "十月成文的送審稿" in overdue and "已逾期" in overdue
    assert "十一月成文的草稿" in soon and "2026-12-03" in soon
    assert "今天成文的草稿" not in section  # due in January
    assert "已公開的舊文件" not in section  # public: nothing left to hurry


async def test_nothing_due_says_so(client, staff) -> None:
    await _draft(client, staff, "沒有成文日期", "2026-12-01")
    await sign_in(client, "ed")
    section = _section(text_of(await (await client.get("/staff/")).text()))
    assert "沒有逾期或 5 個工作日內到期的主動公開信息" in section
