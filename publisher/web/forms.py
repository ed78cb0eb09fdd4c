"""The notice form: its fields named like the API's, converted to and from NoticeIn.

The form only converts (local date-times in the bureau's zone -> ISO 8601 with the
offset; repeated daily-window fields -> a list of windows; keywords text -> a list).
Every rule is checked by the service's own parse (NoticeService.parse_notice); its
errors come back keyed by the API's dotted field path and are mapped here to the form
field they belong to, and put in the page's language.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp.web_request import FileField
from multidict import MultiDict, MultiDictProxy

from publisher.errors import ApiError
from publisher.web.i18n import N_, Translator

TEXT_FIELDS = ("title", "summary", "body", "category", "priority", "led_text", "schedule.start", "schedule.end",
               "schedule.rrule", "schedule.duration", "schedule.dwell_s", "meta.doc_number", "meta.issuing_org",
               "meta.issued_on", "meta.keywords", "meta.doc_kind", "meta.validity", "meta.repealed_on")
LIST_FIELDS = ("channels", "locations")
LOCAL_INPUT = "%Y-%m-%dT%H:%M"
_KEYWORD_SPLIT = re.compile(r"[,，、;；\s]+")
_ROW_DAY = re.compile(r"(\d{1,2}):([a-z]{3})")
MAX_ROWS = 14


@dataclass
class DailyRow:
    days: list[str] = field(default_factory=list)
    from_: str = ""
    to: str = ""

    @property
    def blank(self) -> bool:
        return not self.days and not self.from_.strip() and not self.to.strip()


@dataclass
class NoticeForm:
    """What the person typed (strings), to fill the form again, and the errors by field."""

    values: dict[str, str] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=dict)
    daily: list[DailyRow] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> str:
        return self.values.get(name, "")

    def has(self, name: str, value: str) -> bool:
        return value in self.lists.get(name, [])

    def rows(self, spare: int = 1) -> list[DailyRow]:
        """The windows typed so far and `spare` empty rows to add one."""
        return self.daily + [DailyRow() for _ in range(min(spare, MAX_ROWS - len(self.daily)))]


def text_only(post: MultiDictProxy[str | bytes | bytearray | FileField]) -> MultiDictProxy[str]:
    """A posted form whose every value is text: a file (or raw bytes) where a page expects
    a text field is a 422 naming the field, never a 500 further down."""
    texts: MultiDict[str] = MultiDict()
    for name, value in post.items():
        if not isinstance(value, str):
            message = "must be text, not a file"
            raise ApiError(422, "validation_failed", f"invalid {name}: {message}",
                           [{"field": name, "message": message, "type": "string_type"}])
        texts.add(name, value)
    return MultiDictProxy(texts)


def blank_form(categories: list[str], issuing_org: str = "", channels: Sequence[str] = ()) -> NoticeForm:
    """An empty notice: every channel ticked, every location (none ticked)."""
    return NoticeForm(
        values={"priority": "normal", "schedule.dwell_s": "10", "category": categories[0] if categories else "",
                "meta.issuing_org": issuing_org, "meta.doc_kind": "other", "meta.validity": "in_force"},
        lists={"channels": list(channels), "locations": []},
    )


def from_post(post: MultiDictProxy[str]) -> NoticeForm:
    form = NoticeForm()
    for name in TEXT_FIELDS:
        form.values[name] = post.get(name, "")
    for name in LIST_FIELDS:
        form.lists[name] = [v for v in post.getall(name, []) if v]
    froms, tos = post.getall("daily.from", []), post.getall("daily.to", [])
    # A tampered form may send more of one than the other: the unpaired extras are dropped.
    rows = [DailyRow(from_=f, to=t) for f, t in zip(froms, tos, strict=False)]
    plain = 0  # daily.days without a row prefix: the k-th belongs to the k-th row
    for value in post.getall("daily.days", []):
        m = _ROW_DAY.fullmatch(value)
        if m:
            index, days = int(m.group(1)), [m.group(2)]
        else:
            index, days = plain, [d for d in _KEYWORD_SPLIT.split(value.lower()) if d]
            plain += 1
        if index >= MAX_ROWS:
            continue
        while len(rows) <= index:
            rows.append(DailyRow())
        rows[index].days.extend(days)
    form.daily = [r for r in rows if not r.blank]  # so that row numbers match the windows
    return form


def from_notice(notice: dict[str, Any], tz: ZoneInfo) -> NoticeForm:
    """The form for editing a notice (its newest revision)."""
    schedule = notice.get("schedule") or {}
    recurrence = schedule.get("recurrence") or {}
    meta = notice.get("meta") or {}

    def local(value: str | None) -> str:
        return datetime.fromisoformat(value).astimezone(tz).strftime(LOCAL_INPUT) if value else ""

    values = {
        "title": notice.get("title") or "",
        "summary": notice.get("summary") or "",
        "body": notice.get("body") or "",
        "category": notice.get("category") or "",
        "priority": notice.get("priority") or "normal",
        "led_text": notice.get("led_text") or "",
        "schedule.start": local(schedule.get("start")),
        "schedule.end": local(schedule.get("end")),
        "schedule.rrule": recurrence.get("rrule", ""),
        "schedule.duration": recurrence.get("duration", ""),
        "schedule.dwell_s": str(schedule.get("dwell_s", 10)),
        "meta.doc_number": meta.get("doc_number") or "",
        "meta.issuing_org": meta.get("issuing_org") or "",
        "meta.issued_on": meta.get("issued_on") or "",
        "meta.keywords": "、".join(meta.get("keywords") or []),
        "meta.doc_kind": meta.get("doc_kind") or "other",
        "meta.validity": meta.get("validity") or "in_force",
        "meta.repealed_on": meta.get("repealed_on") or "",
    }
    daily = [DailyRow(days=list(w["days"]), from_=w["from"], to=w["to"]) for w in schedule.get("daily") or []]
    return NoticeForm(values=values, lists={"channels": list(notice.get("channels") or []),
                                            "locations": list(notice.get("locations") or [])}, daily=daily)


def _instant(text: str, tz: ZoneInfo) -> str:
    """A local date-time from the form ("2026-12-16T09:00") as ISO 8601 with the zone's offset."""
    value = datetime.fromisoformat(text.strip())
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.isoformat()


@dataclass
class Converted:
    data: dict[str, Any]
    errors: list[dict[str, str]]  # conversion errors, in the service's detail shape
    rows: list[int]  # index in data["schedule"]["daily"] -> form row


def to_notice_in(form: NoticeForm, tz: ZoneInfo) -> Converted:
    """The NoticeIn dict the API would receive for this form."""
    v = form.values
    errors: list[dict[str, str]] = []
    data: dict[str, Any] = {
        "title": v.get("title", ""),
        "summary": v.get("summary", ""),
        "body": v.get("body", ""),
        "category": v.get("category", ""),
        "channels": form.lists.get("channels", []),
        "locations": form.lists.get("locations", []),
        "priority": v.get("priority") or "normal",
        "led_text": v.get("led_text", ""),
    }
    schedule: dict[str, Any] = {}
    for name in ("start", "end"):
        text = v.get(f"schedule.{name}", "").strip()
        if text:
            try:
                schedule[name] = _instant(text, tz)
            except ValueError:
                errors.append({"field": f"schedule.{name}", "message": "invalid date-time", "type": "datetime_parsing"})
    rrule, duration = v.get("schedule.rrule", "").strip(), v.get("schedule.duration", "").strip()
    if rrule or duration:
        schedule["recurrence"] = {"rrule": rrule, "duration": duration}
    rows: list[int] = []
    windows = []
    for index, row in enumerate(form.daily):
        if row.blank:
            continue
        rows.append(index)
        windows.append({"days": row.days, "from": row.from_.strip(), "to": row.to.strip()})
    if windows:
        schedule["daily"] = windows
    dwell = v.get("schedule.dwell_s", "").strip()
    if dwell:
        schedule["dwell_s"] = dwell
    data["schedule"] = schedule
    meta: dict[str, Any] = {}
    for name in ("doc_number", "issuing_org"):
        text = v.get(f"meta.{name}", "").strip()
        if text:
            meta[name] = text
    if v.get("meta.issued_on", "").strip():
        meta["issued_on"] = v["meta.issued_on"].strip()
    keywords = [k for k in _KEYWORD_SPLIT.split(v.get("meta.keywords", "")) if k]
    if keywords:
        meta["keywords"] = keywords
    for name in ("doc_kind", "validity", "repealed_on"):  # blank: the model's default
        text = v.get(f"meta.{name}", "").strip()
        if text:
            meta[name] = text
    data["meta"] = meta
    return Converted(data, errors, rows)


# -- errors ------------------------------------------------------------------------------

_DAILY_PATH = re.compile(r"schedule\.daily\.(\d+)(?:\.(days|from|to))?")


def form_field(path: str, rows: list[int]) -> str:
    """The form field a service error path belongs to."""
    if path.startswith("schedule.recurrence"):
        return "schedule.duration" if path.endswith("duration") else "schedule.rrule"
    m = _DAILY_PATH.match(path)
    if m:
        k = int(m.group(1))
        row = rows[k] if k < len(rows) else k
        return f"daily.{row}.{m.group(2) or 'from'}"
    if path == "schedule.daily":
        return "daily.0.from"
    top = path.split(".")[0]
    if top in ("channels", "locations"):
        return top
    if path.startswith("meta.keywords"):
        return "meta.keywords"
    if path in TEXT_FIELDS:
        return path
    if path == "schedule":
        return "schedule.start"
    return "_form"


_NUMBER = re.compile(r"\d+")

# By pydantic error type.
BY_TYPE = {
    "missing": N_("必填"),
    "string_too_short": N_("請填寫這一欄"),
    "string_too_long": N_("太長了：最多 %(n)s 個字"),
    "too_short": N_("請至少選一項"),
    "too_long": N_("太多了：最多 %(n)s 項"),
    "literal_error": N_("請從選項中選擇"),
    "enum": N_("請從選項中選擇"),
    "int_parsing": N_("請輸入整數"),
    "int_from_float": N_("請輸入整數"),
    "greater_than_equal": N_("不能小於 %(n)s"),
    "less_than_equal": N_("不能大於 %(n)s"),
    "datetime_parsing": N_("請輸入有效的日期和時間"),
    "datetime_from_date_parsing": N_("請輸入有效的日期和時間"),
    "timezone_aware": N_("請輸入有效的日期和時間"),
    "date_parsing": N_("請輸入有效的日期（年-月-日）"),
    "date_from_datetime_parsing": N_("請輸入有效的日期（年-月-日）"),
    "date_from_datetime_inexact": N_("請輸入有效的日期（年-月-日）"),
    "self_lockout": N_("您不能移除自己的管理員角色"),
}

# Messages of the domain's own checks (value errors), by what they start with.
BY_MESSAGE = (
    ("end must be after start", N_("結束時間必須晚於開始時間")),
    ("duration must be positive", N_("持續時間必須大於零")),
    ("duration must be longer than zero", N_("持續時間必須大於零")),
    ("duration must be at most", N_("持續時間最長 366 天")),
    ("years and months are ambiguous", N_("持續時間請用週或天表示（如 P30D），不用年或月")),
    ("must be a local time", N_("請輸入時間，格式為 時:分（如 08:30）")),
    ("'to' must differ", N_("結束時間不能與開始時間相同（到午夜請填 00:00）")),
    ("a day is listed twice", N_("同一天選了兩次")),
    ("unknown catalog category", N_("請選擇目錄類別")),
    ("unknown location codes", N_("有不認識的地點")),
    ("unknown roles", N_("有不認識的角色")),
    ("FREQ is required", N_("重複規則須有 FREQ（YEARLY、MONTHLY、WEEKLY、DAILY 或 HOURLY）")),
    ("UNTIL must be", N_("UNTIL 須是 UTC 時間，如 20271231T160000Z")),
    ("UNTIL and COUNT", N_("UNTIL 與 COUNT 只能擇一")),
    ("the rule never produces", N_("這個重複規則永遠不會發生")),
    ("must not be empty", N_("請填寫重複規則")),
)
DURATION_FORMAT = N_("持續時間的寫法如 P3D（3天）、PT8H（8小時）、P1DT12H（1天12小時）")
BAD_RULE = N_("重複規則無效：%(detail)s")
REQUIRED = N_("請填寫這一欄")


def localize(detail: dict[str, Any], field_name: str, t: Translator) -> str:
    """A service error detail in the page's language."""
    kind, message = detail.get("type", ""), str(detail.get("message", ""))
    if kind == "value_error" or kind not in BY_TYPE:
        for start, text in BY_MESSAGE:
            if message.startswith(start) or start in message:
                return t(text)
        if field_name == "schedule.duration":
            return t(REQUIRED) if "''" in message else t(DURATION_FORMAT)
        if field_name == "schedule.rrule":
            return t(BAD_RULE, detail=message)
        return message
    if kind == "string_too_short" and field_name == "schedule.duration":
        return t(DURATION_FORMAT)
    numbers = _NUMBER.findall(message)
    return t(BY_TYPE[kind], n=numbers[-1] if numbers else "")


def field_errors(details: list[dict[str, Any]], rows: list[int], t: Translator) -> dict[str, str]:
    """{form field: message}; the first message of a field wins."""
    errors: dict[str, str] = {}
    for detail in details:
        name = form_field(str(detail.get("field", "")), rows)
        errors.setdefault(name, localize(detail, name, t))
    return errors

