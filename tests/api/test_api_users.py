"""Account management (issue 10): /api/v1/users, one's own password, the password rules,
and the sessions that end when a password, a role or an account changes."""

from __future__ import annotations

from conftest import PASSWORD
from refusals import refused

NEW = "a brand new passphrase"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _token(client, username: str, password: str = PASSWORD) -> dict[str, str]:
    resp = await client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert resp.status == 200, await resp.text()
    return _bearer((await resp.json())["token"])


async def test_admins_create_and_list_users(client, staff) -> None:
    resp = await client.post("/api/v1/users", json={"username": "clerk", "password": NEW, "roles": ["editor"]},
                             headers=staff["boss"])
    assert resp.status == 201
    made = await resp.json()
    assert made["username"] == "clerk" and made["roles"] == ["editor"] and made["disabled"] is False
    assert made["last_login"] is None and made["created_at"].endswith("+08:00")
    assert "password" not in str(made) and "hash" not in str(made)
    await _token(client, "clerk", NEW)
    listed = (await (await client.get("/api/v1/users", headers=staff["boss"])).json())["items"]
    clerk = next(u for u in listed if u["username"] == "clerk")
    assert clerk["last_login"] is not None
    assert {u["username"] for u in listed} >= {"ed", "rev", "boss", "clerk"}
    resp = await client.post("/api/v1/users", json={"username": "clerk", "password": NEW, "roles": ["editor"]},
                             headers=staff["boss"])
    assert resp.status == 409 and (await resp.json())["error"]["code"] == "duplicate_user"
    for who in ("ed", "rev"):
        await refused(await client.get("/api/v1/users", headers=staff[who]), 403, "forbidden")
        resp = await client.post("/api/v1/users", json={"username": "x1", "password": NEW, "roles": ["admin"]},
                                 headers=staff[who])
        await refused(resp, 403, "forbidden")


async def test_password_rules(client, staff) -> None:
    cases = {
        "short pass": "at least 12",
        "samesamesame": "username",
        "password1234": "too common",
        "Qwertyuiop123": "too common",
        "publisher-demo": "too common",  # the demo's password: only under --demo
    }
    for password, words in cases.items():
        body = {"username": "samesamesame", "password": password, "roles": ["editor"]}
        resp = await client.post("/api/v1/users", json=body, headers=staff["boss"])
        error = await refused(resp, 422, "validation_failed")
        assert error["details"][0]["field"] == "password", password
        assert words in error["message"], (password, error["message"])
    for body, field in (({"username": "a b", "password": NEW, "roles": ["editor"]}, "username"),
                        ({"username": "okname", "password": NEW, "roles": ["pope"]}, "roles"),
                        ({"username": "okname", "password": NEW, "roles": []}, "roles"),
                        ({"username": "okname", "password": NEW, "roles": ["editor"], "extra": 1}, "extra"),
                        ({"username": "okname", "password": "x" * 300, "roles": ["editor"]}, "password")):
        resp = await client.post("/api/v1/users", json=body, headers=staff["boss"])
        assert (await refused(resp, 422, "validation_failed"))["details"][0]["field"] == field, body


async def test_changing_ones_own_password_ends_every_session(client, staff) -> None:
    other_device = await _token(client, "ed")
    resp = await client.post("/api/v1/users/me/password", json={"current": "not it at all", "new": NEW},
                             headers=staff["ed"])
    assert resp.status == 403 and (await resp.json())["error"]["code"] == "wrong_password"
    resp = await client.post("/api/v1/users/me/password", json={"current": PASSWORD, "new": "short"},
                             headers=staff["ed"])
    assert (await refused(resp, 422, "validation_failed"))["details"][0]["field"] == "new"
    resp = await client.post("/api/v1/users/me/password", json={"current": PASSWORD}, headers=staff["ed"])
    assert (await refused(resp, 422, "validation_failed"))["details"][0]["field"] == "new"
    assert (await client.get("/api/v1/notices", headers=other_device)).status == 200  # nothing ended yet
    resp = await client.post("/api/v1/users/me/password", json={"current": PASSWORD, "new": NEW}, headers=staff["ed"])
    assert resp.status == 200
    for headers in (staff["ed"], other_device):
        await refused(await client.get("/api/v1/notices", headers=headers), 401, "unauthorized")
    resp = await client.post("/api/v1/auth/login", json={"username": "ed", "password": PASSWORD})
    await refused(resp, 401, "unauthorized")
    await _token(client, "ed", NEW)


async def test_disabling_or_removing_a_role_ends_sessions_at_once(client, staff) -> None:
    cookie_then = None
    client.session.cookie_jar.clear()
    await client.post("/api/v1/auth/login", json={"username": "rev", "password": PASSWORD})
    cookie_then = {c.key: c.value for c in client.session.cookie_jar}
    client.session.cookie_jar.clear()
    # adding a role ends nothing
    resp = await client.patch("/api/v1/users/rev", json={"roles": ["reviewer", "editor"]}, headers=staff["boss"])
    assert resp.status == 200 and (await resp.json())["roles"] == ["editor", "reviewer"]
    assert (await client.get("/api/v1/notices", headers=staff["rev"])).status == 200
    # removing one ends every token and cookie of the user
    resp = await client.patch("/api/v1/users/rev", json={"roles": ["reviewer"]}, headers=staff["boss"])
    assert resp.status == 200
    await refused(await client.get("/api/v1/notices", headers=staff["rev"]), 401, "unauthorized")
    client.session.cookie_jar.update_cookies(cookie_then)
    await refused(await client.get("/api/v1/notices"), 401, "unauthorized")
    client.session.cookie_jar.clear()
    again = await _token(client, "rev")
    resp = await client.patch("/api/v1/users/rev", json={"disabled": True}, headers=staff["boss"])
    assert resp.status == 200 and (await resp.json())["disabled"] is True
    await refused(await client.get("/api/v1/notices", headers=again), 401, "unauthorized")
    resp = await client.post("/api/v1/auth/login", json={"username": "rev", "password": PASSWORD})
    await refused(resp, 401, "unauthorized")
    resp = await client.patch("/api/v1/users/rev", json={"disabled": False}, headers=staff["boss"])
    await _token(client, "rev")


async def test_patch_refuses_bad_input_and_self_lockout(client, staff) -> None:
    for body, field in (({"roles": ["pope"]}, "roles"), ({"disabled": "maybe"}, "disabled"),
                        ({"roles": []}, "roles"), ({"password": NEW}, "password")):
        resp = await client.patch("/api/v1/users/ed", json=body, headers=staff["boss"])
        assert (await refused(resp, 422, "validation_failed"))["details"][0]["field"] == field, body
    resp = await client.patch("/api/v1/users/nobody", json={"disabled": True}, headers=staff["boss"])
    await refused(resp, 404, "not_found")
    resp = await client.patch("/api/v1/users/ed", json={"disabled": True}, headers=staff["rev"])
    await refused(resp, 403, "forbidden")
    resp = await client.patch("/api/v1/users/boss", json={"disabled": True}, headers=staff["boss"])
    assert resp.status == 409 and (await resp.json())["error"]["code"] == "self_lockout"
    resp = await client.patch("/api/v1/users/boss", json={"roles": ["editor"]}, headers=staff["boss"])
    assert resp.status == 409 and (await resp.json())["error"]["code"] == "self_lockout"
    assert (await client.get("/api/v1/notices", headers=staff["boss"])).status == 200
