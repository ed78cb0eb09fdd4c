"""Helpers for the staff page tests: sign in through the form, post forms with the
page's anti-forgery token, read what a page says."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from aiohttp.test_utils import TestClient
from conftest import PASSWORD

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
_TAGS = re.compile(r"<[^>]+>")


def token_in(html: str) -> str:
    found = _TOKEN.search(html)
    assert found, "no csrf_token field on the page"
    return found.group(1)


def text_of(html: str) -> str:
    """The page as plain text (tags dropped, entities decoded, spaces collapsed)."""
    return " ".join(unescape(_TAGS.sub(" ", html)).split())


async def page_token(client: TestClient, path: str = "/staff/login") -> str:
    resp = await client.get(path)
    assert resp.status == 200, (path, resp.status)
    return token_in(await resp.text())


async def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> None:
    """Sign in as a browser would (the jar keeps one person's session at a time)."""
    client.session.cookie_jar.clear()
    token = await page_token(client)
    resp = await client.post("/staff/login", data={"csrf_token": token, "username": username, "password": password,
                                                   "next": "/staff/"}, allow_redirects=False)
    assert resp.status == 303, await resp.text()
    assert resp.headers["Location"] == "/staff/"


async def post_form(client: TestClient, path: str, data: Any, token_from: str | None = None,
                    **kwargs: Any) -> Any:
    """POST a form the way the page would, with the token read from `token_from` (or `path`)."""
    token = await page_token(client, token_from or path)
    if isinstance(data, dict):
        data = list(data.items())
    kwargs.setdefault("allow_redirects", False)
    return await client.post(path, data=[("csrf_token", token), *data], **kwargs)
