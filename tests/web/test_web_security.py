"""Forms cannot be forged from another site, every HTML page carries the security
headers (device feeds do not), and whatever staff write is escaped."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import PASSWORD
from refusals import refused_page
from web_support import page_token, post_form, sign_in, token_in

import publisher.web

TEMPLATES = Path(publisher.web.__file__).parent / "templates"


def staff_post_routes(app) -> list[str]:
    paths = []
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter") or ""
        if route.method == "POST" and path.startswith("/staff/"):
            paths.append(re.sub(r"\{[^}]+\}", "1", path))  # any path parameter: {id}, {year}
    return sorted(set(paths))


async def test_a_cross_site_form_post_is_refused(client, staff, helpers) -> None:
    await sign_in(client, "ed")
    token = await page_token(client, "/staff/notices/new")
    form = {"csrf_token": token, "title": "偽造的公告", "category": "news", "channels": "portal", "action": "submit"}
    for headers in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"},
                    {"Sec-Fetch-Site": "same-site", "Origin": "https://other.notices.example"}, {"Origin": "null"}):
        resp = await client.post("/staff/notices/new", data=form, headers=headers, allow_redirects=False)
        assert resp.status == 403, headers
        assert "已拒絕來自其他網站的請求" in await resp.text()
    # with the page's own origin the same form is fine
    origin = str(client.make_url("/")).rstrip("/")
    resp = await client.post("/staff/notices/new", data=form,
                             headers={"Origin": origin, "Sec-Fetch-Site": "same-origin"}, allow_redirects=False)
    assert resp.status == 303
    items = (await (await client.get("/api/v1/notices", headers=staff["ed"])).json())["items"]
    assert [n["title"] for n in items] == ["偽造的公告"]


async def test_every_staff_form_needs_the_sessions_token(client, staff) -> None:
    paths = staff_post_routes(client.server.app)
    assert "/staff/notices/new" in paths and "/staff/notices/1/review" in paths and "/staff/login" in paths
    # every role, so that a 403 can only be the missing token (its message says which)
    await staff.add("all", "editor", "reviewer", "admin")
    await sign_in(client, "all")
    for path in paths:
        for data in ({"action": "save"}, {"csrf_token": "x" * 43, "action": "save"}):
            resp = await client.post(path, data=data, allow_redirects=False)
            await refused_page(resp, 403, "這個表單已過期")  # csrf_failed
    # a token from another browser's session is worth nothing here
    other = await page_token(client, "/staff/")
    client.session.cookie_jar.clear()
    await sign_in(client, "ed")
    resp = await client.post("/staff/logout", data={"csrf_token": other}, allow_redirects=False)
    assert resp.status == 403
    assert "這個表單已過期" in await resp.text()


async def test_a_new_session_on_sign_in_gets_a_new_token(client, staff) -> None:
    before = await page_token(client)
    await sign_in(client, "ed")
    after = token_in(await (await client.get("/staff/")).text())
    assert before != after


async def test_the_api_refuses_cross_site_requests_riding_on_the_session_cookie(client, staff, helpers) -> None:
    resp = await client.post("/api/v1/auth/login", json={"username": "ed", "password": PASSWORD})
    assert resp.status == 200
    resp = await client.post("/api/v1/notices", json=helpers.notice_body(), headers={"Origin": "https://evil.example"})
    assert resp.status == 403 and (await resp.json())["error"]["code"] == "cross_site"
    resp = await client.post("/api/v1/notices", json=helpers.notice_body(), headers={"Sec-Fetch-Site": "same-origin"})
    assert resp.status == 201
    # a bearer token is never sent by a browser on its own, so the origin does not matter
    resp = await client.post("/api/v1/notices", json=helpers.notice_body(),
                             headers={**staff["ed2"], "Origin": "https://tools.example"})
    assert resp.status == 201


async def test_security_headers_on_every_html_page_and_not_on_feeds(client, staff, helpers) -> None:
    token = await helpers.add_device(client, staff, "kiosk-1", "kiosk")
    led = await helpers.add_device(client, staff, "led-1", "led")
    await helpers.publish(client, staff)
    await sign_in(client, "ed")
    for path in ("/staff/login", "/staff/", "/staff/notices/new", "/staff/nowhere/404", "/", "/catalog/",
                 "/search?q=招聘", "/staff/notices/999999"):
        resp = await client.get(path)
        assert resp.content_type == "text/html", path
        csp = resp.headers.get("Content-Security-Policy", "")
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp, path
        assert resp.headers["X-Content-Type-Options"] == "nosniff", path
        assert resp.headers["Referrer-Policy"] == "same-origin", path
        assert resp.headers["X-Frame-Options"] == "DENY", path
    assert (await client.get("/staff/")).headers["Cache-Control"] == "no-store"
    for path in (f"/kiosk/v1/kiosk-1/feed.json?token={token}", f"/led/v1/signs/led-1/feed.txt?token={led}",
                 "/api/v1/openapi.json", "/healthz", "/feed.atom", "/staff/static/staff.css"):
        resp = await client.get(path)
        assert resp.status == 200, path
        assert "Content-Security-Policy" not in resp.headers, path
        assert "X-Frame-Options" not in resp.headers, path


def test_templates_have_no_inline_scripts_styles_or_handlers() -> None:
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag or 'type="application/json"' in tag, (template.name, tag)
        assert not re.search(r"\sstyle=", text), template.name
        assert not re.search(r"\son[a-z]+=", text), template.name
        assert "|safe" not in text or template.name == "notice.html", template.name


async def test_whatever_staff_write_is_escaped(client, staff, helpers) -> None:
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    resp = await client.post("/api/v1/notices", json=helpers.notice_body(title=evil, summary=evil, led_text=evil,
                                                                          body=evil, meta={"doc_number": evil}),
                             headers=staff["ed"])
    nid = (await resp.json())["id"]
    assert (await client.post(f"/api/v1/notices/{nid}/submit", headers=staff["ed"])).status == 200
    await sign_in(client, "rev")
    for path in ("/staff/", "/staff/notices", f"/staff/notices/{nid}", f"/staff/notices/{nid}/review", "/staff/review"):
        html = await (await client.get(path)).text()
        assert "<script>alert" not in html and "<img src=x" not in html, path
        assert "&lt;script&gt;alert" in html, path
    await post_form(client, f"/staff/notices/{nid}/review", {"action": "reject", "comment": evil})
    html = await (await client.get(f"/staff/notices/{nid}")).text()
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
