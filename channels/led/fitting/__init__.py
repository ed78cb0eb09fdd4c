"""LED fitting: a notice's text to fitted pages and feed bytes for one sign (docs/led.md)."""

from .encode import Unencodable, UnencodableError, raise_if_strict
from .fit import FitResult, Page, fit_text, prepare
from .profile import CODECS, IANA_CHARSETS, Dwell, SignProfile
from .rotation import current_page
from .wire import alpha_packet, crc16_arc, crc16_arc_combine, feed_txt, header_line, page_bytes, version_string

__all__ = [
    "CODECS",
    "IANA_CHARSETS",
    "Dwell",
    "FitResult",
    "Page",
    "SignProfile",
    "Unencodable",
    "UnencodableError",
    "alpha_packet",
    "crc16_arc",
    "crc16_arc_combine",
    "current_page",
    "feed_txt",
    "fit_text",
    "header_line",
    "page_bytes",
    "prepare",
    "raise_if_strict",
    "version_string",
]
