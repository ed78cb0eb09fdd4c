"""The shipped deployment: nginx (deploy/nginx, Debian's package) with TLS from
deploy/make-hall-ca in front of two `publisher serve` instances on one PostgreSQL
database. Checks a kiosk feed and its 304, an event on instance B's stream (and on a
stream through nginx) after an approval through instance A, a revoked device refused,
the portal, and the client address the service records. Slow, PostgreSQL only."""

from __future__ import annotations

import asyncio
import re
import ssl
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from cluster_support import next_feed_event as feed_event
from cluster_support import postgres_url
from conftest import _clean_postgres
from serve_support import PASSWORD, ROOT, Server, clean_env, cli, device_token

sys.path.insert(0, str(ROOT / "deploy"))
from nginx_local import LocalNginx, nginx_binary  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
SECRET = "q0yYh5w1PX5tZ0bq2m4qk8i1wqYgQH0sUeU4kP8d2vA="


def make_certificate(folder: Path) -> tuple[Path, Path, Path]:
    subprocess.run(["bash", str(ROOT / "deploy" / "make-hall-ca"), str(folder), "localhost", "127.0.0.1"],
                   check=True, capture_output=True)
    return folder / "ca.crt", folder / "server.crt", folder / "server.key"


async def sign_in(web: aiohttp.ClientSession, base: str, name: str) -> dict[str, str]:
    resp = await web.post(f"{base}/api/v1/auth/login", json={"username": name, "password": PASSWORD})
    assert resp.status == 200, await resp.text()
    web.cookie_jar.clear()
    return {"Authorization": "Bearer " + (await resp.json())["token"]}


@pytest.fixture
def hall(tmp_path: Path) -> Any:
    if nginx_binary() is None:
        pytest.skip("nginx is not installed (Debian package nginx; scripts/setup-browser installs it)")
    url = postgres_url()
    asyncio.run(_clean_postgres(url))
    ca, cert, key = make_certificate(tmp_path / "tls")
    env = clean_env(tmp_path)
    env.update(PUBLISHER_DATABASE__URL=url, PUBLISHER_SECURITY__SESSION_SECRET=SECRET,
               PUBLISHER_SERVER__TRUSTED_PROXIES='["127.0.0.1/32"]')
    for name, role in (("boss", "admin"), ("ed", "editor"), ("rev", "reviewer")):
        added = cli(env, "user", "add", name, "--role", role, "--password-stdin", stdin=PASSWORD + "\n")
        assert added.returncode == 0, added.stderr
    kiosk = cli(env, "device", "add", "k1", "--kind", "kiosk", "--location", "hall-hr")
    assert kiosk.returncode == 0, kiosk.stderr + kiosk.stdout
    a, b = Server(env), Server(env)
    nginx = LocalNginx(tmp_path / "nginx", [f"127.0.0.1:{a.port}", f"127.0.0.1:{b.port}"], cert, key)
    try:
        a.start()
        b.start()
        nginx.start()
        yield {"a": a, "b": b, "nginx": nginx, "ca": ca, "token": device_token(kiosk.stdout)}
    finally:
        nginx.stop()
        a.stop()
        b.stop()


async def test_two_instances_behind_nginx(hall: Any) -> None:
    a, b, nginx, token = hall["a"], hall["b"], hall["nginx"], hall["token"]
    tls = ssl.create_default_context(cafile=str(hall["ca"]))  # trusts our hall CA, nothing else
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=tls)) as web:
        # Staff sign in through nginx (a token works on either instance: it is in the database).
        staff, editor, reviewer = [await sign_in(web, nginx.base, name) for name in ("boss", "ed", "rev")]

        # A kiosk feed through nginx, then a 304 for the version it holds.
        feed_url = f"{nginx.base}/kiosk/v1/k1/feed.json?token={token}"
        resp = await web.get(feed_url)
        assert resp.status == 200 and (await resp.json())["rotation"] == []
        etag = resp.headers["ETag"]
        resp = await web.get(feed_url, headers={"If-None-Match": etag})
        assert resp.status == 304 and resp.headers["ETag"] == etag
        # ... and the poll after it is answered by the microcache (no trip to an instance)
        polled = await web.get(feed_url, headers={"If-None-Match": etag})
        assert polled.status == 304

        # Event streams: one on instance B directly, one through nginx (either instance).
        on_b = await web.get(f"{b.base}/kiosk/v1/k1/events?token={token}")
        via_nginx = await web.get(f"{nginx.base}/kiosk/v1/k1/events?token={token}")
        assert on_b.status == 200 and via_nginx.status == 200
        first = (await feed_event(on_b, 5))["version"]
        await feed_event(via_nginx, 5)

        # Approved on instance A directly.
        body = {"title": "Behind nginx", "summary": "s", "body": "b", "category": "news",
                "channels": ["kiosk", "portal"], "priority": "normal"}
        resp = await web.post(f"{a.base}/api/v1/notices", json=body, headers=editor)
        assert resp.status == 201, await resp.text()
        nid = (await resp.json())["id"]
        resp = await web.post(f"{a.base}/api/v1/notices/{nid}/submit", headers=editor)
        revision = (await resp.json())["pending_revision"]["revision"]
        approved_at = time.monotonic()
        resp = await web.post(f"{a.base}/api/v1/notices/{nid}/approve", json={"revision": revision}, headers=reviewer)
        assert resp.status == 200, await resp.text()
        announced = await feed_event(on_b, 1.0)
        assert announced["version"] != first
        assert time.monotonic() - approved_at < 1.0
        assert (await feed_event(via_nginx, 1.0))["version"] == announced["version"]
        # Within the microcache's second a poll with the old validator may still get a
        # 304 from nginx; the fetch the kiosk makes for an announcement (live.js sends
        # X-Kiosk-Announced) always reaches an instance and gets the new version at once.
        resp = await web.get(feed_url, headers={"If-None-Match": etag})
        assert resp.status in (200, 304)
        resp = await web.get(feed_url, headers={"If-None-Match": etag, "X-Kiosk-Announced": announced["version"]})
        assert resp.status == 200
        fetched = await resp.json()
        assert fetched["version"] == announced["version"]
        assert [n["title"] for n in fetched["rotation"]] == ["Behind nginx"]

        # The portal, through nginx: the notice is there; a second look within the
        # second is answered by the microcache.
        resp = await web.get(f"{nginx.base}/")
        assert resp.status == 200 and "text/html" in resp.headers["Content-Type"]
        await asyncio.sleep(1.1)  # past the microcache's second (and the access log's flush)
        # The kiosk's polls with its validator were answered by nginx from the microcache.
        logged = (nginx.dir / "access.log").read_text()
        assert re.search(r'"GET /kiosk/v1/k1/feed\.json" 304 \d+ \S+ cache=HIT', logged), logged[-2000:]
        resp = await web.get(f"{nginx.base}/")
        assert "Behind nginx" in await resp.text()
        again = await web.get(f"{nginx.base}/")
        assert again.headers["X-Cache"] == "HIT"

        # Revoked through nginx: refused by both instances (B learnt it by notification).
        resp = await web.delete(f"{nginx.base}/api/v1/devices/k1", headers=staff)
        assert resp.status == 200, await resp.text()
        await asyncio.sleep(1.1)  # the microcache may hold the last 200 for a second
        for base in (a.base, b.base, nginx.base, nginx.base):
            resp = await web.get(f"{base}/kiosk/v1/k1/feed.json?token={token}")
            assert resp.status == 401, (base, await resp.text())
            assert (await resp.json())["error"]["code"] == "unauthorized"
        on_b.close()
        via_nginx.close()

        # The service believed nginx's X-Forwarded-For (trusted_proxies): the audit trail
        # records the client's address, not a planted one.
        resp = await web.post(f"{nginx.base}/api/v1/auth/login", json={"username": "boss", "password": "wrong"},
                              headers={"X-Forwarded-For": "203.0.113.9"})
        assert resp.status == 401
        resp = await web.get(f"{nginx.base}/api/v1/audit", headers=staff)
        failed = [e for e in (await resp.json())["items"] if e["action"] == "login_failed"]
        assert failed and failed[0]["remote"] == "127.0.0.1"
    assert "[emerg]" not in nginx.error_log()
