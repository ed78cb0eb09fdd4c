"""The three worked examples of docs/led.md, exactly (16x2, gb2312, page mode unless said)."""

from led_fit_helpers import pages


def test_ascii_words_fit_one_line_at_8x1() -> None:
    assert pages("ABC 123", cols=8, rows=1) == [["ABC 123"]]


def test_full_stop_pushes_the_char_before_it_down() -> None:
    assert pages("明日停水，请储水。") == [["明日停水，请储", "水。"]]


def test_opening_bracket_does_not_end_a_line_at_8x2() -> None:
    assert pages("1F办理（三号窗口）", cols=8, rows=2) == [["1F办理", "（三号窗"], ["口）"]]


def test_default_profile_is_the_16x2_of_the_examples() -> None:
    assert pages("明日停水，请储水。", width_px=128, height_px=32, font_px=16) == [["明日停水，请储", "水。"]]
