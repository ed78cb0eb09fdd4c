"""Sign-in that holds (issue 10, defects 2, 3, 4, 8): the throttle counts before the
password check, per name and per address, in the database; the client address comes
from X-Forwarded-For only behind a trusted proxy; logout ends cookie and token alike;
argon2 runs off the event loop."""

from __future__ import annotations

import asyncio
import threading

from conftest import PASSWORD, make_settings
from refusals import refused

from publisher.app import create_app


def _login(client, username: str, password: str, **headers: str):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password}, headers=headers)


async def _audit(client, staff) -> list[dict]:
    resp = await client.get("/api/v1/audit?limit=500", headers=staff["boss"])
    assert resp.status == 200
    return (await resp.json())["items"]


async def test_signing_in_as_oneself_does_not_reset_guesses_at_another_name(client, staff) -> None:
    """Defect 2: four wrong guesses for `boss`, one correct login as `ed`, repeat."""
    statuses = []
    for _ in range(3):
        for _ in range(4):
            statuses.append((await _login(client, "boss", "guess guess guess")).status)
        assert (await _login(client, "ed", PASSWORD)).status == 200
    assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}
    # boss's own right password waits too; other names do not
    resp = await _login(client, "boss", PASSWORD)
    await refused(resp, 429, "too_many_attempts")
    assert int(resp.headers["Retry-After"]) > 0
    assert (await _login(client, "rev", PASSWORD)).status == 200


async def test_parallel_wrong_logins_are_counted_before_the_check(client, staff) -> None:
    """Defect 3: twenty guesses at once all got 401 before."""
    answers = await asyncio.gather(*(_login(client, "rev", f"wrong password {i}") for i in range(20)))
    statuses = sorted(r.status for r in answers)
    assert statuses.count(401) <= 5 and statuses.count(429) >= 15, statuses
    for resp in answers:
        if resp.status == 429:
            body = await resp.json()
            assert body["error"]["code"] == "too_many_attempts" and int(resp.headers["Retry-After"]) > 0


async def test_one_address_guessing_many_names_is_slowed_down(client, staff) -> None:
    for i in range(20):
        await refused(await _login(client, f"name{i}", "wrong password"), 401, "unauthorized")
    resp = await _login(client, "name-next", "wrong password")
    await refused(resp, 429, "too_many_attempts")
    await refused(await _login(client, "ed", PASSWORD), 429, "too_many_attempts")  # the address pauses for every name


async def test_the_throttle_holds_across_a_restart(aiohttp_client, client, staff, settings, clock) -> None:
    for _ in range(5):
        await refused(await _login(client, "ed", "wrong password"), 401, "unauthorized")
    other = await aiohttp_client(create_app(settings, clock=clock, run_scheduler=False))  # another instance
    resp = await _login(other, "ed", PASSWORD)
    await refused(resp, 429, "too_many_attempts")
    assert 0 < int(resp.headers["Retry-After"]) <= 900
    clock.advance(minutes=15)
    assert (await _login(other, "ed", PASSWORD)).status == 200


async def test_the_address_comes_from_a_trusted_proxy_only(aiohttp_client, database_url, tmp_path, clock) -> None:
    """Defect 8: behind a proxy everyone shared one counter."""
    from conftest import Staff

    settings = make_settings(database_url, tmp_path, server={"trusted_proxies": ["127.0.0.0/8", "10.1.0.0/16"]})
    client = await aiohttp_client(create_app(settings, clock=clock, run_scheduler=False))
    staff = Staff(client)
    await staff.add("boss", "admin")
    # twenty-one citizens' failed attempts through the proxy do not add up to one address
    for i in range(21):
        resp = await _login(client, f"nobody{i}", "wrong password", **{"X-Forwarded-For": f"203.0.113.{i}, 10.1.2.3"})
        await refused(resp, 401, "unauthorized")
    events = [e for e in await _audit(client, staff) if e["action"] == "login_failed"]
    assert {e["remote"] for e in events} == {f"203.0.113.{i}" for i in range(21)}
    # a forged header from outside the proxies is ignored: the untrusted hop is the client
    await _login(client, "nobody", "wrong password", **{"X-Forwarded-For": "198.51.100.7, 192.0.2.1"})
    events = [e for e in await _audit(client, staff) if e["action"] == "login_failed"]
    assert events[0]["remote"] == "192.0.2.1"


async def test_without_trusted_proxies_the_header_is_ignored(client, staff) -> None:
    await _login(client, "nobody", "wrong password", **{"X-Forwarded-For": "203.0.113.9"})
    events = [e for e in await _audit(client, staff) if e["action"] == "login_failed"]
    assert events[0]["remote"] == "127.0.0.1"


async def test_logging_out_with_the_token_ends_the_cookie_of_that_login(client, staff) -> None:
    """Defect 4, API side: an API login also opens a cookie session."""
    client.session.cookie_jar.clear()
    resp = await _login(client, "ed", PASSWORD)
    token = (await resp.json())["token"]
    assert (await client.get("/api/v1/notices")).status == 200  # the cookie alone
    copied = {c.key: c.value for c in client.session.cookie_jar}
    assert (await client.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {token}"})).status == 200
    client.session.cookie_jar.update_cookies(copied)
    await refused(await client.get("/api/v1/notices"), 401, "unauthorized")
    # and the other way round: logging out with the cookie ends the token
    client.session.cookie_jar.clear()
    token = (await (await _login(client, "ed", PASSWORD)).json())["token"]
    assert (await client.post("/api/v1/auth/logout")).status == 200
    resp = await client.get("/api/v1/notices", headers={"Authorization": f"Bearer {token}"})
    await refused(resp, 401, "unauthorized")
    actions = [e["action"] for e in await _audit(client, staff)]
    assert actions.count("logout") == 2


async def test_password_hashing_runs_off_the_event_loop(client, staff, monkeypatch) -> None:
    """Issue 9, defect 10: forty logins at once must not stall /healthz."""
    from publisher import passwords

    threads: set[str] = set()
    real = passwords._hasher

    class Recording:
        def verify(self, *args):  # type: ignore[no-untyped-def]
            threads.add(threading.current_thread().name)
            return real.verify(*args)

        def hash(self, *args):  # type: ignore[no-untyped-def]
            threads.add(threading.current_thread().name)
            return real.hash(*args)

    monkeypatch.setattr(passwords, "_hasher", Recording())
    logins = [_login(client, name, PASSWORD) for name in ("ed", "ed2", "rev", "rev2", "boss") * 8]
    answers = await asyncio.gather(*logins, client.get("/healthz"))
    assert answers[-1].status == 200
    # all from one address: the attempts past the address's allowance wait (counted first)
    statuses = [r.status for r in answers[:-1]]
    assert set(statuses) <= {200, 429} and statuses.count(200) >= 15
    assert threads and all(name.startswith("argon2") for name in threads), threads
    assert threading.main_thread().name not in threads
