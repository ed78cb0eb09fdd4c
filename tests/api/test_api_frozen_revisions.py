"""A reviewer approves what they read (issue 10, defect 1): approve and reject name the
revision, a submitted revision never changes, an author cannot reject their own
revision but can take it back from review (recall)."""

from __future__ import annotations

from conftest import notice_body
from refusals import refused, refused_page


async def _submitted(client, staff, author: str, **over) -> int:
    resp = await client.post("/api/v1/notices", json=notice_body(**over), headers=staff[author])
    assert resp.status == 201, await resp.text()
    nid = (await resp.json())["id"]
    assert (await client.post(f"/api/v1/notices/{nid}/submit", headers=staff[author])).status == 200
    return nid


async def _notice(client, staff, nid: int) -> dict:
    return await (await client.get(f"/api/v1/notices/{nid}", headers=staff["boss"])).json()


async def test_the_swap_after_a_self_reject_cannot_be_published(client, staff) -> None:
    await staff.add("both", "editor", "reviewer")
    nid = await _submitted(client, staff, "both", title="Benign")
    read = (await _notice(client, staff, nid))["pending_revision"]["revision"]  # what the reviewer opened
    assert read == 1
    # the author may not reject their own revision (that was the way to swap the text)
    resp = await client.post(f"/api/v1/notices/{nid}/reject", json={"revision": 1, "reason": "x"},
                             headers=staff["both"])
    assert resp.status == 403 and (await resp.json())["error"]["code"] == "four_eyes"
    # they take it back from review instead, and the edit makes a new revision
    resp = await client.post(f"/api/v1/notices/{nid}/recall", json={}, headers=staff["both"])
    assert resp.status == 200 and (await resp.json())["pending_revision"] == {"revision": 1, "state": "draft"}
    resp = await client.put(f"/api/v1/notices/{nid}", json=notice_body(title="SWAPPED content"), headers=staff["both"])
    assert (await resp.json())["pending_revision"] == {"revision": 2, "state": "draft"}
    assert (await client.post(f"/api/v1/notices/{nid}/submit", headers=staff["both"])).status == 200
    # the reviewer's approval names what they read: refused, and nothing changes
    resp = await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": read}, headers=staff["rev"])
    error = (await resp.json())["error"]
    assert resp.status == 409 and error["code"] == "revision_changed" and error["details"][0]["field"] == "revision"
    notice = await _notice(client, staff, nid)
    assert notice["status"] == "in_review" and notice["live_revision"] is None
    assert notice["review"]["waiting_for"]["step"] == 1
    await refused_page(await client.get(f"/notices/{nid}"), 404, f"notice {nid} not found")
    history = (await (await client.get(f"/api/v1/notices/{nid}/history", headers=staff["rev"])).json())["events"]
    assert "approve" not in [e["action"] for e in history] and "recall" in [e["action"] for e in history]
    # after reading revision 2, the reviewer may approve it
    resp = await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": 2}, headers=staff["rev"])
    assert resp.status == 200 and (await resp.json())["live_revision"] == 2


async def test_approve_and_reject_require_the_revision(client, staff) -> None:
    nid = await _submitted(client, staff, "ed")
    for action, body in (("approve", {}), ("approve", {"comment": "可"}), ("reject", {"reason": "不宜"})):
        resp = await client.post(f"/api/v1/notices/{nid}/{action}", json=body, headers=staff["rev"])
        error = (await resp.json())["error"]
        assert resp.status == 422 and error["code"] == "validation_failed", action
        assert "revision" in error["message"] and error["details"][0]["field"] == "revision"
    for bad in (0, -1, "one", 2**40, None):
        resp = await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": bad}, headers=staff["rev"])
        assert (await refused(resp, 422, "validation_failed"))["details"][0]["field"] == "revision", bad
    resp = await client.post(f"/api/v1/notices/{nid}/reject", json={"revision": 7, "reason": "不宜"},
                             headers=staff["rev"])
    assert resp.status == 409 and (await resp.json())["error"]["code"] == "revision_changed"
    assert (await _notice(client, staff, nid))["status"] == "in_review"


async def test_a_rejected_revision_is_frozen(client, staff) -> None:
    nid = await _submitted(client, staff, "ed", title="第一稿")
    resp = await client.post(f"/api/v1/notices/{nid}/reject", json={"revision": 1, "reason": "改日期"},
                             headers=staff["rev"])
    assert resp.status == 200 and (await resp.json())["pending_revision"] == {"revision": 1, "state": "draft"}
    resp = await client.put(f"/api/v1/notices/{nid}", json=notice_body(title="第二稿"), headers=staff["ed"])
    assert (await resp.json())["pending_revision"]["revision"] == 2
    # a draft never submitted is still edited in place
    resp = await client.put(f"/api/v1/notices/{nid}", json=notice_body(title="第二稿（修）"), headers=staff["ed2"])
    assert (await resp.json())["pending_revision"]["revision"] == 2
    await client.post(f"/api/v1/notices/{nid}/submit", headers=staff["ed"])
    resp = await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": 2}, headers=staff["rev"])
    assert resp.status == 200 and (await resp.json())["title"] == "第二稿（修）"
    # revision 1 still holds what was rejected
    history = (await (await client.get(f"/api/v1/notices/{nid}/history", headers=staff["ed"])).json())["events"]
    assert [(e["action"], e["revision"]) for e in history][:4] == [
        ("create", 1), ("submit", 1), ("reject", 1), ("edit", 2)]


async def test_resubmitting_an_unchanged_rejected_revision_is_a_new_round(client, staff) -> None:
    nid = await _submitted(client, staff, "ed")
    await client.post(f"/api/v1/notices/{nid}/reject", json={"revision": 1, "reason": "再看看"}, headers=staff["rev"])
    assert (await client.post(f"/api/v1/notices/{nid}/submit", headers=staff["ed"])).status == 200
    resp = await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": 1}, headers=staff["rev"])
    assert resp.status == 200 and (await resp.json())["status"] == "live"


async def test_only_an_author_may_recall(client, staff) -> None:
    nid = await _submitted(client, staff, "ed")
    for who in ("ed2", "rev", "boss"):
        resp = await client.post(f"/api/v1/notices/{nid}/recall", json={}, headers=staff[who])
        assert resp.status == 403 and (await resp.json())["error"]["code"] == "forbidden", who
    resp = await client.post(f"/api/v1/notices/{nid}/recall", json={"reason": 5}, headers=staff["ed"])
    assert (await refused(resp, 422, "validation_failed"))["details"][0]["field"] == "reason"
    resp = await client.post(f"/api/v1/notices/{nid}/recall", json={"reason": "還要改"}, headers=staff["ed"])
    assert resp.status == 200 and (await resp.json())["status"] == "draft"
    resp = await client.post(f"/api/v1/notices/{nid}/recall", json={}, headers=staff["ed"])
    assert resp.status == 409 and (await resp.json())["error"]["code"] == "not_in_review"
    await refused(await client.post("/api/v1/notices/999/recall", json={}, headers=staff["ed"]), 404, "not_found")
