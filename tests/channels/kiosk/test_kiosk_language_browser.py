"""The kiosk's language button in chromium: labels and content switch, and the kiosk
falls back to Traditional Chinese at rest; axe in each language."""

from __future__ import annotations

import pytest
from browser_support import axe_violations, screenshot
from kiosk_browser_support import LANDSCAPE, Hall, open_kiosk
from playwright.async_api import expect

pytestmark = pytest.mark.browser
TITLE = "機關事業單位養老保險繳費通知"
SIMPLIFIED = "机关事业单位养老保险缴费通知"


@pytest.fixture
def database_url(tmp_path) -> str:  # type: ignore[no-untyped-def]
    """The page does not care which database is behind the feeds: SQLite only."""
    return f"sqlite+aiosqlite:///{tmp_path / 'publisher.db'}"


async def test_language_button_in_chromium(live_server, browser, clock) -> None:
    hall = await Hall(live_server).start()
    try:
        token = await hall.add_kiosk("k1")
        await hall.publish(title=TITLE, category="documents", channels=["kiosk"],
                           summary="各機關按時繳費。", body="各**機關**按時繳費。")
        context, page, errors = await open_kiosk(browser, hall.url("k1", token), LANDSCAPE, clock.now,
                                                 bypass_csp=False)
        await expect(page.locator("#card-title")).to_have_text(TITLE)
        await page.locator("#language").click()
        await expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
        await expect(page.locator("#card-title")).to_have_text(SIMPLIFIED)
        await expect(page.locator("#nav-browse")).to_contain_text("分类浏览")
        await page.locator("#language").click()
        await expect(page.locator("html")).to_have_attribute("lang", "en")
        await expect(page.locator("#card-title")).to_have_text(TITLE)
        await expect(page.locator("#card-hint")).to_have_text("Touch to read in full")
        await page.locator("#card").click()
        await expect(page.locator("#detail-facts")).to_contain_text("Index number")
        await screenshot(page, "kiosk-en.png")
        await page.locator("#language").click()
        await expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
        assert "lang=" not in page.url
        # the next person finds the kiosk in Traditional Chinese: idle_s without a touch
        await page.locator("#language").click()
        await expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
        await page.clock.fast_forward(95_000)  # idle_s is 90 by default
        await expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
        await expect(page.locator("#card-title")).to_have_text(TITLE)
        assert "lang=" not in page.url
        assert errors == []
        await context.close()
        # axe in each language
        for lang in ("zh-Hant", "zh-Hans", "en"):
            context, page, _ = await open_kiosk(browser, hall.url("k1", token) + f"&lang={lang}", LANDSCAPE,
                                                clock.now)
            await expect(page.locator("#card-title")).not_to_have_text("")
            assert await axe_violations(page) == [], lang
            await context.close()
    finally:
        await hall.close()
