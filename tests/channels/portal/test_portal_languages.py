"""The portal in three languages: zh-Hant (default), zh-Hans (labels and content through
OpenCC t2s), en (English labels, Chinese content); chosen by ?lang=, kept by cookie."""

from __future__ import annotations

import re

import pytest
from conftest import publish

from publisher.i18n_content import SimplifiedLive

TITLE = "機關事業單位養老保險改革說明"
SIMPLIFIED_TITLE = "机关事业单位养老保险改革说明"
# a label of the base template in each language
CATALOG_LABEL = {"zh-Hant": "信息公開目錄", "zh-Hans": "信息公开目录", "en": "Disclosure catalog"}


def html_lang(html: str) -> str:
    found = re.search(r'<html lang="([^"]+)"', html)
    assert found, html[:200]
    return found.group(1)


def hreflangs(html: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


@pytest.fixture
async def notice(client, staff):
    return await publish(client, staff, title=TITLE, summary="各級機關參保範圍", category="documents",
                         body="本**機關**依法公開。", meta={"doc_number": "江人社發〔2026〕3號",
                                                         "issuing_org": "江門市人力資源和社會保障局"})


@pytest.mark.parametrize("lang", ["zh-Hant", "zh-Hans", "en"])
async def test_every_page_speaks_the_language_asked(client, notice, lang) -> None:
    pages = ["/", "/catalog/", "/catalog/documents", f"/notices/{notice['id']}", "/guide", "/search?q=養老"]
    for path in pages:
        sep = "&" if "?" in path else "?"
        resp = await client.get(f"{path}{sep}lang={lang}")
        html = await resp.text()
        assert resp.status == 200, (path, html[:300])
        assert html_lang(html) == lang, path
        assert resp.headers["Content-Language"] == lang
        links = hreflangs(html)
        assert set(links) == {"zh-Hant", "zh-Hans", "en"}, (path, links)
        for code, href in links.items():
            assert href.endswith(f"lang={code}"), href
            assert href.startswith(path.split("?")[0]), href
        assert CATALOG_LABEL[lang] in html, path
        # the visible switch names each language in itself
        assert "繁體中文" in html and "简体中文" in html and "English" in html
        if path != "/guide":  # the guide names no notice
            expected = SIMPLIFIED_TITLE if lang == "zh-Hans" else TITLE
            html = html.replace("<mark>", "").replace("</mark>", "")  # search marks what it found
            assert expected in html, (path, lang)
            if lang == "zh-Hans":
                assert TITLE not in html.split("<main", 1)[1], path


async def test_notice_content_converted_with_phrases_and_labels(client, notice) -> None:
    html = await (await client.get(f"/notices/{notice['id']}?lang=zh-Hans")).text()
    assert "本<strong>机关</strong>依法公开。" in html  # the body re-rendered from converted Markdown
    assert "各级机关参保范围" in html and "江门市人力资源和社会保障局" in html
    assert "索引号" in html and "发布日期" in html  # labels through t2s
    assert notice["index_no"] in html
    en = await (await client.get(f"/notices/{notice['id']}?lang=en")).text()
    assert "Index number" in en and "Issued by" in en and "Category" in en
    assert "Department documents" in en  # the built-in category name has its English
    assert "本<strong>機關</strong>依法公開。" in en  # content stays as written
    assert '<div class="body" lang="zh-Hant">' in en  # marked for screen readers


async def test_cookie_remembers_and_links_keep_the_language(client, notice) -> None:
    resp = await client.get("/?lang=zh-Hans")
    assert "portal_lang=zh-Hans" in resp.headers.get("Set-Cookie", "")
    html = await resp.text()
    assert f'href="/notices/{notice["id"]}?lang=zh-Hans"' in html
    assert 'href="/catalog/?lang=zh-Hans"' in html
    # no parameter: the cookie's language, and the answer varies with the cookie
    again = await client.get(f"/notices/{notice['id']}")
    assert html_lang(await again.text()) == "zh-Hans"
    assert "Cookie" in again.headers["Vary"]
    assert "Set-Cookie" not in again.headers  # nothing new to keep
    # an unknown language is no error: the cookie's (else the default) is used
    odd = await client.get("/catalog/?lang=klingon")
    assert odd.status == 200 and html_lang(await odd.text()) == "zh-Hans"
    # choosing the default again is remembered too
    await client.get("/?lang=zh-Hant")
    assert html_lang(await (await client.get("/guide")).text()) == "zh-Hant"


async def test_without_cookie_the_default_is_traditional(client, notice) -> None:
    client.session.cookie_jar.clear()
    resp = await client.get("/?lang=xx-YY")
    html = await resp.text()
    assert resp.status == 200 and html_lang(html) == "zh-Hant"
    assert TITLE in html and "Set-Cookie" not in resp.headers


async def test_search_finds_the_same_notices_in_every_language(client, notice, staff) -> None:
    await publish(client, staff, title="招聘會通知", body="人力資源市場")

    async def found(q: str, lang: str) -> list[str]:
        resp = await client.get("/search", params={"q": q, "lang": lang})
        assert resp.status == 200
        return re.findall(r'href="/notices/(\d+)', await resp.text())

    expected = [str(notice["id"])]
    for lang in ("zh-Hant", "zh-Hans", "en"):
        assert await found("機關", lang) == expected, lang
        assert await found("机关", lang) == expected, lang


async def test_simplified_content_follows_each_new_revision(client, notice, staff) -> None:
    nid = notice["id"]
    assert "养老保险" in await (await client.get(f"/notices/{nid}?lang=zh-Hans")).text()
    resp = await client.put(f"/api/v1/notices/{nid}", json={**_body(notice), "title": "機關單位職業年金說明"},
                            headers=staff["ed"])
    assert resp.status == 200, await resp.text()
    submitted = await (await client.post(f"/api/v1/notices/{nid}/submit", headers=staff["ed"])).json()
    resp = await client.post(f"/api/v1/notices/{nid}/approve",
                             json={"revision": submitted["pending_revision"]["revision"]}, headers=staff["rev"])
    assert resp.status == 200, await resp.text()
    html = await (await client.get(f"/notices/{nid}?lang=zh-Hans")).text()
    assert "机关单位职业年金说明" in html and "养老保险改革" not in html


def _body(notice: dict) -> dict:
    keep = ("title", "summary", "body", "category", "channels", "priority", "meta", "schedule", "locations")
    return {k: notice[k] for k in keep if k in notice}


def test_simplified_cache_is_bounded_and_keyed_by_revision() -> None:
    from datetime import datetime, timezone

    from publisher.domain.live import LiveNotice
    from publisher.domain.notices import NoticeIn

    cache = SimplifiedLive(maxsize=2)
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)

    def live(nid: int, revision: int, title: str) -> LiveNotice:
        content = NoticeIn(title=title, category="news", channels=["portal"], body="**發展**")
        return LiveNotice(nid, f"X/{nid}", revision, content, now, now, "", "")

    first = cache.get(live(1, 1, "頭髮"))
    assert first.content.title == "头发" and first.body_html == "<p><strong>发展</strong></p>\n"
    assert cache.get(live(1, 1, "頭髮")) is first and cache.hits == 1
    assert cache.get(live(1, 2, "乾燥")).content.title == "干燥"  # a new revision, converted anew
    cache.get(live(2, 1, "乾隆"))
    assert len(cache) == 2


@pytest.mark.parametrize("lang", ["zh-Hant", "zh-Hans", "en"])
async def test_the_pages_of_other_portal_modules_speak_it_too(client, lang) -> None:
    """Pages that other modules add (requests, reports) get the language like the rest."""
    for path in ("/requests/new", "/reports/"):
        resp = await client.get(path, params={"lang": lang})
        html = await resp.text()
        assert resp.status == 200, path
        assert html_lang(html) == lang, path
        assert set(hreflangs(html)) == {"zh-Hant", "zh-Hans", "en"}, path
    reports = await (await client.get("/reports/", params={"lang": lang})).text()
    expected = {"zh-Hant": "尚未發佈年度報告", "zh-Hans": "尚未发布年度报告",
                "en": "No annual report has been published yet"}
    assert expected[lang] in reports
