"""Issue 9 on the staff pages: a file for a text field, and ?week= out of range, are 4xx pages."""

from __future__ import annotations

import aiohttp
from refusals import refused_page
from web_support import page_token, sign_in


async def test_a_file_in_place_of_a_text_field_is_422(client, staff) -> None:
    token = await page_token(client)
    form = aiohttp.FormData()
    form.add_field("csrf_token", token)
    form.add_field("username", b"ed", filename="name.txt", content_type="text/plain")
    form.add_field("password", "x")
    resp = await client.post("/staff/login", data=form)
    await refused_page(resp, 422, "invalid username: must be text, not a file")


async def test_week_out_of_range_is_a_4xx_page(client, staff) -> None:
    await sign_in(client, "ed")
    for week in ("9999-12-27", "0001-01-01", "not-a-date"):
        resp = await client.get("/staff/schedule", params={"week": week})
        await refused_page(resp, 422, "invalid week: must")
    assert (await client.get("/staff/schedule", params={"week": "2026-12-07"})).status == 200
