"""Helpers for the kiosk page in a real browser: a hall (the app on a loopback port,
staff to publish and withdraw, kiosks), a network cable that can be pulled, and checks
that every visible text and touch target is large enough."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from conftest import Staff, publish

PORTRAIT = {"width": 1080, "height": 1920}
LANDSCAPE = {"width": 1920, "height": 1080}


class Hall:
    """The service on a real port, with staff signed in through the API."""

    def __init__(self, server: TestServer) -> None:
        self.server = server
        self.client = TestClient(server)
        self.staff = Staff(self.client)

    async def start(self) -> Hall:
        await self.client.start_server()
        for name, role in [("ed", "editor"), ("rev", "reviewer"), ("boss", "admin")]:
            await self.staff.add(name, role)
        return self

    async def close(self) -> None:
        await self.client.close()

    async def publish(self, **fields: Any) -> dict[str, Any]:
        return await publish(self.client, self.staff, **fields)

    async def withdraw(self, notice_id: int) -> None:
        resp = await self.client.post(f"/api/v1/notices/{notice_id}/withdraw", json={"reason": "撤回"},
                                      headers=self.staff["rev"])
        assert resp.status == 200, await resp.text()

    async def add_kiosk(self, device_id: str, location: str = "hall-hr", **profile: Any) -> str:
        body: dict[str, Any] = {"id": device_id, "kind": "kiosk", "location": location, "profile": profile}
        resp = await self.client.post("/api/v1/devices", json=body, headers=self.staff["boss"])
        assert resp.status == 201, await resp.text()
        return (await resp.json())["token"]

    def url(self, device_id: str, token: str, port: int | None = None) -> str:
        path = f"/kiosk/{device_id}/?token={token}"
        return f"http://127.0.0.1:{port}{path}" if port else str(self.server.make_url(path))


async def open_kiosk(browser: Any, url: str, viewport: dict[str, int], at: datetime, bypass_csp: bool = True,
                     **options: Any) -> tuple[Any, Any, list[str]]:
    """A fresh context (bypass_csp so that axe can be injected; without it, the page runs
    under its own Content-Security-Policy and any violation is an error) with the page's
    clock set to the server's fake clock: the page drops items by `end` on its own clock."""
    context = await browser.new_context(viewport=viewport, locale="zh-TW", bypass_csp=bypass_csp, **options)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    await page.clock.install(time=at)
    await page.goto(url)
    return context, page, errors


async def pause(page: Any) -> None:
    """Stop the page's clock where it is: from here on its time moves only when the test
    says (page.clock.run_for / fast_forward), however long a step takes for real."""
    # A busy machine can take longer than the margin between reading the page's time
    # and pausing it ("Cannot fast-forward to the past"): then read it again, wider.
    for margin in (0.05, 0.5, 2.0):
        now_ms = await page.evaluate("Date.now()")
        try:
            await page.clock.pause_at(datetime.fromtimestamp(now_ms / 1000 + margin, UTC))
            return
        except Exception as exc:  # playwright's Error; anything else is raised on the last try
            if "fast-forward to the past" not in str(exc) or margin == 2.0:
                raise


SMALL_TEXT = """() => {
  const small = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!node.textContent.trim() || !el.checkVisibility() || el.closest('.sr')) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < 28) small.push(`${el.tagName}.${el.className}: ${node.textContent.trim().slice(0, 20)} (${size}px)`);
  }
  return small;
}"""

SMALL_TARGETS = """() => [...document.querySelectorAll('button, input, a')]
  .filter((el) => el.checkVisibility())
  .map((el) => [el.id || el.className || el.textContent.trim().slice(0, 12), el.getBoundingClientRect()])
  .filter(([, r]) => r.width < 48 || r.height < 48)
  .map(([name, r]) => `${name}: ${Math.round(r.width)}x${Math.round(r.height)}`)"""


class Cable:
    """A TCP relay between the browser and the server that can be unplugged: existing
    connections (the event stream too) are cut, new ones are refused."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.plugged = True
        self.port = 0
        self._server: asyncio.AbstractServer | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> Cable:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.plugged:
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.transport.abort()
            return
        self._writers.update((writer, up_writer))

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, asyncio.CancelledError):
                pass
            finally:
                dst.transport.abort()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        self._writers.difference_update((writer, up_writer))

    def unplug(self) -> None:
        self.plugged = False
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    def plug(self) -> None:
        self.plugged = True

    async def close(self) -> None:
        self.unplug()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
