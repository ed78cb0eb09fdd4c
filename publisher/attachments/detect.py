"""What a stored file is, judged from its content, never from its name.

Why a small explicit table and not `filetype` or `puremagic`: both decide from the first
few kilobytes only. puremagic 1.30 calls any zip a .docx; filetype tells OOXML from zip by
looking for "word/" near the start, and legacy .doc/.xls/.ppt by fixed offsets that many
real files do not have. A zip's truth is its central directory and an OLE2 file's truth
is its stream names, so those two containers are opened (zipfile from the standard
library, olefile for OLE2) and every other accepted type is a fixed signature.

Only the types the bureau publishes are accepted: PDF, PNG, JPEG, GIF, WebP, office
documents (OOXML, legacy OLE2, OpenDocument) and zip. Anything else is UnsupportedType
(the HTTP layer answers 415 `unsupported_type`).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import BinaryIO

import olefile

# a zip with more entries than this is not an office document we want to enumerate
MAX_ZIP_ENTRIES = 10_000


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extension: str  # without the dot; the download name ends with it
    label: str  # short, for the attachment list ("PDF", "Word")

    @property
    def thumbnail(self) -> bool:
        return self.extension in ("pdf", "png", "jpg", "gif", "webp")


class UnsupportedType(Exception):
    """Not one of the accepted types."""

    def __init__(self, reason: str = "the file is not a PDF, image, office document or zip") -> None:
        super().__init__(reason)


PDF = FileKind("application/pdf", "pdf", "PDF")
PNG = FileKind("image/png", "png", "PNG")
JPEG = FileKind("image/jpeg", "jpg", "JPEG")
GIF = FileKind("image/gif", "gif", "GIF")
WEBP = FileKind("image/webp", "webp", "WebP")
ZIP = FileKind("application/zip", "zip", "ZIP")
DOCX = FileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "Word")
XLSX = FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "Excel")
PPTX = FileKind("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx", "PowerPoint")
DOC = FileKind("application/msword", "doc", "Word")
XLS = FileKind("application/vnd.ms-excel", "xls", "Excel")
PPT = FileKind("application/vnd.ms-powerpoint", "ppt", "PowerPoint")
ODT = FileKind("application/vnd.oasis.opendocument.text", "odt", "OpenDocument Text")
ODS = FileKind("application/vnd.oasis.opendocument.spreadsheet", "ods", "OpenDocument Spreadsheet")
ODP = FileKind("application/vnd.oasis.opendocument.presentation", "odp", "OpenDocument Presentation")

ALL_KINDS = (PDF, PNG, JPEG, GIF, WEBP, ZIP, DOCX, XLSX, PPTX, DOC, XLS, PPT, ODT, ODS, ODP)
BY_CONTENT_TYPE = {k.content_type: k for k in ALL_KINDS}

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a file, or an empty archive
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OOXML_MAIN = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
_ODF = {k.content_type: k for k in (ODT, ODS, ODP)}
# stream names inside an OLE2 compound file, per application
_OLE_STREAMS = ((DOC, "worddocument"), (XLS, "workbook"), (XLS, "book"), (PPT, "powerpoint document"))


def _signature(head: bytes) -> FileKind | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


def detect(stream: BinaryIO) -> FileKind:
    """The kind of a seekable binary stream (left at an unspecified position)."""
    stream.seek(0)
    head = stream.read(16)
    kind = _signature(head)
    if kind is not None:
        return kind
    if head[:4] in _ZIP_MAGIC:
        return _zip_kind(stream)
    if head[:8] == _OLE2_MAGIC:
        return _ole_kind(stream)
    raise UnsupportedType()


def _zip_kind(stream: BinaryIO) -> FileKind:
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_ENTRIES:
                raise UnsupportedType(f"the zip holds more than {MAX_ZIP_ENTRIES} entries")
            names = {i.filename for i in infos}
            # OpenDocument: the first entry is "mimetype", stored uncompressed, holding the type
            if infos and infos[0].filename == "mimetype" and infos[0].file_size <= 100:
                declared = archive.read(infos[0]).decode("ascii", "replace").strip()
                if declared in _ODF:
                    return _ODF[declared]
            if "[Content_Types].xml" in names:
                for folder, kind in _OOXML_MAIN.items():
                    if any(n.startswith(folder) for n in names):
                        return kind
            return ZIP
    except UnsupportedType:
        raise
    except Exception as exc:  # untrusted bytes: any parser failure means "not accepted"
        raise UnsupportedType(f"a damaged zip: {exc}") from None


def _ole_kind(stream: BinaryIO) -> FileKind:
    stream.seek(0)
    try:
        ole = olefile.OleFileIO(stream)
    except Exception as exc:  # untrusted bytes: any parser failure means "not accepted"
        raise UnsupportedType(f"a damaged office document: {exc}") from None
    try:
        top = {entry[0].casefold() for entry in ole.listdir(streams=True, storages=False) if len(entry) == 1}
    except Exception as exc:
        raise UnsupportedType(f"a damaged office document: {exc}") from None
    finally:
        ole.close()
    for kind, stream_name in _OLE_STREAMS:
        if stream_name in top:
            return kind
    # other OLE2 files (msi, msg, thumbs.db) are not documents we publish
    raise UnsupportedType("an OLE2 file that is not a Word, Excel or PowerPoint document")
