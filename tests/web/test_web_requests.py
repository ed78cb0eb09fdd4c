"""The request register's staff pages: register, list and filter, extend and reply
(reviewers and admins), and the overview's due and overdue requests."""

from __future__ import annotations

from datetime import datetime, timezone

from refusals import refused_page
from web_support import post_form, sign_in, text_of

REQUEST = {"received_at": "2026-11-30T10:00", "channel": "post", "applicant.kind": "business",
           "applicant.name": "江門某某有限公司", "applicant.contact": "0750-1234567",
           "description": "請提供招聘會場地租賃合同"}


async def register(client) -> str:
    resp = await post_form(client, "/staff/requests/new", REQUEST)
    assert resp.status == 303, await resp.text()
    return resp.headers["Location"].split("?")[0]


async def test_register_and_answer_on_the_staff_pages(client, staff, helpers) -> None:
    live = await helpers.publish(client, staff)
    await sign_in(client, "ed")
    page = text_of(await (await client.get("/staff/")).text())
    assert "依申請公開" in page and "沒有逾期或 5 個工作日內到期的申請" in page
    where = await register(client)
    detail = text_of(await (await client.get(where + "?done=registered")).text())
    assert "已登記申請" in detail and "江門某某有限公司" in detail and "0750-1234567" in detail
    assert "郵寄" in detail and "商業企業" in detail and "由 ed 登記" in detail
    # received Monday 30 November 2026: the 20th working day after it is Monday 28 December
    assert "2026-12-28" in detail and "剩 19 個工作日" in detail
    assert "延長答覆期限" not in detail  # an editor neither extends nor replies
    refusal = await post_form(client, where + "/extend", {"reason": "x"}, token_from=where)
    await refused_page(refusal, 403, "沒有這項操作所需的角色")

    listing = text_of(await (await client.get("/staff/requests")).text())
    assert "江門某某有限公司" in listing and "辦理中" in listing
    assert "沒有符合的申請" in text_of(await (await client.get("/staff/requests?status=replied")).text())

    await sign_in(client, "rev")
    resp = await post_form(client, where + "/extend", {"reason": "需要第三方意見"}, token_from=where)
    assert resp.status == 303
    detail = text_of(await (await client.get(where)).text())
    assert "需要第三方意見" in detail and "已延長期限" in detail
    again = await post_form(client, where + "/extend", {"reason": "再延"}, token_from="/staff/requests")
    assert again.status == 409 and "依法只能延長一次" in text_of(await again.text())

    bad = await post_form(client, where + "/reply", {"outcome": "disclosed", "text": "已公開", "notice_id": "99999"},
                          token_from=where)
    assert bad.status == 422 and "只能連結已上線的公告" in text_of(await bad.text())
    resp = await post_form(client, where + "/reply",
                           {"outcome": "disclosed", "text": "已於網站公開", "notice_id": str(live["id"])},
                           token_from=where)
    assert resp.status == 303, await resp.text()
    detail = text_of(await (await client.get(where)).text())
    assert "已答覆" in detail and "予以公開" in detail and "已於網站公開" in detail and "答覆並結案" not in detail
    assert "收件" in detail and "延長期限" in detail and "答覆" in detail  # the events


async def test_register_form_mistakes_are_explained(client, staff) -> None:
    await sign_in(client, "ed")
    resp = await post_form(client, "/staff/requests/new", {**REQUEST, "applicant.kind": "", "received_at": "soon"})
    assert resp.status == 422
    text = text_of(await resp.text())
    assert "請修正以下欄位" in text and "申請人類別" in text and "收件時間" in text
    assert "江門某某有限公司" in await resp.text()  # what was typed stays


async def test_overview_lists_overdue_and_due_soon(client, staff, clock) -> None:
    await sign_in(client, "ed")
    await register(client)  # due Monday 28 December 2026
    old = dict(REQUEST, received_at="2026-10-09T10:00")  # received Friday 9 October, due Thursday 5 November: overdue
    resp = await post_form(client, "/staff/requests/new", old)
    assert resp.status == 303
    overview = text_of(await (await client.get("/staff/")).text())
    assert "已逾期" in overview and "2026-11-05" in overview and "2026-12-28" not in overview
    clock.set(datetime(2026, 12, 22, 1, 0, tzinfo=timezone.utc))  # Tuesday 22 December: 4 working days left
    await sign_in(client, "ed")
    overview = text_of(await (await client.get("/staff/")).text())
    assert "5 個工作日內到期" in overview and "2026-12-28" in overview
    overdue_only = text_of(await (await client.get("/staff/requests?overdue=1")).text())
    assert "2026-11-05" in overdue_only and "2026-12-28" not in overdue_only
