"""Signing in and out of the staff pages: session cookie, next, epoch, throttle."""

from __future__ import annotations

from conftest import PASSWORD
from refusals import refused, refused_page
from structlog.testing import capture_logs
from web_support import page_token, post_form, sign_in, text_of


async def test_anonymous_pages_go_to_the_sign_in_page(client) -> None:
    for path in ("/staff/", "/staff/notices/new", "/staff/review", "/staff/users", "/staff/notices/1/review"):
        resp = await client.get(path, allow_redirects=False)
        assert resp.status == 303, path
        assert resp.headers["Location"].startswith("/staff/login?next=/staff/")
    resp = await client.get("/staff/login")
    html = await resp.text()
    assert resp.status == 200
    assert '<html lang="zh-Hant">' in html
    assert 'name="username"' in html and 'name="password"' in html and "工作人員登入" in html


async def test_sign_in_lands_on_the_overview_and_sign_out_ends_it(client, staff) -> None:
    token = await page_token(client)
    resp = await client.post("/staff/login", data={"csrf_token": token, "username": "ed", "password": PASSWORD,
                                                   "next": "/staff/review"}, allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"] == "/staff/review"
    cookie = resp.headers["Set-Cookie"]
    assert "publisher_session=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP here; see the next test
    resp = await client.get("/staff/")
    html = await resp.text()
    assert resp.status == 200 and "今日總覽" in html and ">ed<" in html
    resp = await post_form(client, "/staff/logout", {}, token_from="/staff/")
    assert resp.status == 303 and resp.headers["Location"] == "/staff/login"
    assert (await client.get("/staff/", allow_redirects=False)).status == 303


async def test_next_never_leaves_the_staff_pages(client, staff) -> None:
    for target in ("https://evil.example/", "//evil.example/x", "/api/v1/notices", "/\\evil.example"):
        client.session.cookie_jar.clear()
        token = await page_token(client)
        resp = await client.post("/staff/login", data={"csrf_token": token, "username": "ed", "password": PASSWORD,
                                                       "next": target}, allow_redirects=False)
        assert resp.headers["Location"] == "/staff/", target


async def test_session_cookie_is_secure_over_https(aiohttp_client, settings, clock, tmp_path) -> None:
    from conftest import make_settings

    from publisher.app import create_app

    https = make_settings(settings.database.url, tmp_path, server={"public_url": "https://notices.example.gov"})
    client = await aiohttp_client(create_app(https, clock=clock, run_scheduler=False))
    resp = await client.get("/staff/login")
    assert "Secure" in resp.headers["Set-Cookie"]


async def test_wrong_password_shows_one_message_and_keeps_the_name(client, staff) -> None:
    token = await page_token(client)
    a = await client.post("/staff/login", data={"csrf_token": token, "username": "ed", "password": "nope nope"})
    b = await client.post("/staff/login", data={"csrf_token": token, "username": "nobody", "password": PASSWORD})
    assert a.status == b.status == 401
    assert "使用者名稱或密碼不正確。" in await a.text() and "使用者名稱或密碼不正確。" in await b.text()
    assert 'value="ed"' in await a.text()


async def test_ending_a_users_sessions_signs_them_out_everywhere(client, staff) -> None:
    from publisher import keys
    from publisher.services import users

    await sign_in(client, "ed")
    assert (await client.get("/staff/", allow_redirects=False)).status == 200
    app = client.server.app
    boss = await users.principal_for_token(app[keys.DB], staff["boss"]["Authorization"][7:], app[keys.CLOCK]())
    ed = await users.authenticate(app[keys.DB], "ed", PASSWORD)
    await users.end_sessions(app[keys.DB], boss, ed.id)
    assert (await client.get("/staff/", allow_redirects=False)).status == 303
    await refused(await client.get("/api/v1/notices", headers=staff["ed"]), 401, "unauthorized")  # tokens too


async def test_failed_sign_ins_for_one_name_are_slowed_down_and_logged(client, staff, clock) -> None:
    token = await page_token(client)
    bad = {"csrf_token": token, "username": "ed", "password": "wrong password"}
    with capture_logs() as logs:
        for _ in range(5):
            await refused_page(await client.post("/staff/login", data=bad), 401, "使用者名稱或密碼不正確。")
        # Now the name must pause, even with the right password; the API shares the count.
        resp = await client.post("/staff/login", data={**bad, "password": PASSWORD})
        assert resp.status == 429
        assert int(resp.headers["Retry-After"]) == 15 * 60
        assert "登入失敗次數過多" in text_of(await resp.text())
        api = await client.post("/api/v1/auth/login", json={"username": "ed", "password": PASSWORD})
        assert api.status == 429 and (await api.json())["error"]["code"] == "too_many_attempts"
        assert int(api.headers["Retry-After"]) == 15 * 60
    assert sum(1 for e in logs if e["event"] == "login refused") == 5
    assert any(e["event"] == "login throttled" and e["log_level"] == "warning" for e in logs)
    clock.advance(minutes=15)
    resp = await client.post("/staff/login", data={**bad, "password": PASSWORD}, allow_redirects=False)
    assert resp.status == 303


async def test_logout_ends_the_cookie_even_when_it_was_copied(client, staff) -> None:
    """Defect 4: a captured cookie kept working for 12 hours after /staff/logout."""
    await sign_in(client, "ed")
    copied = {c.key: c.value for c in client.session.cookie_jar}
    assert (await client.get("/staff/notices", allow_redirects=False)).status == 200
    resp = await post_form(client, "/staff/logout", {}, token_from="/staff/")
    assert resp.status in (200, 303)
    client.session.cookie_jar.clear()
    client.session.cookie_jar.update_cookies(copied)
    resp = await client.get("/staff/notices", allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"].startswith("/staff/login")
    await refused(await client.get("/api/v1/notices"), 401, "unauthorized")


async def test_language_switch_is_remembered_for_the_user(client, staff) -> None:
    await sign_in(client, "ed")
    resp = await post_form(client, "/staff/language", {"language": "en", "next": "/staff/review"}, token_from="/staff/")
    assert resp.status == 303 and resp.headers["Location"] == "/staff/review"
    html = await (await client.get("/staff/review")).text()
    assert '<html lang="en">' in html and "Waiting for my review" in html and "Sign out" in html
    # remembered for the user, not only in this browser
    client.session.cookie_jar.clear()
    await sign_in(client, "ed")
    assert '<html lang="en">' in await (await client.get("/staff/")).text()
    resp = await post_form(client, "/staff/language", {"language": "zh-Hant", "next": "/staff/"}, token_from="/staff/")
    assert '<html lang="zh-Hant">' in await (await client.get("/staff/")).text()
    resp = await post_form(client, "/staff/language", {"language": "fr", "next": "/staff/"}, token_from="/staff/")
    await refused_page(resp, 422, "unknown language")
