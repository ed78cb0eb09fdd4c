"""Hypothesis properties of fitting, bytes and rotation."""

import itertools
import unicodedata
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from channels.led.fitting import SignProfile, current_page, feed_txt, fit_text, page_bytes, prepare
from channels.led.fitting.measure import cells
from channels.led.fitting.paginate import scroll_separator
from channels.led.fitting.wrap import NO_END, NO_START

FAST = settings(max_examples=150, deadline=None)

NOTICE_CHARS = (
    "明日停水请储办理三号窗口人力资源社会保障局"  # Simplified
    "門臺灣關於辦時間請攜帶證著衞"  # Traditional
    "ABCxyz0123456789-:/@é—·αЖ①"  # 1-cell, ambiguous, pre-mapped
    "  \u3000\u00a0\t\n\n\x0c\r"  # spaces and breaks
    "\x00\x1b\x7f\x85\u200b\ufeff\u0301\u20dd😀㗎"  # controls, marks, outside most encodings
    + "".join(NO_START)
    + "".join(NO_END)
)

texts = st.text(
    alphabet=st.one_of(st.sampled_from(NOTICE_CHARS), st.characters(exclude_categories=("Cs",))),
    max_size=120,
)
profiles = st.builds(
    SignProfile,
    cols=st.integers(2, 24),
    rows=st.integers(1, 4),
    encoding=st.sampled_from(["gb2312", "gbk", "gb18030", "big5", "big5hkscs", "utf-8", "ascii"]),
    width_model=st.sampled_from(["bytes", "eaw"]),
    ambiguous_width=st.sampled_from([1, 2]),
    convert=st.sampled_from(["none", "t2s", "tw2s", "hk2s"]),
    unencodable=st.sampled_from(["replace", "drop", "strict"]),
    mode=st.sampled_from(["page", "page", "scroll"]),
)


@FAST
@given(texts, profiles)
def test_lines_fit_the_board(text: str, profile: SignProfile) -> None:
    for page in fit_text(text, profile).pages:
        assert 1 <= len(page.lines) <= (1 if profile.mode == "scroll" else profile.rows)
        for line in page.lines:
            assert line and line == line.strip(" ")
            if profile.mode == "page":
                assert cells(line, profile) <= profile.cols
        assert page.cells == sum(cells(line, profile) for line in page.lines)
        assert page.dwell_s * 4 == int(page.dwell_s * 4) and page.dwell_s <= profile.dwell.max_s


@FAST
@given(texts, profiles)
def test_lines_give_back_the_prepared_text(text: str, profile: SignProfile) -> None:
    prepared, _ = prepare(text, profile)
    fitted = [line for page in fit_text(text, profile).pages for line in page.lines]
    if profile.mode == "scroll":
        paragraphs = prepared.replace("\x0c", "\n").split("\n")
        assert fitted == ([scroll_separator(profile).join(paragraphs)] if prepared else [])
    else:
        # R7 removes spaces at breaks, R9 turns LF/FF into line and page breaks; nothing else
        assert "".join(fitted).replace(" ", "") == "".join(prepared.split())


@FAST
@given(texts, profiles)
def test_prepared_text_is_clean(text: str, profile: SignProfile) -> None:
    prepared, unencodable = prepare(text, profile)
    prepared.encode(profile.codec)
    assert all(unicodedata.category(c) not in ("Cc", "Cf") or c in "\n\x0c" for c in prepared)
    assert "  " not in prepared and "\r" not in prepared and "\t" not in prepared
    assert len({u.char for u in unencodable}) == len(unencodable)


@FAST
@given(texts, profiles)
def test_bytes_decode_and_carry_no_stray_control_byte(text: str, profile: SignProfile) -> None:
    pages = fit_text(text, profile).pages
    for page in pages:
        assert page_bytes(page, profile).decode(profile.codec) == "".join(
            line + "\r\n" for line in page.lines
        )
    body = feed_txt(pages, profile)
    assert all(byte >= 0x20 and byte != 0x7F or byte in (0x0A, 0x0C, 0x0D) for byte in body)
    assert body.count(b"\x0c") == max(len(pages) - 1, 0)
    assert not body.startswith(b"\xef\xbb\xbf")
    assert b" \r\n" not in body


WIDE = "甲乙丙丁戊己庚辛" + "".join(
    sorted(c for c in NO_START | NO_END if unicodedata.east_asian_width(c) in "WFA")
)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=WIDE, max_size=60))
def test_kinsoku_violation_only_where_push_out_cannot_help(text: str) -> None:
    # every char is a two-cell unit, so at 8 cells a push-out can move at most 3 chars
    profile = SignProfile(encoding="utf-8", width_model="eaw", ambiguous_width=2, cols=8, rows=3)
    lines = [line for page in fit_text(text, profile).pages for line in page.lines]
    for line, below in itertools.pairwise(lines):
        if _violates(line, below[0], len(line)):
            lowest = max(1, len(line) - 3)
            assert all(_violates(line, below[0], cut) for cut in range(lowest, len(line) + 1))


def _violates(line: str, pending: str, cut: int) -> bool:
    after = line[cut] if cut < len(line) else pending
    return line[cut - 1] in NO_END or after in NO_START


EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(1, 60).map(lambda q: q / 4), min_size=1, max_size=8),
    st.integers(-(10**13), 10**13),
)
def test_current_page_changes_exactly_after_the_returned_seconds(dwells: list[float], micros: int) -> None:
    at = EPOCH + timedelta(microseconds=micros)
    index, remaining = current_page(dwells, at, EPOCH)
    assert 0 < remaining <= dwells[index]
    change = at + timedelta(seconds=remaining)
    assert current_page(dwells, change - timedelta(microseconds=1), EPOCH) == (index, 1e-6)
    assert current_page(dwells, change, EPOCH) == (
        (index + 1) % len(dwells),
        dwells[(index + 1) % len(dwells)],
    )
