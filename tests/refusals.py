"""Refusals as the contract shapes them: a status and {"error": {"code", "message", "details"}}.

A test of a refusal checks both, so that a 403 for the wrong reason (a missing role
instead of four eyes, say) does not pass for the right one.
"""

from __future__ import annotations

import json
from typing import Any


async def refused(resp: Any, status: int, code: str) -> dict[str, Any]:
    """Assert that `resp` (an aiohttp response) refused with `status` and error `code`;
    returns the error object for further checks of its message or details."""
    text = await resp.text()
    assert resp.status == status, (resp.status, text[:500])
    error = json.loads(text)["error"]
    assert error["code"] == code, error
    return error


async def refused_page(resp: Any, status: int, message: str) -> str:
    """The same for an HTML page (portal, kiosk page, staff pages): the status, an HTML
    answer, and the refusal's message on the page; returns the page."""
    text = await resp.text()
    assert resp.status == status, (resp.status, text[:500])
    assert resp.headers["Content-Type"].startswith("text/html"), resp.headers["Content-Type"]
    assert message in text, text[:500]
    return text
