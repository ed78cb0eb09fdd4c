"""The touchscreen page over HTTP: a shell with no inline script or style, its own
CSP, a clear "not registered" page for bad tokens, the service worker under the
page's path, hashed assets, and the whole page under 200 KB with nothing external."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from refusals import refused_page

PAGE_BUDGET = 200 * 1024


class Shell(HTMLParser):
    """What the page's markup asks for: scripts, styles, attributes that would need
    'unsafe-inline', and every URL it names."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.styles: list[str] = []
        self.inline_code: list[str] = []
        self.urls: list[str] = []
        self._in_script = False
        self.body_config: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.inline_code.append(f"<{tag} {name}={value!r}>")
            if name in ("src", "href") and value:
                self.urls.append(value)
        if tag == "script":
            self.scripts.append(named)
            self._in_script = True
        if tag == "style":
            self.inline_code.append("<style>")
        if tag == "link" and named.get("rel") == "stylesheet":
            self.styles.append(named["href"] or "")
        if tag == "body":
            self.body_config = named.get("data-config")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_code.append(f"<script>{data[:40]}")


def parse(html: str) -> Shell:
    shell = Shell()
    shell.feed(html)
    return shell


async def test_page_is_a_shell_with_its_own_policy(client, staff, helpers) -> None:
    token = await helpers.add_device(client, staff, "k1", "kiosk", "hall-si", profile={"idle_s": 45,
                                                                                     "orientation": "portrait"})
    resp = await client.get(f"/kiosk/k1/?token={token}")
    assert resp.status == 200 and resp.headers["Content-Type"].startswith("text/html")
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'self'" in csp
    assert resp.headers["Referrer-Policy"] == "no-referrer"  # the URL holds the token
    html = await resp.text()
    shell = parse(html)
    assert shell.inline_code == []
    assert [s.get("type") for s in shell.scripts] == ["module"] and all(s.get("src") for s in shell.scripts)
    assert 'lang="zh-Hant"' in html and "社保局辦事大廳" in html and 'data-layout="portrait"' in html
    config = json.loads(shell.body_config or "{}")
    assert config["device"] == "k1" and config["token"] == token and config["idle_s"] == 45
    assert config["orientation"] == "portrait" and config["timezone"] == "Asia/Shanghai"
    assert [c["code"] for c in config["categories"]][:2] == ["organization", "documents"]
    # without the slash: redirected, token kept
    resp = await client.get(f"/kiosk/k1?token={token}", allow_redirects=False)
    assert resp.status == 308 and resp.headers["Location"] == f"/kiosk/k1/?token={token}"


async def test_not_registered_is_a_page_not_an_error(client, staff, helpers) -> None:
    await helpers.add_device(client, staff, "k1", "kiosk")
    led = await helpers.add_device(client, staff, "s1", "led")
    cases = [("/kiosk/k1/", 401), ("/kiosk/k1/?token=wrong", 401), ("/kiosk/ghost/?token=x", 404),
             (f"/kiosk/s1/?token={led}", 404), ("/kiosk/%3Cb%3Ex%3C%2Fb%3E/?token=x", 404)]
    for url, status in cases:
        resp = await client.get(url)
        assert resp.status == status, url
        html = await resp.text()
        assert "此觸摸屏尚未登記" in html and "This kiosk is not registered" in html, url
        assert "Content-Security-Policy" in resp.headers and parse(html).inline_code == []
        assert "<b>x</b>" not in html  # the device id from the path is text
        assert [s["src"].rsplit("/", 1)[1] for s in parse(html).scripts] == ["retry.js"]  # comes up once registered


async def test_service_worker_and_hashed_assets(client, staff, helpers) -> None:
    token = await helpers.add_device(client, staff, "k1", "kiosk")
    shell = parse(await (await client.get(f"/kiosk/k1/?token={token}")).text())
    script = shell.scripts[0]["src"] or ""
    assert re.fullmatch(r"/kiosk/static/[0-9a-f]{12}/kiosk\.js", script)
    resp = await client.get(script)
    assert resp.status == 200 and resp.headers["Content-Type"].startswith("text/javascript")
    assert "immutable" in resp.headers["Cache-Control"]
    assert (await client.get(script, headers={"If-None-Match": resp.headers["ETag"]})).status == 304
    old = script.replace(script.split("/")[3], "000000000000")
    resp = await client.get(old)  # a page from before a deployment still gets its script, not cached forever
    assert resp.status == 200 and resp.headers["Cache-Control"] == "no-cache"
    await refused_page(await client.get(script.replace("kiosk.js", "nope.js")), 404, "Not Found")

    sw = await client.get("/kiosk/k1/sw.js")
    assert sw.status == 200 and sw.headers["Content-Type"].startswith("text/javascript")
    text = await sw.text()
    version = script.split("/")[3]
    assert f'const VERSION = "{version}";' in text
    precached = json.loads(re.search(r"const ASSETS = (\[.*?\]);", text).group(1))  # type: ignore[union-attr]
    assert script in precached and all(u.startswith(f"/kiosk/static/{version}/") for u in precached)
    assert "sw.js" not in " ".join(precached)


async def test_page_weight_and_nothing_external(client, staff, helpers) -> None:
    """The page with all its scripts and styles weighs under 200 KB and names no other host."""
    token = await helpers.add_device(client, staff, "k1", "kiosk")
    page = await (await client.get(f"/kiosk/k1/?token={token}")).read()
    shell = parse(page.decode())
    base = (shell.scripts[0]["src"] or "").rsplit("/", 1)[0]
    total, seen = len(page), set()
    queue = [s["src"] for s in shell.scripts] + shell.styles
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        body = await (await client.get(url)).read()
        total += len(body)
        text = body.decode()
        # ES module imports ('./live.js') are fetched too
        queue += [f"{base}/{name}" for name in re.findall(r"from '\./([\w-]+\.js)'", text)]
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text, re.IGNORECASE), url
        if url.endswith(".css"):
            assert "@import" not in text and "url(" not in text, url  # no fonts or images fetched from CSS
    assert {u.rsplit("/", 1)[1] for u in seen} == {"kiosk.js", "live.js", "view.js", "i18n.js", "kiosk.css"}
    sw = await (await client.get("/kiosk/k1/sw.js")).read()
    assert total + len(sw) < PAGE_BUDGET, total + len(sw)
    for url in shell.urls:
        assert url.startswith(("/", "data:")), url
