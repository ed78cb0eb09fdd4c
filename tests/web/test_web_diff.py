"""The review page's word-level diff, for Chinese and Latin text alike."""

from __future__ import annotations

from publisher.web.diff import Piece, diff, sides, tokens


def test_tokens_keep_latin_words_and_numbers_whole() -> None:
    assert tokens("上午9:00 Wi-Fi 開放") == ["上", "午", "9:00", " ", "Wi-Fi", " ", "開", "放"]


def test_chinese_changes_read_as_words() -> None:
    assert diff("時間：每月18日上午9:00", "時間：每週二上午9:30") == [
        Piece("same", "時間：每"), Piece("del", "月18日"), Piece("ins", "週二"), Piece("same", "上午"),
        Piece("del", "9:00"), Piece("ins", "9:30"),
    ]


def test_a_single_unchanged_character_between_changes_is_folded() -> None:
    assert diff("甲乙丙", "丁乙戊") == [Piece("del", "甲乙丙"), Piece("ins", "丁乙戊")]


def test_sides_spell_the_old_and_the_new_text() -> None:
    old, new = "地點：人力資源市場\n\n時間：上午", "地點：人力資源市場三樓\n\n時間：下午"
    left, right = sides(old, new)
    assert "".join(p.text for p in left) == old and "".join(p.text for p in right) == new
    assert all(p.kind != "ins" for p in left) and all(p.kind != "del" for p in right)
    assert diff("same", "same") == [Piece("same", "same")]
    assert diff("", "新") == [Piece("ins", "新")]
