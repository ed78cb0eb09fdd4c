"""The staff pages of issue 10: the audit trail (admins), changing one's own password,
the password rules on the people pages, and the recall button."""

from __future__ import annotations

from conftest import PASSWORD
from refusals import refused, refused_page
from web_support import post_form, sign_in, text_of

NEW = "a brand new passphrase"


async def test_the_audit_page_lists_what_happened(client, staff) -> None:
    await client.post("/api/v1/auth/login", json={"username": "boss", "password": "not the password"})
    await sign_in(client, "boss")
    resp = await client.get("/staff/audit")
    assert resp.status == 200
    text = text_of(await resp.text())
    assert "稽核紀錄" in text and "登入失敗" in text and "127.0.0.1" in text and "boss 登入 boss" in text
    assert "not the password" not in text
    await refused_page(await client.get("/staff/audit?cursor=abc"), 422, "invalid cursor")
    await sign_in(client, "ed")
    await refused_page(await client.get("/staff/audit"), 403, "this page needs the role admin")
    await refused_page(await client.get("/staff/audit?cursor=abc"), 403, "this page needs the role admin")


async def test_changing_ones_own_password_on_the_page(client, staff) -> None:
    await sign_in(client, "ed")
    resp = await post_form(client, "/staff/password", {"current": "wrong one here", "new": NEW})
    assert resp.status == 403 and "目前的密碼不正確。" in await resp.text()
    resp = await post_form(client, "/staff/password", {"current": PASSWORD, "new": "password1234"})
    html = await resp.text()
    assert resp.status == 422 and 'id="f-new-error"' in html
    resp = await post_form(client, "/staff/password", {"current": PASSWORD, "new": NEW})
    assert resp.status == 303 and resp.headers["Location"] == "/staff/login?done=password"
    assert "密碼已變更" in await (await client.get(resp.headers["Location"])).text()
    assert (await client.get("/staff/notices", allow_redirects=False)).status == 303  # signed out
    await refused(await client.get("/api/v1/notices", headers=staff["ed"]), 401, "unauthorized")  # tokens too
    await sign_in(client, "ed", NEW)


async def test_people_pages_apply_the_password_rules(client, staff) -> None:
    await sign_in(client, "boss")
    resp = await post_form(client, "/staff/users", [("username", "clerk"), ("password", "password1234"),
                                                    ("roles", "editor")])
    assert resp.status == 422 and 'id="f-password-error"' in await resp.text()
    resp = await post_form(client, "/staff/users", [("username", "clerk"), ("password", NEW), ("roles", "editor")])
    assert resp.status == 303
    items = (await (await client.get("/api/v1/audit", headers=staff["boss"])).json())["items"]
    assert ("user_created", "boss", "clerk") in [(e["action"], e["actor"], e["target"]) for e in items]


async def test_the_author_withdraws_from_review_with_a_button(client, staff, helpers) -> None:
    resp = await client.post("/api/v1/notices", json=helpers.notice_body(), headers=staff["ed"])
    nid = (await resp.json())["id"]
    await client.post(f"/api/v1/notices/{nid}/submit", headers=staff["ed"])
    await sign_in(client, "ed2")
    resp = await post_form(client, f"/staff/notices/{nid}/recall", {}, token_from=f"/staff/notices/{nid}")
    await refused_page(resp, 403, "only an author of the revision may withdraw it from review")
    await sign_in(client, "ed")
    html = await (await client.get(f"/staff/notices/{nid}")).text()
    assert f'action="/staff/notices/{nid}/recall"' in html
    resp = await post_form(client, f"/staff/notices/{nid}/recall", {}, token_from=f"/staff/notices/{nid}")
    assert resp.status == 303 and resp.headers["Location"] == f"/staff/notices/{nid}?done=recalled"
    assert (await (await client.get(f"/api/v1/notices/{nid}", headers=staff["ed"])).json())["status"] == "draft"
