"""Detectors for personal data in a text: resident ID numbers, mainland mobile numbers and
bank card numbers.

Each detector is a regular expression of bounded repetitions only, so the work at each
position of the text is bounded and a scan is linear in the text's length; every match is
then confirmed by its checksum, which keeps ordinary numbers (dates, document numbers,
phone extensions) from being flagged:

- resident ID (居民身份證號碼): 17 digits and a check digit (0-9 or X) by ISO 7064
  MOD 11-2, with a real birth date (YYYYMMDD, 1900-2099) in digits 7 to 14. Written
  contiguous or grouped 6-8-4.
- mobile number: 11 digits starting 13 to 19, optionally after 86 / +86, contiguous or
  grouped 3-4-4.
- bank card: 16 to 19 digits (the lengths UnionPay issues) passing the Luhn check,
  contiguous or grouped by four.

A number is only taken whole: a match may not have a digit right before it, nor a digit
or an X right after it (which would make it part of a longer number or ID), so the 11
digits inside an 18-digit ID are not also a mobile number. Where two kinds claim
overlapping characters the first of ID, card, mobile wins. Full-width digits count as
digits (findings.DIGITS).
"""

from __future__ import annotations

import bisect
import operator
import re
from collections.abc import Callable, Iterator
from datetime import date

from publisher.domain.disclosure.findings import (
    DIGITS,
    Finding,
    FindingKind,
    ascii_digits,
    mask_digits,
)

D = f"[{DIGITS}]"
CHECK = f"[{DIGITS}Xx\uff38\uff58]"
SEP = "[ \\-\u2010\u2011\uff0d\u3000]"  # space, hyphens (ASCII, Unicode, full-width), ideographic space
START = f"(?<!{D})"
END = f"(?!{CHECK})"  # nor an X after it: that would make it an ID number, longer

RESIDENT_ID = re.compile(f"{START}{D}{{6}}{SEP}?{D}{{8}}{SEP}?{D}{{3}}{CHECK}{END}")
BANK_CARD = re.compile(f"{START}(?:{D}{{16,19}}|{D}{{4}}(?:{SEP}{D}{{4}}){{3}}(?:{SEP}{D}{{1,3}})?){END}")
COUNTRY = f"[+\uff0b]?(?:86|\uff18\uff16){SEP}?"  # +86 / 86, ASCII or full-width
MOBILE = re.compile(f"{START}(?:{COUNTRY})?[1\uff11][3-9\uff13-\uff19]{D}(?:{SEP}?{D}{{4}}){{2}}{END}")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_LUHN_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)  # a digit doubled, then its digits summed
_NOT_DIGIT_OR_X = re.compile("[^0-9X]")


def _compact(matched: str) -> str:
    """Only the digits (and a check X), in ASCII: what the checksums are computed over."""
    return _NOT_DIGIT_OR_X.sub("", ascii_digits(matched))


def resident_id_valid(number: str) -> bool:
    """An 18-character ID (ASCII or full-width) with its MOD 11-2 check digit and a real birth date."""
    digits = _compact(number)
    if len(digits) != 18 or not digits[:17].isdigit():
        return False
    total = sum(map(operator.mul, map(int, digits[:17]), _ID_WEIGHTS))
    if _ID_CHECK[total % 11] != digits[17]:
        return False
    year, month, day = int(digits[6:10]), int(digits[10:12]), int(digits[12:14])
    if not 1900 <= year <= 2099:
        return False
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def luhn_valid(number: str) -> bool:
    digits = _compact(number)
    if not digits.isdigit():
        return False
    # from the right: digits in odd places as they are, in even places doubled (digit sum)
    total = sum(map(int, digits[::-1][0::2])) + sum(_LUHN_DOUBLED[int(d)] for d in digits[::-1][1::2])
    return total % 10 == 0


def _bank_card_valid(matched: str) -> bool:
    digits = _compact(matched)
    return 16 <= len(digits) <= 19 and luhn_valid(digits)


def _mobile_valid(matched: str) -> bool:
    return True  # the pattern is the whole rule: phone numbers carry no checksum


def _mask_resident_id(matched: str) -> str:
    return mask_digits(matched, 6, 4)  # region code and last four: 110101********1234


def _mask_bank_card(matched: str) -> str:
    return mask_digits(matched, 4, 4)  # 6222 **** **** 1234


def _mask_mobile(matched: str) -> str:
    # the country code (if any) and the first three stay: 138****5678, +86 138****5678
    return mask_digits(matched, len(_compact(matched)) - 8, 4)


Detector = tuple[FindingKind, re.Pattern[str], Callable[[str], bool], Callable[[str], str]]
# In order of precedence where two kinds claim the same characters.
_DETECTORS: tuple[Detector, ...] = (
    ("resident_id", RESIDENT_ID, resident_id_valid, _mask_resident_id),
    ("bank_card", BANK_CARD, _bank_card_valid, _mask_bank_card),
    ("mobile", MOBILE, _mobile_valid, _mask_mobile),
)


def iter_personal_data(text: str) -> Iterator[Finding]:
    """Every personal-data finding in `text`, in order of position, without overlaps."""
    kept: list[Finding] = []  # from the detectors before this one: sorted and disjoint
    for kind, pattern, valid, mask in _DETECTORS:
        starts = [f.start for f in kept]
        new: list[Finding] = []  # a pattern's own matches never overlap each other
        for match in pattern.finditer(text):
            start, end = match.span()
            # only the kept span starting last before `end` can reach into this one
            before = bisect.bisect_left(starts, end) - 1
            if before >= 0 and kept[before].end > start:
                continue
            matched = match.group()
            if valid(matched):
                new.append(Finding(kind, start, end, mask(matched)))
        kept = sorted(kept + new, key=lambda f: f.start)  # two sorted runs: a linear merge
    yield from kept
