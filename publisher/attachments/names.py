"""Download names: the editor's file name made safe, and the Content-Disposition value.

A Chinese name stays readable (關於2026年招聘的通知.pdf), but nothing in it can act on a
file system or a terminal: no folders, no control or bidi-override characters (which can
make "exe.pdf" look like "fdp.exe"), none of the characters Windows reserves, no
reserved device names, and at most MAX_NAME_BYTES of UTF-8 so that every file system
keeps it. The extension always matches the type found from the content.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, unquote

# 255 is the usual file-system limit; leave room for a "(1)" a browser may add
MAX_NAME_BYTES = 200
FALLBACK_STEM = "attachment"

_RESERVED = set('<>:"/\\|?*')
# Windows device names, with or without an extension
_DEVICE = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])$", re.IGNORECASE)
# categories dropped: Cc control, Cf format (bidi overrides, zero-width), Cs surrogates,
# Co private use, Cn unassigned; Zl/Zp line and paragraph separators
_DROP_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    out = []
    for ch in text:
        if unicodedata.category(ch) in _DROP_CATEGORIES or ch in _RESERVED:
            continue
        # every other kind of space becomes a plain one (U+3000, no-break space)
        out.append(" " if ch.isspace() else ch)
    return re.sub(r" {2,}", " ", "".join(out))


def _truncate_utf8(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")[:limit]
    return encoded.decode("utf-8", "ignore")  # never cut a character in half


def sanitise_filename(name: str, extension: str) -> str:
    """A safe download name ending in `.extension` (the detected type's)."""
    # last path component, whichever separator the uploading system used
    base = re.split(r"[/\\]", name or "")[-1]
    base = _clean(base).strip(" .")
    stem, dot, ext = base.rpartition(".")
    if not dot or not re.fullmatch(r"[A-Za-z0-9]{1,5}", ext):
        stem = base  # "v1.2 通知" has no extension to drop
    # keep the stem; the editor's extension is replaced by the true one
    # (".jpeg" for a JPEG is fine as ".jpg"; "invoice.pdf.exe" loses ".exe")
    stem = stem.strip(" .")
    if not stem or _DEVICE.match(stem.split(".")[0]):
        stem = FALLBACK_STEM if not stem else f"_{stem}"
    suffix = f".{extension}"
    stem = _truncate_utf8(stem, MAX_NAME_BYTES - len(suffix.encode())).rstrip(" .") or FALLBACK_STEM
    return stem + suffix


def ascii_fallback(filename: str) -> str:
    """For old clients that ignore filename*: ASCII letters kept, the rest "_"."""
    stem, dot, ext = filename.rpartition(".")
    if not dot:
        stem, ext = filename, ""
    folded = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    folded = re.sub(r"[^A-Za-z0-9._ -]", "_", folded)
    folded = re.sub(r"_{2,}", "_", folded).strip(" ._")
    if not folded or set(folded) <= {"_"}:
        folded = FALLBACK_STEM
    return f"{folded}.{ext}" if ext else folded


def content_disposition(filename: str, inline: bool = False) -> str:
    """RFC 6266 value: an ASCII `filename` for old clients, `filename*` (RFC 5987,
    UTF-8, percent-encoded) for the real name. The name must already be sanitised."""
    kind = "inline" if inline else "attachment"
    fallback = ascii_fallback(filename).replace("\\", "_").replace('"', "_")
    encoded = quote(filename, safe="")
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"


def sent_filename(name: str | None) -> str | None:
    """The file name a multipart part carries. Browsers send UTF-8 as it is; some
    clients (aiohttp's own) percent-encode it: an all-ASCII name with %XX escapes is
    decoded before it is sanitised."""
    if name and name.isascii() and re.search(r"%[0-9A-Fa-f]{2}", name):
        return unquote(name, errors="replace")
    return name
