"""Attachments in a real browser (Debian's chromium, CSP enforced): an editor drops an
image and chooses a PDF on the editor page (uploads with progress, a wrong type refused
in place), removes one, a reviewer sees the files on the review page and approves, and
the citizen downloads the PDF from the portal's notice page with its thumbnail shown.
axe-core finds no serious or critical problem on the editor, review and notice pages."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient
from browser_support import axe_violations, screenshot
from conftest import PASSWORD, Staff, notice_body

from tests.attachments.attachment_samples import image, pdf

DROP = """async ([name, type, data]) => {
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], name, { type }));
  const zone = document.getElementById('dropzone');
  zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
}"""

WATCH_STATUS = """() => {
  window.statuses = [];
  new MutationObserver(() => window.statuses.push(document.getElementById('attachment-status').textContent))
    .observe(document.getElementById('attachment-status'), { childList: true, characterData: true, subtree: true });
}"""


async def sign_in(page: Any, base: str, username: str) -> None:
    await page.goto(base + "/staff/login")
    await page.get_by_label("使用者名稱").fill(username)
    await page.get_by_label("密碼").fill(PASSWORD)
    await page.keyboard.press("Enter")
    await page.wait_for_url(base + "/staff/")


async def axe_free(browser: Any, signed_in: Any, url: str) -> list[dict[str, Any]]:
    """axe-core on `url` as the signed-in person, in a context that lets its script in
    (the pages under test keep their CSP enforced)."""
    context = await browser.new_context(bypass_csp=True, storage_state=await signed_in.storage_state())
    try:
        page = await context.new_page()
        await page.goto(url)
        return await axe_violations(page)
    finally:
        await context.close()


async def test_upload_review_approve_download_in_chromium(live_server: Any, browser: Any, tmp_path: Path) -> None:
    client = TestClient(live_server)
    await client.start_server()
    base = str(live_server.make_url("")).rstrip("/")
    try:
        staff = Staff(client)
        await staff.add("ed", "editor")
        await staff.add("rev", "reviewer")
        resp = await client.post("/api/v1/notices", json=notice_body(title="2026年事業單位公開招聘簡章"),
                                 headers=staff["ed"])
        nid = (await resp.json())["id"]
        problems: list[str] = []

        context = await browser.new_context(viewport={"width": 1360, "height": 900}, locale="zh-TW",
                                            accept_downloads=True)
        context.set_default_timeout(10_000)
        page = await context.new_page()
        page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        await sign_in(page, base, "ed")
        await page.goto(f"{base}/staff/notices/{nid}/edit")
        await page.get_by_label("摘要", exact=True).fill("typed but not saved yet")  # stays through uploads
        await page.evaluate(WATCH_STATUS)
        items = page.locator("#attachment-list li")

        # drag and drop an image
        png = image("PNG", (640, 480))
        await page.evaluate(DROP, ["考場地圖.png", "image/png", base64.b64encode(png).decode()])
        await items.filter(has_text="考場地圖.png").wait_for()
        # the file input (the fallback a keyboard user takes) with a PDF
        document = pdf(pages=3)
        await page.get_by_label("選擇檔案，或把檔案拖放到這裡").set_input_files(
            files=[{"name": "招聘簡章.pdf", "mimeType": "application/pdf", "buffer": document}])
        await items.filter(has_text="招聘簡章.pdf").wait_for()
        statuses = await page.evaluate("window.statuses")
        assert any(s.startswith("正在上傳 招聘簡章.pdf") for s in statuses), statuses
        assert any("100%" in s for s in statuses), statuses  # XHR upload progress reached the end
        assert "PDF ·" in await items.filter(has_text="招聘簡章.pdf").inner_text()
        # a wrong type, whatever its name, is refused in place
        await page.evaluate(DROP, ["偽裝.pdf", "application/pdf", base64.b64encode(b"MZ not a pdf").decode()])
        status = page.locator("#attachment-status")
        await status.filter(has_text="偽裝.pdf 未能加入：不接受這種檔案類型").wait_for()
        assert await items.count() == 2
        # remove the image again, without leaving the page
        await items.filter(has_text="考場地圖.png").get_by_role("button").click()
        await status.filter(has_text="已移除 考場地圖.png").wait_for()
        assert await items.count() == 1
        assert await page.get_by_label("摘要", exact=True).input_value() == "typed but not saved yet"
        assert await axe_free(browser, context, page.url) == []
        await page.locator("#attachments").scroll_into_view_if_needed()
        await screenshot(page, "staff-attachments.png", full_page=False)
        # after a reload the server draws the same list
        await page.reload()
        assert [t.strip() for t in await page.locator("#attachment-list li a").all_inner_texts()] == ["招聘簡章.pdf"]
        await page.get_by_role("button", name="儲存並送審").click()
        await page.wait_for_url("**/staff/notices/*?done=submitted")

        # -- the reviewer reads the files with the text, and approves ----------------------
        reviewer = await browser.new_context(viewport={"width": 1360, "height": 900}, locale="zh-TW")
        reviewer.set_default_timeout(10_000)
        rpage = await reviewer.new_page()
        rpage.on("pageerror", lambda e: problems.append(str(e)))
        await sign_in(rpage, base, "rev")
        await rpage.goto(f"{base}/staff/notices/{nid}/review")
        files = rpage.locator("#review-attachments")
        assert "招聘簡章.pdf" in await files.inner_text()
        assert "考場地圖.png" not in await files.inner_text()
        href = await files.get_by_role("link", name="招聘簡章.pdf").get_attribute("href")
        answer = await reviewer.request.get(base + href)
        assert answer.status == 200 and await answer.body() == document
        assert await axe_free(browser, reviewer, rpage.url) == []
        await rpage.get_by_role("button", name="核准").click()
        await rpage.wait_for_url("**/staff/review?done=published*")

        # -- the public reads and downloads ----------------------------------------------
        public = await browser.new_context(viewport={"width": 375, "height": 800}, locale="zh-TW",
                                           accept_downloads=True, bypass_csp=True)  # for axe-core
        public.set_default_timeout(10_000)
        ppage = await public.new_page()
        ppage.on("pageerror", lambda e: problems.append(str(e)))
        await ppage.goto(f"{base}/notices/{nid}")
        section = ppage.locator("section.attachments")
        assert "PDF ·" in await section.inner_text()
        thumb = section.locator("img").first
        await thumb.wait_for()
        await ppage.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=await thumb.element_handle())
        assert await axe_violations(ppage) == []
        await screenshot(ppage, "portal-attachments.png", full_page=True)
        async with ppage.expect_download() as waiting:
            await section.get_by_role("link", name="招聘簡章.pdf").click()
        download = await waiting.value
        assert download.suggested_filename == "招聘簡章.pdf"
        saved = tmp_path / "saved.pdf"
        await download.save_as(saved)
        assert saved.read_bytes() == document
        assert problems == []
    finally:
        await client.close()
