"""Review comments and reasons are text fields too: control characters and bidi
overrides are refused with a 422 naming the field (issue 9), and nothing changes."""

from __future__ import annotations

import pytest
from conftest import notice_body
from refusals import refused


@pytest.mark.parametrize("bad", ["ok\x1b[2J", "ok\u202eevil", "nul\x00"])
async def test_review_texts_refuse_control_characters(client, staff, bad: str) -> None:
    resp = await client.post("/api/v1/notices", json=notice_body(), headers=staff["ed"])
    nid = (await resp.json())["id"]
    await client.post(f"/api/v1/notices/{nid}/submit", headers=staff["ed"])
    error = await refused(await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": 1, "comment": bad},
                                            headers=staff["rev"]), 422, "validation_failed")
    assert error["details"][0]["field"] == "comment"
    error = await refused(await client.post(f"/api/v1/notices/{nid}/reject", json={"revision": 1, "reason": bad},
                                            headers=staff["rev"]), 422, "validation_failed")
    assert error["details"][0]["field"] == "reason"
    error = await refused(await client.post(f"/api/v1/notices/{nid}/recall", json={"reason": bad},
                                            headers=staff["ed"]), 422, "validation_failed")
    assert error["details"][0]["field"] == "reason"
    assert (await (await client.get(f"/api/v1/notices/{nid}", headers=staff["ed"])).json())["status"] == "in_review"
    resp = await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": 1, "comment": "可以\n公開\t好"},
                             headers=staff["rev"])
    assert resp.status == 200, await resp.text()
    error = await refused(await client.post(f"/api/v1/notices/{nid}/withdraw", json={"reason": bad},
                                            headers=staff["rev"]), 422, "validation_failed")
    assert error["details"][0]["field"] == "reason"
