"""One line of a historical import file: a notice as it was published, with its index
number, publication date and state, checked as a whole before anything is written.

A line is a JSON object: the NoticeIn fields, plus `index_no`, `published_at`, `status`
(`live` or `withdrawn`), `withdrawn_at` (required iff withdrawn) and `validity` (the same
as `meta.validity`, accepted at the top level because bureaus' spreadsheets keep it as
a column of its own). Dates are kept as given: a date without a time is the start of
that day in the bureau's zone; a date-time without an offset is in the bureau's zone.

Pure: the caller hands in the configuration (catalog, locations, channels, zone) and the
moment of the import; refusals are ImportLineError naming the line and the field.
"""

from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator

from publisher.domain.errors import DomainError
from publisher.domain.notices import NoticeIn, Validity
from publisher.domain.schedule import check_evaluates
from publisher.domain.text import check_text

IMPORT_FIELDS = ("index_no", "published_at", "status", "withdrawn_at", "validity")
MAX_LINE = 1_000_000  # characters: a body is at most 100,000, with room for the rest
EARLIEST = 1900
# Historical records go to the public record (the portal) unless a line says otherwise:
# ten years of old notices must not start rotating on the halls' kiosks and signs.
DEFAULT_CHANNELS = ("portal",)


class ImportLineError(Exception):
    """A line that cannot be imported: its number (1-based), the field, why."""

    def __init__(self, line: int, field: str, message: str) -> None:
        super().__init__(f"line {line}: {field}: {message}")
        self.line = line
        self.field = field
        self.message = message


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _day_is_its_start(value: object) -> object:
    """A date alone ("2011-03-01") is the start of that day (its zone added later)."""
    return f"{value}T00:00:00" if isinstance(value, str) and _DAY.fullmatch(value) else value


# A date or a date-time; without an offset, in the bureau's zone (see instant()).
Given = Annotated[datetime, BeforeValidator(_day_is_its_start)]


class ImportFields(BaseModel):
    """What a line adds to NoticeIn."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    index_no: Annotated[str, Field(min_length=1, max_length=80)]
    published_at: Given
    status: Literal["live", "withdrawn"]
    withdrawn_at: Given | None = None
    validity: Validity | None = None

    @field_validator("index_no")
    @classmethod
    def _plain(cls, value: str) -> str:
        check_text(value)
        return value


@dataclass(frozen=True, slots=True)
class ImportedNotice:
    line: int
    index_no: str
    notice: NoticeIn
    content: dict[str, Any]  # NoticeIn as stored (model_dump, JSON mode)
    status: str
    published_at: datetime  # aware
    withdrawn_at: datetime | None


def instant(value: datetime, tz: ZoneInfo) -> datetime:
    """A date-time as given, as an aware instant (in the bureau's zone when it has no offset)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=tz)


def _first(exc: ValidationError, prefix: str = "") -> tuple[str, str]:
    err = exc.errors(include_url=False, include_input=False)[0]
    loc = ".".join(str(p) for p in err["loc"] if p not in ("function-after", "function-before"))
    return (prefix + loc) or "(line)", err["msg"].removeprefix("Value error, ")


def parse_line(number: int, text: str, context: dict[str, Any], tz: ZoneInfo, now: datetime) -> ImportedNotice:
    """One line, checked as the service checks a notice (the same NoticeIn, the same
    schedule evaluation from its real start) plus the import's own fields."""
    if len(text) > MAX_LINE:
        raise ImportLineError(number, "(line)", f"longer than {MAX_LINE} characters")
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ImportLineError(number, "(line)", f"not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ImportLineError(number, "(line)", "must be a JSON object")
    extra = {k: data.pop(k) for k in IMPORT_FIELDS if k in data}
    try:
        fields = ImportFields.model_validate(extra)
    except ValidationError as exc:
        raise ImportLineError(number, *_first(exc)) from None
    meta = data.get("meta", {})
    if fields.validity is not None and isinstance(meta, dict):  # (a meta that is not an object: NoticeIn says so)
        if meta.get("validity", fields.validity) != fields.validity:
            raise ImportLineError(number, "validity", "differs from meta.validity")
        data["meta"] = {**meta, "validity": fields.validity}
    data.setdefault("channels", list(DEFAULT_CHANNELS))
    try:
        notice = NoticeIn.model_validate(data, context=context)
    except ValidationError as exc:
        raise ImportLineError(number, *_first(exc)) from None
    published = instant(fields.published_at, tz)
    if published.astimezone(tz).year < EARLIEST or published > now:
        raise ImportLineError(number, "published_at", "must lie between 1900 and the time of the import")
    withdrawn = instant(fields.withdrawn_at, tz) if fields.withdrawn_at is not None else None
    if fields.status == "withdrawn" and withdrawn is None:
        raise ImportLineError(number, "withdrawn_at", "required when status is withdrawn")
    if fields.status == "live" and withdrawn is not None:
        raise ImportLineError(number, "withdrawn_at", "only a withdrawn notice has a withdrawal date")
    if withdrawn is not None and not published <= withdrawn <= now:
        raise ImportLineError(number, "withdrawn_at", "must lie between published_at and the time of the import")
    try:
        check_evaluates(notice.schedule, tz, published, now)
    except DomainError as exc:
        raise ImportLineError(number, exc.field or "schedule", exc.message) from None
    # Kept in UTC from here on: the database stores UTC, and converting once is cheaper
    # than at every column that repeats it.
    return ImportedNotice(number, fields.index_no, notice, notice.model_dump(mode="json", by_alias=True),
                          fields.status, published.astimezone(timezone.utc),
                          withdrawn.astimezone(timezone.utc) if withdrawn is not None else None)


def index_pattern(template: str, org_code: str) -> re.Pattern[str]:
    """A regular expression that reads the year and sequence number back out of an index
    number made by `template` (organization.index_template): imported numbers that follow
    it move the year's sequence on, so that new numbers never repeat them."""
    parts: list[str] = []
    for literal, name, _spec, _conv in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if name == "org_code":
            parts.append(re.escape(org_code))
        elif name == "year":
            parts.append(r"(?P<year>\d{4})")
        elif name == "seq":
            parts.append(r"(?P<seq>\d{1,9})")
        elif name is not None:
            parts.append(".*?")
    return re.compile("".join(parts))


def year_and_seq(pattern: re.Pattern[str], index_no: str) -> tuple[int, int] | None:
    found = pattern.fullmatch(index_no)
    if found is None or "year" not in pattern.groupindex:
        return None
    return int(found.group("year")), int(found.group("seq"))

