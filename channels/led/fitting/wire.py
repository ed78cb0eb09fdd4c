"""Byte formats of the LED feeds.

feed.txt: every line ends CRLF, the last line of a page included; FF (0x0C) separates
pages and is not a terminator, so the body is b"\\x0c".join(page_bytes(p) for p in pages)
and splitting the body on 0x0C gives back each page's bytes exactly (feed.json's
bytes_b64). FF, CR and LF never occur inside a multi-byte code of the supported
encodings, so the split is safe. No BOM; empty rotation = b"".

?header=1 line: crc16 and len describe the body without the header line, so crc16 is
the CRC in `version` and a board can check the bytes that follow the header.

feed.alpha: an emergency file (label "0") holds at most 125 body bytes; a longer
emergency keeps its leading whole pages that fit, or, when even the first page does
not fit, the first page's leading whole lines (the first line cut at 125 bytes at worst).
"""

import sys
from array import array
from collections.abc import Sequence
from functools import cache, lru_cache
from typing import Literal

from .fit import Page
from .profile import SignProfile
from .rotation import current_page

# current_page lives in rotation.py (timing, not bytes); re-exported for now.txt callers
__all__ = [
    "alpha_body",
    "alpha_packet",
    "crc16_arc",
    "crc16_arc_combine",
    "current_page",
    "feed_txt",
    "header_line",
    "page_bytes",
    "version_string",
]

CRLF = b"\r\n"
FF = b"\x0c"
EMERGENCY_LIMIT = 125


def page_bytes(page: Page, profile: SignProfile) -> bytes:
    # rstrip: no trailing spaces even for a Page built by hand; one encode for the page
    # (every profile encoding is stateless: the bytes of a join are the join of the bytes)
    lines = page.lines
    if not lines:
        return b""
    return ("\r\n".join([line.rstrip(" ") for line in lines]) + "\r\n").encode(profile.codec)


def feed_txt(pages: Sequence[Page], profile: SignProfile) -> bytes:
    return FF.join(page_bytes(page, profile) for page in pages)


def _crc16_arc_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1  # reflected poly 0x8005
        table.append(crc)
    return table


_CRC_TABLE = _crc16_arc_table()
_WORDWISE_FROM = 256  # below this many bytes the byte loop is as fast as the word loop


@cache
def _crc16_arc_word_table() -> list[int]:
    """The register after two bytes, indexed by (register XOR the two bytes as a
    little-endian word): a 16-bit CRC shifts its whole register out every two bytes,
    so one lookup per two bytes does the work of two byte steps (64K entries, ~15 ms
    to build, built on first use)."""
    t = _CRC_TABLE
    return [(t[w & 0xFF] >> 8) ^ t[((w >> 8) ^ t[w & 0xFF]) & 0xFF] for w in range(0x10000)]


def crc16_arc(data: bytes) -> int:
    """CRC-16/ARC: poly 0x8005 reflected, init 0, no final xor; b"123456789" -> 0xBB3D."""
    crc = 0
    table = _CRC_TABLE
    if len(data) < _WORDWISE_FROM:
        for byte in data:
            crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
        return crc
    even = len(data) & ~1
    words = array("H", data[:even])
    if sys.byteorder == "big":
        words.byteswap()  # the word must be byte 0 | byte 1 << 8
    wide = _crc16_arc_word_table()
    for word in words:
        crc = wide[crc ^ word]
    if even < len(data):
        crc = (crc >> 8) ^ table[(crc ^ data[-1]) & 0xFF]
    return crc


def _shift_tables() -> list[tuple[list[int], list[int]]]:
    """For k = 0..47: tables (low, high) with the register after 2**k zero bytes being
    low[reg & 0xFF] ^ high[reg >> 8] (the CRC is linear, so a table per byte half does)."""
    # one zero byte: reg -> (reg >> 8) ^ table[reg & 0xFF]
    low = list(_CRC_TABLE)  # reg = x: x >> 8 is 0
    high = list(range(256))  # reg = x << 8: table[0] is 0
    tables = [(low, high)]
    for _ in range(47):
        low, high = tables[-1]
        tables.append(([low[c & 0xFF] ^ high[c >> 8] for c in low], [low[c & 0xFF] ^ high[c >> 8] for c in high]))
    return tables


_SHIFT = _shift_tables()


def _shift(crc: int, length: int) -> int:
    """The register `crc` run on through `length` zero bytes, in O(log length)."""
    k = 0
    while length and crc:
        if length & 1:
            low, high = _SHIFT[k]
            crc = low[crc & 0xFF] ^ high[crc >> 8]
        length >>= 1
        k += 1
    return crc


@lru_cache(maxsize=4096)
def _shift_by(length: int) -> tuple[list[int], list[int], list[int], list[int]]:
    """Four tables, one per 4-bit nibble of the register, for a run through `length`
    zero bytes: feed parts come in a few hundred lengths, so each combine becomes four
    look-ups. Nibbles (4 x 16 entries) rather than bytes (2 x 256): a table is built for
    every new length (each block of a rotation has its own), so building must be cheap."""
    basis = [1 << bit for bit in range(16)]
    k = 0
    while length:  # all 16 unit registers through the zero bytes at once
        if length & 1:
            low, high = _SHIFT[k]
            basis = [low[v & 0xFF] ^ high[v >> 8] for v in basis]
        length >>= 1
        k += 1
    tables = []
    for nibble in range(4):
        table = [0] * 16
        for x in range(1, 16):
            table[x] = table[x & (x - 1)] ^ basis[4 * nibble + (x & -x).bit_length() - 1]
        tables.append(table)
    return tables[0], tables[1], tables[2], tables[3]


def crc16_arc_combine(crc_a: int, crc_b: int, length_b: int) -> int:
    """crc16_arc(a + b) from crc16_arc(a), crc16_arc(b) and len(b), without reading a or b.

    CRC-16/ARC has init 0 and no final xor, so it is linear: the CRC of a + b is the
    register of a run on through len(b) zero bytes, XOR the CRC of b.
    """
    t0, t1, t2, t3 = _shift_by(length_b)
    return t0[crc_a & 0xF] ^ t1[crc_a >> 4 & 0xF] ^ t2[crc_a >> 8 & 0xF] ^ t3[crc_a >> 12] ^ crc_b


def version_string(seq: int, body: bytes) -> str:
    return f"{seq}-{crc16_arc(body):04X}"


def header_line(version: str, page_count: int, profile: SignProfile, body: bytes, crc: int | None = None) -> bytes:
    """The ?header=1 line; `crc` is crc16_arc(body) when the caller has it already."""
    crc = crc16_arc(body) if crc is None else crc
    return (
        f"#LED1 v={version} pages={page_count} cols={profile.cols} rows={profile.rows} "
        f"enc={profile.charset} crc16={crc:04X} len={len(body)}\r\n"
    ).encode("ascii")


def alpha_body(pages: Sequence[Page], limit: int | None = None) -> bytes:
    """Pages joined with FF, lines with CR, ASCII; cut to `limit` bytes as described above."""
    encoded = [[line.rstrip(" ").encode("ascii") for line in page.lines] for page in pages]
    whole = [b"\r".join(lines) for lines in encoded]
    if limit is None:
        return FF.join(whole)
    kept = _leading_parts(whole, FF, limit)
    if kept or not encoded:
        return FF.join(kept)
    return b"\r".join(_leading_parts(encoded[0], b"\r", limit)) or encoded[0][0][:limit]


def _leading_parts(parts: list[bytes], separator: bytes, limit: int) -> list[bytes]:
    kept: list[bytes] = []
    size = -len(separator)
    for part in parts:
        size += len(separator) + len(part)
        if size > limit:
            break
        kept.append(part)
    return kept


def alpha_packet(pages: Sequence[Page], mode: Literal["page", "scroll"], emergency: bool) -> bytes:
    """One Alpha protocol "write text file" packet (ascii signs only)."""
    label = b"0" if emergency else b"A"  # file 0 is the priority file
    mode_char = b"b" if mode == "page" else b"a"  # b: hold, a: rotate
    body = alpha_body(pages, EMERGENCY_LIMIT if emergency else None)
    framed = b"\x02A" + label + b"\x1b " + mode_char + body + b"\x03"  # STX .. ETX
    checksum = f"{sum(framed) & 0xFFFF:04X}".encode("ascii")
    return b"\x00" * 5 + b"\x01Z00" + framed + checksum + b"\x04"
