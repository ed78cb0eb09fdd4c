"""Highlighting: what the query found is marked in the text as written (Traditional,
full-width), and nothing of the text or the query becomes markup."""

from __future__ import annotations

from markupsafe import Markup

from publisher.search_index.highlight import fold_with_origins, highlight, snippet


def test_folding_keeps_a_map_to_the_original_characters() -> None:
    folded, origin = fold_with_origins("醫療ＡＢ１")
    assert folded == "医疗ab1"
    assert origin == [0, 1, 2, 3, 4]
    folded, origin = fold_with_origins("㍻")  # one character becomes two (NFKC)
    assert folded == "平成" and origin == [0, 0]


def test_simplified_query_marks_traditional_text() -> None:
    assert highlight("城鎮職工醫療保險參保指南", "医疗保险") == Markup("城鎮職工<mark>醫療保險</mark>參保指南")
    assert highlight("２０２６年招聘會", "2026 招聘会") == Markup("<mark>２０２６</mark>年<mark>招聘會</mark>")


def test_everything_is_escaped_and_marks_never_split_an_entity() -> None:
    out = highlight('<script>alert("就業")</script>&amp;', "script 就业 amp")
    assert out == Markup('&lt;<mark>script</mark>&gt;alert(&#34;<mark>就業</mark>&#34;)&lt;/<mark>script</mark>&gt;'
                         '&amp;<mark>amp</mark>;')
    # a query made of markup finds only letters, never injects
    assert "<b>" not in highlight("粗體<b>", "<b>")
    assert highlight("粗體<b>", "<b>") == Markup("粗體&lt;<mark>b</mark>&gt;")


def test_overlapping_finds_merge_into_one_mark() -> None:
    assert highlight("高校畢業生就業", "畢業 業生 高校畢") == Markup("<mark>高校畢業生</mark>就業")


def test_a_snippet_is_cut_around_the_first_find() -> None:
    text = "甲" * 300 + "招聘會" + "乙" * 300
    out = snippet(text, "招聘会", width=60)
    assert out.startswith("…") and out.endswith("…")
    assert "<mark>招聘會</mark>" in out
    assert len(out.striptags()) <= 62
    assert snippet("短文", "不在") == Markup("短文")
