"""Reviewing in the browser: the queue, the revision beside the live one, approve and
reject, four-eyes refusals explained on the page, the history of a notice."""

from __future__ import annotations

from refusals import refused_page
from web_support import post_form, sign_in, text_of


async def submitted(client, staff, helpers, author: str = "ed", **over) -> int:
    resp = await client.post("/api/v1/notices", json=helpers.notice_body(**over), headers=staff[author])
    nid = (await resp.json())["id"]
    assert (await client.post(f"/api/v1/notices/{nid}/submit", headers=staff[author])).status == 200
    return nid


async def test_queue_review_and_approve(client, staff, helpers) -> None:
    nid = await submitted(client, staff, helpers, title="社保卡換發通知",
                          schedule={"start": "2026-12-01T08:00:00+08:00"})
    await sign_in(client, "rev")
    html = await (await client.get("/staff/review")).text()
    assert "社保卡換發通知" in html and f'href="/staff/notices/{nid}/review"' in html and "第 1 步：保密審查" in html
    html = await (await client.get(f"/staff/notices/{nid}/review")).text()
    assert "這是新公告，尚無上線版本。" in html and "第 1 版正在等待第 1 步：保密審查（角色 reviewer）" in html
    assert 'name="action" value="approve"' in html and 'name="action" value="reject"' in html
    assert 'name="comment"' in html
    resp = await post_form(client, f"/staff/notices/{nid}/review",
                           {"revision": "1", "action": "approve", "comment": "可以發布"})
    assert resp.status == 303 and resp.headers["Location"].startswith("/staff/review?done=published")
    assert "已核准並發布。" in await (await client.get(resp.headers["Location"])).text()
    notice = await (await client.get(f"/api/v1/notices/{nid}", headers=staff["ed"])).json()
    assert notice["status"] == "live" and notice["index_no"]
    # the history tells who did what, when, at which step, and why
    html = text_of(await (await client.get(f"/staff/notices/{nid}")).text())
    assert "2026-12-01 09:00 ed 建立 第 1 版" in html
    assert "rev 核准 第 1 版 1. 保密審查 可以發布" in html and "rev 發布" in html


async def test_rejecting_needs_a_comment_and_keeps_what_was_typed(client, staff, helpers) -> None:
    nid = await submitted(client, staff, helpers)
    await sign_in(client, "rev")
    resp = await post_form(client, f"/staff/notices/{nid}/review",
                           {"revision": "1", "action": "reject", "comment": "  "})
    html = await resp.text()
    assert resp.status == 422
    assert 'id="f-comment-error"' in html and "退回時請寫明原因。" in html and 'aria-invalid="true"' in html
    resp = await post_form(client, f"/staff/notices/{nid}/review",
                           {"revision": "1", "action": "reject", "comment": "日期寫錯了"})
    assert resp.status == 303 and "done=rejected" in resp.headers["Location"]
    notice = await (await client.get(f"/api/v1/notices/{nid}", headers=staff["ed"])).json()
    assert notice["status"] == "draft"
    html = text_of(await (await client.get(f"/staff/notices/{nid}")).text())
    assert "rev 退回 第 1 版 1. 保密審查 日期寫錯了" in html


async def test_the_authors_approve_is_refused_with_a_clear_message(client, staff, helpers) -> None:
    await staff.add("both", "editor", "reviewer")
    nid = await submitted(client, staff, helpers, author="both")
    await sign_in(client, "both")
    assert f"/staff/notices/{nid}/review" not in await (await client.get("/staff/review")).text()  # not theirs
    resp = await post_form(client, f"/staff/notices/{nid}/review",
                           {"revision": "1", "action": "approve", "comment": "自己核准"})
    html = await resp.text()
    assert resp.status == 403
    assert "依「四眼原則」，這個修訂不能由您核准" in html and 'role="alert"' in html
    assert 'name="action" value="approve"' in html and "自己核准" in html  # still the review page
    notice = await (await client.get(f"/api/v1/notices/{nid}", headers=staff["ed"])).json()
    assert notice["status"] == "in_review"
    # a person without the step's role is told so on the page as well
    await sign_in(client, "ed2")
    resp = await post_form(client, f"/staff/notices/{nid}/review", {"revision": "1", "action": "approve"})
    assert resp.status == 403 and "您的帳號沒有這項操作所需的角色。" in await resp.text()


async def test_a_new_revision_is_shown_beside_the_live_one_word_by_word(client, staff, helpers) -> None:
    live = await helpers.publish(client, staff, title="每月18日大型招聘會",
                                 body="時間：每月18日上午9:00\n\n地點：人力資源市場")
    resp = await client.put(f"/api/v1/notices/{live['id']}", json=helpers.notice_body(
        title="每月18日大型招聘會", body="時間：每週二上午9:30\n\n地點：人力資源市場三樓"), headers=staff["ed2"])
    assert resp.status == 200
    assert (await client.post(f"/api/v1/notices/{live['id']}/submit", headers=staff["ed2"])).status == 200
    await sign_in(client, "rev2")
    html = await (await client.get(f"/staff/notices/{live['id']}/review")).text()
    assert "上線版本（第 1 版）" in html and "待審核（第 2 版）" in html
    assert '<del class="d"><span class="sr">［刪除］</span>月18日</del>' in html
    assert '<ins class="i"><span class="sr">［新增］</span>週二</ins>' in html
    assert '<ins class="i"><span class="sr">［新增］</span>三樓</ins>' in html
    assert '<tr class="changed">' in html
    resp = await post_form(client, f"/staff/notices/{live['id']}/review", {"revision": "2", "action": "approve"})
    assert resp.status == 303
    assert "三樓" in await (await client.get(f"/notices/{live['id']}")).text()


async def test_withdrawing_needs_a_reason(client, staff, helpers) -> None:
    live = await helpers.publish(client, staff, title="臨時停水")
    await sign_in(client, "rev")
    resp = await post_form(client, f"/staff/notices/{live['id']}/withdraw", {"reason": ""},
                           token_from=f"/staff/notices/{live['id']}")
    assert resp.status == 422 and 'id="f-reason-error"' in await resp.text()
    resp = await post_form(client, f"/staff/notices/{live['id']}/withdraw", {"reason": "已恢復供水"},
                           token_from=f"/staff/notices/{live['id']}")
    assert resp.status == 303
    await refused_page(await client.get(f"/notices/{live['id']}"), 404, f"notice {live['id']} not found")
    html = text_of(await (await client.get(f"/staff/notices/{live['id']}")).text())
    assert "已撤回" in html and "rev 撤回 — — 已恢復供水" in html


async def test_notice_list_filters(client, staff, helpers) -> None:
    await helpers.publish(client, staff, title="已上線的公告")
    await submitted(client, staff, helpers, title="審核中的公告")
    await sign_in(client, "ed")
    html = await (await client.get("/staff/notices?status=in_review")).text()
    assert "審核中的公告" in html and "已上線的公告" not in html
    html = await (await client.get("/staff/notices?q=上線")).text()
    assert "已上線的公告" in html and "審核中的公告" not in html


async def test_a_longer_chain_shows_who_did_the_earlier_steps(aiohttp_client, database_url, tmp_path, clock,
                                                              helpers) -> None:
    from conftest import ROOT, Staff, make_settings

    from publisher.app import create_app

    settings = make_settings(database_url, tmp_path, config=ROOT / "config" / "three-step.toml")
    client = await aiohttp_client(create_app(settings, clock=clock, run_scheduler=False))
    team = Staff(client)
    await team.add("ed", "editor")
    await team.add("head", "section-head")
    await team.add("rev", "reviewer")
    await team.add("lead", "leader", "reviewer")
    nid = await submitted(client, team, helpers)
    assert (await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": 1, "comment": "同意"},
                              headers=team["head"])).status == 200
    await sign_in(client, "rev")
    html = text_of(await (await client.get(f"/staff/notices/{nid}/review")).text())
    assert "第 1 版正在等待第 2 步：保密審查（角色 reviewer）。 由 ed 於 2026-12-01 09:00 送審。" in html
    assert "1. 科室負責人審核 — head 於 2026-12-01 09:00 核准" in html
    assert "2. 保密審查 — 等待中" in html and "3. 分管領導審批 — 尚未輪到" in html
    resp = await post_form(client, f"/staff/notices/{nid}/review", {"revision": "1", "action": "approve"})
    assert resp.status == 303 and "done=approved" in resp.headers["Location"]
    # the last step: the leader approves and the notice goes live
    await sign_in(client, "lead")
    assert f"/staff/notices/{nid}/review" in await (await client.get("/staff/review")).text()
    resp = await post_form(client, f"/staff/notices/{nid}/review", {"revision": "1", "action": "approve"})
    assert resp.status == 303 and "done=published" in resp.headers["Location"]


async def test_a_strict_signs_refusal_names_the_sign_on_the_review_page(client, staff, helpers) -> None:
    await helpers.add_device(client, staff, "led-strict", "led", "hall-hr",
                             {"encoding": "gb2312", "unencodable": "strict"})
    nid = await submitted(client, staff, helpers, led_text="臺灣同胞服務窗口", locations=["hall-hr"])
    await sign_in(client, "rev")
    resp = await post_form(client, f"/staff/notices/{nid}/review", {"revision": "1", "action": "approve"})
    html = text_of(await resp.text())
    assert resp.status == 422
    assert "有 LED 顯示屏無法顯示公告的部分文字" in html and "led-strict" in html and "臺" in html
