"""Requests for information (依申請公開): what a request body may hold, the tracking
number, and the deadline as the register stores it. Pure code: the service hands in
the instant, the zone and the calendar.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Literal, get_args
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from publisher.domain.disclosure.deadlines import request_deadline
from publisher.domain.disclosure.report_codes import OUTCOME_CODES, ApplicantKind
from publisher.domain.disclosure.working_days import (
    CalendarConfig,
    CalendarYear,
    CalendarYearUnknown,
    WorkingCalendar,
)
from publisher.domain.text import check_text

Channel = Literal["in_person", "post", "online", "fax", "email", "other"]
CHANNELS: tuple[str, ...] = get_args(Channel)
Status = Literal["open", "extended", "replied"]
STATUSES: tuple[str, ...] = get_args(Status)
# Outcome codes in the order of table 3 (DISCLOSURE.md); a Literal so that the schema lists them.
Outcome = Literal[
    "disclosed", "partly",
    "withheld.state_secret", "withheld.prohibited", "withheld.security", "withheld.third_party",
    "withheld.internal", "withheld.process", "withheld.enforcement_file", "withheld.inquiry",
    "unavailable.not_held", "unavailable.needs_creation", "unavailable.unclear",
    "not_processed.petition", "not_processed.repeat", "not_processed.publication", "not_processed.mass",
    "not_processed.reissue",
    "other.no_correction", "other.no_fee", "other.other",
]
OUTCOMES: tuple[str, ...] = get_args(Outcome)
assert set(OUTCOMES) == OUTCOME_CODES, "Outcome must list exactly the table-3 codes"
# The outcomes whose answer is to make the information public: only these link a notice.
PUBLISHING_OUTCOMES = frozenset({"disclosed", "partly"})

# The earliest receipt the register takes: the calendar package starts in 2004.
EARLIEST = date(2004, 1, 1)

# Texts of 1 to n characters without control or formatting characters (the length is
# checked on the string itself, so the refusal says "characters").
_Plain = AfterValidator(check_text)
Name = Annotated[str, Field(min_length=1, max_length=200), _Plain]
Contact = Annotated[str, Field(min_length=1, max_length=300), _Plain]
Description = Annotated[str, Field(min_length=1, max_length=5000), _Plain]
ReasonText = Annotated[str, Field(min_length=1, max_length=2000), _Plain]
ReplyText = Annotated[str, Field(min_length=1, max_length=10_000), _Plain]


class Applicant(BaseModel):
    """Personal data: only staff see it; never logged, never in an event."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    kind: ApplicantKind
    name: Name
    contact: Contact


class RequestIn(BaseModel):
    """POST /api/v1/requests: a request staff received in person, by post, fax, e-mail..."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    received_at: AwareDatetime
    channel: Channel
    applicant: Applicant
    description: Description


class OnlineRequest(BaseModel):
    """The public form /requests/new (received now, channel online)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    kind: ApplicantKind
    name: Name
    contact: Contact
    description: Description


class Extension(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    reason: ReasonText


class Reply(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    outcome: Outcome
    text: ReplyText
    notice_id: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None

    @field_validator("notice_id")
    @classmethod
    def _notice_only_when_published(cls, value: int | None, info: ValidationInfo) -> int | None:
        outcome = info.data.get("outcome")  # absent when the outcome itself was refused
        if value is not None and outcome is not None and outcome not in PUBLISHING_OUTCOMES:
            raise ValueError("only a reply that discloses (disclosed, partly) links a notice")
        return value


# Tracking numbers: the year, then 10 characters from 30 that cannot be mistaken for one
# another (no 0/O, 1/I/L, U): about 49 random bits, so the public page cannot be walked.
_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
TRACKING_LENGTH = 4 + 1 + 5 + 1 + 5


def new_tracking_no(year: int) -> str:
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(10))
    return f"{year:04d}-{chars[:5]}-{chars[5:]}"


def normal_tracking_no(raw: str) -> str | None:
    """A tracking number as typed (any case, spaces) in its stored form, or None when it
    cannot be one."""
    text = raw.strip().upper().replace(" ", "")
    if len(text) != TRACKING_LENGTH or text[4] != "-" or text[10] != "-" or not text[:4].isdigit():
        return None
    if any(c not in _ALPHABET for c in text[5:10] + text[11:]):
        return None
    return text


@dataclass(frozen=True, slots=True)
class RequestDeadline:
    due_on: date
    due_at: datetime
    provisional: bool  # counted on plain weekdays for a year the calendar does not know


class RequestCalendar:
    """The official calendar, and for a year it does not know yet a provisional count
    on plain weekdays: the receipt of a request is a legal fact and must be registered
    even in late December, so the deadline is stored as provisional and shown so."""

    def __init__(self, config: CalendarConfig | None = None) -> None:
        self.official = WorkingCalendar.from_config(config)
        declared = list(config.years) if config else []
        known = {y.year for y in declared}
        plain = [CalendarYear(year=y) for y in range(1949, 2201) if y not in known and not self.official.knows(y)]
        self.lenient = WorkingCalendar([*declared, *plain])

    def deadline(self, received_on: date, zone: ZoneInfo, extended: bool) -> RequestDeadline:
        try:
            found = request_deadline(self.official, received_on, zone, extended=extended)
            provisional = False
        except CalendarYearUnknown:
            found = request_deadline(self.lenient, received_on, zone, extended=extended)
            provisional = True
        return RequestDeadline(found.due_on, found.due_at, provisional)

    def working_days_between(self, start: date, end: date) -> int:
        try:
            return self.official.working_days_between(start, end)
        except CalendarYearUnknown:
            return self.lenient.working_days_between(start, end)

    def add_working_days(self, start: date, count: int) -> date:
        try:
            return self.official.add_working_days(start, count)
        except CalendarYearUnknown:
            return self.lenient.add_working_days(start, count)
