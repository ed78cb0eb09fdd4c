"""Login, logout, tokens, roles."""

from __future__ import annotations

from conftest import PASSWORD
from refusals import refused


async def test_login_returns_token_user_and_session_cookie(client, staff) -> None:
    resp = await client.post("/api/v1/auth/login", json={"username": "ed", "password": PASSWORD})
    assert resp.status == 200
    body = await resp.json()
    assert body["user"] == {"username": "ed", "roles": ["editor"]}
    assert len(body["token"]) >= 32
    assert "publisher_session" in resp.cookies
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # The cookie alone signs the browser in.
    resp = await client.get("/api/v1/notices")
    assert resp.status == 200


async def test_bad_name_and_bad_password_get_the_same_401(client, staff) -> None:
    a = await client.post("/api/v1/auth/login", json={"username": "ed", "password": "wrong password"})
    b = await client.post("/api/v1/auth/login", json={"username": "nobody", "password": PASSWORD})
    assert a.status == b.status == 401
    assert (await a.json()) == (await b.json())
    assert (await a.json())["error"]["code"] == "unauthorized"


async def test_login_body_is_validated(client) -> None:
    resp = await client.post("/api/v1/auth/login", json={"username": "ed"})
    await refused(resp, 422, "validation_failed")
    assert (await resp.json())["error"]["details"][0]["field"] == "password"


async def test_anonymous_staff_routes_are_401(client) -> None:
    for method, path in [("GET", "/api/v1/notices"), ("POST", "/api/v1/notices"), ("GET", "/api/v1/notices/1"),
                         ("GET", "/api/v1/review-queue"), ("GET", "/api/v1/devices"), ("POST", "/api/v1/devices"),
                         ("GET", "/api/v1/live?channel=portal"), ("POST", "/api/v1/notices/1/approve")]:
        resp = await client.request(method, path, json={})
        assert resp.status == 401, (method, path)
        assert (await resp.json())["error"]["code"] == "unauthorized"


async def test_garbage_token_is_401(client) -> None:
    resp = await client.get("/api/v1/notices", headers={"Authorization": "Bearer not-a-token"})
    await refused(resp, 401, "unauthorized")


async def test_logout_ends_the_token(client, staff) -> None:
    headers = staff["ed"]
    assert (await client.get("/api/v1/notices", headers=headers)).status == 200
    assert (await client.post("/api/v1/auth/logout", headers=headers)).status == 200
    await refused(await client.get("/api/v1/notices", headers=headers), 401, "unauthorized")


async def test_token_expires(client, staff, clock) -> None:
    clock.advance(hours=24 * 7 + 1)
    await refused(await client.get("/api/v1/notices", headers=staff["ed"]), 401, "unauthorized")


async def test_wrong_role_is_403(client, staff, helpers) -> None:
    resp = await client.post("/api/v1/notices", json=helpers.notice_body(), headers=staff["rev"])
    await refused(resp, 403, "forbidden")
    assert "editor" in (await resp.json())["error"]["message"]
    resp = await client.post("/api/v1/devices", json={"id": "k1", "kind": "kiosk", "location": "hall-hr"},
                             headers=staff["ed"])
    await refused(resp, 403, "forbidden")
