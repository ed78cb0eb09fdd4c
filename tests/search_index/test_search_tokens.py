"""Folding and tokens: one script, one width, one case; bigrams for CJK runs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from publisher.search_index.tokens import fold, index_text, runs


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("關於畢業生就業", "关于毕业生就业"),  # Traditional and Simplified
        ("ＡＢＣ１２３", "abc123"),  # full-width and half-width
        ("COVID-19", "covid-19"),  # case
        ("江人社發〔2026〕12號", "江人社发〔2026〕12号"),
    ],
)
def test_folding_makes_variants_equal(a: str, b: str) -> None:
    assert fold(a) == fold(b)
    assert index_text(a) == index_text(b)


def test_cjk_runs_give_bigrams_then_their_last_character() -> None:
    assert index_text("高校畢業生") == "高校 校毕 毕业 业生 生"
    assert index_text("年") == "年"


def test_latin_and_digits_are_words_and_punctuation_separates() -> None:
    assert index_text("44070000/2026-00012") == "44070000 2026 00012"
    assert index_text("2026年招聘會，Job Fair!") == "2026 年招 招聘 聘会 会 job fair"


def test_runs_know_their_script() -> None:
    assert [(r.text, r.cjk) for r in runs(fold("第3號"))] == [("第", True), ("3", False), ("号", True)]


@given(st.text(max_size=200))
def test_tokens_never_hold_spaces_quotes_or_operators(text: str) -> None:
    for token in index_text(text).split(" "):
        if token:
            assert token.isalnum() or all(not c.isascii() for c in token), token
            assert not set(token) & set('"\'()*:^+-{}')
