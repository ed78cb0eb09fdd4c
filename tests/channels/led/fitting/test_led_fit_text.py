"""R1 normalise, R2 convert, R3 pre-map, R4 encode check."""

import pytest
from led_fit_helpers import lines, pages

from channels.led.fitting import SignProfile, UnencodableError, fit_text, page_bytes, prepare, raise_if_strict
from channels.led.fitting.normalize import normalize

UTF8 = {"encoding": "utf-8", "width_model": "eaw"}


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("A\x00B\x07C\x1bD", "ABCD"),  # C0
        ("A\x80B\x85C\x9fD", "ABCD"),  # C1, NEL included
        ("A\x7fB", "AB"),  # DEL
        ("A\u200bB\u200cC\u200dD\u2060E", "ABCDE"),  # zero-width
        ("\ufeffAB\ufeff", "AB"),  # BOM, at the start and inside
        ("A\u202eB\u00adC", "ABC"),  # bidi override, soft hyphen
        ("A\ud800B", "AB"),  # lone surrogate
        ("A\x0bB", "AB"),  # VT is not a line break
    ],
)
def test_control_and_format_chars_are_deleted(raw: str, clean: str) -> None:
    assert normalize(raw) == clean


def test_escape_sequence_loses_its_escape_byte() -> None:
    assert normalize("\x1b[2J停水") == "[2J停水"


def test_line_breaks_tabs_and_spaces() -> None:
    assert normalize("A\r\nB\rC\nD") == "A\nB\nC\nD"
    assert normalize("A\tB   C \t D") == "A B C D"
    assert normalize("A\u00a0\u00a0B\u3000C\u2003D") == "A B C D"
    assert normalize("A\u2028B\u2029C") == "A\nB\nC"


def test_blank_lines_and_empty_pages_are_dropped() -> None:
    assert normalize("  A  \n\n \n\t\nB\n") == "A\nB"
    assert normalize("\x0c\x0cA\n\x0c \n\x0c\nB\x0c") == "A\x0cB"
    assert normalize(" \n\x0c\r\n\t") == ""


def test_nfc_composes_even_across_a_deleted_zero_width_char() -> None:
    assert normalize("e\u0301") == "\u00e9"
    assert normalize("e\u200b\u0301") == "\u00e9"


def test_empty_text_fits_to_no_pages_with_a_warning() -> None:
    result = fit_text(" \x00\n", SignProfile())
    assert result.pages == [] and result.unencodable == []
    assert result.warnings and "empty" in result.warnings[0]


@pytest.mark.parametrize(
    ("conversion", "raw", "converted"),
    [
        ("none", "門診著", "門診著"),
        ("t2s", "臺灣門診著", "台湾门诊著"),
        ("tw2s", "臺灣門診著", "台湾门诊着"),  # Taiwan: 著 is the verb particle
        ("hk2s", "衞生署", "卫生署"),  # Hong Kong variant 衞
    ],
)
def test_conversion(conversion: str, raw: str, converted: str) -> None:
    text, unencodable = prepare(raw, SignProfile(encoding="gbk", convert=conversion))
    assert (text, unencodable) == (converted, [])


def test_conversion_keeps_line_and_page_breaks() -> None:
    assert lines("門\n臺\x0c灣", convert="t2s") == ["门", "台", "湾"]


def test_gb2312_premap_of_dash_and_middle_dot() -> None:
    result = fit_text("A—B·C", SignProfile())
    assert result.pages[0].lines == ["A\u2015B\u30fbC"] and result.unencodable == []
    assert page_bytes(result.pages[0], SignProfile()) == b"A\xa1\xaaB\xa1\xa4C\r\n"


def test_premap_is_for_gb2312_only() -> None:
    assert lines("A—B·C", encoding="gbk") == ["A—B·C"]


@pytest.mark.parametrize(
    ("encoding", "shown", "refused"),
    [
        ("gb2312", "门诊", "門"),
        ("gbk", "門门", "😀"),
        ("gb18030", "門门😀", None),  # all of Unicode
        ("big5", "門診", "门"),
        ("big5hkscs", "門㗎", "诊"),  # 㗎 is HKSCS only
        ("utf-8", "門门😀㗎", None),
        ("ascii", "Wi-Fi 9:00", "門"),
    ],
)
def test_each_encoding(encoding: str, shown: str, refused: str | None) -> None:
    profile = SignProfile(encoding=encoding, cols=40)
    text = shown if refused is None else shown + refused
    result = fit_text(text, profile)
    expected = shown if refused is None else shown + profile.replacement
    assert result.pages[0].lines == [expected]
    assert [u.char for u in result.unencodable] == ([] if refused is None else [refused])
    assert page_bytes(result.pages[0], profile).decode(profile.codec) == expected + "\r\n"


def test_replace_reports_char_code_point_and_count_in_order() -> None:
    result = fit_text("門口臺門", SignProfile())
    assert result.pages[0].lines == ["□口□□"]
    assert [(u.char, u.code_point, u.count) for u in result.unencodable] == [
        ("門", "U+9580", 2),
        ("臺", "U+81FA", 1),
    ]


def test_code_point_beyond_the_bmp() -> None:
    result = fit_text("A😀", SignProfile())
    assert result.unencodable[0].code_point == "U+1F600"


def test_drop_removes_and_retidies() -> None:
    result = fit_text("A 門 B\n門\nC", SignProfile(unencodable="drop"))
    assert result.pages[0].lines == ["A B", "C"]
    assert [(u.char, u.count) for u in result.unencodable] == [("門", 2)]


def test_custom_replacement() -> None:
    assert lines("門口", replacement="#") == ["#口"]


def test_strict_reports_without_raising_and_the_caller_refuses() -> None:
    profile = SignProfile(unencodable="strict")
    result = fit_text("門口", profile)
    assert result.pages[0].lines == ["□口"]  # the preview still shows something
    with pytest.raises(UnencodableError) as caught:
        raise_if_strict(result.unencodable, profile)
    assert [u.char for u in caught.value.chars] == ["門"]
    assert "U+9580" in str(caught.value)


def test_strict_does_not_refuse_encodable_text_or_other_modes() -> None:
    raise_if_strict(
        fit_text("门口", SignProfile(unencodable="strict")).unencodable, SignProfile(unencodable="strict")
    )
    raise_if_strict(fit_text("門口", SignProfile()).unencodable, SignProfile())


def test_backslash_trail_byte_is_warned_about() -> None:
    result = fit_text("許功", SignProfile(encoding="big5"))
    assert any("0x5C" in w and "許" in w for w in result.warnings)
    assert not fit_text("许功", SignProfile()).warnings  # gb2312 trail bytes are >= 0xA1


def test_control_bytes_never_reach_the_page() -> None:
    assert pages("停水\x1b\x07\x00通知", encoding="utf-8") == [["停水通知"]]
