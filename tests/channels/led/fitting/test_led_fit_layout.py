"""R5 width, R6 units, R7 fill, R8 kinsoku, R9 pages, R10 dwell."""

import pytest
from led_fit_helpers import lines, pages

from channels.led.fitting import Dwell, SignProfile, fit_text
from channels.led.fitting.dwell import page_dwell
from channels.led.fitting.measure import cell_width
from channels.led.fitting.wrap import NO_END, NO_START

ANY = {"encoding": "gb18030"}  # every char encodes; non-ASCII is two cells


# R5


@pytest.mark.parametrize(
    ("char", "encoding", "model", "ambiguous", "cells"),
    [
        ("A", "gb2312", "bytes", 2, 1),
        ("门", "gb2312", "bytes", 2, 2),
        ("é", "gb2312", "bytes", 2, 2),  # pinyin letter: a GB2312 double-byte glyph
        ("é", "utf-8", "bytes", 2, 2),  # two UTF-8 bytes
        ("é", "utf-8", "eaw", 1, 1),  # East Asian Width A
        ("é", "utf-8", "eaw", 2, 2),
        ("门", "utf-8", "eaw", 1, 2),  # W
        ("，", "utf-8", "eaw", 1, 2),  # F
        ("ｱ", "utf-8", "eaw", 2, 1),  # H
        ("\u0301", "utf-8", "eaw", 2, 0),  # combining
        ("😀", "gb18030", "bytes", 2, 2),  # four bytes
    ],
)
def test_cell_width(char: str, encoding: str, model: str, ambiguous: int, cells: int) -> None:
    profile = SignProfile(encoding=encoding, width_model=model, ambiguous_width=ambiguous)
    assert cell_width(char, profile) == cells


def test_eaw_ambiguous_width_one_keeps_greek_as_one_word() -> None:
    assert lines("αβγδ", encoding="utf-8", width_model="eaw", ambiguous_width=1, cols=4) == ["αβγδ"]


def test_eaw_ambiguous_width_two_makes_each_greek_letter_a_unit() -> None:
    assert lines("αβγδ", encoding="utf-8", width_model="eaw", ambiguous_width=2, cols=4) == ["αβ", "γδ"]


def test_eaw_combining_mark_takes_no_cell_and_stays_with_its_base() -> None:
    assert lines("ABx\u0301D", encoding="utf-8", width_model="eaw", cols=4) == ["ABx\u0301D"]
    assert lines("甲乙x\u0301\u0302", encoding="utf-8", width_model="eaw", cols=4) == [
        "甲乙",
        "x\u0301\u0302",
    ]


def test_eaw_combining_mark_on_a_wide_char() -> None:
    assert lines("甲\u20dd乙丙", encoding="utf-8", width_model="eaw", cols=4) == ["甲\u20dd乙", "丙"]


def test_hard_split_never_separates_a_mark_from_its_base() -> None:
    text = "ABCx\u0301EFG"
    assert lines(text, encoding="utf-8", width_model="eaw", cols=4) == ["ABCx\u0301", "EFG"]


# R6, R7


def test_one_cell_runs_are_units() -> None:
    assert lines("开放时间9:00", cols=6) == ["开放时", "间9:00"]
    assert lines("连接Wi-Fi上网", cols=8) == ["连接", "Wi-Fi上", "网"]
    assert lines("GOV2024号文", cols=8) == ["GOV2024", "号文"]


def test_spaces_between_units_and_trimmed_at_line_ends() -> None:
    assert lines("AB CD EF", cols=5) == ["AB CD", "EF"]
    assert lines("AB CD  EF", cols=6) == ["AB CD", "EF"]  # no trailing space
    assert lines("甲 乙 丙", cols=5) == ["甲 乙", "丙"]
    assert lines("甲 乙 丙", cols=4) == ["甲", "乙", "丙"]


def test_word_of_exactly_cols_is_not_split() -> None:
    assert lines("甲 ABCD", cols=4) == ["甲", "ABCD"]


def test_long_word_starts_a_new_line_and_is_split_every_cols_cells() -> None:
    assert lines("ABCDEFGHIJ", cols=4) == ["ABCD", "EFGH", "IJ"]
    assert lines("甲 ABCDEFGHIJ xy", cols=4) == ["甲", "ABCD", "EFGH", "IJ", "xy"]
    assert lines("甲 ABCDEFGHI 乙", cols=4) == ["甲", "ABCD", "EFGH", "I 乙"]
    assert lines("https://hrss.example.gov.cn", cols=16) == ["https://hrss.exa", "mple.gov.cn"]


def test_long_word_goes_to_a_new_line_even_with_room_left() -> None:
    assert lines("A BCDEFGH", cols=4) == ["A", "BCDE", "FGH"]


def test_lf_is_a_forced_line_break() -> None:
    assert lines("甲\n乙丙", cols=16) == ["甲", "乙丙"]


# R8


@pytest.mark.parametrize("mark", list("、。，：；？！）」』】〕》〉％…‥・―—～℃°‰﹐｡､"))
def test_no_start_full_width_pushes_the_previous_unit_down(mark: str) -> None:
    assert mark in NO_START
    assert lines(f"甲乙丙{mark}丁", cols=6, **ANY) == ["甲乙", f"丙{mark}丁"]


@pytest.mark.parametrize("mark", list("!%),.:;?]}"))
def test_no_start_ascii_pushes_the_previous_unit_down(mark: str) -> None:
    assert mark in NO_START
    assert lines(f"甲乙丙{mark}", cols=6) == ["甲乙", f"丙{mark}"]


@pytest.mark.parametrize("mark", list("（［｛「『【〔〖《〈‘“＄￥￡"))
def test_no_end_full_width_moves_down(mark: str) -> None:
    assert mark in NO_END
    assert lines(f"甲乙{mark}丙丁", cols=6, **ANY) == ["甲乙", f"{mark}丙丁"]


@pytest.mark.parametrize("mark", list("([{$"))
def test_no_end_ascii_moves_down(mark: str) -> None:
    assert mark in NO_END
    assert lines(f"甲乙{mark}丙丁", cols=5) == ["甲乙", f"{mark}丙丁"]


def test_no_end_then_no_start_moves_several_units() -> None:
    assert lines("甲乙「（丙", cols=8) == ["甲乙", "「（丙"]
    assert lines("甲乙丙……。", cols=8) == ["甲乙", "丙……。"]


def test_violation_allowed_when_the_line_would_lose_its_only_unit() -> None:
    assert lines("甲。", cols=2) == ["甲", "。"]
    assert lines("（甲", cols=2) == ["（", "甲"]


def test_violation_allowed_when_the_moved_units_do_not_fit_below() -> None:
    assert lines("甲乙丙)abcde", cols=6) == ["甲乙丙", ")abcde"]


def test_no_kinsoku_at_a_forced_break() -> None:
    assert lines("甲乙（\n。丙", cols=16) == ["甲乙（", "。丙"]


def test_characters_outside_both_sets_break_greedily() -> None:
    assert lines("甲乙丙丁", cols=6) == ["甲乙丙", "丁"]


# R9


def test_pages_of_rows_lines() -> None:
    assert pages("甲乙丙丁戊己庚", cols=4, rows=2) == [["甲乙", "丙丁"], ["戊己", "庚"]]


def test_paragraphs_flow_on_across_pages() -> None:
    assert pages("甲乙丙\n丁", cols=4, rows=2) == [["甲乙", "丙"], ["丁"]]


def test_form_feed_starts_a_new_page() -> None:
    assert pages("甲\x0c乙", cols=4, rows=2) == [["甲"], ["乙"]]
    assert pages("甲\n\x0c\n\x0c乙", cols=4, rows=2) == [["甲"], ["乙"]]


def test_kinsoku_across_a_page_boundary() -> None:
    assert pages("甲乙。", cols=4, rows=1) == [["甲"], ["乙。"]]


def test_scroll_mode_joins_paragraphs_and_pages_on_one_line() -> None:
    result = fit_text("甲乙\n丙丁\x0c戊", SignProfile(mode="scroll"))
    assert [page.lines for page in result.pages] == [["甲乙\u3000丙丁\u3000戊"]]
    assert result.pages[0].cells == 14


def test_scroll_mode_does_not_wrap() -> None:
    text = "关于调整社会保险业务办理时间的通知"
    assert pages(text, mode="scroll", cols=4) == [[text]]


def test_scroll_mode_on_ascii_signs_separates_with_two_spaces() -> None:
    assert pages("NOTICE\nOFFICE CLOSED", mode="scroll", encoding="ascii") == [["NOTICE  OFFICE CLOSED"]]


# R10


@pytest.mark.parametrize(
    ("cells", "seconds"),
    [(0, 3.0), (2, 3.0), (8, 3.0), (10, 3.25), (16, 4.0), (32, 6.0), (200, 15.0)],
)
def test_dwell_default(cells: int, seconds: float) -> None:
    assert page_dwell(cells, Dwell()) == seconds


def test_dwell_rounds_half_up_to_a_quarter_second() -> None:
    dwell = Dwell(min_s=0)
    assert page_dwell(1, dwell) == 2.25  # 2.125: half up, not to even
    assert page_dwell(3, Dwell(per_fullwidth_char_s=0.1, min_s=0)) == 2.25  # 2.15


def test_dwell_never_below_one_step() -> None:
    assert page_dwell(0, Dwell(base_s=0, per_fullwidth_char_s=0, min_s=0, max_s=5)) == 0.25


def test_page_carries_cells_and_dwell() -> None:
    page = fit_text("明日停水，请储水。", SignProfile()).pages[0]
    assert page.cells == 14 + 4
    assert page.dwell_s == 2.0 + 0.25 * 18 / 2 == 4.25
