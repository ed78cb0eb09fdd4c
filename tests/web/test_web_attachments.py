"""Attachments on the staff pages (HTTP): the editor's list and its no-JavaScript upload
and removal, the review page's list with staff downloads."""

from __future__ import annotations

from typing import Any

import aiohttp
from aiohttp.test_utils import TestClient
from conftest import Staff, notice_body
from refusals import refused_page
from web_support import page_token, post_form, sign_in, text_of

from tests.attachments.attachment_samples import image, pdf


async def form_upload(client: TestClient, nid: int, data: bytes, filename: str, token: str | None) -> Any:
    body = aiohttp.FormData()
    if token is not None:
        body.add_field("csrf_token", token)
    body.add_field("file", data, filename=filename, content_type="application/pdf")
    return await client.post(f"/staff/notices/{nid}/attachments", data=body, allow_redirects=False)


async def test_editor_upload_remove_and_review_without_javascript(client: TestClient, staff: Staff) -> None:
    resp = await client.post("/api/v1/notices", json=notice_body(title="招聘簡章"), headers=staff["ed"])
    nid = (await resp.json())["id"]
    await sign_in(client, "ed")
    editor = await client.get(f"/staff/notices/{nid}/edit")
    html = await editor.text()
    assert 'id="attachments"' in html and 'type="file"' in html and "尚無附件" in text_of(html)

    token = await page_token(client, f"/staff/notices/{nid}/edit")
    document = pdf()
    resp = await form_upload(client, nid, document, "簡章.pdf", token)
    assert resp.status == 303, await resp.text()
    assert resp.headers["Location"] == f"/staff/notices/{nid}/edit?done=attached#attachments"
    page = text_of(await (await client.get(f"/staff/notices/{nid}/edit?done=attached")).text())
    assert "附件已加入" in page and "簡章.pdf" in page and "PDF ·" in page, page[page.find("附件 PDF"):][:600]
    await form_upload(client, nid, image("PNG"), "map.png", token)

    # refusals are explained on a page: no token, a file that is not what it claims
    await refused_page(await form_upload(client, nid, pdf(), "a.pdf", None), 403, "")
    resp = await form_upload(client, nid, b"just text, not a PDF", "fake.pdf", token)
    assert resp.status == 415
    assert "not a PDF, image" in text_of(await resp.text())

    listing = await (await client.get(f"/api/v1/notices/{nid}/attachments", headers=staff["ed"])).json()
    png = next(a for a in listing["items"] if a["filename"] == "map.png")
    resp = await post_form(client, f"/staff/attachments/{png['id']}/remove", {},
                           token_from=f"/staff/notices/{nid}/edit")
    assert resp.status == 303
    page = text_of(await (await client.get(f"/staff/notices/{nid}/edit")).text())
    assert "map.png" not in page and "簡章.pdf" in page

    await client.post(f"/api/v1/notices/{nid}/submit", headers=staff["ed"])
    await sign_in(client, "rev")
    review = await (await client.get(f"/staff/notices/{nid}/review")).text()
    assert "簡章.pdf" in text_of(review)
    first = listing["items"][0]
    link = f"/staff/attachments/{first['id']}/%E7%B0%A1%E7%AB%A0.pdf"
    assert f'href="{link}"' in review
    resp = await client.get(link)
    assert resp.status == 200 and resp.headers["Content-Type"] == "application/pdf"
    assert resp.headers["Cache-Control"] == "private, no-store"
    assert await resp.read() == document
    # the public cannot have it yet
    client.session.cookie_jar.clear()
    assert (await client.get(f"/attachments/{first['id']}/簡章.pdf")).status == 404
    resp = await client.get(link, allow_redirects=False)
    assert resp.status == 303  # staff download needs a sign-in


async def test_a_new_notice_says_to_save_first(client: TestClient, staff: Staff) -> None:
    await sign_in(client, "ed")
    page = text_of(await (await client.get("/staff/notices/new")).text())
    assert "先儲存草稿，再加入附件" in page
