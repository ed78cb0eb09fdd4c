"""The kiosk's detail data: each file with a QR code of the portal's download URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote

import aiohttp
from conftest import Staff, add_device, make_settings, notice_body

from publisher.app import create_app
from publisher.attachments.qr import qr_data_uri
from tests.attachments.attachment_samples import pdf


async def test_feed_and_catalog_carry_files_with_qr_codes(aiohttp_client: Any, database_url: str,
                                                          tmp_path: Path, clock: Any) -> None:
    settings = make_settings(database_url, tmp_path, server={"public_url": "https://notices.example.gov"})
    client = await aiohttp_client(create_app(settings, clock=clock, run_scheduler=False))
    staff = Staff(client)
    for name, role in (("ed", "editor"), ("rev", "reviewer"), ("boss", "admin")):
        await staff.add(name, role)
    token = await add_device(client, staff, "k1", "kiosk")
    nid = (await (await client.post("/api/v1/notices", json=notice_body(), headers=staff["ed"])).json())["id"]
    document = pdf()
    body = aiohttp.FormData()
    body.add_field("file", document, filename="申請表.pdf")
    found = await (await client.post(f"/api/v1/notices/{nid}/attachments", data=body, headers=staff["ed"])).json()
    number = (await (await client.post(f"/api/v1/notices/{nid}/submit", headers=staff["ed"])).json())[
        "pending_revision"]["revision"]
    await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": number}, headers=staff["rev"])

    feed = await (await client.get(f"/kiosk/v1/k1/feed.json?token={token}")).json()
    item = next(i for i in feed["rotation"] if i["notice_id"] == nid)
    [file] = item["attachments"]
    url = f"https://notices.example.gov/attachments/{found['id']}/%E7%94%B3%E8%AB%8B%E8%A1%A8.pdf"
    assert file["url"] == url
    assert file["filename"] == "申請表.pdf" and file["label"] == "PDF" and file["size"] == len(document)
    assert file["qr"].startswith("data:image/svg+xml;charset=utf-8,")
    svg = unquote(file["qr"].split(",", 1)[1])
    assert svg.startswith("<svg xmlns='http://www.w3.org/2000/svg'") and "<path" in svg
    assert file["qr"] == qr_data_uri(url, title="掃描下載附件")  # segno is deterministic: the code holds `url`
    catalog = await (await client.get(f"/kiosk/v1/k1/catalog.json?token={token}")).json()
    entry = next(i for i in catalog["notices"] if i["notice_id"] == nid)
    assert entry["attachments"][0]["qr"] == file["qr"]  # the detail view reads the catalog's
    # the URL the QR code holds downloads the file from the portal
    resp = await client.get(url.removeprefix("https://notices.example.gov"))
    assert resp.status == 200 and await resp.read() == document


async def test_without_public_url_no_qr_code(client: Any, staff: Staff, helpers: Any) -> None:
    token = await helpers.add_device(client, staff, "k1", "kiosk")
    nid = (await (await client.post("/api/v1/notices", json=notice_body(), headers=staff["ed"])).json())["id"]
    body = aiohttp.FormData()
    body.add_field("file", pdf(), filename="a.pdf")
    await client.post(f"/api/v1/notices/{nid}/attachments", data=body, headers=staff["ed"])
    number = (await (await client.post(f"/api/v1/notices/{nid}/submit", headers=staff["ed"])).json())[
        "pending_revision"]["revision"]
    await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": number}, headers=staff["rev"])
    feed = await (await client.get(f"/kiosk/v1/k1/feed.json?token={token}")).json()
    [file] = feed["rotation"][0]["attachments"]
    assert file["url"].startswith("/attachments/") and file["qr"] is None
