"""The kiosk's detail view in Debian's chromium: a notice's files are listed with a QR
code each (an image the page does not fetch: a data: URL), and nothing fails axe-core."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest
from browser_support import axe_violations, screenshot
from conftest import make_settings, notice_body
from kiosk_browser_support import PORTRAIT, SMALL_TEXT, Hall, open_kiosk
from playwright.async_api import expect

from publisher.settings import Settings
from tests.attachments.attachment_samples import ooxml, pdf

pytestmark = pytest.mark.browser


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'publisher.db'}"


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, tmp_path, server={"public_url": "https://notices.example.gov"})


@pytest.fixture
async def hall(live_server):  # type: ignore[no-untyped-def]
    hall = await Hall(live_server).start()
    yield hall
    await hall.close()


async def test_detail_view_shows_files_with_qr_codes(hall, browser, clock) -> None:  # type: ignore[no-untyped-def]
    token = await hall.add_kiosk("k1", "hall-hr")
    client, staff = hall.client, hall.staff
    nid = (await (await client.post("/api/v1/notices", json=notice_body(title="社會保險待遇申領指南"),
                                    headers=staff["ed"])).json())["id"]
    for data, name in ((pdf(), "申領表.pdf"), (ooxml("xl/"), "材料清單.xlsx")):
        body = aiohttp.FormData()
        body.add_field("file", data, filename=name)
        resp = await client.post(f"/api/v1/notices/{nid}/attachments", data=body, headers=staff["ed"])
        assert resp.status == 201, await resp.text()
    number = (await (await client.post(f"/api/v1/notices/{nid}/submit", headers=staff["ed"])).json())[
        "pending_revision"]["revision"]
    resp = await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": number}, headers=staff["rev"])
    assert resp.status == 200

    context, page, errors = await open_kiosk(browser, hall.url("k1", token), PORTRAIT, clock.now)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    await page.click("#nav-browse")
    await page.locator("#categories").get_by_role("button", name="工作動態").click()
    await page.locator("#browse-list .item").first.click()
    files = page.locator("#detail-files")
    await expect(files).to_be_visible()
    await expect(files).to_contain_text("附件（2）")
    await expect(files).to_contain_text("申領表.pdf")
    await expect(files).to_contain_text("Excel")
    codes = files.locator("img.qr")
    await expect(codes).to_have_count(2)
    assert (await codes.first.get_attribute("src") or "").startswith("data:image/svg+xml;")
    # decoded (the page's clock is faked, so no polling on timers)
    width = await codes.first.evaluate("img => img.decode().then(() => img.naturalWidth)")
    assert width > 0
    assert await codes.first.get_attribute("alt") == "申領表.pdf 的下載二維碼"
    assert not any("/attachments/" in url for url in requests)  # the kiosk downloads nothing
    await files.scroll_into_view_if_needed()
    await screenshot(page, "kiosk-attachments.png")
    assert await page.evaluate(SMALL_TEXT) == []
    assert await axe_violations(page) == []
    assert errors == []
    await context.close()
