"""SignProfile: defaults, derived geometry, and refusals that name the field."""

import pytest
from pydantic import ValidationError

from channels.led.fitting import CODECS, IANA_CHARSETS, SignProfile


def _error_locs(**fields: object) -> list[tuple]:
    with pytest.raises(ValidationError) as caught:
        SignProfile(**fields)
    return [error["loc"] for error in caught.value.errors()]


def test_defaults_follow_the_table() -> None:
    profile = SignProfile()
    assert (profile.width_px, profile.height_px, profile.font_px) == (128, 32, 16)
    assert (profile.cols, profile.rows) == (16, 2)
    assert profile.encoding == "gb2312" and profile.width_model == "bytes"
    assert profile.convert == "none" and profile.unencodable == "replace"
    assert profile.replacement == "□" and profile.mode == "page"
    dwell = profile.dwell
    assert (dwell.base_s, dwell.per_fullwidth_char_s, dwell.min_s, dwell.max_s) == (2.0, 0.25, 3.0, 15.0)


def test_cols_and_rows_are_derived_from_pixels() -> None:
    profile = SignProfile(width_px=64, height_px=48, font_px=12)
    assert (profile.cols, profile.rows) == (10, 4)


def test_explicit_cols_and_rows_win() -> None:
    profile = SignProfile(width_px=64, height_px=16, cols=12, rows=3)
    assert (profile.cols, profile.rows) == (12, 3)


def test_charset_and_codec_names() -> None:
    assert IANA_CHARSETS == {
        "gb2312": "GB2312",
        "gbk": "GBK",
        "gb18030": "GB18030",
        "big5": "Big5",
        "big5hkscs": "Big5-HKSCS",
        "utf-8": "UTF-8",
        "ascii": "US-ASCII",
    }
    assert set(CODECS) == set(IANA_CHARSETS)
    assert SignProfile(encoding="big5hkscs").charset == "Big5-HKSCS"
    assert SignProfile(encoding="big5hkscs").codec == "big5hkscs"


def test_replacement_falls_back_to_question_mark_on_ascii() -> None:
    assert SignProfile(encoding="ascii").replacement == "?"
    assert SignProfile(encoding="big5").replacement == "□"


@pytest.mark.parametrize(
    ("fields", "loc"),
    [
        ({"encoding": "latin-1"}, ("encoding",)),
        ({"width_px": 0}, ("width_px",)),
        ({"width_px": -128}, ("width_px",)),
        ({"height_px": 0}, ("height_px",)),
        ({"width_px": 5000}, ("width_px",)),
        ({"font_px": 15}, ("font_px",)),
        ({"font_px": 4}, ("font_px",)),
        ({"cols": 0}, ("cols",)),
        ({"cols": 1}, ("cols",)),
        ({"rows": 0}, ("rows",)),
        ({"width_px": 8, "font_px": 16}, ("cols",)),  # derives one cell: no CJK glyph fits
        ({"height_px": 8, "font_px": 16}, ("rows",)),
        ({"dwell": {"min_s": 20, "max_s": 10}}, ("dwell", "max_s")),
        ({"dwell": {"base_s": -1}}, ("dwell", "base_s")),
        ({"dwell": {"max_s": float("inf")}}, ("dwell", "max_s")),
        ({"width_model": "pixels"}, ("width_model",)),
        ({"ambiguous_width": 3}, ("ambiguous_width",)),
        ({"convert": "s2t"}, ("convert",)),
        ({"unencodable": "ignore"}, ("unencodable",)),
        ({"mode": "marquee"}, ("mode",)),
        ({"replacement": "ab"}, ("replacement",)),
        ({"replacement": " "}, ("replacement",)),
        ({"replacement": "門"}, ("replacement",)),  # not in gb2312
        ({"encoding": "ascii", "replacement": "□"}, ("replacement",)),
        ({"colour": "red"}, ("colour",)),
    ],
)
def test_refusals_name_the_field(fields: dict, loc: tuple) -> None:
    assert loc in _error_locs(**fields)


def test_profile_is_frozen() -> None:
    with pytest.raises(ValidationError):
        SignProfile().cols = 3  # type: ignore[misc]
