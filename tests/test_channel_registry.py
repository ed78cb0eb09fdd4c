"""Channels are registered, not listed: two channels defined here, in the test folder,
reach the API, the editor, the device list, the dashboard, the schedule, /live and the
CLI through create_app(channels=...) alone, with no edit outside this file.

- "wechat": a push channel without devices (an official account that would post each
  change); it listens to the content queue and keeps what it would post.
- "ticker": a channel with devices of its own kind ("ticker"), a profile, a feed route.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from conftest import DEFAULT_CONFIG, Staff, notice_body, publish
from pydantic import BaseModel, ConfigDict, Field
from refusals import refused, refused_page
from web.web_support import sign_in, text_of  # tests/web/web_support.py

from channels.serve import device_for, polled, serve
from publisher import keys
from publisher.app import create_app
from publisher.channel_registry import ChannelRegistry, ChannelSpec, DeviceKind, builtin_channels
from publisher.cli import main
from publisher.domain.rotation import Rotation
from publisher.queue import Snapshot
from publisher.settings import Settings

# -- a push channel without devices ---------------------------------------------------

POSTED: web.AppKey[list[list[str]]] = web.AppKey("wechat_posted", list)


def setup_wechat(app: web.Application) -> None:
    """Whenever the live set moves, 'post' the titles the channel carries now."""
    app[POSTED] = posted = []
    queue = app[keys.QUEUE]

    def changed() -> None:
        titles = [n.content.title for n in queue.rotation("wechat", None, app[keys.CLOCK]()).items]
        if not posted or posted[-1] != titles:
            posted.append(titles)

    queue.listeners.add(changed)


WECHAT = ChannelSpec(name="wechat", label="微信公眾號", setup=setup_wechat)

# -- a channel with devices -------------------------------------------------------------


class TickerProfile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    speed: int = Field(3, ge=1, le=10)


class TickerChannel:
    name = "ticker"

    def render(self, rotation: Rotation, target: Any, now: datetime, valid_until: datetime | None,
               previous: Snapshot | None) -> Snapshot:
        text = " | ".join(n.content.title for n in rotation.items)
        return Snapshot(body=text.encode(), version=str(abs(hash(text)) % 10**8),
                        content_type="text/plain; charset=utf-8", generated_at=now, valid_until=valid_until,
                        data_revision=0)


async def ticker_feed(request: web.Request) -> web.Response:
    now = request.app[keys.CLOCK]()
    device = await device_for(request, "ticker", now=now)
    return serve(request, polled(request, "ticker", device, now))


def setup_ticker(app: web.Application) -> None:
    app[keys.QUEUE].channels["ticker"] = TickerChannel()
    app.router.add_get("/ticker/v1/{device_id}/feed.txt", ticker_feed)


TICKER = ChannelSpec(
    name="ticker",
    label="跑馬燈",
    devices=DeviceKind(name="ticker", label="跑馬燈", profile=TickerProfile, poll_s=lambda _s: 15,
                       feed="/ticker/v1/{id}/feed.txt"),
    json_prefixes=("/ticker/v1/",),
    setup=setup_ticker,
)


@pytest.fixture
async def wide(aiohttp_client: Callable[..., Any], settings: Settings, clock: Any) -> TestClient:
    """The service with the built-in channels plus wechat and ticker."""
    app = create_app(settings, clock=clock, run_scheduler=False, channels=[*builtin_channels(), WECHAT, TICKER])
    return await aiohttp_client(app)


@pytest.fixture
async def team(wide: TestClient) -> Staff:
    staff = Staff(wide)
    for name, role in (("ed", "editor"), ("rev", "reviewer"), ("boss", "admin")):
        await staff.add(name, role)
    return staff


async def test_a_new_channel_is_accepted_by_the_api(wide: TestClient, team: Staff) -> None:
    resp = await wide.post("/api/v1/notices", json=notice_body(channels=["wechat", "ticker"]), headers=team["ed"])
    assert resp.status == 201, await resp.text()
    assert (await resp.json())["channels"] == ["wechat", "ticker"]
    # left out: every registered channel
    body = notice_body()
    del body["channels"]
    resp = await wide.post("/api/v1/notices", json=body, headers=team["ed"])
    assert (await resp.json())["channels"] == ["portal", "kiosk", "led", "wechat", "ticker"]
    # a name no channel is registered under is refused, naming the field
    resp = await wide.post("/api/v1/notices", json=notice_body(channels=["wechat", "fax"]), headers=team["ed"])
    assert resp.status == 422
    err = (await resp.json())["error"]
    assert err["code"] == "validation_failed" and err["details"][0]["field"] == "channels.1"
    assert "unknown channel 'fax'" in err["message"] and "wechat" in err["message"]


async def test_the_built_in_service_refuses_a_channel_it_does_not_serve(client: TestClient, staff: Staff) -> None:
    resp = await client.post("/api/v1/notices", json=notice_body(channels=["portal", "wechat"]), headers=staff["ed"])
    assert resp.status == 422
    err = (await resp.json())["error"]
    assert err["code"] == "validation_failed" and err["details"][0]["field"] == "channels.1"
    resp = await client.post("/api/v1/devices", json={"id": "t1", "kind": "ticker", "location": "hall-hr"},
                             headers=staff["boss"])
    assert resp.status == 422
    err = (await resp.json())["error"]
    assert err["code"] == "validation_failed" and err["details"][0]["field"] == "kind"


async def test_a_push_channel_without_devices_gets_its_rotation(wide: TestClient, team: Staff) -> None:
    await publish(wide, team, title="只在公眾號", channels=["wechat"])
    await publish(wide, team, title="只在網站", channels=["portal"])
    assert wide.server.app[POSTED][-1] == ["只在公眾號"]
    resp = await wide.get("/api/v1/live?channel=wechat", headers=team["ed"])
    assert resp.status == 200
    live = await resp.json()
    assert [i["title"] for i in live["rotation"]] == ["只在公眾號"] and live["device"] is None
    assert set(live["rotation"][0]) == {"notice_id", "index_no", "title", "summary", "body_html", "category",
                                        "priority", "dwell_s", "start", "end"}
    resp = await wide.get("/api/v1/live?channel=ticker", headers=team["ed"])
    assert resp.status == 422
    err = (await resp.json())["error"]
    assert err["code"] == "validation_failed" and err["details"][0]["field"] == "device"
    assert "kiosk, led and ticker" in err["message"]


async def test_a_channel_with_devices_registers_polls_and_lists_them(wide: TestClient, team: Staff) -> None:
    resp = await wide.post("/api/v1/devices", json={"id": "t1", "kind": "ticker", "location": "hall-hr",
                                                    "profile": {"speed": 11}}, headers=team["boss"])
    assert resp.status == 422
    err = (await resp.json())["error"]
    assert err["code"] == "validation_failed" and err["details"][0]["field"] == "profile.speed"
    resp = await wide.post("/api/v1/devices", json={"id": "t1", "kind": "ticker", "location": "hall-hr",
                                                    "name": "門口跑馬燈"}, headers=team["boss"])
    assert resp.status == 201, await resp.text()
    token = (await resp.json())["token"]
    await publish(wide, team, title="今日取號已滿", channels=["ticker"], locations=["hall-hr"])

    resp = await wide.get(f"/ticker/v1/t1/feed.txt?token={token}")
    assert resp.status == 200 and await resp.text() == "今日取號已滿"
    resp = await wide.get("/ticker/v1/t1/feed.txt?token=wrong")
    assert resp.status == 401 and (await resp.json())["error"]["code"] == "unauthorized"  # JSON: its prefix
    resp = await wide.get("/api/v1/live?channel=ticker&device=t1", headers=team["ed"])
    assert [i["title"] for i in (await resp.json())["rotation"]] == ["今日取號已滿"]

    listed = (await (await wide.get("/api/v1/devices", headers=team["ed"])).json())["items"]
    t1 = next(d for d in listed if d["id"] == "t1")
    assert t1["kind"] == "ticker" and t1["profile"] == {"speed": 3} and t1["online"] is True

    await sign_in(wide, "boss")
    page = await wide.get("/staff/devices")
    assert page.status == 200
    html = await page.text()
    assert "門口跑馬燈 t1 跑馬燈 人力資源綜合服務樓辦事大廳 在線" in text_of(html)
    assert 'name="kind" value="ticker"' in html and 'name="kind" value="led"' in html


async def test_the_staff_pages_show_the_new_channels(wide: TestClient, team: Staff) -> None:
    await publish(wide, team, title="公眾號與跑馬燈", channels=["wechat", "ticker"])
    await sign_in(wide, "ed")
    editor = await (await wide.get("/staff/notices/new")).text()
    assert 'name="channels" value="wechat" checked' in editor and "微信公眾號" in editor
    assert 'name="channels" value="ticker" checked' in editor and "跑馬燈" in editor
    overview = text_of(await (await wide.get("/staff/")).text())
    assert "微信公眾號 1 則現行公告" in overview
    assert "地點 觸控資訊機 LED 顯示屏 跑馬燈" in overview
    week = text_of(await (await wide.get("/staff/schedule?location=hall-hr")).text())
    assert "跑馬燈 · 人力資源綜合服務樓辦事大廳" in week and "公眾號與跑馬燈" in week


async def test_without_the_led_package_nothing_of_it_remains(
    aiohttp_client: Callable[..., Any], settings: Settings, clock: Any, client: TestClient
) -> None:
    """The LED channel's OpenAPI models, editor preview and routes come with its spec."""
    builtin = {spec.name: spec for spec in builtin_channels()}
    bare = await aiohttp_client(create_app(settings, clock=clock, run_scheduler=False,
                                           channels=[builtin["portal"], WECHAT]))
    doc = await (await bare.get("/api/v1/openapi.json")).json()
    assert "/api/v1/led/preview" not in doc["paths"] and "LedPreview" not in doc["components"]["schemas"]
    assert doc["paths"]["/api/v1/live"]["get"]["parameters"][0]["description"] == "portal or wechat"
    full = await (await client.get("/api/v1/openapi.json")).json()
    assert "/api/v1/led/preview" in full["paths"] and "LedPreview" in full["components"]["schemas"]
    editor = await Staff(bare).add("ed", "editor")
    resp = await bare.post("/api/v1/notices", json=notice_body(channels=["led"]), headers=editor)
    assert (await refused(resp, 422, "validation_failed"))["details"][0]["field"] == "channels.0"
    await sign_in(bare, "ed")
    editor = await (await bare.get("/staff/notices/new")).text()
    assert 'id="pv-led"' not in editor and 'id="pv-kiosk"' not in editor and 'value="wechat"' in editor
    await refused_page(await bare.get("/led/v1/signs/x/feed.txt"), 404, "no such page: /led/v1/signs/x/feed.txt")


def test_the_registry_refuses_clashing_or_malformed_names() -> None:
    with pytest.raises(ValueError, match="registered twice"):
        ChannelRegistry([WECHAT, WECHAT])
    with pytest.raises(ValueError, match="channel name"):
        ChannelRegistry([ChannelSpec(name="WeChat!", label="x")])
    other = ChannelSpec(name="other", label="x", devices=DeviceKind(name="ticker", label="x"))
    with pytest.raises(ValueError, match="served by two channels"):
        ChannelRegistry([TICKER, other])
    registry = ChannelRegistry([*builtin_channels(), WECHAT, TICKER])
    assert registry.names == ("portal", "kiosk", "led", "wechat", "ticker")
    assert [s.name for s in registry.located] == ["kiosk", "led", "ticker"]
    assert registry.channel_of("ticker") == "ticker" and registry.channel_of("wechat") is None


def test_the_cli_registers_a_device_of_a_new_kind(tmp_path: Any, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PUBLISHER_DATABASE__URL", f"sqlite+aiosqlite:///{tmp_path / 'p.db'}")
    monkeypatch.setenv("PUBLISHER_DATA_DIR", str(tmp_path))
    # main() configures logging to the stdout of the moment, which capsys closes after the test
    monkeypatch.setattr("publisher.cli.setup_logging", lambda _format: None)
    registry = ChannelRegistry([*builtin_channels(), TICKER])
    argv = ["--config", str(DEFAULT_CONFIG), "device", "add", "t9", "--kind", "ticker", "--location", "hall-hr"]
    assert main(argv, channels=registry) == 0
    out = capsys.readouterr().out
    assert "device t9 (ticker) registered at hall-hr" in out and "feed: /ticker/v1/t9/feed.txt?token=" in out
    with pytest.raises(SystemExit) as stop:  # the built-in channels have no such kind
        main(argv)
    assert stop.value.code == 2
    assert "invalid choice: 'ticker'" in capsys.readouterr().err
