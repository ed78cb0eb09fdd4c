"""The query builder: phrases from user text, safe in FTS5 and tsquery syntax."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from publisher.search_index.query import MAX_TERMS, Phrase, fts5_match, pg_tsquery, phrases
from publisher.search_index.tokens import index_text


def test_sqlite_here_has_fts5() -> None:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(a)")


def test_a_cjk_term_is_a_phrase_of_bigrams_without_its_trailing_character() -> None:
    assert phrases("畢業生") == [Phrase(("毕业", "业生"), prefix=False)]


def test_a_single_character_is_a_prefix_token() -> None:
    assert phrases("年") == [Phrase(("年",), prefix=True)]
    assert fts5_match("年") == '("年" *)'
    assert pg_tsquery("年") == "('年':*)"


def test_terms_are_anded_and_numbers_are_exact_phrases() -> None:
    assert fts5_match("招聘 44070000/2026-00012") == '("招聘") AND ("44070000" + "2026" + "00012")'
    assert pg_tsquery("招聘 44070000/2026-00012") == "('招聘') & ('44070000' <-> '2026' <-> '00012')"


def test_a_column_filter_is_applied_to_every_phrase() -> None:
    assert fts5_match("招聘 年", column="title") == 'title : ("招聘") AND title : ("年" *)'
    with pytest.raises(ValueError):
        fts5_match("招聘", column="title) OR (body")


@pytest.mark.parametrize("query", ["", "   ", "()", '"', "*", "：，。", "^", "---"])
def test_nothing_searchable_gives_none(query: str) -> None:
    assert fts5_match(query) is None and pg_tsquery(query) is None


@pytest.mark.parametrize(
    "hostile",
    ['" OR 1', "a OR b NOT c", "NEAR(a b, 3)", "title:招聘", "{title body}: x", "a*", '"unterminated', "^a",
     "a + b", "( x", "a) OR (b"],
)
def test_fts5_syntax_in_the_query_is_only_text(hostile: str) -> None:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(title, body)")
    db.execute("INSERT INTO t VALUES (?, ?)", (index_text("招聘會"), index_text("a b c near title or not")))
    match = fts5_match(hostile)
    assert match is not None
    db.execute("SELECT rowid FROM t WHERE t MATCH ?", (match,)).fetchall()  # no syntax error
    # operators are plain words: "a OR b NOT c" needs all of a, or, b, not, c
    if hostile == "a OR b NOT c":
        assert db.execute("SELECT count(*) FROM t WHERE t MATCH ?", (match,)).fetchone() == (1,)
        assert db.execute("SELECT count(*) FROM t WHERE t MATCH ?", (fts5_match("a OR zzz"),)).fetchone() == (0,)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=250))
def test_any_text_gives_a_valid_fts5_expression_or_none(query: str) -> None:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(title, body)")
    for column in (None, "title"):
        match = fts5_match(query, column=column)
        if match is not None:
            db.execute("SELECT rowid FROM t WHERE t MATCH ?", (match,)).fetchall()


def test_the_query_is_bounded() -> None:
    many = " ".join(f"詞{i}" for i in range(100))
    assert len(phrases(many)) == MAX_TERMS
    assert len(phrases("長" * 5000)[0].tokens) <= 64
