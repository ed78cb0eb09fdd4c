"""Issue 10 in a real browser: the reviewer's decision is tied to the revision on their
screen (the swap of defect 1 is refused on the page), the author withdraws from review
with a button and cannot reject their own revision, and signing out ends a cookie that
was copied before (defect 4)."""

from __future__ import annotations

from aiohttp.test_utils import TestClient
from conftest import PASSWORD, Staff, notice_body
from refusals import refused, refused_page


async def sign_in(page, base: str, username: str) -> None:
    await page.goto(base + "/staff/login")
    await page.get_by_label("使用者名稱").fill(username)
    await page.get_by_label("密碼").fill(PASSWORD)
    await page.keyboard.press("Enter")
    await page.wait_for_url(base + "/staff/")


async def test_the_reviewer_approves_only_what_is_on_their_screen(live_server, browser) -> None:
    client = TestClient(live_server)
    await client.start_server()
    base = str(live_server.make_url("")).rstrip("/")
    try:
        staff = Staff(client)
        await staff.add("both", "editor", "reviewer")
        await staff.add("rev", "reviewer")
        resp = await client.post("/api/v1/notices", json=notice_body(title="Benign"), headers=staff["both"])
        nid = (await resp.json())["id"]
        await client.post(f"/api/v1/notices/{nid}/submit", headers=staff["both"])

        # the reviewer opens revision 1
        reviewer = await browser.new_context(locale="zh-TW")
        rpage = await reviewer.new_page()
        await sign_in(rpage, base, "rev")
        await rpage.goto(f"{base}/staff/notices/{nid}/review")
        assert "Benign" in await rpage.content()

        # the author, with both roles, cannot reject it on the page either
        author = await browser.new_context(locale="zh-TW")
        apage = await author.new_page()
        await sign_in(apage, base, "both")
        await apage.goto(f"{base}/staff/notices/{nid}/review")
        await apage.get_by_label("意見").fill("我自己退回")
        await apage.get_by_role("button", name="退回").click()
        alert = apage.locator("#review-alert")
        await alert.wait_for()
        assert "四眼原則" in await alert.inner_text()
        # ... but withdraws it from review with the button on the notice page, and edits it
        await apage.goto(f"{base}/staff/notices/{nid}")
        await apage.get_by_role("button", name="撤回送審").click()
        await apage.wait_for_url(f"**/staff/notices/{nid}?done=recalled")
        assert "已撤回送審" in await apage.content()
        resp = await client.put(f"/api/v1/notices/{nid}", json=notice_body(title="SWAPPED content"),
                                headers=staff["both"])
        assert (await resp.json())["pending_revision"]["revision"] == 2
        await client.post(f"/api/v1/notices/{nid}/submit", headers=staff["both"])

        # the reviewer's approval on the old screen names revision 1: refused, explained
        await rpage.get_by_role("button", name="核准").click()
        alert = rpage.locator("#review-alert")
        await alert.wait_for()
        assert "已不是等待審核的版本" in await alert.inner_text()
        notice = await (await client.get(f"/api/v1/notices/{nid}", headers=staff["rev"])).json()
        assert notice["status"] == "in_review" and notice["live_revision"] is None
        await refused_page(await client.get(f"/notices/{nid}"), 404, f"notice {nid} not found")
        # the page now shows revision 2; approving it is what the reviewer read
        assert "SWAPPED content" in await rpage.content() and "第 2 版" in await rpage.content()
        await rpage.get_by_role("button", name="核准").click()
        await rpage.wait_for_url("**/staff/review?done=published*")
        assert "SWAPPED content" in await (await client.get(f"/notices/{nid}")).text()
    finally:
        await client.close()


async def test_signing_out_ends_a_copied_cookie(live_server, browser) -> None:
    client = TestClient(live_server)
    await client.start_server()
    base = str(live_server.make_url("")).rstrip("/")
    try:
        await Staff(client).add("ed", "editor")
        context = await browser.new_context(locale="zh-TW")
        page = await context.new_page()
        await sign_in(page, base, "ed")
        copied = await context.cookies()
        assert any(c["name"] == "publisher_session" for c in copied)
        await page.get_by_role("button", name="登出").click()
        await page.wait_for_url("**/staff/login")
        # someone who copied the cookie before the sign-out tries it
        thief = await browser.new_context(locale="zh-TW")
        await thief.add_cookies(copied)
        tpage = await thief.new_page()
        await tpage.goto(f"{base}/staff/notices")
        assert "/staff/login" in tpage.url
        answer = await tpage.request.get(f"{base}/api/v1/notices")
        await refused(answer, 401, "unauthorized")  # a playwright answer reads the same way
    finally:
        await client.close()
