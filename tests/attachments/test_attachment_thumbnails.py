"""First-page thumbnails: real PDFs rendered by PDFium, real images by Pillow."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from attachment_samples import image, ooxml, pdf
from PIL import Image

from publisher.attachments import detect as d
from publisher.attachments.storage import FileStorage
from publisher.attachments.thumbnails import (
    BOX,
    VARIANT,
    ThumbnailError,
    render_image,
    render_pdf,
    thumbnail,
    thumbnail_async,
)


@pytest.fixture
def storage(tmp_path: Path) -> FileStorage:
    return FileStorage(tmp_path)


def as_image(png: bytes) -> Image.Image:
    picture = Image.open(io.BytesIO(png))
    assert picture.format == "PNG"
    return picture


def test_a_pdf_thumbnail_is_its_first_page_within_the_box() -> None:
    picture = as_image(render_pdf(pdf(pages=3)))
    assert max(picture.size) == BOX and min(picture.size) > 0
    # portrait A4 stays portrait
    assert picture.height > picture.width
    # page one is navy, pages two and three white: the thumbnail shows page one
    r, g, b = picture.convert("RGB").getpixel((picture.width // 2, picture.height // 2))
    assert b > 100 and r < 50 and g < 50


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP"])
def test_an_image_thumbnail_keeps_its_aspect_within_the_box(fmt: str) -> None:
    picture = as_image(render_image(io.BytesIO(image(fmt, size=(1600, 900)))))
    assert picture.size == (BOX, 180)


def test_a_small_image_is_not_enlarged() -> None:
    assert as_image(render_image(io.BytesIO(image("PNG", size=(100, 50))))).size == (100, 50)


def test_a_decompression_bomb_is_refused_before_decoding() -> None:
    # a few KB of PNG that opens as 7,000 x 7,000 pixels: over our limit, under Pillow's own
    bomb = io.BytesIO()
    Image.new("1", (7_000, 7_000)).save(bomb, format="PNG")
    assert len(bomb.getvalue()) < 100_000
    with pytest.raises(ThumbnailError):
        render_image(io.BytesIO(bomb.getvalue()))


@pytest.mark.parametrize("data", [b"%PDF-1.7\nnot really", b"%PDF-"])
def test_a_damaged_pdf_is_a_thumbnail_error(data: bytes) -> None:
    with pytest.raises(ThumbnailError):
        render_pdf(data)


def test_a_damaged_image_is_a_thumbnail_error() -> None:
    with pytest.raises(ThumbnailError):
        render_image(io.BytesIO(image("PNG")[:60]))


def test_thumbnails_are_cached_by_sha256_in_storage(storage: FileStorage) -> None:
    sha = storage.put(pdf()).sha256
    first = thumbnail(storage, sha, d.PDF)
    assert first is not None and storage.read_derived(sha, VARIANT) == first
    # the cache answers even if rendering would now fail
    storage.put_derived(sha, VARIANT, b"cached")
    assert thumbnail(storage, sha, d.PDF) == b"cached"


def test_office_documents_have_no_thumbnail(storage: FileStorage) -> None:
    sha = storage.put(ooxml("word")).sha256
    assert thumbnail(storage, sha, d.DOCX) is None
    assert storage.read_derived(sha, VARIANT) is None


async def test_thumbnail_async_runs_in_the_given_executor(storage: FileStorage) -> None:
    sha = storage.put(image("JPEG", size=(640, 480))).sha256
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="thumbs") as executor:
        png = await thumbnail_async(executor, storage, sha, d.JPEG)
    assert png is not None and as_image(png).size == (BOX, 240)
