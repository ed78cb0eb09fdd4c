"""The catalog's filters and pages, each category's Atom, the sitemap and the guide."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

import feedparser
import pytest
from conftest import publish
from refusals import refused_page

from channels.portal import catalog_filter, sitemap
from publisher.domain.live import LiveNotice
from publisher.domain.notices import NoticeIn

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def ids(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'<td><a href="/notices/(\d+)', html)]


async def test_filters_by_year_issuing_body_and_defaults(client, staff, clock) -> None:
    start = clock.now
    clock.set(datetime(2025, 12, 31, 15, tzinfo=timezone.utc))  # 23:00 on the 31st in Asia/Shanghai
    old = await publish(client, staff, title="二〇二五年一號", category="news", meta={})
    clock.set(start)
    a = await publish(client, staff, title="二〇二六年一號", category="documents",
                      meta={"issuing_org": "江門市社會保險基金管理局"})
    clock.advance(hours=1)
    b = await publish(client, staff, title="二〇二六年二號", category="documents", meta={})
    every = await (await client.get("/catalog/")).text()
    assert ids(every) == [b["id"], a["id"], old["id"]]  # newest first
    assert ids(await (await client.get("/catalog/?year=2026")).text()) == [b["id"], a["id"]]
    assert ids(await (await client.get("/catalog/?year=2025")).text()) == [old["id"]]
    assert ids(await (await client.get("/catalog/documents?year=2025")).text()) == []
    c = old
    by_body = await (await client.get("/catalog/", params={"org": "江門市社會保險基金管理局"})).text()
    assert ids(by_body) == [a["id"]]
    # a notice naming no issuing body is the organisation's own
    own = await (await client.get("/catalog/", params={"org": "江門市人力資源和社會保障局"})).text()
    assert ids(own) == [b["id"], c["id"]]
    # notices recorded without doc_kind / validity read as "other" and "in force"
    assert ids(await (await client.get("/catalog/?kind=other&validity=in_force")).text()) == [b["id"], a["id"], c["id"]]
    assert ids(await (await client.get("/catalog/?kind=rule")).text()) == []
    assert ids(await (await client.get("/catalog/?validity=repealed")).text()) == []
    # the form's "all" choices (empty values) filter nothing
    assert len(ids(await (await client.get("/catalog/?year=&kind=&validity=&org=&size=20")).text())) == 3
    # the form offers the years and bodies of the record
    assert '<option value="2025">' in every and '<option value="江門市社會保險基金管理局">' in every


async def test_pages_have_stable_canonical_urls(client, staff) -> None:
    made = [await publish(client, staff, title=f"第{i}號公告", category="news") for i in range(5)]
    newest_first = [m["id"] for m in reversed(made)]
    # parameters in any order: the links the page makes are in canonical order
    html = await (await client.get("/catalog/news?page=2&size=2&kind=other&lang=en")).text()
    assert ids(html) == newest_first[2:4]
    assert 'href="/catalog/news?kind=other&amp;size=2&amp;page=3&amp;lang=en"' in html  # next
    assert 'href="/catalog/news?kind=other&amp;size=2&amp;lang=en"' in html  # page 1: no page parameter
    assert "page 2 of 3" in html
    last = await (await client.get("/catalog/news?kind=other&size=2&page=3")).text()
    assert ids(last) == newest_first[4:]
    await refused_page(await client.get("/catalog/news?size=2&page=4"), 404, "catalog page 4 not found")


@pytest.mark.parametrize(("query", "field"), [
    ("year=abc", "year"), ("year=1800", "year"), ("kind=law", "kind"), ("validity=maybe", "validity"),
    ("size=1000", "size"), ("size=0", "size"), ("page=0", "page"), ("page=-1", "page"),
    ("page=99999999999999999999", "page"), ("org=" + "x" * 201, "org"), ("colour=red", "colour"),
    ("year=2026&year=2027", "year"),
])
async def test_bad_parameters_are_a_400_page_naming_them(client, query, field) -> None:
    page = await refused_page(await client.get(f"/catalog/?{query}"), 400, f"invalid {field}")
    assert "Traceback" not in page


async def test_each_category_has_its_own_atom(client, staff) -> None:
    news = await publish(client, staff, title="工作動態一", category="news")
    await publish(client, staff, title="部門文件一", category="documents")
    resp = await client.get("/catalog/news/feed.atom")
    assert resp.status == 200 and resp.content_type == "application/atom+xml"
    text = await resp.text()
    ET.fromstring(text.encode())  # well-formed
    feed = feedparser.parse(text)
    assert not feed.bozo, feed.bozo_exception
    assert [e.title for e in feed.entries] == ["工作動態一"]
    assert feed.entries[0].link.endswith(f"/notices/{news['id']}")
    assert feed.feed.title.endswith("工作動態")
    assert any(link.href.endswith("/catalog/news/feed.atom") for link in feed.feed.links if link.rel == "self")
    documents = feedparser.parse(await (await client.get("/catalog/documents/feed.atom")).text())
    assert [e.title for e in documents.entries] == ["部門文件一"]
    assert feedparser.parse(await (await client.get("/catalog/guides/feed.atom")).text()).entries == []
    await refused_page(await client.get("/catalog/weather/feed.atom"), 404, "catalog category")
    # the category's page links its feed
    assert 'href="/catalog/news/feed.atom"' in await (await client.get("/catalog/news")).text()


async def test_sitemap_lists_every_public_page(client, staff) -> None:
    live = await publish(client, staff, title="已公開", category="news")
    draft = await client.post("/api/v1/notices", json={"title": "草稿", "category": "news"}, headers=staff["ed"])
    resp = await client.get("/sitemap.xml")
    assert resp.status == 200 and resp.headers["Content-Type"].startswith("application/xml")
    root = ET.fromstring(await resp.read())
    assert root.tag == f"{SM}urlset"
    locs = [u.findtext(f"{SM}loc") for u in root]
    for path in ("/", "/catalog/", "/catalog/news", "/catalog/other", "/guide", f"/notices/{live['id']}"):
        assert path in locs, path
    assert f"/notices/{(await draft.json())['id']}" not in locs


async def test_sitemap_uses_public_url_and_splits_past_50000(client, staff, monkeypatch) -> None:
    for i in range(5):
        await publish(client, staff, title=f"公告{i}")
    monkeypatch.setattr(sitemap, "PER_SITEMAP", 4)  # 10-11 pages + 5 notices -> 4 parts
    root = ET.fromstring(await (await client.get("/sitemap.xml")).read())
    assert root.tag == f"{SM}sitemapindex"
    parts = [s.findtext(f"{SM}loc") for s in root]
    assert parts == ["/sitemap/1.xml", "/sitemap/2.xml", "/sitemap/3.xml", "/sitemap/4.xml"]
    seen: list[str] = []
    for part in parts:
        urlset = ET.fromstring(await (await client.get(part)).read())
        seen += [u.findtext(f"{SM}loc") or "" for u in urlset]
    assert len(seen) == len(set(seen))
    # 9 pages of the portal itself, plus the entry pages of the request and report modules
    assert {"/", "/catalog/", "/guide", "/requests/new"} <= set(seen) and len(seen) - 5 >= 10
    assert sum(1 for loc in seen if loc.startswith("/notices/")) == 5
    await refused_page(await client.get("/sitemap/5.xml"), 404, "sitemap part 5")


async def test_guide_comes_from_configuration(client, settings) -> None:
    html = await (await client.get("/guide")).text()
    office = settings.office
    for text in (office.name, office.address, office.hours, office.phone, office.fax, office.email,
                 settings.guide.arrangement, settings.guide.proactive, settings.guide.on_request):
        assert text in html, text
    for cat in settings.catalog:
        assert f'href="/catalog/{cat.code}"' in html and cat.name in html
    assert 'href="/requests/new"' in html
    simplified = await (await client.get("/guide?lang=zh-Hans")).text()
    assert "广东省江门市" in simplified and "办公时间" in simplified
    assert 'href="/requests/new?lang=zh-Hans"' in simplified


async def test_guide_follows_a_changed_configuration(aiohttp_client, settings, clock) -> None:
    from publisher.app import create_app
    from publisher.settings import DisclosureOffice

    changed = settings.model_copy(update={"office": DisclosureOffice(
        name="某市信息公開辦", address="某路 1 號", hours="全天", phone="020-1234", fax="", email="")})
    client = await aiohttp_client(create_app(changed, clock=clock, run_scheduler=False))
    html = await (await client.get("/guide")).text()
    assert "某市信息公開辦" in html and "某路 1 號" in html and "020-1234" in html
    assert "<dt>傳真</dt>" not in html and "<dt>電子郵件</dt>" not in html  # none configured: no empty lines


def _live(nid: int, **meta: object) -> LiveNotice:
    content = NoticeIn(title=f"n{nid}", category="news", channels=["portal"])
    content = content.model_copy(update={"meta": content.meta.model_copy(update=meta)})
    when = datetime(2026, 3, 1, tzinfo=timezone.utc)
    return LiveNotice(nid, f"X/{nid}", 1, content, when, when, "", "")


def test_kind_and_validity_filters_read_the_meta_fields() -> None:
    record = [_live(1, doc_kind="rule"), _live(2, doc_kind="normative", validity="repealed"), _live(3)]
    tz = timezone.utc

    def chosen(**q: str) -> list[int]:
        query = catalog_filter.parse(q.items())
        return [n.id for n in catalog_filter.select(record, query, "本局", catalog_filter.Facets(tz)).items]

    assert chosen(kind="rule") == [1]
    assert chosen(kind="normative") == [2]
    assert chosen(kind="other") == [3]
    assert chosen(validity="repealed") == [2]
    assert chosen(validity="in_force") == [1, 3]
    assert chosen(kind="rule", validity="repealed") == []
    assert catalog_filter.window(7, 20) == [1, None, 5, 6, 7, 8, 9, None, 20]
    assert catalog_filter.window(1, 1) == [1]


async def test_document_kind_and_validity_filter_the_record(client, staff) -> None:
    rule = await publish(client, staff, title="招聘管理規定", category="documents",
                         meta={"doc_kind": "rule", "issued_on": "2014-03-01"})
    repealed = await publish(client, staff, title="舊的補貼辦法", category="documents",
                             meta={"doc_kind": "normative", "validity": "repealed", "repealed_on": "2015-06-30",
                                   "issued_on": "2012-01-01"})
    other = await publish(client, staff, title="春節值班安排", category="documents", meta={})
    assert ids(await (await client.get("/catalog/?kind=rule")).text()) == [rule["id"]]
    assert ids(await (await client.get("/catalog/?kind=normative")).text()) == [repealed["id"]]
    assert ids(await (await client.get("/catalog/?validity=repealed")).text()) == [repealed["id"]]
    assert ids(await (await client.get("/catalog/documents?validity=in_force")).text()) == [other["id"], rule["id"]]
    # a repealed document stays in the record, marked with the day it was repealed
    page = await (await client.get(f"/notices/{repealed['id']}")).text()
    assert "已廢止" in page and "2015-06-30" in page
    await refused_page(await client.get("/catalog/?kind=statute"), 400, "kind")
