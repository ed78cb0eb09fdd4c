"""Real files of every accepted type, made here (no binary fixtures in the repository):
images and a PDF drawn by Pillow, office documents as the zips or OLE2 compound files
that Word, Excel, PowerPoint and LibreOffice write."""

from __future__ import annotations

import io
import struct
import zipfile

from PIL import Image, ImageDraw


def image(fmt: str, size: tuple[int, int] = (400, 300), **save: object) -> bytes:
    picture = Image.new("RGB", size, "white")
    ImageDraw.Draw(picture).rectangle((20, 20, size[0] - 20, size[1] // 2), fill="navy")
    out = io.BytesIO()
    picture.save(out, format=fmt, **save)
    return out.getvalue()


def pdf(pages: int = 2) -> bytes:
    """A real multi-page PDF: page one is mostly navy, so its thumbnail is too."""
    first = Image.new("RGB", (595, 842), "navy")
    rest = [Image.new("RGB", (595, 842), "white") for _ in range(pages - 1)]
    out = io.BytesIO()
    first.save(out, format="PDF", save_all=True, append_images=rest)
    return out.getvalue()


def zip_of(entries: list[tuple[str, bytes]], stored_first: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for i, (name, data) in enumerate(entries):
            kind = zipfile.ZIP_STORED if stored_first and i == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=kind)
    return out.getvalue()


_CT = b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def ooxml(folder: str) -> bytes:
    """docx (word/), xlsx (xl/), pptx (ppt/); Word writes [Content_Types].xml first, but
    other writers do not, so it goes last here."""
    return zip_of([("_rels/.rels", b"<Relationships/>"), (f"{folder}/document.xml", b"<x/>"),
                   ("[Content_Types].xml", _CT)])


def odf(mimetype: str) -> bytes:
    return zip_of([("mimetype", mimetype.encode()), ("content.xml", b"<office:document-content/>")], stored_first=True)


def ole2(stream_name: str, data: bytes = b"\x00" * 4096) -> bytes:
    """A minimal Compound File Binary (version 3, 512-byte sectors) holding one stream
    at the root, as Word (WordDocument), Excel (Workbook) or PowerPoint
    (PowerPoint Document) write it. The stream is at least 4096 bytes, so it lives in
    ordinary sectors and no mini stream is needed."""
    assert len(data) >= 4096 and len(data) % 512 == 0
    end, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    n = len(data) // 512
    # sector 0: FAT, sector 1: directory, sectors 2..: the stream
    fat = [fat_sector, end] + [3 + i for i in range(n - 1)] + [end]
    fat += [free] * (128 - len(fat))
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
    header += struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<109I", 0, *([free] * 108))

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\x00\x00"
        return (
            raw.ljust(64, b"\x00")
            + struct.pack("<HBB", len(raw), kind, 1)
            + struct.pack("<III", free, free, child)
            + b"\x00" * 16
            + b"\x00" * 4
            + b"\x00" * 16
            + struct.pack("<IQ", start, size)
        )

    directory = entry("Root Entry", 5, 1, end, 0) + entry(stream_name, 2, free, 2, len(data))
    directory += b"\x00" * (512 - len(directory))
    return header + struct.pack("<128I", *fat) + directory + data
