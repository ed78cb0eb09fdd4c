"""A notice's document kind and validity (meta.doc_kind, meta.validity, meta.repealed_on):
refused when incomplete, editable in the editor, shown in the API and on the portal, and
a repealed notice stays in the record."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import notice_body, publish
from refusals import refused
from web_support import post_form, sign_in, text_of

META = {"doc_number": "江人社〔2011〕12號", "issuing_org": "江門市人力資源和社會保障局"}


@pytest.mark.parametrize(
    ("meta", "field", "words"),
    [
        ({"validity": "repealed"}, "meta.repealed_on", "required when validity is repealed"),
        ({"validity": "in_force", "repealed_on": "2020-01-01"}, "meta.repealed_on", "only a repealed document"),
        ({"repealed_on": "2020-01-01"}, "meta.repealed_on", "only a repealed document"),
        ({"validity": "repealed", "repealed_on": "2010-01-01", "issued_on": "2011-03-01"}, "meta.repealed_on",
         "must not be before issued_on"),
        ({"validity": "repealed", "repealed_on": "not a date"}, "meta.repealed_on", "valid date"),
        ({"doc_kind": "law"}, "meta.doc_kind", "'rule', 'normative' or 'other'"),
        ({"validity": "expired"}, "meta.validity", "'in_force' or 'repealed'"),
    ],
)
async def test_incomplete_validity_is_refused_naming_the_field(client, staff, meta: dict[str, Any], field: str,
                                                              words: str) -> None:
    resp = await client.post("/api/v1/notices", json=notice_body(meta={**META, **meta}), headers=staff["ed"])
    error = await refused(resp, 422, "validation_failed")
    assert error["details"][0]["field"] == field, error
    assert words in error["details"][0]["message"], error
    listed = await (await client.get("/api/v1/notices", headers=staff["ed"])).json()
    assert listed["items"] == []  # nothing written


async def test_defaults_and_a_repealed_notice_stays_in_the_record(client, staff) -> None:
    plain = await publish(client, staff, title="一般通知")
    assert plain["meta"]["doc_kind"] == "other" and plain["meta"]["validity"] == "in_force"
    assert plain["meta"]["repealed_on"] is None
    meta = {**META, "doc_kind": "normative", "validity": "repealed", "repealed_on": "2015-06-30",
            "issued_on": "2011-03-01"}
    live = await publish(client, staff, title="關於招聘會的規定", meta=meta)
    assert live["status"] == "live"
    assert {k: live["meta"][k] for k in ("doc_kind", "validity", "repealed_on")} == {
        "doc_kind": "normative", "validity": "repealed", "repealed_on": "2015-06-30"}
    page = text_of(await (await client.get(f"/notices/{live['id']}")).text())
    assert "已廢止" in page and "2015-06-30" in page and "規範性文件" in page
    catalog = text_of(await (await client.get("/catalog/")).text())
    assert "關於招聘會的規定" in catalog  # kept in the record
    plain_page = text_of(await (await client.get(f"/notices/{plain['id']}")).text())
    assert "已廢止" not in plain_page


async def test_the_editor_edits_kind_and_validity(client, staff) -> None:
    await sign_in(client, "ed")
    form = [("title", "關於招聘會的規定"), ("body", "內容"), ("category", "documents"), ("channels", "portal"),
            ("priority", "normal"), ("schedule.dwell_s", "10"), ("meta.doc_kind", "rule"),
            ("meta.validity", "repealed"), ("meta.repealed_on", ""), ("action", "save")]
    resp = await post_form(client, "/staff/notices/new", form, token_from="/staff/notices/new")
    assert resp.status == 422
    page = text_of(await resp.text())
    assert "廢止日期" in page and "required when validity is repealed" in page
    fixed = [(k, "2016-01-31" if k == "meta.repealed_on" else v) for k, v in form]
    resp = await post_form(client, "/staff/notices/new", fixed, token_from="/staff/notices/new")
    assert resp.status == 303, text_of(await resp.text())
    nid = int(resp.headers["Location"].split("/")[3])
    notice = await (await client.get(f"/api/v1/notices/{nid}", headers=staff["ed"])).json()
    assert notice["meta"]["doc_kind"] == "rule" and notice["meta"]["repealed_on"] == "2016-01-31"
    html = await (await client.get(f"/staff/notices/{nid}/edit")).text()
    assert 'value="rule" selected' in html and 'value="repealed" checked' in html and 'value="2016-01-31"' in html
