"""The review chain through the API: submit, approve, reject, withdraw, four eyes,
history, the review queue, index numbers; and a three-step chain from config."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, Clock, Staff, make_settings, notice_body, publish
from refusals import refused, refused_page

from publisher.app import create_app


async def _draft(client, staff, author="ed", **over):
    resp = await client.post("/api/v1/notices", json=notice_body(**over), headers=staff[author])
    assert resp.status == 201
    return (await resp.json())["id"]


async def test_submit_approve_makes_it_live_with_an_index_number(client, staff) -> None:
    nid = await _draft(client, staff)
    resp = await client.post(f"/api/v1/notices/{nid}/submit", headers=staff["ed"])
    n = await resp.json()
    assert n["status"] == "in_review"
    assert n["review"]["waiting_for"] == {"step": 1, "name": "保密審查", "role": "reviewer"}
    resp = await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": 1, "comment": "可以公開"},
                             headers=staff["rev"])
    assert resp.status == 200
    n = await resp.json()
    assert n["status"] == "live" and n["live_revision"] == 1 and n["pending_revision"] is None
    assert n["index_no"] == "007227429/2026-00001"
    assert n["review"]["steps"][0]["approved_by"] is None  # nothing pending any more
    second = await publish(client, staff, title="第二則")
    assert second["index_no"] == "007227429/2026-00002"


async def test_author_cannot_approve_and_gets_403(client, staff) -> None:
    await staff.add("both", "editor", "reviewer")
    nid = await _draft(client, staff, author="both")
    await client.post(f"/api/v1/notices/{nid}/submit", headers=staff["both"])
    resp = await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": 1}, headers=staff["both"])
    assert resp.status == 403
    assert (await resp.json())["error"]["code"] == "four_eyes"
    # and the notice is not live
    await refused_page(await client.get(f"/notices/{nid}"), 404, f"notice {nid} not found")


async def test_co_author_of_a_draft_cannot_approve_it(client, staff) -> None:
    await staff.add("both", "editor", "reviewer")
    nid = await _draft(client, staff, author="ed")
    await client.put(f"/api/v1/notices/{nid}", json=notice_body(title="改"), headers=staff["both"])
    await client.post(f"/api/v1/notices/{nid}/submit", headers=staff["ed"])
    resp = await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": 1}, headers=staff["both"])
    await refused(resp, 403, "four_eyes")


async def test_wrong_role_for_step_is_403_and_wrong_state_is_409(client, staff) -> None:
    nid = await _draft(client, staff)
    resp = await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": 1}, headers=staff["rev"])
    assert resp.status == 409 and (await resp.json())["error"]["code"] == "not_in_review"
    await client.post(f"/api/v1/notices/{nid}/submit", headers=staff["ed"])
    resp = await client.post(f"/api/v1/notices/{nid}/submit", headers=staff["ed"])
    await refused(resp, 409, "nothing_to_submit")
    resp = await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": 1}, headers=staff["ed2"])
    await refused(resp, 403, "forbidden")
    assert "reviewer" in (await resp.json())["error"]["message"]
    resp = await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": 1, "comment": 5}, headers=staff["rev"])
    await refused(resp, 422, "validation_failed")


async def test_reject_needs_a_reason_and_returns_to_draft(client, staff) -> None:
    nid = await _draft(client, staff)
    await client.post(f"/api/v1/notices/{nid}/submit", headers=staff["ed"])
    for body in [{}, {"reason": ""}, {"reason": "   "}, None]:
        resp = await client.post(f"/api/v1/notices/{nid}/reject", json=body, headers=staff["rev"])
        await refused(resp, 422, "validation_failed")
        assert "reason" in (await resp.json())["error"]["message"]
    resp = await client.post(f"/api/v1/notices/{nid}/reject", json={"revision": 1, "reason": "含有個人信息"},
                             headers=staff["rev"])
    assert resp.status == 200
    n = await resp.json()
    assert n["status"] == "draft" and n["pending_revision"]["state"] == "draft"
    history = (await (await client.get(f"/api/v1/notices/{nid}/history", headers=staff["ed"])).json())["events"]
    assert [e["action"] for e in history] == ["create", "submit", "reject"]
    assert history[-1]["comment"] == "含有個人信息" and history[-1]["actor"] == "rev" and history[-1]["step"] == 1


async def test_withdraw_takes_it_off_everything_at_once(client, staff, helpers) -> None:
    kiosk = await helpers.add_device(client, staff, "k1", "kiosk")
    led = await helpers.add_device(client, staff, "s1", "led")
    live = await publish(client, staff, title="即將撤回的公告", led_text="停水通知")
    nid = live["id"]
    feed = await (await client.get(f"/kiosk/v1/k1/feed.json?token={kiosk}")).json()
    assert [i["notice_id"] for i in feed["rotation"]] == [nid]
    assert "停水通知".encode("gb2312") in await (await client.get(f"/led/v1/signs/s1/feed.txt?token={led}")).read()
    for body, who, status, code in [({}, "rev", 422, "validation_failed"), ({"reason": "x"}, "ed", 403, "forbidden")]:
        resp = await client.post(f"/api/v1/notices/{nid}/withdraw", json=body, headers=staff[who])
        await refused(resp, status, code)
    resp = await client.post(f"/api/v1/notices/{nid}/withdraw", json={"reason": "內容有誤"}, headers=staff["rev"])
    assert resp.status == 200 and (await resp.json())["status"] == "withdrawn"
    await refused_page(await client.get(f"/notices/{nid}"), 404, f"notice {nid} not found")
    assert "即將撤回" not in await (await client.get("/catalog/")).text()
    assert "即將撤回" not in await (await client.get("/feed.atom")).text()
    assert "即將撤回" not in await (await client.get("/search?q=撤回")).text()
    assert (await (await client.get(f"/kiosk/v1/k1/feed.json?token={kiosk}")).json())["rotation"] == []
    assert await (await client.get(f"/led/v1/signs/s1/feed.txt?token={led}")).read() == b""
    resp = await client.post(f"/api/v1/notices/{nid}/withdraw", json={"reason": "again"}, headers=staff["rev"])
    await refused(resp, 409, "withdrawn")
    resp = await client.put(f"/api/v1/notices/{nid}", json=notice_body(), headers=staff["ed"])
    await refused(resp, 409, "withdrawn")
    history = (await (await client.get(f"/api/v1/notices/{nid}/history", headers=staff["ed"])).json())["events"]
    assert history[-1]["action"] == "withdraw" and history[-1]["comment"] == "內容有誤"


async def test_review_queue_shows_what_the_caller_may_approve(client, staff) -> None:
    await staff.add("both", "editor", "reviewer")
    mine = await _draft(client, staff, author="both", title="自己寫的")
    theirs = await _draft(client, staff, author="ed", title="別人寫的")
    await _draft(client, staff, author="ed", title="還是草稿")
    await client.post(f"/api/v1/notices/{mine}/submit", headers=staff["both"])
    await client.post(f"/api/v1/notices/{theirs}/submit", headers=staff["ed"])
    queue = (await (await client.get("/api/v1/review-queue", headers=staff["both"])).json())["items"]
    assert [n["id"] for n in queue] == [theirs]
    queue = (await (await client.get("/api/v1/review-queue", headers=staff["rev"])).json())["items"]
    assert sorted(n["id"] for n in queue) == sorted([mine, theirs])
    assert (await (await client.get("/api/v1/review-queue", headers=staff["ed"])).json())["items"] == []


@pytest.fixture
async def chain_client(aiohttp_client, database_url: str, tmp_path: Path, clock: Clock):
    settings = make_settings(database_url, tmp_path, config=ROOT / "config" / "three-step.toml")
    client = await aiohttp_client(create_app(settings, clock=clock, run_scheduler=False))
    team = Staff(client)
    await team.add("ed", "editor")
    await team.add("head", "section-head")
    await team.add("sec", "reviewer")
    await team.add("lead", "leader")
    await team.add("multi", "section-head", "reviewer", "leader")
    return client, team


async def test_three_step_chain_in_order_by_different_people(chain_client) -> None:
    client, staff = chain_client
    nid = await _draft(client, staff)
    await client.post(f"/api/v1/notices/{nid}/submit", headers=staff["ed"])
    # step 1 needs the section head; the confidentiality reviewer cannot jump ahead
    await refused(await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": 1}, headers=staff["sec"]),
                  403, "forbidden")
    resp = await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": 1}, headers=staff["multi"])
    n = await resp.json()
    assert n["status"] == "in_review" and n["review"]["waiting_for"]["step"] == 2
    assert n["review"]["steps"][0]["approved_by"] == "multi"
    # one person approves at most one step of a revision
    resp = await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": 1}, headers=staff["multi"])
    assert resp.status == 403 and (await resp.json())["error"]["code"] == "four_eyes"
    await refused_page(await client.get(f"/notices/{nid}"), 404, f"notice {nid} not found")
    assert (await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": 1},
                              headers=staff["sec"])).status == 200
    await refused_page(await client.get(f"/notices/{nid}"), 404, f"notice {nid} not found")  # not before the last step
    resp = await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": 1}, headers=staff["lead"])
    assert (await resp.json())["status"] == "live"
    assert (await client.get(f"/notices/{nid}")).status == 200
    history = (await (await client.get(f"/api/v1/notices/{nid}/history", headers=staff["ed"])).json())["events"]
    assert [(e["action"], e["step"], e["actor"]) for e in history] == [
        ("create", None, "ed"), ("submit", None, "ed"), ("approve", 1, "multi"), ("approve", 2, "sec"),
        ("approve", 3, "lead"), ("publish", None, "lead"),
    ]
    assert history[3]["step_name"] == "保密審查"


async def test_rejection_at_a_later_step_restarts_the_chain(chain_client) -> None:
    client, staff = chain_client
    nid = await _draft(client, staff)
    await client.post(f"/api/v1/notices/{nid}/submit", headers=staff["ed"])
    await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": 1}, headers=staff["head"])
    resp = await client.post(f"/api/v1/notices/{nid}/reject", json={"revision": 1, "reason": "涉密"},
                             headers=staff["sec"])
    assert (await resp.json())["status"] == "draft"
    await client.post(f"/api/v1/notices/{nid}/submit", headers=staff["ed"])
    n = await (await client.get(f"/api/v1/notices/{nid}", headers=staff["ed"])).json()
    assert n["review"]["waiting_for"]["step"] == 1
    assert all(s["approved_by"] is None for s in n["review"]["steps"])
    # the head approves step 1 again in the new round
    assert (await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": 1},
                              headers=staff["head"])).status == 200
