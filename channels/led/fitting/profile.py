"""The sign profile: one LED board's geometry, encoding and fitting choices (docs/led.md, section 2)."""

import unicodedata
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, ValidationInfo, field_validator

Encoding = Literal["gb2312", "gbk", "gb18030", "big5", "big5hkscs", "utf-8", "ascii"]

# charset parameter for Content-Type and X-LED-Encoding
IANA_CHARSETS: dict[str, str] = {
    "gb2312": "GB2312",
    "gbk": "GBK",
    "gb18030": "GB18030",
    "big5": "Big5",
    "big5hkscs": "Big5-HKSCS",
    "utf-8": "UTF-8",
    "ascii": "US-ASCII",
}

# Python codec used to encode the fitted text
CODECS: dict[str, str] = {
    "gb2312": "gb2312",
    "gbk": "gbk",
    "gb18030": "gb18030",
    "big5": "big5",
    "big5hkscs": "big5hkscs",
    "utf-8": "utf-8",
    "ascii": "ascii",
}

DEFAULT_REPLACEMENT = "\u25a1"  # □, encodable in every profile encoding except ascii
ASCII_REPLACEMENT = "?"
MAX_COLS = 1024  # 4096 px / 4 px (half of the smallest font)
MAX_ROWS = 128  # 1024 px / 8 px


def _or_null(kind: str) -> dict[str, JsonValue]:
    # the schema must admit the null that means "derive this"
    return {"type": [kind, "null"]}


class Dwell(BaseModel):
    """R10 parameters: how long a page stays on the board."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    base_s: float = Field(default=2.0, ge=0, le=3600)
    per_fullwidth_char_s: float = Field(default=0.25, ge=0, le=60)
    min_s: float = Field(default=3.0, ge=0, le=3600)
    max_s: float = Field(default=15.0, gt=0, le=3600)

    @field_validator("max_s")
    @classmethod
    def _max_not_below_min(cls, value: float, info: ValidationInfo) -> float:
        low = info.data.get("min_s")
        if low is not None and value < low:
            raise ValueError(f"max_s ({value}) must not be below min_s ({low})")
        return value


class SignProfile(BaseModel):
    """One board. Frozen, so it can key caches and cannot drift after validation."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    width_px: int = Field(default=128, ge=1, le=4096)
    height_px: int = Field(default=32, ge=1, le=1024)
    font_px: int = Field(default=16, ge=8, le=64)
    # None (or absent) on input means "derive from pixels"; always an int after validation.
    # At least two cells: a line must hold one CJK glyph.
    cols: int = Field(
        default=None, validate_default=True, ge=2, le=MAX_COLS, json_schema_extra=_or_null("integer")
    )
    rows: int = Field(
        default=None, validate_default=True, ge=1, le=MAX_ROWS, json_schema_extra=_or_null("integer")
    )
    encoding: Encoding = "gb2312"
    width_model: Literal["bytes", "eaw"] = "bytes"
    # 2: a CJK board draws ambiguous chars (“ ” ° ① é ─) with its full-width CJK font,
    # which is also what the bytes model says for them on GB boards; too wide wastes a
    # cell, too narrow clips a glyph off the board
    ambiguous_width: Literal[1, 2] = 2
    convert: Literal["none", "t2s", "tw2s", "hk2s"] = "none"
    unencodable: Literal["replace", "drop", "strict"] = "replace"
    # None (or absent) on input means □, or ? where □ cannot be encoded (ascii)
    replacement: str = Field(default=None, validate_default=True, json_schema_extra=_or_null("string"))
    mode: Literal["page", "scroll"] = "page"
    dwell: Dwell = Dwell()  # frozen, so one shared default is safe

    @field_validator("font_px")
    @classmethod
    def _font_even(cls, value: int) -> int:
        if value % 2:
            raise ValueError("font_px must be even (an ASCII glyph is half a CJK glyph)")
        return value

    @field_validator("cols", mode="before")
    @classmethod
    def _derive_cols(cls, value: object, info: ValidationInfo) -> object:
        if value is not None:
            return value
        if "width_px" not in info.data or "font_px" not in info.data:
            return 2  # placeholder: the profile is refused for width_px or font_px already
        cols = info.data["width_px"] // (info.data["font_px"] // 2)
        if not 2 <= cols <= MAX_COLS:
            raise ValueError(
                f"cols derived as width_px // (font_px / 2) = {cols}; it must be 2 to {MAX_COLS}"
            )
        return cols

    @field_validator("rows", mode="before")
    @classmethod
    def _derive_rows(cls, value: object, info: ValidationInfo) -> object:
        if value is not None:
            return value
        if "height_px" not in info.data or "font_px" not in info.data:
            return 1  # placeholder, as for cols
        rows = info.data["height_px"] // info.data["font_px"]
        if not 1 <= rows <= MAX_ROWS:
            raise ValueError(f"rows derived as height_px // font_px = {rows}; it must be 1 to {MAX_ROWS}")
        return rows

    @field_validator("replacement", mode="before")
    @classmethod
    def _default_replacement(cls, value: object, info: ValidationInfo) -> object:
        if value is not None:
            return value
        encoding = info.data.get("encoding")
        if encoding is None or encodes(DEFAULT_REPLACEMENT, CODECS[encoding]):
            return DEFAULT_REPLACEMENT
        return ASCII_REPLACEMENT

    @field_validator("replacement")
    @classmethod
    def _check_replacement(cls, value: str, info: ValidationInfo) -> str:
        if len(value) != 1:
            raise ValueError("replacement must be exactly one character")
        if unicodedata.category(value)[0] in "CZM":  # control, format, space, mark
            raise ValueError("replacement must be a visible character")
        encoding = info.data.get("encoding")
        if encoding is not None and not encodes(value, CODECS[encoding]):
            # an explicit choice the board cannot show is a configuration mistake
            raise ValueError(f"replacement {value!r} cannot be encoded in {encoding}")
        return value

    @property
    def codec(self) -> str:
        return CODECS[self.encoding]

    @property
    def charset(self) -> str:
        return IANA_CHARSETS[self.encoding]


def encodes(char: str, codec: str) -> bool:
    """Whether the codec can carry this character (used by R4 and the profile checks)."""
    try:
        char.encode(codec)
    except UnicodeEncodeError:
        return False
    return True
