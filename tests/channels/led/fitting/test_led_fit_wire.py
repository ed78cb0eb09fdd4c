"""Byte formats: feed.txt, version, header, Alpha packet; and the rotation clock."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from channels.led.fitting import (
    Page,
    SignProfile,
    alpha_packet,
    crc16_arc,
    crc16_arc_combine,
    current_page,
    feed_txt,
    fit_text,
    header_line,
    page_bytes,
    version_string,
)
from channels.led.fitting.wire import alpha_body

EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


def _page(*lines: str) -> Page:
    return Page(list(lines), 3.0, 0)


def _crc_bitwise(data: bytes) -> int:
    # an independent, slow CRC-16/ARC to check the table version against
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def test_crc16_arc_check_value() -> None:
    assert crc16_arc(b"123456789") == 0xBB3D
    assert crc16_arc(b"") == 0


@pytest.mark.parametrize("data", [b"\x00", b"\xff" * 7, "明日停水".encode("gb2312"), bytes(range(256))])
def test_crc16_arc_matches_bitwise(data: bytes) -> None:
    assert crc16_arc(data) == _crc_bitwise(data)


@settings(max_examples=60, deadline=None)
@given(st.binary(min_size=250, max_size=700))
def test_crc16_arc_two_bytes_a_step_matches_bitwise(data: bytes) -> None:
    # long inputs take the word-at-a-time path, odd lengths its last-byte tail
    assert crc16_arc(data) == _crc_bitwise(data)
    assert crc16_arc(data[:-1]) == _crc_bitwise(data[:-1])


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300), st.binary(max_size=3000))
def test_crc16_arc_combine(a: bytes, b: bytes) -> None:
    # the CRC of a + b from the parts' CRCs and b's length alone
    assert crc16_arc_combine(crc16_arc(a), crc16_arc(b), len(b)) == _crc_bitwise(a + b)


def test_feed_txt_of_a_small_rotation_byte_exact() -> None:
    pages = [_page("AB", "C"), _page("D")]
    assert feed_txt(pages, SignProfile()) == b"AB\r\nC\r\n\x0cD\r\n"


def test_feed_txt_in_gb2312_byte_exact() -> None:
    result = fit_text("明日停水，请储水。\x0c谢谢", SignProfile())
    body = feed_txt(result.pages, SignProfile())
    expected = "明日停水，请储\r\n水。\r\n\x0c谢谢\r\n".encode("gb2312")
    assert body == expected
    assert body.split(b"\x0c") == [page_bytes(p, SignProfile()) for p in result.pages]


def test_empty_rotation_is_empty_bytes() -> None:
    assert feed_txt([], SignProfile()) == b""


def test_page_bytes_no_bom_no_trailing_spaces() -> None:
    profile = SignProfile(encoding="utf-8")
    data = page_bytes(_page("甲 ", "B  "), profile)
    assert data == "甲\r\nB\r\n".encode()
    assert not data.startswith(b"\xef\xbb\xbf")


def test_version_string() -> None:
    body = b"AB\r\nC\r\n\x0cD\r\n"
    assert version_string(7, body) == f"7-{_crc_bitwise(body):04X}"
    assert version_string(42, b"123456789") == "42-BB3D"
    assert version_string(1, b"") == "1-0000"


def test_header_line_describes_the_body_without_itself() -> None:
    body = b"123456789"
    line = header_line("3-BB3D", 2, SignProfile(), body)
    assert line == b"#LED1 v=3-BB3D pages=2 cols=16 rows=2 enc=GB2312 crc16=BB3D len=9\r\n"


def test_alpha_packet_checksum_computed_by_hand() -> None:
    # STX 02 + 'A' 41 + 'A' 41 + ESC 1B + ' ' 20 + 'b' 62 + "HELLO" 48 45 4C 4C 4F + ETX 03
    # = 0x298
    packet = alpha_packet([_page("HELLO")], "page", emergency=False)
    assert packet == b"\x00\x00\x00\x00\x00\x01Z00\x02AA\x1b bHELLO\x030298\x04"


def test_alpha_packet_pages_lines_scroll_and_emergency_label() -> None:
    packet = alpha_packet([_page("AB", "C"), _page("D")], "scroll", emergency=True)
    framed = b"\x02A0\x1b aAB\rC\x0cD\x03"  # label 0, mode a (rotate)
    checksum = sum(framed) & 0xFFFF
    assert packet == b"\x00" * 5 + b"\x01Z00" + framed + f"{checksum:04X}".encode() + b"\x04"


def test_alpha_emergency_keeps_whole_pages_up_to_125_bytes() -> None:
    pages = [_page("A" * 50), _page("B" * 50), _page("C" * 50)]
    assert alpha_body(pages, 125) == b"A" * 50 + b"\x0c" + b"B" * 50
    assert len(alpha_body(pages)) == 152  # a normal file is not cut
    assert b"C" not in alpha_packet(pages, "page", emergency=True)
    assert b"C" * 50 in alpha_packet(pages, "page", emergency=False)


def test_alpha_emergency_first_page_too_long_keeps_whole_lines() -> None:
    assert alpha_body([_page("A" * 60, "B" * 60, "C" * 60)], 125) == b"A" * 60 + b"\r" + b"B" * 60
    assert alpha_body([_page("A" * 200)], 125) == b"A" * 125
    assert alpha_body([], 125) == b""


def test_alpha_refuses_non_ascii() -> None:
    with pytest.raises(UnicodeEncodeError):
        alpha_packet([_page("門")], "page", emergency=False)


@pytest.mark.parametrize(
    ("offset_s", "index", "remaining"),
    [
        (0, 0, 3.0),
        (2.5, 0, 0.5),
        (3, 1, 5.0),
        (7.75, 1, 0.25),
        (8, 2, 2.0),
        (10, 0, 3.0),
        (1003, 1, 5.0),
        (-1, 2, 1.0),
    ],
)
def test_current_page(offset_s: float, index: int, remaining: float) -> None:
    at = EPOCH + timedelta(seconds=offset_s)
    assert current_page([3.0, 5.0, 2.0], at, EPOCH) == (index, remaining)


def test_current_page_refuses_an_empty_or_stuck_rotation() -> None:
    with pytest.raises(ValueError):
        current_page([], EPOCH, EPOCH)
    with pytest.raises(ValueError):
        current_page([3.0, 0.0], EPOCH, EPOCH)
