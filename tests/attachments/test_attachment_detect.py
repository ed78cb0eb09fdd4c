"""Type detection from content: every accepted kind, the look-alikes, and refusals."""

from __future__ import annotations

import io

import pytest
from attachment_samples import image, odf, ole2, ooxml, pdf, zip_of
from hypothesis import given, settings
from hypothesis import strategies as st

from publisher.attachments import detect as d
from publisher.attachments.detect import UnsupportedType, detect


def kind_of(data: bytes) -> d.FileKind:
    return detect(io.BytesIO(data))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (pdf(), d.PDF),
        (image("PNG"), d.PNG),
        (image("JPEG"), d.JPEG),
        (image("GIF"), d.GIF),
        (image("WEBP"), d.WEBP),
        (ooxml("word"), d.DOCX),
        (ooxml("xl"), d.XLSX),
        (ooxml("ppt"), d.PPTX),
        (ole2("WordDocument"), d.DOC),
        (ole2("Workbook"), d.XLS),
        (ole2("Book"), d.XLS),
        (ole2("PowerPoint Document"), d.PPT),
        (odf("application/vnd.oasis.opendocument.text"), d.ODT),
        (odf("application/vnd.oasis.opendocument.spreadsheet"), d.ODS),
        (odf("application/vnd.oasis.opendocument.presentation"), d.ODP),
        (zip_of([("報名表.txt", "姓名".encode())]), d.ZIP),
        (b"PK\x05\x06" + b"\x00" * 18, d.ZIP),  # an empty zip
    ],
    ids=lambda v: v.extension if isinstance(v, d.FileKind) else None,
)
def test_every_accepted_kind_is_recognised_from_its_bytes(data: bytes, expected: d.FileKind) -> None:
    assert kind_of(data) == expected


def test_a_plain_zip_with_a_word_folder_but_no_content_types_is_a_zip() -> None:
    # puremagic calls every zip a .docx; the central directory says otherwise
    assert kind_of(zip_of([("word/notes.txt", b"x")])) == d.ZIP


def test_a_zip_claiming_an_unknown_opendocument_type_is_a_zip() -> None:
    assert kind_of(odf("application/vnd.oasis.opendocument.graphics")) == d.ZIP


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"", "empty"),
        (b"hello, plain text", "text"),
        (b"<html><script>alert(1)</script></html>", "html"),
        (b"MZ\x90\x00" + b"\x00" * 60, "windows executable"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 60, "linux executable"),
        (b"<?xml version='1.0'?><svg xmlns='http://www.w3.org/2000/svg'/>", "svg (scripts)"),
        (b"PK\x03\x04" + b"\x00" * 40, "damaged zip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "damaged OLE2"),
        (ole2("__substg1.0_0037001F"), "OLE2 that is not an office document (an Outlook message)"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_anything_else_is_refused(data: bytes, why: str) -> None:
    with pytest.raises(UnsupportedType):
        kind_of(data)


def test_the_name_plays_no_part_an_executable_called_pdf_is_refused() -> None:
    # detect() takes no name at all; this documents the point for the upload route
    with pytest.raises(UnsupportedType):
        kind_of(b"MZ" + b"\x00" * 100)


@settings(max_examples=200, deadline=None)
@given(
    magic=st.sampled_from([b"PK\x03\x04", b"PK\x05\x06", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"%PDF-", b"", b"RIFF"]),
    rest=st.binary(max_size=2048),
)
def test_damaged_containers_give_a_kind_or_a_refusal_never_a_crash(magic: bytes, rest: bytes) -> None:
    try:
        kind = kind_of(magic + rest)
    except UnsupportedType:
        return
    assert kind in d.ALL_KINDS


def test_every_kind_has_a_distinct_extension_and_a_known_content_type() -> None:
    assert len({k.extension for k in d.ALL_KINDS}) == len(d.ALL_KINDS)
    assert d.BY_CONTENT_TYPE["application/pdf"] is d.PDF
    assert {k.extension for k in d.ALL_KINDS if k.thumbnail} == {"pdf", "png", "jpg", "gif", "webp"}
