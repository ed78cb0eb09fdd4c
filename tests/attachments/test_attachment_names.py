"""Download names and the Content-Disposition header."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from publisher.attachments.names import MAX_NAME_BYTES, ascii_fallback, content_disposition, sanitise_filename


@pytest.mark.parametrize(
    ("given_name", "extension", "expected"),
    [
        ("關於2026年招聘的通知.pdf", "pdf", "關於2026年招聘的通知.pdf"),
        ("C:\\Users\\王小明\\Desktop\\報名表.docx", "docx", "報名表.docx"),
        ("../../etc/passwd", "pdf", "passwd.pdf"),
        ("photo.JPEG", "jpg", "photo.jpg"),
        ("invoice.pdf.exe", "pdf", "invoice.pdf.pdf"),
        ("report\u202egnp.exe", "png", "reportgnp.png"),  # bidi override dropped
        ("a\x00b\x1fc\x7fd.pdf", "pdf", "abcd.pdf"),
        ('what<>:"|?*.pdf', "pdf", "what.pdf"),
        ("通知\u3000（修訂）.pdf", "pdf", "通知 （修訂）.pdf"),
        ("v1.2 通知", "pdf", "v1.2 通知.pdf"),
        ("", "zip", "attachment.zip"),
        ("...", "zip", "attachment.zip"),
        ("CON.pdf", "pdf", "_CON.pdf"),
        ("  spaced  out  .pdf", "pdf", "spaced out.pdf"),
        ("zero\u200bwidth.pdf", "pdf", "zerowidth.pdf"),
    ],
)
def test_sanitise_filename(given_name: str, extension: str, expected: str) -> None:
    assert sanitise_filename(given_name, extension) == expected


def test_long_chinese_names_are_cut_at_a_character_boundary_within_the_byte_limit() -> None:
    name = sanitise_filename("關於" * 200 + ".pdf", "pdf")
    assert len(name.encode()) <= MAX_NAME_BYTES
    assert name.endswith(".pdf") and name.startswith("關於關於")
    name.encode("utf-8").decode("utf-8")  # whole characters only


@given(st.text(max_size=400), st.sampled_from(["pdf", "docx", "png", "zip"]))
def test_any_input_gives_a_safe_name(raw: str, ext: str) -> None:
    name = sanitise_filename(raw, ext)
    assert name.endswith("." + ext)
    assert 0 < len(name.encode()) <= MAX_NAME_BYTES
    assert not set(name) & set('/\\<>:"|?*')
    bidi_controls = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"
    assert all(ord(c) >= 0x20 and c not in bidi_controls for c in name)
    assert not name.startswith(".") and name.strip() == name


def test_content_disposition_has_an_ascii_fallback_and_the_utf8_name() -> None:
    value = content_disposition("關於2026年招聘的通知.pdf")
    assert value.startswith("attachment; ")
    assert 'filename="2026.pdf"' in value
    encoded = value.split("filename*=UTF-8''", 1)[1]
    assert unquote(encoded) == "關於2026年招聘的通知.pdf"
    assert value.isascii()


def test_content_disposition_inline_and_quotes_escaped() -> None:
    value = content_disposition('a "b" c.png', inline=True)
    assert value.startswith("inline; ")
    assert 'filename="a _b_ c.png"' in value
    assert "%22b%22" in value


def test_an_all_chinese_name_falls_back_to_attachment_in_ascii() -> None:
    assert ascii_fallback("報名表.docx") == "attachment.docx"
    assert ascii_fallback("Résumé 2026.pdf") == "Resume 2026.pdf"
