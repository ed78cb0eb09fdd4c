"""Personal data and secrecy marks at review, through the API: the flags of a revision,
approval refused without confirm_flags, accepted with it, and the confirmation in history."""

from __future__ import annotations

from typing import Any

from conftest import notice_body
from refusals import refused

ID_X = "11010519491231002X"  # GB 11643-1999's example: the check digit is right
CARD = "6222021002123458"  # passes Luhn
FLAGGED = {
    "title": "機密：招聘會名單",
    "summary": "聯絡人電話 138 1234 5678",
    "body": f"申請人身份證號碼{ID_X}，銀行卡{CARD}。\n\n其餘內容。",
    "meta": {"doc_number": "江人社〔2011〕12號", "keywords": ["招聘", "內部"]},
}


async def submitted(client: Any, staff: Any, **over: Any) -> tuple[int, int]:
    resp = await client.post("/api/v1/notices", json=notice_body(**over), headers=staff["ed"])
    assert resp.status == 201, await resp.text()
    nid = (await resp.json())["id"]
    resp = await client.post(f"/api/v1/notices/{nid}/submit", headers=staff["ed"])
    assert resp.status == 200, await resp.text()
    return nid, (await resp.json())["pending_revision"]["revision"]


async def test_the_flags_of_a_revision_name_field_kind_and_masked_form(client, staff) -> None:
    nid, revision = await submitted(client, staff, **FLAGGED)
    resp = await client.get(f"/api/v1/notices/{nid}/flags", headers=staff["rev"])
    assert resp.status == 200
    text = await resp.text()
    assert ID_X not in text and CARD not in text and "13812345678" not in text  # masked forms only
    flags = await resp.json()
    assert flags["notice"] == nid and flags["revision"] == revision and flags["flagged"] is True
    assert flags["kinds"] == {"secrecy_mark": 2, "mobile": 1, "resident_id": 1, "bank_card": 1}
    assert set(flags["fields"]) == {"title", "summary", "body", "meta.keywords[1]"}
    body = [(f["kind"], f["masked"]) for f in flags["fields"]["body"]["findings"]]
    assert body == [("resident_id", "110105********002X"), ("bank_card", "6222********3458")]
    assert flags["fields"]["summary"]["findings"][0]["masked"] == "138 **** 5678"
    assert flags["fields"]["title"]["findings"][0] == {"kind": "secrecy_mark", "start": 0, "end": 2, "masked": "機密"}
    # a clean revision has none
    clean, _ = await submitted(client, staff, title="一般通知")
    assert (await (await client.get(f"/api/v1/notices/{clean}/flags", headers=staff["rev"])).json())["flagged"] is False


async def test_approval_needs_confirm_flags_and_history_records_it(client, staff) -> None:
    nid, revision = await submitted(client, staff, **FLAGGED)
    resp = await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": revision}, headers=staff["rev"])
    error = await refused(resp, 409, "flags_not_confirmed")
    assert "title" in error["message"] and "body" in error["message"] and "confirm_flags" in error["message"]
    assert {"field": "body", "kind": "resident_id", "masked": "110105********002X"} in error["details"]
    notice = await (await client.get(f"/api/v1/notices/{nid}", headers=staff["rev"])).json()
    assert notice["status"] == "in_review" and notice["review"]["steps"][0]["approved_by"] is None
    resp = await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": revision, "confirm_flags": False},
                             headers=staff["rev"])
    await refused(resp, 409, "flags_not_confirmed")
    resp = await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": revision, "confirm_flags": "yes"},
                             headers=staff["rev"])
    error = await refused(resp, 422, "validation_failed")
    assert error["details"][0]["field"] == "confirm_flags"
    resp = await client.post(f"/api/v1/notices/{nid}/approve",
                             json={"revision": revision, "confirm_flags": True, "comment": "已核對，當事人同意公開"},
                             headers=staff["rev"])
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["status"] == "live"
    history = (await (await client.get(f"/api/v1/notices/{nid}/history", headers=staff["ed"])).json())["events"]
    approve = next(e for e in history if e["action"] == "approve")
    assert approve["actor"] == "rev" and approve["comment"] == "已核對，當事人同意公開"
    confirmed = approve["details"]["flags_confirmed"]
    assert {"field": "body", "kind": "bank_card", "masked": "6222********3458"} in confirmed
    assert {"field": "title", "kind": "secrecy_mark", "masked": "機密"} in confirmed and len(confirmed) == 5


async def test_other_refusals_come_before_the_flags(client, staff) -> None:
    nid, revision = await submitted(client, staff, **FLAGGED)
    # an editor may not approve, whatever the flags
    resp = await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": revision}, headers=staff["ed2"])
    await refused(resp, 403, "forbidden")
    resp = await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": revision + 1}, headers=staff["rev"])
    await refused(resp, 409, "revision_changed")
    await refused(await client.get("/api/v1/notices/999/flags", headers=staff["rev"]), 404, "not_found")
    await refused(await client.get(f"/api/v1/notices/{nid}/flags?revision=abc", headers=staff["rev"]), 422,
                  "validation_failed")
    await refused(await client.get(f"/api/v1/notices/{nid}/flags?revision=9", headers=staff["rev"]), 404, "not_found")
    await refused(await client.get(f"/api/v1/notices/{nid}/flags"), 401, "unauthorized")


async def test_attachment_names_registered_by_their_module_are_scanned(client, staff) -> None:
    from publisher import keys

    async def names(_conn: Any, notice_id: int, revision: int) -> list[str]:
        return [f"申請表-{ID_X}.pdf"] if notice_id == nid and revision == 1 else []

    nid, revision = await submitted(client, staff, title="一般通知")
    client.server.app[keys.NOTICES].attachment_names.append(names)
    flags = await (await client.get(f"/api/v1/notices/{nid}/flags", headers=staff["rev"])).json()
    assert list(flags["fields"]) == ["attachments[0]"]
    assert flags["fields"]["attachments[0]"]["findings"][0]["masked"] == "110105********002X"
    resp = await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": revision}, headers=staff["rev"])
    await refused(resp, 409, "flags_not_confirmed")
