"""Changes happen on time with nobody touching anything: a notice scheduled to start a
few seconds ahead reaches a connected kiosk by push, within a second of its start, with
no other request in between; and after a restart everything is right at once."""

from __future__ import annotations

import json
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from serve_support import PASSWORD, Server, clean_env, cli, device_token, fetch

pytestmark = pytest.mark.slow


def publish_at(server: Server, ed: dict[str, str], rev: dict[str, str], title: str, start: datetime,
               end: datetime | None = None) -> int:
    schedule = {"start": start.isoformat(), **({"end": end.isoformat()} if end else {})}
    status, _, body = fetch(server.base + "/api/v1/notices",
                            {"title": title, "category": "news", "channels": ["kiosk"], "schedule": schedule}, ed)
    assert status == 201, body
    nid = json.loads(body)["id"]
    assert fetch(f"{server.base}/api/v1/notices/{nid}/submit", {}, ed)[0] == 200
    assert fetch(f"{server.base}/api/v1/notices/{nid}/approve", {"revision": 1}, rev)[0] == 200
    return nid


def next_feed_event(stream, deadline: float) -> tuple[str, float]:  # type: ignore[no-untyped-def]
    """Read SSE lines until an `event: feed`; returns its version and when it arrived."""
    event = None
    while time.monotonic() < deadline:
        line = stream.readline().decode().rstrip("\n")
        if line.startswith("event: "):
            event = line[7:]
        elif line.startswith("data: ") and event == "feed":
            return json.loads(line[6:])["version"], time.time()
    raise AssertionError("no feed event before the deadline")


def test_start_and_end_reach_a_kiosk_on_time_and_survive_a_restart(tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    for name, role in [("ed", "editor"), ("rev", "reviewer")]:
        assert cli(env, "user", "add", name, "--role", role, "--password-stdin", stdin=PASSWORD).returncode == 0
    token = device_token(cli(env, "device", "add", "k1", "--kind", "kiosk", "--location", "hall-hr").stdout)
    feed_url = "/kiosk/v1/k1/feed.json?token=" + token
    server = Server(env).start()
    try:
        ed, rev = server.login("ed"), server.login("rev")
        start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(seconds=4)
        nid = publish_at(server, ed, rev, "準點開始的公告", start, end=start + timedelta(seconds=3))
        stream = urllib.request.urlopen(f"{server.base}/kiosk/v1/k1/events?token={token}", timeout=30)
        first, _ = next_feed_event(stream, time.monotonic() + 5)
        # no other request from here on: the push must come by itself
        version, arrived = next_feed_event(stream, time.monotonic() + 15)
        assert version != first
        assert start.timestamp() <= arrived < start.timestamp() + 1.0, arrived - start.timestamp()
        feed = json.loads(fetch(server.base + feed_url)[2])
        assert feed["version"] == version and [i["notice_id"] for i in feed["rotation"]] == [nid]
        # and the end, too
        gone, arrived = next_feed_event(stream, time.monotonic() + 15)
        assert (start + timedelta(seconds=3)).timestamp() <= arrived < start.timestamp() + 4.0
        assert json.loads(fetch(server.base + feed_url)[2])["rotation"] == []
        stream.close()

        # across a restart: scheduled, then the service goes down before the start
        later = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(seconds=8)
        second = publish_at(server, ed, rev, "重啟之後開始的公告", later)
        server.stop()
        server = Server(env, port=server.port).start()
        stream = urllib.request.urlopen(f"{server.base}/kiosk/v1/k1/events?token={token}", timeout=30)
        before, _ = next_feed_event(stream, time.monotonic() + 5)
        assert json.loads(fetch(server.base + feed_url)[2])["rotation"] == []
        version, arrived = next_feed_event(stream, time.monotonic() + 20)
        assert later.timestamp() <= arrived < later.timestamp() + 1.0
        feed = json.loads(fetch(server.base + feed_url)[2])
        assert [i["notice_id"] for i in feed["rotation"]] == [second]
        stream.close()
    finally:
        server.stop()
