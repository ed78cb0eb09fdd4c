"""The command line and a real `publisher serve` subprocess, fetched over HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest
from serve_support import PASSWORD, Server, clean_env, cli, device_token, fetch

pytestmark = pytest.mark.slow  # every test here runs `publisher` as a process


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return clean_env(tmp_path)


def test_user_add_and_its_refusals(env: dict[str, str]) -> None:
    ok = cli(env, "user", "add", "wang", "--role", "editor", "--role", "reviewer", "--password-stdin",
             stdin=PASSWORD + "\n")
    assert ok.returncode == 0, ok.stderr
    assert "wang" in ok.stdout and "editor, reviewer" in ok.stdout
    again = cli(env, "user", "add", "wang", "--role", "editor", "--password-stdin", stdin=PASSWORD)
    assert again.returncode == 2 and "exists" in again.stderr
    bad_role = cli(env, "user", "add", "li", "--role", "mayor", "--password-stdin", stdin=PASSWORD)
    assert bad_role.returncode == 2 and "roles" in bad_role.stderr and "mayor" in bad_role.stderr
    short = cli(env, "user", "add", "li", "--role", "editor", "--password-stdin", stdin="short")
    assert short.returncode == 2 and "password" in short.stderr


def test_device_add_prints_its_token_once(env: dict[str, str]) -> None:
    ok = cli(env, "device", "add", "led-1", "--kind", "led", "--location", "hall-si",
             "--profile", '{"encoding": "gbk"}')
    assert ok.returncode == 0, ok.stderr
    assert "token" in ok.stdout and "/led/v1/signs/led-1/feed.txt?token=" in ok.stdout
    bad = cli(env, "device", "add", "k-1", "--kind", "kiosk", "--location", "hall-moon")
    assert bad.returncode == 2 and "location" in bad.stderr
    bad_profile = cli(env, "device", "add", "led-2", "--kind", "led", "--location", "hall-si",
                      "--profile", '{"encoding": "x"}')
    assert bad_profile.returncode == 2 and "profile.encoding" in bad_profile.stderr
    not_json = cli(env, "device", "add", "led-2", "--kind", "led", "--location", "hall-si", "--profile", "{")
    assert not_json.returncode == 2 and "--profile" in not_json.stderr


def test_db_upgrade_and_config_errors(env: dict[str, str]) -> None:
    ok = cli(env, "db", "upgrade")
    assert ok.returncode == 0 and "up to date" in ok.stdout
    bad = cli({**env, "PUBLISHER_TIMEZONE": "Nowhere/Land"}, "db", "upgrade")
    assert bad.returncode == 2 and "timezone" in bad.stderr
    missing = cli(env, "--config", "/nonexistent.toml", "db", "upgrade")
    assert missing.returncode == 2 and "not found" in missing.stderr


@pytest.fixture
def server(env: dict[str, str], request: pytest.FixtureRequest) -> Iterator[Server]:
    running = Server(env, *getattr(request, "param", [])).start()
    yield running
    running.stop()


def test_serve_end_to_end_with_cli_changes_while_running(env: dict[str, str], server: Server) -> None:
    base = server.base
    # accounts and devices added by the CLI while the service runs work at once
    for name, role in [("ed", "editor"), ("rev", "reviewer")]:
        assert cli(env, "user", "add", name, "--role", role, "--password-stdin", stdin=PASSWORD).returncode == 0
    out = cli(env, "device", "add", "k1", "--kind", "kiosk", "--location", "hall-hr").stdout
    kiosk_token = device_token(out)
    out = cli(env, "device", "add", "s1", "--kind", "led", "--location", "hall-hr").stdout
    led_token = device_token(out)

    ed, rev = server.login("ed"), server.login("rev")
    status, _, body = fetch(base + "/api/v1/notices", {"title": "明日停水通知", "category": "news",
                                                       "body": "請提前儲水。", "led_text": "明日停水，请储水。"}, ed)
    assert status == 201, body
    nid = json.loads(body)["id"]
    assert fetch(f"{base}/api/v1/notices/{nid}/submit", {}, ed)[0] == 200
    assert fetch(f"{base}/api/v1/notices/{nid}/approve", {"revision": 1}, rev)[0] == 200

    status, _, html = fetch(base + "/")
    assert status == 200 and "明日停水通知" in html.decode()
    status, _, atom = fetch(base + "/feed.atom")
    parsed = feedparser.parse(atom)
    assert status == 200 and not parsed.bozo and parsed.entries[0].title == "明日停水通知"
    status, headers, feed = fetch(f"{base}/kiosk/v1/k1/feed.json?token={kiosk_token}")
    assert status == 200 and json.loads(feed)["rotation"][0]["notice_id"] == nid
    status, _, _ = fetch(f"{base}/kiosk/v1/k1/feed.json", headers={"If-None-Match": headers["ETag"],
                                                                   "Authorization": f"Bearer {kiosk_token}"})
    assert status == 304
    status, headers, led = fetch(f"{base}/led/v1/signs/s1/feed.txt?token={led_token}")
    assert status == 200 and headers["Content-Type"] == "text/plain; charset=GB2312"
    assert led == "明日停水，请储\r\n水。\r\n".encode("gb2312")
    status, _, body = fetch(f"{base}/led/v1/signs/s1/feed.txt?token=wrong")
    assert status == 401 and json.loads(body)["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("server", [["--demo"]], indirect=True)
def test_serve_demo_prints_working_urls(server: Server) -> None:
    base = server.base
    from publisher.demo import PASSWORD as DEMO_PASSWORD

    status, _, feed = fetch(f"{base}/kiosk/v1/kiosk-hall-hr/feed.json?token=demo-kiosk-hall-hr")
    assert status == 200 and json.loads(feed)["rotation"]
    status, headers, led = fetch(f"{base}/led/v1/signs/led-hall-hr/feed.txt?token=demo-led-hall-hr")
    assert status == 200 and led and headers["X-LED-Encoding"] == "GB2312"
    status, _, html = fetch(base + "/catalog/")
    text = html.decode()
    for category in ["機構職能", "部門文件", "辦事指南", "行政執法", "工作動態", "其他"]:
        assert category in text
    status, _, body = fetch(base + "/api/v1/auth/login", {"username": "editor", "password": DEMO_PASSWORD})
    assert status == 200
    output = server.stop()
    for line in ["portal:", "kiosk feed:", "LED feed:", "staff login:", DEMO_PASSWORD]:
        assert line in output
