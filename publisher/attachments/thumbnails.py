"""First-page thumbnails of PDFs and images, kept beside the blob.

Rendering is CPU work on untrusted input, so it is bounded three ways: Pillow refuses
images above MAX_PIXELS (a decompression bomb is a small file that opens as gigapixels),
a PDF is opened for its first page only and rendered at a scale that fits the box, and
the caller runs it in a bounded executor (`thumbnail_async`). pypdfium2 ships PDFium in
its wheel, so no system library is needed.

The result is a PNG of at most BOX x BOX pixels, cached in storage under the source's
sha256 (the blob never changes, so neither does its thumbnail).
"""

from __future__ import annotations

import asyncio
import io
from concurrent.futures import Executor
from typing import BinaryIO

from PIL import Image

from publisher.attachments.detect import FileKind
from publisher.attachments.storage import BlobStorage

BOX = 320
MAX_PIXELS = 40_000_000  # ~ an A3 page scanned at 600 dpi; above that is not a notice's image
# a PDF page bigger than this (in points, 1/72 inch) is refused rather than rendered
MAX_PAGE_POINTS = 14_400  # 200 inches, PDF's own limit per side
VARIANT = f"thumb{BOX}.png"


class ThumbnailError(Exception):
    """The file cannot be thumbnailed (damaged, too large, encrypted); show none."""


def _fit(image: Image.Image) -> bytes:
    image.thumbnail((BOX, BOX))
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if "transparency" in image.info or image.mode == "P" else "RGB")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def render_image(data: BinaryIO) -> bytes:
    try:
        with Image.open(data) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ThumbnailError(f"image of {image.width}x{image.height} pixels is too large")
            image.seek(0)  # first frame of a GIF or WebP animation
            # draft() lets JPEG decode at a reduced scale: less memory and time
            image.draft("RGB", (BOX, BOX))
            image.load()
            return _fit(image)
    except ThumbnailError:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ThumbnailError(f"unreadable image: {exc}") from None


def render_pdf(data: bytes) -> bytes:
    import pypdfium2 as pdfium  # imported here: only PDF thumbnails need PDFium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise ThumbnailError(f"unreadable PDF: {exc}") from None
    try:
        if len(pdf) == 0:
            raise ThumbnailError("the PDF has no pages")
        page = pdf[0]  # only the first page is ever loaded
        try:
            width, height = page.get_size()
            if not (0 < width <= MAX_PAGE_POINTS and 0 < height <= MAX_PAGE_POINTS):
                raise ThumbnailError(f"PDF page of {width}x{height} points")
            scale = BOX / max(width, height)
            bitmap = page.render(scale=scale)
            try:
                return _fit(bitmap.to_pil())
            finally:
                bitmap.close()
        finally:
            page.close()
    except pdfium.PdfiumError as exc:
        raise ThumbnailError(f"PDF page cannot be rendered: {exc}") from None
    finally:
        pdf.close()


def thumbnail(storage: BlobStorage, sha256: str, kind: FileKind) -> bytes | None:
    """The PNG thumbnail of a stored file, from the cache or rendered now (blocking:
    call it through thumbnail_async). None for kinds without thumbnails."""
    if not kind.thumbnail:
        return None
    cached = storage.read_derived(sha256, VARIANT)
    if cached is not None:
        return cached
    if kind.extension == "pdf":
        with storage.open(sha256) as blob:
            png = render_pdf(blob.read())
    else:
        with storage.open(sha256) as blob:
            png = render_image(blob)
    storage.put_derived(sha256, VARIANT, png)
    return png


async def thumbnail_async(executor: Executor, storage: BlobStorage, sha256: str, kind: FileKind) -> bytes | None:
    """thumbnail() off the event loop, in the caller's bounded executor."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(executor, thumbnail, storage, sha256, kind)
