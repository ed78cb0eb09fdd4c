"""Notices through the API: create, read, list, edit, and the refusals."""

from __future__ import annotations

from conftest import notice_body, publish
from refusals import refused


async def test_create_returns_a_draft_with_every_field(client, staff) -> None:
    resp = await client.post("/api/v1/notices", json=notice_body(), headers=staff["ed"])
    assert resp.status == 201
    n = await resp.json()
    assert resp.headers["Location"] == f"/api/v1/notices/{n['id']}"
    assert n["status"] == "draft" and n["index_no"] is None and n["live_revision"] is None
    assert n["pending_revision"] == {"revision": 1, "state": "draft"}
    assert n["title"] == "每月18日大型招聘會" and n["category"] == "news"
    assert n["meta"]["doc_number"] == "江人社〔2011〕12號"
    assert n["schedule"]["dwell_s"] == 10
    assert n["created_by"] == "ed"
    assert n["review"]["waiting_for"] is None
    assert [s["role"] for s in n["review"]["steps"]] == ["reviewer"]
    got = await client.get(f"/api/v1/notices/{n['id']}", headers=staff["rev"])
    assert (await got.json()) == n


async def test_validation_names_the_field_and_writes_nothing(client, staff) -> None:
    cases = [
        (notice_body(title="x" * 201), "title"),
        (notice_body(summary="x" * 501), "summary"),
        (notice_body(body="x" * 100_001), "body"),
        (notice_body(led_text="x" * 501), "led_text"),
        (notice_body(category="weather"), "category"),
        (notice_body(locations=["hall-moon"]), "locations"),
        (notice_body(priority="whenever"), "priority"),
        (notice_body(channels=["fax"]), "channels.0"),
        (notice_body(meta={"keywords": ["k"] * 51}), "meta.keywords"),
        (notice_body(schedule={"start": "2026-12-01T09:00:00"}), "schedule.start"),
        (notice_body(colour="red"), "colour"),
        ({"category": "news"}, "title"),
    ]
    for body, field in cases:
        resp = await client.post("/api/v1/notices", json=body, headers=staff["ed"])
        assert resp.status == 422, field
        err = (await resp.json())["error"]
        assert err["code"] == "validation_failed"
        assert field in err["message"], (field, err["message"])
        assert any(d["field"].startswith(field) for d in err["details"]), (field, err["details"])
    listing = await (await client.get("/api/v1/notices", headers=staff["ed"])).json()
    assert listing["items"] == []


async def test_malformed_json_is_400_and_huge_body_is_413(client, staff) -> None:
    resp = await client.post("/api/v1/notices", data=b"{not json", headers=staff["ed"])
    assert resp.status == 400
    assert (await resp.json())["error"]["code"] == "malformed_json"
    resp = await client.post("/api/v1/notices", data=b'{"title": "' + b"x" * (1024 * 1024 + 10) + b'"}',
                             headers={**staff["ed"], "Content-Type": "application/json"})
    assert resp.status == 413
    assert (await resp.json())["error"]["code"] == "body_too_large"


async def test_unknown_notice_is_404(client, staff) -> None:
    for path in ["/api/v1/notices/999", "/api/v1/notices/abc", "/api/v1/notices/999/history"]:
        resp = await client.get(path, headers=staff["ed"])
        assert resp.status == 404, path
        assert (await resp.json())["error"]["code"] == "not_found"


async def test_list_filters_and_cursor_pagination(client, staff) -> None:
    ids = []
    for i in range(5):
        body = notice_body(title=f"公告{i}", category="news" if i % 2 else "guides")
        resp = await client.post("/api/v1/notices", json=body, headers=staff["ed"])
        ids.append((await resp.json())["id"])
    live = await publish(client, staff, title="已發佈的公告")
    page1 = await (await client.get("/api/v1/notices?limit=4", headers=staff["ed"])).json()
    assert [n["id"] for n in page1["items"]] == [live["id"], *reversed(ids[2:])]
    second = f"/api/v1/notices?limit=4&cursor={page1['next_cursor']}"
    page2 = await (await client.get(second, headers=staff["ed"])).json()
    assert [n["id"] for n in page2["items"]] == [ids[1], ids[0]] and page2["next_cursor"] is None
    drafts = await (await client.get("/api/v1/notices?status=draft&category=guides", headers=staff["ed"])).json()
    assert [n["title"] for n in drafts["items"]] == ["公告4", "公告2", "公告0"]
    found = await (await client.get("/api/v1/notices?q=已發佈", headers=staff["ed"])).json()
    assert [n["id"] for n in found["items"]] == [live["id"]]
    by_index = await (await client.get(f"/api/v1/notices?q={live['index_no']}", headers=staff["ed"])).json()
    assert [n["id"] for n in by_index["items"]] == [live["id"]]
    for bad in ["status=gone", "limit=0", "limit=101", "cursor=x", "category=weather"]:
        resp = await client.get(f"/api/v1/notices?{bad}", headers=staff["ed"])
        await refused(resp, 422, "validation_failed")
        assert bad.split("=")[0] in (await resp.json())["error"]["message"]


async def test_editing_a_live_notice_keeps_the_live_revision_until_approval(client, staff) -> None:
    live = await publish(client, staff, title="原標題")
    nid = live["id"]
    resp = await client.put(f"/api/v1/notices/{nid}", json=notice_body(title="新標題"), headers=staff["ed2"])
    assert resp.status == 200
    edited = await resp.json()
    assert edited["status"] == "live" and edited["live_revision"] == 1
    assert edited["pending_revision"] == {"revision": 2, "state": "draft"}
    portal = await (await client.get(f"/notices/{nid}")).text()
    assert "原標題" in portal and "新標題" not in portal
    assert (await client.post(f"/api/v1/notices/{nid}/submit", headers=staff["ed2"])).status == 200
    # 409 while a revision is in review
    resp = await client.put(f"/api/v1/notices/{nid}", json=notice_body(title="第三版"), headers=staff["ed"])
    assert resp.status == 409 and (await resp.json())["error"]["code"] == "in_review"
    portal = await (await client.get(f"/notices/{nid}")).text()
    assert "原標題" in portal and "新標題" not in portal
    resp = await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": 2}, headers=staff["rev"])
    assert resp.status == 200
    approved = await resp.json()
    assert approved["live_revision"] == 2 and approved["pending_revision"] is None
    assert approved["index_no"] == live["index_no"]  # permanent
    portal = await (await client.get(f"/notices/{nid}")).text()
    assert "新標題" in portal and "原標題" not in portal


async def test_editing_a_draft_in_place_adds_its_author(client, staff) -> None:
    resp = await client.post("/api/v1/notices", json=notice_body(), headers=staff["ed"])
    nid = (await resp.json())["id"]
    both = await staff.add("both", "editor", "reviewer")  # may edit and review
    resp = await client.put(f"/api/v1/notices/{nid}", json=notice_body(title="改過"), headers=both)
    assert (await resp.json())["pending_revision"] == {"revision": 1, "state": "draft"}  # the same revision
    await client.post(f"/api/v1/notices/{nid}/submit", headers=staff["ed"])
    # editing the draft made "both" one of its authors: not in their queue, and refused
    queue = await (await client.get("/api/v1/review-queue", headers=both)).json()
    assert nid not in [item["id"] for item in queue["items"]]
    resp = await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": 1}, headers=both)
    assert resp.status == 403
    assert (await resp.json())["error"]["code"] == "four_eyes"
    resp = await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": 1}, headers=staff["rev"])
    assert resp.status == 200
