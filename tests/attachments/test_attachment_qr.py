"""QR codes for the kiosk's attachment list."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from publisher.attachments.qr import MAX_URL, qr_svg

URL = "https://www.jiangmen.gov.cn/attachments/17/%E9%97%9C%E6%96%BC.pdf"


def test_the_svg_is_well_formed_with_a_viewbox_and_a_dark_path() -> None:
    svg = qr_svg(URL, title="下載 關於.pdf")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert root.get("class") == "qr"
    width, height = root.get("viewBox").split()[2:]
    assert width == height and int(width) > 100  # square, quiet zone included
    assert root.find("{*}title") is not None or root.find("title") is not None
    paths = [el for el in root.iter() if el.tag.endswith("path")]
    assert any(p.get("stroke") == "#000" for p in paths)


def test_the_output_is_deterministic_and_differs_by_url() -> None:
    assert qr_svg(URL) == qr_svg(URL)
    assert qr_svg(URL) != qr_svg(URL.replace("17", "18"))


def test_a_title_is_escaped_not_markup() -> None:
    svg = qr_svg(URL, title='<script>alert("x")</script>')
    assert "<script>" not in svg
    ET.fromstring(svg)


@pytest.mark.parametrize("bad", ["", "x" * (MAX_URL + 1)])
def test_empty_or_overlong_urls_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        qr_svg(bad)
