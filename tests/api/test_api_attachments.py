"""Attachments through the API: upload, refusals, the revision they belong to, and the
public download of a live notice's file only."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient

from publisher.app import create_app
from tests.attachments.attachment_samples import image, ooxml, pdf
from tests.conftest import Staff, make_settings, notice_body, publish
from tests.refusals import refused, refused_page


def form(data: bytes, filename: str = "通知.pdf", field: str = "file",
         content_type: str = "application/octet-stream") -> aiohttp.FormData:
    body = aiohttp.FormData()
    body.add_field(field, data, filename=filename, content_type=content_type)
    return body


async def upload(client: TestClient, staff: Staff, nid: int, data: bytes, filename: str = "通知.pdf",
                 who: str = "ed") -> Any:
    return await client.post(f"/api/v1/notices/{nid}/attachments", data=form(data, filename), headers=staff[who])


async def draft(client: TestClient, staff: Staff, **over: Any) -> int:
    resp = await client.post("/api/v1/notices", json=notice_body(**over), headers=staff["ed"])
    assert resp.status == 201, await resp.text()
    return int((await resp.json())["id"])


async def submit_and_approve(client: TestClient, staff: Staff, nid: int) -> dict[str, Any]:
    resp = await client.post(f"/api/v1/notices/{nid}/submit", headers=staff["ed"])
    assert resp.status == 200, await resp.text()
    number = (await resp.json())["pending_revision"]["revision"]
    resp = await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": number}, headers=staff["rev"])
    assert resp.status == 200, await resp.text()
    return dict(await resp.json())


async def test_upload_gives_the_file_its_true_type_and_a_safe_name(client: TestClient, staff: Staff) -> None:
    nid = await draft(client, staff)
    data = pdf()
    resp = await upload(client, staff, nid, data, "..\\招聘 簡章\u202e.pdf")
    assert resp.status == 201, await resp.text()
    body = await resp.json()
    assert body["filename"] == "招聘 簡章.pdf"
    assert body["content_type"] == "application/pdf"
    assert body["size"] == len(data)
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert body["revision"] == 1  # the unsubmitted draft takes it in place
    listing = await (await client.get(f"/api/v1/notices/{nid}/attachments", headers=staff["ed"])).json()
    assert [a["id"] for a in listing["items"]] == [body["id"]]
    notice = await (await client.get(f"/api/v1/notices/{nid}", headers=staff["ed"])).json()
    assert notice["attachments"][0]["filename"] == "招聘 簡章.pdf"

    png = await upload(client, staff, nid, image("PNG"), "scan.PDF")  # the name lies; the bytes tell
    assert png.status == 201
    assert (await png.json())["filename"] == "scan.png"
    docx = await upload(client, staff, nid, ooxml("word/"), "表格")
    assert (await docx.json())["content_type"].endswith("wordprocessingml.document")
    history = await (await client.get(f"/api/v1/notices/{nid}/history", headers=staff["ed"])).json()
    assert [(e["action"], e["revision"]) for e in history["events"]] == [("create", 1)] + [("edit", 1)] * 3


async def test_refusals_name_the_reason(aiohttp_client: Any, database_url: str, tmp_path: Path, clock: Any) -> None:
    settings = make_settings(database_url, tmp_path, attachments={"max_size": 100_000})
    client = await aiohttp_client(create_app(settings, clock=clock, run_scheduler=False))
    staff = Staff(client)
    await staff.add("ed", "editor")
    await staff.add("rev", "reviewer")
    nid = await draft(client, staff)

    err = await refused(await upload(client, staff, nid, b"MZ\x90\x00 this is an exe" * 50, "report.pdf"),
                        415, "unsupported_type")
    assert err["details"][0]["field"] == "file"
    err = await refused(await upload(client, staff, nid, b"%PDF-" + b"x" * 100_000, "big.pdf"), 413, "too_large")
    assert "100000" in err["message"]
    # far above the limit: refused from Content-Length, before the body is read
    await refused(await upload(client, staff, nid, b"%PDF-" + b"x" * 400_000, "huge.pdf"), 413, "too_large")
    resp = await client.post(f"/api/v1/notices/{nid}/attachments", data=form(pdf(), field="document"),
                             headers=staff["ed"])
    err = await refused(resp, 422, "validation_failed")
    assert err["details"][0]["field"] == "file"
    resp = await client.post(f"/api/v1/notices/{nid}/attachments", json={"file": "x"}, headers=staff["ed"])
    await refused(resp, 422, "validation_failed")
    await refused(await upload(client, staff, nid, pdf(), who="rev"), 403, "forbidden")
    await refused(await upload(client, staff, 999, pdf()), 404, "not_found")
    resp = await client.post(f"/api/v1/notices/{nid}/attachments", data=form(pdf()))
    await refused(resp, 401, "unauthorized")
    # nothing of the refused uploads was kept: no rows, no files
    listing = await (await client.get(f"/api/v1/notices/{nid}/attachments", headers=staff["ed"])).json()
    assert listing["items"] == []
    blobs = tmp_path / "attachments" / "blobs"
    assert not blobs.exists() or not any(p.is_file() for p in blobs.rglob("*"))
    assert not any((tmp_path / "attachments" / "tmp").glob("*"))

    # a revision in review takes no file (409), like a text edit
    await client.post(f"/api/v1/notices/{nid}/submit", headers=staff["ed"])
    await refused(await upload(client, staff, nid, pdf()), 409, "in_review")


async def test_files_are_public_only_with_the_live_revision(client: TestClient, staff: Staff) -> None:
    nid = await draft(client, staff)
    data = pdf()
    first = await (await upload(client, staff, nid, data, "第一份.pdf")).json()
    url = f"/attachments/{first['id']}/{first['filename']}"
    resp = await client.get(url)
    assert resp.status == 404  # only in a draft
    await client.post(f"/api/v1/notices/{nid}/submit", headers=staff["ed"])
    assert (await client.get(url)).status == 404  # pending review
    live = await submit_approved(client, staff, nid)
    assert live["status"] == "live"
    resp = await client.get(url)
    assert resp.status == 200
    assert await resp.read() == data
    assert resp.headers["Content-Type"] == "application/pdf"
    assert resp.headers["ETag"] == f'"{first["sha256"]}"'
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert "filename*=UTF-8''%E7%AC%AC%E4%B8%80%E4%BB%BD.pdf" in resp.headers["Content-Disposition"]

    # adding a file to the live notice makes a new revision; the live one keeps only the first
    second = await (await upload(client, staff, nid, image("PNG"), "圖.png")).json()
    assert second["revision"] == 2
    assert (await client.get(f"/attachments/{second['id']}/{second['filename']}")).status == 404
    # removing the first is a change of the draft: still public until that is approved
    resp = await client.delete(f"/api/v1/notices/{nid}/attachments/{first['id']}", headers=staff["ed"])
    assert resp.status == 200
    assert [a["id"] for a in (await resp.json())["attachments"]] == [second["id"]]
    assert (await client.get(url)).status == 200
    await submit_and_approve(client, staff, nid)
    assert (await client.get(url)).status == 404
    assert (await client.get(f"/attachments/{second['id']}/{second['filename']}")).status == 200

    # an edit of the text carries the files over
    resp = await client.put(f"/api/v1/notices/{nid}", json=notice_body(title="改了標題"), headers=staff["ed"])
    assert [a["id"] for a in (await resp.json())["attachments"]] == [second["id"]]

    resp = await client.post(f"/api/v1/notices/{nid}/withdraw", json={"reason": "錯誤"}, headers=staff["rev"])
    assert resp.status == 200
    await refused_page(await client.get(f"/attachments/{second['id']}/{second['filename']}"), 404, "not found")
    await refused(await upload(client, staff, nid, pdf()), 409, "withdrawn")


async def submit_approved(client: TestClient, staff: Staff, nid: int) -> dict[str, Any]:
    """Approve the revision already submitted."""
    notice = await (await client.get(f"/api/v1/notices/{nid}", headers=staff["ed"])).json()
    number = notice["pending_revision"]["revision"]
    resp = await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": number}, headers=staff["rev"])
    assert resp.status == 200, await resp.text()
    return dict(await resp.json())


async def test_a_frozen_draft_gets_a_new_revision_with_its_files(client: TestClient, staff: Staff) -> None:
    nid = await draft(client, staff)
    one = await (await upload(client, staff, nid, pdf())).json()
    await client.post(f"/api/v1/notices/{nid}/submit", headers=staff["ed"])
    resp = await client.post(f"/api/v1/notices/{nid}/recall", json={}, headers=staff["ed"])
    assert resp.status == 200
    two = await (await upload(client, staff, nid, image("JPEG"), "photo.jpg")).json()
    assert two["revision"] == 2  # revision 1 was submitted once: frozen
    notice = await (await client.get(f"/api/v1/notices/{nid}", headers=staff["ed"])).json()
    assert [a["id"] for a in notice["attachments"]] == [one["id"], two["id"]]
    history = await (await client.get(f"/api/v1/notices/{nid}/history", headers=staff["ed"])).json()
    assert [e["action"] for e in history["events"]][-1] == "edit"
    await refused(await client.delete(f"/api/v1/notices/{nid}/attachments/99999", headers=staff["ed"]),
                  404, "not_found")
    await refused(await client.delete(f"/api/v1/notices/{nid}/attachments/{one['id']}", headers=staff["rev"]),
                  403, "forbidden")


async def test_download_honours_ranges_and_validators(client: TestClient, staff: Staff) -> None:
    nid = await draft(client, staff)
    data = pdf(pages=3)
    found = await (await upload(client, staff, nid, data, "a.pdf")).json()
    await submit_and_approve(client, staff, nid)
    url = f"/attachments/{found['id']}/a.pdf"
    etag = f'"{found["sha256"]}"'
    resp = await client.get(url, headers={"If-None-Match": etag})
    assert resp.status == 304
    resp = await client.get(url, headers={"Range": "bytes=0-9"})
    assert resp.status == 206
    assert await resp.read() == data[:10]
    assert resp.headers["Content-Range"] == f"bytes 0-9/{len(data)}"
    resp = await client.get(url, headers={"Range": "bytes=-5"})
    assert await resp.read() == data[-5:]
    resp = await client.get(url, headers={"Range": f"bytes={len(data)}-"})
    assert resp.status == 416
    assert resp.headers["Content-Range"] == f"bytes */{len(data)}"
    # the name in the URL is cosmetic but must be the file's: another name is 404
    assert (await client.get(f"/attachments/{found['id']}/other.pdf")).status == 404
    assert (await client.get("/attachments/abc/a.pdf")).status == 404


@pytest.mark.parametrize("name", ["file.pdf"])
async def test_openapi_lists_the_routes(client: TestClient, name: str) -> None:
    doc = await (await client.get("/api/v1/openapi.json")).json()
    assert "post" in doc["paths"]["/api/v1/notices/{id}/attachments"]
    assert "delete" in doc["paths"]["/api/v1/notices/{id}/attachments/{attachment_id}"]


async def test_publish_helper_still_works(client: TestClient, staff: Staff) -> None:
    live = await publish(client, staff)
    assert live["attachments"] == []
