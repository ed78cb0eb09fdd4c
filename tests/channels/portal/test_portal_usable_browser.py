"""Pages people can use, in a real browser: every portal page in each of the three
languages has no serious or critical axe-core violation, works without JavaScript,
fits a 375 px phone without sideways scrolling, and prints on A4 without navigation."""

from __future__ import annotations

from typing import Any

import pytest
from browser_support import axe_violations, screenshot
from conftest import Staff, publish

LANGS = ("zh-Hant", "zh-Hans", "en")
LONG_TITLE = "關於進一步做好機關事業單位工作人員養老保險制度改革實施過程中有關問題處理意見的通知（第二次徵求意見稿）"
LONG_BODY = ("一、適用範圍\n\n本通知適用於全市各級機關事業單位。參考網址："
             "https://www.jiangmen.gov.cn/bmpd/jmsrlzyhshbzj/zwgk/zcwj/content/post_1234567890123456789.html\n\n"
             "| 項目 | 單位繳費比例 | 個人繳費比例 |\n|---|---|---|\n| 基本養老保險 | 16% | 8% |\n\n"
             "二、實施時間\n\n自2026年12月1日起施行。" * 3)


async def _published(client: Any) -> tuple[dict[str, Any], list[str]]:
    staff = Staff(client)
    await staff.add("ed", "editor")
    await staff.add("rev", "reviewer")
    notice = await publish(client, staff, title=LONG_TITLE, category="documents", body=LONG_BODY,
                           summary="機關事業單位養老保險改革的有關問題處理意見。",
                           meta={"doc_number": "江人社發〔2026〕123號", "issuing_org": "江門市人力資源和社會保障局",
                                 "issued_on": "2026-11-20", "keywords": ["養老保險", "機關事業單位"]})
    await publish(client, staff, title="每月18日大型招聘會", priority="urgent")
    for i in range(11):  # more than one catalog page
        await publish(client, staff, title=f"工作動態第{i + 1}期", category="news")
    pages = ["/", "/catalog/", "/catalog/news?size=10&page=2", f"/notices/{notice['id']}", "/guide",
             "/search?q=%E6%8B%9B%E8%81%98"]
    return notice, pages


def _url(server: Any, path: str, lang: str) -> str:
    sep = "&" if "?" in path else "?"
    return str(server.make_url(f"{path}{sep}lang={lang}"))


@pytest.fixture
async def site(live_server: Any) -> Any:
    from aiohttp.test_utils import TestClient

    client = TestClient(live_server)
    await client.start_server()
    try:
        yield (live_server, *await _published(client))
    finally:
        await client.close()


async def test_axe_finds_nothing_serious_in_any_language(site, browser) -> None:
    server, _notice, pages = site
    context = await browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    for lang in LANGS:
        for path in pages:
            await page.goto(_url(server, path, lang))
            assert await page.get_attribute("html", "lang") == lang
            assert await axe_violations(page) == [], (lang, path)
            if path in ("/guide", "/catalog/"):
                await screenshot(page, f"portal{path.rstrip('/').replace('/', '-')}-{lang}.png", full_page=True)
    await context.close()


async def test_phone_width_without_javascript(site, browser) -> None:
    """375 px wide, scripts off: nothing scrolls sideways, no text runs off the screen,
    and the switch, the filters and the pages work as plain links and forms."""
    server, notice, pages = site
    context = await browser.new_context(viewport={"width": 375, "height": 800}, java_script_enabled=False,
                                        is_mobile=True, device_scale_factor=2)
    page = await context.new_page()
    # scripts are off in the page; the test measures from a second, scripted context
    measure = await browser.new_context(viewport={"width": 375, "height": 800}, is_mobile=True)
    meter = await measure.new_page()
    for lang in LANGS:
        for path in pages:
            resp = await page.goto(_url(server, path, lang))
            assert resp is not None and resp.status == 200
            assert await page.locator("main h1").first.is_visible()
            await meter.goto(_url(server, path, lang))
            overflow = await meter.evaluate("""() => {
                const width = document.documentElement.clientWidth;
                const wide = document.documentElement.scrollWidth;
                const cut = [...document.querySelectorAll('main *, header *')].filter(el => {
                    const r = el.getBoundingClientRect();
                    return r.width > 0 && el.offsetParent !== null && (r.right > width + 1 || r.left < -1)
                        && !el.closest('.sr, .skip');
                }).map(el => el.tagName + '.' + el.className + ':' + el.textContent.slice(0, 30));
                return {width, wide, cut: cut.slice(0, 5)};
            }""")
            assert overflow["wide"] <= overflow["width"], (lang, path, overflow)
            assert overflow["cut"] == [], (lang, path, overflow)
            if path.startswith(("/notices/", "/catalog/news")):
                await screenshot(meter, f"portal-375{path.split('?')[0].replace('/', '-')}-{lang}.png", full_page=True)
    # the language switch is a plain link
    await page.goto(str(server.make_url(f"/notices/{notice['id']}")))
    await page.locator("nav.langs").get_by_role("link", name="English").click()
    assert await page.get_attribute("html", "lang") == "en"
    assert await page.locator("table.metadata th").first.inner_text() == "Index number"
    # the choice is kept (cookie) on a link without ?lang=
    await page.goto(str(server.make_url("/catalog/")))
    assert await page.get_attribute("html", "lang") == "en"
    # filters are a plain GET form; pages plain links
    await page.select_option("#f-size", "10")
    await page.get_by_role("button", name="Filter").click()
    assert "size=10" in page.url
    await page.locator("nav.pages").get_by_role("link", name="Next").click()
    assert "page=2" in page.url and "size=10" in page.url
    assert await page.locator("table.catalog tbody tr").count() == 3  # 13 notices, 10 a page
    await context.close()
    await measure.close()


async def test_notice_prints_on_a4_with_its_metadata(site, browser) -> None:
    server, notice, _pages = site
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    for lang in LANGS:
        await page.goto(str(server.make_url(f"/notices/{notice['id']}?lang={lang}")))
        await page.emulate_media(media="print")
        assert not await page.locator("header.site").is_visible()
        assert not await page.locator("nav.langs").is_visible()
        assert not await page.locator("form.search").is_visible()
        assert await page.locator("table.metadata").is_visible()
        index = page.locator(".print-index")
        assert await index.is_visible() and notice["index_no"] in await index.inner_text()
        await screenshot(page, f"portal-print-{lang}.png", full_page=True)
        pdf = await page.pdf(format="A4", print_background=True)
        assert pdf.startswith(b"%PDF")
        await page.emulate_media(media="screen")
        assert await page.locator("header.site").is_visible()
        assert not await page.locator(".print-index").is_visible()
    await context.close()
