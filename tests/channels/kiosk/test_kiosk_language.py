"""The kiosk's language button: the page, its feed and its catalog in zh-Hant (default),
zh-Hans (content through OpenCC t2s, its own ETag) and en (English labels)."""

from __future__ import annotations

import json
import re

TITLE = "機關事業單位養老保險繳費通知"
SIMPLIFIED = "机关事业单位养老保险缴费通知"
# the button in chromium: test_kiosk_language_browser.py


def page_config(html: str) -> dict:
    found = re.search(r'data-config="([^"]+)"', html)
    assert found
    return json.loads(found.group(1).replace("&#34;", '"').replace("&quot;", '"').replace("&amp;", "&")
                      .replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">"))


async def test_page_labels_in_each_language(client, staff, helpers) -> None:
    token = await helpers.add_device(client, staff, "k1", "kiosk")
    default = await (await client.get(f"/kiosk/k1/?token={token}")).text()
    assert '<html lang="zh-Hant"' in default and "輕觸查看全文" in default
    assert 'id="language" data-lang="zh-Hans"' in default and "简体中文" in default
    assert page_config(default)["labels"] == {}
    hans = await (await client.get(f"/kiosk/k1/?token={token}&lang=zh-Hans")).text()
    assert '<html lang="zh-Hans"' in hans and "轻触查看全文" in hans and "分类浏览" in hans
    config = page_config(hans)
    assert config["lang"] == "zh-Hans" and config["labels"]["已過期"] == "已过期"
    assert 'data-lang="en"' in hans
    en = await (await client.get(f"/kiosk/k1/?token={token}&lang=en")).text()
    assert '<html lang="en"' in en and "Touch to read in full" in en and "Browse" in en
    config = page_config(en)
    assert config["labels"]["索引號"] == "Index number" and config["date_locale"] == "en-GB"
    assert {c["code"]: c["name"] for c in config["categories"]}["news"] == "News"
    assert 'data-lang="zh-Hant"' in en
    odd = await client.get(f"/kiosk/k1/?token={token}&lang=xx")
    assert odd.status == 200 and '<html lang="zh-Hant"' in await odd.text()


async def test_feed_and_catalog_in_simplified_have_their_own_etag(client, staff, helpers) -> None:
    token = await helpers.add_device(client, staff, "k1", "kiosk")
    await helpers.publish(client, staff, title=TITLE, channels=["kiosk"], body="各**機關**按時繳費。")
    for name in ("feed.json", "catalog.json"):
        url = f"/kiosk/v1/k1/{name}?token={token}"
        plain = await client.get(url)
        hans = await client.get(url + "&lang=zh-Hans")
        assert plain.status == hans.status == 200
        plain_body, hans_body = await plain.json(), await hans.json()
        assert hans.headers["ETag"] == plain.headers["ETag"][:-1] + '.zh-Hans"'
        assert hans_body["version"] == plain_body["version"]  # the event stream's version holds for both
        items = "rotation" if name == "feed.json" else "notices"
        assert plain_body[items][0]["title"] == TITLE
        assert hans_body[items][0]["title"] == SIMPLIFIED
        assert "<strong>机关</strong>" in hans_body[items][0]["body_html"]
        assert set(hans_body) == set(plain_body) and set(hans_body[items][0]) == set(plain_body[items][0])
        again = await client.get(url + "&lang=zh-Hans", headers={"If-None-Match": hans.headers["ETag"]})
        assert again.status == 304
        # the other language's tag is not this one's
        other = await client.get(url + "&lang=zh-Hans", headers={"If-None-Match": plain.headers["ETag"]})
        assert other.status == 200
        en = await client.get(url + "&lang=en")
        assert en.headers["ETag"] == plain.headers["ETag"] and (await en.json())[items][0]["title"] == TITLE
    bad = await client.get("/kiosk/v1/k1/feed.json?lang=zh-Hans&token=wrong")
    assert bad.status == 401
