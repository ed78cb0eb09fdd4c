"""QR codes on the kiosk's detail view: a phone scans one to download an attachment
(the kiosk itself downloads nothing). segno is pure Python and its output depends only
on its input, so the SVG can be cached with the kiosk snapshot."""

from __future__ import annotations

import segno

MAX_URL = 1000  # a download URL is short; a longer one would make an unreadable code


def qr_svg(url: str, title: str | None = None) -> str:
    """An inline SVG (no XML declaration) encoding `url`; error correction M, which
    survives a scratched or glare-covered kiosk screen, with a 4-module quiet zone."""
    if not url or len(url) > MAX_URL:
        raise ValueError(f"a QR code takes a URL of 1 to {MAX_URL} characters")
    code = segno.make_qr(url, error="m", boost_error=False)
    svg: str = code.svg_inline(
        scale=4,
        border=4,
        dark="#000",
        light="#fff",
        title=title,
        svgclass="qr",
        lineclass=None,
        omitsize=True,  # sized by CSS through the viewBox
    )
    return svg


def qr_data_uri(url: str, title: str | None = None) -> str:
    """The same code as a standalone SVG in a data: URL, for an <img> (an image cannot run
    script, and the pages' CSP allows data: images). Standalone SVG needs its xmlns,
    which segno's inline form leaves out."""
    if not url or len(url) > MAX_URL:
        raise ValueError(f"a QR code takes a URL of 1 to {MAX_URL} characters")
    code = segno.make_qr(url, error="m", boost_error=False)
    uri: str = code.svg_data_uri(scale=4, border=4, dark="#000", light="#fff", title=title)
    return uri
