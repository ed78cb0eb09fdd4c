"""The notice page lists the live revision's files with type, size and thumbnails."""

from __future__ import annotations

import asyncio
import io
import time

import aiohttp
import pytest
from aiohttp.test_utils import TestClient
from conftest import Staff, notice_body
from PIL import Image

from publisher import keys
from publisher.attachments import thumbnails
from publisher.services import attachments as attachment_service
from tests.attachments.attachment_samples import image, ooxml, pdf


async def attach(client: TestClient, staff: Staff, nid: int, data: bytes, name: str) -> dict:
    body = aiohttp.FormData()
    body.add_field("file", data, filename=name)
    resp = await client.post(f"/api/v1/notices/{nid}/attachments", data=body, headers=staff["ed"])
    assert resp.status == 201, await resp.text()
    return dict(await resp.json())


async def test_notice_page_lists_files_with_thumbnails(client: TestClient, staff: Staff) -> None:
    nid = (await (await client.post("/api/v1/notices", json=notice_body(title="附件公告"),
                                    headers=staff["ed"])).json())["id"]
    doc = await attach(client, staff, nid, pdf(), "報名表.pdf")
    png = await attach(client, staff, nid, image("PNG", (800, 600)), "地圖.png")
    word = await attach(client, staff, nid, ooxml("word/"), "說明.docx")
    number = (await (await client.post(f"/api/v1/notices/{nid}/submit", headers=staff["ed"])).json())[
        "pending_revision"]["revision"]
    await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": number}, headers=staff["rev"])

    html = await (await client.get(f"/notices/{nid}")).text()
    assert "附件" in html
    assert f'href="/attachments/{doc["id"]}/%E5%A0%B1%E5%90%8D%E8%A1%A8.pdf"' in html
    assert "PDF · " in html and "PNG · " in html and "Word · " in html
    assert f'src="/attachment-thumbnails/{doc["id"]}.png"' in html
    assert f'src="/attachment-thumbnails/{png["id"]}.png"' in html
    assert f'/attachment-thumbnails/{word["id"]}.png' not in html  # no thumbnail for Word

    for found in (doc, png):
        resp = await client.get(f"/attachment-thumbnails/{found['id']}.png")
        assert resp.status == 200 and resp.headers["Content-Type"] == "image/png"
        thumb = Image.open(io.BytesIO(await resp.read()))
        assert max(thumb.size) <= 320
        etag = resp.headers["ETag"]
        assert (await client.get(f"/attachment-thumbnails/{found['id']}.png",
                                 headers={"If-None-Match": etag})).status == 304
    assert (await client.get(f"/attachment-thumbnails/{word['id']}.png")).status == 404
    # cached on disk beside the file, by its sha256
    settings = client.server.app[keys.SETTINGS]
    derived = settings.attachments.root(settings.data_dir) / "derived"
    assert {p.name.split(".")[0] for p in derived.rglob("*.png")} == {doc["sha256"], png["sha256"]}


async def test_a_notice_without_files_shows_no_section(client: TestClient, staff: Staff, helpers) -> None:
    live = await helpers.publish(client, staff)
    html = await (await client.get(f"/notices/{live['id']}")).text()
    assert 'class="attachments"' not in html


async def _live_png(client: TestClient, staff: Staff) -> dict:
    """A live notice with one PNG whose thumbnail is not cached (the upload's own
    pre-render finished, then its result was removed)."""
    created = await client.post("/api/v1/notices", json=notice_body(title="縮圖"), headers=staff["ed"])
    nid = (await created.json())["id"]
    png = await attach(client, staff, nid, image("PNG", (800, 600)), "地圖.png")
    number = (await (await client.post(f"/api/v1/notices/{nid}/submit", headers=staff["ed"])).json())[
        "pending_revision"]["revision"]
    await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": number}, headers=staff["rev"])
    service = client.server.app[keys.ATTACHMENTS]
    await asyncio.gather(*service._background)
    settings = client.server.app[keys.SETTINGS]
    for cached in (settings.attachments.root(settings.data_dir) / "derived").rglob("*.png"):
        cached.unlink()
    return png


async def test_many_views_of_one_uncached_thumbnail_render_it_once(
    client: TestClient, staff: Staff, monkeypatch: pytest.MonkeyPatch
) -> None:
    png = await _live_png(client, staff)
    renders = []

    def counted(*args: object) -> bytes | None:
        renders.append(args)
        time.sleep(0.2)  # long enough for every view to arrive while it runs
        return thumbnails.thumbnail(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(attachment_service, "thumbnail", counted)
    answers = await asyncio.gather(*(client.get(f"/attachment-thumbnails/{png['id']}.png") for _ in range(12)))
    bodies = {await resp.read() for resp in answers}
    assert [resp.status for resp in answers] == [200] * 12 and len(bodies) == 1
    assert len(renders) == 1
    assert (await client.get(f"/attachment-thumbnails/{png['id']}.png")).status == 200
    assert len(renders) == 1  # the next view reads the cached file


async def test_a_view_when_the_pool_is_full_is_told_to_come_back(client: TestClient, staff: Staff) -> None:
    png = await _live_png(client, staff)
    service = client.server.app[keys.ATTACHMENTS]
    limit, service.max_renders = service.max_renders, 0  # as if max_renders others were under way
    resp = await client.get(f"/attachment-thumbnails/{png['id']}.png")
    assert resp.status == 503 and resp.headers["Retry-After"] == "2"
    assert "ask again shortly" in await resp.text()
    service.max_renders = limit
    resp = await client.get(f"/attachment-thumbnails/{png['id']}.png")
    assert resp.status == 200 and resp.headers["Content-Type"] == "image/png"
