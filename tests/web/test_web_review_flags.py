"""Personal data and secrecy marks on the staff pages: the review page lists them and
needs its checkbox to approve; the editor's preview shows the same flags and the masked
texts; the history says what was confirmed. A browser test drives the checkbox and the
editor's mask button, with axe."""

from __future__ import annotations

from typing import Any

from web_support import post_form, sign_in, text_of

ID_X = "11010519491231002X"
FLAGGED = {"title": "內部：招聘會名單", "body": f"申請人身份證號碼{ID_X}，電話13812345678。"}


async def submitted(client: Any, staff: Any, helpers: Any, **over: Any) -> int:
    resp = await client.post("/api/v1/notices", json=helpers.notice_body(**over), headers=staff["ed"])
    nid = (await resp.json())["id"]
    assert (await client.post(f"/api/v1/notices/{nid}/submit", headers=staff["ed"])).status == 200
    return nid


async def test_the_review_page_lists_flags_and_needs_the_checkbox(client, staff, helpers) -> None:
    nid = await submitted(client, staff, helpers, **FLAGGED)
    await sign_in(client, "rev")
    html = await (await client.get(f"/staff/notices/{nid}/review")).text()
    assert ID_X not in html.split('id="review-flags"')[1].split("</section>")[0]  # the list shows masked forms
    page = text_of(html)
    assert "個人資料與保密標記" in page and "這個版本中有 3 處可能是個人資料或保密標記" in page
    assert "正文 居民身份證號碼 110105********002X" in page and "正文 手機號碼 138****5678" in page
    assert "標題 保密標記 內部" in page
    assert 'name="confirm_flags" value="1"' in html
    resp = await post_form(client, f"/staff/notices/{nid}/review", {"revision": "1", "action": "approve"})
    assert resp.status == 409
    html = await resp.text()
    assert "請逐項核對，勾選確認後再核准" in text_of(html) and 'aria-invalid="true"' in html
    notice = await (await client.get(f"/api/v1/notices/{nid}", headers=staff["ed"])).json()
    assert notice["status"] == "in_review"
    resp = await post_form(client, f"/staff/notices/{nid}/review",
                           {"revision": "1", "action": "approve", "confirm_flags": "1", "comment": "已核對"})
    assert resp.status == 303 and "done=published" in resp.headers["Location"]
    history = text_of(await (await client.get(f"/staff/notices/{nid}")).text())
    assert "rev 核准 第 1 版 1. 保密審查 已核對 （已確認 3 處個人資料或保密標記）" in history


async def test_a_clean_revision_has_no_checkbox(client, staff, helpers) -> None:
    nid = await submitted(client, staff, helpers, title="一般通知")
    await sign_in(client, "rev")
    html = await (await client.get(f"/staff/notices/{nid}/review")).text()
    assert "confirm_flags" not in html and 'id="review-flags"' not in html


async def test_the_preview_flags_what_is_typed_and_masks_it(client, staff) -> None:
    await sign_in(client, "ed")
    form = [("title", "內部通知"), ("summary", "電話 138 1234 5678"), ("body", f"身份證{ID_X}"),
            ("category", "news"), ("channels", "portal"), ("meta.keywords", "招聘、13912345678")]
    resp = await post_form(client, "/staff/preview", form, token_from="/staff/notices/new")
    assert resp.status == 200
    answer = await resp.json()
    assert answer["flags"]["count"] == 4
    rows = [(r["field"], r["kind"], r["masked"]) for r in answer["flags"]["rows"]]
    assert ("正文", "居民身份證號碼", "110105********002X") in rows and ("標題", "保密標記", "內部") in rows
    assert ("關鍵詞 2", "手機號碼", "139****5678") in rows
    assert answer["masked"] == {"summary": "電話 138 **** 5678", "body": "身份證110105********002X",
                                "meta.keywords": "招聘、139****5678"}
    clean = await post_form(client, "/staff/preview", [("title", "一般通知"), ("body", "內容")],
                            token_from="/staff/notices/new")
    assert (await clean.json())["flags"] == {"count": 0, "rows": []}
