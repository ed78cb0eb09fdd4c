"""The kiosk's attachment list: each file of the live revision with its name, type,
size and a QR code of its portal download URL (built from server.public_url), so a
citizen can take the file away on a phone. The kiosk itself downloads nothing.

Without server.public_url there is no address a phone could reach, so the items carry
the relative URL and no QR code (docs/attachments.md says to set it)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from publisher.attachments.detect import BY_CONTENT_TYPE
from publisher.attachments.qr import qr_data_uri
from publisher.domain.live import LiveNotice


@lru_cache(maxsize=4096)
def qr_data_url(url: str) -> str:
    """An <img>-ready data URL (the kiosk page's CSP allows data: images; an image
    cannot run script, unlike inline SVG markup)."""
    return qr_data_uri(url, title="掃描下載附件")


def kiosk_attachments(notice: LiveNotice, public_url: str | None) -> list[dict[str, Any]]:
    out = []
    for a in notice.attachments:
        kind = BY_CONTENT_TYPE.get(a.content_type)
        url = f"{public_url}{a.path}" if public_url else a.path
        out.append({
            "id": a.id,
            "filename": a.filename,
            "content_type": a.content_type,
            "label": kind.label if kind else a.content_type,
            "size": a.size,
            "url": url,
            "qr": qr_data_url(url) if public_url else None,
        })
    return out
