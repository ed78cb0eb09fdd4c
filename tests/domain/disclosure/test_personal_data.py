"""Detectors of personal data and secrecy marks: check digits right and wrong, groupings,
full-width digits, Traditional and Simplified text, the cap, masking and revision scanning."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from publisher.domain.disclosure.findings import Finding, mask_text
from publisher.domain.disclosure.personal_data import (
    iter_personal_data,
    luhn_valid,
    resident_id_valid,
)
from publisher.domain.disclosure.revision_scan import (
    MAX_FINDINGS_PER_TEXT,
    mask_personal_data,
    scan_revision,
    scan_text,
)
from publisher.domain.disclosure.secrecy_marks import SECRECY_MARKS, iter_secrecy_marks

# --- independent oracles (written differently from the module on purpose) ---------------


def id_check_char(first17: str) -> str:
    """GB 11643: weights 2^(17-i) mod 11; check = (12 - sum mod 11) mod 11, 10 written X."""
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(first17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def resident_id(region: str, born: str, seq: str) -> str:
    first17 = region + born + seq
    return first17 + id_check_char(first17)


def wrong_check(number: str) -> str:
    right = number[-1]
    return number[:-1] + ("0" if right != "0" else "1")


def luhn_complete(payload: str) -> str:
    """The payload with the digit appended that makes it pass Luhn (tried, not computed)."""
    for digit in "0123456789":
        candidate = payload + digit
        doubled = "".join(str(int(c) * (2 if i % 2 else 1)) for i, c in enumerate(reversed(candidate)))
        if sum(int(c) for c in doubled) % 10 == 0:
            return candidate
    raise AssertionError("unreachable")


def full_width(text: str) -> str:
    return "".join(chr(ord(c) - ord("0") + 0xFF10) if c.isdigit() else c for c in text)


def kinds(text: str) -> list[tuple[str, str, str]]:
    return [(f.kind, text[f.start : f.end], f.masked) for f in scan_text(text).findings]


ID_X = "11010519491231002X"  # the example of GB 11643-1999
ID_DIGIT = resident_id("440305", "19900307", "123")
CARD_16 = luhn_complete("622202100212345")
CARD_19 = luhn_complete("621700000012345678")


# --- resident ID numbers ------------------------------------------------------------------


def test_resident_id_with_right_check_digit_is_flagged_and_masked() -> None:
    assert id_check_char(ID_X[:17]) == "X"
    assert kinds(f"申請人身份證號碼{ID_X}。") == [("resident_id", ID_X, "110105********002X")]
    assert kinds(f"證件：{ID_DIGIT}") == [("resident_id", ID_DIGIT, ID_DIGIT[:6] + "********" + ID_DIGIT[-4:])]
    lower = ID_X[:-1] + "x"
    assert kinds(lower) == [("resident_id", lower, "110105********002x")]


def test_resident_id_with_wrong_check_digit_is_not_flagged() -> None:
    assert resident_id_valid(ID_DIGIT) and not resident_id_valid(wrong_check(ID_DIGIT))
    assert not resident_id_valid(ID_X[:-1] + "0")
    bad = wrong_check(ID_DIGIT)
    # (an 18-digit number that happens to pass Luhn would rightly be flagged as a card)
    assert kinds(bad) == ([("bank_card", bad, bad[:4] + "*" * 10 + bad[-4:])] if luhn_valid(bad) else [])
    assert kinds(ID_X[:-1] + "5") == []


@pytest.mark.parametrize("born", ["19900230", "19901301", "18800101", "21000101", "19900000"])
def test_resident_id_needs_a_plausible_birth_date(born: str) -> None:
    number = resident_id("110101", born, "123")  # check digit right, date impossible or implausible
    assert not resident_id_valid(number)
    assert all(kind != "resident_id" for kind, _, _ in kinds(number))


def test_resident_id_grouped_and_full_width() -> None:
    grouped = f"{ID_DIGIT[:6]} {ID_DIGIT[6:14]} {ID_DIGIT[14:]}"
    assert kinds(grouped) == [("resident_id", grouped, f"{ID_DIGIT[:6]} ******** {ID_DIGIT[14:]}")]
    # full-width digits are normalised for the check; the masked form keeps their width
    wide = full_width(ID_DIGIT)
    found = kinds(f"身份证号{wide}")
    assert found == [("resident_id", wide, wide[:6] + "********" + wide[-4:])]
    wide_x = full_width(ID_X[:-1]) + "Ｘ"
    assert [k for k, _, _ in kinds(wide_x)] == ["resident_id"]


def test_numbers_inside_longer_digit_runs_are_not_taken() -> None:
    assert kinds("9" + ID_X) == []  # 19 characters: no ID, and not a card (it ends in X)
    assert "resident_id" not in [k for k, _, _ in kinds(ID_DIGIT + "7")]
    assert "resident_id" not in [k for k, _, _ in kinds("8" + ID_DIGIT)]
    assert kinds("1" * 25) == []


# --- mobile numbers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "masked"),
    [
        ("13812345678", "138****5678"),
        ("138 1234 5678", "138 **** 5678"),
        ("138-1234-5678", "138-****-5678"),
        ("+86 13912345678", "+86 139****5678"),
        ("8619912345678", "86199****5678"),
        ("１５０１２３４５６７８", "１５０****５６７８"),
    ],
)
def test_mobile_numbers_in_their_usual_forms(written: str, masked: str) -> None:
    assert kinds(f"聯絡電話：{written}。") == [("mobile", written, masked)]


@pytest.mark.parametrize("text", ["12812345678", "1381234567", "138123456789", "010-12345678", "電話 0755 8888 1234"])
def test_not_mobile_numbers(text: str) -> None:
    assert kinds(text) == []


# --- bank cards -------------------------------------------------------------------------


def test_bank_cards_pass_luhn_and_have_plausible_lengths() -> None:
    assert luhn_valid(CARD_16) and luhn_valid(CARD_19) and luhn_valid("4111111111111111")
    assert kinds(f"卡號{CARD_16}") == [("bank_card", CARD_16, CARD_16[:4] + "********" + CARD_16[-4:])]
    assert kinds(CARD_19) == [("bank_card", CARD_19, CARD_19[:4] + "*" * 11 + CARD_19[-4:])]
    grouped = " ".join(CARD_19[i : i + 4] for i in range(0, 19, 4))
    assert kinds(grouped) == [("bank_card", grouped, f"{CARD_19[:4]} **** **** ***{CARD_19[15]} {CARD_19[16:]}")]
    assert [k for k, _, _ in kinds(full_width(CARD_16))] == ["bank_card"]


def test_bank_card_failing_luhn_or_of_odd_length_is_not_flagged() -> None:
    assert not luhn_valid(wrong_check(CARD_16))
    assert kinds(wrong_check(CARD_16)) == []
    fifteen = luhn_complete("37828224631000")  # 15 digits: an old-style number, not a UnionPay card
    assert kinds(fifteen) == []
    assert kinds(luhn_complete("6" * 19)) == []  # 20 digits


def test_an_id_that_also_passes_luhn_is_reported_once_as_an_id() -> None:
    both = next(
        number
        for seq in range(1000)
        if luhn_valid(number := resident_id("320102", "19850612", f"{seq:03d}"))
    )
    assert kinds(both) == [("resident_id", both, both[:6] + "********" + both[-4:])]


# --- secrecy marks ------------------------------------------------------------------------


@pytest.mark.parametrize("mark", SECRECY_MARKS)
def test_each_secrecy_mark_is_found_in_text(mark: str) -> None:
    text = f"本文件屬{mark}★1年，請勿轉載"
    assert kinds(text) == [("secrecy_mark", mark, mark)]


def test_traditional_and_simplified_marks_and_ordinary_text() -> None:
    found = kinds("絕密文件；绝密文件；機密；机密；內部資料；内部资料；不得外傳；不得外传")
    assert [text for _, text, _ in found] == ["絕密", "绝密", "機密", "机密", "內部", "内部", "不得外傳", "不得外传"]
    assert kinds("關於二〇一一年政府信息公開工作年度報告") == []
    assert list(iter_secrecy_marks("秘 密")) == []  # a mark split by a space is not the mark


# --- scanning, cap, masking ---------------------------------------------------------------


def test_findings_are_capped_per_text_and_say_so() -> None:
    numbers = [f"139{i:04d}{i:04d}" for i in range(60)]
    text = "；".join(numbers)
    flags = scan_text(text)
    assert len(flags.findings) == MAX_FINDINGS_PER_TEXT and flags.truncated
    assert [text[f.start : f.end] for f in flags.findings] == numbers[:MAX_FINDINGS_PER_TEXT]
    assert not scan_text("；".join(numbers[:MAX_FINDINGS_PER_TEXT])).truncated
    # masking is not capped: the 60th number is masked too
    masked = mask_personal_data(text)
    assert all(n not in masked for n in numbers)
    assert masked.endswith(f"139****{59:04d}")


def test_mask_personal_data_leaves_everything_else() -> None:
    text = f"甲：{ID_X}，電話138-1234-5678，卡{CARD_16}，秘密。"
    masked = mask_personal_data(text)
    assert masked == f"甲：110105********002X，電話138-****-5678，卡{CARD_16[:4]}********{CARD_16[-4:]}，秘密。"
    assert mask_personal_data("沒有個人資料") == "沒有個人資料"


def test_mask_text_refuses_findings_of_another_text() -> None:
    with pytest.raises(ValueError, match="outside the text"):
        mask_text("short", [Finding("mobile", 0, 11, "138****5678")])
    overlapping = [Finding("mobile", 0, 11, "x"), Finding("bank_card", 5, 21, "y")]
    with pytest.raises(ValueError, match="overlaps"):
        mask_text("1" * 30, overlapping)


def test_finding_never_carries_the_matched_number() -> None:
    (finding,) = iter_personal_data(ID_X)
    assert ID_X not in repr(finding) and ID_X not in str(finding.as_dict())


def test_scan_revision_names_every_field_with_findings() -> None:
    content = {
        "title": "關於張三（身份證" + ID_X + "）的公示",
        "summary": "内部资料，不得外传",
        "body": "如有疑問請致電 13812345678。\n\n正文無其他資料。",
        "led_text": None,
        "category": "documents",
        "meta": {
            "doc_number": "人社發〔2011〕1號",
            "issuing_org": "某市人力資源和社會保障局",
            "issued_on": date(2011, 3, 1),
            "keywords": ["招聘", "機密"],
        },
    }
    flags = scan_revision(content, attachment_names=["名單.pdf", f"{CARD_16}.xlsx"])
    assert sorted(flags) == ["attachments[1]", "body", "meta.keywords[1]", "summary", "title"]
    assert [f.kind for f in flags["title"].findings] == ["resident_id"]
    assert [f.masked for f in flags["summary"].findings] == ["内部", "不得外传"]
    assert [f.kind for f in flags["attachments[1]"].findings] == ["bank_card"]
    assert flags["body"].as_dict() == {
        "findings": [{"kind": "mobile", "start": 8, "end": 19, "masked": "138****5678"}],
        "truncated": False,
    }
    assert scan_revision({"title": "二〇一一年度報告", "meta": {"keywords": []}}) == {}


def test_dates_written_as_digits_are_not_flagged() -> None:
    day = date(2024, 10, 8)
    assert kinds(f"{day:%Y%m%d}、{day + timedelta(days=1):%Y-%m-%d}") == []


# --- properties ---------------------------------------------------------------------------

CJK = st.text(alphabet="的一是在不了有和人這中大為上個國我以要他時來用們生到作地於出就分對成會可主發年動同工也能下過子說產種面而方後多定行學法所民得經十三之進著等部度家電力裡如水化高自二理起小物現實加量都兩體制機當使點從業本去把性好應開它合還因由其些然前外天政四日那社義事平形相全表間樣與關各重新線內數正心反你明看原又麼利比或但質氣第向道命此變條只沒結解問意建月公無系軍很情者最立代想已通並提直題黨程展五果料象員革位入常文總次品式活設及管特件長求老頭基資邊流路級少圖山統接知較將組見計別她手角期根論運農指幾九區強放決西被幹做必戰先回則任取據處理世車點", max_size=20)  # noqa: E501


@settings(max_examples=200, deadline=None, database=None)
@given(
    region=st.integers(110000, 829999).map(str),
    born=st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    seq=st.integers(0, 999).map(lambda n: f"{n:03d}"),
    before=CJK,
    after=CJK,
    wide=st.booleans(),
)
def test_any_valid_id_in_any_text_is_found_once_and_masked(
    region: str, born: date, seq: str, before: str, after: str, wide: bool
) -> None:
    number = resident_id(region, f"{born:%Y%m%d}", seq)
    written = full_width(number) if wide else number
    text = before + written + after
    flags = scan_text(text)
    personal = [f for f in flags.findings if f.personal]
    assert [(f.kind, text[f.start : f.end]) for f in personal] == [("resident_id", written)]
    assert personal[0].masked == written[:6] + "********" + written[-4:]
    masked = mask_personal_data(text)
    assert masked == before + personal[0].masked + after
    assert not [f for f in scan_text(masked).findings if f.personal]  # masking leaves nothing to find


@settings(max_examples=200, deadline=None, database=None)
@given(st.text(alphabet="0123456789０１２３４５６７８９ -+Xx８６甲乙", max_size=200))
def test_masking_any_text_leaves_no_personal_data(text: str) -> None:
    masked = mask_personal_data(text)
    assert len(masked) == len(text)  # one character for one: spans and layout stay
    assert not [f for f in scan_text(masked, limit=1000).findings if f.personal]
